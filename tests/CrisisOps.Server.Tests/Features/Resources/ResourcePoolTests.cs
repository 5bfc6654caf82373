using System.Globalization;
using System.Net;
using CrisisOps.Testing;

namespace CrisisOps.Server.Tests.Features.Resources;

/// <summary>The catalogue, teams, the expert pool with its guarded telephones, equipment, agreements and arrival estimates.</summary>
public abstract class ResourcePoolTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : CrisisOpsApp
{
    [Fact]
    public async Task Items_WhenListedAndAdded_DefaultsAreThereAndOnlyTheWholeTreeMayAdd()
    {
        var world = await app.WorldAsync();
        var county = await app.UserAsync(("logistics-officer", world.CountyA));
        var items = (await county.GetJsonAsync("/api/v1/items")).GetProperty("items").EnumerateArray().ToList();
        var parcel = items.Single(i => i.GetProperty("code").GetString() == "food-parcel");
        Assert.Equal("份", parcel.GetProperty("unitZh").GetString());
        Assert.True(parcel.GetProperty("discrete").GetBoolean());
        Assert.False(items.Single(i => i.GetProperty("code").GetString() == "drinking-water").GetProperty("discrete").GetBoolean());

        var code = "rice-" + world.Prefix.ToLowerInvariant();
        var body = new { code, nameZh = "大米", nameEn = "Rice", unitZh = "千克", unitEn = "kg", discrete = false, category = "food", shelfLifeDays = 365 };
        await (await county.PostJsonAsync("/api/v1/items", body)).ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");
        var admin = await app.AdminAsync();
        await (await admin.PostJsonAsync("/api/v1/items", body)).OkJsonAsync(HttpStatusCode.Created);
        await (await admin.PostJsonAsync("/api/v1/items", body)).ProblemAsync(HttpStatusCode.Conflict, "duplicate-item");
        await (await admin.PostJsonAsync("/api/v1/items", new { code = "Bad Code", nameZh = "", nameEn = "x", unitZh = "x", unitEn = "x", category = "food" }))
            .ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
    }

