using System.Runtime.CompilerServices;

namespace CrisisOps.Routing.Roads;

/// <summary>An arc of the graph handed to the hierarchy: whole milliseconds and the metres carried along.</summary>
internal readonly record struct GraphArc(int From, int To, int Millis, double Meters);

/// <summary>
/// Contraction hierarchy (Geisberger, Sanders, Schultes, Delling 2008). Nodes are contracted one by one in the order
/// of a priority (edge difference plus contracted neighbours, updated lazily and at the neighbours); contracting
/// <c>v</c> adds a shortcut <c>u → w</c> for every <c>u → v → w</c> that a witness search around <c>v</c> cannot beat.
/// Queries then only climb: a forward search from the source over arcs to more important nodes meets a backward
/// search from the target. Each arc remembers its two halves so paths unpack to road nodes.
/// </summary>
internal sealed class ContractionHierarchy
{
    // A witness search that settles this many nodes gives up and lets the shortcut in: a few needless shortcuts
    // cost a little query time, an unbounded search costs preparation time on every node.
    private const int WitnessSettleLimit = 400;

    // Priorities only estimate the shortcuts, and are recomputed for every neighbour after each contraction: a short
    // witness search is enough there (Geisberger et al. use small limits for the simulation too).
    private const int EstimateSettleLimit = 50;

    // The hot loops below are marked for full optimisation at their first call: a router is often prepared once per
    // closure set, and tiered compilation would run that one preparation in unoptimised code (ten times slower here).
    private ContractionHierarchy(int nodeCount) => NodeCount = nodeCount;

    public int NodeCount { get; }

    /// <summary>Arcs to higher-ranked nodes, as the forward search walks them (CSR by node).</summary>
    public int[] UpStart { get; private set; } = [];

    public int[] UpTarget { get; private set; } = [];

    public int[] UpEdge { get; private set; } = [];

    /// <summary>Arcs from higher-ranked nodes into a node, walked backwards by the backward search (CSR by node).</summary>
    public int[] DownStart { get; private set; } = [];

    public int[] DownSource { get; private set; } = [];

    public int[] DownEdge { get; private set; } = [];

    /// <summary>Every arc and shortcut: weight, metres, and the two halves of a shortcut (-1 for a road arc).</summary>
    public int[] EdgeMillis { get; private set; } = [];

    public double[] EdgeMeters { get; private set; } = [];

    public int[] EdgeHead { get; private set; } = [];

    public int[] EdgeFirst { get; private set; } = [];

    public int[] EdgeSecond { get; private set; } = [];

    public int ShortcutCount { get; private set; }

    public static ContractionHierarchy Build(int nodeCount, IEnumerable<GraphArc> arcs) => new Builder(nodeCount, arcs).Run();

    private struct Arc(int node, int edge)
    {
        public int Node = node;
        public int Edge = edge;
    }

    private sealed class Builder
    {
        private readonly int _n;
        private readonly List<Arc>[] _out;
        private readonly List<Arc>[] _in;
        private readonly List<int> _millis = [];
        private readonly List<double> _meters = [];
        private readonly List<int> _head = [];
        private readonly List<int> _first = [];
        private readonly List<int> _second = [];
        private readonly bool[] _contracted;
        private readonly int[] _contractedNeighbours;
        private readonly List<(int Node, int Edge)>[] _up;
        private readonly List<(int Node, int Edge)>[] _down;

        // Witness search scratch, reset by generation rather than clearing.
        private readonly long[] _dist;
        private readonly int[] _seen;
        private int _generation;
        private readonly PriorityQueue<int, long> _queue = new();

