using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CrisisOps.Data;
using CrisisOps.Domain.Opinion;
using CrisisOps.Server.Features.Deadlines;
using CrisisOps.Server.Features.Opinion;
using CrisisOps.Testing;
using CrisisOps.Text.Synthetic;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CrisisOps.Server.Tests.Features.Opinion;

/// <summary>
/// The answer loop (每一个关切都有回应): hot topics listed and read within the caller's regions; a topic linked to a published
/// release or a hotline answer becomes answered, meets its deadline and keeps its negative share before, the share after
/// following from the posts since; a hot topic left unanswered past Opinion:AnswerWithin escalates.
/// </summary>
public abstract class TopicAnswerTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : CrisisOpsApp
{
    private DateTimeOffset Now => app.Clock.GetUtcNow();

    private sealed record Scene(RegionWorld World, HttpClient Officer, Guid Topic);

    private async Task<CrisisOpsDbContext> DbAsync() =>
        await app.Services.GetRequiredService<IDbContextFactory<CrisisOpsDbContext>>().CreateDbContextAsync();

    private Task<int> FireDueAsync() => app.Services.GetRequiredService<DeadlineRunner>().FireDueAsync(CancellationToken.None);

    /// <summary>
    /// The rainstorm case in small: 10 posts in the six hours before now, 4 of them negative (40 %), and an older negative one
    /// that falls outside the window.
    /// </summary>
    private List<SeedPost> BeforePosts() =>
    [
        new(Now.AddHours(-7), PostTone.Negative),
        .. Enumerable.Range(0, 10).Select(i => new SeedPost(Now.AddMinutes(-30 * (i + 1)), i < 4 ? PostTone.Negative : PostTone.Neutral,
            $"地铁站被困 第{i}条", $"user-{i}")),
    ];

    private async Task<Guid> SeedAsync(RegionWorld world, string region, bool hot = true, List<SeedPost>? posts = null, string label = "地铁 / 被困 / 救援")
    {
        await using var db = await DbAsync();
        var within = app.Services.GetRequiredService<OpinionSettings>().AnswerWithin;
        return await OpinionSeed.TopicAsync(db, new SeedTopic(label, region, world.PathOf(region), posts ?? BeforePosts(), hot, within), Now);
    }

