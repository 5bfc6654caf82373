using System.Net;

namespace CrisisOps.Cli.Tests;

/// <summary><c>crisisops alerts coverage</c> against a fake server: the request, the table with flagged segments, bad ids.</summary>
public sealed class DeliveryCliTests : IDisposable
{
    private const string AlertId = "0198d1c2-0000-7000-8000-000000000001";
    private readonly CliHarness cli = new();

    public DeliveryCliTests()
    {
        cli.Variables["CRISISOPS_URL"] = "http://ops.test";
        cli.Variables["CRISISOPS_TOKEN"] = "env-token";
    }

    public void Dispose() => cli.Dispose();

    [Fact]
    public async Task AlertsCoverage_PrintsSegmentsAndFlagsThoseBelowTarget()
    {
        var server = new FakeServer(_ => FakeServer.Json(HttpStatusCode.OK, $$"""
            {"alertId":"{{AlertId}}","identifier":"urn:oid:2.49.0.1.156.1","expanded":true,"round":1,"targeted":10000,"reached":9712,
             "share":0.9712,"target":0.95,"segments":[
               {"segment":"elderly-living-alone","targeted":600,"reached":420,"share":0.7,"belowTarget":true},
               {"segment":"region:KRE-01-01-003","targeted":5000,"reached":4990,"share":0.998,"belowTarget":false}],
             "channels":[]}
            """));

        var result = await cli.RunAsync(server, "alerts", "coverage", AlertId);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal($"/api/v1/alerts/{AlertId}/coverage", Assert.Single(server.Requests).PathAndQuery);
        var lines = result.Stdout.Split('\n');
        Assert.Contains(lines, l => l.Contains("elderly-living-alone", StringComparison.Ordinal) && l.Contains("70.0 %", StringComparison.Ordinal)
            && l.Contains("below target", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("region:KRE-01-01-003", StringComparison.Ordinal) && l.Contains("99.8 %", StringComparison.Ordinal)
            && !l.Contains("below target", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("10,000", StringComparison.Ordinal) && l.Contains("97.1 %", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AlertsCoverage_WhenNotAnId_IsAUsageErrorAndAsksNothing()
    {
        var server = new FakeServer(_ => throw new InvalidOperationException("no request expected"));

        var result = await cli.RunAsync(server, "alerts", "coverage", "red-alert");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task AlertsCoverage_WhenOutsideJurisdiction_PrintsTheProblem()
    {
        var server = new FakeServer(_ => FakeServer.Problem(HttpStatusCode.Forbidden,
            """{"type":"urn:crisisops:problem:outside-jurisdiction","title":"Outside your jurisdiction.","status":403}"""));

        var result = await cli.RunAsync(server, "alerts", "coverage", AlertId);

        Assert.NotEqual(ExitCodes.Success, result.ExitCode);
        Assert.Contains("403", result.Stderr, StringComparison.Ordinal);
    }
}