    [Fact]
    public async Task ExpertContact_WhenListedOrRead_HiddenInListsAndEveryReadJournaled()
    {
        var world = await app.WorldAsync();
        var (keeper, keeperName) = await app.PersonAsync(new TestRole("logistics-officer", world.CountyA));
        var (lat, lon) = world.PointIn(world.CommunityA1);
        var created = await (await keeper.PostJsonAsync("/api/v1/experts", new { name = "李华 Li Hua", specialties = new[] { "epidemiology" },
            organisation = "市疾控中心", telephone = "+86 138-0000-1234", latitude = lat, longitude = lon })).OkJsonAsync(HttpStatusCode.Created);
        Assert.False(created.TryGetProperty("telephone", out _));
        var id = created.GetProperty("id").GetString();

        var listed = await keeper.GetAsync("/api/v1/experts?specialty=epidemiology");
        var text = await listed.Content.ReadAsStringAsync();
        Assert.Contains("Li Hua", text, StringComparison.Ordinal);
        Assert.DoesNotContain("138-0000", text, StringComparison.Ordinal);
        var journal = await (await app.AdminAsync()).GetAsync($"/api/v1/journal?region={world.CountyA}&limit=1000");
        Assert.DoesNotContain("138-0000", await journal.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var contact = await keeper.GetJsonAsync($"/api/v1/experts/{id}/contact");
        Assert.Equal("+86 138-0000-1234", contact.GetProperty("telephone").GetString());
        var reads = (await (await app.AdminAsync()).GetJsonAsync($"/api/v1/journal?type=contact.read&region={world.CountyA}")).GetProperty("items")
            .EnumerateArray().ToList();
        Assert.Contains(reads, r => r.GetProperty("actor").GetString() == keeperName);

        // An analyst sees the pool but not telephones; a neighbouring county's officer sees neither.
        var analyst = await app.UserAsync(("analyst", world.CountyA));
        await (await analyst.GetAsync($"/api/v1/experts/{id}/contact")).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        var other = await app.UserAsync(("logistics-officer", world.CountyB));
        await (await other.GetAsync($"/api/v1/experts/{id}/contact")).ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");
        Assert.DoesNotContain((await other.GetJsonAsync("/api/v1/experts")).GetProperty("items").EnumerateArray(),
            e => e.GetProperty("id").GetString() == id);
    }

    [Fact]
    public async Task TeamAndEquipmentStatus_WhenChanged_AreJournaledWithTheReason()
    {
        var world = await app.WorldAsync();
        var keeper = await app.UserAsync(("logistics-officer", world.CountyA));
        var team = await (await keeper.PostJsonAsync("/api/v1/teams", new { name = "蓝天救援队 Blue Sky", kind = "rescue",
            skills = new[] { "water-rescue", "rope" }, size = 24, regionCode = world.CommunityA2 })).OkJsonAsync(HttpStatusCode.Created);
        var id = team.GetProperty("id").GetString();
        var deployed = await (await keeper.PostJsonAsync($"/api/v1/teams/{id}/status", new { status = "deployed", reason = "flood at A2" })).OkJsonAsync();
        Assert.Equal("deployed", deployed.GetProperty("status").GetString());
        await (await keeper.PostJsonAsync($"/api/v1/teams/{id}/status", new { status = "deployed" })).ProblemAsync(HttpStatusCode.Conflict, "unchanged-status");
        await (await keeper.PostJsonAsync($"/api/v1/teams/{id}/status", new { status = "maintenance" }))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid-status");
        await (await keeper.PostJsonAsync($"/api/v1/teams/{id}/status", new { status = "asleep" })).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");

        var code = "pump-" + world.Prefix.ToLowerInvariant();
        await (await keeper.PostJsonAsync("/api/v1/equipment", new { code, kind = "pump", name = "移动泵站", capacity = "500 m³/h", regionCode = world.CountyA }))
            .OkJsonAsync(HttpStatusCode.Created);
        await (await keeper.PostJsonAsync($"/api/v1/equipment/{code}/status", new { status = "maintenance", reason = "seal leaks" })).OkJsonAsync();
        var admin = await app.AdminAsync();
        var entries = (await admin.GetJsonAsync($"/api/v1/journal?region={world.CountyA}&limit=1000")).GetProperty("items").EnumerateArray().ToList();
        Assert.Contains(entries, e => e.GetProperty("type").GetString() == "team.status-changed"
            && e.GetProperty("payload").GetProperty("reason").GetString() == "flood at A2");
        Assert.Contains(entries, e => e.GetProperty("type").GetString() == "equipment.status-changed"
            && e.GetProperty("payload").GetProperty("to").GetString() == "maintenance");

        var other = await app.UserAsync(("logistics-officer", world.CountyB));
        await (await other.PostJsonAsync($"/api/v1/teams/{id}/status", new { status = "available" }))
            .ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");
    }

    [Fact]
    public async Task Arrivals_WhenAskedForAPoint_SortsAvailableOnesAndFlagsNothingWithinTarget()
    {
        var world = await app.WorldAsync();
        var keeper = await app.UserAsync(("logistics-officer", world.City));
        var (lat, lon) = world.PointIn(world.CommunityA1);
        var skill = "boat-" + world.Prefix.ToLowerInvariant();

        // ~5.5 km, ~33 km and ~11 km away (north of the point): only the first is within 30 minutes at 40 km/h × 1.3.
        async Task<string> TeamAsync(string name, double north)
        {
            var t = await (await keeper.PostJsonAsync("/api/v1/teams", new { name, kind = "rescue", skills = new[] { skill }, size = 6,
                latitude = lat + north, longitude = lon, regionCode = world.CommunityA1 })).OkJsonAsync(HttpStatusCode.Created);
            return t.GetProperty("id").GetString()!;
        }

        await TeamAsync("near", 0.05);
        await TeamAsync("far", 0.3);
        var middle = await TeamAsync("middle", 0.1);
        var deployed = await TeamAsync("deployed-nearest", 0.01);
        await (await keeper.PostJsonAsync($"/api/v1/teams/{deployed}/status", new { status = "deployed" })).OkJsonAsync();

        var url = string.Create(CultureInfo.InvariantCulture, $"/api/v1/resources/arrivals?kind=team&skill={skill}&lat={lat}&lon={lon}");
        var answer = await keeper.GetJsonAsync(url);
        var names = answer.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("name").GetString()).ToList();
        Assert.Equal(["near", "middle", "far"], names);
        Assert.False(answer.GetProperty("nothingWithinTarget").GetBoolean());
        var first = answer.GetProperty("items")[0];
        Assert.True(first.GetProperty("withinTarget").GetBoolean());
        Assert.InRange(first.GetProperty("distanceKm").GetDouble(), 5.4, 5.7);
        Assert.InRange(first.GetProperty("etaMinutes").GetDouble(), 10.5, 11.2);
        Assert.False(answer.GetProperty("items")[2].GetProperty("withinTarget").GetBoolean());

        // Without the near one nothing makes it in time, and the answer says so.
        var near = answer.GetProperty("items")[0].GetProperty("id").GetString();
        await (await keeper.PostJsonAsync($"/api/v1/teams/{near}/status", new { status = "off-duty" })).OkJsonAsync();
        await (await keeper.PostJsonAsync($"/api/v1/teams/{middle}/status", new { status = "deployed" })).OkJsonAsync();
        answer = await keeper.GetJsonAsync(url);
        Assert.True(answer.GetProperty("nothingWithinTarget").GetBoolean());
        Assert.Contains("30 minutes", answer.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("far", Assert.Single(answer.GetProperty("items").EnumerateArray()).GetProperty("name").GetString());

        await (await keeper.GetAsync("/api/v1/resources/arrivals?kind=ship&lat=1&lon=1")).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await (await keeper.GetAsync($"/api/v1/resources/arrivals?kind=team&lat=1&lon=1&region={world.CountyA}"))
            .ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        var bySite = await keeper.GetJsonAsync($"/api/v1/resources/arrivals?kind=team&skill={skill}&site={world.Prefix}-NH");
        Assert.Equal(1, bySite.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Agreements_WhenOrganisationOrLinesAreBad_RefuseAndStoreNothing()
    {
        var world = await app.WorldAsync();
        var keeper = await app.UserAsync(("logistics-officer", world.CountyA));
        var org = "pharmacy-" + world.Prefix.ToLowerInvariant();
        await (await keeper.PostJsonAsync("/api/v1/organisations", new { code = org, name = "康健大药房", kind = "enterprise", regionCode = world.CountyA }))
            .OkJsonAsync(HttpStatusCode.Created);
        object Body(string organisation, object[] lines) => new { organisation, title = "口罩供应协议 Mask supply", lines, activationLeadMinutes = 120,
            contacts = "duty desk 0371-5555", validFrom = "2026-01-01", validTo = "2027-12-31" };

        await (await keeper.PostJsonAsync("/api/v1/agreements", Body("nobody-" + org, [new { item = "masks", quantity = 100 }])))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity, "unknown-organisation");
        await (await keeper.PostJsonAsync("/api/v1/agreements", Body(org, [new { item = "no-such-thing", quantity = 1 }])))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity, "unknown-item");
        await (await keeper.PostJsonAsync("/api/v1/agreements", Body(org, [new { item = "masks", quantity = 10.5 }])))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid-agreement");
        await (await keeper.PostJsonAsync("/api/v1/agreements", Body(org, [new { item = "masks", quantity = 1, service = "and a service" }])))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid-agreement");
        await (await keeper.PostJsonAsync("/api/v1/agreements", Body(org, [new { item = "masks", quantity = 1 }, new { item = "masks", quantity = 2 }])))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid-agreement");
        await (await keeper.PostJsonAsync("/api/v1/agreements", Body(org, [])))
            .ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.Equal(0, (await keeper.GetJsonAsync($"/api/v1/agreements?organisation={org}")).GetProperty("items").GetArrayLength());

        var created = await (await keeper.PostJsonAsync("/api/v1/agreements",
            Body(org, [new { item = "masks", quantity = 5000 }, new { item = "disinfectant", quantity = 200.5 }, new { service = "门店配送 delivery from shops" }])))
            .OkJsonAsync(HttpStatusCode.Created);
        var lines = created.GetProperty("lines").EnumerateArray().ToList();
        Assert.Equal(5000m, lines[0].GetProperty("remaining").GetDecimal());
        Assert.Equal(0m, lines[0].GetProperty("drawn").GetDecimal());
        Assert.Equal("门店配送 delivery from shops", lines[2].GetProperty("service").GetString());
        Assert.True(created.GetProperty("validToday").GetBoolean());

        var other = await app.UserAsync(("logistics-officer", world.CountyB));
        await (await other.PostJsonAsync("/api/v1/agreements", Body(org, [new { item = "masks", quantity = 1 }])))
            .ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");
        Assert.Equal(0, (await other.GetJsonAsync($"/api/v1/agreements?organisation={org}")).GetProperty("items").GetArrayLength());
    }
}

public sealed class ResourcePoolTestsOnSqlite(SqliteApp app) : ResourcePoolTests<SqliteApp>(app);

public sealed class ResourcePoolTestsOnPostgres(PostgresApp app) : ResourcePoolTests<PostgresApp>(app);