    private async Task<Scene> SceneAsync()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("information-officer", world.City));
        return new Scene(world, officer, await SeedAsync(world, world.CountyA));
    }

    /// <summary>A severity I incident in the world with one release published (four eyes) and one left as a draft; their numbers.</summary>
    private async Task<(string Published, string Draft)> ReleasesAsync(RegionWorld world)
    {
        var duty = await app.UserAsync(("duty-officer", world.City));
        var drafter = await app.UserAsync(("information-officer", world.CountyA));
        var commander = await app.UserAsync(("commander", world.City));
        var (lat, lon) = world.PointIn(world.CommunityA1);
        var incident = await (await duty.PostJsonAsync("/api/v1/incidents", new
        {
            title = "Subway flooded 地铁进水", category = "natural-disaster", type = "waterlogging", severity = "I", location = new { lat, lon },
        })).OkJsonAsync(HttpStatusCode.Created);
        var id = incident.GetProperty("id").GetString();

        async Task<JsonElement> DraftAsync(string title)
        {
            using var form = new MultipartFormDataContent { { new StringContent(title), "titleZh" }, { new StringContent("地铁站被困人员已全部转移。"), "textZh" } };
            return await (await drafter.PostAsync($"/api/v1/incidents/{id}/releases", form)).OkJsonAsync(HttpStatusCode.Created);
        }

        var published = await DraftAsync("地铁救援通报");
        await (await commander.PostAsync($"/api/v1/releases/{published.GetProperty("id").GetString()}/publish", null)).OkJsonAsync();
        var draft = await DraftAsync("草稿");
        return (published.GetProperty("number").GetString()!, draft.GetProperty("number").GetString()!);
    }

    private static Task<JsonElement> DetailAsync(HttpClient client, Guid topic) => client.GetJsonAsync($"/api/v1/opinion/topics/{topic}");

    private static async Task<List<JsonElement>> JournalAsync(HttpClient client, string region, string type) =>
        [.. (await client.GetJsonAsync($"/api/v1/journal?region={region}&type={type}")).GetProperty("items").EnumerateArray()];

    [Fact]
    public async Task Answer_WhenAHotTopicIsLinkedToAPublishedRelease_IsAnsweredMeetsItsDeadlineAndTracksTheShareAfter()
    {
        var s = await SceneAsync();
        var (number, _) = await ReleasesAsync(s.World);

        var hot = (await s.Officer.GetJsonAsync("/api/v1/opinion/topics?status=hot")).GetProperty("items").EnumerateArray().ToList();
        var listed = Assert.Single(hot, t => t.GetProperty("id").GetGuid() == s.Topic);
        Assert.Equal("hot", listed.GetProperty("status").GetString());
        Assert.Equal(10, listed.GetProperty("volumeSixHours").GetInt32());
        Assert.Equal("open", listed.GetProperty("deadline").GetProperty("status").GetString());
        Assert.Equal(Now + app.Services.GetRequiredService<OpinionSettings>().AnswerWithin, listed.GetProperty("deadline").GetProperty("dueAt").GetDateTimeOffset());

        app.Clock.Advance(TimeSpan.FromMinutes(20));
        var answeredAt = Now;
        var answered = await (await s.Officer.PostJsonAsync($"/api/v1/opinion/topics/{s.Topic}/responses",
            new { kind = "release", reference = number, text = "地铁站被困人员已全部转移，请勿传播不实信息。" })).OkJsonAsync(HttpStatusCode.Created);
        Assert.Equal("release", answered.GetProperty("kind").GetString());
        Assert.Equal(number, answered.GetProperty("reference").GetString());
        // Ten posts in the six hours before the answer (the seven-hour-old one is out), four of them negative.
        Assert.Equal(0.4, answered.GetProperty("negativeShareBefore").GetDouble(), 3);
        Assert.Equal(10, answered.GetProperty("postsBefore").GetInt32());
        Assert.Equal(JsonValueKind.Null, answered.GetProperty("negativeShareAfter").ValueKind);

        var detail = await DetailAsync(s.Officer, s.Topic);
        Assert.Equal("answered", detail.GetProperty("topic").GetProperty("status").GetString());
        var deadline = detail.GetProperty("topic").GetProperty("deadline");
        Assert.Equal("met", deadline.GetProperty("status").GetString());
        Assert.Equal(TopicQueriesChartHours, detail.GetProperty("hours").GetArrayLength());
        Assert.Equal(3, detail.GetProperty("representatives").GetArrayLength());
        Assert.NotNull(detail.GetProperty("representatives")[0].GetProperty("author").GetString());

        // After the answer: twenty posts, one negative (5 %); and a negative one written a second before the answer that
        // arrived late — in the answer's hour, but not after it.
        await using (var db = await DbAsync())
        {
            app.Clock.Advance(TimeSpan.FromHours(1));
            await OpinionSeed.AddPostsAsync(db, s.Topic,
                [.. Enumerable.Range(0, 20).Select(i => new SeedPost(Now.AddMinutes(-2 * i), i == 0 ? PostTone.Negative : PostTone.Positive, "谢谢救援")),
                    new SeedPost(answeredAt.AddSeconds(-1), PostTone.Negative, "地铁站还有人被困吗")], Now);
        }

        var response = Assert.Single(DetailResponses(await DetailAsync(s.Officer, s.Topic)));
        Assert.Equal(0.4, response.GetProperty("negativeShareBefore").GetDouble(), 3);
        Assert.Equal(0.05, response.GetProperty("negativeShareAfter").GetDouble(), 3);
        Assert.Equal(20, response.GetProperty("postsAfter").GetInt32());
        // Hour by hour since the answer: its own hour counts only what came after it (the hour began with posts before it).
        var since = response.GetProperty("hoursSince").EnumerateArray().ToList();
        Assert.Equal(20, since.Sum(h => h.GetProperty("posts").GetInt32()));
        Assert.Equal(1, since.Sum(h => h.GetProperty("negative").GetInt32()));

        var entry = Assert.Single(await JournalAsync(s.Officer, s.World.CountyA, "opinion.topic-answered"));
        Assert.Equal(number, entry.GetProperty("payload").GetProperty("reference").GetString());
        Assert.Equal(0.4, entry.GetProperty("payload").GetProperty("negativeShareBefore").GetDouble(), 3);
        Assert.Contains(await JournalAsync(s.Officer, s.World.CountyA, "deadline.met"),
            e => e.GetProperty("payload").TryGetProperty("topicId", out var t) && t.GetGuid() == s.Topic);

        // A second answer (a hotline statement without a title) is kept beside the first.
        await (await s.Officer.PostJsonAsync($"/api/v1/opinion/topics/{s.Topic}/responses", new { kind = "hotline", text = "热线12345已开通地铁专线。" }))
            .OkJsonAsync(HttpStatusCode.Created);
        var both = DetailResponses(await DetailAsync(s.Officer, s.Topic));
        Assert.Equal(["release", "hotline"], both.Select(r => r.GetProperty("kind").GetString()));
        Assert.Equal(JsonValueKind.Null, both[1].GetProperty("reference").ValueKind);
        // Its six hours before take in the twenty new posts (one negative), the late one (negative) and nine of the first
        // ten (all four negative ones).
        Assert.Equal(30, both[1].GetProperty("postsBefore").GetInt32());
        Assert.Equal(6.0 / 30, both[1].GetProperty("negativeShareBefore").GetDouble(), 3);
    }

    private const int TopicQueriesChartHours = 24;

    private static List<JsonElement> DetailResponses(JsonElement detail) => [.. detail.GetProperty("responses").EnumerateArray()];

    [Fact]
    public async Task Answer_WhenBadInput_RefusesWithProblemsAndStoresNothing()
    {
        var s = await SceneAsync();
        var (_, draft) = await ReleasesAsync(s.World);
        var url = $"/api/v1/opinion/topics/{s.Topic}/responses";

        async Task<JsonElement> RefusedAsync(object body, HttpStatusCode status, string type) =>
            await (await s.Officer.PostJsonAsync(url, body)).ProblemAsync(status, type);

        var empty = await RefusedAsync(new { kind = "hotline", text = "  " }, HttpStatusCode.BadRequest, "validation-failed");
        Assert.True(empty.GetProperty("errors").TryGetProperty("text", out _));
        await RefusedAsync(new { kind = "hotline", text = new string('答', 2_001) }, HttpStatusCode.BadRequest, "validation-failed");
        var kind = await RefusedAsync(new { kind = "tweet", text = "x" }, HttpStatusCode.BadRequest, "validation-failed");
        Assert.Contains("release", kind.GetProperty("errors").GetProperty("kind")[0].GetString(), StringComparison.Ordinal);
        await RefusedAsync(new { text = "x" }, HttpStatusCode.BadRequest, "validation-failed");
        var noNumber = await RefusedAsync(new { kind = "release", text = "x" }, HttpStatusCode.BadRequest, "validation-failed");
        Assert.True(noNumber.GetProperty("errors").TryGetProperty("reference", out _));
        await RefusedAsync(new { kind = "hotline", reference = new string('R', 65), text = "x" }, HttpStatusCode.BadRequest, "validation-failed");
        var unknown = await RefusedAsync(new { kind = "release", reference = "NO-SUCH-R01", text = "x" }, HttpStatusCode.UnprocessableEntity, "unknown-release");
        Assert.Contains("NO-SUCH-R01", unknown.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var notPublished = await RefusedAsync(new { kind = "release", reference = draft, text = "x" }, HttpStatusCode.UnprocessableEntity,
            "release-not-published");
        Assert.Contains(draft, notPublished.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var drill = await ExerciseRelease.PublishAsync(app, s.World);
        var exercise = await RefusedAsync(new { kind = "release", reference = drill, text = "x" }, HttpStatusCode.UnprocessableEntity, "exercise-release");
        Assert.Contains(drill, exercise.GetProperty("detail").GetString(), StringComparison.Ordinal);
        using (var raw = new StringContent("{\"kind\":", System.Text.Encoding.UTF8, new MediaTypeHeaderValue("application/json")))
        {
            await (await s.Officer.PostAsync(url, raw)).ProblemAsync(HttpStatusCode.BadRequest, "malformed-json");
        }

        await (await s.Officer.PostJsonAsync($"/api/v1/opinion/topics/{Guid.NewGuid()}/responses", new { kind = "hotline", text = "x" }))
            .ProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await s.Officer.GetAsync($"/api/v1/opinion/topics/{Guid.NewGuid()}")).ProblemAsync(HttpStatusCode.NotFound, "not-found");

        var other = await SeedAsync(s.World, s.World.CountyA, label: "物资 / 短缺");
        await using (var db = await DbAsync())
        {
            await OpinionSeed.MergeAsync(db, other, s.Topic, Now);
        }

        var merged = await (await s.Officer.PostJsonAsync($"/api/v1/opinion/topics/{other}/responses", new { kind = "hotline", text = "x" }))
            .ProblemAsync(HttpStatusCode.Conflict, "topic-merged");
        Assert.Equal(s.Topic, merged.GetProperty("mergedInto").GetGuid());
        Assert.DoesNotContain((await s.Officer.GetJsonAsync("/api/v1/opinion/topics?status=all")).GetProperty("items").EnumerateArray(),
            t => t.GetProperty("id").GetGuid() == other);

        var detail = await DetailAsync(s.Officer, s.Topic);
        Assert.Equal("hot", detail.GetProperty("topic").GetProperty("status").GetString());
        Assert.Equal("open", detail.GetProperty("topic").GetProperty("deadline").GetProperty("status").GetString());
        Assert.Empty(DetailResponses(detail));
        Assert.Empty(await JournalAsync(s.Officer, s.World.CountyA, "opinion.topic-answered"));

        foreach (var query in new[] { "status=bogus", "limit=0", "limit=501" })
        {
            await (await s.Officer.GetAsync($"/api/v1/opinion/topics?{query}")).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        }
    }

    [Fact]
    public async Task Topics_WhenOutsideTheCallersRegionOrWithoutAnswerOpinion_AreHiddenAndRefused()
    {
        var s = await SceneAsync();
        var outsider = await app.UserAsync(("information-officer", s.World.CountyB));
        Assert.DoesNotContain((await outsider.GetJsonAsync("/api/v1/opinion/topics?status=all")).GetProperty("items").EnumerateArray(),
            t => t.GetProperty("id").GetGuid() == s.Topic);
        await (await outsider.GetAsync($"/api/v1/opinion/topics/{s.Topic}")).ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");
        await (await outsider.PostJsonAsync($"/api/v1/opinion/topics/{s.Topic}/responses", new { kind = "hotline", text = "x" }))
            .ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");

        // A commander reads opinion but does not answer it; a hotline operator does neither.
        var commander = await app.UserAsync(("commander", s.World.City));
        Assert.Contains((await commander.GetJsonAsync("/api/v1/opinion/topics")).GetProperty("items").EnumerateArray(),
            t => t.GetProperty("id").GetGuid() == s.Topic);
        await (await commander.PostJsonAsync($"/api/v1/opinion/topics/{s.Topic}/responses", new { kind = "hotline", text = "x" }))
            .ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        var operatorClient = await app.UserAsync(("hotline-operator", s.World.City));
        await (await operatorClient.GetAsync("/api/v1/opinion/topics")).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await app.Anonymous().GetAsync("/api/v1/opinion/topics")).ProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");

        // Each read that shows authors is journaled once.
        await DetailAsync(commander, s.Topic);
        await DetailAsync(s.Officer, s.Topic);
        var reads = await JournalAsync(s.Officer, s.World.CountyA, "opinion.posts-read");
        Assert.Equal(2, reads.Count);
        Assert.All(reads, r => Assert.Equal(s.Topic, r.GetProperty("payload").GetProperty("topicId").GetGuid()));
        Assert.Equal("hot", (await DetailAsync(s.Officer, s.Topic)).GetProperty("topic").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Escalation_WhenAHotTopicIsNotAnsweredWithinAnswerWithin_EscalatesAndAnAnsweredOneDoesNot()
    {
        var s = await SceneAsync();
        var answeredTopic = await SeedAsync(s.World, s.World.CountyA, label: "物资 / 短缺 / 发放");
        await (await s.Officer.PostJsonAsync($"/api/v1/opinion/topics/{answeredTopic}/responses", new { kind = "hotline", text = "物资今晚送达。" }))
            .OkJsonAsync(HttpStatusCode.Created);

        var within = app.Services.GetRequiredService<OpinionSettings>().AnswerWithin;
        app.Clock.Advance(within - TimeSpan.FromMinutes(1));
        await FireDueAsync();
        Assert.Equal("hot", (await DetailAsync(s.Officer, s.Topic)).GetProperty("topic").GetProperty("status").GetString());

        app.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.True(await FireDueAsync() >= 1);
        var missed = (await DetailAsync(s.Officer, s.Topic)).GetProperty("topic");
        Assert.Equal("escalated", missed.GetProperty("status").GetString());
        Assert.Equal(Now, missed.GetProperty("escalatedAt").GetDateTimeOffset());
        var deadline = missed.GetProperty("deadline");
        Assert.Equal("open", deadline.GetProperty("status").GetString());
        Assert.True(deadline.GetProperty("overdue").GetBoolean());
        Assert.Equal(s.World.City, deadline.GetProperty("regionCode").GetString());
        Assert.Equal(1, deadline.GetProperty("escalationLevel").GetInt32());
        var escalated = Assert.Single(await JournalAsync(s.Officer, s.World.CountyA, "opinion.topic-escalated"));
        Assert.Equal(s.Topic, escalated.GetProperty("payload").GetProperty("topicId").GetGuid());
        Assert.Equal(s.World.City, escalated.GetProperty("payload").GetProperty("escalatedTo").GetString());
        Assert.Equal(s.Topic, (await s.Officer.GetJsonAsync("/api/v1/opinion/topics?status=escalated")).GetProperty("items").EnumerateArray()
            .Single(t => t.GetProperty("id").GetGuid() == s.Topic).GetProperty("id").GetGuid());

        var fine = (await DetailAsync(s.Officer, answeredTopic)).GetProperty("topic");
        Assert.Equal("answered", fine.GetProperty("status").GetString());
        Assert.Equal("met", fine.GetProperty("deadline").GetProperty("status").GetString());

        // Answered late, the escalated topic is answered and its deadline met late.
        await (await s.Officer.PostJsonAsync($"/api/v1/opinion/topics/{s.Topic}/responses", new { kind = "hotline", reference = "地铁被困答复", text = "已救出。" }))
            .OkJsonAsync(HttpStatusCode.Created);
        var late = (await DetailAsync(s.Officer, s.Topic)).GetProperty("topic");
        Assert.Equal("answered", late.GetProperty("status").GetString());
        Assert.Equal("met", late.GetProperty("deadline").GetProperty("status").GetString());
        var met = (await JournalAsync(s.Officer, s.World.CountyA, "deadline.met"))
            .Single(e => e.GetProperty("payload").TryGetProperty("topicId", out var t) && t.GetGuid() == s.Topic);
        Assert.True(met.GetProperty("payload").GetProperty("late").GetBoolean());
    }
}

/// <summary>
/// Apps whose opinion worker does not run by itself: the seeded topics stand as seeded. A running worker would rebuild its
/// stream from the seeded posts of every test and re-cluster them across worlds.
/// </summary>
public static class SeededOpinion
{
    public static IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["Opinion:RunInBackground"] = "false" };
}

