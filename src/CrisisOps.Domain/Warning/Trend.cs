using System.Buffers;
using System.Globalization;

namespace CrisisOps.Domain.Warning;

/// <summary>
/// How a station's recent trend is estimated: over which window, from how many readings at least,
/// and how wide the uncertainty band is.
/// </summary>
public sealed record TrendOptions
{
    /// <summary>Readings older than this before the forecast moment are not used (default 6 h).</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromHours(6);

    /// <summary>Fewer readings than this give no trend: a line through three points says little.</summary>
    public int MinPoints { get; init; } = 4;

    /// <summary>Readings spanning less than this give no trend: a burst of readings in one minute is not a trend.</summary>
    public TimeSpan MinSpan { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Above this many readings in the window, an evenly spaced subset is used. Theil–Sen looks at
    /// every pair, n(n−1)/2 of them: 500 readings are 124,750 slopes (milliseconds), but six hours
    /// of one-second readings would be 233 million. An even stride keeps the whole window covered
    /// and is deterministic, so the same readings always give the same forecast (and a backtest can
    /// be repeated exactly).
    /// </summary>
    public int MaxPoints { get; init; } = 500;

    /// <summary>
    /// The standard normal quantile of the band: 1.645 is a two-sided 90 % band. It sets both the
    /// slope interval and how many residual spreads the value band adds.
    /// </summary>
    public double Z { get; init; } = 1.645;

    /// <summary>The default options; a backtest and the API start from these.</summary>
    public static TrendOptions Default { get; } = new();

    /// <exception cref="ArgumentOutOfRangeException">A window outside 10 min–72 h, fewer than 3 points, a cap below the minimum or above 2,000 (two million slopes).</exception>
    public TrendOptions Validated()
    {
        if (Window < TimeSpan.FromMinutes(10) || Window > TimeSpan.FromHours(72))
        {
            throw new ArgumentOutOfRangeException(nameof(Window), Window, "The trend window must lie within 10 minutes and 72 hours.");
        }

        if (MinPoints < 3 || MaxPoints < MinPoints || MaxPoints > 2000)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxPoints), MaxPoints, "Need 3 ≤ MinPoints ≤ MaxPoints ≤ 2000.");
        }

        return Z is > 0 and < 5 ? this : throw new ArgumentOutOfRangeException(nameof(Z), Z, "Z must lie within (0, 5).");
    }
}

/// <summary>Whether a trend is rising, falling, or cannot be told from flat (its slope band holds zero).</summary>
public enum TrendDirection
{
    Steady = 0,
    Rising,
    Falling,
}

