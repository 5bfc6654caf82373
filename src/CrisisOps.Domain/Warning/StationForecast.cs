namespace CrisisOps.Domain.Warning;

/// <summary>
/// One value of a posted forecast series (a weather service's hourly rainfall forecast, a
/// hydrological model's level forecast): what the station is expected to read at
/// <see cref="Time"/>, as issued at <see cref="IssuedAt"/> by <see cref="Source"/>. A newer issue
/// replaces an older one for the times both cover.
/// </summary>
public sealed class StationForecastPoint
{
    private StationForecastPoint() { }

    public StationForecastPoint(string stationCode, DateTimeOffset issuedAt, DateTimeOffset time, double value, string source, DateTimeOffset receivedAt)
    {
        StationCode = stationCode;
        IssuedAt = issuedAt;
        Time = time;
        Value = value;
        Source = source;
        ReceivedAt = receivedAt;
    }

    public long Id { get; private set; }

    public string StationCode { get; private set; } = "";

    public DateTimeOffset IssuedAt { get; private set; }

    public DateTimeOffset Time { get; private set; }

    public double Value { get; private set; }

    /// <summary>Who issued it, e.g. <c>CMA hourly QPF</c>; free text for people.</summary>
    public string Source { get; private set; } = "";

    public DateTimeOffset ReceivedAt { get; private set; }
}

/// <summary>How far ahead forecasts go, and how a projected series is drawn.</summary>
public sealed record ForecastOptions
{
    /// <summary>The mechanism's horizon (MISSION §1: "forecast the risk level up to 72 hours ahead").</summary>
    public static readonly TimeSpan MaxHorizon = TimeSpan.FromHours(72);

    /// <summary>The horizons the risk map shows.</summary>
    public static readonly IReadOnlyList<TimeSpan> StandardHorizons = [TimeSpan.FromHours(6), TimeSpan.FromHours(24), TimeSpan.FromHours(72)];

    public TrendOptions Trend { get; init; } = TrendOptions.Default;

    /// <summary>
    /// Spacing of projected readings: close enough that a rate-of-rise rule over its window sees
    /// several of them, far enough that 72 h stay under 300 points per station.
    /// </summary>
    public TimeSpan ProjectionStep { get; init; } = TimeSpan.FromMinutes(15);

    public static ForecastOptions Default { get; } = new();
}

/// <summary>What a station's forecast rests on.</summary>
public enum ForecastBasis
{
    /// <summary>Nothing: too few readings, or a rain gauge without a posted forecast.</summary>
    None = 0,

    /// <summary>The recent trend of a level-type station, projected.</summary>
    Trend,

    /// <summary>A posted forecast series (e.g. hourly rainfall amounts).</summary>
    PostedForecast,
}

/// <summary>Where a station stands against one of its tier thresholds.</summary>
public enum CrossingOutlook
{
    /// <summary>The latest reading is at or above the threshold already.</summary>
    Reached = 1,

    /// <summary>The likely line (or the posted forecast) reaches it within the horizon.</summary>
    Expected,

    /// <summary>Only the upper edge of the band reaches it within the horizon: possible, not likely.</summary>
    Possible,

    /// <summary>Not even the upper edge reaches it within the horizon (includes flat and falling trends).</summary>
    NotWithinHorizon,

    /// <summary>No forecast to tell: only that the latest reading is below it.</summary>
    Unknown,
}

/// <summary>
/// When a station is expected to reach one tier's threshold, from now: earliest (upper band),
/// likely, latest (lower band). A null time means "not within the horizon".
/// </summary>
public sealed record ThresholdCrossing(WarningTier Tier, double Threshold, CrossingOutlook Outlook, TimeSpan? Earliest, TimeSpan? Likely, TimeSpan? Latest);

/// <summary>Whether a projected value is a level at that moment or the total expected until then.</summary>
public enum ProjectionKind
{
    /// <summary>The value the station is expected to read at that moment (water level, flow, pressure…).</summary>
    Level = 1,