public sealed class SeededOpinionSqliteApp() : CrisisOpsApp(new SqliteTestDatabase(), settings: SeededOpinion.Settings);

public sealed class SeededOpinionPostgresApp() : CrisisOpsApp(new PostgresTestDatabase(), settings: SeededOpinion.Settings);

public sealed class TopicAnswerTestsOnSqlite(SeededOpinionSqliteApp app) : TopicAnswerTests<SeededOpinionSqliteApp>(app);

public sealed class TopicAnswerTestsOnPostgres(SeededOpinionPostgresApp app) : TopicAnswerTests<SeededOpinionPostgresApp>(app);

/// <summary>The whole loop on posts ingested through the API and clustered by the worker (its own database: no seeded topics).</summary>
public abstract class TopicAnswerLoopTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : CrisisOpsApp
{
    private DateTimeOffset Now => app.Clock.GetUtcNow();

    private async Task<CrisisOpsDbContext> DbAsync() =>
        await app.Services.GetRequiredService<IDbContextFactory<CrisisOpsDbContext>>().CreateDbContextAsync();

    private static Task<JsonElement> DetailAsync(HttpClient client, Guid topic) => client.GetJsonAsync($"/api/v1/opinion/topics/{topic}");

    private static List<JsonElement> DetailResponses(JsonElement detail) => [.. detail.GetProperty("responses").EnumerateArray()];

