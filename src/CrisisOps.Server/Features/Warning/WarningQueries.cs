using CrisisOps.Data;
using CrisisOps.Domain.Warning;
using CrisisOps.Server.Platform;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Warning;

/// <summary>Reads shared by the API and the situation map.</summary>
public static class WarningQueries
{
    /// <summary>The latest reading of each station, by station code.</summary>
    public static async Task<Dictionary<string, Reading>> LatestReadingsAsync(CrisisOpsDbContext db, IReadOnlyCollection<string> stationCodes,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        return (await db.Readings.AsNoTracking().Where(r => stationCodes.Contains(r.StationCode))
                .GroupBy(r => r.StationCode)
                .Select(g => g.OrderByDescending(r => r.Time).First())
                .ToListAsync(ct))
            .ToDictionary(r => r.StationCode, StringComparer.Ordinal);
    }

    /// <summary>Each region's worst tier over all hazards, within the given jurisdictions.</summary>
    public static async Task<Dictionary<string, WarningTier>> WorstTiersAsync(CrisisOpsDbContext db, IReadOnlyList<string> scopes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        return (await db.RegionRisks.AsNoTracking().WhereUnder(r => r.RegionPath, scopes)
                .Select(r => new { r.RegionCode, r.Tier }).ToListAsync(ct))
            .GroupBy(r => r.RegionCode, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Max(r => r.Tier), StringComparer.Ordinal);
    }
}
