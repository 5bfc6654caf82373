using System.Text.Json;

namespace CrisisOps.Cli.Tests;

/// <summary><c>warning backtest</c> offline: the forecast replayed on a recorded file, no server involved.</summary>
public sealed class BacktestCommandTests : IDisposable
{
    private static readonly string Samples = Path.Combine(AppContext.BaseDirectory, "samples", "backtest");
    private readonly CliHarness cli = new();
    private readonly TempDirectory files = new();

    public void Dispose()
    {
        cli.Dispose();
        files.Dispose();
    }

    private static string Sample(string name) => Path.Combine(Samples, name);

    [Fact]
    public async Task Backtest_WhenFloodFileReplayed_ShowsTheWarningForeseenAheadOfTime()
    {
        var server = new FakeServer(_ => throw new InvalidOperationException("an offline backtest must not call the server"));

        var result = await cli.RunAsync(server, "warning", "backtest", Sample("river-flood.csv"), "--station-kind", "water-level",
            "--thresholds", "3,4.5,6,7.5", "--horizon", "6h,24h");

        Assert.True(result.ExitCode == ExitCodes.Success, result.Stderr);
        Assert.Empty(server.Requests);
        Assert.Contains("289 readings", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("warning tier (≥ 6)", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("│ 24h", result.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"reached 6\.02 \(warning tier\); foreseen \d+ h \d+ min ahead at 6h", result.Stdout);
    }

    [Fact]
    public async Task Backtest_WhenJson_GivesHitsLeadAndFalseAlarms()
    {
        var flood = await cli.RunAsync(null, "warning", "backtest", Sample("river-flood.csv"), "--thresholds", "3,4.5,6,7.5", "--json");
        var nearMiss = await cli.RunAsync(null, "warning", "backtest", Sample("river-near-miss.csv"), "--thresholds", "3,4.5,6,7.5", "--json");

        Assert.Equal(ExitCodes.Success, flood.ExitCode);
        var six = JsonDocument.Parse(flood.Stdout).RootElement.GetProperty("horizons")[0];
        Assert.Equal(6, six.GetProperty("hours").GetDouble());
        Assert.True(six.GetProperty("hits").GetInt32() > 0);
        Assert.True(six.GetProperty("arrivals")[0].GetProperty("leadHours").GetDouble() > 1);
        Assert.True(six.GetProperty("minLeadHours").GetDouble() > 1);

        var miss = JsonDocument.Parse(nearMiss.Stdout).RootElement.GetProperty("horizons")[0];
        Assert.True(miss.GetProperty("falseAlarms").GetInt32() > 0);
        Assert.Equal(0, miss.GetProperty("arrivals").GetArrayLength());
        Assert.Equal(1.0, miss.GetProperty("falseAlarmRatio").GetDouble());
    }

    [Fact]
    public async Task Backtest_WhenEveryReadingAndOtherTarget_Runs()
    {
        var result = await cli.RunAsync(null, "warning", "backtest", Sample("river-flood.csv"), "--thresholds", "3,4.5,6,7.5",
            "--target", "attention", "--step", "0", "--window", "3h", "--json");

        Assert.True(result.ExitCode == ExitCodes.Success, result.Stderr);
        var report = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.Equal(4.5, report.GetProperty("threshold").GetDouble());
        Assert.Equal(0, report.GetProperty("stepMinutes").GetDouble());
        Assert.Equal(3, report.GetProperty("windowHours").GetDouble());
    }

    [Fact]
    public async Task Backtest_WhenFileIsMalformed_ExitsWithUsageNamingTheLine()
    {
        var bad = Path.Combine(files.Path, "bad.csv");
        await File.WriteAllTextAsync(bad, "time,value\n2026-07-12T00:00:00Z,1.5\n2026-07-12T00:15:00Z,high\n");

        var result = await cli.RunAsync(null, "warning", "backtest", bad, "--thresholds", "3,4.5,6,7.5");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("line 3", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(result.Stdout);
    }

    [Theory]
    [InlineData("missing.csv", "--thresholds", "3,4.5,6,7.5", "Cannot read")]
    [InlineData("empty.csv", "--thresholds", "3,4.5,6,7.5", "holds no readings")]
    [InlineData("river-flood.csv", "--thresholds", "3,4.5", "not four rising thresholds")]
    [InlineData("river-flood.csv", "--thresholds", "6,4.5,3,7.5", "not four rising thresholds")]
    [InlineData("river-flood.csv", "--horizon", "soon", "not a duration")]
    [InlineData("river-flood.csv", "--target", "red", "not allowed for --target")]
    [InlineData("river-flood.csv", "--station-kind", "rainfall", "rain is not a trend")]
    public async Task Backtest_WhenInputIsBad_ExitsWithUsage(string file, string option, string value, string expected)
    {
        await File.WriteAllTextAsync(Path.Combine(files.Path, "empty.csv"), "time,value\n");
        var path = File.Exists(Sample(file)) ? Sample(file) : Path.Combine(files.Path, file);
        var args = new List<string> { "warning", "backtest", path, option, value };
        if (option != "--thresholds")
        {
            args.AddRange(["--thresholds", "3,4.5,6,7.5"]);
        }

        var result = await cli.RunAsync(null, [.. args]);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains(expected, result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backtest_WhenBothOrNeitherSourceGiven_ExitsWithUsage()
    {
        var neither = await cli.RunAsync(null, "warning", "backtest", "--thresholds", "3,4.5,6,7.5");
        var both = await cli.RunAsync(null, "warning", "backtest", Sample("river-flood.csv"), "--station", "KRE-WL-01");

        Assert.Equal(ExitCodes.Usage, neither.ExitCode);
        Assert.Equal(ExitCodes.Usage, both.ExitCode);
        Assert.Contains("either a FILE or --station", both.Stderr, StringComparison.Ordinal);
    }
}
