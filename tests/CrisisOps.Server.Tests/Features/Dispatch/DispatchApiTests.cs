using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CrisisOps.Testing;

namespace CrisisOps.Server.Tests.Features.Dispatch;

/// <summary>
/// Vehicles, closures and plans through the API on a fresh region tree: the bad cases (no vehicles, no needs,
/// unknown ids, seconds out of range, a second issue, callers of other regions) and what a small plan looks like on
/// straight lines when no road network is configured.
/// </summary>
public abstract class DispatchApiTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : CrisisOpsApp
{
    private static int _next;

    private DateTimeOffset Now => app.Clock.GetUtcNow();

    private static string Code(string stem) => $"{stem}-{Interlocked.Increment(ref _next)}-{Guid.NewGuid().ToString("N")[..6]}";

    private sealed record Scene(RegionWorld World, HttpClient Commander, string CommanderName, HttpClient Logistics, string IncidentId, string IncidentNumber,
        string Depot);

    private async Task<Scene> SceneAsync(bool withHeadquarters = true)
    {
        var world = await app.WorldAsync();
        var (commander, commanderName) = await app.PersonAsync(new TestRole("commander", world.CountyA));
        var logistics = await app.UserAsync(("logistics-officer", world.CountyA));
        var (lat, lon) = world.PointIn(world.CommunityA1);
        var incident = await (await commander.PostJsonAsync("/api/v1/incidents", new
        {
            title = "内涝 Flooding", category = "natural-disaster", type = "waterlogging", severity = "III", regionCode = world.CountyA,
            location = new { lat, lon },
        })).OkJsonAsync(HttpStatusCode.Created);
        var incidentId = incident.GetProperty("id").GetString()!;
        if (withHeadquarters)
        {
            await (await commander.PostJsonAsync($"/api/v1/incidents/{incidentId}/headquarters", new { template = "rainstorm", commander = commanderName }))
                .OkJsonAsync(HttpStatusCode.Created);
        }

        var depot = Code("depot");
        var (dlat, dlon) = world.PointIn(world.CommunityA2);
        await (await logistics.PostJsonAsync("/api/v1/warehouses", new { code = depot, name = "储备库 " + depot, latitude = dlat, longitude = dlon }))
            .OkJsonAsync(HttpStatusCode.Created);
        await (await logistics.PostJsonAsync("/api/v1/stock/receive", new { warehouse = depot, item = "food-parcel", quantity = 1000 }))
            .OkJsonAsync(HttpStatusCode.Created);
        return new Scene(world, commander, commanderName, logistics, incidentId, incident.GetProperty("number").GetString()!, depot);
    }

    private async Task<string> VehicleAsync(Scene s, decimal kg = 1000, string? code = null)
    {
        code ??= Code("van");
        await (await s.Logistics.PostJsonAsync("/api/v1/vehicles", new
        {
            code, name = "面包车 Van", warehouse = s.Depot, capacityKg = kg, capacityM3 = 10, speedFactor = 1.0, shiftStart = "00:00", shiftEnd = "23:59",
        })).OkJsonAsync(HttpStatusCode.Created);
        return code;
    }

    private async Task<string> NeedAsync(Scene s, decimal quantity, TimeSpan within, string? community = null)
    {
        var need = await (await s.Commander.PostJsonAsync("/api/v1/needs", new
        {
            what = "食品包 Food parcels", itemCode = "food-parcel", quantity, unit = "parcels", discrete = true,
            regionCode = community ?? s.World.CommunityA1, priority = "urgent", neededBy = (Now + within).ToString("O", CultureInfo.InvariantCulture),
            publisherKind = "hq", incidentId = s.IncidentId,
        })).OkJsonAsync(HttpStatusCode.Created);
        return need.GetProperty("id").GetString()!;
    }

