using System.Globalization;
using RegionInfo = CrisisOps.Server.Features.Regions.RegionInfo;
using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Warning;
using CrisisOps.Server.Features.Regions;
using CrisisOps.Server.Platform;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Warning;

/// <summary>A posted forecast issue as it arrives, before any check.</summary>
public sealed record IncomingForecast(DateTimeOffset? IssuedAt, string? Source, string? Unit, IReadOnlyList<IncomingForecastPoint> Points);

/// <summary>One point as it arrives; <see cref="Line"/> is its CSV line, when it came as CSV.</summary>
public sealed record IncomingForecastPoint(DateTimeOffset? Time, double? Value, int? Line = null);

public sealed record PostedForecast(string Station, DateTimeOffset IssuedAt, string Source, int Stored, int Replaced, DateTimeOffset From, DateTimeOffset To);

/// <summary>One region's predicted score for one hazard at one horizon, with what made it.</summary>
public sealed record RegionHorizon(TimeSpan Ahead, DateTimeOffset At, WarningTier Tier, double Score, IReadOnlyList<RuleContribution> Contributions,
    IReadOnlyList<(string Region, WarningTier Tier, double Score)> Children);

/// <summary>One region and hazard, predicted at every horizon asked for.</summary>
public sealed record RegionHazardForecast(RegionInfo Region, string Hazard, bool IsAggregate, IReadOnlyList<RegionHorizon> Horizons);

public sealed record RegionForecastResult(DateTimeOffset AsOf, int RulesVersion, IReadOnlyList<RegionHazardForecast> Items, IReadOnlyList<StationForecast> Stations);

/// <summary>
/// The 72-hour forecast (72小时预测): per station, time-to-threshold from the trend or from a posted
/// forecast; per region, the tier predicted at each horizon by the risk map's own rules, carried up
/// the tree as the risk map carries tiers (a region takes its worst child). Posted forecast series
/// are stored here too: a newer issue replaces an older one where they overlap.
/// </summary>
public sealed class ForecastService(CrisisOpsDbContext db, RiskRulesProvider rules, RegionDirectory directory, TimeProvider clock)
{
    public const int MaxPoints = 10_000;

    /// <summary>The forecast of one station as of now.</summary>
    public async Task<StationForecast> StationAsync(Station station, TrendOptions trend, IReadOnlyList<TimeSpan> horizons, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(station);
        ArgumentNullException.ThrowIfNull(trend);
        var now = clock.GetUtcNow();
        var readings = await ReadingsAsync([station.Code], now - trend.Window, now, ct);
        var series = readings.GetValueOrDefault(station.Code) ?? [];
        var posted = await PostedAsync([station.Code], now, ct);
        return StationForecaster.Forecast(station, series, posted.GetValueOrDefault(station.Code) ?? [], AsOf(now, series), horizons,
            new ForecastOptions { Trend = trend });
    }

    /// <summary>The posted forecast points in force for a station: from now to 72 h ahead.</summary>
    public async Task<List<StationForecastPoint>> PostedPointsAsync(string station, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var until = now + ForecastOptions.MaxHorizon;
        return await db.StationForecastPoints.AsNoTracking().Where(p => p.StationCode == station && p.Time > now && p.Time <= until)
            .OrderBy(p => p.Time).ToListAsync(ct);
    }