        public Builder(int nodeCount, IEnumerable<GraphArc> arcs)
        {
            _n = nodeCount;
            _out = new List<Arc>[nodeCount];
            _in = new List<Arc>[nodeCount];
            _up = new List<(int, int)>[nodeCount];
            _down = new List<(int, int)>[nodeCount];
            for (var i = 0; i < nodeCount; i++)
            {
                (_out[i], _in[i], _up[i], _down[i]) = ([], [], [], []);
            }

            _contracted = new bool[nodeCount];
            _contractedNeighbours = new int[nodeCount];
            _dist = new long[nodeCount];
            _seen = new int[nodeCount];
            foreach (var a in arcs)
            {
                if (a.From != a.To)
                {
                    AddOrImprove(a.From, a.To, a.Millis, a.Meters, -1, -1);
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public ContractionHierarchy Run()
        {
            var priority = new int[_n];
            var queue = new PriorityQueue<int, (int, int)>(_n);
            for (var v = 0; v < _n; v++)
            {
                priority[v] = Priority(v);
                queue.Enqueue(v, (priority[v], v));
            }

            while (queue.TryDequeue(out var v, out var key))
            {
                if (_contracted[v] || key.Item1 != priority[v])
                {
                    continue;
                }

                // Lazy update: the priority may have grown since it was queued; if so, queue it again.
                var fresh = Priority(v);
                if (fresh > priority[v] && queue.TryPeek(out _, out var next) && fresh > next.Item1)
                {
                    priority[v] = fresh;
                    queue.Enqueue(v, (fresh, v));
                    continue;
                }

                var neighbours = Contract(v);
                foreach (var u in neighbours)
                {
                    _contractedNeighbours[u]++;
                    priority[u] = Priority(u);
                    queue.Enqueue(u, (priority[u], u));
                }
            }

            return Freeze();
        }

        private int Priority(int v)
        {
            var shortcuts = Shortcuts(v, add: false);
            var degree = _in[v].Count + _out[v].Count;
            return (4 * (shortcuts - degree)) + (2 * _contractedNeighbours[v]);
        }

        private HashSet<int> Contract(int v)
        {
            foreach (var a in _out[v])
            {
                _up[v].Add((a.Node, a.Edge));
            }

            foreach (var a in _in[v])
            {
                _down[v].Add((a.Node, a.Edge));
            }

            Shortcuts(v, add: true);
            _contracted[v] = true;
            var neighbours = new HashSet<int>();
            foreach (var a in _in[v])
            {
                _out[a.Node].RemoveAll(x => x.Node == v);
                neighbours.Add(a.Node);
            }

            foreach (var a in _out[v])
            {
                _in[a.Node].RemoveAll(x => x.Node == v);
                neighbours.Add(a.Node);
            }

            _in[v].Clear();
            _out[v].Clear();
            return neighbours;
        }

        /// <summary>How many shortcuts contracting <paramref name="v"/> needs; adds them when asked.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private int Shortcuts(int v, bool add)
        {
            var count = 0;
            var ins = _in[v].ToArray();
            var outs = _out[v].ToArray();
            foreach (var i in ins)
            {
                long limit = -1;
                foreach (var o in outs)
                {
                    if (o.Node != i.Node)
                    {
                        limit = Math.Max(limit, (long)_millis[i.Edge] + _millis[o.Edge]);
                    }
                }

                if (limit < 0)
                {
                    continue;
                }

                Witness(i.Node, v, limit, add ? WitnessSettleLimit : EstimateSettleLimit);
                foreach (var o in outs)
                {
                    if (o.Node == i.Node)
                    {
                        continue;
                    }

                    var via = (long)_millis[i.Edge] + _millis[o.Edge];
                    if (Distance(o.Node) <= via)
                    {
                        continue;
                    }

                    count++;
                    if (add)
                    {
                        AddOrImprove(i.Node, o.Node, (int)via, _meters[i.Edge] + _meters[o.Edge], i.Edge, o.Edge);
                    }
                }
            }

            return count;
        }

        private long Distance(int node) => _seen[node] == _generation ? _dist[node] : long.MaxValue;

        /// <summary>Dijkstra from <paramref name="source"/> that never passes <paramref name="avoid"/>, up to a distance and a settle limit.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Witness(int source, int avoid, long limit, int settleLimit)
        {
            _generation++;
            _queue.Clear();
            _dist[source] = 0;
            _seen[source] = _generation;
            _queue.Enqueue(source, 0);
            var settled = 0;
            while (_queue.TryDequeue(out var u, out var d))
            {
                if (d > _dist[u])
                {
                    continue;
                }

                if (d > limit || ++settled > settleLimit)
                {
                    break;
                }

                foreach (var a in _out[u])
                {
                    if (a.Node == avoid)
                    {
                        continue;
                    }

                    var nd = d + _millis[a.Edge];
                    if (nd < Distance(a.Node))
                    {
                        _dist[a.Node] = nd;
                        _seen[a.Node] = _generation;
                        _queue.Enqueue(a.Node, nd);
                    }
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void AddOrImprove(int from, int to, int millis, double meters, int first, int second)
        {
            var outs = _out[from];
            for (var k = 0; k < outs.Count; k++)
            {
                if (outs[k].Node != to)
                {
                    continue;
                }

                var old = outs[k].Edge;
                if (_millis[old] < millis || (_millis[old] == millis && _meters[old] <= meters))
                {
                    return;
                }

                var replacement = NewEdge(to, millis, meters, first, second);
                outs[k] = new Arc(to, replacement);
                var ins = _in[to];
                for (var j = 0; j < ins.Count; j++)
                {
                    if (ins[j].Node == from)
                    {
                        ins[j] = new Arc(from, replacement);
                    }
                }

                return;
            }

            var edge = NewEdge(to, millis, meters, first, second);
            outs.Add(new Arc(to, edge));
            _in[to].Add(new Arc(from, edge));
        }

        private int NewEdge(int head, int millis, double meters, int first, int second)
        {
            _millis.Add(millis);
            _meters.Add(meters);
            _head.Add(head);
            _first.Add(first);
            _second.Add(second);
            return _millis.Count - 1;
        }

        private ContractionHierarchy Freeze()
        {
            var ch = new ContractionHierarchy(_n)
            {
                EdgeMillis = [.. _millis],
                EdgeMeters = [.. _meters],
                EdgeHead = [.. _head],
                EdgeFirst = [.. _first],
                EdgeSecond = [.. _second],
                ShortcutCount = _first.Count(f => f >= 0),
            };
            (ch.UpStart, ch.UpTarget, ch.UpEdge) = Csr(_up);
            (ch.DownStart, ch.DownSource, ch.DownEdge) = Csr(_down);
            return ch;
        }

        private static (int[] Start, int[] Node, int[] Edge) Csr(List<(int Node, int Edge)>[] lists)
        {
            var start = new int[lists.Length + 1];
            for (var i = 0; i < lists.Length; i++)
            {
                start[i + 1] = start[i] + lists[i].Count;
            }

            var node = new int[start[^1]];
            var edge = new int[start[^1]];
            for (var i = 0; i < lists.Length; i++)
            {
                for (var k = 0; k < lists[i].Count; k++)
                {
                    (node[start[i] + k], edge[start[i] + k]) = lists[i][k];
                }
            }

            return (start, node, edge);
        }
    }
}
