using System.Globalization;
using System.Net;
using CrisisOps.Data;
using CrisisOps.Domain.Deadlines;
using CrisisOps.Domain.Opinion;
using CrisisOps.Server.Features.Opinion;
using CrisisOps.Text.Synthetic;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CrisisOps.Server.Tests.Features.Opinion;

/// <summary>Posts in (batch and webhook): idempotent by source id, per-item errors, nothing partial; the worker's topics, spikes and risk counts.</summary>
public abstract class PostIngestTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : CrisisOpsApp
{
    private const string Api = "/api/v1/opinion/posts";

    private string Ago(double minutes) =>
        (app.Clock.GetUtcNow() - TimeSpan.FromMinutes(minutes)).ToString("O", CultureInfo.InvariantCulture);

    private static string Id(string prefix, int n) => string.Create(CultureInfo.InvariantCulture, $"{prefix}-{n}");

    [Fact]
    public async Task Batch_WhenSentTwiceWithBadItems_StoresEachGoodPostOnceAndNamesEveryBadOne()
    {
        var world = await app.WorldAsync();
        var monitor = await app.UserAsync(("analyst", world.CountyA));
        var (lat, lon) = world.PointIn(world.CommunityA1);
        var posts = new object?[]
        {
            new { source = "weibo", sourceId = world.Prefix + "-1", time = Ago(10), text = "地铁二号线被困，求救援！", latitude = lat, longitude = lon, author = "u_81" },
            new { source = "weibo", sourceId = world.Prefix + "-2", time = Ago(9), text = "Stuck on line 2, water rising, please help", region = world.CommunityA2, kind = "comment" },
            new { source = "hotline", sourceId = world.Prefix + "-3", time = Ago(8), text = "独居老人家里进水了，没人管", kind = "hotline" },
            new { source = "weibo", sourceId = world.Prefix + "-4", time = Ago(7), text = "" },                                    // 3 empty
            new { source = "weibo", sourceId = world.Prefix + "-5", time = Ago(7), text = new string('水', 5_001) },               // 4 too long
            new { source = "weibo", sourceId = world.Prefix + "-6", time = Ago(7), text = "停电了\uFFFD\uFFFD" },                  // 5 decoding failure upstream
            new { source = "weibo", sourceId = world.Prefix + "-7", time = Ago(7), text = "Il pleut beaucoup", language = "fr" },  // 6 stated language
            new { source = "weibo", sourceId = world.Prefix + "-8", time = Ago(7), text = "すごい雨です。みなさん気をつけて" },        // 7 script
            new { source = "weibo", sourceId = world.Prefix + "-9", time = Ago(-30), text = "明天还会下雨吗" },                      // 8 future
            new { source = "weibo", sourceId = world.Prefix + "-10", time = Ago(5), text = "物资什么时候到", region = world.CommunityB1 }, // 9 outside
            new { source = "weibo", sourceId = world.Prefix + "-11", time = Ago(5), text = "物资什么时候到", latitude = lat },     // 10 half a location
            new { source = "weibo", time = Ago(5), text = "没有编号的帖子" },                                                      // 11 no source id
            new { source = "weibo", sourceId = world.Prefix + "-1", time = Ago(5), text = "重复的编号" },                          // 12 twice in batch
            new { source = "weibo", sourceId = world.Prefix + "-12", time = Ago(5), text = "不知道", kind = "fax" },               // 13 kind
            null,                                                                                                                  // 14
        };

        var first = await (await monitor.PostJsonAsync(Api, new { posts })).OkJsonAsync();
        Assert.Equal((15, 3, 0, 12), (first.GetProperty("received").GetInt32(), first.GetProperty("stored").GetInt32(),
            first.GetProperty("alreadyHeld").GetInt32(), first.GetProperty("rejected").GetInt32()));
        var codes = first.GetProperty("errors").EnumerateArray().ToDictionary(e => e.GetProperty("index").GetInt32(), e => e.GetProperty("code").GetString());
        Assert.Equal("text-empty", codes[3]);
        Assert.Equal("text-too-long", codes[4]);
        Assert.Equal("text-invalid-encoding", codes[5]);
        Assert.Equal("language-stated-unsupported", codes[6]);
        Assert.Equal("language-unsupported", codes[7]);
        Assert.Equal("post-time-future", codes[8]);
        Assert.Equal("post-region", codes[9]);
        Assert.Equal("post-location", codes[10]);
        Assert.Equal("post-source-id", codes[11]);
        Assert.Equal("post-duplicate-in-batch", codes[12]);
        Assert.Equal("post-kind", codes[13]);
        Assert.Equal("post-missing", codes[14]);

        // Sent again (a retry after a timeout): nothing new, every good post counted as held.
        var again = await (await monitor.PostJsonAsync(Api, new { posts = posts.Take(3) })).OkJsonAsync();
        Assert.Equal((0, 3), (again.GetProperty("stored").GetInt32(), again.GetProperty("alreadyHeld").GetInt32()));

        await using var db = app.Services.GetRequiredService<IDbContextFactory<CrisisOpsDbContext>>().CreateDbContext();
        var stored = await db.Posts.AsNoTracking().Where(p => p.SourceId.StartsWith(world.Prefix + "-")).OrderBy(p => p.SourceId).ToListAsync();
        Assert.Equal(3, stored.Count);
        Assert.Equal((world.CommunityA1, true, "zh", PostTone.Negative), (stored[0].RegionCode, stored[0].Located, stored[0].Language, stored[0].Tone));
        Assert.Equal((world.CommunityA2, true, "en", PostKind.Comment), (stored[1].RegionCode, stored[1].Located, stored[1].Language, stored[1].Kind));
        Assert.Equal((world.CountyA, false), (stored[2].RegionCode, stored[2].Located)); // no location: the sender's region, not counted for risk
        Assert.Contains("地铁", stored[0].TopicWords);
    }

