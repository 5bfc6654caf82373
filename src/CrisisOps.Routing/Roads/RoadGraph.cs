namespace CrisisOps.Routing.Roads;

/// <summary>
/// The drivable roads as segments between consecutive way nodes, restricted to the largest strongly connected part, and
/// the graph the searches run on. Segment <c>s</c> has two directed segments, <c>2s</c> (first node to second) and
/// <c>2s + 1</c> (back). Graph nodes are the road nodes plus, where turn restrictions apply, one copy of the via node per
/// arriving directed segment: a copy only has arcs for the turns allowed from that arrival, so restrictions hold in a
/// plain node-based graph that contraction hierarchies handle unchanged.
/// </summary>
internal sealed class RoadGraph
{
    private RoadGraph(RoadWay[] ways, Coordinate[] nodes, double cosLatitude)
    {
        Ways = ways;
        Nodes = nodes;
        X = [.. nodes.Select(n => Geo.X(n.Longitude, cosLatitude))];
        Y = [.. nodes.Select(n => Geo.Y(n.Latitude))];
        CosLatitude = cosLatitude;
    }

    public RoadWay[] Ways { get; }

    /// <summary>Road nodes (of the kept part) by index.</summary>
    public Coordinate[] Nodes { get; }

    public double[] X { get; }

    public double[] Y { get; }

    public double CosLatitude { get; }

    public int SegmentCount => SegmentFrom.Length;

    public int[] SegmentFrom { get; private set; } = [];

    public int[] SegmentTo { get; private set; } = [];

    /// <summary>Index into <see cref="Ways"/>.</summary>
    public int[] SegmentWay { get; private set; } = [];

    public double[] SegmentMeters { get; private set; } = [];

    /// <summary>Travel time in milliseconds: whole numbers, so every search adds exactly the same way.</summary>
    public int[] SegmentMillis { get; private set; } = [];

    /// <summary>Graph node each directed segment arrives at, or -1 where cars may not drive that direction.</summary>
    public int[] Head { get; private set; } = [];

    /// <summary>Graph nodes each directed segment may be entered from (CSR over directed segments).</summary>
    public int[] TailStart { get; private set; } = [];

    public int[] Tails { get; private set; } = [];

    /// <summary>Road node of every graph node (copies map to their via node), for geometry.</summary>
    public int[] GraphNodeRoad { get; private set; } = [];

    public int GraphNodeCount => GraphNodeRoad.Length;

    /// <summary>Segments of each way (CSR over <see cref="Ways"/>).</summary>
    public int[] WaySegmentStart { get; private set; } = [];

    public int[] WaySegments { get; private set; } = [];

    public int RestrictionsApplied { get; private set; }

    public int RestrictionsIgnored { get; private set; }

    public Dictionary<long, int> WayIndex { get; } = [];

    public bool Open(int directed) => Head[directed] >= 0;

    public static RoadGraph Build(OsmRoads osm)
    {
        // Road nodes in first-seen order, and segments between consecutive nodes of each way.
        var nodeIndex = new Dictionary<long, int>();
        var nodeIds = new List<long>();
        var segments = new List<(int A, int B, int Way, bool Forward, bool Backward)>();
        for (var w = 0; w < osm.Roads.Count; w++)
        {
            var road = osm.Roads[w];
            for (var k = 0; k + 1 < road.NodeIds.Length; k++)
            {
                if (road.NodeIds[k] == road.NodeIds[k + 1])
                {
                    continue;
                }

                segments.Add((Index(road.NodeIds[k]), Index(road.NodeIds[k + 1]), w, road.Forward, road.Backward));
            }
        }

        // Keep the largest part where every node reaches every other: a point snapped onto an island (a car park
        // cut off by the extract's border, a one-way stub) could reach nothing and be reached from nowhere.
        var arcs = new List<(int, int)>(segments.Count * 2);
        foreach (var s in segments)
        {
            if (s.Forward)
            {
                arcs.Add((s.A, s.B));
            }

            if (s.Backward)
            {
                arcs.Add((s.B, s.A));
            }
        }

        var keep = StrongComponents.Largest(nodeIds.Count, arcs);
        var remap = new int[nodeIds.Count];
        var kept = new List<Coordinate>();
        var keptIds = new List<long>();
        for (var i = 0; i < nodeIds.Count; i++)
        {
            remap[i] = keep[i] ? kept.Count : -1;
            if (keep[i])
            {
                kept.Add(osm.Nodes[nodeIds[i]]);
                keptIds.Add(nodeIds[i]);
            }
        }

        var meanLatitude = kept.Count == 0 ? 0 : kept.Average(c => c.Latitude);
        var graph = new RoadGraph([.. osm.Roads.Select(r => r.Way)], [.. kept], Math.Cos(meanLatitude * Math.PI / 180));
        for (var w = 0; w < graph.Ways.Length; w++)
        {
            graph.WayIndex[graph.Ways[w].Id] = w;
        }

        var keptSegments = segments.Where(s => keep[s.A] && keep[s.B]).ToList();
        if (keptSegments.Count == 0)
        {
            throw new RoadDataException("The extract's roads do not connect: no two road nodes can reach each other.");
        }

        graph.SegmentFrom = [.. keptSegments.Select(s => remap[s.A])];
        graph.SegmentTo = [.. keptSegments.Select(s => remap[s.B])];
        graph.SegmentWay = [.. keptSegments.Select(s => s.Way)];
        graph.SegmentMeters = [.. keptSegments.Select(s => Geo.Meters(kept[remap[s.A]], kept[remap[s.B]]))];
        graph.SegmentMillis = [.. keptSegments.Select((s, i) =>
            (int)Math.Round(graph.SegmentMeters[i] / (graph.Ways[s.Way].SpeedKmh / 3.6) * 1000))];
        graph.IndexWays();
        graph.ExpandTurns(keptSegments.Select(s => (s.Forward, s.Backward)).ToArray(), osm, keptIds);
        return graph;

        int Index(long id)
        {
            if (!nodeIndex.TryGetValue(id, out var index))
            {
                nodeIndex[id] = index = nodeIds.Count;
                nodeIds.Add(id);
            }

            return index;
        }
    }

