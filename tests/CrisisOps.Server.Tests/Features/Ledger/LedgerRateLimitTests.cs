using System.Net;
using CrisisOps.Testing;

namespace CrisisOps.Server.Tests.Features.Ledger;

/// <summary>
/// The public ledger's reads have their own per-address limit (<c>RateLimits:PublicReadPerMinute</c>), apart from the
/// limit on public reports: an auditor downloading the log is not held to 30 requests a minute, and is still limited.
/// </summary>
public sealed class LedgerRateLimitTests : IAsyncLifetime
{
    private readonly Limited app = new();

    public ValueTask InitializeAsync() => app.InitializeAsync();

    public ValueTask DisposeAsync() => app.DisposeAsync();

    [Fact]
    public async Task LedgerReads_HaveTheirOwnLimit_AboveTheReportLimit()
    {
        var client = app.Anonymous();

        // More reads than the report limit allows, all answered.
        for (var i = 0; i < 5; i++)
        {
            var ok = await client.GetAsync("/api/v1/public/ledger/checkpoint");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        var refused = await client.GetAsync("/api/v1/public/ledger/entries?start=0&limit=10");
        await refused.ProblemAsync(HttpStatusCode.TooManyRequests, "too-many-requests");
    }

    private sealed class Limited() : CrisisOpsApp(new SqliteTestDatabase(), settings: new Dictionary<string, string>
    {
        ["RateLimits:PublicPerMinute"] = "2",
        ["RateLimits:PublicReadPerMinute"] = "5",
    });
}
