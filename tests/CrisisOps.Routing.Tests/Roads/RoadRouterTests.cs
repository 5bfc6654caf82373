using CrisisOps.Routing.Roads;
using CrisisOps.Testing;

namespace CrisisOps.Routing.Tests.Roads;

public sealed class RoadRouterTests
{
    private static readonly Lazy<RoadNetwork> LazyKrems =
        new(() => RoadNetwork.Load(RepositoryFiles.PathOf("src", "CrisisOps.Server", "Demo", "krems.osm.gz")));

    private static RoadNetwork Krems => LazyKrems.Value;

    [Fact]
    public void Matrix_OnKrems_EqualsPlainDijkstra()
    {
        var points = RandomPoints(Krems, 80, seed: 7);
        var router = Krems.Router(RoadClosures.None);

        AssertSameTimes(router.MatrixByDijkstra(points), router.Matrix(points));
    }

    [Fact]
    public void Matrix_OnMonacoWithTurnRestrictions_EqualsPlainDijkstra()
    {
        var monaco = RoadNetwork.Load(SharedData.Require("osm", "monaco.osm.pbf"));
        var points = RandomPoints(monaco, 60, seed: 3);
        var router = monaco.Router(RoadClosures.None);

        AssertSameTimes(router.MatrixByDijkstra(points), router.Matrix(points));
    }

    [Fact]
    public void Matrix_WithoutClosures_ReachesEveryPointAndAgreesWithPath()
    {
        var points = RandomPoints(Krems, 12, seed: 11);
        var router = Krems.Router(RoadClosures.None);

        var matrix = router.Matrix(points);

        Assert.Equal(points.Count, matrix.Count);
        for (var i = 0; i < points.Count; i++)
        {
            Assert.Equal(0, matrix.Seconds(i, i));
            for (var j = 0; j < points.Count; j++)
            {
                Assert.True(matrix.IsReachable(i, j), $"{i} → {j}");
                var path = router.Path(points[i], points[j]);
                Assert.NotNull(path);
                Assert.Equal(matrix.Seconds(i, j), path.Seconds, 6);
                Assert.Equal(matrix.Meters(i, j), path.Meters, 3);
                Assert.Equal(points[i].OnRoad, path.Geometry[0]);
                Assert.Equal(points[j].OnRoad, path.Geometry[^1]);
                // The geometry is the driven path, so it is as long as the metres reported (haversine both).
                var length = path.Geometry.Zip(path.Geometry.Skip(1)).Sum(p => Geo.Meters(p.First, p.Second));
                Assert.InRange(length, path.Meters - 0.5, path.Meters + 0.5);
            }
        }
    }

    [Fact]
    public void Matrix_OneWayStreet_IsDrivenOnlyOneWay()
    {
        foreach (var (oneway, forward) in new[] { ("yes", true), ("-1", false) })
        {
            var map = Square().Way(14, [1, 7, 4], ("highway", "residential"), ("oneway", oneway));
            var network = map.Load();
            var a = network.Snap(map.Between(1, 7))!;
            var b = network.Snap(map.Between(7, 4))!;

            var matrix = network.Router(RoadClosures.None).Matrix([a, b]);

            var (with, against) = forward ? (matrix.Seconds(0, 1), matrix.Seconds(1, 0)) : (matrix.Seconds(1, 0), matrix.Seconds(0, 1));
            Assert.Equal(14, a.WayId);
            Assert.True(against > 2 * with, $"oneway={oneway}: with {with} s, against {against} s");
        }
    }

    [Fact]
    public void Path_ThroughAJunction_CostsThePartialSegmentsAtTheWaySpeed()
    {
        var map = Square().Way(14, [1, 7, 4], ("highway", "residential"));
        var network = map.Load();
        var (a, b) = (network.Snap(map.Between(1, 2, 0.25))!, network.Snap(map.Between(2, 4, 0.5))!);

        var path = network.Router(RoadClosures.None).Path(a, b)!;

        var meters = Geo.Meters(a.OnRoad, map.At(2)) + Geo.Meters(map.At(2), b.OnRoad);
        Assert.Equal(meters, path.Meters, 6);
        // Whole milliseconds per segment, then the fractions of them at each end.
        Assert.Equal(meters / (RoadProfile.Car.Speeds["residential"] / 3.6), path.Seconds, 2);
        Assert.Equal([a.OnRoad, map.At(2), b.OnRoad], path.Geometry);
    }

