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

        using var api = await server.ApiAsync("analyst.krems", BrowserServer.DemoPassword);
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

    [Fact]
    public async Task Map_WhenRiverRises_OpensTheExplanationShowsPlanStepsForecastsAndTakesAnOverride()
    {
        var page = await server.SignInAsync("commander.krems", BrowserServer.DemoPassword);
        await page.WaitForFunctionAsync("() => document.querySelector('[data-testid=map]')?.dataset.ready === 'true'", null, new() { Timeout = 30_000 });

        using var api = await server.ApiAsync("analyst.krems", BrowserServer.DemoPassword);
        var stations = await api.GetFromJsonAsync<JsonElement>("api/v1/stations");
        var community = stations.GetProperty("items").EnumerateArray()
            .Single(s => s.GetProperty("code").GetString() == "KRE-WL-KREMSFLUSS").GetProperty("regionCode").GetString();

        // Two hours of a river rising half a metre an hour, ending just above its warning level (2.5 m):
        // warning now, and the trend says emergency (3.2 m) well within six hours.
        var now = TimeProvider.System.GetUtcNow();
        var readings = Enumerable.Range(0, 9).Select(i => new
        {
            station = "KRE-WL-KREMSFLUSS",
            readingId = $"browser-rise-{i}",
            time = (now - TimeSpan.FromMinutes(120 - 15 * i)).ToString("O", CultureInfo.InvariantCulture),
            value = Math.Round(1.6 + 0.125 * i, 3),
        }).ToArray();
        (await api.PostAsJsonAsync("api/v1/readings", new { items = readings })).EnsureSuccessStatusCode();
        await page.WaitForFunctionAsync($"() => document.querySelector('path.region-{community}')?.dataset.tier === 'warning'", null,
            new() { Timeout = 15_000 });

        // The tier change opens its explanation: which rule, which station, which value.
        var change = page.Locator($"[data-testid=tier-change][data-region={community}]").First;
        await change.WaitForAsync(new() { Timeout = 15_000 });
        await change.ClickAsync();
        var explanation = page.GetByTestId("risk-explanation");
        await explanation.WaitForAsync(new() { Timeout = 10_000 });
        Assert.Contains("river-level", await explanation.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("KRE-WL-KREMSFLUSS", await explanation.InnerTextAsync(), StringComparison.Ordinal);

        // The warning tier started its plan: steps with their owners and running countdowns.
        var steps = page.GetByTestId("plan-step");
        await steps.First.WaitForAsync(new() { Timeout = 10_000 });
        Assert.Contains("Emergency preparation", await page.GetByTestId("plan-steps").InnerTextAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.True(await page.Locator("[data-testid=plan-step] [data-testid=countdown]").CountAsync() >= 1);
        await BrowserServer.ScreenshotAsync(page, "09-risk-explanation-and-plan");

        // The forecast slider: at +6 h the rising river is predicted at emergency; back to now, warning.
        await page.GetByTestId("horizon-6").CheckAsync();
        await page.WaitForFunctionAsync($"() => document.querySelector('path.region-{community}')?.dataset.tier === 'emergency'", null,
            new() { Timeout = 15_000 });
        await BrowserServer.ScreenshotAsync(page, "10-risk-forecast-6h");
        await page.GetByTestId("horizon-0").CheckAsync();
        await page.WaitForFunctionAsync($"() => document.querySelector('path.region-{community}')?.dataset.tier === 'warning'", null,
            new() { Timeout = 15_000 });

        // A commander overrides with a reason; the panel and the map follow.
        await page.GetByTestId("risk-tier").SelectOptionAsync("Emergency");
        await page.GetByTestId("risk-reason").FillAsync("Dam operator reports a release upstream");
        await page.GetByTestId("risk-override").ClickAsync();
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('[data-testid=risk-row]')].some(r => r.dataset.tier === 'emergency')", null,
            new() { Timeout = 15_000 });
        await page.WaitForFunctionAsync($"() => document.querySelector('path.region-{community}')?.dataset.tier === 'emergency'", null,
            new() { Timeout = 15_000 });
        Assert.Contains("commander.krems", await page.GetByTestId("risk-panel").InnerTextAsync(), StringComparison.Ordinal);
        await BrowserServer.ScreenshotAsync(page, "11-risk-override");
    }
}
