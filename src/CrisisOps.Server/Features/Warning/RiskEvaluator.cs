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
/// Re-assesses regions after new inputs (readings, records, opinion counts, official warnings):
/// scores each hazard from what the region has of its own, applies hysteresis against the tier in
/// force, journals every tier change with its explanation, and carries the worst tier up the region
/// tree (a district takes the worse of its own score and its worst township).
/// </summary>
public sealed class RiskEvaluator(IDbContextFactory<CrisisOpsDbContext> factory, RiskRulesProvider rules, RegionDirectory directory,
    TimeProvider clock, PlanActivator plans)
{
    /// <summary>A rate of rise needs at least the last hour even when every rule window is shorter.</summary>
    private static readonly TimeSpan MinimumLookback = TimeSpan.FromHours(1);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // One assessment at a time in this replica; across replicas the row version decides.
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>
    /// Every region that has any input — stations, records or opinion counts within the longest rule
    /// window, official warnings in force — and every region whose own tier is still up: what the
    /// periodic sweep re-assesses, so tiers fall when inputs stop, and nothing missed stays missed.
    /// </summary>
    public Task<List<string>> RegionsWithInputsAsync(CrisisOpsDbContext db, CancellationToken ct) =>
        RegionsWithInputsAsync(db, rules.Current, clock.GetUtcNow(), ct);

    private static async Task<List<string>> RegionsWithInputsAsync(CrisisOpsDbContext db, RiskRuleSet ruleSet, DateTimeOffset now, CancellationToken ct)
    {
        var codes = new HashSet<string>(StringComparer.Ordinal);
        codes.UnionWith(await db.Stations.AsNoTracking().Select(s => s.RegionCode).Distinct().ToListAsync(ct));
        if (ruleSet.RecordLookback > TimeSpan.Zero)
        {
            var since = now - ruleSet.RecordLookback;
            codes.UnionWith(await db.GovernmentRecords.AsNoTracking().Where(r => r.Time > since).Select(r => r.RegionCode).Distinct().ToListAsync(ct));
        }

        if (ruleSet.OpinionLookback > TimeSpan.Zero)
        {
            var since = now - ruleSet.OpinionLookback;
            codes.UnionWith(await db.OpinionCounts.AsNoTracking().Where(o => o.BucketStart > since && o.Count > 0).Select(o => o.RegionCode).Distinct()
                .ToListAsync(ct));
        }

        codes.UnionWith(await (from region in db.OfficialWarningRegions
                               join warning in InForce(db, now, now) on region.WarningId equals warning.Id
                               select region.RegionCode).Distinct().ToListAsync(ct));

        // A region whose own tier is up but whose inputs went quiet (a warning expired) must be assessed to fall.
        codes.UnionWith(await db.RegionRisks.AsNoTracking().Where(r => !r.IsAggregate && r.Score > 0).Select(r => r.RegionCode).Distinct().ToListAsync(ct));
        return [.. codes];
    }

    /// <summary>Warnings that feed the risk map and may be in force between the two times (the model checks the exact time).</summary>
    private static IQueryable<OfficialWarning> InForce(CrisisOpsDbContext db, DateTimeOffset from, DateTimeOffset to) =>
        db.OfficialWarnings.AsNoTracking().Where(w => w.Status == CapStatus.Actual
            && (w.MsgType == CapMessageType.Alert || w.MsgType == CapMessageType.Update)
            && w.Effective <= to && w.ValidUntil > from && (w.EndedAt == null || w.EndedAt > from));

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

        // Ancestors are assessed too: each takes the worse of its own inputs (a petition filed with the
        // county) and its worst child. Deepest first, so every child is done before its parent.
        var assessed = regions.SelectMany(snapshot.Chain).Concat(regions).DistinctBy(r => r.Code)
            .OrderByDescending(r => r.Path.Length).ToList();

        // An ancestor's tier is the worst of ALL its children, so the rows of the assessed regions'
        // children (the siblings of the chain) are needed too, not only the chain.
        var assessedCodes = assessed.Select(a => a.Code).ToHashSet(StringComparer.Ordinal);
        var childrenOf = snapshot.Regions.Values.Where(r => r.ParentCode is not null && assessedCodes.Contains(r.ParentCode))
            .ToLookup(r => r.ParentCode!, r => r.Code, StringComparer.Ordinal);
        var rows = await LoadRowsAsync(db, [.. assessedCodes.Concat(childrenOf.SelectMany(c => c)).Distinct(StringComparer.Ordinal)], ct);

        // Inputs after the rows, never before: a save then fails on the row version if another replica saved since,
        // and if it saved before, these inputs include all it saw. Read the other way round, an assessment from
        // older readings could overwrite a newer one and the queue mark for the newer reading would be gone.
        var inputs = await LoadInputsAsync(db, assessed, ruleSet, now, ct);
        var changes = 0;
        foreach (var region in assessed)
        {
            var own = inputs.GetValueOrDefault(region.Code) ?? RiskInputs.Empty;
            var children = childrenOf[region.Code].ToHashSet(StringComparer.Ordinal);
            var childRows = rows.Values.Where(r => children.Contains(r.RegionCode)).ToList();
            var hazards = ruleSet.Hazards.Select(h => h.Hazard).Concat(childRows.Select(r => r.Hazard)).Distinct(StringComparer.Ordinal);
            foreach (var hazard in hazards)
            {
                var hazardRules = ruleSet.Hazards.FirstOrDefault(h => h.Hazard == hazard);
                var concerned = hazardRules is not null && own.Concern(hazardRules);
                // The child the hazard's aggregation rule picks: the worst by default, or the N-th worst.
                var worstChild = (hazardRules?.Aggregation ?? AggregationRule.Worst).Pick(childRows.Where(r => r.Hazard == hazard));
                rows.TryGetValue((region.Code, hazard), out var previous);
                if (!concerned && worstChild is null && previous is null)
                {
                    continue;
                }

                // Readings may be stamped a few minutes ahead (sender clock skew): assess as of the newest.
                var asOf = own.Stations.SelectMany(x => x.Readings).Select(r => r.Time).Append(now).Max();
                var score = hazardRules is null ? new HazardScore(hazard, 0, []) : RiskModel.Score(hazardRules, own, asOf);
                var row = Row(db, rows, region, hazard, now);

                // Hysteresis holds a tier the region's own inputs reached; a tier taken from a child is the child's to hold.
                var ownTier = RiskModel.WithHysteresis(row.IsAggregate ? WarningTier.None : row.ModelTier, score.Score, ruleSet.Hysteresis);
                var childEntries = childRows.Where(r => r.Hazard == hazard).OrderByDescending(r => r.Tier)
                    .Select(r => (object)new { region = r.RegionCode, tier = r.Tier.ToString().ToLowerInvariant(), score = Math.Round(r.Score, 3) })
                    .ToList();
                var ownEntries = score.Contributions.Cast<object>().ToList();
                var childWins = worstChild is not null && (!concerned || (worstChild.Tier, worstChild.Score).CompareTo((ownTier, score.Score)) > 0);
                var (tier, value, explanation) = childWins
                    ? (worstChild!.Tier, worstChild.Score, childEntries.Concat(ownEntries))
                    : (ownTier, score.Score, ownEntries.Concat(childEntries));
                changes += await RecordAsync(db, row, tier, value, childWins, JsonSerializer.Serialize(explanation, Json), now, ruleSet.Version, ct) ? 1 : 0;
            }
        }

        await (save is null ? db.SaveChangesAsync(ct) : save(db, ct));
        return changes;
    }

    /// <summary>What the model reads of each region, own inputs only (a county's children speak for themselves through their rows).</summary>
    private static async Task<Dictionary<string, RiskInputs>> LoadInputsAsync(CrisisOpsDbContext db, IReadOnlyList<RegionInfo> regions,
        RiskRuleSet ruleSet, DateTimeOffset now, CancellationToken ct)
    {
        var codes = regions.Select(r => r.Code).ToList();
        var stations = await db.Stations.AsNoTracking().Where(s => codes.Contains(s.RegionCode)).ToListAsync(ct);
        var series = await LoadSeriesAsync(db, stations, ruleSet, now, ct);
        var records = await LoadRecordsAsync(db, codes, ruleSet, now, ct);
        var opinion = await LoadOpinionAsync(db, codes, ruleSet, now, ct);
        var warnings = await LoadWarningsAsync(db, codes, now, ct);
        var vulnerability = ruleSet.Hazards.Any(h => h.Vulnerability is not null)
            ? await LoadVulnerabilityAsync(db, codes, ct)
            : [];
        return regions.ToDictionary(r => r.Code, r => new RiskInputs(
            [.. stations.Where(s => s.RegionCode == r.Code).Select(s => new StationSeries(s, series.GetValueOrDefault(s.Code) ?? []))],
            records[r.Code].ToList(),
            opinion[r.Code].ToList(),
            warnings[r.Code].ToList(),
            vulnerability.GetValueOrDefault(r.Code)), StringComparer.Ordinal);
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
        var rules = ruleSet.Hazards.SelectMany(h => h.Rules).Where(r => r.ReadsStations).ToList();
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

    private static async Task<ILookup<string, RecordFact>> LoadRecordsAsync(CrisisOpsDbContext db, List<string> codes, RiskRuleSet ruleSet,
        DateTimeOffset now, CancellationToken ct)
    {
        if (ruleSet.RecordLookback <= TimeSpan.Zero)
        {
            return Array.Empty<RecordFact>().ToLookup(_ => "", StringComparer.Ordinal);
        }

        var since = now - ruleSet.RecordLookback;
        return (await db.GovernmentRecords.AsNoTracking().Where(r => codes.Contains(r.RegionCode) && r.Time > since)
                .Select(r => new { r.RegionCode, r.Category, r.Time, r.Severity }).ToListAsync(ct))
            .ToLookup(r => r.RegionCode, r => new RecordFact(r.Category, r.Time, r.Severity), StringComparer.Ordinal);
    }

    private static async Task<ILookup<string, OpinionFact>> LoadOpinionAsync(CrisisOpsDbContext db, List<string> codes, RiskRuleSet ruleSet,
        DateTimeOffset now, CancellationToken ct)
    {
        if (ruleSet.OpinionLookback <= TimeSpan.Zero)
        {
            return Array.Empty<OpinionFact>().ToLookup(_ => "", StringComparer.Ordinal);
        }

        var since = now - ruleSet.OpinionLookback;
        return (await db.OpinionCounts.AsNoTracking().Where(o => codes.Contains(o.RegionCode) && o.BucketStart > since)
                .Select(o => new { o.RegionCode, o.Keyword, o.BucketStart, o.Count, o.Negative }).ToListAsync(ct))
            .ToLookup(o => o.RegionCode, o => new OpinionFact(o.Keyword, o.BucketStart, o.Count, o.Negative), StringComparer.Ordinal);
    }

    private static Task<ILookup<string, WarningFact>> LoadWarningsAsync(CrisisOpsDbContext db, List<string> codes, DateTimeOffset now,
        CancellationToken ct) =>
        // Readings may put the assessment a few minutes ahead of now; a margin keeps warnings about to start or end in view.
        WarningsAsync(db, codes, now - ReadingRules.ClockSkew, now + ReadingRules.ClockSkew, ct);

    /// <summary>The warnings feeding the risk map that may be in force at some time between the two, per region they cover.</summary>
    internal static async Task<ILookup<string, WarningFact>> WarningsAsync(CrisisOpsDbContext db, IReadOnlyCollection<string> codes,
        DateTimeOffset start, DateTimeOffset end, CancellationToken ct)
    {
        return (await (from region in db.OfficialWarningRegions
                       where codes.Contains(region.RegionCode)
                       join w in InForce(db, start, end) on region.WarningId equals w.Id
                       select new
                       {
                           region.RegionCode, w.Sender, w.Identifier, w.Events, w.Severity, w.HeadlineZh, w.HeadlineEn, w.Effective, w.ValidUntil,
                           w.EndedAt,
                       }).ToListAsync(ct))
            .ToLookup(w => w.RegionCode, w => new WarningFact(w.Sender, w.Identifier, w.Events, w.Severity, w.HeadlineZh ?? w.HeadlineEn,
                w.Effective, w.ValidUntil, w.EndedAt), StringComparer.Ordinal);
    }

    /// <summary>Population and attributes of each region, and the vulnerable sites located in it (the deepest region holding them), by kind.</summary>
    private static async Task<Dictionary<string, RegionVulnerability>> LoadVulnerabilityAsync(CrisisOpsDbContext db, List<string> codes,
        CancellationToken ct)
    {
        var sites = (await db.Sites.AsNoTracking().Where(s => codes.Contains(s.RegionCode))
                .GroupBy(s => new { s.RegionCode, s.Type }).Select(g => new { g.Key.RegionCode, g.Key.Type, Count = g.Count() }).ToListAsync(ct))
            .ToLookup(s => s.RegionCode, StringComparer.Ordinal);
        return (await db.Regions.AsNoTracking().Where(r => codes.Contains(r.Code))
                .Select(r => new { r.Code, r.Population, r.Attributes }).ToListAsync(ct))
            .ToDictionary(r => r.Code, r => new RegionVulnerability(r.Code, r.Population, r.Attributes,
                sites[r.Code].ToDictionary(s => s.Type, s => s.Count)), StringComparer.Ordinal);
    }

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

    private async Task<bool> RecordAsync(CrisisOpsDbContext db, RegionRisk row, WarningTier tier, double score, bool aggregate, string explanation,
        DateTimeOffset now, int rulesVersion, CancellationToken ct)
    {
        var outcome = row.Assess(tier, score, aggregate, explanation, now);
        if (outcome.Lapsed is { } lapsed)
        {
            db.Append(new JournalRecord(now, "system", JournalTypes.RiskOverrideCleared, row.RegionCode, row.RegionPath, null,
                new { hazard = row.Hazard, overrideTier = lapsed.Tier, overriddenBy = lapsed.By, modelTier = tier, reason = "model rose above the override" }));
        }

        if (!outcome.Changed)
        {
            return false;
        }

        using var contributions = JsonDocument.Parse(explanation);
        db.Append(new JournalRecord(now, "system", JournalTypes.RiskTierChanged, row.RegionCode, row.RegionPath, null,
            new
            {
                hazard = row.Hazard,
                from = outcome.From.ToString().ToLowerInvariant(),
                to = outcome.To.ToString().ToLowerInvariant(),
                score = Math.Round(score, 3),
                aggregate,
                rulesVersion,
                because = contributions.RootElement.Clone(),
            }));
        await plans.OnTierChangedAsync(db, row, outcome.From, "system", now, ct);
        return true;
    }
}
