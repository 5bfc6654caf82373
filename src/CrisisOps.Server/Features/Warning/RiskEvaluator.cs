using System.Text.Json;
using CrisisOps.Data;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Regions;
using CrisisOps.Domain.Warning;
using CrisisOps.Server.Features.Journal;
using CrisisOps.Server.Features.Regions;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Warning;

/// <summary>
/// Re-assesses regions after new readings: scores each hazard from the region's stations, applies
/// hysteresis against the tier in force, journals every tier change with its explanation, and
/// carries the worst tier up the region tree (a district takes its worst township).
/// </summary>
public sealed class RiskEvaluator(IDbContextFactory<CrisisOpsDbContext> factory, RiskRulesProvider rules, RegionDirectory directory,
    TimeProvider clock)
{
    /// <summary>A rate of rise needs at least the last hour even when every rule window is shorter.</summary>
    private static readonly TimeSpan MinimumLookback = TimeSpan.FromHours(1);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // One assessment at a time in this replica; across replicas the row version decides.
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Re-assesses every region that has stations: tiers fall when readings stop, and nothing missed stays missed.</summary>
    public async Task<int> EvaluateAllAsync(CancellationToken ct)
    {
        List<string> regions;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            regions = await db.Stations.AsNoTracking().Select(s => s.RegionCode).Distinct().ToListAsync(ct);
        }

        return await EvaluateAsync(regions, ct);
    }

    /// <summary>Saves an assessment's changes; without one, <c>SaveChangesAsync</c>.</summary>
    public delegate Task SaveAssessment(CrisisOpsDbContext db, CancellationToken ct);

    public Task<int> EvaluateAsync(IReadOnlyCollection<string> regionCodes, CancellationToken ct) => EvaluateAsync(regionCodes, null, ct);

    /// <param name="regionCodes">The regions to assess; their ancestors follow.</param>
    /// <param name="save">How to save (the risk queue saves in one transaction with the marks it removes); null: SaveChangesAsync.</param>
    /// <param name="ct">Cancels the assessment.</param>
    public async Task<int> EvaluateAsync(IReadOnlyCollection<string> regionCodes, SaveAssessment? save, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(regionCodes);
        if (regionCodes.Count == 0)
        {
            return 0;
        }

        await _gate.WaitAsync(ct);
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    return await EvaluateOnceAsync(regionCodes, save, ct);
                }
                catch (DbUpdateException) when (attempt < 3)
                {
                    // Another replica assessed (or first created) the same region's row at the same moment: read again and redo.
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<int> EvaluateOnceAsync(IReadOnlyCollection<string> regionCodes, SaveAssessment? save, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var ruleSet = rules.Current;
        var snapshot = await directory.GetAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var regions = regionCodes.Select(snapshot.Find).OfType<RegionInfo>().ToList();
        var codes = regions.Select(r => r.Code).ToList();
        var stations = await db.Stations.AsNoTracking().Where(s => codes.Contains(s.RegionCode)).ToListAsync(ct);

        // An ancestor's tier is the worst of ALL its children, so the rows of the evaluated regions'
        // siblings (and of every ancestor's other children) are needed too, not only the chain.
        var ancestors = regions.SelectMany(r => snapshot.Chain(r).Where(a => a.Code != r.Code)).DistinctBy(a => a.Code)
            .OrderByDescending(a => a.Path.Length).ToList();
        var ancestorCodes = ancestors.Select(a => a.Code).ToHashSet(StringComparer.Ordinal);
        var childCodes = snapshot.Regions.Values.Where(r => r.ParentCode is not null && ancestorCodes.Contains(r.ParentCode)).Select(r => r.Code);
        var rows = await LoadRowsAsync(db, [.. codes.Concat(ancestorCodes).Concat(childCodes).Distinct(StringComparer.Ordinal)], ct);

        // Readings after the rows, never before: a save then fails on the row version if another replica saved since,
        // and if it saved before, these readings include all it saw. Read the other way round, an assessment from
        // older readings could overwrite a newer one and the queue mark for the newer reading would be gone.
        var readings = await LoadSeriesAsync(db, stations, ruleSet, now, ct);
        var changes = 0;
        foreach (var region in regions)
        {
            var series = stations.Where(s => s.RegionCode == region.Code)
                .Select(s => new StationSeries(s, readings.GetValueOrDefault(s.Code) ?? []))
                .ToList();
            foreach (var hazard in ruleSet.Hazards.Where(h => h.Rules.Any(rule => series.Any(s => s.Station.Kind == rule.StationKind))))
            {
                // Readings may be stamped a few minutes ahead (sender clock skew): assess as of the newest.
                var asOf = series.SelectMany(x => x.Readings).Select(r => r.Time).Append(now).Max();
                var score = RiskModel.Score(hazard, series, asOf);
                var row = Row(db, rows, region, hazard.Hazard, now);
                var tier = RiskModel.WithHysteresis(row.Tier, score.Score, ruleSet.Hysteresis);
                var explanation = JsonSerializer.Serialize(score.Contributions, Json);
                changes += Record(db, row, tier, score.Score, false, explanation, now, ruleSet.Version) ? 1 : 0;
            }
        }

        // Up the tree, deepest first: each ancestor takes the worst tier of its direct children.
        foreach (var ancestor in ancestors)
        {
            var children = snapshot.Regions.Values.Where(r => r.ParentCode == ancestor.Code).Select(r => r.Code).ToHashSet(StringComparer.Ordinal);
            foreach (var hazard in rows.Values.Where(r => children.Contains(r.RegionCode)).GroupBy(r => r.Hazard, StringComparer.Ordinal))
            {
                var worst = hazard.MaxBy(r => (r.Tier, r.Score))!;
                var row = Row(db, rows, ancestor, hazard.Key, now);
                var explanation = JsonSerializer.Serialize(hazard.OrderByDescending(r => r.Tier)
                    .Select(r => new { region = r.RegionCode, tier = r.Tier.ToString().ToLowerInvariant(), score = Math.Round(r.Score, 3) }), Json);
                changes += Record(db, row, worst.Tier, worst.Score, true, explanation, now, ruleSet.Version) ? 1 : 0;
            }
        }

        await (save is null ? db.SaveChangesAsync(ct) : save(db, ct));
        return changes;
    }

    /// <summary>
    /// The readings the risk model reads, per station code, oldest first (ties in the order stored).
    /// For each station: its readings inside the longest window of the rules for its kind, counted
    /// back from <paramref name="now"/>, and its latest reading within the longest window of all the
    /// rules (at least <see cref="MinimumLookback"/>). That is all <see cref="RiskModel"/> reads: a
    /// threshold takes the latest value; a rate of rise and a rolling sum take the readings of their
    /// window before the region's newest reading, which is never earlier than now. A new rule that
    /// reads further back must say so through its window. Loading only this keeps a round's cost
    /// independent of how many readings a busy station has stored.
    /// </summary>
    public static async Task<Dictionary<string, List<(DateTimeOffset Time, double Value)>>> LoadSeriesAsync(CrisisOpsDbContext db,
        IReadOnlyCollection<Station> stations, RiskRuleSet ruleSet, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(stations);
        ArgumentNullException.ThrowIfNull(ruleSet);
        var rules = ruleSet.Hazards.SelectMany(h => h.Rules).ToList();
        var since = now - rules.Select(r => r.Window).Append(MinimumLookback).Max();
        var stationCodes = stations.Select(s => s.Code).ToList();

        // The latest reading of each station, one index seek each on (StationCode, Time).
        var latestIds = db.Stations.Where(s => stationCodes.Contains(s.Code))
            .Select(s => db.Readings.Where(r => r.StationCode == s.Code && r.Time > since)
                .OrderByDescending(r => r.Time).ThenByDescending(r => r.Id).Select(r => (long?)r.Id).FirstOrDefault());
        var rows = await db.Readings.AsNoTracking().Where(r => latestIds.Contains(r.Id))
            .Select(r => new SeriesRow(r.Id, r.StationCode, r.Time, r.Value)).ToListAsync(ct);

        // Then, kind by kind, the readings inside that kind's longest rule window.
        foreach (var kind in stations.GroupBy(s => s.Kind))
        {
            var window = rules.Where(r => r.StationKind == kind.Key).Select(r => r.Window).DefaultIfEmpty(TimeSpan.Zero).Max();
            if (window <= TimeSpan.Zero)
            {
                continue;
            }

            var from = (now - window).ToUniversalTime();
            var ofKind = kind.Select(s => s.Code).ToList();
            rows.AddRange(db.Database.IsNpgsql()
                // One index range per station, whatever the statistics say: a table that grows fast (ingest at full
                // speed) has stale statistics, and the plain form below was then planned as a scan of every reading.
                ? await db.Database.SqlQuery<SeriesRow>($"""
                    SELECT r."Id", r."StationCode", r."Time", r."Value" FROM unnest({ofKind.ToArray()}::text[]) AS s(code)
                    CROSS JOIN LATERAL (SELECT x."Id", x."StationCode", x."Time", x."Value" FROM readings AS x
                                        WHERE x."StationCode" = s.code AND x."Time" > {from}) AS r
                    """).ToListAsync(ct)
                : await db.Readings.AsNoTracking().Where(r => ofKind.Contains(r.StationCode) && r.Time > from)
                    .Select(r => new SeriesRow(r.Id, r.StationCode, r.Time, r.Value)).ToListAsync(ct));
        }

        return rows.DistinctBy(r => r.Id)
            .GroupBy(r => r.StationCode, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(r => r.Time).ThenBy(r => r.Id).Select(r => (r.Time, r.Value)).ToList(), StringComparer.Ordinal);
    }

    private sealed record SeriesRow(long Id, string StationCode, DateTimeOffset Time, double Value);

    private static async Task<Dictionary<(string, string), RegionRisk>> LoadRowsAsync(CrisisOpsDbContext db, List<string> codes, CancellationToken ct) =>
        (await db.RegionRisks.Where(r => codes.Contains(r.RegionCode)).ToListAsync(ct))
            .ToDictionary(r => (r.RegionCode, r.Hazard));

    private static RegionRisk Row(CrisisOpsDbContext db, Dictionary<(string, string), RegionRisk> rows, RegionInfo region, string hazard, DateTimeOffset now)
    {
        if (!rows.TryGetValue((region.Code, hazard), out var row))
        {
            row = new RegionRisk(region.Code, region.Path, hazard, now);
            db.RegionRisks.Add(row);
            rows[(region.Code, hazard)] = row;
        }

        return row;
    }

    private static bool Record(CrisisOpsDbContext db, RegionRisk row, WarningTier tier, double score, bool aggregate, string explanation,
        DateTimeOffset now, int rulesVersion)
    {
        var from = row.Tier;
        if (!row.Assess(tier, score, aggregate, explanation, now))
        {
            return false;
        }

        using var contributions = JsonDocument.Parse(explanation);
        db.Append(new JournalRecord(now, "system", JournalTypes.RiskTierChanged, row.RegionCode, row.RegionPath, null,
            new
            {
                hazard = row.Hazard,
                from = from.ToString().ToLowerInvariant(),
                to = tier.ToString().ToLowerInvariant(),
                score = Math.Round(score, 3),
                aggregate,
                rulesVersion,
                because = contributions.RootElement.Clone(),
            }));
        return true;
    }
}
