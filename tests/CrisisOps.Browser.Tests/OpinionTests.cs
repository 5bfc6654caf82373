using System.Net.Http.Json;
using System.Text.Json;
using CrisisOps.Data;
using CrisisOps.Domain.Opinion;
using CrisisOps.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CrisisOps.Browser.Tests;

/// <summary>
/// The opinion console in a real browser: a spiking topic is flagged hot, an information officer links a hotline answer
/// through the form and the topic shows answered with its negative share before; a hostile post reads as text; a reader
/// without AnswerOpinion sees no form, and their page follows the answer live.
/// </summary>
public sealed class OpinionTests(OpinionBrowserServer server) : IClassFixture<OpinionBrowserServer>
{
    private const string Password = "password-of-an-opinion-user";
    private const string Hostile = "<img src=x onerror=\"window.__pwned=1\">地铁站被困 <script>window.__pwned=1</script> & \"救援\"";
    private static readonly PageWaitForFunctionOptions Patient = new() { Timeout = 30_000 };

    private static async Task UserAsync(HttpClient admin, string name, object role)
    {
        (await admin.PostAsJsonAsync("api/v1/users", new { userName = name, password = Password })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync($"api/v1/users/{name}/roles", role)).EnsureSuccessStatusCode();
    }

    private static Task ReadyAsync(IPage page) =>
        page.WaitForFunctionAsync("() => document.querySelector('[data-testid=opinion-title]')?.dataset.ready === 'true'", null, Patient);

    /// <summary>
    /// A hot topic in the demo city's first district as the worker leaves it: ten posts in the last five hours, four negative
    /// (40 %), the first of them hostile, and its answer deadline running.
    /// </summary>
    private async Task<Guid> SeedHotTopicAsync()
    {
        var now = server.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        await using var db = await server.Services.GetRequiredService<IDbContextFactory<CrisisOpsDbContext>>().CreateDbContextAsync();
        var district = await db.Regions.AsNoTracking().SingleAsync(r => r.Code == "KRE-01");
        var posts = Enumerable.Range(0, 10).Select(i => new SeedPost(now.AddMinutes(-25 * (i + 1)), i < 4 ? PostTone.Negative : PostTone.Neutral,
            i == 0 ? Hostile : $"地铁站被困，救援什么时候到？第{i}条", $"weibo-user-{i}")).ToList();
        return await OpinionSeed.TopicAsync(db, new SeedTopic("地铁 / 被困 / 救援", district.Code, district.Path, posts, Hot: true), now);
    }

