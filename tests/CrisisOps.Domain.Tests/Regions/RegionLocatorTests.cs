using CrisisOps.Domain.Regions;
using NetTopologySuite.Geometries;

namespace CrisisOps.Domain.Tests.Regions;

public sealed class RegionLocatorTests
{
    private static Polygon Rect(double w, double s, double e, double n) => GeoJson.Factory.CreatePolygon(
        [new(w, s), new(e, s), new(e, n), new(w, n), new(w, s)]);

    private static RegionLocator Tree() => new(
    [
        new RegionBoundary("CITY", 2, Rect(0, 0, 10, 10)),
        new RegionBoundary("WEST", 3, Rect(0, 0, 5, 10)),
        new RegionBoundary("EAST", 3, Rect(5, 0, 10, 10)),
        new RegionBoundary("WEST-N", 5, Rect(0, 5, 5, 10)),
    ]);

    [Fact]
    public void Locate_WhenPointInNestedRegions_ReturnsDeepest()
    {
        var locator = Tree();
        Assert.Equal("WEST-N", locator.Locate(new GeoPoint(7, 2)));
        Assert.Equal("WEST", locator.Locate(new GeoPoint(2, 2)));
        Assert.Equal("EAST", locator.Locate(new GeoPoint(2, 8)));
    }

    [Fact]
    public void Locate_WhenOutsideEverything_ReturnsNull()
    {
        Assert.Null(Tree().Locate(new GeoPoint(20, 20)));
        Assert.Null(RegionLocator.Empty.Locate(new GeoPoint(0, 0)));
    }

    [Fact]
    public void Locate_WhenOnSharedBoundary_PicksOneDeterministically()
    {
        // On the line between WEST and EAST (same depth) the ordinal-smallest code wins, every time.
        Assert.Equal("EAST", Tree().Locate(new GeoPoint(2, 5)));
    }

    [Fact]
    public void Locate_WhenCompared_AgreesWithBruteForceScan()
    {
        var random = new Random(42);
        var boundaries = new List<RegionBoundary>();
        for (var i = 0; i < 20; i++)
        {
            for (var j = 0; j < 20; j++)
            {
                boundaries.Add(new RegionBoundary($"C{i}-{j}", 5, Rect(i, j, i + 1, j + 1)));
            }
        }

        boundaries.Add(new RegionBoundary("ALL", 1, Rect(0, 0, 20, 20)));
        var locator = new RegionLocator(boundaries);
        for (var n = 0; n < 2000; n++)
        {
            var point = new GeoPoint(random.NextDouble() * 22 - 1, random.NextDouble() * 22 - 1);
            Assert.Equal(locator.LocateByScan(point), locator.Locate(point));
        }
    }

    [Fact]
    public void GeoPoint_WhenOutOfRange_Throws()
    {
        Assert.Equal("coordinates-out-of-range", Assert.Throws<DomainException>(() => new GeoPoint(91, 0)).Code);
        Assert.Throws<DomainException>(() => new GeoPoint(0, -180.5));
        Assert.Throws<DomainException>(() => new GeoPoint(double.NaN, 0));
    }

    [Fact]
    public void RegionPath_WhenCodesSharePrefix_DoesNotConfuseSiblings()
    {
        var parent = RegionPath.Of(["P", "A"]);
        Assert.Equal("/P/A/", parent);
        Assert.True(RegionPath.Covers(parent, "/P/A/B/"));
        Assert.False(RegionPath.Covers(parent, "/P/AB/"));
        Assert.False(RegionPath.Covers(parent, null));
        Assert.Equal(["P", "A", "B"], RegionPath.Codes("/P/A/B/"));
    }
}
