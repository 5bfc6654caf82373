using System.Globalization;

namespace CrisisOps.Domain.Warning;

/// <summary>What a backtest replays and asks.</summary>
public sealed record BacktestOptions
{
    /// <summary>The tier whose arrival is forecast (default: Warning 预警, the tier that starts emergency preparation).</summary>
    public WarningTier Target { get; init; } = WarningTier.Warning;

    /// <summary>How far ahead each forecast looks; one result per horizon.</summary>
    public IReadOnlyList<TimeSpan> Horizons { get; init; } = [TimeSpan.FromHours(6)];

    public TrendOptions Trend { get; init; } = TrendOptions.Default;

    /// <summary>
    /// How often a forecast is made: every 15 minutes by default, as a duty officer's screen would
    /// refresh; <see cref="TimeSpan.Zero"/> makes one at every reading (slower on dense series).
    /// </summary>
    public TimeSpan Step { get; init; } = TimeSpan.FromMinutes(15);
}

/// <summary>One actual arrival of the target tier, and how long the forecast saw it coming.</summary>
/// <param name="At">Time of the first reading at or above the target threshold after readings below it.</param>
/// <param name="Value">That reading's value.</param>
/// <param name="Lead">
/// How long before <paramref name="At"/> the forecast said so without a break, up to the horizon
/// (a "within 6 h" said 10 h before was wrong for 4 of them); zero when the last forecast before it
/// did not say so — a missed arrival.
/// </param>
public sealed record TierArrival(DateTimeOffset At, double Value, TimeSpan Lead)
{
    public bool WasForeseen => Lead > TimeSpan.Zero;
}

/// <summary>
/// How the forecast did at one horizon. Every forecast moment below the target tier is one case:
/// the forecast said the target tier comes within the horizon, or not; the series then did reach
/// it within the horizon, or not. Moments already at or above the target are not forecasts and
/// are not counted; nor are those whose horizon runs past the end of the series (the outcome is unknown).
/// </summary>
public sealed record HorizonBacktest(
    TimeSpan Horizon, int Forecasts, int Hits, int Misses, int FalseAlarms, int CorrectNegatives, int WithoutTrend,
    IReadOnlyList<TierArrival> Arrivals)
{
    /// <summary>Probability of detection: hits / (hits + misses); null when the target tier never came.</summary>
    public double? HitRate => Hits + Misses == 0 ? null : Hits / (double)(Hits + Misses);

    /// <summary>False-alarm ratio: false alarms / (hits + false alarms); null when the forecast never said yes.</summary>
    public double? FalseAlarmRatio => Hits + FalseAlarms == 0 ? null : FalseAlarms / (double)(Hits + FalseAlarms);

    /// <summary>Median lead time over all arrivals (a missed one counts as zero); null without arrivals.</summary>
    public TimeSpan? MedianLead => Arrivals.Count == 0 ? null : Median([.. Arrivals.Select(a => a.Lead).Order()]);

    /// <summary>Shortest lead time over all arrivals; zero when one was missed.</summary>
    public TimeSpan? MinLead => Arrivals.Count == 0 ? null : Arrivals.Min(a => a.Lead);

    private static TimeSpan Median(List<TimeSpan> sorted) =>
        sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}

/// <summary>The result of replaying one recorded series.</summary>
public sealed record BacktestReport(
    WarningTier Target, double Threshold, int Readings, DateTimeOffset From, DateTimeOffset To, TrendOptions Trend, TimeSpan Step,
    IReadOnlyList<HorizonBacktest> Horizons);

