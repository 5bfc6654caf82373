using CrisisOps.Domain.Warning;
using CrisisOps.Testing;

namespace CrisisOps.Domain.Tests.Warning;

public sealed class BacktestTests
{
    private static readonly DateTimeOffset T0 = new(2026, 7, 12, 0, 0, 0, TimeSpan.Zero);
    private static readonly TierThresholds Gauge = new(3, 4.5, 6, 7.5);

    /// <summary>Every reading a forecast moment, looking 3 h ahead.</summary>
    private static readonly BacktestOptions EveryReading3H = new() { Step = TimeSpan.Zero, Horizons = [TimeSpan.FromHours(3)] };

    private static List<(DateTimeOffset, double)> Hourly(params double[] values) => [.. values.Select((v, i) => (T0.AddHours(i), v))];

    [Fact]
    public void Run_WhenRiverRisesSteadily_CountsHitsAndTheLeadByHand()
    {
        // 1 m/h from 0: warning (6 m) at hour 6. Hours 0–2 have fewer than 4 readings (no trend, "no");
        // from hour 3 the line points at 6 m within 3 h ("yes"). Scored: hours 0–4 (hour 5 + 3 h runs past
        // the end); hours 6–7 are at the warning tier already. Hour 0–2: nothing came within 3 h → correct
        // negatives; hours 3, 4: hits. The arrival at hour 6 was said without a break since hour 3: 3 h lead.
        var report = Backtest.Run(StationKind.WaterLevel, Gauge, Hourly(0, 1, 2, 3, 4, 5, 6, 7), EveryReading3H);

        var h = Assert.Single(report.Horizons);
        Assert.Equal(6, report.Threshold);
        Assert.Equal((5, 2, 0, 0, 3, 3), (h.Forecasts, h.Hits, h.Misses, h.FalseAlarms, h.CorrectNegatives, h.WithoutTrend));
        Assert.Equal(1.0, h.HitRate);
        Assert.Equal(0.0, h.FalseAlarmRatio);
        var arrival = Assert.Single(h.Arrivals);
        Assert.Equal(T0.AddHours(6), arrival.At);
        Assert.Equal(TimeSpan.FromHours(3), arrival.Lead);
        Assert.Equal(TimeSpan.FromHours(3), h.MedianLead);
    }

    [Fact]
    public void Run_WhenRiverJumpsWithoutWarning_CountsMissesAndNoLead()
    {
        // Flat at 0 m, then 7 m at hour 6: the flat line never says yes. Hours 3–5 saw it come within 3 h: misses.
        var report = Backtest.Run(StationKind.WaterLevel, Gauge, Hourly(0, 0, 0, 0, 0, 0, 7, 7, 7), EveryReading3H);

        var h = Assert.Single(report.Horizons);
        Assert.Equal((6, 0, 3, 0, 3), (h.Forecasts, h.Hits, h.Misses, h.FalseAlarms, h.CorrectNegatives));
        Assert.Equal(0.0, h.HitRate);
        Assert.Null(h.FalseAlarmRatio);
        Assert.Equal(TimeSpan.Zero, Assert.Single(h.Arrivals).Lead);
        Assert.Equal(TimeSpan.Zero, h.MinLead);
    }

    [Fact]
    public void Run_WhenRiverTurnsBeforeTheThreshold_CountsFalseAlarms()
    {
        // The line through hours 0–3, 0–4 and 0–5 reaches 6 m within 3 h; the river turns at 5 m.
        var report = Backtest.Run(StationKind.WaterLevel, Gauge, Hourly(0, 1, 2, 3, 4, 5, 5, 4, 3, 2, 1, 0, 0), EveryReading3H);

        var h = Assert.Single(report.Horizons);
        Assert.Equal(0, h.Hits);
        Assert.Equal(0, h.Misses);
        Assert.True(h.FalseAlarms >= 3, $"{h.FalseAlarms} false alarms");
        Assert.Equal(1.0, h.FalseAlarmRatio);
        Assert.Null(h.HitRate);
        Assert.Empty(h.Arrivals);
    }