    [Fact]
    public async Task AnswerLoop_OnAnIngestedStream_TheWorkersHotTopicIsAnsweredAndTheShareAfterFollowsTheNewPosts()
    {
        var world = await app.WorldAsync();
        var monitor = await app.UserAsync(("analyst", world.City));
        var officer = await app.UserAsync(("information-officer", world.City));
        var now = Now;
        var generated = CrisisPostGenerator.Generate(new CrisisStreamOptions
        {
            Start = now - TimeSpan.FromHours(4), Hours = 4, PostsPerHour = 100, BurstHour = 3,
            Regions = [world.CommunityA1, world.CommunityA2, world.CommunityB1, world.CommunityB2],
        }).Where(p => p.At <= now).Select(p => new
        {
            source = "generator", sourceId = world.Prefix + "-" + p.Id, time = p.At.ToString("O", CultureInfo.InvariantCulture), text = p.Text,
            region = p.Region, language = (string?)p.Language,
        });
        object Repost(string tag, int i, DateTimeOffset at) => new
        {
            source = "weibo", sourceId = string.Create(CultureInfo.InvariantCulture, $"{world.Prefix}-{tag}-{i}"),
            time = at.ToString("O", CultureInfo.InvariantCulture), text = "转发：地铁二号线人民广场站积水，有人被困，请扩散！", region = world.CommunityA1,
            language = (string?)"zh",
        };

        // The stream and a flood of one post from 200 accounts in the last half hour: the worker makes it a hot topic.
        foreach (var batch in generated.Cast<object>().Concat(Enumerable.Range(0, 200).Select(i => Repost("flood", i, now.AddMinutes(-20)))).Chunk(2_000))
        {
            Assert.Equal(0, (await (await monitor.PostJsonAsync("/api/v1/opinion/posts", new { posts = batch })).OkJsonAsync()).GetProperty("rejected").GetInt32());
        }

        await app.Services.GetRequiredService<OpinionWorker>().RunOnceAsync(CancellationToken.None);
        Guid topic;
        await using (var db = await DbAsync())
        {
            topic = (await db.Posts.AsNoTracking().Where(p => p.SourceId.StartsWith(world.Prefix + "-flood-")).Select(p => p.TopicId).FirstAsync())!.Value;
        }

        var listed = (await officer.GetJsonAsync("/api/v1/opinion/topics?status=hot")).GetProperty("items").EnumerateArray()
            .Single(t => t.GetProperty("id").GetGuid() == topic);
        Assert.Equal("open", listed.GetProperty("deadline").GetProperty("status").GetString());
        var detail = await DetailAsync(officer, topic);
        Assert.True(detail.GetProperty("hours").EnumerateArray().Sum(h => h.GetProperty("posts").GetInt32()) >= 200);
        Assert.NotEmpty(detail.GetProperty("representatives").EnumerateArray());

        var answer = await (await officer.PostJsonAsync($"/api/v1/opinion/topics/{topic}/responses",
            new { kind = "hotline", reference = "地铁二号线", text = "人民广场站被困乘客已全部转移。" })).OkJsonAsync(HttpStatusCode.Created);
        Assert.True(answer.GetProperty("postsBefore").GetInt32() >= 200);
        Assert.InRange(answer.GetProperty("negativeShareBefore").GetDouble(), 0, 1);
        Assert.Equal("answered", (await DetailAsync(officer, topic)).GetProperty("topic").GetProperty("status").GetString());

        // Reposts written after the answer count toward the share after.
        app.Clock.Advance(TimeSpan.FromMinutes(30));
        await (await monitor.PostJsonAsync("/api/v1/opinion/posts", new { posts = Enumerable.Range(0, 30).Select(i => Repost("after", i, Now.AddMinutes(-5))) }))
            .OkJsonAsync();
        await app.Services.GetRequiredService<OpinionWorker>().RunOnceAsync(CancellationToken.None);
        var response = Assert.Single(DetailResponses(await DetailAsync(officer, topic)));
        Assert.Equal(30, response.GetProperty("postsAfter").GetInt32());
        Assert.InRange(response.GetProperty("negativeShareAfter").GetDouble(), 0, 1);
    }

}

public sealed class TopicAnswerLoopTestsOnSqlite(SqliteApp app) : TopicAnswerLoopTests<SqliteApp>(app);

public sealed class TopicAnswerLoopTestsOnPostgres(PostgresApp app) : TopicAnswerLoopTests<PostgresApp>(app);
