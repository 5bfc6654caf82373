namespace CrisisOps.Routing.Roads;

/// <summary>The drivable road graph of an extract: load once per process, share between threads.</summary>
/// <remarks>
/// The graph keeps the largest strongly connected part of the roads, so every snapped point can reach every other
/// when nothing is closed; <see cref="Ways"/> still lists every drivable way read, for maps. Turn restrictions
/// (<c>type=restriction</c> relations with a via node, <c>no_*</c> and <c>only_*</c>, for all vehicles or
/// <c>restriction:motorcar</c>) are applied; via-way restrictions, conditional ones and those for other vehicle
/// classes are read and ignored (<see cref="IgnoredTurnRestrictions"/> counts them). The graph is node-based, so a
/// vehicle may turn back at any road node (and a snapped point may set off either way along a two-way road): a
/// route may thus turn round behind a forbidden turn when that is quicker than the way round the block.
/// </remarks>
public sealed partial class RoadNetwork
{
    private const int CachedRouters = 8;

    private readonly SegmentGrid _grid;
    private readonly RouterCache _routers = new(CachedRouters);

    private RoadNetwork(RoadGraph graph, RoadProfile profile)
    {
        Graph = graph;
        Profile = profile;
        _grid = new SegmentGrid(graph);
        EdgeCount = Enumerable.Range(0, graph.SegmentCount * 2).Count(graph.Open);
    }

    public RoadProfile Profile { get; }

    /// <summary>Loads a file, OSM XML (plain or gzip) or PBF, told apart by its first bytes.</summary>
    /// <exception cref="RoadDataException">The file cannot be read, is not an extract, or holds no drivable road.</exception>
    public static RoadNetwork Load(string path, RoadProfile? profile = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        profile ??= RoadProfile.Car;
        return new RoadNetwork(RoadGraph.Build(OsmRoadReader.Read(path, profile)), profile);
    }

    /// <summary>Loads an extract from a stream (XML may be gzip; that is detected).</summary>
    /// <exception cref="RoadDataException">The stream is not an extract of that format, or holds no drivable road.</exception>
    public static RoadNetwork Load(Stream stream, OsmFileFormat format, RoadProfile? profile = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        profile ??= RoadProfile.Car;
        return new RoadNetwork(RoadGraph.Build(OsmRoadReader.Read(stream, format, profile, "The road extract")), profile);
    }

    /// <summary>Road nodes in the routable graph (the largest strongly connected part).</summary>
    public int NodeCount => Graph.Nodes.Length;

    /// <summary>Directed road segments cars may drive in the routable graph.</summary>
    public int EdgeCount { get; }

    public IReadOnlyList<RoadWay> Ways => Graph.Ways;

    /// <summary>Turn restrictions applied to the graph.</summary>
    public int TurnRestrictions => Graph.RestrictionsApplied;

    /// <summary>Turn restrictions read but not applied (via ways, other vehicles, members outside the graph).</summary>
    public int IgnoredTurnRestrictions => Graph.RestrictionsIgnored;

    internal RoadGraph Graph { get; }

    public RoadWay? Way(long id) => Graph.WayIndex.TryGetValue(id, out var index) ? Graph.Ways[index] : null;

    /// <summary>The nearest drivable road within <paramref name="maxMeters"/>, or null.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The point is not on the earth, or the distance is negative.</exception>
    public SnappedPoint? Snap(Coordinate point, double maxMeters = 500)
    {
        if (!double.IsFinite(point.Latitude) || !double.IsFinite(point.Longitude) || Math.Abs(point.Latitude) > 90 || Math.Abs(point.Longitude) > 180)
        {
            throw new ArgumentOutOfRangeException(nameof(point), point, "Not a point on the earth.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(maxMeters);
        if (double.IsNaN(maxMeters))
        {
            throw new ArgumentOutOfRangeException(nameof(maxMeters));
        }

        var x = Geo.X(point.Longitude, Graph.CosLatitude);
        var y = Geo.Y(point.Latitude);
        if (_grid.Nearest(x, y, maxMeters) is not var (segment, fraction))
        {
            return null;
        }

        var (a, b) = (Graph.Nodes[Graph.SegmentFrom[segment]], Graph.Nodes[Graph.SegmentTo[segment]]);
        var onRoad = new Coordinate(a.Latitude + (fraction * (b.Latitude - a.Latitude)), a.Longitude + (fraction * (b.Longitude - a.Longitude)));
        var offset = Geo.Meters(point, onRoad);
        return offset > maxMeters ? null : new SnappedPoint
        {
            Requested = point,
            OnRoad = onRoad,
            WayId = Graph.Ways[Graph.SegmentWay[segment]].Id,
            OffsetMeters = offset,
            Network = this,
            Segment = segment,
            Fraction = fraction,
        };
    }

    /// <summary>The ways a set of closures shuts (named ways plus ways crossing an area), for maps and reports.</summary>
    /// <exception cref="RoadDataException">An area has fewer than three points or a point off the earth.</exception>
    public IReadOnlyList<RoadWay> ClosedWays(RoadClosures closures)
    {
        ArgumentNullException.ThrowIfNull(closures);
        var areas = Areas(closures);
        var ids = closures.WayIds ?? new HashSet<long>();
        return [.. Graph.Ways.Where(w => ids.Contains(w.Id)
            || areas.Any(area => w.Geometry.Zip(w.Geometry.Skip(1)).Any(p => area.Touches(p.First, p.Second))))];
    }

    /// <summary>A router that avoids the closures; prepared once per distinct closure set and cached.</summary>
    /// <exception cref="RoadDataException">An area has fewer than three points or a point off the earth.</exception>
    public RoadRouter Router(RoadClosures closures)
    {
        ArgumentNullException.ThrowIfNull(closures);
        var closed = ClosedSegments(closures);
        var key = new ClosedSet([.. Enumerable.Range(0, closed.Length).Where(s => closed[s])]);
        return _routers.GetOrAdd(key, () => new RoadRouter(this, closures, closed));
    }

    /// <summary>The point itself when it was snapped here; otherwise its on-road position snapped again (within 50 m).</summary>
    internal SnappedPoint OnThisNetwork(SnappedPoint point) =>
        ReferenceEquals(point.Network, this) && point.Segment >= 0 && point.Segment < Graph.SegmentCount
            ? point
            : Snap(point.OnRoad, 50) ?? new SnappedPoint { Requested = point.Requested, OnRoad = point.OnRoad, WayId = point.WayId };

    internal bool[] ClosedSegments(RoadClosures closures)
    {
        var areas = Areas(closures);
        var ids = closures.WayIds ?? new HashSet<long>();
        var closed = new bool[Graph.SegmentCount];
        for (var s = 0; s < closed.Length; s++)
        {
            var (a, b) = (Graph.Nodes[Graph.SegmentFrom[s]], Graph.Nodes[Graph.SegmentTo[s]]);
            closed[s] = ids.Contains(Graph.Ways[Graph.SegmentWay[s]].Id) || areas.Any(area => area.Touches(a, b));
        }

        return closed;
    }

    private static AreaTest[] Areas(RoadClosures closures) =>
        [.. (closures.Areas ?? []).Select((ring, i) => new AreaTest(ring, i))];
}
