using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Deadlines;
using CrisisOps.Server.Platform;

namespace CrisisOps.Server.Features.Deadlines;

/// <summary>Reads shared by the API and the console pages.</summary>
public static class DeadlineQueries
{
    /// <summary>
    /// Deadlines the caller may see: staff of the region where a duty arose and of every region
    /// above it, wherever the duty has escalated to.
    /// </summary>
    public static IQueryable<Deadline> Visible(CrisisOpsDbContext db, CallerAccess access)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(access);
        return Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.AsNoTracking(db.Deadlines)
            .WhereUnder(d => d.OriginRegionPath, access.ScopesFor(Permission.ReadDeadlines));
    }

    /// <summary>Overdue first, then by due time.</summary>
    public static IEnumerable<Deadline> OverdueFirst(this IEnumerable<Deadline> deadlines, DateTimeOffset now) =>
        deadlines.OrderByDescending(d => d.IsOverdue(now)).ThenBy(d => d.DueAt);
}
