using System.Globalization;
using System.Net;
using CrisisOps.Testing;

namespace CrisisOps.Server.Tests.Features.Dispatch;

/// <summary>
/// A plan made at 21:55 UTC for crews working 06:00–22:00: the shift ending in five minutes can serve nothing, so the
/// vehicle is planned from its next shift and the route says it leaves at 06:00 the next morning.
/// </summary>
public abstract class EveningPlanTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : CrisisOpsApp
{
    [Fact]
    public async Task PlanAt2155_UsesTheNextShift_AndSaysWhenItDeparts()
    {
        var now = app.Clock.GetUtcNow();
        var evening = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddHours(21).AddMinutes(55);
        if (evening <= now)
        {
            evening = evening.AddDays(1);
        }

        app.Clock.SetUtcNow(evening);
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
        await (await commander.PostJsonAsync($"/api/v1/incidents/{incidentId}/headquarters", new { template = "rainstorm", commander = commanderName }))
            .OkJsonAsync(HttpStatusCode.Created);
        var depot = "depot-" + Guid.NewGuid().ToString("N")[..8];
        var (dlat, dlon) = (lat, lon); // next door, so the drop penalty of a household-class need outweighs the drive
        await (await logistics.PostJsonAsync("/api/v1/warehouses", new { code = depot, name = "储备库 " + depot, latitude = dlat, longitude = dlon }))
            .OkJsonAsync(HttpStatusCode.Created);
        await (await logistics.PostJsonAsync("/api/v1/stock/receive", new { warehouse = depot, item = "food-parcel", quantity = 1000 }))
            .OkJsonAsync(HttpStatusCode.Created);
        await (await logistics.PostJsonAsync("/api/v1/vehicles", new
        {
            code = "van-" + depot, name = "面包车 Van", warehouse = depot, capacityKg = 1000, capacityM3 = 10, speedFactor = 1.0, shiftStart = "06:00",
            shiftEnd = "22:00",
        })).OkJsonAsync(HttpStatusCode.Created);
        await (await commander.PostJsonAsync("/api/v1/needs", new
        {
            what = "食品包 Food parcels", itemCode = "food-parcel", quantity = 20, unit = "parcels", discrete = true, regionCode = world.CommunityA1,
            priority = "urgent", neededBy = (evening + TimeSpan.FromHours(12)).ToString("O", CultureInfo.InvariantCulture), publisherKind = "hq",
            incidentId,
        })).OkJsonAsync(HttpStatusCode.Created);

        var plan = await (await commander.PostJsonAsync($"/api/v1/incidents/{incidentId}/dispatch-plans", new { seconds = 1 }))
            .OkJsonAsync(HttpStatusCode.Created);
        Assert.Empty(plan.GetProperty("unservedDeliveries").EnumerateArray());
        var route = Assert.Single(plan.GetProperty("routes").EnumerateArray());
        var departure = route.GetProperty("departure").GetDateTimeOffset();
        Assert.Equal(evening.Date.AddDays(1).AddHours(6), departure.UtcDateTime);
        var stop = Assert.Single(route.GetProperty("stops").EnumerateArray());
        Assert.True(stop.GetProperty("arrival").GetDateTimeOffset() >= departure);
    }
}

public sealed class EveningPlanTestsOnSqlite(SqliteApp app) : EveningPlanTests<SqliteApp>(app);

public sealed class EveningPlanTestsOnPostgres(PostgresApp app) : EveningPlanTests<PostgresApp>(app);
