namespace CrisisOps.Routing.Vrp.Hgs;

internal sealed partial class LocalSearch
{
    /// <summary>
    /// SWAP* (Vidal 2022): exchange a client of one route with a client of another, each going to its best
    /// place in the other route rather than into the other's place. The three cheapest insertion places of
    /// each client are found first, so that all pairs of two routes are scanned in O(n²). With time windows
    /// the scan is an estimate (insertion and removal priced apart); the best estimate is priced exactly
    /// before it is applied. Routes are paired when their clients are granular neighbours, since the
    /// problem has no coordinates for the polar sectors of the original.
    /// </summary>
    private sealed class SwapStar
    {
        private const int Closest = 10;

        private readonly LocalSearch _ls;
        private readonly HgsModel _m;
        private readonly bool[] _paired;
        private readonly int[] _lastTested;
        private readonly double[] _bestCost;
        private readonly int[] _bestAfter;
        private readonly int[] _route1;
        private readonly int[] _route2;

        public SwapStar(LocalSearch ls, HgsModel model)
        {
            _ls = ls;
            _m = model;
            var v = model.Vehicles;
            _paired = new bool[v * v];
            _lastTested = new int[v * v];
            _bestCost = new double[model.Clients * 3];
            _bestAfter = new int[model.Clients * 3];
            _route1 = new int[model.Clients + 2];
            _route2 = new int[model.Clients + 2];
        }

        public bool Pass(int loop)
        {
            var ls = _ls;
            var vehicles = _m.Vehicles;
            if (loop == 0)
            {
                Array.Fill(_lastTested, -1);
            }

            Array.Clear(_paired);
            for (var u = 0; u < _m.Clients; u++)
            {
                var ru = ls._routeOf[u];
                if (ru < 0)
                {
                    continue;
                }

                var neighbours = _m.Neighbours[u];
                var count = Math.Min(Closest, neighbours.Length);
                for (var k = 0; k < count; k++)
                {
                    var rv = ls._routeOf[neighbours[k]];
                    if (rv >= 0 && rv != ru)
                    {
                        _paired[Math.Min(ru, rv) * vehicles + Math.Max(ru, rv)] = true;
                    }
                }
            }

            var improved = false;
            for (var r1 = 0; r1 < vehicles; r1++)
            {
                for (var r2 = r1 + 1; r2 < vehicles; r2++)
                {
                    var key = r1 * vehicles + r2;
                    if (!_paired[key] || ls._length[r1] == 0 || ls._length[r2] == 0)
                    {
                        continue;
                    }

                    if (Math.Max(ls._lastModified[r1], ls._lastModified[r2]) <= _lastTested[key])
                    {
                        continue;
                    }

                    _lastTested[key] = ls._clock;
                    improved |= Try(r1, r2);
                }
            }

            return improved;
        }

        private bool Try(int r1, int r2)
        {
            var ls = _ls;
            TopInsertions(r1, r2);
            TopInsertions(r2, r1);
            var best = -Eps;
            int bestU = -1, bestV = -1, bestUAfter = -1, bestVAfter = -1;
            var n1 = ls._node[r1];
            var n2 = ls._node[r2];
            for (var i = 1; i <= ls._length[r1]; i++)
            {
                var u = n1[i];
                if (!_m.IsAllowed(u, r2))
                {
                    continue;
                }

                var gainU = ls.RemovalGain(u, 1);
                for (var j = 1; j <= ls._length[r2]; j++)
                {
                    var v = n2[j];
                    if (!_m.IsAllowed(v, r1))
                    {
                        continue;
                    }

                    // A bound first: per side, the better of the best insertion less the removal gain and, in the
                    // other's place, the distance change less all the route's penalties.
                    var gainV = ls.RemovalGain(v, 1);
                    var boundU = Math.Min(_bestCost[u * 3] - gainV, ls.Dist(n2[j - 1], u) + ls.Dist(u, n2[j + 1]) - ls.Dist(n2[j - 1], v)
                        - ls.Dist(v, n2[j + 1]) - ls.Penalty(r2));
                    var boundV = Math.Min(_bestCost[v * 3] - gainU, ls.Dist(n1[i - 1], v) + ls.Dist(v, n1[i + 1]) - ls.Dist(n1[i - 1], u)
                        - ls.Dist(u, n1[i + 1]) - ls.Penalty(r1));
                    if (boundU + boundV >= best)
                    {
                        continue;
                    }

                    var (costU, afterU) = Place(u, r2, j, gainV);
                    var (costV, afterV) = Place(v, r1, i, gainU);
                    if (costU + costV < best)
                    {
                        best = costU + costV;
                        (bestU, bestV, bestUAfter, bestVAfter) = (u, v, afterU, afterV);
                    }
                }
            }

            if (bestU < 0)
            {
                return false;
            }

            // Price the two new routes exactly; the scan only estimated them.
            var length1 = Rebuild(r1, bestU, bestV, bestVAfter, _route1);
            var length2 = Rebuild(r2, bestV, bestU, bestUAfter, _route2);
            var cost1 = ls.PriceSequence(r1, _route1, length1);
            var cost2 = ls.PriceSequence(r2, _route2, length2);
            if (cost1 + cost2 - ls._cost[r1] - ls._cost[r2] >= -Eps)
            {
                return false;
            }

            Array.Copy(_route1, 0, ls._node[r1], 1, length1);
            ls._length[r1] = length1;
            Array.Copy(_route2, 0, ls._node[r2], 1, length2);
            ls._length[r2] = length2;
            ls.Refresh(r1);
            ls.Refresh(r2);
            return true;
        }