    [Fact]
    public async Task Topic_WhenItSpikesAndAnAnswerIsLinked_ShowsHotThenAnsweredWithItsShareBefore_AndPostsAreText()
    {
        server.Require();
        using var admin = await server.ApiAsync("admin", BrowserServer.AdminPassword);
        await UserAsync(admin, "opinion.officer", new { role = "information-officer", regionCode = "KRE" });
        await UserAsync(admin, "opinion.reader", new { role = "duty-officer", regionCode = "KRE" });
        var topic = await SeedHotTopicAsync();

        // A reader without AnswerOpinion (a duty officer, in Chinese) opens the topic: chart and posts, no form.
        var reader = await server.SignInAsync("opinion.reader", Password, "zh-CN");
        var dialogs = 0;
        reader.Dialog += (_, dialog) => { dialogs++; _ = dialog.DismissAsync(); };
        await reader.GetByTestId("nav-opinion").ClickAsync();
        await ReadyAsync(reader);
        var readerRow = reader.Locator($"[data-testid=topic-row][data-id='{topic}']");
        await readerRow.WaitForAsync(new() { Timeout = 30_000 });
        Assert.Equal("hot", await readerRow.GetAttributeAsync("data-status"));
        await readerRow.GetByTestId("topic-open").ClickAsync();
        var readerPanel = reader.Locator($"[data-testid=topic-panel][data-id='{topic}']");
        await readerPanel.WaitForAsync(new() { Timeout = 30_000 });
        Assert.Equal(3, await readerPanel.GetByTestId("topic-post").CountAsync());
        Assert.Equal(0, await reader.GetByTestId("answer-form").CountAsync());

        // The hostile post is text: nothing ran, no image was injected.
        Assert.Equal(Hostile, await readerPanel.GetByTestId("post-text").First.InnerTextAsync());
        Assert.Equal(0, await reader.Locator("main img[src=x], main img[onerror]").CountAsync());
        Assert.Equal(0, await reader.Locator("main script").CountAsync());
        Assert.Null(await reader.EvaluateAsync<int?>("() => window.__pwned"));

        // The information officer sees it flagged hot with its countdown, and its chart.
        var officer = await server.SignInAsync("opinion.officer", Password);
        await officer.GetByTestId("nav-opinion").ClickAsync();
        await ReadyAsync(officer);
        var row = officer.Locator($"[data-testid=topic-row][data-id='{topic}']");
        await row.WaitForAsync(new() { Timeout = 30_000 });
        Assert.Equal("true", await row.GetAttributeAsync("data-hot"));
        Assert.Equal(1, await row.GetByTestId("spike-flag").CountAsync());
        Assert.StartsWith("due in", await row.GetByTestId("countdown").InnerTextAsync(), StringComparison.OrdinalIgnoreCase);
        await row.GetByTestId("topic-open").ClickAsync();
        var panel = officer.Locator($"[data-testid=topic-panel][data-id='{topic}']");
        await panel.WaitForAsync(new() { Timeout = 30_000 });
        Assert.Equal("10", await panel.GetByTestId("topic-chart").GetAttributeAsync("data-total"));
        Assert.Equal(1, await panel.GetByTestId("negative-line").CountAsync());
        Assert.Equal(1, await panel.GetByTestId("no-responses").CountAsync());
        await BrowserServer.ScreenshotAsync(officer, "50-opinion-hot-topic");

        // Links a hotline answer through the form.
        await panel.GetByTestId("answer-kind").SelectOptionAsync("Hotline");
        await panel.GetByTestId("answer-reference").FillAsync("地铁被困答复 Subway rescue");
        await panel.GetByTestId("answer-text").FillAsync("地铁站被困人员已全部转移，热线12345可查询家人下落。");
        await panel.GetByTestId("answer-submit").ClickAsync();
        await officer.WaitForFunctionAsync($"() => document.querySelector(\"[data-testid=topic-panel][data-id='{topic}']\")?.dataset.status === 'answered'",
            null, Patient);
        var response = panel.GetByTestId("topic-response");
        Assert.Equal(1, await response.CountAsync());
        Assert.Equal("hotline", await response.GetAttributeAsync("data-kind"));
        Assert.Equal("0.4", await response.GetAttributeAsync("data-share-before"));
        Assert.Contains("40", await response.GetByTestId("response-share").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("1", await panel.GetByTestId("topic-chart").GetAttributeAsync("data-markers"));
        Assert.Equal(1, await panel.GetByTestId("response-marker").CountAsync());
        Assert.Equal("answered", await row.GetAttributeAsync("data-status"));
        Assert.Equal("false", await row.GetAttributeAsync("data-hot"));
        await BrowserServer.ScreenshotAsync(officer, "51-opinion-answered");

        // The reader's page follows live; the API agrees.
        await reader.WaitForFunctionAsync($"() => document.querySelector(\"[data-testid=topic-panel][data-id='{topic}']\")?.dataset.status === 'answered'",
            null, Patient);
        Assert.Equal(1, await readerPanel.GetByTestId("topic-response").CountAsync());
        Assert.Equal(0, await reader.GetByTestId("answer-form").CountAsync());
        Assert.Equal(0, dialogs);
        using var api = await server.ApiAsync("opinion.officer", Password);
        var detail = await api.GetFromJsonAsync<JsonElement>($"api/v1/opinion/topics/{topic}");
        Assert.Equal("answered", detail.GetProperty("topic").GetProperty("status").GetString());
        Assert.Equal("met", detail.GetProperty("topic").GetProperty("deadline").GetProperty("status").GetString());
    }
}

/// <summary>
/// The browser server with the opinion worker left to the test: the seeded topic stands as seeded (a running worker would rebuild
/// its stream from the seeded posts and re-cluster them).
/// </summary>
public sealed class OpinionBrowserServer() : BrowserServer(new Dictionary<string, string> { ["Opinion:RunInBackground"] = "false" });
