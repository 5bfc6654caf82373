using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace CrisisOps.Browser.Tests;

/// <summary>What a duty officer does first, in a real browser: sign in, see the city, report from the map, watch it arrive live.</summary>
public sealed class ConsoleTests(BrowserServer server) : IClassFixture<BrowserServer>
{
    private static readonly PageWaitForFunctionOptions Patient = new() { Timeout = 30_000 };

    private static async Task WaitForMapAsync(IPage page)
    {
        // The circuit is up and the regions are drawn once the component says so.
        await page.WaitForFunctionAsync(
            "() => document.querySelector('[data-testid=map]')?.dataset.ready === 'true'", null, Patient);
    }

    [Fact]
    public async Task Console_WhenIncidentReportedFromMap_AppearsLiveElsewhereWithItsCountdown()
    {
        var officer = await server.SignInAsync("duty.krems", BrowserServer.DemoPassword);
        await WaitForMapAsync(officer);
        var regionCount = int.Parse(await officer.GetByTestId("map").GetAttributeAsync("data-regions") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(regionCount >= 50, $"{regionCount} regions drawn");
        Assert.True(await officer.Locator(".leaflet-overlay-pane path").CountAsync() >= 50);
        await officer.Locator(".station-icon").First.WaitForAsync();
        Assert.Equal(3, await officer.Locator(".station-icon").CountAsync());
        await BrowserServer.ScreenshotAsync(officer, "01-situation-map");

        // A second person watches the incident list in another browser context.
        var watcher = await server.SignInAsync("commander.krems", BrowserServer.DemoPassword);
        await watcher.GotoAsync("console/incidents");
        await watcher.WaitForFunctionAsync("() => window.Blazor !== undefined", null, Patient);
        await watcher.GetByText("Incidents in your jurisdiction").WaitForAsync();
        await Task.Delay(1500); // let the circuit connect and subscribe

        await officer.GetByTestId("report-here").ClickAsync();
        var map = await officer.GetByTestId("map").BoundingBoxAsync();
        await officer.Mouse.ClickAsync(map!.X + map.Width / 2, map.Y + map.Height / 2);
        await officer.GetByTestId("report-form").WaitForAsync();
        Assert.Matches(@"^48\.\d+, 15\.\d+$", await officer.GetByTestId("report-location").InnerTextAsync());
        await officer.GetByTestId("report-title").FillAsync("Cellars flooded in the old town");
        await officer.GetByTestId("report-type").SelectOptionAsync("Waterlogging");
        await BrowserServer.ScreenshotAsync(officer, "02-report-form");
        await officer.GetByTestId("report-submit").ClickAsync();

        await officer.GetByTestId("open-incidents").GetByText("Cellars flooded in the old town").WaitForAsync();
        await watcher.GetByTestId("incident-table").GetByText("Cellars flooded in the old town").WaitForAsync(new() { Timeout = 15_000 });
        await BrowserServer.ScreenshotAsync(watcher, "03-incident-live-in-second-context");

        await watcher.GetByTestId("incident-table").GetByRole(AriaRole.Link).First.ClickAsync();
        var countdown = watcher.GetByTestId("countdown").First;
        await countdown.WaitForAsync();
        var first = await countdown.InnerTextAsync();
        Assert.Matches(new Regex(@"due in (59|60):\d\d"), first);
        await watcher.WaitForFunctionAsync(
            $"() => document.querySelector('[data-testid=countdown]').innerText !== {System.Text.Json.JsonSerializer.Serialize(first)}", null, Patient);
        await BrowserServer.ScreenshotAsync(watcher, "04-incident-detail-countdown");
    }

    [Fact]
    public async Task Console_WhenChinese_ShowsTheMapInChinese()
    {
        var page = await server.SignInAsync("analyst.krems", BrowserServer.DemoPassword, locale: "zh-CN");
        await WaitForMapAsync(page);
        Assert.Equal("态势地图", await page.Locator("h1").InnerTextAsync());
        Assert.Equal("zh-CN", await page.Locator("html").GetAttributeAsync("lang"));
        await page.GetByRole(AriaRole.Link, new() { Name = "English" }).ClickAsync();
        await page.Locator("h1", new() { HasText = "Situation map" }).WaitForAsync();
        await BrowserServer.ScreenshotAsync(page, "05-language-switched");
    }

    [Fact]
    public async Task Console_WhenRegionClicked_ShowsItsDetails()
    {
        var page = await server.SignInAsync("duty.kre01", BrowserServer.DemoPassword);
        await WaitForMapAsync(page);
        var map = await page.GetByTestId("map").BoundingBoxAsync();
        await page.Mouse.ClickAsync(map!.X + map.Width / 2, map.Y + map.Height / 2);
        var details = page.GetByTestId("region-details");
        await details.WaitForAsync();
        Assert.Contains("KRE-01", await details.InnerTextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Console_WhenOnAPhone_FitsTheScreen()
    {
        var page = await server.SignInAsync("duty.kre0101", BrowserServer.DemoPassword);
        await page.SetViewportSizeAsync(390, 844);
        await page.GotoAsync("console/deadlines");
        await page.Locator("h1").WaitForAsync();
        var overflow = await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth + 1");
        Assert.False(overflow, "the deadlines page scrolls sideways on a phone");
        await page.GotoAsync("console");
        await WaitForMapAsync(page);
        await BrowserServer.ScreenshotAsync(page, "07-phone-map");
    }

    [Fact]
    public async Task SignIn_WhenPasswordWrong_SaysSoAndStaysOut()
    {
        server.Require();
        var context = await server.Browser.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var page = await context.NewPageAsync();
        await page.GotoAsync("console/deadlines");
        await page.GetByLabel("User name").FillAsync("duty.krems");
        await page.Locator("input[name=password]").FillAsync("not-the-password");
        await page.Locator("form[data-testid=signin-form] button[type=submit]").ClickAsync();
        await page.GetByRole(AriaRole.Alert).WaitForAsync();
        Assert.Contains("/signin", page.Url, StringComparison.Ordinal);
    }
}
