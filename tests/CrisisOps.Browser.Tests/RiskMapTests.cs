using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace CrisisOps.Browser.Tests;

public sealed class RiskMapTests(BrowserServer server) : IClassFixture<BrowserServer>
{
    [Fact]
    public async Task Map_WhenGaugeCrossesWarning_RecoloursTheRegionLive()
    {
        var page = await server.SignInAsync("commander.krems", BrowserServer.DemoPassword);
        await page.WaitForFunctionAsync("() => document.querySelector('[data-testid=map]')?.dataset.ready === 'true'", null, new() { Timeout = 30_000 });

        using var api = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        var token = (await (await api.PostAsJsonAsync("api/v1/auth/tokens", new { userName = "analyst.krems", password = BrowserServer.DemoPassword }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        api.DefaultRequestHeaders.Authorization = new("Bearer", token);
        var stations = await api.GetFromJsonAsync<JsonElement>("api/v1/stations");
        var community = stations.GetProperty("items").EnumerateArray()
            .Single(s => s.GetProperty("code").GetString() == "KRE-WL-STEIN").GetProperty("regionCode").GetString();
        var region = page.Locator($"path.region-{community}");
        Assert.NotEqual("warning", await region.GetAttributeAsync("data-tier"));

        // The real server runs on the system clock, so the reading is stamped with it.
        var now = TimeProvider.System.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
        (await api.PostAsJsonAsync("api/v1/readings", new
        {
            items = new[] { new { station = "KRE-WL-STEIN", readingId = "browser-test-1", time = now, value = 6.4 } },
        })).EnsureSuccessStatusCode();

        await page.WaitForFunctionAsync($"() => document.querySelector('path.region-{community}')?.dataset.tier === 'warning'", null,
            new() { Timeout = 15_000 });
        Assert.Equal("#ff922b", await region.GetAttributeAsync("fill"));

        // The page woken by someone else's request keeps its own language.
        Assert.Equal("Situation map", await page.Locator("h1").InnerTextAsync());
        await BrowserServer.ScreenshotAsync(page, "08-risk-map-warning");
    }
}