    [Fact]
    public async Task Batch_WhenNotAllowedMalformedOrTooLarge_IsRefusedWholeAndStoresNothing()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("community-officer", world.CommunityA1));
        await (await officer.PostJsonAsync(Api, new { posts = Array.Empty<object>() })).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        var analyst = await app.UserAsync(("analyst", world.City));
        await (await analyst.PostRawAsync(Api, "{\"posts\": [{\"time\": \"yesterday\"}]}")).ProblemAsync(HttpStatusCode.BadRequest, "malformed-json");
        await (await analyst.PostJsonAsync(Api, new { })).ProblemAsync(HttpStatusCode.BadRequest, "malformed-request");
        var tooMany = Enumerable.Range(0, 5_001).Select(i => new { source = "w", sourceId = Id(world.Prefix, i), time = Ago(1), text = "雨" });
        await (await analyst.PostJsonAsync(Api, new { posts = tooMany })).ProblemAsync(HttpStatusCode.RequestEntityTooLarge, "batch-too-large");
        await (await analyst.PostRawAsync(Api, new string(' ', 16 * 1024 * 1024 + 1))).ProblemAsync(HttpStatusCode.RequestEntityTooLarge, "body-too-large");

        await using var db = app.Services.GetRequiredService<IDbContextFactory<CrisisOpsDbContext>>().CreateDbContext();
        Assert.False(await db.Posts.AnyAsync(p => p.SourceId.StartsWith(world.Prefix + "-")));
    }

    [Fact]
    public async Task Webhook_WhenAPostArrivesTwiceOrBad_StoresItOnceAndRefusesTheBadOne()
    {
        var world = await app.WorldAsync();
        var platform = await app.UserAsync(("analyst", world.CountyA));
        var post = new { sourceId = world.Prefix + "-w1", time = Ago(2), text = "排水太慢了，小区一直积水", region = world.CommunityA2 };
        var first = await platform.PostJsonAsync("/api/v1/opinion/webhook/douyin", post);
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal("stored", (await first.OkJsonAsync(HttpStatusCode.Accepted)).GetProperty("status").GetString());
        Assert.Equal("already-held", (await (await platform.PostJsonAsync("/api/v1/opinion/webhook/douyin", post)).OkJsonAsync(HttpStatusCode.Accepted))
            .GetProperty("status").GetString());

        var bad = await (await platform.PostJsonAsync("/api/v1/opinion/webhook/douyin", new { sourceId = world.Prefix + "-w2", time = Ago(1), text = "   " }))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity, "post-refused");
        Assert.Equal("text-empty", bad.GetProperty("code").GetString());
        await (await platform.PostJsonAsync("/api/v1/opinion/webhook/douyin", new { source = "weibo", sourceId = "x", time = Ago(1), text = "雨" }))
            .ProblemAsync(HttpStatusCode.BadRequest, "post-source");
    }

    [Fact]
    public async Task Worker_OnARainstormStream_FindsLabelledTopicsGroupsRepostsFlagsTheBurstAndFeedsTheRiskModel()
    {
        var world = await app.WorldAsync();
        var monitor = await app.UserAsync(("analyst", world.City));
        var now = app.Clock.GetUtcNow();
        var stream = CrisisPostGenerator.Generate(new CrisisStreamOptions
        {
            Start = now - TimeSpan.FromHours(4),
            Hours = 4,
            PostsPerHour = 150,
            Regions = [world.CommunityA1, world.CommunityA2, world.CommunityB1, world.CommunityB2],
            BurstHour = 3,
        }).Where(p => p.At <= now).ToList();
        // A flood: the same post from 300 accounts.
        var flood = Enumerable.Range(0, 300).Select(i => new
        {
            source = "weibo", sourceId = Id(world.Prefix + "-flood", i), time = (now - TimeSpan.FromMinutes(20)).ToString("O", CultureInfo.InvariantCulture),
            text = "转发：地铁二号线人民广场站积水，有人被困，请扩散！", region = world.CommunityA1, language = (string?)"zh",
        });
        var posts = stream.Select(p => new
        {
            source = "generator", sourceId = world.Prefix + "-" + p.Id, time = p.At.ToString("O", CultureInfo.InvariantCulture), text = p.Text,
            region = p.Region, language = (string?)p.Language,
        }).Concat(flood).ToList();
        foreach (var batch in posts.Chunk(2_000))
        {
            var result = await (await monitor.PostJsonAsync(Api, new { posts = batch })).OkJsonAsync();
            Assert.Equal(0, result.GetProperty("rejected").GetInt32());
        }

        await app.Services.GetRequiredService<OpinionWorker>().RunOnceAsync(CancellationToken.None);

        await using var db = app.Services.GetRequiredService<IDbContextFactory<CrisisOpsDbContext>>().CreateDbContext();
        var mine = db.Posts.AsNoTracking().Where(p => p.SourceId.StartsWith(world.Prefix + "-"));
        Assert.False(await mine.AnyAsync(p => p.AssignedAt == null));
        var floodGroup = await mine.Where(p => p.SourceId.StartsWith(world.Prefix + "-flood")).Select(p => p.RepostOf).Distinct().ToListAsync();
        Assert.Single(floodGroup);
        Assert.True((await db.Posts.AsNoTracking().SingleAsync(p => p.Id == floodGroup[0])).GroupSize >= 300);

        // Topics the tracker merged point to the topic they became; follow them to the living ones.
        var all = await db.OpinionTopics.AsNoTracking().ToDictionaryAsync(t => t.Id);
        OpinionTopic Living(Guid id) => all[id].MergedInto is { } into ? Living(into) : all[id];
        var topicIds = await mine.Where(p => p.TopicId != null).Select(p => p.TopicId!.Value).Distinct().ToListAsync();
        var topics = topicIds.Select(Living).DistinctBy(t => t.Id).ToList();
        // The topic that holds most of the generator's subway posts (other tests' posts share the stream, so labels may drift).
        var subwayIds = stream.Where(p => p.Concern == CrisisConcern.TrappedInSubway).Select(p => world.Prefix + "-" + p.Id).ToList();
        var subwayTopics = await mine.Where(p => subwayIds.Contains(p.SourceId) && p.TopicId != null).Select(p => p.TopicId!.Value).ToListAsync();
        var subway = subwayTopics.Select(Living).GroupBy(t => t.Id).OrderByDescending(g => g.Count()).First().First();
        Assert.True(new[] { "地铁", "被困", "车厢", "号线", "乘客" }.Any(w => subway.Label.Contains(w, StringComparison.Ordinal)), subway.Label);
        Assert.Equal(TopicStatus.Hot, subway.Status);
        Assert.True(subway.VolumeHour >= 50, $"{subway.Label}: {subway.VolumeHour} posts in the last hour");
        Assert.Contains(topics, t => t.Label.Contains("物资", StringComparison.Ordinal) || t.Label.Contains("发放", StringComparison.Ordinal));
        var deadline = await db.Deadlines.AsNoTracking().SingleAsync(d => d.SubjectId == subway.Id && d.Kind == DeadlineKind.TopicAnswer);
        Assert.Equal(DeadlineStatus.Open, deadline.Status);
        Assert.Equal(subway.RegionPath, deadline.OriginRegionPath); // owed where the topic is
        Assert.Equal(now + TimeSpan.FromHours(2), deadline.DueAt);
        Assert.NotEmpty(await monitor.JournalAsync("opinion.topic-spiked", subway.RegionCode));
        Assert.True(await db.TopicHours.AsNoTracking().Where(h => h.TopicId == subway.Id).SumAsync(h => h.Posts) >= subway.VolumeHour);

        // Located posts became opinion counts of their communities, negative ones counted apart: a risk input.
        var counts = await db.OpinionCounts.AsNoTracking().Where(o => o.Source == OpinionWorker.CountSource && o.RegionCode == world.CommunityA1).ToListAsync();
        Assert.True(counts.Sum(c => c.Count) >= 300);
        Assert.True(counts.Sum(c => c.Negative) > 0);
        await app.Services.GetRequiredService<CrisisOps.Server.Features.Warning.RiskQueue>().WaitForAssessmentAsync(CancellationToken.None);
        var social = (await monitor.RiskAsync(world.CommunityA1, "social"))!.Value;
        Assert.NotEqual("none", social.GetProperty("tier").GetString());
        Assert.Contains(social.GetProperty("explanation").EnumerateArray(),
            e => e.GetProperty("explanation").GetString()!.Contains("negative posts", StringComparison.Ordinal));
    }
}

