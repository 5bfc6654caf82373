using System.Globalization;
using System.Net;
using System.Text.Json;
using CrisisOps.Server.Demo;
using CrisisOps.Server.Features.Dispatch;
using CrisisOps.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CrisisOps.Server.Tests.Features.Dispatch;

public sealed class DispatchDemoSqliteApp() : CrisisOpsApp(new SqliteTestDatabase(), settings: DispatchScenario.Settings);

public sealed class DispatchDemoPostgresApp() : CrisisOpsApp(new PostgresTestDatabase(), settings: DispatchScenario.Settings);

public static class DispatchScenario
{
    public static readonly Dictionary<string, string> Settings = new()
    {
        ["Demo:Enabled"] = "true",
        ["Demo:Password"] = DemoCityTests.DemoPassword,
        ["Routing:OsmFile"] = DemoSeed.OsmFile,

        // Reproducible plans: the search stops by iterations well inside the seconds the test gives it, not by the clock.
        ["Dispatch:IterationLimit"] = "150",
    };
}

/// <summary>
/// The dispatch issue's "done when", on the demo city (its regions, sites, two depots and ten vehicles): 100
/// deliveries to nursing homes, hospitals, schools, shelters and community points, more than the fleet can carry.
/// Every nursing home and school is served; no delivery of a more urgent class is left out for room while a less
/// urgent one is served; loads and windows hold, checked from the stored plan; the plan becomes one order per route;
/// a closure on a route flags the plan, and the re-plan keeps the served stop, changes that route and replaces its order.
/// On the road network (once loaded) no route drives through the closed road.
/// </summary>
public abstract class DispatchScenarioTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : CrisisOpsApp
{
    private DateTimeOffset Now => app.Clock.GetUtcNow();

    private static IEnumerable<JsonElement> Features() =>
        JsonDocument.Parse(File.ReadAllText(DemoSeed.DemoFile)).RootElement.GetProperty("features").EnumerateArray();

    private static string Prop(JsonElement feature, string name) =>
        feature.GetProperty("properties").TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";