    /// <summary>
    /// Predicts every region under <paramref name="scopes"/> (region paths) that has stations or
    /// official warnings (in force now or later within the horizons), or children that do, at each horizon.
    /// </summary>
    public async Task<RegionForecastResult> RegionsAsync(IReadOnlyList<string> scopes, IReadOnlyList<TimeSpan> horizons, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        ArgumentNullException.ThrowIfNull(horizons);
        var now = clock.GetUtcNow();
        var ruleSet = rules.Current;
        var options = ForecastOptions.Default;
        var snapshot = await directory.GetAsync(ct);
        var stations = await db.Stations.AsNoTracking().WhereUnder(s => s.RegionPath, scopes).ToListAsync(ct);
        var codes = stations.Select(s => s.Code).ToList();

        // As far back as the longest rule window (as the risk map reads) or the trend window, whichever is longer.
        var lookback = ruleSet.Hazards.SelectMany(h => h.Rules).Select(r => r.Window).Append(TimeSpan.FromHours(1)).Append(options.Trend.Window).Max();
        var readings = await ReadingsAsync(codes, now - lookback, now, ct);
        var posted = await PostedAsync(codes, now, ct);
        var asOf = AsOf(now, readings.Values.SelectMany(r => r).ToList());
        var forecasts = stations.ToDictionary(s => s.Code,
            s => StationForecaster.Forecast(s, readings.GetValueOrDefault(s.Code) ?? [], posted.GetValueOrDefault(s.Code) ?? [], asOf, horizons, options),
            StringComparer.Ordinal);

        // Official warnings in force at some time up to the furthest horizon (a forecast warning issued now for
        // tomorrow), per region they cover: the same rules score them at each horizon's time.
        var inScope = snapshot.Regions.Values.Where(r => scopes.Any(scope => RegionPathCovers(scope, r.Path))).Select(r => r.Code).ToList();
        var furthest = horizons.Count == 0 ? TimeSpan.Zero : horizons.Max();
        var warnings = await RiskEvaluator.WarningsAsync(db, inScope, asOf, asOf + furthest, ct);

        // Regions with stations or warnings of their own: their rules, on their projected inputs.
        var results = new Dictionary<string, Dictionary<string, RegionHazardForecast>>(StringComparer.Ordinal);
        var stationsByRegion = stations.ToLookup(s => s.RegionCode, StringComparer.Ordinal);
        foreach (var code in stationsByRegion.Select(g => g.Key).Concat(warnings.Select(g => g.Key)).Distinct(StringComparer.Ordinal))
        {
            if (snapshot.Find(code) is not { } region)
            {
                continue;
            }

            var history = stationsByRegion[code].Select(s => new StationSeries(s, readings.GetValueOrDefault(s.Code) ?? [])).ToList();
            var own = warnings[code].ToList();
            var projected = horizons.Select(h => RiskForecast.Project(history, forecasts, asOf, h, options) with { Warnings = own }).ToList();
            var byHazard = new Dictionary<string, RegionHazardForecast>(StringComparer.Ordinal);
            foreach (var hazard in ruleSet.Hazards.Where(h => h.Rules.Any(rule =>
                (rule.ReadsStations && history.Any(s => s.Station.Kind == rule.StationKind)) || (rule.Kind == RuleKind.OfficialWarning && own.Count > 0))))
            {
                var scored = projected.Select(p => RiskForecast.Score(hazard, p))
                    .Select(s => new RegionHorizon(s.Ahead, s.At, s.Tier, s.Score.Score, s.Score.Contributions, [])).ToList();
                byHazard[hazard.Hazard] = new RegionHazardForecast(region, hazard.Hazard, false, scored);
            }

            results[region.Code] = byHazard;
        }

        // Up the tree, deepest first, stopping at the top of each jurisdiction asked about: a region
        // takes the tier of its direct children by the hazard's aggregation rule, as the risk map does.
        var ancestors = results.Keys.Select(snapshot.Find).OfType<RegionInfo>()
            .SelectMany(r => snapshot.Chain(r).Where(a => a.Code != r.Code && scopes.Any(s => RegionPathCovers(s, a.Path))))
            .DistinctBy(a => a.Code).OrderByDescending(a => a.Path.Length).ToList();
        var childrenOf = snapshot.Regions.Values.Where(r => r.ParentCode is not null).ToLookup(r => r.ParentCode!, StringComparer.Ordinal);
        foreach (var ancestor in ancestors)
        {
            var own = results.GetValueOrDefault(ancestor.Code) ?? new Dictionary<string, RegionHazardForecast>(StringComparer.Ordinal);
            var children = childrenOf[ancestor.Code].Select(c => results.GetValueOrDefault(c.Code)).OfType<Dictionary<string, RegionHazardForecast>>().ToList();
            foreach (var hazard in children.SelectMany(c => c.Keys).Distinct(StringComparer.Ordinal).ToList())
            {
                var rows = children.Select(c => c.GetValueOrDefault(hazard)).OfType<RegionHazardForecast>().ToList();
                var mine = own.GetValueOrDefault(hazard);
                var horizonsOut = new List<RegionHorizon>();
                for (var i = 0; i < horizons.Count; i++)
                {
                    var childTiers = rows.Select(r => (r.Region.Code, r.Horizons[i].Tier, r.Horizons[i].Score))
                        .OrderByDescending(c => c.Tier).ThenByDescending(c => c.Score).ToList();

                    // The hazard's aggregation rule picks the child to follow (the worst by default), as the risk map does.
                    // A region with stations of its own AND children takes the worse of the two, so nothing it knows is lost.
                    var aggregation = ruleSet.Hazards.FirstOrDefault(h => h.Hazard == hazard)?.Aggregation ?? AggregationRule.Worst;
                    var picked = aggregation.Pick(childTiers, c => c.Tier, c => c.Score);
                    var worst = childTiers.Count == 0 ? (Tier: WarningTier.None, Score: 0.0) : (picked.Tier, picked.Score);
                    var at = horizons[i];
                    horizonsOut.Add(mine is not null && (mine.Horizons[i].Tier, mine.Horizons[i].Score).CompareTo(worst) >= 0
                        ? mine.Horizons[i] with { Children = childTiers }
                        : new RegionHorizon(at, asOf + at, worst.Tier, worst.Score, mine?.Horizons[i].Contributions ?? [], childTiers));
                }

                own[hazard] = new RegionHazardForecast(ancestor, hazard, mine is null, horizonsOut);
            }

            results[ancestor.Code] = own;
        }

        var items = results.Values.SelectMany(r => r.Values)
            .OrderBy(r => r.Region.Path, StringComparer.Ordinal).ThenBy(r => r.Hazard, StringComparer.Ordinal).ToList();
        return new RegionForecastResult(asOf, ruleSet.Version, items, [.. forecasts.Values.OrderBy(f => f.Station.Code, StringComparer.Ordinal)]);
    }

