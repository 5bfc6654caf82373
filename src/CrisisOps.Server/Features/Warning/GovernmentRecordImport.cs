using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Warning;
using CrisisOps.Server.Features.Journal;
using CrisisOps.Server.Features.Regions;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Warning;

/// <summary>Why one record was refused; <c>Row</c> is the file's line (CSV) or sheet row (xlsx), absent for JSON.</summary>
public sealed record RecordErrorDto(int Index, int? Row, string? SourceId, string Reason);

public sealed record RecordImportResult(int Received, int Stored, int Duplicates, int Rejected, IReadOnlyList<RecordErrorDto> Errors);

/// <summary>
/// Stores a batch of government records: checks each (see <see cref="GovernmentRecordRules"/>),
/// the region against the caller's <see cref="Permission.ImportRecords"/>, skips records already
/// stored (same source office and record number), journals per region what arrived and queues
/// those regions for assessment in the same transaction (<see cref="RiskQueue"/>), and answers once
/// the tiers reflect the import.
/// </summary>
public sealed class GovernmentRecordImport(IDbContextFactory<CrisisOpsDbContext> factory, RegionDirectory directory, RiskQueue queue,
    TimeProvider clock, IConfiguration configuration)
{
    /// <summary>The zone of times written without an offset (<c>Records:TimeZone</c>, an IANA id; default UTC).</summary>
    public TimeZoneInfo LocalZone { get; } = configuration["Records:TimeZone"] is { Length: > 0 } zone
        ? TimeZoneInfo.FindSystemTimeZoneById(zone)
        : TimeZoneInfo.Utc;

    public async Task<RecordImportResult> ImportAsync(IReadOnlyList<IncomingRecord> items, IReadOnlyList<int>? rows, CallerAccess access,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(access);
        var now = clock.GetUtcNow();
        var snapshot = await directory.GetAsync(ct);

        // A region outside the caller's jurisdictions is, to this caller, unknown.
        RecordRegion? Region(string code) =>
            snapshot.Find(code) is { } r && access.Can(Permission.ImportRecords, r.Path) ? new RecordRegion(r.Code, r.Path) : null;
        var check = GovernmentRecordRules.Check(items, Region, now, LocalZone);

        var stored = new List<GovernmentRecord>();
        for (var attempt = 0; check.Accepted.Count > 0; attempt++)
        {
            try
            {
                stored = await StoreAsync(check.Accepted.Select(a => a.Record).ToList(), access.Name, now, ct);
                break;
            }
            catch (DbUpdateException) when (attempt < 2)
            {
                // A concurrent import stored some of the same records first: read again, they are duplicates now.
            }
        }

        if (stored.Count > 0)
        {
            await queue.WaitForAssessmentAsync(ct);
        }

        var errors = check.Rejected
            .Select(e => new RecordErrorDto(e.Index, rows?[e.Index], e.SourceId, rows is null ? e.Reason : $"row {rows[e.Index]}: {e.Reason}"))
            .ToList();
        return new RecordImportResult(items.Count, stored.Count, check.Accepted.Count - stored.Count, errors.Count, errors);
    }

    private static async Task<List<GovernmentRecord>> StoreAsync(List<ValidRecord> accepted, string actor, DateTimeOffset now,
        IDbContextFactory<CrisisOpsDbContext> factory, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var sources = accepted.Select(r => r.Source).Distinct(StringComparer.Ordinal).ToList();
        var ids = accepted.Select(r => r.SourceId).Distinct(StringComparer.Ordinal).ToList();
        var known = (await db.GovernmentRecords.AsNoTracking().Where(r => sources.Contains(r.Source) && ids.Contains(r.SourceId))
                .Select(r => new { r.Source, r.SourceId }).ToListAsync(ct))
            .Select(r => (r.Source, r.SourceId)).ToHashSet();
        var fresh = accepted.Where(r => !known.Contains((r.Source, r.SourceId)))
            .Select(r => new GovernmentRecord(Guid.CreateVersion7(now), r, now, actor)).ToList();
        if (fresh.Count == 0)
        {
            return fresh;
        }

        db.GovernmentRecords.AddRange(fresh);
        foreach (var region in fresh.GroupBy(r => (r.RegionCode, r.RegionPath)))
        {
            db.Append(new JournalRecord(now, actor, JournalTypes.RecordsImported, region.Key.RegionCode, region.Key.RegionPath, null,
                new
                {
                    count = region.Count(),
                    sources = region.Select(r => r.Source).Distinct(StringComparer.Ordinal).ToList(),
                    categories = region.GroupBy(r => r.Category.Word()).ToDictionary(g => g.Key, g => g.Count()),
                    from = region.Min(r => r.Time),
                    to = region.Max(r => r.Time),
                    maxSeverity = region.Max(r => r.Severity),
                }));
        }

        await RiskQueue.SaveAndMarkAsync(db, fresh.Select(r => r.RegionCode), now, ct);
        return fresh;
    }

    private Task<List<GovernmentRecord>> StoreAsync(List<ValidRecord> accepted, string actor, DateTimeOffset now, CancellationToken ct) =>
        StoreAsync(accepted, actor, now, factory, ct);
}
