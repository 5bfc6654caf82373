using System.Net;
using System.Text.Json.Nodes;
using CrisisOps.Testing;

namespace CrisisOps.Server.Tests.Features;

public abstract class RegionApiTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : CrisisOpsApp
{
    private static string Collection(params JsonObject[] features) =>
        new JsonObject { ["type"] = "FeatureCollection", ["features"] = new JsonArray(features) }.ToJsonString();

    private async Task<HttpResponseMessage> ImportAsync(string json, bool dryRun = false) =>
        await (await app.AdminAsync()).PostRawAsync($"/api/v1/regions/import?dryRun={dryRun}", json, "application/geo+json");

    [Fact]
    public async Task Import_WhenValid_StoresTreeSitesAndJournalsIt()
    {
        var world = RegionWorld.Next();

        var result = await (await ImportAsync(world.ToGeoJson())).OkJsonAsync();

        Assert.Equal(10, result.GetProperty("regions").GetInt32());
        Assert.Equal(2, result.GetProperty("sites").GetInt32());
        var admin = await app.AdminAsync();
        var detail = await admin.GetJsonAsync($"/api/v1/regions/{world.CommunityA1}");
        Assert.Equal([world.Province, world.City, world.CountyA, world.TownshipA, world.CommunityA1],
            detail.GetProperty("chain").EnumerateArray().Select(r => r.GetProperty("code").GetString()).ToArray());
        Assert.Equal("community", detail.GetProperty("region").GetProperty("level").GetString());
        Assert.Contains("low-lying", detail.GetProperty("region").GetProperty("attributes").EnumerateArray().Select(a => a.GetString()));
        var site = Assert.Single(detail.GetProperty("sites").EnumerateArray());
        Assert.Equal("nursing-home", site.GetProperty("type").GetString());
        Assert.Equal(world.CommunityA1, site.GetProperty("regionCode").GetString());
        var journal = await admin.GetJsonAsync($"/api/v1/journal?type=regions.imported&region={world.Province}");
        Assert.Equal(10, Assert.Single(journal.GetProperty("items").EnumerateArray()).GetProperty("payload").GetProperty("regions").GetInt32());
    }

    [Fact]
    public async Task Import_WhenReimported_UpdatesInPlace()
    {
        var world = RegionWorld.Next();
        await (await ImportAsync(world.ToGeoJson())).OkJsonAsync();
        var doc = world.Features();
        doc["features"]![2]!["properties"]!["name_en"] = "Renamed county";

        await (await ImportAsync(doc.ToJsonString())).OkJsonAsync();

        var admin = await app.AdminAsync();
        Assert.Equal("Renamed county", (await admin.GetJsonAsync($"/api/v1/regions/{world.CountyA}")).GetProperty("region").GetProperty("nameEn").GetString());
    }