    /// <summary>
    /// Stores a forecast issue for a rain gauge: every point checked (a forecast with holes would
    /// read as "no rain" in them, so one bad point refuses the whole issue), then the points of
    /// older issues within its time span replaced, journaled, in one transaction.
    /// </summary>
    /// <exception cref="ProblemException">400 validation-failed (with every bad point), 409 forecast-superseded, 422 forecast-not-accepted.</exception>
    public async Task<PostedForecast> PostAsync(Station station, IncomingForecast issue, CallerAccess access, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(station);
        ArgumentNullException.ThrowIfNull(issue);
        ArgumentNullException.ThrowIfNull(access);
        if (!station.Kind.Accumulates())
        {
            throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "forecast-not-accepted", "Not forecast from posted series",
                $"Station '{station.Code}' is a {ApiWordOf(station.Kind)} station, forecast from its own trend; posted forecasts are taken for rain gauges.");
        }

        var now = clock.GetUtcNow();
        var issuedAt = (issue.IssuedAt ?? now).ToUniversalTime();
        var errors = new FieldErrors();
        errors.Check(issuedAt <= now + ReadingRules.ClockSkew, "issuedAt", "An issue time in the future: a forecast is issued before it is posted.");
        errors.Check((issue.Source?.Length ?? 0) <= 200, "source", "At most 200 characters.");
        errors.Check(issue.Unit is null || string.Equals(issue.Unit, station.Unit, StringComparison.Ordinal), "unit",
            $"The station's unit is '{station.Unit}'.");
        errors.Check(issue.Points.Count > 0, "points", "At least one point {time, value}.");
        var seen = new HashSet<DateTimeOffset>();
        for (var i = 0; i < issue.Points.Count; i++)
        {
            if (PointProblem(issue.Points[i], station, now, seen) is { } problem)
            {
                var line = issue.Points[i].Line is { } l ? string.Create(CultureInfo.InvariantCulture, $"line {l}: ") : "";
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"points[{i}]"), line + problem);
            }
        }

        errors.ThrowIfAny();
        var points = issue.Points.Select(p => new StationForecastPoint(station.Code, issuedAt, p.Time!.Value.ToUniversalTime(), p.Value!.Value,
            string.IsNullOrWhiteSpace(issue.Source) ? "unnamed" : issue.Source.Trim(), now)).OrderBy(p => p.Time).ToList();
        var (from, to) = (points[0].Time, points[^1].Time);
        var older = await db.StationForecastPoints.Where(p => p.StationCode == station.Code && p.Time >= from && p.Time <= to).ToListAsync(ct);
        if (older.FirstOrDefault(p => p.IssuedAt > issuedAt) is { } newer)
        {
            throw new ProblemException(StatusCodes.Status409Conflict, "forecast-superseded", "A newer forecast is in force",
                FormattableString.Invariant($"The forecast issued at {newer.IssuedAt:O} already covers {newer.Time:O}; this issue ({issuedAt:O}) is older and stores nothing."));
        }

        db.StationForecastPoints.RemoveRange(older);
        db.StationForecastPoints.AddRange(points);
        var posted = new PostedForecast(station.Code, issuedAt, points[0].Source, points.Count, older.Count, from, to);
        db.Append(new JournalRecord(now, access.Name, JournalTypes.ForecastPosted, station.RegionCode, station.RegionPath, null,
            new { station = station.Code, issuedAt, source = posted.Source, count = points.Count, replaced = older.Count, from, to, total = points.Sum(p => p.Value), unit = station.Unit }));
        await db.SaveChangesAsync(ct);
        return posted;
    }

    private static string? PointProblem(IncomingForecastPoint point, Station station, DateTimeOffset now, HashSet<DateTimeOffset> seen)
    {
        if (point.Time is not { } time)
        {
            return "missing time.";
        }

        if (point.Value is not { } value || !double.IsFinite(value))
        {
            return "the value is missing or not a finite number.";
        }

        if (!station.Range.Contains(value))
        {
            return FormattableString.Invariant($"value {value} lies outside the station's valid range [{station.Range.Min}, {station.Range.Max}] {station.Unit}.");
        }

        if (time < now - ReadingRules.ClockSkew)
        {
            return FormattableString.Invariant($"time {time:O} is in the past: a forecast is about what is to come.");
        }

        if (time > now + ForecastOptions.MaxHorizon)
        {
            return FormattableString.Invariant($"time {time:O} is more than 72 h ahead, beyond the forecast horizon.");
        }

        return seen.Add(time.ToUniversalTime()) ? null : FormattableString.Invariant($"time {time:O} appears twice in this issue.");
    }

    /// <summary>Readings may be stamped a few minutes ahead (sender clock skew): forecast as of the newest, as the risk map assesses.</summary>
    private static DateTimeOffset AsOf(DateTimeOffset now, IReadOnlyList<(DateTimeOffset Time, double Value)> readings) =>
        readings.Select(r => r.Time).Append(now).Max();

    private async Task<Dictionary<string, List<(DateTimeOffset Time, double Value)>>> ReadingsAsync(List<string> stations, DateTimeOffset since,
        DateTimeOffset now, CancellationToken ct)
    {
        var until = now + ReadingRules.ClockSkew;
        return (await db.Readings.AsNoTracking()
                .Where(r => stations.Contains(r.StationCode) && r.Time >= since && r.Time <= until)
                .Select(r => new { r.StationCode, r.Time, r.Value })
                .ToListAsync(ct))
            .GroupBy(r => r.StationCode, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(r => r.Time).Select(r => (r.Time, r.Value)).ToList(), StringComparer.Ordinal);
    }

    private async Task<Dictionary<string, List<(DateTimeOffset Time, double Value)>>> PostedAsync(List<string> stations, DateTimeOffset now, CancellationToken ct)
    {
        var until = now + ForecastOptions.MaxHorizon;
        return (await db.StationForecastPoints.AsNoTracking()
                .Where(p => stations.Contains(p.StationCode) && p.Time > now && p.Time <= until)
                .Select(p => new { p.StationCode, p.Time, p.Value })
                .ToListAsync(ct))
            .GroupBy(p => p.StationCode, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(p => p.Time).Select(p => (p.Time, p.Value)).ToList(), StringComparer.Ordinal);
    }

    private static bool RegionPathCovers(string scope, string path) => Domain.Regions.RegionPath.Covers(scope, path);

    private static string ApiWordOf(StationKind kind) => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(kind.ToString());
}