/// <summary>
/// Replays a recorded station series through the forecast (回测): at each forecast moment it uses
/// only the readings known then, asks whether the station reaches the target tier within the
/// horizon (the likely Theil–Sen line reaching the threshold), and compares that with what the
/// series then did. It answers hit rate, false-alarm ratio and lead time per horizon — how far
/// ahead the forecast would have warned.
/// </summary>
public static class Backtest
{
    /// <param name="kind">What the station measures; a rain gauge cannot be backtested (it is not forecast from a trend).</param>
    /// <param name="thresholds">The station's tier thresholds; the target tier's is the one forecast.</param>
    /// <param name="readings">The recorded series, in any order; sorted here.</param>
    /// <param name="options">Target tier, horizons, trend window, step; the defaults when null.</param>
    /// <param name="cancellationToken">Stops a long replay.</param>
    /// <param name="progress">Told the fraction done (0–1) now and then, for long series.</param>
    /// <exception cref="ArgumentException">A rain gauge (not forecast from a trend), a target without a threshold, no readings, or trend options out of range.</exception>
    public static BacktestReport Run(StationKind kind, TierThresholds thresholds, IReadOnlyList<(DateTimeOffset Time, double Value)> readings,
        BacktestOptions? options = null, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(thresholds);
        ArgumentNullException.ThrowIfNull(readings);
        options ??= new BacktestOptions();
        if (kind.Accumulates())
        {
            throw new ArgumentException("Rainfall is not forecast from its trend (rain is not a trend), so there is nothing to backtest; use a level-type station.", nameof(kind));
        }

        var threshold = ThresholdOf(thresholds, options.Target)
            ?? throw new ArgumentException($"The station has no threshold for the target tier '{options.Target}'.", nameof(thresholds));
        if (readings.Count == 0)
        {
            throw new ArgumentException("The series has no readings.", nameof(readings));
        }

        if (options.Horizons.Count == 0 || options.Horizons.Any(h => h <= TimeSpan.Zero || h > ForecastOptions.MaxHorizon))
        {
            throw new ArgumentException("Horizons must lie within (0, 72 h].", nameof(options));
        }

        options.Trend.Validated();
        var series = readings.Where(r => double.IsFinite(r.Value)).OrderBy(r => r.Time).ToArray();
        var moments = Moments(series, options.Step);

        // nextAt[i]: the time of the first reading at index ≥ i at or above the threshold; answers
        // "did it get there within the horizon" in constant time per moment.
        var nextAt = new DateTimeOffset?[series.Length + 1];
        for (var i = series.Length - 1; i >= 0; i--)
        {
            nextAt[i] = series[i].Value >= threshold ? series[i].Time : nextAt[i + 1];
        }

        // One trend per moment serves every horizon: the fit does not depend on the horizon.
        var likely = new TimeSpan?[moments.Count];
        var hasTrend = new bool[moments.Count];
        var below = new bool[moments.Count];
        var firstAfter = new int[moments.Count];
        int start = 0, end = 0;
        var reportEvery = Math.Max(1, moments.Count / 100);
        for (var m = 0; m < moments.Count; m++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var t = moments[m];
            while (end < series.Length && series[end].Time <= t)
            {
                end++;
            }

            while (start < end && series[start].Time < t - options.Trend.Window)
            {
                start++;
            }

            firstAfter[m] = end;
            below[m] = end > 0 && series[end - 1].Value < threshold;
            if (below[m])
            {
                var fit = TheilSen.Fit(new ArraySegment<(DateTimeOffset, double)>(series, start, end - start), t, options.Trend);
                hasTrend[m] = fit.Trend is not null;
                likely[m] = fit.Trend?.LikelyTimeTo(threshold);
            }

            if (m % reportEvery == 0)
            {
                progress?.Report(m / (double)moments.Count);
            }
        }

        var last = series[^1].Time;
        var results = new List<HorizonBacktest>();
        foreach (var horizon in options.Horizons)
        {
            var says = new bool[moments.Count];
            int hits = 0, misses = 0, falseAlarms = 0, correctNegatives = 0, withoutTrend = 0;
            for (var m = 0; m < moments.Count; m++)
            {
                if (!below[m])
                {
                    continue;
                }

                says[m] = likely[m] is { } eta && eta <= horizon;
                if (moments[m] + horizon > last)
                {
                    continue;
                }

                withoutTrend += hasTrend[m] ? 0 : 1;
                var came = nextAt[firstAfter[m]] is { } arrival && arrival <= moments[m] + horizon;
                if (says[m])
                {
                    hits += came ? 1 : 0;
                    falseAlarms += came ? 0 : 1;
                }
                else
                {
                    misses += came ? 1 : 0;
                    correctNegatives += came ? 0 : 1;
                }
            }

            results.Add(new HorizonBacktest(horizon, hits + misses + falseAlarms + correctNegatives, hits, misses, falseAlarms, correctNegatives,
                withoutTrend, Arrivals(series, threshold, moments, below, says, horizon)));
        }

        progress?.Report(1);
        return new BacktestReport(options.Target, threshold, series.Length, series[0].Time, last, options.Trend, options.Step, results);
    }