    /// <summary>The amount expected to add up from now until then (rainfall).</summary>
    Total,
}

/// <summary>A station's expected value some hours ahead, with its band and the tier the likely value reaches.</summary>
public sealed record ProjectedValue(TimeSpan Ahead, DateTimeOffset At, ProjectionKind Kind, double Low, double Likely, double High, WarningTier Tier);

/// <summary>A station's forecast at one moment: its basis (or why it has none), threshold crossings and projected values.</summary>
public sealed record StationForecast(
    Station Station, DateTimeOffset AsOf, ForecastBasis Basis, string? NoForecastReason, Trend? Trend,
    IReadOnlyList<(DateTimeOffset Time, double Value)> PostedSeries,
    IReadOnlyList<ThresholdCrossing> Crossings, IReadOnlyList<ProjectedValue> Projections);

/// <summary>
/// Forecasts one station. A level-type station (water level, river flow, soil moisture, pipe
/// pressure, crowd count) projects its recent Theil–Sen trend. A rain gauge does NOT: rain is not a
/// trend — an hour of heavy rain says nothing about the next — so it uses a posted forecast series
/// of amounts if there is one; without one it adds nothing beyond what has already fallen.
/// </summary>
public static class StationForecaster
{
    /// <summary>True for stations whose readings are amounts per interval that add up (rain), not levels.</summary>
    public static bool Accumulates(this StationKind kind) => kind == StationKind.Rainfall;

    /// <param name="station">The station, with its kind, thresholds and valid range.</param>
    /// <param name="readings">The station's readings, oldest first (at least the trend window).</param>
    /// <param name="posted">The forecast points in force for the station (any order; those after <paramref name="asOf"/> are used).</param>
    /// <param name="asOf">The forecast moment: readings after it are not known yet.</param>
    /// <param name="horizons">The moments ahead to project values for.</param>
    /// <param name="options">Trend and projection options; the defaults when null.</param>
    public static StationForecast Forecast(Station station, IReadOnlyList<(DateTimeOffset Time, double Value)> readings,
        IReadOnlyList<(DateTimeOffset Time, double Value)> posted, DateTimeOffset asOf, IReadOnlyList<TimeSpan> horizons, ForecastOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(station);
        ArgumentNullException.ThrowIfNull(readings);
        ArgumentNullException.ThrowIfNull(posted);
        ArgumentNullException.ThrowIfNull(horizons);
        options ??= ForecastOptions.Default;
        // The latest reading known at asOf decides whether a threshold is reached already, as the threshold rule does.
        var known = readings.Where(r => r.Time <= asOf).ToList();
        double? latest = known.Count > 0 ? known[^1].Value : null;
        var ahead = posted.Where(p => p.Time > asOf && p.Time <= asOf + ForecastOptions.MaxHorizon).OrderBy(p => p.Time).ToList();

        if (station.Kind.Accumulates())
        {
            if (ahead.Count == 0)
            {
                return new StationForecast(station, asOf, ForecastBasis.None,
                    "no forecast input: rainfall is not extrapolated from what has fallen; post a forecast series to see rain ahead.",
                    null, [], Crossings(station, asOf, latest, null, []), RainProjections(station, asOf, horizons, []));
            }

            return new StationForecast(station, asOf, ForecastBasis.PostedForecast, null, null, ahead,
                Crossings(station, asOf, latest, null, ahead), RainProjections(station, asOf, horizons, ahead));
        }

        var fit = TheilSen.Fit(readings, asOf, options.Trend);
        if (fit.Trend is not { } trend)
        {
            return new StationForecast(station, asOf, ForecastBasis.None, fit.NoTrendReason, null, [],
                Crossings(station, asOf, latest, null, [], unknownAhead: true), []);
        }

        var projections = horizons.Select(h => LevelProjection(station, trend, asOf, h)).ToList();
        return new StationForecast(station, asOf, ForecastBasis.Trend, null, trend, [],
            Crossings(station, asOf, latest, trend, []), projections);
    }