    [Fact]
    public async Task Vehicles_CreateListUpdate_WithBadInputAndOtherRegions()
    {
        var s = await SceneAsync(withHeadquarters: false);
        var code = await VehicleAsync(s);
        var listed = (await s.Logistics.GetJsonAsync($"/api/v1/vehicles?warehouse={s.Depot}")).GetProperty("items").EnumerateArray().Single();
        Assert.Equal(code, listed.GetProperty("code").GetString());
        Assert.Equal("available", listed.GetProperty("status").GetString());

        var updated = await (await s.Logistics.PutAsJsonAsync($"/api/v1/vehicles/{code}", new { capacityKg = 800, status = "out-of-service" }, CrisisOpsApp.Json))
            .OkJsonAsync();
        Assert.Equal(800m, updated.GetProperty("capacityKg").GetDecimal());
        Assert.Equal("out-of-service", updated.GetProperty("status").GetString());

        await (await s.Logistics.PostJsonAsync("/api/v1/vehicles", new { code, name = "Dup", warehouse = s.Depot, capacityKg = 1, capacityM3 = 1 }))
            .ProblemAsync(HttpStatusCode.Conflict, "duplicate-vehicle");
        await (await s.Logistics.PostJsonAsync("/api/v1/vehicles", new { code = Code("van"), name = "X", warehouse = s.Depot, capacityKg = -1, capacityM3 = 1 }))
            .ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await (await s.Logistics.PostJsonAsync("/api/v1/vehicles", new { code = Code("van"), name = "X", warehouse = s.Depot, capacityKg = 1, capacityM3 = 1,
            shiftStart = "25:00" })).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await (await s.Logistics.PostJsonAsync("/api/v1/vehicles", new { code = Code("van"), name = "X", warehouse = "no-such-depot", capacityKg = 1, capacityM3 = 1 }))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity, "unknown-warehouse");

