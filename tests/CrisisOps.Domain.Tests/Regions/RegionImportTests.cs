using System.Text.Json;
using System.Text.Json.Nodes;
using CrisisOps.Domain.Regions;
using CrisisOps.Testing;

namespace CrisisOps.Domain.Tests.Regions;

public sealed class RegionImportTests
{
    private static readonly Dictionary<string, ExistingRegion> Nothing = new(StringComparer.Ordinal);

    private static RegionImportPlan Plan(JsonObject doc, IReadOnlyDictionary<string, ExistingRegion>? existing = null) =>
        RegionImport.Plan(JsonDocument.Parse(doc.ToJsonString()).RootElement, existing ?? Nothing);

    private static JsonObject Collection(params JsonObject[] features) =>
        new() { ["type"] = "FeatureCollection", ["features"] = new JsonArray(features) };

    [Fact]
    public void Plan_WhenWorldValid_PlansEveryRegionWithPathsAndLocatesSites()
    {
        var world = RegionWorld.Next();

        var plan = Plan(world.Features());

        Assert.True(plan.IsValid);
        Assert.Equal(10, plan.Regions.Count);
        Assert.Equal(world.PathOf(world.CommunityB2), plan.Regions.Single(r => r.Definition.Code.Value == world.CommunityB2).Path);
        var school = plan.Sites.Single(s => s.Definition.Type == SiteType.School);
        Assert.Equal(world.CommunityB2, school.RegionCode);
        Assert.Empty(plan.Warnings);
    }