    [Fact]
    public void Path_NoTurnRestriction_TakesTheDetour()
    {
        var open = Square().Way(14, [1, 7, 4], ("highway", "residential"));
        var restricted = Square().Way(14, [1, 7, 4], ("highway", "residential")).Restriction(99, "no_right_turn", 10, 2, 11);
        var direct = PathSouthToEast(open);
        var detour = PathSouthToEast(restricted);

        Assert.DoesNotContain(open.At(7), direct.Geometry);
        Assert.Contains(restricted.At(7), detour.Geometry);
        Assert.True(detour.Seconds > direct.Seconds);
        Assert.Equal(1, restricted.Load().TurnRestrictions);
    }

    [Fact]
    public void Path_OnlyStraightOn_ForbidsTheTurn()
    {
        var map = Square().Way(14, [1, 7, 4], ("highway", "residential")).Restriction(99, "only_straight_on", 10, 2, 12);

        var path = PathSouthToEast(map);

        Assert.Contains(map.At(7), path.Geometry);
    }

    [Fact]
    public void Path_ClosedWay_IsAvoidedAndSlower()
    {
        var router = Krems.Router(RoadClosures.None);
        var points = RandomPoints(Krems, 40, seed: 5);
        var (from, to, before, closed) = FindPathThroughAnotherWay(router, points);

        var closures = new RoadClosures(new HashSet<long> { closed.Id }, []);
        var after = Krems.Router(closures).Path(from, to);

        Assert.Contains(closed, Krems.ClosedWays(closures));
        Assert.True(after is null || after.Seconds > before.Seconds, $"{before.Seconds} s before, {after?.Seconds} s after");
        Assert.True(after is null || !Uses(after, closed), "the path still uses the closed way");
    }

    [Fact]
    public void Matrix_EveryWayAroundAPointClosed_MakesItUnreachable()
    {
        var points = RandomPoints(Krems, 20, seed: 9);
        var point = points[0];
        var own = Krems.Way(point.WayId)!;
        var ownNodes = own.Geometry.ToHashSet();
        var around = Krems.Ways.Where(w => w.Id != own.Id && w.Geometry.Any(ownNodes.Contains)).Select(w => w.Id).ToHashSet();
        var others = points.Skip(1).Where(p => p.WayId != own.Id).ToList();
        Assert.NotEmpty(around);
        Assert.True(Krems.Router(RoadClosures.None).Matrix([point, .. others]).IsReachable(0, 1));

        var matrix = Krems.Router(new RoadClosures(around, [])).Matrix([point, .. others]);

        for (var j = 1; j <= others.Count; j++)
        {
            Assert.False(matrix.IsReachable(0, j), $"to {j}");
            Assert.False(matrix.IsReachable(j, 0), $"from {j}");
            Assert.Equal(double.PositiveInfinity, matrix.Meters(0, j));
        }

        Assert.Null(Krems.Router(new RoadClosures(around, [])).Path(point, others[0]));
    }

    [Fact]
    public void Path_AreaClosure_AvoidsTheArea()
    {
        var router = Krems.Router(RoadClosures.None);
        var points = RandomPoints(Krems, 40, seed: 13);
        foreach (var (from, to) in points.Zip(points.Skip(1)))
        {
            var before = router.Path(from, to);
            if (before is null || before.Geometry.Count < 6)
            {
                continue;
            }

            var middle = before.Geometry[before.Geometry.Count / 2];
            if (Geo.Meters(middle, from.OnRoad) < 400 || Geo.Meters(middle, to.OnRoad) < 400)
            {
                continue;
            }

            IReadOnlyList<Coordinate> square =
            [
                new(middle.Latitude - 0.0004, middle.Longitude - 0.0006), new(middle.Latitude - 0.0004, middle.Longitude + 0.0006),
                new(middle.Latitude + 0.0004, middle.Longitude + 0.0006), new(middle.Latitude + 0.0004, middle.Longitude - 0.0006),
            ];
            var closures = new RoadClosures(new HashSet<long>(), [square]);
            var area = new AreaTest(square, 0);

            var after = Krems.Router(closures).Path(from, to);

            Assert.NotEmpty(Krems.ClosedWays(closures));
            Assert.True(after is null || after.Seconds > before.Seconds);
            Assert.True(after is null || !after.Geometry.Zip(after.Geometry.Skip(1)).Any(p => area.Touches(p.First, p.Second)), "the path enters the area");
            return;
        }

        Assert.Fail("No pair of points had a long enough path to close its middle.");
    }