    [Fact]
    public async Task Demo_HundredDeliveriesTenVehicles_VulnerableFirstCapacitiesWindowsOrdersAndReplan()
    {
        await app.Services.GetRequiredService<RoadNetworkHost>().WhenLoaded.WaitAsync(TimeSpan.FromMinutes(2));
        var commander = await app.SignInAsync("commander.krems", DemoCityTests.DemoPassword);
        var community = await app.SignInAsync("community.altstadt", DemoCityTests.DemoPassword);
        var incident = await (await commander.PostJsonAsync("/api/v1/incidents", new
        {
            title = "城区内涝 Urban flooding", category = "natural-disaster", type = "waterlogging", severity = "II", regionCode = "KRE",
        })).OkJsonAsync(HttpStatusCode.Created);
        var incidentId = incident.GetProperty("id").GetString()!;
        var incidentNumber = incident.GetProperty("number").GetString()!;
        await (await commander.PostJsonAsync($"/api/v1/incidents/{incidentId}/headquarters", new { template = "rainstorm", commander = "commander.krems" }))
            .OkJsonAsync(HttpStatusCode.Created);

        // 100 deliveries: three at each of the 23 sites (6 nursing homes, 2 hospitals, 9 schools, 6 shelters), 12 households of the
        // old town asked for by its community officer, 19 community points asked for by headquarters.
        var sites = Features().Where(f => Prop(f, "kind") == "site").Select(f => (Code: Prop(f, "code"), Type: Prop(f, "site_type"))).ToList();
        Assert.Equal(23, sites.Count);
        var communities = Features().Where(f => Prop(f, "kind") == "region" && Prop(f, "level") == "community").Select(f => Prop(f, "code"))
            .Where(c => c != "KRE-01-01-003").OrderBy(c => c, StringComparer.Ordinal).ToList();
        var needBy = (Now + TimeSpan.FromHours(8)).ToString("O", CultureInfo.InvariantCulture);
        var items = new[] { ("food-parcel", 20m, "parcels"), ("drinking-water", 100m, "litres"), ("medicine-kit", 10m, "kits") };
        var classOf = new Dictionary<string, string>(StringComparer.Ordinal);
        async Task PublishAsync(HttpClient client, string region, string? site, string item, decimal quantity, string unit, string kind, string cls)
        {
            var need = await (await client.PostJsonAsync("/api/v1/needs", new
            {
                what = $"{item} {cls}", itemCode = item, quantity, unit, discrete = item != "drinking-water", regionCode = region, siteCode = site,
                priority = "urgent", neededBy = needBy, publisherKind = kind, incidentId = kind == "hq" ? incidentId : null,
            })).OkJsonAsync(HttpStatusCode.Created);
            classOf[need.GetProperty("number").GetString()!] = cls;
        }

        foreach (var (code, type) in sites)
        {
            var cls = type is "nursing-home" or "hospital" ? "care-homes" : type == "school" ? "schools" : "shelters";
            foreach (var (item, quantity, unit) in items)
            {
                await PublishAsync(commander, "KRE", code, item, quantity, unit, "hq", cls);
            }
        }

        for (var i = 0; i < 12; i++)
        {
            var (item, quantity, unit) = items[i % 2];
            await PublishAsync(community, "KRE-01-01-003", null, item, quantity * 2, unit, "community", "households");
        }

        for (var i = 0; i < 19; i++)
        {
            var (item, quantity, unit) = items[i % 2];
            await PublishAsync(commander, communities[i % communities.Count], null, item, quantity * 12, unit, "hq", "others");
        }

        Assert.Equal(100, classOf.Count);

        var plan = await (await commander.PostJsonAsync($"/api/v1/incidents/{incidentNumber}/dispatch-plans", new { seconds = 20 }))
            .OkJsonAsync(HttpStatusCode.Created);
        var vehicles = (await commander.GetJsonAsync("/api/v1/vehicles")).GetProperty("items").EnumerateArray()
            .ToDictionary(v => v.GetProperty("code").GetString()!, v => v, StringComparer.Ordinal);
        Assert.Equal(10, vehicles.Count);
        var method = plan.GetProperty("method").GetString();
        Assert.True(method == "road", plan.GetProperty("roadNote").GetString());
        var routes = plan.GetProperty("routes").EnumerateArray().ToList();
        var stops = routes.SelectMany(r => r.GetProperty("stops").EnumerateArray()).ToList();
        var unserved = plan.GetProperty("unservedDeliveries").EnumerateArray().ToList();
        Assert.Equal(100, stops.Count + unserved.Count);
        Assert.NotEmpty(unserved); // the fleet is too small for everything
        var servedClasses = stops.Select(s => s.GetProperty("priorityName").GetString()!).ToList();

        // Every nursing home and school is served; what the stop says of its class is what the need was published as.
        Assert.All(stops, s => Assert.Equal(classOf[s.GetProperty("needNumber").GetString()!], s.GetProperty("priorityName").GetString()));
        Assert.DoesNotContain(unserved, u => u.GetProperty("priorityName").GetString() is "care-homes" or "schools");
        Assert.Equal(classOf.Values.Count(c => c is "care-homes" or "schools"), servedClasses.Count(c => c is "care-homes" or "schools"));

        // Nothing more urgent is left out for lack of room while something less urgent is served.
        var leastUrgentServed = stops.Max(s => s.GetProperty("priorityClass").GetInt32());
        Assert.All(unserved.Where(u => u.GetProperty("reason").GetString() == "no-room"),
            u => Assert.True(u.GetProperty("priorityClass").GetInt32() >= leastUrgentServed,
                $"{u.GetProperty("needNumber")} ({u.GetProperty("priorityName")}) left out while class {leastUrgentServed} is served"));
        Assert.All(unserved, u => Assert.False(string.IsNullOrEmpty(u.GetProperty("reasonZh").GetString())));

        // Loads and windows, checked from the stops and the vehicles as stored, not from the plan's own totals.
        foreach (var route in routes)
        {
            var vehicle = vehicles[route.GetProperty("vehicleCode").GetString()!];
            var routeStops = route.GetProperty("stops").EnumerateArray().ToList();
            Assert.True(routeStops.Sum(s => s.GetProperty("kg").GetDecimal()) <= vehicle.GetProperty("capacityKg").GetDecimal());
            Assert.True(routeStops.Sum(s => s.GetProperty("m3").GetDecimal()) <= vehicle.GetProperty("capacityM3").GetDecimal());
            var previous = route.GetProperty("departure").GetDateTimeOffset();
            foreach (var stop in routeStops)
            {
                var arrival = stop.GetProperty("arrival").GetDateTimeOffset();
                var start = stop.GetProperty("serviceStart").GetDateTimeOffset();
                Assert.True(arrival >= previous, "a vehicle arrives after it left the previous stop");
                Assert.True(start >= arrival && start <= stop.GetProperty("due").GetDateTimeOffset(), "service starts inside the window");
                Assert.False(stop.GetProperty("late").GetBoolean());
                previous = stop.GetProperty("departure").GetDateTimeOffset();
            }

            var shiftEnd = TimeOnly.Parse(vehicle.GetProperty("shiftEnd").GetString()!, CultureInfo.InvariantCulture);
            Assert.True(route.GetProperty("return").GetDateTimeOffset() <= new DateTimeOffset(Now.UtcDateTime.Date, TimeSpan.Zero) + shiftEnd.ToTimeSpan());
            Assert.True(route.GetProperty("geometry").GetArrayLength() >= 2);
        }

        // The map's GeoJSON: a LineString per route, a Point per stop and per located unserved delivery.
        var planId = plan.GetProperty("id").GetString()!;
        var geo = await commander.GetJsonAsync($"/api/v1/dispatch-plans/{planId}?format=geojson");
        var kinds = geo.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties").GetProperty("kind").GetString()).ToList();
        Assert.Equal(routes.Count, kinds.Count(k => k == "route"));
        Assert.Equal(stops.Count, kinds.Count(k => k == "stop"));

        // One order per route, in one go; a second issue is refused.
        var issued = await (await commander.PostJsonAsync($"/api/v1/dispatch-plans/{planId}/issue", new { })).OkJsonAsync();
        Assert.Equal("issued", issued.GetProperty("status").GetString());
        var orderIds = issued.GetProperty("routes").EnumerateArray().Select(r => r.GetProperty("orderId").GetString()).ToList();
        Assert.Equal(routes.Count, orderIds.Distinct().Count(o => o is not null));
        var board = await commander.GetJsonAsync($"/api/v1/incidents/{incidentId}/orders");
        var boardOrders = board.GetProperty("orders").EnumerateArray().Where(o => orderIds.Contains(o.GetProperty("id").GetString())).ToList();
        Assert.Equal(routes.Count, boardOrders.Count);
        await (await commander.PostJsonAsync($"/api/v1/dispatch-plans/{planId}/issue", new { })).ProblemAsync(HttpStatusCode.Conflict, "plan-already-issued");

        // Route 1 delivers its first stop; then the road to its second is closed (an area around it) and the plan is flagged.
        var route1 = issued.GetProperty("routes")[0];
        var firstStop = route1.GetProperty("stops")[0];
        await (await commander.PostJsonAsync($"/api/v1/dispatch-plans/{planId}/stops/{firstStop.GetProperty("number").GetInt32()}/served", new { }))
            .OkJsonAsync();
        var target = route1.GetProperty("stops").GetArrayLength() > 1 ? route1.GetProperty("stops")[1] : firstStop;
        // The box is centred where the route meets the road at that stop (a need may lie 100 m off the road, and a box
        // around the need itself would then close nothing).
        var (lat, lon) = WhereTheRouteMeetsTheRoad(route1.GetProperty("geometry"), target);
        const double d = 0.0008;
        var closure = await (await commander.PostJsonAsync("/api/v1/road-closures", new
        {
            area = new[] { new[] { lon - d, lat - d }, new[] { lon + d, lat - d }, new[] { lon + d, lat + d }, new[] { lon - d, lat + d } },
            reasonZh = "路段积水", reasonEn = "Flooded street", incident = incidentId,
        })).OkJsonAsync(HttpStatusCode.Created);
        var flagged = await commander.GetJsonAsync($"/api/v1/dispatch-plans/{planId}");
        Assert.Contains(flagged.GetProperty("needsReplan").EnumerateArray(), r => r.GetProperty("code").GetString() == "road-closed");
        Assert.Contains(flagged.GetProperty("closures").EnumerateArray(), c => c.GetProperty("id").GetString() == closure.GetProperty("id").GetString());

        app.Clock.Advance(TimeSpan.FromMinutes(20));
        var replanned = await (await commander.PostJsonAsync($"/api/v1/dispatch-plans/{planId}/replan", new { seconds = 20 }))
            .OkJsonAsync(HttpStatusCode.Created);
        Assert.Equal(2, replanned.GetProperty("version").GetInt32());
        Assert.Equal("issued", replanned.GetProperty("status").GetString());
        Assert.Empty(replanned.GetProperty("needsReplan").EnumerateArray());
        var newRoute1 = replanned.GetProperty("routes").EnumerateArray()
            .Single(r => r.GetProperty("vehicleCode").GetString() == route1.GetProperty("vehicleCode").GetString());
        var kept = newRoute1.GetProperty("stops")[0];
        Assert.Equal(firstStop.GetProperty("needNumber").GetString(), kept.GetProperty("needNumber").GetString());
        Assert.NotEqual(JsonValueKind.Null, kept.GetProperty("servedAt").ValueKind);
        Assert.Equal(1, replanned.GetProperty("served").GetInt32());
        var old = await commander.GetJsonAsync($"/api/v1/dispatch-plans/{planId}");
        Assert.Equal("superseded", old.GetProperty("status").GetString());
        await (await commander.PostJsonAsync($"/api/v1/dispatch-plans/{planId}/replan", new { })).ProblemAsync(HttpStatusCode.Conflict, "plan-superseded");
        Assert.All(replanned.GetProperty("routes").EnumerateArray(), r => Assert.NotEqual(JsonValueKind.Null, r.GetProperty("orderId").ValueKind));

        {
            // On the roads, the closed area is avoided: the route no longer reaches the stop inside it by driving through it,
            // and no route's geometry runs through the closed ways.
            var closedWays = (await commander.GetJsonAsync("/api/v1/road-closures?format=geojson")).GetProperty("features").EnumerateArray()
                .Where(f => f.GetProperty("geometry").GetProperty("type").GetString() == "LineString").ToList();
            Assert.NotEmpty(closedWays);
            foreach (var route in replanned.GetProperty("routes").EnumerateArray())
            {
                // The short walk from the road to a stop's door is not driven, so it may cross the box.
                var doors = route.GetProperty("stops").EnumerateArray()
                    .Select(s => (s.GetProperty("longitude").GetDouble(), s.GetProperty("latitude").GetDouble())).ToHashSet();
                var line = route.GetProperty("geometry").EnumerateArray().Select(p => (Lon: p[0].GetDouble(), Lat: p[1].GetDouble())).ToList();
                for (var i = 1; i < line.Count; i++)
                {
                    if (doors.Contains(line[i - 1]) || doors.Contains(line[i]))
                    {
                        continue;
                    }

                    var mid = ((line[i - 1].Lat + line[i].Lat) / 2, (line[i - 1].Lon + line[i].Lon) / 2);
                    Assert.False(Inside(mid, lat, lon, d), $"route {route.GetProperty("number")} drives through the closed area");
                }
            }

            await CloseAWayOnARouteAndReplanAsync(commander, incidentId, replanned);
        }
    }

