namespace CrisisOps.Cli.Tests;

/// <summary>Command lines rejected before any request is sent exit with 2 and say why on stderr.</summary>
public sealed class CliAppParsingTests : IDisposable
{
    private readonly CliHarness cli = new();

    public void Dispose() => cli.Dispose();

    public static TheoryData<string[]> InvalidCommandLines { get; } = new(
        [],
        ["frobnicate"],
        ["regions"],
        ["regions", "locate", "39.9"],
        ["regions", "locate", "91", "116.4"],
        ["regions", "locate", "39,9", "116,4"],
        ["regions", "list", "--bogus"],
        ["incident", "report", "--title", "Flood"],
        ["incident", "report", "--title", "T", "--type", "flood", "--category", "weather", "--severity", "I"],
        ["incident", "report", "--title", "T", "--type", "flood", "--category", "accident", "--severity", "V"],
        ["incident", "list", "--status", "open"],
        ["incident", "show"],
        ["journal", "tail", "--limit", "0"],
        ["login", "--url", "http://x", "--user", "a", "--password", "p", "--password-stdin"],
        ["login", "--url", "http://x"]);

    [Theory]
    [MemberData(nameof(InvalidCommandLines))]
    public async Task RunAsync_WhenCommandLineIsInvalid_ReturnsUsageExitCodeWithoutRequests(string[] args)
    {
        var server = new FakeServer(_ => throw new InvalidOperationException("no request expected"));

        var result = await cli.RunAsync(server, args);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.NotEmpty(result.Stderr);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task RunAsync_WhenOnlyLatitudeIsGiven_SaysBothAreNeeded()
    {
        var result = await cli.RunAsync(
            null, "incident", "report", "--title", "T", "--type", "flood", "--category", "accident", "--severity", "I", "--lat", "39.9");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--lat and --lon must be given together", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_WhenLocationAndRegionAreBothGiven_ReturnsUsageError()
    {
        var result = await cli.RunAsync(
            null,
            "incident", "report", "--title", "T", "--type", "flood", "--category", "accident", "--severity", "I",
            "--lat", "39.9", "--lon", "116.4", "--region", "110105");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("either --lat/--lon or --region", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("regions", "--help")]
    [InlineData("incident", "report", "--help")]
    public async Task RunAsync_WhenHelpIsAsked_PrintsUsageAndReturnsSuccess(params string[] args)
    {
        var result = await cli.RunAsync(null, args);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Contains("Usage:", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_WhenNoServerIsConfigured_ReturnsUsageErrorNamingTheWaysToSetOne()
    {
        var result = await cli.RunAsync(null, "regions", "list");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--url", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("CRISISOPS_URL", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ftp://ops.example.org")]
    [InlineData("ops.example.org")]
    [InlineData("https://ops.example.org/?x=1")]
    public async Task RunAsync_WhenUrlIsNotAnHttpBaseAddress_ReturnsUsageError(string url)
    {
        var result = await cli.RunAsync(null, "regions", "list", "--url", url);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
    }

    [Fact]
    public async Task Login_WhenStdinIsNotATerminalAndNoPasswordOption_ReturnsUsageError()
    {
        var result = await cli.RunAsync(null, "login", "--url", "http://ops.test", "--user", "alice");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--password-stdin", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RegionsImport_WhenFileDoesNotExist_ReturnsUsageError()
    {
        var result = await cli.RunAsync(null, "regions", "import", Path.Combine(cli.HomeDirectory, "missing.geojson"), "--url", "http://ops.test");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("missing.geojson", result.Stderr, StringComparison.Ordinal);
    }
}
