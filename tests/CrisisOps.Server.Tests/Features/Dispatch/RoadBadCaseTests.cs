using System.Globalization;
using System.Net;
using CrisisOps.Data;
using CrisisOps.Domain.Regions;
using CrisisOps.Routing.Roads;
using CrisisOps.Server.Features.Dispatch;
using CrisisOps.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CrisisOps.Server.Tests.Features.Dispatch;

public sealed class RoadBadCaseSqliteApp() : CrisisOpsApp(new SqliteTestDatabase(), settings: DispatchScenario.Settings);

public sealed class RoadBadCasePostgresApp() : CrisisOpsApp(new PostgresTestDatabase(), settings: DispatchScenario.Settings);

/// <summary>
/// On the Krems roads: a delivery to a place far from any road cannot be snapped, and one inside a closed area cannot
/// be reached; both are listed unserved with their reasons while the rest of the plan is served, and nothing crashes.
/// </summary>
public abstract class RoadBadCaseTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : CrisisOpsApp
{
    [Fact]
    public async Task FarFromRoads_CannotSnap_AndClosedIn_Unreachable_AreListedUnserved()
    {
        var network = await app.Services.GetRequiredService<RoadNetworkHost>().WhenLoaded.WaitAsync(TimeSpan.FromMinutes(2)).ContinueWith(
            _ => app.Services.GetRequiredService<RoadNetworkHost>().Network!, TaskScheduler.Default);
        var commander = await app.SignInAsync("commander.krems", DemoCityTests.DemoPassword);

        // A site 20 km north of the extract: no road within the snapping distance.
        var far = new GeoPoint(48.60, 15.60);
        Assert.Null(network.Snap(new Coordinate(far.Latitude, far.Longitude), TravelTimes.SnapMeters));
        // A school west of the old town, on a road, walled in by a closed area around it.
        var walled = new GeoPoint(48.407162, 15.599384);
        Assert.NotNull(network.Snap(new Coordinate(walled.Latitude, walled.Longitude), TravelTimes.SnapMeters));
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<CrisisOpsDbContext>>().CreateDbContextAsync())
        {
            var kre = await db.Regions.SingleAsync(r => r.Code == "KRE");
            db.Sites.Add(new Site(new SiteDefinition(new RegionCode("SITE-FAR-901"), SiteType.Shelter, "远郊安置点", "Remote shelter", far, 50, "test", true),
                kre.Code, kre.Path));
            await db.SaveChangesAsync();
        }

        var incident = await (await commander.PostJsonAsync("/api/v1/incidents", new
        {
            title = "城区内涝 Urban flooding", category = "natural-disaster", type = "waterlogging", severity = "II", regionCode = "KRE",
        })).OkJsonAsync(HttpStatusCode.Created);
        var incidentId = incident.GetProperty("id").GetString()!;
        await (await commander.PostJsonAsync($"/api/v1/incidents/{incidentId}/headquarters", new { template = "rainstorm", commander = "commander.krems" }))
            .OkJsonAsync(HttpStatusCode.Created);
        var needBy = (app.Clock.GetUtcNow() + TimeSpan.FromHours(20)).ToString("O", CultureInfo.InvariantCulture);
        async Task<string> NeedAsync(string region, string? site) => (await (await commander.PostJsonAsync("/api/v1/needs", new
        {
            what = "食品包 Food parcels", itemCode = "food-parcel", quantity = 10, unit = "parcels", discrete = true, regionCode = region, siteCode = site,
            priority = "urgent", neededBy = needBy, publisherKind = "hq", incidentId,
        })).OkJsonAsync(HttpStatusCode.Created)).GetProperty("number").GetString()!;
        var farNeed = await NeedAsync("KRE", "SITE-FAR-901");
        var walledNeed = await NeedAsync("KRE", "SITE-SCH-003");
        var fineNeed = await NeedAsync("KRE", "SITE-SCH-001");

        // Every road within about 250 m of the school is closed (the depots lie outside).
        const double d = 0.003;
        var (lat, lon) = (walled.Latitude, walled.Longitude);
        await (await commander.PostJsonAsync("/api/v1/road-closures", new
        {
            area = new[] { new[] { lon - d, lat - d }, new[] { lon + d, lat - d }, new[] { lon + d, lat + d }, new[] { lon - d, lat + d } },
            reasonZh = "山体滑坡", reasonEn = "Landslide", incident = incidentId,
        })).OkJsonAsync(HttpStatusCode.Created);

        var plan = await (await commander.PostJsonAsync($"/api/v1/incidents/{incidentId}/dispatch-plans", new { seconds = 1 }))
            .OkJsonAsync(HttpStatusCode.Created);
        Assert.Equal("road", plan.GetProperty("method").GetString());
        var unserved = plan.GetProperty("unservedDeliveries").EnumerateArray()
            .ToDictionary(u => u.GetProperty("needNumber").GetString()!, u => u.GetProperty("reason").GetString());
        Assert.Equal("cannot-snap", unserved[farNeed]);
        Assert.Equal("unreachable", unserved[walledNeed]);
        Assert.DoesNotContain(fineNeed, unserved.Keys);
        Assert.Contains(plan.GetProperty("routes").EnumerateArray().SelectMany(r => r.GetProperty("stops").EnumerateArray()),
            s => s.GetProperty("needNumber").GetString() == fineNeed);
    }
}

public sealed class RoadBadCaseTestsOnSqlite(RoadBadCaseSqliteApp app) : RoadBadCaseTests<RoadBadCaseSqliteApp>(app);

public sealed class RoadBadCaseTestsOnPostgres(RoadBadCasePostgresApp app) : RoadBadCaseTests<RoadBadCasePostgresApp>(app);