    /// <summary>Closes the way under the middle of a route of the current plan, re-plans, and checks no route runs along it.</summary>
    private async Task CloseAWayOnARouteAndReplanAsync(HttpClient commander, string incidentId, JsonElement current)
    {
        var route = current.GetProperty("routes").EnumerateArray().Where(r => r.GetProperty("geometry").GetArrayLength() >= 6)
            .OrderByDescending(r => r.GetProperty("geometry").GetArrayLength()).First();
        var geometry = route.GetProperty("geometry");
        var k = geometry.GetArrayLength() / 2;
        var (lon, lat) = ((geometry[k][0].GetDouble() + geometry[k + 1][0].GetDouble()) / 2, (geometry[k][1].GetDouble() + geometry[k + 1][1].GetDouble()) / 2);
        var closure = await (await commander.PostJsonAsync("/api/v1/road-closures", new
        {
            point = new { lat, lon }, reasonZh = "道路塌方", reasonEn = "Landslide", incident = incidentId,
        })).OkJsonAsync(HttpStatusCode.Created);
        var wayId = closure.GetProperty("wayId").GetInt64();
        var planId = current.GetProperty("id").GetString()!;
        var flagged = await commander.GetJsonAsync($"/api/v1/dispatch-plans/{planId}");
        Assert.Contains(flagged.GetProperty("needsReplan").EnumerateArray(), r => r.GetProperty("code").GetString() == "road-closed");

        var replanned = await (await commander.PostJsonAsync($"/api/v1/dispatch-plans/{planId}/replan", new { seconds = 20 }))
            .OkJsonAsync(HttpStatusCode.Created);
        var way = (await commander.GetJsonAsync("/api/v1/road-closures?format=geojson")).GetProperty("features").EnumerateArray()
            // An area closed earlier may list the same way too: take this closure's own feature.
            .Single(f => f.GetProperty("properties").TryGetProperty("wayId", out var id) && id.GetInt64() == wayId
                && f.GetProperty("properties").GetProperty("closureId").GetString() == closure.GetProperty("id").GetString())
            .GetProperty("geometry").GetProperty("coordinates").EnumerateArray().Select(p => (Lon: p[0].GetDouble(), Lat: p[1].GetDouble())).ToList();
        var changed = replanned.GetProperty("routes").EnumerateArray().Single(r => r.GetProperty("vehicleCode").GetString() == route.GetProperty("vehicleCode").GetString());
        Assert.NotEqual(geometry.GetRawText(), changed.GetProperty("geometry").GetRawText());
        foreach (var r in replanned.GetProperty("routes").EnumerateArray())
        {
            var line = r.GetProperty("geometry").EnumerateArray().Select(p => (Lon: p[0].GetDouble(), Lat: p[1].GetDouble())).ToList();
            for (var i = 1; i < line.Count; i++)
            {
                // Along the way means both ends and the middle on it; crossing it at a junction shares only a point.
                var mid = ((line[i - 1].Lon + line[i].Lon) / 2, (line[i - 1].Lat + line[i].Lat) / 2);
                Assert.False(MetresToLine(mid, way) <= 2 && MetresToLine(line[i - 1], way) <= 2 && MetresToLine(line[i], way) <= 2,
                    $"route {r.GetProperty("number")} runs along the closed way {wayId}");
            }
        }
    }

