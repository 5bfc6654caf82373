using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace CrisisOps.Routing.Roads;

/// <summary>Routes on the network with one set of closures: many-to-many matrices and paths. Thread-safe.</summary>
/// <remarks>
/// Prepared once: the open road arcs (closed segments left out) are contracted into a hierarchy. A matrix is then
/// the bucket many-to-many of Knopp, Sanders, Schultes, Schulz and Wagner (2007): one upward backward search per
/// target leaves (target, distance) entries in buckets at the nodes it settles, one upward forward search per source
/// scans the buckets of the nodes it settles. Searches stall nodes that a higher node already reaches more cheaply
/// (stall-on-demand). Times are minimised; metres are those of the fastest path. A point whose own segment is closed
/// cannot leave or be reached (only a point at the very same position is).
/// </remarks>
public sealed partial class RoadRouter
{
    private readonly RoadNetwork _network;
    private readonly RoadGraph _graph;
    private readonly bool[] _closed;
    private readonly ContractionHierarchy _ch;
    private readonly ConcurrentBag<SearchSpace> _spaces = [];

    // The open graph itself (CSR), for the plain Dijkstra that checks the hierarchy and sets the benchmark's baseline.
    private readonly int[] _arcStart;
    private readonly int[] _arcHead;
    private readonly int[] _arcMillis;
    private readonly double[] _arcMeters;

    internal RoadRouter(RoadNetwork network, RoadClosures closures, bool[] closedSegments)
    {
        _network = network;
        _graph = network.Graph;
        _closed = closedSegments;
        Closures = closures;
        var arcs = OpenArcs().ToList();
        var start = new int[_graph.GraphNodeCount + 1];
        foreach (var a in arcs)
        {
            start[a.From + 1]++;
        }

        for (var i = 0; i < _graph.GraphNodeCount; i++)
        {
            start[i + 1] += start[i];
        }

        var fill = start[..^1].ToArray();
        (_arcHead, _arcMillis, _arcMeters) = (new int[arcs.Count], new int[arcs.Count], new double[arcs.Count]);
        foreach (var a in arcs)
        {
            var k = fill[a.From]++;
            (_arcHead[k], _arcMillis[k], _arcMeters[k]) = (a.To, a.Millis, a.Meters);
        }

        _arcStart = start;
        _ch = ContractionHierarchy.Build(_graph.GraphNodeCount, arcs);
    }

    public RoadClosures Closures { get; init; } = RoadClosures.None;

    /// <summary>Shortcuts the preparation added (for the benchmark's report).</summary>
    public int ShortcutCount => _ch.ShortcutCount;

    /// <summary>Travel time and distance between every pair of <paramref name="points"/>, in their order.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="points"/> or one of them is null.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public TravelMatrix Matrix(IReadOnlyList<SnappedPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var ends = Prepare(points);
        var n = ends.Length;
        var seconds = new double[n * n];
        var meters = new double[n * n];
        Array.Fill(seconds, double.PositiveInfinity);
        Array.Fill(meters, double.PositiveInfinity);
        if (n == 0)
        {
            return new TravelMatrix(0, seconds, meters);
        }

        var space = Rent();
        try
        {
            // Backward searches fill the buckets: (node, target, distance, metres), grouped by node.
            var entries = new List<(int Node, int Target, double Millis, double Meters)>();
            for (var j = 0; j < n; j++)
            {
                Upward(space, ends[j].Targets, forward: false);
                foreach (var u in space.Settled)
                {
                    entries.Add((u, j, space.Dist[u], space.Meters[u]));
                }
            }

            var bucketStart = new int[_ch.NodeCount + 1];
            foreach (var e in entries)
            {
                bucketStart[e.Node + 1]++;
            }

            for (var i = 0; i < _ch.NodeCount; i++)
            {
                bucketStart[i + 1] += bucketStart[i];
            }

            var fill = bucketStart[..^1].ToArray();
            var buckets = new (int Target, double Millis, double Meters)[entries.Count];
            foreach (var e in entries)
            {
                buckets[fill[e.Node]++] = (e.Target, e.Millis, e.Meters);
            }

            var best = new double[n];
            var bestMeters = new double[n];
            for (var i = 0; i < n; i++)
            {
                Array.Fill(best, double.PositiveInfinity);
                Array.Fill(bestMeters, double.PositiveInfinity);
                Upward(space, ends[i].Sources, forward: true);
                foreach (var u in space.Settled)
                {
                    var (d, m) = (space.Dist[u], space.Meters[u]);
                    for (var k = bucketStart[u]; k < bucketStart[u + 1]; k++)
                    {
                        var (j, bd, bm) = buckets[k];
                        var total = d + bd;
                        if (total < best[j] || (total == best[j] && m + bm < bestMeters[j]))
                        {
                            (best[j], bestMeters[j]) = (total, m + bm);
                        }
                    }
                }

                for (var j = 0; j < n; j++)
                {
                    Finish(ends, i, j, best[j], bestMeters[j], seconds, meters);
                }
            }
        }
        finally
        {
            _spaces.Add(space);
        }

