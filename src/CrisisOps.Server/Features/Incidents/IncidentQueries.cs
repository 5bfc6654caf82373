using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Deadlines;
using CrisisOps.Domain.Incidents;
using CrisisOps.Server.Platform;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Incidents;

/// <summary>Reads shared by the API and the console pages, always through the caller's jurisdictions.</summary>
public static class IncidentQueries
{
    public static IQueryable<Incident> Visible(CrisisOpsDbContext db, CallerAccess access)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(access);
        return db.Incidents.AsNoTracking().WhereUnder(i => i.RegionPath, access.ScopesFor(Permission.ReadIncidents));
    }

    /// <summary>Open incidents (not closed) with the ids of those whose first report is overdue.</summary>
    public static async Task<(List<Incident> Incidents, HashSet<Guid> Overdue)> OpenAsync(CrisisOpsDbContext db, CallerAccess access,
        DateTimeOffset now, int limit, CancellationToken ct)
    {
        var incidents = await Visible(db, access).Where(i => i.Status != IncidentStatus.Closed)
            .OrderByDescending(i => i.ReportedAt).Take(limit).ToListAsync(ct);
        return (incidents, await OverdueAsync(db, incidents, now, ct));
    }

    /// <summary>Which of these incidents have an open deadline past due.</summary>
    public static async Task<HashSet<Guid>> OverdueAsync(CrisisOpsDbContext db, IEnumerable<Incident> incidents, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var ids = incidents.Select(i => i.Id).ToList();
        return [.. await db.Deadlines.AsNoTracking()
            .Where(d => d.IncidentId != null && ids.Contains(d.IncidentId.Value) && d.Status == DeadlineStatus.Open && d.DueAt < now)
            .Select(d => d.IncidentId!.Value).ToListAsync(ct)];
    }

    /// <summary>One incident by id or number, or null.</summary>
    public static async Task<Incident?> FindAsync(CrisisOpsDbContext db, string key, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var query = db.Incidents.AsNoTracking().Include(i => i.Reports);
        return Guid.TryParse(key, out var id)
            ? await query.SingleOrDefaultAsync(i => i.Id == id, ct)
            : await query.SingleOrDefaultAsync(i => i.Number == key, ct);
    }
}
