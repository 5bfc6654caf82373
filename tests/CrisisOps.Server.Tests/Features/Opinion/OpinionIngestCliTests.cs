using System.Globalization;
using System.Text;
using System.Text.Json;
using CrisisOps.Cli;
using CrisisOps.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CrisisOps.Server.Tests.Features.Opinion;

/// <summary>`crisisops opinion ingest` against the test server: bad posts named by line, the rest stored once, permissions.</summary>
public abstract class OpinionIngestCliTests<TApp>(TApp app) : IClassFixture<TApp>, IDisposable where TApp : CrisisOpsApp
{
    private const string Password = "password-of-a-test-user";
    private readonly CliRunner _cli = new(app);

    public void Dispose()
    {
        _cli.Dispose();
        GC.SuppressFinalize(this);
    }

    private string Ago(double minutes) =>
        (app.Clock.GetUtcNow() - TimeSpan.FromMinutes(minutes)).ToString("O", CultureInfo.InvariantCulture);

    [Fact]
    public async Task Ingest_WhenJsonLinesWithBadPosts_StoresTheGoodOnesOnceAndNamesTheRestByLine()
    {
        var world = await app.WorldAsync();
        var (_, analyst) = await app.PersonAsync(new TestRole("analyst", world.CountyA));
        var id = world.Prefix;
        var file = Path.Combine(_cli.Home, "posts.jsonl");
        string[] lines =
        [
            $$"""{"sourceId": "{{id}}-1", "kind": "hotline", "time": "{{Ago(30)}}", "text": "地铁二号线被困，水在涨，求救援", "region": "{{world.CommunityA1}}"}""",
            $$"""{"source": "weibo", "sourceId": "{{id}}-2", "time": "{{Ago(20)}}", "text": "Stuck on line 2, water rising", "region": "{{world.CommunityA2}}"}""",
            """{"source": "weibo", "sourceId": """,
            $$"""{"source": "weibo", "sourceId": "{{id}}-4", "time": "{{Ago(10)}}", "text": ""}""",
            $$"""{"source": "weibo", "sourceId": "{{id}}-5", "time": "yesterday", "text": "物资什么时候到"}""",
            $$"""{"source": "weibo", "sourceId": "{{id}}-6", "time": "{{Ago(5)}}", "text": "物资什么时候到", "region": "{{world.CommunityB1}}"}""",
            $$"""{"source": "weibo", "sourceId": "{{id}}-7", "time": "{{Ago(5)}}", "text": "独居老人家里进水了，没人管"}""",
        ];
        await File.WriteAllTextAsync(file, string.Join("\n", lines) + "\n", new UTF8Encoding(false));
        await _cli.LoginAsync(analyst, Password);

        var first = await _cli.RunAsync("opinion", "ingest", file, "--source", "hotline", "--batch", "2");
        var again = await _cli.RunAsync("--json", "opinion", "ingest", file, "--source", "hotline");

        Assert.True(first.Exit == ExitCodes.Rejected, first.Err);
        Assert.Contains("posts.jsonl: 7 posts, 3 stored, 0 already held, 4 rejected.", first.Out, StringComparison.Ordinal);
        var errors = first.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("line 3: json-malformed", errors[0], StringComparison.Ordinal);
        Assert.StartsWith($"line 4 ({id}-4): text-empty", errors[1], StringComparison.Ordinal);
        Assert.StartsWith($"line 5 ({id}-5): post-field-type", errors[2], StringComparison.Ordinal);
        Assert.StartsWith($"line 6 ({id}-6): post-region", errors[3], StringComparison.Ordinal);

        Assert.Equal(ExitCodes.Rejected, again.Exit);
        var answer = JsonDocument.Parse(again.Out).RootElement;
        Assert.Equal((7, 0, 3, 4), (answer.GetProperty("received").GetInt32(), answer.GetProperty("stored").GetInt32(),
            answer.GetProperty("alreadyHeld").GetInt32(), answer.GetProperty("rejected").GetInt32()));
        Assert.Equal([3, 4, 5, 6], answer.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("line").GetInt32()));

        await using var db = app.Services.GetRequiredService<IDbContextFactory<CrisisOpsDbContext>>().CreateDbContext();
        var stored = await db.Posts.AsNoTracking().Where(p => p.SourceId.StartsWith(id + "-")).OrderBy(p => p.SourceId).ToListAsync();
        Assert.Equal([$"{id}-1", $"{id}-2", $"{id}-7"], stored.Select(p => p.SourceId));
        Assert.Equal(["hotline", "weibo", "weibo"], stored.Select(p => p.Source));
        Assert.Equal([world.CommunityA1, world.CommunityA2, world.CountyA], stored.Select(p => p.RegionCode));
    }

    [Fact]
    public async Task Ingest_WhenTheUserMayNotIngest_PrintsTheProblemAndExitsServerError()
    {
        var world = await app.WorldAsync();
        var (_, officer) = await app.PersonAsync(new TestRole("community-officer", world.CommunityA1));
        var file = Path.Combine(_cli.Home, "posts.json");
        await File.WriteAllTextAsync(file, $$"""[{"source": "weibo", "sourceId": "{{world.Prefix}}-1", "time": "{{Ago(1)}}", "text": "雨很大"}]""");
        await _cli.LoginAsync(officer, Password);

        var (exit, output, error) = await _cli.RunAsync("opinion", "ingest", file);

        Assert.Equal(ExitCodes.ServerError, exit);
        Assert.Equal("", output);
        Assert.Contains("forbidden", error, StringComparison.Ordinal);
    }
}

public sealed class OpinionIngestCliTestsOnSqlite(SqliteApp app) : OpinionIngestCliTests<SqliteApp>(app);

public sealed class OpinionIngestCliTestsOnPostgres(PostgresApp app) : OpinionIngestCliTests<PostgresApp>(app);
