using CrisisOps.Domain.Warning;

namespace CrisisOps.Domain.Tests.Warning;

public sealed class TrendTests
{
    private static readonly DateTimeOffset T0 = new(2026, 7, 12, 0, 0, 0, TimeSpan.Zero);

    private static List<(DateTimeOffset, double)> Hourly(params double[] values) =>
        [.. values.Select((v, i) => (T0.AddHours(i), v))];

    private static List<(DateTimeOffset, double)> Line(double start, double perHour, TimeSpan every, int count, Func<int, double>? noise = null) =>
        [.. Enumerable.Range(0, count).Select(i => (T0 + every * i, start + perHour * (every * i).TotalHours + (noise?.Invoke(i) ?? 0)))];

    [Fact]
    public void Fit_WhenFourPoints_GivesTheHandComputedSlopeLevelAndBand()
    {
        // Pairwise slopes: 2, 0.5, 4/3, -1, 1, 3 → sorted -1, 0.5, 1, 4/3, 2, 3 → median (1 + 4/3)/2 = 7/6.
        // Levels at the last reading (x = -3, -2, -1, 0 h): y - 7/6·x = 4.5, 5.333, 3.167, 5 → median 4.75.
        // Sen's band, n = 4: N = 6, Var(S) = 4·3·13/18, C = 1.645·√8.667 = 4.84 → ranks 0.58 and 6.42,
        // clamped to the smallest and largest slope.
        var fit = TheilSen.Fit(Hourly(1, 3, 2, 5), T0.AddHours(3));

        var trend = Assert.IsType<Trend>(fit.Trend);
        Assert.Equal(7.0 / 6, trend.SlopePerHour, 9);
        Assert.Equal(4.75, trend.Level, 9);
        Assert.Equal(-1, trend.SlopeLow, 9);
        Assert.Equal(3, trend.SlopeHigh, 9);
        Assert.Equal(TrendDirection.Steady, trend.Direction);
        Assert.Equal(4, trend.Used);
    }

    [Fact]
    public void Fit_WhenManyPoints_InterpolatesTheSenInterval()
    {
        // y = x² for x = 0..9 h: slopes (i+j) for i < j; 45 of them from 1 to 17, median 9.
        // n = 10: C = 1.645·√(10·9·25/18) = 18.39 → M1 = 13.30, M2 + 1 = 32.70 (1-based ranks).
        var fit = TheilSen.Fit(Hourly([.. Enumerable.Range(0, 10).Select(i => (double)i * i)]), T0.AddHours(9),
            new TrendOptions { Window = TimeSpan.FromHours(12) });

        var trend = fit.Trend!;
        var slopes = (from i in Enumerable.Range(0, 10) from j in Enumerable.Range(0, 10) where i < j select (double)(i + j)).Order().ToArray();
        var c = 1.645 * Math.Sqrt(10 * 9 * 25 / 18.0);
        double At(double rank) => slopes[(int)Math.Floor(rank - 1)] + (slopes[(int)Math.Floor(rank - 1) + 1] - slopes[(int)Math.Floor(rank - 1)]) * (rank - 1 - Math.Floor(rank - 1));
        Assert.Equal(9, trend.SlopePerHour, 9);
        Assert.Equal(At((45 - c) / 2), trend.SlopeLow, 9);
        Assert.Equal(At((45 + c) / 2 + 1), trend.SlopeHigh, 9);
        Assert.True(trend.SlopeLow > 0);
        Assert.Equal(TrendDirection.Rising, trend.Direction);
    }

    [Fact]
    public void Fit_WhenOneReadingSpikes_DoesNotMoveTheLine()
    {
        var clean = Line(2.0, 0.5, TimeSpan.FromMinutes(15), 25);
        var spiked = clean.ToList();
        spiked[17] = (spiked[17].Item1, spiked[17].Item2 + 10);
        var asOf = clean[^1].Item1;

        var a = TheilSen.Fit(clean, asOf).Trend!;
        var b = TheilSen.Fit(spiked, asOf).Trend!;

        Assert.Equal(0.5, a.SlopePerHour, 9);
        Assert.Equal(a.SlopePerHour, b.SlopePerHour, 9);
        Assert.Equal(a.Level, b.Level, 9);
        Assert.Equal(0, b.ResidualSpread, 9);
        Assert.Equal(clean[^1].Item2, b.Level, 9);
    }

