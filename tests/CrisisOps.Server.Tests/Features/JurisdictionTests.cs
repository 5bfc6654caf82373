using System.Net;
using System.Text.Json;
using CrisisOps.Testing;

namespace CrisisOps.Server.Tests.Features;

/// <summary>A user at county A can neither read nor change anything of county B, for every resource type.</summary>
public abstract class JurisdictionTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : CrisisOpsApp
{
    private async Task<(RegionWorld World, HttpClient UserA, string IncidentB)> ArrangeAsync()
    {
        var world = await app.WorldAsync();
        var officerB = await app.UserAsync(("duty-officer", world.CountyB));
        var (lat, lon) = world.PointIn(world.CommunityB1);
        var incidentB = (await (await officerB.PostJsonAsync("/api/v1/incidents", new
        {
            title = "Fire in B", category = "accident", type = "fire", severity = "III", location = new { lat, lon },
        })).OkJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetString()!;
        var userA = await app.UserAsync(("duty-officer", world.CountyA));
        return (world, userA, incidentB);
    }

    [Fact]
    public async Task Regions_WhenOfAnotherCounty_AreHiddenAndForbidden()
    {
        var (world, userA, _) = await ArrangeAsync();

        var listed = (await userA.GetJsonAsync("/api/v1/regions")).GetProperty("items").EnumerateArray()
            .Select(r => r.GetProperty("code").GetString()).ToList();
        Assert.Contains(world.CommunityA1, listed);
        Assert.DoesNotContain(world.CountyB, listed);
        Assert.DoesNotContain(world.CommunityB1, listed);
        await (await userA.GetAsync($"/api/v1/regions/{world.CountyB}")).ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");
        await (await userA.GetAsync($"/api/v1/regions/{world.CountyB}/geojson")).ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");
        var (lat, lon) = world.PointIn(world.CommunityB2);
        await (await userA.GetAsync(FormattableString.Invariant($"/api/v1/regions/locate?lat={lat}&lon={lon}")))
            .ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");
    }

    [Fact]
    public async Task Incidents_WhenOfAnotherCounty_CannotBeReadListedOrChanged()
    {
        var (world, userA, incidentB) = await ArrangeAsync();

        await (await userA.GetAsync($"/api/v1/incidents/{incidentB}")).ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");
        var list = await userA.GetJsonAsync($"/api/v1/incidents?region={world.CountyA}");
        Assert.Equal(0, list.GetProperty("total").GetInt32());
        await (await userA.GetAsync($"/api/v1/incidents?region={world.CountyB}")).ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");
        await (await userA.PostJsonAsync($"/api/v1/incidents/{incidentB}/status", new { status = "verified" }))
            .ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");
        await (await userA.PostJsonAsync($"/api/v1/incidents/{incidentB}/reports", new { kind = "initial", text = "not mine" }))
            .ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");

        var (lat, lon) = world.PointIn(world.CommunityB2);
        await (await userA.PostJsonAsync("/api/v1/incidents", new
        {
            title = "Reported across the border", category = "accident", type = "fire", severity = "IV", location = new { lat, lon },
        })).ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");

        var admin = await app.AdminAsync();
        var detail = await admin.GetJsonAsync($"/api/v1/incidents/{incidentB}");
        Assert.Equal("reported", detail.GetProperty("incident").GetProperty("status").GetString());
        Assert.Empty(detail.GetProperty("reports").EnumerateArray());
        Assert.Equal(0, (await admin.GetJsonAsync($"/api/v1/incidents?region={world.CountyA}")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task DeadlinesAndJournal_WhenOfAnotherCounty_AreInvisible()
    {
        var (world, userA, incidentB) = await ArrangeAsync();

        Assert.Empty((await userA.GetJsonAsync($"/api/v1/deadlines?incidentId={incidentB}")).GetProperty("items").EnumerateArray());
        await (await userA.GetAsync($"/api/v1/deadlines?region={world.CountyB}")).ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");
        Assert.Empty((await userA.GetJsonAsync($"/api/v1/journal?incidentId={incidentB}")).GetProperty("items").EnumerateArray());
        await (await userA.GetAsync($"/api/v1/journal?region={world.CountyB}")).ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");
        var tail = (await userA.GetJsonAsync("/api/v1/journal?limit=1000")).GetProperty("items").EnumerateArray();
        Assert.DoesNotContain(tail, e => e.GetProperty("regionCode").ValueKind == JsonValueKind.String
            && e.GetProperty("regionCode").GetString()!.StartsWith(world.CountyB, StringComparison.Ordinal));
    }

    [Fact]
    public async Task EventsAndUsers_WhenOfAnotherCounty_CannotBeManaged()
    {
        var (world, userA, _) = await ArrangeAsync();

        await (await userA.PostJsonAsync("/api/v1/events", new { name = "B's event", regionCode = world.CountyB }))
            .ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");
        var admin = await app.AdminAsync();
        var eventB = (await (await admin.PostJsonAsync("/api/v1/events", new { name = "Storm in B", regionCode = world.CountyB }))
            .OkJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetString();
        Assert.DoesNotContain((await userA.GetJsonAsync("/api/v1/events")).EnumerateArray(), e => e.GetProperty("id").GetString() == eventB);
        await (await userA.PostJsonAsync($"/api/v1/events/{eventB}/close", new { })).ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");

        // A duty officer manages no users anywhere: the policy itself refuses.
        await (await userA.PostJsonAsync("/api/v1/users", new { userName = "intruder", password = "long-enough-password" }))
            .ProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        // A county admin manages users of their county only.
        var countyAdminA = await app.UserAsync(("admin", world.CountyA));
        await (await countyAdminA.PostJsonAsync("/api/v1/users", new { userName = $"helper{world.Number}", password = "long-enough-password" }))
            .OkJsonAsync(HttpStatusCode.Created);
        await (await countyAdminA.PostJsonAsync($"/api/v1/users/helper{world.Number}/roles", new { role = "commander", regionCode = world.CountyB }))
            .ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");
        await (await countyAdminA.PostJsonAsync($"/api/v1/users/helper{world.Number}/roles", new { role = "commander", regionCode = world.CountyA }))
            .OkJsonAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Scope_WhenCodesDifferOnlyInCase_DoesNotLeak()
    {
        var upper = await app.WorldAsync();
        var lower = await app.WorldAsync(RegionWorld.CaseTwinOf(upper));
        var officerUpper = await app.UserAsync(("duty-officer", upper.CountyA));
        var (lat, lon) = upper.PointIn(upper.CommunityA1);
        (await officerUpper.PostJsonAsync("/api/v1/incidents", new
        {
            title = "Upper-case world", category = "accident", type = "fire", severity = "IV", location = new { lat, lon },
        })).EnsureSuccessStatusCode();

        var officerLower = await app.UserAsync(("duty-officer", lower.CountyA));

        Assert.Equal(0, (await officerLower.GetJsonAsync("/api/v1/incidents")).GetProperty("total").GetInt32());
        Assert.Empty((await officerLower.GetJsonAsync("/api/v1/deadlines")).GetProperty("items").EnumerateArray());
        Assert.DoesNotContain((await officerLower.GetJsonAsync("/api/v1/regions")).GetProperty("items").EnumerateArray(),
            r => r.GetProperty("code").GetString() == upper.CountyA);
    }

    [Fact]
    public async Task Import_WhenCountyAdminImportsIntoAnotherCounty_Returns403AndStoresNothing()
    {
        var (world, _, _) = await ArrangeAsync();
        var countyAdminA = await app.UserAsync(("admin", world.CountyA));
        var feature = RegionWorld.Region(world.CountyB + "-NEW", world.CountyB, "township", null);
        var doc = new System.Text.Json.Nodes.JsonObject { ["type"] = "FeatureCollection", ["features"] = new System.Text.Json.Nodes.JsonArray(feature) };

        await (await countyAdminA.PostRawAsync("/api/v1/regions/import", doc.ToJsonString(), "application/geo+json"))
            .ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");
        var admin = await app.AdminAsync();
        await (await admin.GetAsync($"/api/v1/regions/{world.CountyB}-NEW")).ProblemAsync(HttpStatusCode.NotFound, "not-found");
    }
}

public sealed class JurisdictionTestsOnSqlite(SqliteApp app) : JurisdictionTests<SqliteApp>(app);

public sealed class JurisdictionTestsOnPostgres(PostgresApp app) : JurisdictionTests<PostgresApp>(app);