    /// <summary>Each arrival of the target tier (a reading at or above it after one below), with its lead time.</summary>
    private static List<TierArrival> Arrivals((DateTimeOffset Time, double Value)[] series, double threshold, List<DateTimeOffset> moments,
        bool[] below, bool[] says, TimeSpan horizon)
    {
        var arrivals = new List<TierArrival>();
        var m = 0;
        for (var i = 1; i < series.Length; i++)
        {
            if (series[i].Value < threshold || series[i - 1].Value >= threshold)
            {
                continue;
            }

            var at = series[i].Time;
            while (m < moments.Count && moments[m] < at)
            {
                m++;
            }

            // Walk back from the last forecast before the arrival while it kept saying "within the horizon".
            var lead = TimeSpan.Zero;
            for (var k = m - 1; k >= 0 && below[k] && says[k] && at - moments[k] <= horizon; k--)
            {
                lead = at - moments[k];
            }

            arrivals.Add(new TierArrival(at, series[i].Value, lead));
        }

        return arrivals;
    }

    /// <summary>The forecast moments: every reading, or a regular grid from the first reading to the last.</summary>
    private static List<DateTimeOffset> Moments((DateTimeOffset Time, double Value)[] series, TimeSpan step)
    {
        if (step <= TimeSpan.Zero)
        {
            return [.. series.Select(r => r.Time).Distinct()];
        }

        var moments = new List<DateTimeOffset>();
        for (var t = series[0].Time; t <= series[^1].Time; t += step)
        {
            moments.Add(t);
        }

        return moments;
    }

    public static double? ThresholdOf(TierThresholds thresholds, WarningTier tier)
    {
        ArgumentNullException.ThrowIfNull(thresholds);
        return tier switch
        {
            WarningTier.General => thresholds.General,
            WarningTier.Attention => thresholds.Attention,
            WarningTier.Warning => thresholds.Warning,
            WarningTier.Emergency => thresholds.Emergency,
            _ => null,
        };
    }
}

/// <summary>A recorded series in a <c>time,value</c> CSV file, as the backtest reads it.</summary>
public static class RecordedSeries
{
    /// <summary>At most this many readings per file: a year of one-minute readings.</summary>
    public const int MaxReadings = 600_000;

    /// <summary>
    /// Reads <c>time,value</c> lines: a header line is optional (<c>time,value</c>), times are
    /// ISO 8601 (without an offset: UTC), values use a dot. Blank lines and lines starting with
    /// <c>#</c> are skipped.
    /// </summary>
    /// <exception cref="FormatException">A line that is not a time and a finite number; the message names the line.</exception>
    public static List<(DateTimeOffset Time, double Value)> ReadCsv(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var readings = new List<(DateTimeOffset, double)>();
        var number = 0;
        var sawContent = false;
        while (reader.ReadLine() is { } line)
        {
            number++;
            var text = line.Trim();
            if (text.Length == 0 || text.StartsWith('#'))
            {
                continue;
            }

            var fields = text.Split(',');
            var first = !sawContent;
            sawContent = true;
            if (first && string.Equals(Unquote(fields[0]), "time", StringComparison.OrdinalIgnoreCase))
            {
                // The header, which may only be the first line with content.
                continue;
            }

            if (fields.Length != 2
                || !DateTimeOffset.TryParse(Unquote(fields[0]), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
                || !double.TryParse(Unquote(fields[1]), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                || !double.IsFinite(value))
            {
                throw new FormatException(string.Create(CultureInfo.InvariantCulture,
                    $"line {number}: expected 'time,value' with an ISO 8601 time and a finite number, got '{Shorten(text)}'."));
            }

            if (readings.Count >= MaxReadings)
            {
                throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"line {number}: more than {MaxReadings:N0} readings; split the file."));
            }

            readings.Add((time.ToUniversalTime(), value));
        }

        return readings;
    }

    private static string Unquote(string field) => field.Trim().Trim('"').Trim();

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";
}