    [Fact]
    public void Matrix_PointOnClosedWay_LeavesAndIsReachedFromNowhere()
    {
        var points = RandomPoints(Krems, 6, seed: 17);
        var closures = new RoadClosures(new HashSet<long> { points[0].WayId }, []);

        var matrix = Krems.Router(closures).Matrix(points);

        Assert.Equal(0, matrix.Seconds(0, 0));
        Assert.All(Enumerable.Range(1, 5).Where(j => points[j].WayId != points[0].WayId), j => Assert.False(matrix.IsReachable(0, j)));
    }

    [Fact]
    public void Router_WithClosureAreaTooSmall_ThrowsRoadDataException()
    {
        var closures = new RoadClosures(new HashSet<long>(), [[new(48.4, 15.6), new(48.41, 15.61)]]);

        Assert.Throws<RoadDataException>(() => Krems.Router(closures));
        Assert.Throws<RoadDataException>(() => Krems.ClosedWays(closures));
    }

    [Fact]
    public void Router_SameClosuresByContent_IsPreparedOnce()
    {
        var id = RandomPoints(Krems, 1, seed: 1)[0].WayId;

        var first = Krems.Router(new RoadClosures(new HashSet<long> { id }, []));
        var second = Krems.Router(new RoadClosures(new HashSet<long> { id }, []));

        Assert.Same(first, second);
        Assert.Same(Krems.Router(RoadClosures.None), Krems.Router(new RoadClosures(new HashSet<long> { -1 }, [])));
        Assert.NotSame(first, Krems.Router(RoadClosures.None));
    }

    [Fact]
    public void Snap_FarFromAnyRoad_IsNull()
    {
        Assert.Null(Krems.Snap(new Coordinate(48.9, 15.6)));
        Assert.Null(Krems.Snap(new Coordinate(-33.9, 151.2), 100_000));
    }

    [Fact]
    public void Snap_OnARoad_ReturnsThatRoad()
    {
        var map = Square().Way(14, [1, 7, 4], ("highway", "residential"));
        var network = map.Load();
        var near = new Coordinate(map.Between(2, 4).Latitude + 0.0001, map.Between(2, 4).Longitude);

        var snapped = network.Snap(near, 50)!;

        Assert.Equal(11, snapped.WayId);
        Assert.Equal(near, snapped.Requested);
        Assert.InRange(snapped.OffsetMeters, 10.5, 11.5);
        Assert.Equal(map.Between(2, 4).Longitude, snapped.OnRoad.Longitude, 6);
        Assert.Null(network.Snap(near, 5));
    }

    [Fact]
    public void Matrix_ParallelCalls_Agree()
    {
        var points = RandomPoints(Krems, 40, seed: 21);
        var router = Krems.Router(RoadClosures.None);
        var expected = router.Matrix(points);
        var results = new TravelMatrix[8];
        var paths = new RoadPath?[8];

        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, k =>
        {
            results[k] = Krems.Router(RoadClosures.None).Matrix(points);
            paths[k] = router.Path(points[k], points[^(k + 1)]);
        });