    private void IndexWays()
    {
        var start = new int[Ways.Length + 1];
        foreach (var w in SegmentWay)
        {
            start[w + 1]++;
        }

        for (var i = 0; i < Ways.Length; i++)
        {
            start[i + 1] += start[i];
        }

        var fill = start[..^1].ToArray();
        var list = new int[SegmentWay.Length];
        for (var s = 0; s < SegmentWay.Length; s++)
        {
            list[fill[SegmentWay[s]]++] = s;
        }

        (WaySegmentStart, WaySegments) = (start, list);
    }

    private void ExpandTurns((bool Forward, bool Backward)[] directions, OsmRoads osm, List<long> keptIds)
    {
        var roadNodes = Nodes.Length;
        var directedCount = SegmentCount * 2;
        var nodeOf = new Dictionary<long, int>(keptIds.Count);
        for (var i = 0; i < keptIds.Count; i++)
        {
            nodeOf[keptIds[i]] = i;
        }

        var rules = new Dictionary<int, List<(int From, int To, bool Only)>>();
        foreach (var r in osm.Restrictions)
        {
            if (nodeOf.TryGetValue(r.ViaNode, out var via) && WayIndex.TryGetValue(r.FromWay, out var from) && WayIndex.TryGetValue(r.ToWay, out var to))
            {
                if (!rules.TryGetValue(via, out var list))
                {
                    rules[via] = list = [];
                }

                list.Add((from, to, r.Only));
                RestrictionsApplied++;
            }
            else
            {
                RestrictionsIgnored++;
            }
        }

        RestrictionsIgnored += osm.IgnoredRestrictions;

        bool Allowed(int d) => (d & 1) == 0 ? directions[d >> 1].Forward : directions[d >> 1].Backward;
        int TailRoad(int d) => (d & 1) == 0 ? SegmentFrom[d >> 1] : SegmentTo[d >> 1];
        int HeadRoad(int d) => (d & 1) == 0 ? SegmentTo[d >> 1] : SegmentFrom[d >> 1];

        // Arriving directed segments per restricted via node, each with its copy of the node.
        var arrivals = new Dictionary<int, List<int>>();
        var copyOf = new Dictionary<int, int>();
        var graphNodeRoad = Enumerable.Range(0, roadNodes).ToList();
        for (var d = 0; d < directedCount; d++)
        {
            var head = HeadRoad(d);
            if (Allowed(d) && rules.ContainsKey(head))
            {
                if (!arrivals.TryGetValue(head, out var list))
                {
                    arrivals[head] = list = [];
                }

                list.Add(d);
                copyOf[d] = graphNodeRoad.Count;
                graphNodeRoad.Add(head);
            }
        }

        var heads = new int[directedCount];
        var tailStart = new int[directedCount + 1];
        var tails = new List<int>(directedCount);
        for (var d = 0; d < directedCount; d++)
        {
            if (!Allowed(d))
            {
                heads[d] = -1;
                tailStart[d + 1] = tails.Count;
                continue;
            }

            heads[d] = copyOf.TryGetValue(d, out var copy) ? copy : HeadRoad(d);
            var tail = TailRoad(d);
            if (rules.TryGetValue(tail, out var atTail))
            {
                foreach (var arrival in arrivals.GetValueOrDefault(tail) ?? [])
                {
                    if (TurnAllowed(arrival, d, atTail))
                    {
                        tails.Add(copyOf[arrival]);
                    }
                }
            }
            else
            {
                tails.Add(tail);
            }

            tailStart[d + 1] = tails.Count;
        }

        (Head, TailStart, Tails, GraphNodeRoad) = (heads, tailStart, [.. tails], [.. graphNodeRoad]);
    }

    private bool TurnAllowed(int arrival, int departure, List<(int From, int To, bool Only)> rules)
    {
        var (inWay, outWay) = (SegmentWay[arrival >> 1], SegmentWay[departure >> 1]);
        foreach (var (from, to, only) in rules)
        {
            if (from != inWay)
            {
                continue;
            }

            if (only ? outWay != to : from == to ? departure == (arrival ^ 1) : outWay == to)
            {
                return false;
            }
        }

        return true;
    }
}