    [Fact]
    public void Plan_WhenParentUnknown_ReportsFeatureAndPlansNothing()
    {
        var plan = Plan(Collection(
            RegionWorld.Region("ROOT", null, "province", null),
            RegionWorld.Region("LOST", "NOWHERE", "city", null)));

        Assert.False(plan.IsValid);
        Assert.Empty(plan.Regions);
        var error = Assert.Single(plan.Errors);
        Assert.Equal(1, error.Index);
        Assert.Equal("LOST", error.Code);
        Assert.Contains("unknown parent 'NOWHERE'", error.Messages[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_WhenParentIsStored_Accepts()
    {
        var existing = new Dictionary<string, ExistingRegion>(StringComparer.Ordinal)
        {
            ["ROOT"] = new("ROOT", null, RegionLevel.Province, "/ROOT/", null),
        };

        var plan = Plan(Collection(RegionWorld.Region("CHILD", "ROOT", "city", null)), existing);

        Assert.True(plan.IsValid);
        Assert.Equal("/ROOT/CHILD/", Assert.Single(plan.Regions).Path);
    }

    [Fact]
    public void Plan_WhenParentsFormCycle_ReportsCycle()
    {
        var plan = Plan(Collection(
            RegionWorld.Region("A", "B", "township", null),
            RegionWorld.Region("B", "A", "township", null)));

        Assert.Contains(plan.Errors, e => e.Messages.Any(m => m.Contains("cycle", StringComparison.Ordinal)));
    }

    [Fact]
    public void Plan_WhenCodeDuplicated_ReportsSecondOccurrence()
    {
        var plan = Plan(Collection(
            RegionWorld.Region("A", null, "province", null),
            RegionWorld.Region("A", null, "province", null)));

        var error = Assert.Single(plan.Errors);
        Assert.Equal(1, error.Index);
        Assert.Contains("duplicate code 'A' (first at feature 0)", error.Messages[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_WhenBoundarySelfIntersects_ReportsWhere()
    {
        var bowtie = new JsonObject
        {
            ["type"] = "Polygon",
            ["coordinates"] = new JsonArray(new JsonArray(
                new JsonArray(0, 0), new JsonArray(1, 1), new JsonArray(1, 0), new JsonArray(0, 1), new JsonArray(0, 0))),
        };

        var plan = Plan(Collection(RegionWorld.Region("BOW", null, "province", bowtie)));

        Assert.Contains("Self-intersection", Assert.Single(plan.Errors).Messages[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_WhenGeometryIsNotAPolygonOrIsGarbage_Reports()
    {
        var plan = Plan(Collection(
            RegionWorld.Region("LINE", null, "province", new JsonObject { ["type"] = "LineString", ["coordinates"] = new JsonArray(new JsonArray(0, 0), new JsonArray(1, 1)) }),
            RegionWorld.Region("JUNK", null, "province", new JsonObject { ["type"] = "Polygon", ["coordinates"] = "nope" }),
            RegionWorld.Region("FAR", null, "province", RegionWorld.Rect(170, 80, 190, 95))));

        Assert.Equal(3, plan.Errors.Count);
        Assert.Contains("Polygon or MultiPolygon", plan.Errors[0].Messages[0], StringComparison.Ordinal);
        Assert.Contains("not valid GeoJSON", plan.Errors[1].Messages[0], StringComparison.Ordinal);
        Assert.Contains("out of range", plan.Errors[2].Messages[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_WhenLevelDoesNotFitUnderParent_Reports()
    {
        var plan = Plan(Collection(
            RegionWorld.Region("C", null, "community", null),
            RegionWorld.Region("P", "C", "province", null)));

        Assert.Contains("cannot sit under", Assert.Single(plan.Errors).Messages[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_WhenChildOutsideParent_WarnsOnly()
    {
        var plan = Plan(Collection(
            RegionWorld.Region("P", null, "province", RegionWorld.Rect(0, 0, 1, 1)),
            RegionWorld.Region("C", "P", "city", RegionWorld.Rect(0.5, 0.5, 1.5, 1.5))));

        Assert.True(plan.IsValid);
        var warning = Assert.Single(plan.Warnings);
        Assert.Equal("C", warning.Code);
        Assert.Contains("75.0", warning.Messages[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_WhenSiteOutsideEveryRegion_Reports()
    {
        var plan = Plan(Collection(
            RegionWorld.Region("P", null, "province", RegionWorld.Rect(0, 0, 1, 1)),
            RegionWorld.Site("S1", "shelter", (5, 5))));

        Assert.Contains("outside every region", Assert.Single(plan.Errors).Messages[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_WhenStoredRegionMovesToAnotherParent_Refuses()
    {
        var existing = new Dictionary<string, ExistingRegion>(StringComparer.Ordinal)
        {
            ["P1"] = new("P1", null, RegionLevel.Province, "/P1/", null),
            ["P2"] = new("P2", null, RegionLevel.Province, "/P2/", null),
            ["C"] = new("C", "P1", RegionLevel.City, "/P1/C/", null),
        };

        var plan = Plan(Collection(RegionWorld.Region("C", "P2", "city", null)), existing);

        Assert.Contains("not supported", Assert.Single(plan.Errors).Messages[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_WhenFieldsMissingOrWrong_ListsAllForTheFeature()
    {
        var feature = new JsonObject
        {
            ["type"] = "Feature",
            ["geometry"] = null,
            ["properties"] = new JsonObject { ["code"] = "bad code!", ["level"] = "galaxy", ["population"] = -5 },
        };

        var plan = Plan(Collection(feature));

        var messages = Assert.Single(plan.Errors).Messages;
        Assert.Contains(messages, m => m.Contains("not a valid code", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("name_zh", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("'level'", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("'population'", StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_WhenNotAFeatureCollection_Throws()
    {
        var ex = Assert.Throws<DomainException>(() => RegionImport.Plan(JsonDocument.Parse("[1,2]").RootElement, Nothing));
        Assert.Equal("not-a-feature-collection", ex.Code);
    }

    [Fact]
    public void Plan_WhenDemoCityShipped_IsValidAndComplete()
    {
        var file = Path.Combine(AppContext.BaseDirectory, "krems-demo.geojson");

        var plan = RegionImport.Plan(JsonDocument.Parse(File.ReadAllText(file)).RootElement, Nothing);

        Assert.True(plan.IsValid, string.Join("; ", plan.Errors.SelectMany(e => e.Messages)));
        Assert.Empty(plan.Warnings);
        Assert.Equal(4, plan.Regions.Count(r => r.Definition.Level == RegionLevel.County));
        Assert.Equal(12, plan.Regions.Count(r => r.Definition.Level == RegionLevel.Township));
        Assert.InRange(plan.Regions.Count(r => r.Definition.Level == RegionLevel.Community), 36, 44);
        Assert.All(plan.Regions, r => Assert.True(r.Definition.IsDemo));
        foreach (var type in Enum.GetValues<SiteType>())
        {
            Assert.Contains(plan.Sites, s => s.Definition.Type == type);
        }

        Assert.All(plan.Sites, s => Assert.StartsWith("/AT-3/KRE/", s.RegionPath, StringComparison.Ordinal));
    }
}