        Assert.All(results, r => AssertSameTimes(expected, r));
        for (var k = 0; k < paths.Length; k++)
        {
            Assert.Equal(expected.Seconds(k, points.Count - 1 - k), paths[k]!.Seconds, 6);
        }
    }

    [Fact]
    public void Matrix_PointSnappedElsewhere_IsSnappedAgain()
    {
        var points = RandomPoints(Krems, 3, seed: 23);
        var copy = new SnappedPoint { Requested = points[1].Requested, OnRoad = points[1].OnRoad, WayId = points[1].WayId };
        var router = Krems.Router(RoadClosures.None);

        var matrix = router.Matrix([points[0], copy]);

        Assert.Equal(router.Matrix(points).Seconds(0, 1), matrix.Seconds(0, 1), 6);
    }

    [Fact]
    public void TravelMatrix_FromArrays_ReadsBackAndRejectsBadShapes()
    {
        var matrix = new TravelMatrix(new double[,] { { 0, 60 }, { double.PositiveInfinity, 0 } }, new double[,] { { 0, 900 }, { double.PositiveInfinity, 0 } });

        Assert.Equal(2, matrix.Count);
        Assert.Equal(60, matrix.Seconds(0, 1));
        Assert.Equal(900, matrix.Meters(0, 1));
        Assert.False(matrix.IsReachable(1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => matrix.Seconds(2, 0));
        Assert.Throws<ArgumentException>(() => new TravelMatrix(new double[2, 3], new double[2, 3]));
        Assert.Throws<ArgumentException>(() => new TravelMatrix(new double[,] { { -1 } }, new double[,] { { 0 } }));
    }

    /// <summary>
    /// Node 2 is a junction: road 10 comes up from the south (node 1), road 11 leaves east (node 4), road 12 north
    /// (node 3). Road 14 (added by each test so it can tag it) runs round the south-east corner, 1 → 7 → 4: the way
    /// east when the turn at 2 is not allowed. Turning back at the dead end north is longer than that.
    /// </summary>
    private static OsmBuilder Square() => new OsmBuilder()
        .Node(1, 48.000, 15.000).Node(2, 48.001, 15.000).Node(3, 48.002, 15.000)
        .Node(4, 48.001, 15.001).Node(7, 48.000, 15.001)
        .Way(10, [1, 2], ("highway", "residential"))
        .Way(11, [2, 4], ("highway", "residential"))
        .Way(12, [2, 3], ("highway", "residential"));

    private static RoadPath PathSouthToEast(OsmBuilder map)
    {
        var network = map.Load();
        var path = network.Router(RoadClosures.None).Path(network.Snap(map.Between(1, 2))!, network.Snap(map.Between(2, 4))!);
        Assert.NotNull(path);
        return path;
    }

    private static (SnappedPoint From, SnappedPoint To, RoadPath Path, RoadWay Way) FindPathThroughAnotherWay(RoadRouter router, List<SnappedPoint> points)
    {
        foreach (var (from, to) in points.Zip(points.Skip(1)))
        {
            if (router.Path(from, to) is not { } path || path.Geometry.Count < 8)
            {
                continue;
            }

            var used = Krems.Ways.FirstOrDefault(w => w.Id != from.WayId && w.Id != to.WayId && Uses(path, w));
            if (used is not null)
            {
                return (from, to, path, used);
            }
        }

        throw new InvalidOperationException("No path runs through a way other than its ends'.");
    }

    private static bool Uses(RoadPath path, RoadWay way)
    {
        var pairs = way.Geometry.Zip(way.Geometry.Skip(1)).SelectMany(p => new[] { (p.First, p.Second), (p.Second, p.First) }).ToHashSet();
        return path.Geometry.Zip(path.Geometry.Skip(1)).Any(pairs.Contains);
    }

    private static void AssertSameTimes(TravelMatrix expected, TravelMatrix actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            for (var j = 0; j < expected.Count; j++)
            {
                Assert.Equal(expected.IsReachable(i, j), actual.IsReachable(i, j));
                if (expected.IsReachable(i, j))
                {
                    Assert.Equal(expected.Seconds(i, j), actual.Seconds(i, j), 6);
                }
            }
        }
    }

    internal static List<SnappedPoint> RandomPoints(RoadNetwork network, int count, int seed)
    {
        var nodes = network.Graph.Nodes;
        var (minLat, maxLat) = (nodes.Min(c => c.Latitude), nodes.Max(c => c.Latitude));
        var (minLon, maxLon) = (nodes.Min(c => c.Longitude), nodes.Max(c => c.Longitude));
        var random = new Random(seed);
        var points = new List<SnappedPoint>();
        while (points.Count < count)
        {
            var p = new Coordinate(minLat + (random.NextDouble() * (maxLat - minLat)), minLon + (random.NextDouble() * (maxLon - minLon)));
            if (network.Snap(p, 300) is { } snapped)
            {
                points.Add(snapped);
            }
        }

        return points;
    }
}