        return new TravelMatrix(n, seconds, meters);
    }

    /// <summary>The fastest open path, or null when none exists.</summary>
    /// <exception cref="ArgumentNullException">A point is null.</exception>
    public RoadPath? Path(SnappedPoint from, SnappedPoint to)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        var ends = Prepare([from, to]);
        var (source, target) = (ends[0], ends[1]);
        var forward = Rent();
        var backward = Rent();
        try
        {
            Upward(forward, source.Sources, forward: true);
            Upward(backward, target.Targets, forward: false);
            var (meet, best, bestMeters) = (-1, double.PositiveInfinity, double.PositiveInfinity);
            foreach (var u in forward.Settled)
            {
                if (!backward.IsUseful(u))
                {
                    continue;
                }

                var total = forward.Dist[u] + backward.Dist[u];
                var m = forward.Meters[u] + backward.Meters[u];
                if (total < best || (total == best && m < bestMeters))
                {
                    (meet, best, bestMeters) = (u, total, m);
                }
            }

            if (Direct(source, target) is { } direct && (direct.Millis < best || (direct.Millis == best && direct.Meters <= bestMeters)))
            {
                return new RoadPath(Dedupe([source.Point.OnRoad, target.Point.OnRoad]), direct.Millis / 1000, direct.Meters);
            }

            if (meet < 0)
            {
                return null;
            }

            var nodes = new List<int>();
            var climb = new List<int>();
            var u0 = meet;
            while (forward.ParentEdge[u0] >= 0)
            {
                climb.Add(forward.ParentEdge[u0]);
                u0 = forward.ParentNode[u0];
            }

            nodes.Add(u0);
            for (var k = climb.Count - 1; k >= 0; k--)
            {
                Unpack(climb[k], nodes);
            }

            for (var v = meet; backward.ParentEdge[v] >= 0; v = backward.ParentNode[v])
            {
                Unpack(backward.ParentEdge[v], nodes);
            }

            var geometry = new List<Coordinate>(nodes.Count + 2) { source.Point.OnRoad };
            geometry.AddRange(nodes.Select(g => _graph.Nodes[_graph.GraphNodeRoad[g]]));
            geometry.Add(target.Point.OnRoad);
            return new RoadPath(Dedupe(geometry), best / 1000, bestMeters);
        }
        finally
        {
            _spaces.Add(forward);
            _spaces.Add(backward);
        }
    }

    /// <summary>The same matrix by one plain Dijkstra per source on the open graph, stopping once every target is settled.</summary>
    /// <remarks>The reference the hierarchy is tested and benchmarked against; not meant for production use.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal TravelMatrix MatrixByDijkstra(IReadOnlyList<SnappedPoint> points)
    {
        var ends = Prepare(points);
        var n = ends.Length;
        var seconds = new double[n * n];
        var meters = new double[n * n];
        Array.Fill(seconds, double.PositiveInfinity);
        Array.Fill(meters, double.PositiveInfinity);

        // Target seeds grouped by graph node.
        var byNode = new Dictionary<int, List<(int Target, double Millis, double Meters)>>();
        for (var j = 0; j < n; j++)
        {
            foreach (var s in ends[j].Targets)
            {
                if (!byNode.TryGetValue(s.Node, out var list))
                {
                    byNode[s.Node] = list = [];
                }

                list.Add((j, s.Millis, s.Meters));
            }
        }

        var space = Rent();
        try
        {
            var best = new double[n];
            var bestMeters = new double[n];
            for (var i = 0; i < n; i++)
            {
                Array.Fill(best, double.PositiveInfinity);
                Array.Fill(bestMeters, double.PositiveInfinity);
                space.Reset();
                space.Seed(ends[i].Sources);
                var remaining = byNode.Count;
                while (remaining > 0 && space.Queue.TryDequeue(out var u, out var d))
                {
                    if (!space.Settle(u, d))
                    {
                        continue;
                    }

                    var m = space.Meters[u];
                    if (byNode.TryGetValue(u, out var here))
                    {
                        remaining--;
                        foreach (var (j, td, tm) in here)
                        {
                            if (d + td < best[j] || (d + td == best[j] && m + tm < bestMeters[j]))
                            {
                                (best[j], bestMeters[j]) = (d + td, m + tm);
                            }
                        }
                    }

                    for (var a = _arcStart[u]; a < _arcStart[u + 1]; a++)
                    {
                        space.Improve(_arcHead[a], d + _arcMillis[a], m + _arcMeters[a], u, a);
                    }
                }

                for (var j = 0; j < n; j++)
                {
                    Finish(ends, i, j, best[j], bestMeters[j], seconds, meters);
                }
            }
        }
        finally
        {
            _spaces.Add(space);
        }

        return new TravelMatrix(n, seconds, meters);
    }

    /// <summary>The graph's arcs with the closed segments left out.</summary>
    internal IEnumerable<GraphArc> OpenArcs()
    {
        for (var s = 0; s < _graph.SegmentCount; s++)
        {
            if (_closed[s])
            {
                continue;
            }

            for (var d = 2 * s; d <= (2 * s) + 1; d++)
            {
                if (!_graph.Open(d))
                {
                    continue;
                }

                for (var k = _graph.TailStart[d]; k < _graph.TailStart[d + 1]; k++)
                {
                    yield return new GraphArc(_graph.Tails[k], _graph.Head[d], _graph.SegmentMillis[s], _graph.SegmentMeters[s]);
                }
            }
        }
    }

    private void Finish(Endpoint[] ends, int i, int j, double millis, double metres, double[] seconds, double[] meters)
    {
        if (i == j)
        {
            (millis, metres) = (0, 0);
        }
        else if (Direct(ends[i], ends[j]) is { } direct && (direct.Millis < millis || (direct.Millis == millis && direct.Meters < metres)))
        {
            (millis, metres) = (direct.Millis, direct.Meters);
        }

        if (!double.IsPositiveInfinity(millis))
        {
            seconds[(i * ends.Length) + j] = millis / 1000;
            meters[(i * ends.Length) + j] = metres;
        }
    }

    /// <summary>An upward search of the hierarchy from the seeds; leaves the exact (unstalled) nodes in <see cref="SearchSpace.Settled"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Upward(SearchSpace space, Seed[] seeds, bool forward)
    {
        space.Reset();
        space.Seed(seeds);
        var (relaxStart, relaxNode, relaxEdge) = forward ? (_ch.UpStart, _ch.UpTarget, _ch.UpEdge) : (_ch.DownStart, _ch.DownSource, _ch.DownEdge);
        var (stallStart, stallNode, stallEdge) = forward ? (_ch.DownStart, _ch.DownSource, _ch.DownEdge) : (_ch.UpStart, _ch.UpTarget, _ch.UpEdge);
        while (space.Queue.TryDequeue(out var u, out var d))
        {
            if (!space.Settle(u, d))
            {
                continue;
            }

            // Stall-on-demand: a higher node that reaches u more cheaply means u's distance is not exact, and
            // nothing found through u can be either.
            var stalled = false;
            for (var a = stallStart[u]; a < stallStart[u + 1] && !stalled; a++)
            {
                stalled = space.Distance(stallNode[a]) + _ch.EdgeMillis[stallEdge[a]] < d;
            }

            if (stalled)
            {
                continue;
            }

            space.MarkUseful(u);
            var m = space.Meters[u];
            for (var a = relaxStart[u]; a < relaxStart[u + 1]; a++)
            {
                var e = relaxEdge[a];
                space.Improve(relaxNode[a], d + _ch.EdgeMillis[e], m + _ch.EdgeMeters[e], u, e);
            }
        }
    }

    /// <summary>Appends the road nodes after the tail of hierarchy edge <paramref name="edge"/>, shortcuts unpacked.</summary>
    private void Unpack(int edge, List<int> nodes)
    {
        var stack = new Stack<int>();
        stack.Push(edge);
        while (stack.TryPop(out var e))
        {
            if (_ch.EdgeFirst[e] < 0)
            {
                nodes.Add(_ch.EdgeHead[e]);
            }
            else
            {
                stack.Push(_ch.EdgeSecond[e]);
                stack.Push(_ch.EdgeFirst[e]);
            }
        }
    }

    private SearchSpace Rent() => _spaces.TryTake(out var space) ? space : new SearchSpace(_graph.GraphNodeCount);

    /// <summary>Where each point leaves from and arrives at: the ends of its segment, with the partial costs.</summary>
    private Endpoint[] Prepare(IReadOnlyList<SnappedPoint> points)
    {
        var ends = new Endpoint[points.Count];
        for (var i = 0; i < points.Count; i++)
        {
            var point = points[i] ?? throw new ArgumentNullException(nameof(points), $"Point {i} is null.");
            ends[i] = EndpointOf(_network.OnThisNetwork(point));
        }

        return ends;
    }

    private Endpoint EndpointOf(SnappedPoint point)
    {
        if (point.Segment < 0)
        {
            // Not on the network at all (nothing within reach when it was snapped again): reaches nothing.
            return new Endpoint(point, -1, 0, [], [], false, false);
        }

        var s = point.Segment;
        var t = point.Fraction;
        var (ms, m) = (_graph.SegmentMillis[s], _graph.SegmentMeters[s]);
        var forward = !_closed[s] && _graph.Open(2 * s);
        var backward = !_closed[s] && _graph.Open((2 * s) + 1);
        var sources = new List<Seed>(2);
        var targets = new List<Seed>(2);
        if (forward)
        {
            sources.Add(new Seed(_graph.Head[2 * s], (1 - t) * ms, (1 - t) * m));
            for (var k = _graph.TailStart[2 * s]; k < _graph.TailStart[(2 * s) + 1]; k++)
            {
                targets.Add(new Seed(_graph.Tails[k], t * ms, t * m));
            }
        }

        if (backward)
        {
            sources.Add(new Seed(_graph.Head[(2 * s) + 1], t * ms, t * m));
            for (var k = _graph.TailStart[(2 * s) + 1]; k < _graph.TailStart[(2 * s) + 2]; k++)
            {
                targets.Add(new Seed(_graph.Tails[k], (1 - t) * ms, (1 - t) * m));
            }
        }

        return new Endpoint(point, s, t, [.. sources], [.. targets], forward, backward);
    }

    /// <summary>Driving straight along the shared segment, when both points are on the same one and its direction allows.</summary>
    private (double Millis, double Meters)? Direct(Endpoint a, Endpoint b)
    {
        if (a.Segment < 0 || a.Segment != b.Segment)
        {
            return null;
        }

        var delta = b.Fraction - a.Fraction;
        var (ms, m) = (_graph.SegmentMillis[a.Segment], _graph.SegmentMeters[a.Segment]);
        return delta == 0 ? (0, 0)
            : delta > 0 && a.Forward ? (delta * ms, delta * m)
            : delta < 0 && a.Backward ? (-delta * ms, -delta * m)
            : null;
    }

    private static List<Coordinate> Dedupe(IEnumerable<Coordinate> points)
    {
        var list = new List<Coordinate>();
        foreach (var p in points)
        {
            if (list.Count == 0 || list[^1] != p)
            {
                list.Add(p);
            }
        }

        return list;
    }

    private readonly record struct Endpoint(SnappedPoint Point, int Segment, double Fraction, Seed[] Sources, Seed[] Targets, bool Forward, bool Backward);
}
