namespace CrisisOps.Routing.Roads;

/// <summary>Where a search may start or end: a graph node and what the partial segment to or from it costs.</summary>
internal readonly record struct Seed(int Node, double Millis, double Meters);

/// <summary>
/// Scratch for one search over the graph: tentative distances, parents and marks, reset in O(1) by a generation
/// counter. One instance serves one thread at a time; routers keep a pool so concurrent calls never share one.
/// </summary>
internal sealed class SearchSpace
{
    private readonly int[] _reached;
    private readonly int[] _scanned;
    private readonly int[] _useful;
    private int _generation;

    public SearchSpace(int nodeCount)
    {
        Dist = new double[nodeCount];
        Meters = new double[nodeCount];
        ParentEdge = new int[nodeCount];
        ParentNode = new int[nodeCount];
        _reached = new int[nodeCount];
        _scanned = new int[nodeCount];
        _useful = new int[nodeCount];
    }

    public double[] Dist { get; }

    public double[] Meters { get; }

    /// <summary>The arc (hierarchy edge, or graph arc for the plain search) a node was reached by; -1 for a seed.</summary>
    public int[] ParentEdge { get; }

    public int[] ParentNode { get; }

    public PriorityQueue<int, double> Queue { get; } = new();

    /// <summary>Nodes marked useful, in the order settled.</summary>
    public List<int> Settled { get; } = [];

    public void Reset()
    {
        _generation++;
        Queue.Clear();
        Settled.Clear();
    }

    public double Distance(int node) => _reached[node] == _generation ? Dist[node] : double.PositiveInfinity;

    /// <summary>Records a better distance; false when the node already has one at least as good.</summary>
    public bool Improve(int node, double dist, double meters, int parentNode, int parentEdge)
    {
        // A settled node keeps what it had: its arcs were relaxed with it (an equal time over a zero-length
        // segment must not rewrite its metres or parent afterwards).
        if (_scanned[node] == _generation || (_reached[node] == _generation && (Dist[node] < dist || (Dist[node] == dist && Meters[node] <= meters))))
        {
            return false;
        }

        _reached[node] = _generation;
        Dist[node] = dist;
        Meters[node] = meters;
        ParentNode[node] = parentNode;
        ParentEdge[node] = parentEdge;
        Queue.Enqueue(node, dist);
        return true;
    }

    public void Seed(IEnumerable<Seed> seeds)
    {
        foreach (var s in seeds)
        {
            Improve(s.Node, s.Millis, s.Meters, -1, -1);
        }
    }

    /// <summary>Settles a node once: false for stale queue entries and nodes already settled.</summary>
    public bool Settle(int node, double dist)
    {
        if (_scanned[node] == _generation || dist > Dist[node])
        {
            return false;
        }

        _scanned[node] = _generation;
        return true;
    }

    /// <summary>Settled and not stalled: its distance is exact and it may carry buckets or a meeting.</summary>
    public bool IsUseful(int node) => _useful[node] == _generation;

    /// <summary>Marks a settled node whose distance is exact (not stalled) and lists it in <see cref="Settled"/>.</summary>
    public void MarkUseful(int node)
    {
        _useful[node] = _generation;
        Settled.Add(node);
    }
}