    [Fact]
    public void Run_WhenFloodSampleReplayed_PredictedWarningAheadOfTime()
    {
        // Issue 4, done when: "in the backtest the forecast predicted the Warning tier ahead of time".
        var report = Backtest.Run(StationKind.WaterLevel, Gauge, SyntheticHydrograph.Flood(),
            new BacktestOptions { Horizons = [TimeSpan.FromHours(6), TimeSpan.FromHours(24)] });

        var six = report.Horizons[0];
        var arrival = Assert.Single(six.Arrivals);
        Assert.True(arrival.Lead > TimeSpan.FromHours(1), $"lead {arrival.Lead}");
        Assert.True(six.Hits > 0);
        Assert.True(six.HitRate > 0.5, $"hit rate {six.HitRate}");
        Assert.True(report.Horizons[1].Arrivals.Single().Lead >= arrival.Lead);
    }

    [Fact]
    public void Run_WhenNearMissSampleReplayed_ReportsFalseAlarms()
    {
        var report = Backtest.Run(StationKind.WaterLevel, Gauge, SyntheticHydrograph.NearMiss(), new BacktestOptions());

        var six = Assert.Single(report.Horizons);
        Assert.Empty(six.Arrivals);
        Assert.True(six.FalseAlarms > 0);
        Assert.Equal(0, six.Hits);
        Assert.Equal(1.0, six.FalseAlarmRatio);
    }

    [Fact]
    public void Run_WhenProgressWatched_ReportsUpToDone()
    {
        var seen = new List<double>();
        Backtest.Run(StationKind.WaterLevel, Gauge, SyntheticHydrograph.Flood(), new BacktestOptions(), new SynchronousProgress(seen.Add));

        Assert.True(seen.Count > 10);
        Assert.Equal(1.0, seen[^1]);
        Assert.True(seen.SequenceEqual(seen.Order()));
    }

    [Fact]
    public void Run_WhenRainGaugeOrMissingThreshold_Refuses()
    {
        var rain = Assert.Throws<ArgumentException>(() => Backtest.Run(StationKind.Rainfall, Gauge, Hourly(1, 2, 3, 4)));
        Assert.Contains("rain is not a trend", rain.Message, StringComparison.Ordinal);
        var noWarning = Assert.Throws<ArgumentException>(() => Backtest.Run(StationKind.WaterLevel, new TierThresholds(1, 2, null, 4), Hourly(1, 2, 3, 4)));
        Assert.Contains("no threshold", noWarning.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Backtest.Run(StationKind.WaterLevel, Gauge, []));
    }

    [Fact]
    public void ReadCsv_WhenRowIsMalformed_NamesTheLine()
    {
        var good = RecordedSeries.ReadCsv(new StringReader("# a comment\ntime,value\n2026-07-12T00:00:00Z,1.5\n\n2026-07-12T00:15:00,\"1.6\"\n"));
        Assert.Equal([(T0, 1.5), (T0.AddMinutes(15), 1.6)], good);

        var ex = Assert.Throws<FormatException>(() => RecordedSeries.ReadCsv(new StringReader("time,value\n2026-07-12T00:00:00Z,1.5\nyesterday,2\n")));
        Assert.StartsWith("line 3:", ex.Message, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => RecordedSeries.ReadCsv(new StringReader("2026-07-12T00:00:00Z,NaN\n")));
        Assert.Throws<FormatException>(() => RecordedSeries.ReadCsv(new StringReader("2026-07-12T00:00:00Z,1,2\n")));
    }

    [Theory]
    [InlineData("river-flood.csv")]
    [InlineData("river-near-miss.csv")]
    public void SampleFiles_AreTheGeneratorsOutput(string name)
    {
        var expected = name == "river-flood.csv"
            ? SyntheticHydrograph.ToCsv(SyntheticHydrograph.Flood(), "A flood wave at a river gauge (thresholds 3/4.5/6/7.5 m) that passes the warning level.")
            : SyntheticHydrograph.ToCsv(SyntheticHydrograph.NearMiss(), "A quick wave at a river gauge (thresholds 3/4.5/6/7.5 m) that turns at 5.6 m, below the warning level.");
        var path = Path.Combine(RepositoryFiles.Root, "tests", "samples", "backtest", name);
        if (Environment.GetEnvironmentVariable("CRISISOPS_WRITE_SAMPLES") == "1")
        {
            File.WriteAllText(path, expected);
        }

        Assert.True(File.Exists(path), $"{path} is missing; run this test with CRISISOPS_WRITE_SAMPLES=1 to write it.");
        Assert.Equal(expected, File.ReadAllText(path));
        Assert.Equal(SyntheticHydrograph.Flood().Count, RecordedSeries.ReadCsv(new StringReader(expected)).Count);
    }

    /// <summary>Progress&lt;T&gt; posts to the thread pool; a test wants the reports in order, at once.</summary>
    private sealed class SynchronousProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
