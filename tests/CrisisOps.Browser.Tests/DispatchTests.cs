using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using CrisisOps.Server.Demo;
using Microsoft.Playwright;

namespace CrisisOps.Browser.Tests;

/// <summary>The browser server with the demo city's roads loaded (what <c>--demo</c> does): plans drive on them and closures apply.</summary>
public sealed class DispatchServer() : BrowserServer(new Dictionary<string, string> { ["Routing:OsmFile"] = DemoSeed.OsmFile });

/// <summary>
/// Dispatch in a real browser on the demo city: needs at nursing homes, schools, a hospital and a shelter, the demo fleet.
/// The commander plans on the incident's dispatch page and sees the routes and numbered stops on the map, clicks a road one
/// route drives on to close it, is told the plan needs re-planning, re-plans, and the new version's routes keep off the
/// closed road; then issues it as orders. What people wrote (a need, a closure's reason) shows as text, never as markup.
/// A reader (analyst) sees the same map without any button.
/// </summary>
public sealed class DispatchTests(DispatchServer server) : IClassFixture<DispatchServer>
{
    private static readonly PageWaitForFunctionOptions Patient = new() { Timeout = 60_000 };
    private const string Hostile = "<img src=x onerror=\"window.__pwned=1\"> 校车 <b>bold</b>";