    [Fact]
    public async Task Import_WhenAnyFeatureInvalid_ListsEveryErrorAndStoresNothing()
    {
        var world = RegionWorld.Next();
        var doc = world.Features();
        var features = doc["features"]!.AsArray();
        features.Add(RegionWorld.Region(world.Prefix + "-ORPHAN", "NO-SUCH-PARENT", "community", null));
        features.Add(RegionWorld.Region(world.CountyA, world.City, "county", null));
        features.Add(RegionWorld.Region(world.Prefix + "-BOWTIE", world.City, "county", new JsonObject
        {
            ["type"] = "Polygon",
            ["coordinates"] = new JsonArray(new JsonArray(
                new JsonArray(world.West, world.South), new JsonArray(world.West + 0.1, world.South + 0.1),
                new JsonArray(world.West + 0.1, world.South), new JsonArray(world.West, world.South + 0.1),
                new JsonArray(world.West, world.South))),
        }));

        var problem = await (await ImportAsync(doc.ToJsonString())).ProblemAsync(HttpStatusCode.UnprocessableEntity, "region-import-invalid");

        var errors = problem.GetProperty("features").EnumerateArray().ToDictionary(f => f.GetProperty("index").GetInt32(),
            f => string.Join(" | ", f.GetProperty("errors").EnumerateArray().Select(e => e.GetString())));
        Assert.Contains("unknown parent", errors[12], StringComparison.Ordinal);
        Assert.Contains("duplicate code", errors[13], StringComparison.Ordinal);
        Assert.Contains("Self-intersection", errors[14], StringComparison.OrdinalIgnoreCase);
        var admin = await app.AdminAsync();
        await (await admin.GetAsync($"/api/v1/regions/{world.Province}")).ProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Import_WhenParentsFormCycle_Refuses()
    {
        var doc = Collection(
            RegionWorld.Region("CYC-A", "CYC-B", "township", null),
            RegionWorld.Region("CYC-B", "CYC-A", "township", null));

        var problem = await (await ImportAsync(doc)).ProblemAsync(HttpStatusCode.UnprocessableEntity, "region-import-invalid");

        Assert.Contains("cycle", problem.GetProperty("features").GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_WhenChildReachesOutsideParent_WarnsButImports()
    {
        var world = RegionWorld.Next();
        var doc = world.Features();
        doc["features"]!.AsArray().Add(RegionWorld.Region(world.Prefix + "-SPILL", world.TownshipA, "community",
            RegionWorld.Rect(world.West + 0.3, world.South + 0.1, world.West + 0.5, world.South + 0.2)));

        var result = await (await ImportAsync(doc.ToJsonString())).OkJsonAsync();

        var warning = Assert.Single(result.GetProperty("warnings").EnumerateArray());
        Assert.Equal(world.Prefix + "-SPILL", warning.GetProperty("code").GetString());
        Assert.Contains("outside its parent", warning.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_WhenDryRun_ValidatesAndStoresNothing()
    {
        var world = RegionWorld.Next();

        var result = await (await ImportAsync(world.ToGeoJson(), dryRun: true)).OkJsonAsync();

        Assert.True(result.GetProperty("dryRun").GetBoolean());
        var admin = await app.AdminAsync();
        await (await admin.GetAsync($"/api/v1/regions/{world.Province}")).ProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Import_WhenNotFeatureCollection_Returns422AndMalformedReturns400()
    {
        await (await ImportAsync("{\"type\":\"Feature\"}")).ProblemAsync(HttpStatusCode.UnprocessableEntity, "not-a-feature-collection");
        await (await ImportAsync("{\"type\":\"FeatureCollection\", \"features\": [")).ProblemAsync(HttpStatusCode.BadRequest, "malformed-json");
    }

    [Fact]
    public async Task Import_WhenCallerNotAdmin_Returns403()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("duty-officer", world.Province));
        await (await officer.PostRawAsync("/api/v1/regions/import", RegionWorld.Next().ToGeoJson(), "application/geo+json"))
            .ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Locate_WhenInsideCommunity_ReturnsDeepestRegionWithChain()
    {
        var world = await app.WorldAsync();
        var analyst = await app.UserAsync(("analyst", world.City));
        var (lat, lon) = world.PointIn(world.CommunityB2);

        var located = await analyst.GetJsonAsync(FormattableString.Invariant($"/api/v1/regions/locate?lat={lat}&lon={lon}"));

        Assert.Equal(world.CommunityB2, located.GetProperty("code").GetString());
        Assert.Equal(5, located.GetProperty("chain").GetArrayLength());
    }

    [Fact]
    public async Task Locate_WhenOutOfRangeOrNowhere_AnswersProblems()
    {
        var admin = await app.AdminAsync();
        var problem = await (await admin.GetAsync("/api/v1/regions/locate?lat=123&lon=500")).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("lat", out _));
        await (await admin.GetAsync("/api/v1/regions/locate?lat=89.99&lon=179.99")).ProblemAsync(HttpStatusCode.NotFound, "outside-all-regions");
        await (await admin.GetAsync("/api/v1/regions/locate?lat=abc&lon=1")).ProblemAsync(HttpStatusCode.BadRequest, "malformed-request");
    }

    [Fact]
    public async Task List_WhenFilteredByParentAndLevel_ReturnsChildren()
    {
        var world = await app.WorldAsync();
        var admin = await app.AdminAsync();

        var children = await admin.GetJsonAsync($"/api/v1/regions?parent={world.TownshipB}&level=community");

        Assert.Equal([world.CommunityB1, world.CommunityB2],
            children.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("code").GetString()).ToArray());
        await (await admin.GetAsync("/api/v1/regions?level=planet")).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
    }
}

public sealed class RegionApiTestsOnSqlite(SqliteApp app) : RegionApiTests<SqliteApp>(app);

public sealed class RegionApiTestsOnPostgres(PostgresApp app) : RegionApiTests<PostgresApp>(app);
