using System.Globalization;
using System.Net;

namespace CrisisOps.Server.Tests.Features;

/// <summary>Opinion counts: upserted per (source, region, keyword, bucket), per-item errors, and the tiers they drive.</summary>
public abstract class OpinionCountTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : CrisisOpsApp
{
    private string Bucket(int hoursAgo) =>
        (app.Clock.GetUtcNow() - TimeSpan.FromHours(hoursAgo)).ToString("yyyy-MM-dd'T'HH:00:00'Z'", CultureInfo.InvariantCulture);

    [Fact]
    public async Task Post_WhenRecountedAndBadItems_ReplacesTheCountAndListsTheRest()
    {
        var world = await app.WorldAsync();
        var monitor = await app.UserAsync(("analyst", world.CountyA));
        object Count(string keyword, int hoursAgo, double count, string? region = null) =>
            new { region = region ?? world.CommunityA2, keyword, time = Bucket(hoursAgo), count, source = "weibo-monitor" };

        var first = await (await monitor.PostJsonAsync("/api/v1/opinion/counts", new { items = new[] { Count("维权", 2, 120), Count("protest", 1, 100) } }))
            .OkJsonAsync();
        Assert.Equal(2, first.GetProperty("stored").GetInt32());
        var risk = (await monitor.RiskAsync(world.CommunityA2, "social"))!.Value;
        Assert.Equal("attention", risk.GetProperty("tier").GetString()); // 220 posts: attention begins at 200
        Assert.Contains("220 posts", risk.GetProperty("explanation")[0].GetProperty("explanation").GetString(), StringComparison.Ordinal);

        // The monitor recounts the older bucket (a re-post replaces it) and sends some bad items.
        var second = await (await monitor.PostJsonAsync("/api/v1/opinion/counts", new
        {
            items = new object?[]
            {
                Count("维权", 2, 520),
                Count("protest", 1, 100),
                Count("维权", 1, 5, world.CommunityB1),
                Count("维权", -3, 5),
                Count("维权", 1, 2.5),
                new { region = world.CommunityA2, keyword = "维权", time = Bucket(1), count = 1 },
                null,
            },
        })).OkJsonAsync();

        Assert.Equal((0, 1, 1, 5), (second.GetProperty("stored").GetInt32(), second.GetProperty("replaced").GetInt32(),
            second.GetProperty("unchanged").GetInt32(), second.GetProperty("rejected").GetInt32()));
        var reasons = second.GetProperty("errors").EnumerateArray().ToDictionary(e => e.GetProperty("index").GetInt32(), e => e.GetProperty("reason").GetString()!);
        Assert.Contains("outside your jurisdiction", reasons[2], StringComparison.Ordinal);
        Assert.Contains("in the future", reasons[3], StringComparison.Ordinal);
        Assert.Contains("whole number", reasons[4], StringComparison.Ordinal);
        Assert.Contains("missing source", reasons[5], StringComparison.Ordinal);
        Assert.Equal("warning", await monitor.TierAsync(world.CommunityA2, "social")); // 620 posts: warning begins at 500
        Assert.Equal("none", await (await app.AdminAsync()).TierAsync(world.CommunityB1, "social"));
        Assert.Equal(2, (await monitor.JournalAsync("opinion.counts-ingested", world.CommunityA2)).Count);
    }

    [Fact]
    public async Task Post_WhenNotAllowedOrMalformed_IsRefused()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("community-officer", world.CommunityA1));
        await (await officer.PostJsonAsync("/api/v1/opinion/counts", new { items = Array.Empty<object>() })).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        var analyst = await app.UserAsync(("analyst", world.City));
        await (await analyst.PostRawAsync("/api/v1/opinion/counts", "{\"items\": [{\"count\": \"many\"}]}")).ProblemAsync(HttpStatusCode.BadRequest, "malformed-json");
        await (await analyst.PostJsonAsync("/api/v1/opinion/counts", new { })).ProblemAsync(HttpStatusCode.BadRequest, "malformed-request");
        await (await analyst.PostRawAsync("/api/v1/opinion/counts", new string(' ', 8 * 1024 * 1024 + 1))).ProblemAsync(HttpStatusCode.RequestEntityTooLarge, "body-too-large");
    }
}

public sealed class OpinionCountTestsOnSqlite(SqliteApp app) : OpinionCountTests<SqliteApp>(app);

public sealed class OpinionCountTestsOnPostgres(PostgresApp app) : OpinionCountTests<PostgresApp>(app);
