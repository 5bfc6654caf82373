using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace CrisisOps.Browser.Tests;

public sealed class PublicSiteTests(BrowserServer server) : IClassFixture<BrowserServer>
{
    private const string Hostile = "<script>window.__pwned = 1</script><img src=x onerror=\"window.__pwned = 2\">Flood & \"mud\"";

    [Fact]
    public async Task PublicCity_WhenTitleIsHostile_RendersItAsText()
    {
        server.Require();
        using var api = await server.ApiAsync("duty.krems", BrowserServer.DemoPassword);
        var created = await (await api.PostAsJsonAsync("api/v1/incidents", new
        {
            title = Hostile, category = "natural-disaster", type = "flood", severity = "III", location = new { lat = 48.4105, lon = 15.602 },
        })).Content.ReadFromJsonAsync<JsonElement>();
        (await api.PostAsJsonAsync($"api/v1/incidents/{created.GetProperty("id").GetString()}/status", new { status = "verified" })).EnsureSuccessStatusCode();

        var context = await server.Browser.NewContextAsync(new() { BaseURL = server.BaseUrl, Locale = "en-US" });
        var page = await context.NewPageAsync();
        var dialogs = 0;
        page.Dialog += (_, dialog) => { dialogs++; _ = dialog.DismissAsync(); };
        await page.GotoAsync("public/KRE");

        var heading = page.GetByTestId("public-incident").Locator("h2").First;
        Assert.Equal(Hostile, await heading.InnerTextAsync());
        Assert.Equal(0, await page.Locator("[data-testid=public-incident] script, [data-testid=public-incident] img").CountAsync());
        Assert.Null(await page.EvaluateAsync<int?>("() => window.__pwned"));
        Assert.Equal(0, dialogs);
        Assert.Contains("Move to higher ground", await page.GetByTestId("public-incident").First.InnerTextAsync(), StringComparison.Ordinal);
        await BrowserServer.ScreenshotAsync(page, "06-public-city");
    }

    [Fact]
    public async Task PublicCity_WhenNotSignedIn_IsReachableButConsoleIsNot()
    {
        server.Require();
        var context = await server.Browser.NewContextAsync(new() { BaseURL = server.BaseUrl, Locale = "zh-CN" });
        var page = await context.NewPageAsync();
        var response = await page.GotoAsync("public/KRE");
        Assert.Equal(200, response!.Status);
        Assert.Contains("克雷姆斯", await page.Locator("h1").InnerTextAsync(), StringComparison.Ordinal);
        await page.GotoAsync("console");
        Assert.Contains("/signin", page.Url, StringComparison.Ordinal);
    }
}
