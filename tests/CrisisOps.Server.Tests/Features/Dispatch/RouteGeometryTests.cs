using CrisisOps.Routing.Roads;
using CrisisOps.Server.Features.Dispatch;

namespace CrisisOps.Server.Tests.Features.Dispatch;

/// <summary>Which routes drive through a closed way: along it, not merely across it at a junction.</summary>
public sealed class RouteGeometryTests
{
    // A closed way running east along latitude 48.41.
    private static readonly RoadWay Closed = new(1, "Closed street", "residential", false, false, false, 0, 30,
        [new Coordinate(48.41, 15.600), new Coordinate(48.41, 15.610)]);

    [Fact]
    public void RouteCrossingAtJunction_IsNotFlagged()
    {
        // North across the junction at 15.605, the route's vertices 4.4 m beyond it (a short segment whose middle lies
        // within 3 m of the closed way, which the midpoint test alone took for driving along it).
        double[][] line = [[15.605, 48.4095], [15.605, 48.41], [15.605, 48.41004], [15.605, 48.411]];
        Assert.False(RouteGeometry.Uses(line, [Closed], []));
    }

    [Fact]
    public void RouteAlongTheWay_IsFlagged()
    {
        double[][] line = [[15.605, 48.4095], [15.605, 48.41], [15.607, 48.41], [15.607, 48.411]];
        Assert.True(RouteGeometry.Uses(line, [Closed], []));
    }
}