public sealed class PostIngestTestsOnSqlite(SqliteApp app) : PostIngestTests<SqliteApp>(app);

public sealed class PostIngestTestsOnPostgres(PostgresApp app) : PostIngestTests<PostgresApp>(app);

/// <summary>
/// The worker's restart, on a server whose background worker is off (the seeded-opinion apps), so the two workers of the
/// test do not race for the advisory lock.
/// </summary>
public abstract class WorkerRestartTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : CrisisOpsApp
{
    private const string Api = "/api/v1/opinion/posts";

    private string Ago(double minutes) =>
        (app.Clock.GetUtcNow() - TimeSpan.FromMinutes(minutes)).ToString("O", CultureInfo.InvariantCulture);

    private static string Id(string prefix, int n) => string.Create(CultureInfo.InvariantCulture, $"{prefix}-{n}");

    [Fact]
    public async Task Worker_WhenRestarted_KeepsTheStoredTopicOfLaterPostsOnTheSameConcern()
    {
        var world = await app.WorldAsync();
        var monitor = await app.UserAsync(("analyst", world.City));
        object Post(int n, double minutesAgo) => new
        {
            source = "weibo", sourceId = Id(world.Prefix + "-r", n), time = Ago(minutesAgo), region = world.CommunityB2,
            text = string.Create(CultureInfo.InvariantCulture, $"{world.Prefix}小区 排水泵站 停电 第{n}次 抽水 不及时 泵站 排水"),
        };

        await (await monitor.PostJsonAsync(Api, new { posts = Enumerable.Range(0, 5).Select(i => Post(i, 30 - i)) })).OkJsonAsync();
        await app.Services.GetRequiredService<OpinionWorker>().RunOnceAsync(CancellationToken.None);

        // A second process: a fresh worker rebuilds its stream from the stored assignments.
        var fresh = ActivatorUtilities.CreateInstance<OpinionWorker>(app.Services);
        await (await monitor.PostJsonAsync(Api, new { posts = Enumerable.Range(5, 3).Select(i => Post(i, 10 - i)) })).OkJsonAsync();
        var round = await fresh.RunOnceAsync(CancellationToken.None);
        Assert.True(round.Rebuilt);

        await using var db = app.Services.GetRequiredService<IDbContextFactory<CrisisOpsDbContext>>().CreateDbContext();
        var topics = await db.Posts.AsNoTracking().Where(p => p.SourceId.StartsWith(world.Prefix + "-r-")).Select(p => p.TopicId).Distinct().ToListAsync();
        Assert.Single(topics);
        Assert.NotNull(topics[0]);
        // (Other tests' posts on drainage may join the topic too: the stream is one per process.)
        Assert.True((await db.OpinionTopics.AsNoTracking().SingleAsync(t => t.Id == topics[0])).Posts >= 8);
    }
}

public sealed class WorkerRestartTestsOnSqlite(SeededOpinionSqliteApp app) : WorkerRestartTests<SeededOpinionSqliteApp>(app);

public sealed class WorkerRestartTestsOnPostgres(SeededOpinionPostgresApp app) : WorkerRestartTests<SeededOpinionPostgresApp>(app);