        /// <summary>
        /// Estimated cost change of route r once its client at position <paramref name="out"/> (whose removal
        /// saves <paramref name="gainOut"/>) leaves and <paramref name="u"/> comes in: in its place, or at one
        /// of u's three best places not next to it. Returns the position u goes after (in r's old numbering).
        /// </summary>
        private (double Cost, int After) Place(int u, int r, int @out, double gainOut)
        {
            var ls = _ls;
            var duration = ls.Durations(r);
            var inPlace = ls.Join(ls.Join(ls._fwd[r][@out - 1], _m.ClientSegment[u], duration), ls._bwd[r][@out + 1], duration);
            var best = ls.RouteCost(inPlace, ls.Overload(r, u, -1, ls._node[r][@out], -1), ls._forbidden[r] - ls.Forbids(ls._node[r][@out], r))
                - ls._cost[r];
            var after = @out - 1;
            for (var k = 0; k < 3; k++)
            {
                var at = _bestAfter[u * 3 + k];
                if (at < 0)
                {
                    break;
                }

                if (at == @out - 1 || at == @out)
                {
                    continue;
                }

                var cost = _bestCost[u * 3 + k] - gainOut;
                if (cost < best)
                {
                    best = cost;
                    after = at;
                }

                break;
            }

            return (best, after);
        }

        /// <summary>The three cheapest places to insert each client of route <paramref name="from"/> into route <paramref name="into"/>.</summary>
        private void TopInsertions(int from, int into)
        {
            var ls = _ls;
            var duration = ls.Durations(into);
            var nodes = ls._node[from];
            for (var i = 1; i <= ls._length[from]; i++)
            {
                var u = nodes[i];
                double c0 = double.PositiveInfinity, c1 = double.PositiveInfinity, c2 = double.PositiveInfinity;
                int a0 = -1, a1 = -1, a2 = -1;
                var overload = ls.Overload(into, u, -1, -1, -1);
                for (var j = 0; j <= ls._length[into]; j++)
                {
                    var seg = ls.Join(ls.Join(ls._fwd[into][j], _m.ClientSegment[u], duration), ls._bwd[into][j + 1], duration);
                    var cost = ls.RouteCost(seg, overload, ls._forbidden[into]) - ls._cost[into];
                    if (cost < c2)
                    {
                        if (cost < c0)
                        {
                            (c2, a2, c1, a1, c0, a0) = (c1, a1, c0, a0, cost, j);
                        }
                        else if (cost < c1)
                        {
                            (c2, a2, c1, a1) = (c1, a1, cost, j);
                        }
                        else
                        {
                            (c2, a2) = (cost, j);
                        }
                    }
                }

                _bestCost[u * 3] = c0;
                _bestCost[u * 3 + 1] = c1;
                _bestCost[u * 3 + 2] = c2;
                _bestAfter[u * 3] = a0;
                _bestAfter[u * 3 + 1] = a1;
                _bestAfter[u * 3 + 2] = a2;
            }
        }

        /// <summary>Route r's clients without <paramref name="leaving"/>, with <paramref name="coming"/> after old position <paramref name="after"/>.</summary>
        private int Rebuild(int r, int leaving, int coming, int after, int[] into)
        {
            var ls = _ls;
            var nodes = ls._node[r];
            var n = 0;
            if (after == 0)
            {
                into[n++] = coming;
            }

            for (var p = 1; p <= ls._length[r]; p++)
            {
                if (nodes[p] != leaving)
                {
                    into[n++] = nodes[p];
                }

                if (p == after)
                {
                    into[n++] = coming;
                }
            }

            return n;
        }
    }

    /// <summary>Exact cost of vehicle r driving <paramref name="clients"/> (an O(n) walk).</summary>
    private double PriceSequence(int r, int[] clients, int count)
    {
        if (count == 0)
        {
            return 0;
        }

        var duration = Durations(r);
        var seg = _start[r];
        var forbidden = 0;
        Span<long> load = stackalloc long[_dims];
        for (var k = 0; k < count; k++)
        {
            var c = clients[k];
            seg = Join(seg, _m.ClientSegment[c], duration);
            forbidden += Forbids(c, r);
            for (var d = 0; d < _dims; d++)
            {
                load[d] += _m.Demand[c * _dims + d];
            }
        }

        seg = Join(seg, _end[r], duration);
        double overload = 0;
        for (var d = 0; d < _dims; d++)
        {
            var excess = load[d] - _m.Capacity[r * _dims + d];
            if (excess > 0)
            {
                overload += _m.CapacityWeight[d] * excess;
            }
        }

        return RouteCost(seg, overload, forbidden);
    }
}