    /// <summary>A projected level is clamped to what the station can report: a gauge does not read below its floor.</summary>
    private static ProjectedValue LevelProjection(Station station, Trend trend, DateTimeOffset asOf, TimeSpan ahead)
    {
        var likely = station.Range.Clamp(trend.Likely(ahead));
        return new ProjectedValue(ahead, asOf + ahead, ProjectionKind.Level, station.Range.Clamp(trend.Low(ahead)), likely,
            station.Range.Clamp(trend.High(ahead)), station.Thresholds.TierOf(likely));
    }

    private static List<ProjectedValue> RainProjections(Station station, DateTimeOffset asOf, IReadOnlyList<TimeSpan> horizons,
        List<(DateTimeOffset Time, double Value)> ahead) =>
        [.. horizons.Select(h =>
        {
            var until = ahead.Where(p => p.Time <= asOf + h).ToList();
            var total = until.Sum(p => p.Value);

            // A rain gauge's thresholds are for one reading's amount, so the tier is that of the largest forecast amount until then.
            var tier = until.Count == 0 ? WarningTier.None : station.Thresholds.TierOf(until.Max(p => p.Value));
            return new ProjectedValue(h, asOf + h, ProjectionKind.Total, total, total, total, tier);
        })];

    private static List<ThresholdCrossing> Crossings(Station station, DateTimeOffset asOf, double? latest, Trend? trend,
        List<(DateTimeOffset Time, double Value)> posted, bool unknownAhead = false)
    {
        var t = station.Thresholds;
        var crossings = new List<ThresholdCrossing>();
        foreach (var (tier, threshold) in new[] { (WarningTier.General, t.General), (WarningTier.Attention, t.Attention), (WarningTier.Warning, t.Warning), (WarningTier.Emergency, t.Emergency) })
        {
            if (threshold is not { } value)
            {
                continue;
            }

            if (latest >= value)
            {
                crossings.Add(new ThresholdCrossing(tier, value, CrossingOutlook.Reached, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero));
            }
            else if (unknownAhead)
            {
                crossings.Add(new ThresholdCrossing(tier, value, CrossingOutlook.Unknown, null, null, null));
            }
            else if (trend is not null)
            {
                crossings.Add(FromTrend(tier, value, trend));
            }
            else
            {
                // A posted series has no band of its own: earliest, likely and latest are its first value at or above the threshold.
                var first = posted.FindIndex(p => p.Value >= value);
                var at = first < 0 ? (TimeSpan?)null : posted[first].Time - asOf;
                crossings.Add(at is null
                    ? new ThresholdCrossing(tier, value, CrossingOutlook.NotWithinHorizon, null, null, null)
                    : new ThresholdCrossing(tier, value, CrossingOutlook.Expected, at, at, at));
            }
        }

        return crossings;
    }

    private static ThresholdCrossing FromTrend(WarningTier tier, double value, Trend trend)
    {
        static TimeSpan? Within(TimeSpan? t) => t is { } x && x <= ForecastOptions.MaxHorizon ? x : null;
        var earliest = Within(trend.EarliestTimeTo(value));
        var likely = Within(trend.LikelyTimeTo(value));
        var latest = Within(trend.LatestTimeTo(value));
        var outlook = likely is not null ? CrossingOutlook.Expected : earliest is not null ? CrossingOutlook.Possible : CrossingOutlook.NotWithinHorizon;
        return new ThresholdCrossing(tier, value, outlook, earliest, likely, latest);
    }

    /// <summary>A value forced into the range the station can report.</summary>
    public static double Clamp(this ValidRange range, double value)
    {
        ArgumentNullException.ThrowIfNull(range);
        return Math.Clamp(value, range.Min, range.Max);
    }
}
