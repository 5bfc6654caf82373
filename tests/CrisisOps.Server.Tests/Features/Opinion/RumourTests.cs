using System.Globalization;
using System.Net;
using System.Text.Json;
using CrisisOps.Testing;
using CrisisOps.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CrisisOps.Server.Tests.Features.Opinion;

/// <summary>Rumour marks: a post contradicting a published release, the claim in the analyst's words, shown publicly with the release.</summary>
public abstract class RumourTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : CrisisOpsApp
{
    private async Task<(RegionWorld World, HttpClient Analyst, long PostId, string ReleaseNumber, string DraftNumber)> SceneAsync()
    {
        var world = await app.WorldAsync();
        var analyst = await app.UserAsync(("analyst", world.City));
        var officer = await app.UserAsync(("duty-officer", world.City));
        var (drafter, _) = await app.PersonAsync(new TestRole("information-officer", world.City));
        var commander = await app.UserAsync(("commander", world.City));
        var (lat, lon) = world.PointIn(world.CommunityA1);
        var incident = (await (await officer.PostJsonAsync("/api/v1/incidents", new
        {
            title = "Subway flooded 地铁进水", category = "natural-disaster", type = "waterlogging", severity = "II", location = new { lat, lon },
        })).OkJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetString();
        async Task<JsonElement> DraftAsync(string title)
        {
            var form = new MultipartFormDataContent { { new StringContent(title), "titleZh" }, { new StringContent("二号线人民广场站无人员伤亡。"), "textZh" } };
            return await (await drafter.PostAsync($"/api/v1/incidents/{incident}/releases", form)).OkJsonAsync(HttpStatusCode.Created);
        }

        var release = await DraftAsync("关于地铁二号线的情况通报");
        await (await commander.PostAsync($"/api/v1/releases/{release.GetProperty("id").GetString()}/publish", null)).OkJsonAsync();
        var draft = await DraftAsync("未发布的草稿");

        var source = world.Prefix + "-rumour";
        var posted = await (await analyst.PostJsonAsync("/api/v1/opinion/posts", new
        {
            posts = new[]
            {
                new
                {
                    source = "weibo", sourceId = source, region = world.CommunityA1,
                    time = app.Clock.GetUtcNow().AddMinutes(-5).ToString("O", CultureInfo.InvariantCulture),
                    text = "听说地铁二号线淹死了几十个人<script>alert(1)</script>",
                },
            },
        })).OkJsonAsync();
        Assert.Equal(1, posted.GetProperty("stored").GetInt32());
        await using var db = app.Services.GetRequiredService<IDbContextFactory<CrisisOpsDbContext>>().CreateDbContext();
        var postId = await db.Posts.Where(p => p.SourceId == source).Select(p => p.Id).SingleAsync();
        return (world, analyst, postId, release.GetProperty("number").GetString()!, draft.GetProperty("number").GetString()!);
    }

    [Fact]
    public async Task Mark_WhenAPostContradictsARelease_ShowsTheClaimWithTheReleaseOnThePublicPages()
    {
        var (_, analyst, postId, number, _) = await SceneAsync();
        var mark = await (await analyst.PostJsonAsync($"/api/v1/opinion/posts/{postId}/rumour", new
        {
            releaseNumber = number, claimZh = "地铁二号线有<b>几十人</b>遇难", claimEn = "Dozens died on subway line 2", @public = true,
        })).OkJsonAsync(HttpStatusCode.Created);
        Assert.Equal(number, mark.GetProperty("releaseNumber").GetString());

        var listed = await analyst.GetJsonAsync("/api/v1/opinion/rumours");
        Assert.Contains(listed.GetProperty("items").EnumerateArray(), m => m.GetProperty("postId").GetInt64() == postId);

        var anonymous = app.Anonymous();
        var clarifications = await anonymous.GetJsonAsync("/api/v1/public/clarifications");
        var item = clarifications.GetProperty("items").EnumerateArray().Single(c => c.GetProperty("releaseNumber").GetString() == number);
        Assert.Equal("地铁二号线有<b>几十人</b>遇难", item.GetProperty("claimZh").GetString());
        Assert.False(item.TryGetProperty("postText", out _)); // the post itself never goes public

        var page = await anonymous.GetStringAsync("/public/clarifications");
        Assert.Contains("&lt;b&gt;", page, StringComparison.Ordinal); // the claim as text
        Assert.DoesNotContain("<b>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert(1)", page, StringComparison.Ordinal);
        Assert.Contains(number, page, StringComparison.Ordinal);
        var releasePage = await anonymous.GetStringAsync($"/public/releases/{number}");
        Assert.Contains("release-clarification", releasePage, StringComparison.Ordinal);
        Assert.NotEmpty(await analyst.JournalAsync("opinion.rumour-marked", null));
    }

    [Fact]
    public async Task Mark_WhenBadTwiceOrNotAllowed_IsRefused()
    {
        var (world, analyst, postId, number, draftNumber) = await SceneAsync();
        var url = $"/api/v1/opinion/posts/{postId}/rumour";
        await (await analyst.PostJsonAsync(url, new { releaseNumber = number })).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await (await analyst.PostJsonAsync(url, new { releaseNumber = number, claimZh = new string('谣', 501) }))
            .ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await (await analyst.PostJsonAsync(url, new { releaseNumber = draftNumber, claimZh = "草稿不能用来辟谣" }))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity, "release-not-published");
        await (await analyst.PostJsonAsync(url, new { releaseNumber = "NO-SUCH-R01", claimZh = "无此通报" }))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity, "unknown-release");
        var drill = await ExerciseRelease.PublishAsync(app, world);
        await (await analyst.PostJsonAsync(url, new { releaseNumber = drill, claimZh = "演练通报不能用来辟谣" }))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity, "exercise-release");
        await (await analyst.PostJsonAsync("/api/v1/opinion/posts/999999999/rumour", new { releaseNumber = number, claimZh = "无此帖" }))
            .ProblemAsync(HttpStatusCode.NotFound, "not-found");

        // Another county's analyst does not see the post at all; a reader may read but not mark.
        var elsewhere = await app.UserAsync(("analyst", world.CountyB));
        await (await elsewhere.PostJsonAsync(url, new { releaseNumber = number, claimZh = "越权" })).ProblemAsync(HttpStatusCode.NotFound, "not-found");
        var commander = await app.UserAsync(("commander", world.City));
        await (await commander.PostJsonAsync(url, new { releaseNumber = number, claimZh = "无权" })).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        await (await analyst.PostJsonAsync(url, new { releaseNumber = number, claimZh = "第一次", @public = false })).OkJsonAsync(HttpStatusCode.Created);
        await (await analyst.PostJsonAsync(url, new { releaseNumber = number, claimZh = "第二次" })).ProblemAsync(HttpStatusCode.Conflict, "rumour-marked");
        var clarifications = await app.Anonymous().GetJsonAsync($"/api/v1/public/clarifications?release={Uri.EscapeDataString(number)}");
        Assert.Empty(clarifications.GetProperty("items").EnumerateArray()); // not public
        await (await app.Anonymous().GetAsync("/api/v1/public/clarifications?limit=0")).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
    }
}

public sealed class RumourTestsOnSqlite(SqliteApp app) : RumourTests<SqliteApp>(app);

public sealed class RumourTestsOnPostgres(PostgresApp app) : RumourTests<PostgresApp>(app);