/// <summary>
/// A robust straight line through a station's recent readings: the Theil–Sen slope (median of all
/// pairwise slopes) with its confidence band, the level the line gives at the forecast moment
/// (intercept by the median of residual levels), and the spread of readings around it.
/// </summary>
/// <param name="AsOf">The moment the line is anchored at: <see cref="Level"/> is its value then.</param>
/// <param name="From">Time of the first reading in the window.</param>
/// <param name="To">Time of the last reading in the window.</param>
/// <param name="Points">Readings in the window.</param>
/// <param name="Used">Readings the fit used (fewer than <paramref name="Points"/> only above <see cref="TrendOptions.MaxPoints"/>).</param>
/// <param name="SlopePerHour">The Theil–Sen slope, in the station's unit per hour.</param>
/// <param name="SlopeLow">Lower end of the slope band.</param>
/// <param name="SlopeHigh">Upper end of the slope band.</param>
/// <param name="Level">The fitted value at <paramref name="AsOf"/>.</param>
/// <param name="ResidualSpread">Robust standard deviation of readings around the line (1.4826 × median absolute residual).</param>
/// <param name="Z">The normal quantile the band was built with.</param>
public sealed record Trend(
    DateTimeOffset AsOf, DateTimeOffset From, DateTimeOffset To, int Points, int Used,
    double SlopePerHour, double SlopeLow, double SlopeHigh, double Level, double ResidualSpread, double Z)
{
    public TrendDirection Direction => SlopeLow > 0 ? TrendDirection.Rising : SlopeHigh < 0 ? TrendDirection.Falling : TrendDirection.Steady;

    /// <summary>The value the line gives <paramref name="ahead"/> of <see cref="AsOf"/>.</summary>
    public double Likely(TimeSpan ahead) => Level + SlopePerHour * ahead.TotalHours;

    /// <summary>
    /// The lowest value a reading is expected to show then: the lower slope and the readings'
    /// spread below the line. (Pivoting the slope band at <see cref="AsOf"/> ignores the intercept's
    /// own uncertainty; the spread term, a whole reading's noise, covers it for any window of more
    /// than a few readings.)
    /// </summary>
    public double Low(TimeSpan ahead) => Level + SlopeLow * ahead.TotalHours - Z * ResidualSpread;

    /// <summary>The highest value a reading is expected to show then: the upper slope and the spread above the line.</summary>
    public double High(TimeSpan ahead) => Level + SlopeHigh * ahead.TotalHours + Z * ResidualSpread;

    /// <summary>
    /// How long until the likely line reaches <paramref name="value"/>: zero when it is there
    /// already, null when the line does not rise (it never gets there).
    /// </summary>
    public TimeSpan? LikelyTimeTo(double value) => TimeTo(value, Level, SlopePerHour);

    /// <summary>How long until the upper edge of the band reaches <paramref name="value"/>: the earliest it may happen.</summary>
    public TimeSpan? EarliestTimeTo(double value) => TimeTo(value, Level + Z * ResidualSpread, SlopeHigh);

    /// <summary>How long until the lower edge of the band reaches <paramref name="value"/>: by then it has happened; null when even that may never come.</summary>
    public TimeSpan? LatestTimeTo(double value) => TimeTo(value, Level - Z * ResidualSpread, SlopeLow);

    private static TimeSpan? TimeTo(double value, double level, double slopePerHour)
    {
        if (level >= value)
        {
            return TimeSpan.Zero;
        }

        // Hours beyond this are not a forecast anyone can use, and TimeSpan would overflow.
        const double Never = 24 * 365;
        var hours = slopePerHour > 0 ? (value - level) / slopePerHour : double.PositiveInfinity;
        return hours > Never ? null : TimeSpan.FromHours(hours);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{SlopePerHour:0.####}/h [{SlopeLow:0.####}, {SlopeHigh:0.####}] level {Level:0.###} ± {ResidualSpread:0.###} ({Used} of {Points} readings)");
}

/// <summary>A trend, or why there is none.</summary>
public sealed record TrendResult(Trend? Trend, string? NoTrendReason)
{
    public static TrendResult None(string reason) => new(null, reason);
}

/// <summary>
/// The Theil–Sen estimator (Theil 1950; Sen 1968): the slope is the median of the slopes between
/// every pair of readings, so up to 29 % of wild readings cannot move it — a single spike from a
/// dirty sensor does nothing, where least squares would tilt the whole line.
/// </summary>
public static class TheilSen
{
    /// <summary>
    /// Fits a line through the readings within <see cref="TrendOptions.Window"/> up to
    /// <paramref name="asOf"/> (readings after it are ignored: they are not known yet).
    /// </summary>
    /// <param name="readings">Readings, oldest first.</param>
    /// <param name="asOf">The forecast moment; the line's level is given at it.</param>
    /// <param name="options">Window, minimums, cap and band width; the defaults when null.</param>
    /// <returns>The trend, or a reason there is none (too few readings, too short a span).</returns>
    public static TrendResult Fit(IReadOnlyList<(DateTimeOffset Time, double Value)> readings, DateTimeOffset asOf, TrendOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(readings);
        options ??= TrendOptions.Default;
        var from = asOf - options.Window;
        var window = new List<(DateTimeOffset Time, double Value)>();
        foreach (var r in readings)
        {
            if (r.Time >= from && r.Time <= asOf && double.IsFinite(r.Value))
            {
                window.Add(r);
            }
        }

        var hours = options.Window.TotalHours.ToString("0.##", CultureInfo.InvariantCulture);
        if (window.Count < options.MinPoints)
        {
            return TrendResult.None(string.Create(CultureInfo.InvariantCulture,
                $"{window.Count} reading(s) in the last {hours} h; a trend needs at least {options.MinPoints}."));
        }

        var span = window[^1].Time - window[0].Time;
        if (span < options.MinSpan)
        {
            return TrendResult.None(string.Create(CultureInfo.InvariantCulture,
                $"the readings of the last {hours} h span {span.TotalMinutes:0} min; a trend needs at least {options.MinSpan.TotalMinutes:0} min."));
        }

        var used = Subsample(window, options.MaxPoints);
        var n = used.Count;

        // x in hours relative to asOf, so the intercept is the level at asOf itself.
        var x = new double[n];
        var y = new double[n];
        for (var i = 0; i < n; i++)
        {
            x[i] = (used[i].Time - asOf).TotalHours;
            y[i] = used[i].Value;
        }

        // Up to 124,750 slopes: a pooled buffer, because a fresh array this size would land on the
        // large-object heap at every fit, and a backtest fits thousands of times.
        var buffer = ArrayPool<double>.Shared.Rent(n * (n - 1) / 2);
        double slope, low, high;
        try
        {
            var count = 0;
            for (var i = 0; i < n; i++)
            {
                for (var j = i + 1; j < n; j++)
                {
                    // Two readings with the same time say nothing about a slope.
                    if (x[j] != x[i])
                    {
                        buffer[count++] = (y[j] - y[i]) / (x[j] - x[i]);
                    }
                }
            }

            if (count == 0)
            {
                return TrendResult.None("all readings in the window share one time.");
            }

            var slopes = buffer.AsSpan(0, count);
            slopes.Sort();
            slope = Median(slopes);
            (low, high) = SenInterval(slopes, n, options.Z);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(buffer);
        }

        var levels = new double[n];
        for (var i = 0; i < n; i++)
        {
            levels[i] = y[i] - slope * x[i];
        }

        Array.Sort(levels);
        var level = Median(levels.AsSpan());
        var residuals = new double[n];
        for (var i = 0; i < n; i++)
        {
            residuals[i] = Math.Abs(y[i] - (level + slope * x[i]));
        }

        Array.Sort(residuals);
        var medianResidual = Median(residuals.AsSpan());

        // 1.4826 × MAD estimates the standard deviation of normally distributed noise, and like the
        // slope it ignores a few wild readings (Rousseeuw & Croux 1993).
        var spread = 1.4826 * medianResidual;
        return new TrendResult(new Trend(asOf, window[0].Time, window[^1].Time, window.Count, n, slope, low, high, level, spread, options.Z), null);
    }

    /// <summary>
    /// Sen's confidence interval for the slope (Sen 1968; Gilbert 1987, "Statistical Methods for
    /// Environmental Pollution Monitoring", §16.5.2): with N ordered pairwise slopes and
    /// C = z·√Var(S), where Var(S) = n(n−1)(2n+5)/18 is the variance of Kendall's S without ties,
    /// the bounds are the slopes of rank M1 = (N − C)/2 and M2 + 1 = (N + C)/2 + 1 (interpolated
    /// between neighbours, clamped to the ends when n is small).
    /// </summary>
    private static (double Low, double High) SenInterval(ReadOnlySpan<double> sorted, int n, double z)
    {
        var count = sorted.Length;
        var c = z * Math.Sqrt(n * (n - 1.0) * (2.0 * n + 5.0) / 18.0);
        var m1 = (count - c) / 2.0;
        var m2 = (count + c) / 2.0 + 1.0;
        return (AtRank(sorted, m1), AtRank(sorted, m2));
    }

    /// <summary>The value at a 1-based, possibly fractional rank.</summary>
    private static double AtRank(ReadOnlySpan<double> sorted, double rank)
    {
        var at = Math.Clamp(rank - 1.0, 0, sorted.Length - 1);
        var below = (int)Math.Floor(at);
        var above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (sorted[above] - sorted[below]) * (at - below);
    }

    private static double Median(ReadOnlySpan<double> sorted)
    {
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2.0;
    }

    /// <summary>Every k-th reading so that at most <paramref name="max"/> remain, always keeping the first and the last.</summary>
    private static List<(DateTimeOffset Time, double Value)> Subsample(List<(DateTimeOffset Time, double Value)> window, int max)
    {
        if (window.Count <= max)
        {
            return window;
        }

        var picked = new List<(DateTimeOffset, double)>(max);
        for (var i = 0; i < max; i++)
        {
            picked.Add(window[(int)Math.Round(i * (window.Count - 1) / (double)(max - 1))]);
        }

        return picked;
    }
}

/// <summary>Durations as people type them: <c>90m</c>, <c>6h</c>, <c>1.5h</c>, <c>3d</c>.</summary>
public static class DurationText
{
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text) || text.Length > 20)
        {
            return false;
        }

        text = text.Trim();
        var unit = char.ToLowerInvariant(text[^1]);
        if (!double.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount)
            || !double.IsFinite(amount) || amount > 10_000)
        {
            return false;
        }

        switch (unit)
        {
            case 'm':
                duration = TimeSpan.FromMinutes(amount);
                return true;
            case 'h':
                duration = TimeSpan.FromHours(amount);
                return true;
            case 'd':
                duration = TimeSpan.FromDays(amount);
                return true;
            default:
                return false;
        }
    }

    /// <summary>A duration as <see cref="TryParse"/> reads it back: whole hours up to 72 h (as forecast horizons are spoken of), else the largest whole unit.</summary>
    public static string Format(TimeSpan duration) =>
        duration.TotalHours == Math.Floor(duration.TotalHours) && duration.TotalHours <= 72 ? string.Create(CultureInfo.InvariantCulture, $"{duration.TotalHours:0}h")
        : duration.TotalDays == Math.Floor(duration.TotalDays) ? string.Create(CultureInfo.InvariantCulture, $"{duration.TotalDays:0}d")
        : duration.TotalHours == Math.Floor(duration.TotalHours) ? string.Create(CultureInfo.InvariantCulture, $"{duration.TotalHours:0}h")
        : string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMinutes:0.#}m");
}