    /// <summary>Distance from a point to a polyline on a local flat projection, computed here independently of the server.</summary>
    private static double MetresToLine((double Lon, double Lat) p, IReadOnlyList<(double Lon, double Lat)> line)
    {
        var cos = Math.Cos(p.Lat * Math.PI / 180);
        var best = double.PositiveInfinity;
        for (var i = 1; i < line.Count; i++)
        {
            double ax = (line[i - 1].Lon - p.Lon) * 111_320 * cos, ay = (line[i - 1].Lat - p.Lat) * 111_320;
            double bx = (line[i].Lon - p.Lon) * 111_320 * cos, by = (line[i].Lat - p.Lat) * 111_320;
            double dx = bx - ax, dy = by - ay, len = dx * dx + dy * dy;
            var t = len == 0 ? 0 : Math.Clamp(-(ax * dx + ay * dy) / len, 0, 1);
            best = Math.Min(best, Math.Sqrt(Math.Pow(ax + t * dx, 2) + Math.Pow(ay + t * dy, 2)));
        }

        return best;
    }

    /// <summary>
    /// Where a route reaches the road at a stop: a route's line runs road point → the stop's door → road point, so the
    /// vertex before the first visit of the door.
    /// </summary>
    private static (double Lat, double Lon) WhereTheRouteMeetsTheRoad(JsonElement geometry, JsonElement stop)
    {
        var line = geometry.EnumerateArray().Select(p => (Lat: p[1].GetDouble(), Lon: p[0].GetDouble())).ToList();
        var door = (Lat: stop.GetProperty("latitude").GetDouble(), Lon: stop.GetProperty("longitude").GetDouble());
        var at = line.IndexOf(door);
        Assert.True(at > 0, "the route's line passes the stop's door");
        return line[at - 1];
    }

    private static bool Inside((double Lat, double Lon) p, double lat, double lon, double d) =>
        p.Lat > lat - d && p.Lat < lat + d && p.Lon > lon - d && p.Lon < lon + d;
}

public sealed class DispatchScenarioTestsOnSqlite(DispatchDemoSqliteApp app) : DispatchScenarioTests<DispatchDemoSqliteApp>(app);

public sealed class DispatchScenarioTestsOnPostgres(DispatchDemoPostgresApp app) : DispatchScenarioTests<DispatchDemoPostgresApp>(app);