    private static async Task<JsonElement> PostAsync(HttpClient api, string url, object body)
    {
        var response = await api.PostAsJsonAsync(url, body);
        Assert.True(response.IsSuccessStatusCode, $"{url}: {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Waits for the map to be ready and <paramref name="condition"/> (on its element <c>m</c>); on time-out says what the page showed.</summary>
    private static async Task WaitForMapAsync(IPage page, string condition)
    {
        try
        {
            await page.WaitForFunctionAsync(
                $"() => {{ const m = document.querySelector('[data-testid=dispatch-map]'); return !!m && m.dataset.ready === 'true' && ({condition}); }}", null, Patient);
        }
        catch (TimeoutException)
        {
            await BrowserServer.ScreenshotAsync(page, "69-dispatch-timeout");
            var map = await page.Locator("[data-testid=dispatch-map]").EvaluateAsync<string>(
                "m => JSON.stringify(m.dataset) + ' error: ' + (document.querySelector('[data-testid=dispatch-error]')?.textContent ?? '-')");
            throw new TimeoutException($"Waiting for {condition}; the map shows {map}");
        }
    }

    [Fact]
    public async Task Dispatch_CommanderPlansClosesARoadOnARouteAndReplans_NewRoutesAvoidTheClosedRoad()
    {
        server.Require();
        using var commander = await server.ApiAsync("commander.krems", BrowserServer.DemoPassword);

        // The road network loads in the background at start (a few seconds for Krems).
        for (var tries = 0; tries < 120; tries++)
        {
            var status = await commander.GetFromJsonAsync<JsonElement>("api/v1/road-network");
            if (string.Equals(status.GetProperty("state").GetString(), "ready", StringComparison.OrdinalIgnoreCase))
            {
                break;
            }

            Assert.NotEqual("failed", status.GetProperty("state").GetString());
            await Task.Delay(500);
        }

        // The demo crews work 06:00–22:00 UTC; a test run in the evening would find every shift ending. Round the clock here.
        using var logistics = await server.ApiAsync("logistics.krems", BrowserServer.DemoPassword);
        var now = TimeProvider.System.GetUtcNow();
        var shift = (Start: (now - TimeSpan.FromHours(1)).ToString("HH:mm", CultureInfo.InvariantCulture),
            End: (now - TimeSpan.FromMinutes(61)).ToString("HH:mm", CultureInfo.InvariantCulture));
        foreach (var vehicle in (await logistics.GetFromJsonAsync<JsonElement>("api/v1/vehicles")).GetProperty("items").EnumerateArray())
        {
            var response = await logistics.PutAsJsonAsync($"api/v1/vehicles/{vehicle.GetProperty("code").GetString()}",
                new { shiftStart = shift.Start, shiftEnd = shift.End });
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }

        var incident = await PostAsync(commander, "api/v1/incidents", new
        {
            title = "城区内涝 Urban flooding (dispatch)", category = "natural-disaster", type = "waterlogging", severity = "II", regionCode = "KRE",
        });
        var incidentId = incident.GetProperty("id").GetString()!;
        var incidentNumber = incident.GetProperty("number").GetString()!;
        await PostAsync(commander, $"api/v1/incidents/{incidentId}/headquarters", new { template = "rainstorm", commander = "commander.krems" });

        var needBy = TimeProvider.System.GetUtcNow().AddHours(8).ToString("O", CultureInfo.InvariantCulture);
        var sites = new[]
        {
            ("SITE-NH-001", "food-parcel", 20m, "parcels"), ("SITE-NH-003", "drinking-water", 200m, "litres"), ("SITE-SCH-003", "food-parcel", 30m, "parcels"),
            ("SITE-SCH-006", "drinking-water", 150m, "litres"), ("SITE-HOS-001", "medicine-kit", 10m, "kits"), ("SITE-SH-001", "food-parcel", 40m, "parcels"),
            ("SITE-SH-004", "drinking-water", 100m, "litres"), ("SITE-NH-006", "food-parcel", 15m, "parcels"),
        };
        var numbers = new List<string>();
        foreach (var (site, item, quantity, unit) in sites)
        {
            var need = await PostAsync(commander, "api/v1/needs", new
            {
                what = numbers.Count == 2 ? Hostile : $"{item} for {site}", itemCode = item, quantity, unit, discrete = item != "drinking-water",
                regionCode = "KRE", siteCode = site, priority = "urgent", neededBy = needBy, publisherKind = "hq", incidentId,
            });
            numbers.Add(need.GetProperty("number").GetString()!);
        }

        var hostileNeed = numbers[2];

        var page = await server.SignInAsync("commander.krems", BrowserServer.DemoPassword);
        await page.GotoAsync($"console/incidents/{incidentNumber}/dispatch");
        await WaitForMapAsync(page, "document.querySelectorAll('[data-testid=road]').length > 100");
        await Task.Delay(1000); // let the circuit settle before the first click
        Assert.Equal(0, await page.GetByTestId("route-row").CountAsync());

        // Plan: two seconds of search.
        await page.GetByTestId("plan-seconds").FillAsync("2");
        await page.GetByTestId("plan-seconds").PressAsync("Tab");
        await page.GetByTestId("plan-button").ClickAsync();
        await WaitForMapAsync(page, "m.dataset.version === '1' && Number(m.dataset.routes) > 0");
        var map = page.GetByTestId("dispatch-map");
        var routes = int.Parse((await map.GetAttributeAsync("data-routes"))!, CultureInfo.InvariantCulture);
        var stops = int.Parse((await map.GetAttributeAsync("data-stops"))!, CultureInfo.InvariantCulture);
        var unserved = int.Parse((await map.GetAttributeAsync("data-unserved"))!, CultureInfo.InvariantCulture);
        Assert.Equal(sites.Length, stops + unserved);
        Assert.Equal(routes, await page.Locator("[data-testid=route-line]").CountAsync());
        Assert.Equal(stops, await page.Locator("[data-testid=stop-marker]").CountAsync());
        Assert.Equal(routes, await page.GetByTestId("route-row").CountAsync());
        Assert.True(await page.Locator("[data-testid=depot-marker]").CountAsync() >= 1);
        var planId = (await map.GetAttributeAsync("data-plan"))!;

        // The hostile need shows as text in the routes table (or among the unserved), and in its stop's popup.
        var hostileShown = page.Locator($"[data-testid=route-stop][data-need='{hostileNeed}'] [data-testid=stop-what], [data-testid=unserved][data-need='{hostileNeed}'] [data-testid=unserved-what]");
        Assert.Equal(Hostile, await hostileShown.First.TextContentAsync());
        var hostileMarker = page.Locator($"[data-testid=stop-marker][data-need='{hostileNeed}']");
        if (await hostileMarker.CountAsync() == 1)
        {
            await hostileMarker.DispatchEventAsync("click");
            var popup = page.Locator(".leaflet-popup-content");
            await popup.WaitForAsync(new() { Timeout = 10_000 });
            Assert.Contains(Hostile, await popup.TextContentAsync(), StringComparison.Ordinal);
        }

        await BrowserServer.ScreenshotAsync(page, "60-dispatch-planned");

        // A road the longest route drives on in town (where there are other ways round): of its segments of 25 m or more, away
        // from its ends and from any stop marker (which would take the click), the one nearest the middle of its stops.
        var geo = await commander.GetFromJsonAsync<JsonElement>($"api/v1/dispatch-plans/{planId}?format=geojson");
        var features = geo.GetProperty("features").EnumerateArray().ToList();
        static (double Lon, double Lat) Position(JsonElement p) => (p[0].GetDouble(), p[1].GetDouble());
        var line = features.Where(f => f.GetProperty("properties").GetProperty("kind").GetString() == "route")
            .Select(f => f.GetProperty("geometry").GetProperty("coordinates").EnumerateArray().Select(Position).ToList())
            .OrderByDescending(l => l.Count).First();
        var stopPoints = features.Where(f => f.GetProperty("properties").GetProperty("kind").GetString() == "stop")
            .Select(f => Position(f.GetProperty("geometry").GetProperty("coordinates"))).ToList();
        var centre = (Lon: stopPoints.Average(p => p.Lon), Lat: stopPoints.Average(p => p.Lat));
        var (lon, lat) = Enumerable.Range(3, Math.Max(0, line.Count - 7))
            .Where(i => Meters(line[i], line[i + 1]) >= 25)
            .Select(i => (Lon: (line[i].Lon + line[i + 1].Lon) / 2, Lat: (line[i].Lat + line[i + 1].Lat) / 2))
            .Where(m => stopPoints.All(s => Meters(s, m) > 40))
            .OrderBy(m => Meters(m, centre)).First();

        await page.GetByTestId("close-mode").ClickAsync();
        await map.EvaluateAsync("(m, p) => m.dispatchMap.panTo(p[0], p[1])", new[] { lat, lon });
        await page.EvaluateAsync("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))");
        var at = await map.EvaluateAsync<JsonElement>("(m, p) => m.dispatchMap.pointOf(p[0], p[1])", new[] { lat, lon });
        var box = (await map.BoundingBoxAsync())!;
        await page.Mouse.ClickAsync(box.X + at.GetProperty("x").GetSingle(), box.Y + at.GetProperty("y").GetSingle());
        var form = page.GetByTestId("close-form");
        await form.WaitForAsync(new() { Timeout = 30_000 });
        var wayId = await form.GetAttributeAsync("data-way");
        Assert.False(string.IsNullOrEmpty(wayId), "the click did not snap to a road");
        await page.Locator("[data-testid=close-preview]").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 10_000 });
        await page.GetByTestId("close-reason-zh").FillAsync("山体滑坡 <script>window.__pwned=2</script>");
        await page.GetByTestId("close-reason-en").FillAsync("Landslide <b>blocked</b>");
        await page.GetByTestId("close-submit").ClickAsync();

        // The closure is drawn and listed, and the plan in force says it needs re-planning because of it.
        await WaitForMapAsync(page, $"m.dataset.closedWays.split(',').includes('{wayId}') && m.dataset.needsReplan === 'true'");
        await page.Locator($"[data-testid=closed-road][data-way='{wayId}']").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 30_000 });
        Assert.Equal("road-closed", await page.GetByTestId("replan-reason").First.GetAttributeAsync("data-code"));
        Assert.True(await page.Locator("[data-testid=route-row][data-on-closed-road=true]").CountAsync() >= 1);
        Assert.Equal("Landslide <b>blocked</b>", await page.GetByTestId("closure-reason").First.TextContentAsync());
        await BrowserServer.ScreenshotAsync(page, "61-dispatch-road-closed");

        // Re-plan: version 2, every route off the closed road, no banner.
        await page.GetByTestId("replan-button").ClickAsync();
        await WaitForMapAsync(page, "m.dataset.version === '2' && m.dataset.needsReplan === 'false'");
        Assert.Equal(0, await page.GetByTestId("replan-banner").CountAsync());
        var markedOnClosedRoad = await page.Locator("[data-testid=route-row][data-on-closed-road=true]").CountAsync();
        Assert.Equal(await page.GetByTestId("route-row").CountAsync(), await page.Locator("[data-testid=route-line]").CountAsync());
        var newPlanId = (await map.GetAttributeAsync("data-plan"))!;
        Assert.NotEqual(planId, newPlanId);

        // Independently of the page: no route of version 2 runs along the closed way.
        var closed = (await commander.GetFromJsonAsync<JsonElement>("api/v1/road-closures?format=geojson")).GetProperty("features").EnumerateArray()
            .Where(f => f.GetProperty("properties").TryGetProperty("wayId", out var w) && w.GetInt64().ToString(CultureInfo.InvariantCulture) == wayId)
            .Select(f => f.GetProperty("geometry").GetProperty("coordinates").EnumerateArray().Select(p => (Lon: p[0].GetDouble(), Lat: p[1].GetDouble())).ToList())
            .Single();
        var replanned = await commander.GetFromJsonAsync<JsonElement>($"api/v1/dispatch-plans/{newPlanId}");
        Assert.Equal(2, replanned.GetProperty("version").GetInt32());
        foreach (var route in replanned.GetProperty("routes").EnumerateArray())
        {
            var points = route.GetProperty("geometry").EnumerateArray().Select(p => (Lon: p[0].GetDouble(), Lat: p[1].GetDouble())).ToList();
            for (var i = 1; i < points.Count; i++)
            {
                var mid = ((points[i - 1].Lon + points[i].Lon) / 2, (points[i - 1].Lat + points[i].Lat) / 2);
                // Along the way, not across it: a route may cross a closed street at a junction.
                var along = ToLine(points[i - 1], closed) < 1 && ToLine(points[i], closed) < 1 && ToLine(mid, closed) < 1;
                Assert.False(along, $"route {route.GetProperty("number")} runs along closed way {wayId} at segment {i}");
            }
        }

        Assert.Equal(0, markedOnClosedRoad);

        // Issue as orders: one order per route.
        await page.GetByTestId("issue-button").ClickAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('[data-testid=plan-summary]')?.dataset.status === 'issued'", null, Patient);
        await page.WaitForFunctionAsync("() => document.querySelectorAll('[data-testid=route-order]').length === document.querySelectorAll('[data-testid=route-row]').length",
            null, Patient);

        Assert.Equal("undefined", await page.EvaluateAsync<string>("() => typeof window.__pwned"));
        Assert.Equal(0, await page.Locator("img[src=x], .leaflet-popup-content b, [data-testid=closures] b").CountAsync());
        await BrowserServer.ScreenshotAsync(page, "62-dispatch-replanned");

        // A reader sees the map and the routes, and no button to plan, issue, close or reopen.
        var reader = await server.SignInAsync("analyst.krems", BrowserServer.DemoPassword, "zh-CN");
        await reader.GotoAsync($"console/incidents/{incidentNumber}/dispatch");
        await WaitForMapAsync(reader, "m.dataset.version === '2' && document.querySelectorAll('[data-testid=route-line]').length > 0");
        Assert.Equal(0, await reader.Locator("[data-testid=plan-button], [data-testid=replan-button], [data-testid=issue-button], [data-testid=close-mode], [data-testid=reopen]")
            .CountAsync());
        Assert.Equal("山体滑坡 <script>window.__pwned=2</script>", await reader.GetByTestId("closure-reason").First.TextContentAsync());
        await BrowserServer.ScreenshotAsync(reader, "63-dispatch-reader-zh");
        Assert.Equal("undefined", await reader.EvaluateAsync<string>("() => typeof window.__pwned"));

        // The commander reopens the road; both pages drop it (live, without reloading).
        await page.GetByTestId("reopen").First.ClickAsync();
        await WaitForMapAsync(page, "m.dataset.closedWays === ''");
        await WaitForMapAsync(reader, "m.dataset.closedWays === ''");
        Assert.Equal(0, await reader.Locator("[data-testid=closed-road]").CountAsync());
    }

    private static double Meters((double Lon, double Lat) a, (double Lon, double Lat) b)
    {
        var x = (b.Lon - a.Lon) * 111_320 * Math.Cos(a.Lat * Math.PI / 180);
        var y = (b.Lat - a.Lat) * 111_320;
        return Math.Sqrt(x * x + y * y);
    }

    /// <summary>Metres from a point to a polyline, on a local flat projection.</summary>
    private static double ToLine((double Lon, double Lat) p, IReadOnlyList<(double Lon, double Lat)> line)
    {
        var cos = Math.Cos(p.Lat * Math.PI / 180);
        (double X, double Y) Local((double Lon, double Lat) q) => ((q.Lon - p.Lon) * 111_320 * cos, (q.Lat - p.Lat) * 111_320);
        var best = double.PositiveInfinity;
        for (var i = 1; i < line.Count; i++)
        {
            var (ax, ay) = Local(line[i - 1]);
            var (bx, by) = Local(line[i]);
            var (dx, dy) = (bx - ax, by - ay);
            var length = dx * dx + dy * dy;
            var t = length == 0 ? 0 : Math.Clamp(-(ax * dx + ay * dy) / length, 0, 1);
            best = Math.Min(best, Math.Sqrt(Math.Pow(ax + t * dx, 2) + Math.Pow(ay + t * dy, 2)));
        }

        return best;
    }
}