    [Fact]
    public void Fit_WhenNoisy_BandHoldsTheTrueSlopeMostOfTheTime()
    {
        // 90 % band: over 200 noisy series of true slope 0.2 m/h, the band holds 0.2 in about 180.
        var held = 0;
        for (var seed = 1u; seed <= 200; seed++)
        {
            var state = seed * 2654435761u;
            double Noise(int _)
            {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                return (state / (double)uint.MaxValue - 0.5) * 0.4;
            }

            var series = Line(3.0, 0.2, TimeSpan.FromMinutes(5), 73, Noise);
            var trend = TheilSen.Fit(series, series[^1].Item1).Trend!;
            Assert.True(trend.SlopeLow < trend.SlopePerHour && trend.SlopePerHour < trend.SlopeHigh);
            Assert.True(trend.ResidualSpread > 0.05, trend.ToString());
            held += trend.SlopeLow <= 0.2 && 0.2 <= trend.SlopeHigh ? 1 : 0;
        }

        Assert.InRange(held, 165, 200);
    }

    [Fact]
    public void Fit_WhenMoreReadingsThanTheCap_SubsamplesEvenly()
    {
        var series = Line(1.0, 0.3, TimeSpan.FromSeconds(10), 2000);
        var trend = TheilSen.Fit(series, series[^1].Item1).Trend!;

        Assert.Equal(2000, trend.Points);
        Assert.Equal(500, trend.Used);
        Assert.Equal(0.3, trend.SlopePerHour, 6);
        Assert.Equal(series[0].Item1, trend.From);
    }

    [Fact]
    public void Fit_WhenTooFewReadings_SaysWhy()
    {
        var three = TheilSen.Fit(Hourly(1, 2, 3), T0.AddHours(2));
        Assert.Null(three.Trend);
        Assert.Contains("needs at least 4", three.NoTrendReason, StringComparison.Ordinal);

        var burst = Line(1, 1, TimeSpan.FromMinutes(5), 5);
        var tooShort = TheilSen.Fit(burst, burst[^1].Item1);
        Assert.Null(tooShort.Trend);
        Assert.Contains("span 20 min", tooShort.NoTrendReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_WhenReadingsAreOlderThanTheWindowOrAfterAsOf_IgnoresThem()
    {
        // A steep old rise and a reading from "the future" must not count.
        var series = Hourly(0, 5, 10, 3, 3, 3, 3, 3, 3, 3, 50);
        var trend = TheilSen.Fit(series, T0.AddHours(9), new TrendOptions { Window = TimeSpan.FromHours(6) }).Trend!;

        Assert.Equal(7, trend.Points);
        Assert.Equal(0, trend.SlopePerHour, 9);
        Assert.Equal(3, trend.Level, 9);
    }

    [Fact]
    public void TimeTo_WhenRisingSteadily_GivesEarliestLikelyLatest()
    {
        var series = Line(3.0, 0.5, TimeSpan.FromMinutes(30), 13);
        var trend = TheilSen.Fit(series, series[^1].Item1).Trend!;

        Assert.Equal(6.0, trend.Level, 9);
        Assert.Equal(TimeSpan.FromHours(3), trend.LikelyTimeTo(7.5));
        Assert.Equal(TimeSpan.Zero, trend.LikelyTimeTo(5.0));
        Assert.Equal(7.0, trend.Likely(TimeSpan.FromHours(2)), 9);

        var falling = Line(6.0, -0.2, TimeSpan.FromMinutes(30), 13);
        Assert.Null(TheilSen.Fit(falling, falling[^1].Item1).Trend!.LikelyTimeTo(7.5));
    }

    [Theory]
    [InlineData("6h", 360)]
    [InlineData("90m", 90)]
    [InlineData("1.5h", 90)]
    [InlineData("3d", 4320)]
    public void DurationText_WhenValid_Parses(string text, double minutes)
    {
        Assert.True(DurationText.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromMinutes(minutes), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("6")]
    [InlineData("-6h")]
    [InlineData("6w")]
    [InlineData("NaNh")]
    public void DurationText_WhenInvalid_Refuses(string text) => Assert.False(DurationText.TryParse(text, out _));
}
