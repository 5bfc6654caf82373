using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace CrisisOps.Browser.Tests;

/// <summary>
/// Public information in a real browser: a release with hostile text drafted by the information officer and approved by
/// the commander (four eyes) reads as text on the public page; the next-update countdown follows the cadence; a hotline
/// call is taken and answered from the answer base.
/// </summary>
public sealed class InformationTests(BrowserServer server) : IClassFixture<BrowserServer>
{
    private const string Password = "password-of-an-information-user";
    private const string HostileTitle = "<script>window.__pwned=1</script>暴雨通报";
    private const string HostileText = "<img src=x onerror=\"window.__pwned=1\"> 老城区转移安置 & \"避险\" <script>window.__pwned=1</script>";
    private static readonly PageWaitForFunctionOptions Patient = new() { Timeout = 30_000 };

    /// <summary>A PNG by its signature and header (the server checks the bytes, not the name).</summary>
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0];

    private static async Task UserAsync(HttpClient admin, string name, object role)
    {
        (await admin.PostAsJsonAsync("api/v1/users", new { userName = name, password = Password })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync($"api/v1/users/{name}/roles", role)).EnsureSuccessStatusCode();
    }

    private static Task ReadyAsync(IPage page, string testId) =>
        page.WaitForFunctionAsync($"() => document.querySelector('[data-testid={testId}]')?.dataset.ready === 'true'", null, Patient);

    [Fact]
    public async Task Release_WhenHostileTextIsDraftedAndApproved_PublicPageShowsItAsTextAndTheCountdownFollowsTheCadence()
    {
        server.Require();
        using var admin = await server.ApiAsync("admin", BrowserServer.AdminPassword);
        await UserAsync(admin, "info.officer", new { role = "information-officer", regionCode = "KRE" });
        using var commanderApi = await server.ApiAsync("commander.krems", BrowserServer.DemoPassword);
        var incident = await (await commanderApi.PostAsJsonAsync("api/v1/incidents", new
        {
            title = "Old town flooded 老城区内涝", category = "natural-disaster", type = "waterlogging", severity = "II", regionCode = "KRE-01-01",
        })).Content.ReadFromJsonAsync<JsonElement>();
        var number = incident.GetProperty("number").GetString()!;

        // The information officer drafts from the incident page; the golden-4-hour countdown is running.
        var officer = await server.SignInAsync("info.officer", Password);
        await officer.GotoAsync($"console/incidents/{number}");
        await officer.GetByTestId("releases-link").ClickAsync();
        await ReadyAsync(officer, "releases-title");
        Assert.Equal("first-release", await officer.GetByTestId("next-release").GetAttributeAsync("data-step"));
        Assert.StartsWith("due in", await officer.GetByTestId("next-release").GetByTestId("countdown").InnerTextAsync(), StringComparison.OrdinalIgnoreCase);
        await officer.GetByTestId("release-draft").Locator("summary").ClickAsync();
        await officer.GetByTestId("release-title-zh").FillAsync(HostileTitle);
        await officer.GetByTestId("release-text-zh").FillAsync(HostileText);
        await officer.GetByTestId("figure-add").ClickAsync();
        await officer.GetByTestId("figure-label").FillAsync("转移安置");
        await officer.GetByTestId("figure-value").FillAsync("1203");
        await officer.GetByTestId("figure-unit").FillAsync("人");
        await officer.GetByTestId("release-pictures").SetInputFilesAsync(new FilePayload { Name = "flood.png", MimeType = "image/png", Buffer = Png });
        await officer.GetByTestId("picked-pictures").WaitForAsync(new() { Timeout = 15_000 });
        await officer.GetByTestId("release-draft-submit").ClickAsync();
        var draft = officer.Locator($"[data-testid=draft][data-number='{number}-R01']");
        await draft.WaitForAsync(new() { Timeout = 30_000 });
        Assert.Equal(1, await draft.GetByTestId("needs-approver").CountAsync()); // an information officer drafts; approving is for others
        Assert.Equal(0, await draft.GetByTestId("release-publish").CountAsync());
        Assert.Equal(HostileText, await draft.GetByTestId("release-text").InnerTextAsync());
        Assert.Equal(1, await draft.GetByTestId("release-picture").CountAsync());
        Assert.Null(await officer.EvaluateAsync<int?>("() => window.__pwned"));

        // The commander approves and publishes it, in Chinese, then sets a 30-minute cadence.
        var commander = await server.SignInAsync("commander.krems", BrowserServer.DemoPassword, "zh-CN");
        await commander.GotoAsync($"console/incidents/{number}/releases");
        await ReadyAsync(commander, "releases-title");
        var pending = commander.Locator($"[data-testid=draft][data-number='{number}-R01']");
        await pending.WaitForAsync(new() { Timeout = 30_000 });
        await pending.GetByTestId("release-publish").ClickAsync();
        var published = commander.Locator($"[data-testid=published-release][data-number='{number}-R01']");
        await published.WaitForAsync(new() { Timeout = 30_000 });
        Assert.Equal("published", await published.GetAttributeAsync("data-status"));
        await commander.WaitForFunctionAsync("() => document.querySelector('[data-testid=next-release]')?.dataset.step === ''", null, Patient);
        await commander.GetByTestId("cadence-minutes").FillAsync("30");
        await commander.GetByTestId("cadence-save").ClickAsync();
        await commander.WaitForFunctionAsync("() => document.querySelector('[data-testid=next-release]')?.dataset.step === 'next-release'", null, Patient);
        var countdown = await commander.GetByTestId("next-release").GetByTestId("countdown").InnerTextAsync();
        Assert.Matches("(29|30)", countdown);
        Assert.Equal("false", await commander.GetByTestId("next-release").GetAttributeAsync("data-overdue"));
        await BrowserServer.ScreenshotAsync(commander, "40-releases-countdown");

        // The officer's page follows live.
        await officer.WaitForFunctionAsync("() => document.querySelector('[data-testid=next-release]')?.dataset.step === 'next-release'", null, Patient);

        // The public page, anonymous: the hostile strings are text, nothing ran, no image was injected.
        var context = await server.Browser.NewContextAsync(new() { BaseURL = server.BaseUrl, Locale = "zh-CN" });
        var page = await context.NewPageAsync();
        var dialogs = 0;
        page.Dialog += (_, dialog) => { dialogs++; _ = dialog.DismissAsync(); };
        var response = await page.GotoAsync($"public/releases/{number}-R01");
        Assert.Equal(200, response!.Status);
        Assert.Equal(HostileText, await page.GetByTestId("release-text").First.InnerTextAsync());
        Assert.Equal(HostileTitle, await page.GetByTestId("release-title").InnerTextAsync());
        Assert.Equal(0, await page.Locator("img[src=x], img[onerror]").CountAsync());
        Assert.Equal(1, await page.Locator("img.release-picture").CountAsync());
        Assert.Equal(0, await page.Locator("main script").CountAsync());
        Assert.Null(await page.EvaluateAsync<int?>("() => window.__pwned"));
        Assert.Equal(0, dialogs);
        Assert.Contains("1,203", await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        await BrowserServer.ScreenshotAsync(page, "41-public-release-hostile");
    }

    [Fact]
    public async Task Hotline_WhenACallIsTakenAndAnsweredFromTheAnswerBase_TheTicketIsAnswered()
    {
        server.Require();
        using var admin = await server.ApiAsync("admin", BrowserServer.AdminPassword);
        await UserAsync(admin, "answers.editor", new { role = "information-officer", regionCode = "KRE" });
        await UserAsync(admin, "hotline.op", new { role = "hotline-operator", regionCode = "KRE-01" });
        using var editor = await server.ApiAsync("answers.editor", Password);
        (await editor.PostAsJsonAsync("api/v1/hotline/answers", new
        {
            regionCode = "KRE", topic = "shelter", title = "Nearest shelter 最近避难场所",
            text = "老城区居民请前往克雷姆斯中学体育馆避险，带好身份证件和常用药品。",
        })).EnsureSuccessStatusCode();

        var op = await server.SignInAsync("hotline.op", Password);
        await op.GetByTestId("nav-hotline").ClickAsync();
        await ReadyAsync(op, "hotline-title");
        await op.GetByTestId("ticket-caller-name").FillAsync("Maria Huber");
        await op.GetByTestId("ticket-caller-phone").FillAsync("+43 2732 555 0101");
        await op.GetByTestId("ticket-topic").SelectOptionAsync("shelter");
        await op.GetByTestId("ticket-urgency").SelectOptionAsync("Urgent");
        await op.GetByTestId("ticket-region").FillAsync("KRE-01-01");
        await op.GetByTestId("ticket-text").FillAsync("我家一楼进水了，最近的避难场所在哪里？");
        await op.GetByTestId("ticket-submit").ClickAsync();
        var row = op.GetByTestId("ticket-row").First;
        await row.WaitForAsync(new() { Timeout = 30_000 });
        Assert.Equal("open", await row.GetAttributeAsync("data-status"));
        Assert.Equal("false", await row.GetAttributeAsync("data-late"));
        Assert.Contains("due in", await row.GetByTestId("countdown").InnerTextAsync(), StringComparison.OrdinalIgnoreCase);
        var ticketNumber = await row.GetAttributeAsync("data-number");
        // The queue does not show who called; opening the ticket does.
        Assert.DoesNotContain("555 0101", await op.GetByTestId("ticket-queue").InnerTextAsync(), StringComparison.Ordinal);
        await op.WaitForFunctionAsync("() => Number(document.querySelector('[data-testid=topics-chart]')?.dataset.total) >= 1", null, Patient);

        await row.GetByTestId("ticket-open").ClickAsync();
        var ticket = op.Locator($"[data-testid=ticket][data-number='{ticketNumber}']");
        await ticket.WaitForAsync(new() { Timeout = 30_000 });
        Assert.Contains("+43 2732 555 0101", await ticket.GetByTestId("ticket-contact").InnerTextAsync(), StringComparison.Ordinal);
        await ticket.GetByTestId("ticket-assign").ClickAsync();
        await op.WaitForFunctionAsync($"() => document.querySelector(\"[data-testid=ticket][data-number='{ticketNumber}']\")?.dataset.status === 'assigned'",
            null, Patient);
        await ticket.GetByTestId("answer-search").FillAsync("shelter");
        var entry = ticket.Locator("[data-testid=answer-entry][data-title='Nearest shelter 最近避难场所']");
        await entry.WaitForAsync(new() { Timeout = 15_000 });
        await entry.GetByTestId("answer-use").ClickAsync();
        await op.WaitForFunctionAsync("() => document.querySelector('[data-testid=answer-text]')?.value.includes('体育馆')", null, Patient);
        await BrowserServer.ScreenshotAsync(op, "42-hotline-ticket");
        await ticket.GetByTestId("answer-submit").ClickAsync();
        await op.WaitForFunctionAsync($"() => document.querySelector(\"[data-testid=ticket][data-number='{ticketNumber}']\")?.dataset.status === 'answered'",
            null, Patient);
        Assert.Contains("体育馆", await ticket.GetByTestId("ticket-answer").InnerTextAsync(), StringComparison.Ordinal);

        // The API agrees: answered from the base, by the operator; the open queue no longer holds it.
        using var opApi = await server.ApiAsync("hotline.op", Password);
        var tickets = await opApi.GetFromJsonAsync<JsonElement>("api/v1/hotline/tickets");
        var stored = tickets.GetProperty("items").EnumerateArray().Single(t => t.GetProperty("number").GetString() == ticketNumber);
        Assert.Equal("answered", stored.GetProperty("status").GetString());
        Assert.Equal("hotline.op", stored.GetProperty("answeredBy").GetString());
        Assert.Equal(JsonValueKind.String, stored.GetProperty("answerId").ValueKind);
        Assert.Equal(0, await op.Locator($"[data-testid=ticket-row][data-number='{ticketNumber}']").CountAsync());
        await BrowserServer.ScreenshotAsync(op, "43-hotline-answered");
    }
}