        var outsider = await app.UserAsync(("logistics-officer", s.World.CountyB));
        await (await outsider.PostJsonAsync("/api/v1/vehicles", new { code = Code("van"), name = "X", warehouse = s.Depot, capacityKg = 1, capacityM3 = 1 }))
            .ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");
        Assert.Empty((await outsider.GetJsonAsync($"/api/v1/vehicles?warehouse={s.Depot}")).GetProperty("items").EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync($"/api/v1/vehicles/{code}")).StatusCode);
    }

    [Fact]
    public async Task Plan_BadInput_ProblemDetails()
    {
        var s = await SceneAsync();
        var url = $"/api/v1/incidents/{s.IncidentNumber}/dispatch-plans";
        await (await s.Commander.PostJsonAsync(url, new { seconds = 0 })).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await (await s.Commander.PostJsonAsync(url, new { seconds = 61 })).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await (await s.Commander.PostJsonAsync("/api/v1/incidents/INC-NOPE/dispatch-plans", new { })).ProblemAsync(HttpStatusCode.NotFound, "not-found");

        // Nothing to deliver yet.
        await VehicleAsync(s);
        await (await s.Commander.PostJsonAsync(url, new { seconds = 1 })).ProblemAsync(HttpStatusCode.UnprocessableEntity, "no-needs");
        await (await s.Commander.PostJsonAsync(url, new { seconds = 1, needs = new[] { Guid.NewGuid() } }))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity, "unknown-need");
        await NeedAsync(s, 10, TimeSpan.FromHours(4));
        await (await s.Commander.PostJsonAsync(url, new { seconds = 1, vehicles = new[] { "no-such-van" } }))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity, "unknown-vehicle");

        // A commander of another county neither plans nor reads it; a reader of the same county may not plan.
        var other = await app.UserAsync(("commander", s.World.CountyB));
        await (await other.PostJsonAsync(url, new { seconds = 1 })).ProblemAsync(HttpStatusCode.NotFound, "not-found");
        var reader = await app.UserAsync(("reviewer", s.World.CountyA));
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PostJsonAsync(url, new { seconds = 1 })).StatusCode);
    }

    [Fact]
    public async Task Plan_WithoutVehicles_IsRefused()
    {
        var s = await SceneAsync();
        await NeedAsync(s, 10, TimeSpan.FromHours(4));
        await (await s.Commander.PostJsonAsync($"/api/v1/incidents/{s.IncidentNumber}/dispatch-plans", new { seconds = 1 }))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity, "no-vehicles");
    }

    [Fact]
    public async Task Plan_OnStraightLines_ServesWhatFitsAndSaysWhyTheRestIsLeftOut()
    {
        var s = await SceneAsync();
        var van = await VehicleAsync(s, kg: 500);
        var fits = await NeedAsync(s, 40, TimeSpan.FromHours(4));                       // 320 kg
        var tooLarge = await NeedAsync(s, 100, TimeSpan.FromHours(4), s.World.CommunityA2); // 800 kg: more than the van carries
        var plan = await (await s.Commander.PostJsonAsync($"/api/v1/incidents/{s.IncidentId}/dispatch-plans", new { seconds = 1 }))
            .OkJsonAsync(HttpStatusCode.Created);
        Assert.Equal("straight-line", plan.GetProperty("method").GetString());
        Assert.Contains("Routing:OsmFile", plan.GetProperty("roadNote").GetString(), StringComparison.Ordinal);
        var route = Assert.Single(plan.GetProperty("routes").EnumerateArray());
        Assert.Equal(van, route.GetProperty("vehicleCode").GetString());
        Assert.Equal(fits, Assert.Single(route.GetProperty("stops").EnumerateArray()).GetProperty("needId").GetString());
        var left = Assert.Single(plan.GetProperty("unservedDeliveries").EnumerateArray());
        Assert.Equal(tooLarge, left.GetProperty("needId").GetString());
        Assert.Equal("too-large", left.GetProperty("reason").GetString());
        Assert.Equal("超过任何车辆的载重或容积", left.GetProperty("reasonZh").GetString());

        var journal = (await s.Commander.GetJsonAsync($"/api/v1/journal?incidentId={s.IncidentId}&type=dispatch-plan.computed")).GetProperty("items");
        Assert.Equal(1, journal.GetArrayLength());

        // Marking a stop served needs an issued plan; the issue makes one order per route; a second issue is refused.
        var id = plan.GetProperty("id").GetString()!;
        await (await s.Commander.PostJsonAsync($"/api/v1/dispatch-plans/{id}/stops/1/served", new { }))
            .ProblemAsync(HttpStatusCode.Conflict, "plan-not-issued");
        var issued = await (await s.Commander.PostJsonAsync($"/api/v1/dispatch-plans/{id}/issue", new { })).OkJsonAsync();
        var orderId = issued.GetProperty("routes")[0].GetProperty("orderId").GetString()!;
        var order = await s.Commander.GetJsonAsync($"/api/v1/orders/{orderId}");
        Assert.Contains("1. [1]", order.GetProperty("order").GetProperty("details").GetString(), StringComparison.Ordinal);
        await (await s.Commander.PostJsonAsync($"/api/v1/dispatch-plans/{id}/issue", new { })).ProblemAsync(HttpStatusCode.Conflict, "plan-already-issued");
        await (await s.Commander.PostJsonAsync($"/api/v1/dispatch-plans/{id}/stops/99/served", new { })).ProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await s.Commander.PostJsonAsync($"/api/v1/dispatch-plans/{Guid.NewGuid()}/issue", new { })).ProblemAsync(HttpStatusCode.NotFound, "not-found");

        var other = await app.UserAsync(("commander", s.World.CountyB));
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/v1/dispatch-plans/{id}")).StatusCode);
    }

    [Fact]
    public async Task Plan_NeedDueBeforeDeparture_IsWindowInfeasible()
    {
        var s = await SceneAsync();
        await VehicleAsync(s);
        var soon = await NeedAsync(s, 5, TimeSpan.FromMinutes(30));
        var plan = await (await s.Commander.PostJsonAsync($"/api/v1/incidents/{s.IncidentId}/dispatch-plans",
            new { seconds = 1, departAt = (Now + TimeSpan.FromHours(1)).ToString("O", CultureInfo.InvariantCulture) })).OkJsonAsync(HttpStatusCode.Created);
        var left = Assert.Single(plan.GetProperty("unservedDeliveries").EnumerateArray());
        Assert.Equal(soon, left.GetProperty("needId").GetString());
        Assert.Equal("window-infeasible", left.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Closures_BadInputPermissionsAndReopen()
    {
        var s = await SceneAsync(withHeadquarters: false);
        var (lat, lon) = s.World.PointIn(s.World.CommunityA1);
        const double d = 0.001;
        var area = new[] { new[] { lon - d, lat - d }, new[] { lon + d, lat - d }, new[] { lon + d, lat + d } };
        await (await s.Commander.PostJsonAsync("/api/v1/road-closures", new { reasonZh = "塌方", reasonEn = "Landslide" }))
            .ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await (await s.Commander.PostJsonAsync("/api/v1/road-closures", new { wayId = 5, area, reasonZh = "塌方", reasonEn = "Landslide" }))
            .ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await (await s.Commander.PostJsonAsync("/api/v1/road-closures", new { area, reasonZh = "", reasonEn = "Landslide" }))
            .ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        // Snapping a point needs the road network, which this server has not got.
        await (await s.Commander.PostJsonAsync("/api/v1/road-closures", new { point = new { lat, lon }, reasonZh = "塌方", reasonEn = "Landslide" }))
            .ProblemAsync(HttpStatusCode.Conflict, "road-network-not-ready");
        var logistics = s.Logistics; // may plan, may not close roads
        await (await logistics.PostJsonAsync("/api/v1/road-closures", new { area, reasonZh = "塌方", reasonEn = "Landslide" }))
            .ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        var other = await app.UserAsync(("commander", s.World.CountyB));
        await (await other.PostJsonAsync("/api/v1/road-closures", new { area, reasonZh = "塌方", reasonEn = "Landslide" }))
            .ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");

        var closure = await (await s.Commander.PostJsonAsync("/api/v1/road-closures", new { area, reasonZh = "塌方", reasonEn = "Landslide" }))
            .OkJsonAsync(HttpStatusCode.Created);
        Assert.Equal(s.World.CommunityA1, closure.GetProperty("regionCode").GetString());
        Assert.Equal("manual", closure.GetProperty("source").GetString());
        var id = closure.GetProperty("id").GetString()!;
        var listed = (await s.Commander.GetJsonAsync("/api/v1/road-closures")).GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetString());
        Assert.Contains(id, listed);
        Assert.DoesNotContain(id, (await other.GetJsonAsync("/api/v1/road-closures")).GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetString()));
        var geo = await s.Commander.GetJsonAsync("/api/v1/road-closures?format=geojson");
        Assert.Contains(geo.GetProperty("features").EnumerateArray(), f => f.GetProperty("properties").GetProperty("closureId").GetString() == id
            && f.GetProperty("geometry").GetProperty("type").GetString() == "Polygon");

        await (await other.PostJsonAsync($"/api/v1/road-closures/{id}/reopen", new { })).ProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await s.Commander.PostJsonAsync($"/api/v1/road-closures/{id}/reopen", new { })).OkJsonAsync();
        await (await s.Commander.PostJsonAsync($"/api/v1/road-closures/{id}/reopen", new { })).ProblemAsync(HttpStatusCode.Conflict, "closure-not-active");
        Assert.DoesNotContain(id, (await s.Commander.GetJsonAsync("/api/v1/road-closures")).GetProperty("items").EnumerateArray()
            .Select(c => c.GetProperty("id").GetString()));
        var network = await s.Commander.GetJsonAsync("/api/v1/road-network");
        Assert.Equal("not-configured", network.GetProperty("state").GetString());
    }
}

public sealed class DispatchApiTestsOnSqlite(SqliteApp app) : DispatchApiTests<SqliteApp>(app);

public sealed class DispatchApiTestsOnPostgres(PostgresApp app) : DispatchApiTests<PostgresApp>(app);
