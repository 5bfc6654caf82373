namespace CrisisOps.Routing.Vrp.Hgs;

/// <summary>
/// The education step of HGS: improves a solution by the moves of Vidal et al. 2013 (RELOCATE of one or
/// two clients, also reversed; SWAP 1-1, 2-1, 2-2; 2-OPT inside a route; 2-OPT* between routes) tried
/// only between a client and its granular neighbours, plus inserting and dropping optional clients.
/// Every route keeps its prefix and suffix <see cref="TimeSegment"/>s, so a move between two routes is
/// priced in O(1); moves inside a route walk the stretch in between. A first improving move is applied.
/// When a round finds nothing, SWAP* (<see cref="SwapStar"/>) is tried between neighbouring routes.
/// </summary>
internal sealed partial class LocalSearch
{
    /// <summary>
    /// Price of a client on a vehicle that may not serve it (only Split places one there, when nothing else
    /// fits): dear, but small enough that route costs keep their precision in doubles.
    /// </summary>
    public const double ForbiddenCost = 1e9;

    // Distances are whole numbers; a smaller gain is rounding, and chasing it could loop.
    private const double Eps = 1e-4;

    private readonly HgsModel _m;
    private readonly Rng _rng;
    private readonly int _vehicles;
    private readonly int _dims;
    private readonly int _points;
    private readonly int[] _distance;
    private readonly int[][] _node;
    private readonly int[] _length;
    private readonly TimeSegment[][] _fwd;
    private readonly TimeSegment[][] _bwd;
    private readonly long[][] _loadPre;
    private readonly double[] _cost;
    private readonly int[] _forbidden;
    private readonly int[] _routeOf;
    private readonly int[] _posOf;
    private readonly int[] _lastModified;
    private readonly int[] _lastTested;
    private readonly int[] _order;
    private readonly int[] _buffer;
    private readonly int[] _classTried;
    private readonly TimeSegment[] _start;
    private readonly TimeSegment[] _end;
    private int _clock;
    private readonly double[] _gainCache;
    private readonly SwapStar _swapStar;
    private readonly int[] _gainVersion;
    private int _classStamp;
    private double _pLoad;
    private double _pWarp;

    public LocalSearch(HgsModel model, Rng rng)
    {
        _m = model;
        _rng = rng;
        _vehicles = model.Vehicles;
        _dims = model.Dimensions;
        _points = model.Points;
        _distance = model.Distance;
        var c = model.Clients;
        _node = new int[_vehicles][];
        _fwd = new TimeSegment[_vehicles][];
        _bwd = new TimeSegment[_vehicles][];
        _loadPre = new long[_vehicles][];
        _start = new TimeSegment[_vehicles];
        _end = new TimeSegment[_vehicles];
        for (var v = 0; v < _vehicles; v++)
        {
            _node[v] = new int[c + 2];
            _fwd[v] = new TimeSegment[c + 2];
            _bwd[v] = new TimeSegment[c + 2];
            _loadPre[v] = new long[(c + 2) * _dims];
            _start[v] = model.StartSegment(v);
            _end[v] = model.EndSegment(v);
        }

        _length = new int[_vehicles];
        _cost = new double[_vehicles];
        _forbidden = new int[_vehicles];
        _lastModified = new int[_vehicles];
        _routeOf = new int[c];
        _posOf = new int[c];
        _lastTested = new int[c];
        _order = new int[c];
        _buffer = new int[c + 2];
        _classTried = new int[_vehicles];
        _gainCache = new double[2 * c];
        _swapStar = new SwapStar(this, model);
        _gainVersion = new int[2 * c];
    }

    /// <summary>Improves <paramref name="individual"/> under <paramref name="penalties"/> and returns the result, evaluated.</summary>
    public Individual Run(Individual individual, Penalties penalties)
    {
        _pLoad = penalties.Load;
        _pWarp = penalties.TimeWarp;
        Load(individual);
        for (var c = 0; c < _order.Length; c++)
        {
            _order[c] = c;
        }

        _rng.Shuffle(_order, _order.Length);
        var improved = true;
        for (var loop = 0; improved && loop < 1000; loop++)
        {
            improved = false;
            foreach (var u in _order)
            {
                if (_routeOf[u] < 0)
                {
                    improved |= TryInsertLeftOut(u);
                    continue;
                }

                var lastTest = _lastTested[u];
                _lastTested[u] = _clock;
                var neighbours = _m.Neighbours[u];
                for (var k = 0; k < neighbours.Length; k++)
                {
                    var v = neighbours[k];
                    if (_routeOf[v] < 0 || _routeOf[u] < 0)
                    {
                        continue;
                    }

                    if (loop > 0 && Math.Max(_lastModified[_routeOf[u]], _lastModified[_routeOf[v]]) <= lastTest)
                    {
                        continue;
                    }

                    if (TryPair(u, v))
                    {
                        improved = true;
                        continue;
                    }

                    if (_posOf[v] == 1 && TryAfterStart(u, _routeOf[v]))
                    {
                        improved = true;
                    }
                }

                if (_routeOf[u] >= 0)
                {
                    improved |= TryEmptyVehicles(u) || TryDrop(u);
                }
            }

            if (!improved)
            {
                improved = _swapStar.Pass(loop);
            }
        }

        return Export(penalties);
    }

    private void Load(Individual individual)
    {
        Array.Fill(_routeOf, -1);
        Array.Fill(_lastTested, -1);
        Array.Fill(_gainVersion, -1);
        _clock = 0;
        for (var v = 0; v < _vehicles; v++)
        {
            var route = individual.Routes[v];
            _length[v] = route.Length;
            Array.Copy(route, 0, _node[v], 1, route.Length);
            Refresh(v);
        }
    }

    private Individual Export(Penalties penalties)
    {
        var routes = new int[_vehicles][];
        for (var v = 0; v < _vehicles; v++)
        {
            routes[v] = _node[v][1..(_length[v] + 1)];
        }

        var result = new Individual(_m, routes);
        result.Evaluate(_m, penalties);
        return result;
    }

    private bool TryPair(int u, int v)
    {
        var r1 = _routeOf[u];
        var r2 = _routeOf[v];
        var i = _posOf[u];
        var j = _posOf[v];
        if (r1 != r2)
        {
            return Relocate(u, r2, j, 1, false) || Relocate(u, r2, j, 2, false) || Relocate(u, r2, j, 2, true)
                || Swap(u, v, 1, 1) || Swap(u, v, 2, 1) || Swap(u, v, 2, 2) || TwoOptStar(r1, i, r2, j);
        }

        return IntraRelocate(r1, i, j, 1, false) || IntraRelocate(r1, i, j, 2, false) || IntraRelocate(r1, i, j, 2, true)
            || IntraSwap(r1, i, j) || (i < j ? IntraTwoOpt(r1, i, j) : IntraTwoOpt(r1, j, i));
    }

    private bool TryAfterStart(int u, int r2)
    {
        var r1 = _routeOf[u];
        if (r1 != r2)
        {
            return Relocate(u, r2, 0, 1, false) || Relocate(u, r2, 0, 2, false) || Relocate(u, r2, 0, 2, true)
                || TwoOptStar(r1, _posOf[u], r2, 0);
        }

        var i = _posOf[u];
        return IntraRelocate(r1, i, 0, 1, false) || IntraRelocate(r1, i, 0, 2, false) || IntraRelocate(r1, i, 0, 2, true);
    }

    private bool TryEmptyVehicles(int u)
    {
        _classStamp++;
        for (var r = 0; r < _vehicles; r++)
        {
            if (_length[r] != 0 || r == _routeOf[u])
            {
                continue;
            }

            var cls = _m.VehicleClass[r];
            if (_classTried[cls] == _classStamp)
            {
                continue;
            }

            _classTried[cls] = _classStamp;
            if (Relocate(u, r, 0, 1, false))
            {
                return true;
            }
        }

        return false;
    }

    // ---- pricing helpers ----

    private TimeSegment Join(in TimeSegment a, in TimeSegment b, int[] duration) => TimeSegment.Join(a, b, _distance, duration, _points);

    private int[] Durations(int r) => _m.Durations[_m.VehicleSpeed[r]];

    private TimeSegment At(int r, int p) => p == 0 ? _start[r] : p == _length[r] + 1 ? _end[r] : _m.ClientSegment[_node[r][p]];

    /// <summary>Positions a..b of route r in order, priced on r itself.</summary>
    private TimeSegment Piece(int r, int a, int b)
    {
        if (a == 0)
        {
            return _fwd[r][b];
        }

        if (b == _length[r] + 1)
        {
            return _bwd[r][a];
        }

        var duration = Durations(r);
        var seg = At(r, a);
        for (var p = a + 1; p <= b; p++)
        {
            seg = Join(seg, At(r, p), duration);
        }

        return seg;
    }

    /// <summary>Positions b down to a of route r (clients only), priced on r.</summary>
    private TimeSegment PieceReversed(int r, int a, int b)
    {
        var duration = Durations(r);
        var seg = At(r, b);
        for (var p = b - 1; p >= a; p--)
        {
            seg = Join(seg, At(r, p), duration);
        }

        return seg;
    }

    private double RouteCost(in TimeSegment seg, double overload, int forbidden) =>
        seg.Distance + _pWarp * seg.TimeWarp + _pLoad * overload + forbidden * ForbiddenCost;

    /// <summary>The part of route r's cost that is not distance (time warp, overload, forbidden clients).</summary>
    private double Penalty(int r) => _length[r] == 0 ? 0 : _cost[r] - _fwd[r][_length[r] + 1].Distance;

    /// <summary>What route r saves by losing the block of <paramref name="count"/> clients at u, cached per route version.</summary>
    private double RemovalGain(int u, int count)
    {
        var r = _routeOf[u];
        var key = count - 1;
        if (_gainVersion[u * 2 + key] == _lastModified[r])
        {
            return _gainCache[u * 2 + key];
        }

        var i = _posOf[u];
        var x = count == 2 ? _node[r][i + 1] : -1;
        var seg = Join(_fwd[r][i - 1], _bwd[r][i + count], Durations(r));
        var forbidden = _forbidden[r] - Forbids(u, r) - (x >= 0 ? Forbids(x, r) : 0);
        var cost = _length[r] == count ? 0 : RouteCost(seg, Overload(r, -1, -1, u, x), forbidden);
        _gainVersion[u * 2 + key] = _lastModified[r];
        _gainCache[u * 2 + key] = _cost[r] - cost;
        return _cost[r] - cost;
    }

    /// <summary>Weighted overload of route r after adding clients a1, a2 and taking away s1, s2 (−1: none).</summary>
    private double Overload(int r, int a1, int a2, int s1, int s2)
    {
        var pre = _loadPre[r];
        var last = _length[r] * _dims;
        var demand = _m.Demand;
        double sum = 0;
        for (var d = 0; d < _dims; d++)
        {
            var load = pre[last + d];
            if (a1 >= 0)
            {
                load += demand[a1 * _dims + d];
            }

            if (a2 >= 0)
            {
                load += demand[a2 * _dims + d];
            }

            if (s1 >= 0)
            {
                load -= demand[s1 * _dims + d];
            }

            if (s2 >= 0)
            {
                load -= demand[s2 * _dims + d];
            }

            var excess = load - _m.Capacity[r * _dims + d];
            if (excess > 0)
            {
                sum += _m.CapacityWeight[d] * excess;
            }
        }

        return sum;
    }

    private int Dist(int a, int b) => _distance[a * _points + b];

    private int Forbids(int client, int r) => _m.IsAllowed(client, r) ? 0 : 1;

    // ---- moves between routes ----

    /// <summary>Moves u (and, for count 2, the client after it; reversed: x then u) to after position j of route r2.</summary>
    private bool Relocate(int u, int r2, int j, int count, bool reversed)
    {
        var r1 = _routeOf[u];
        var i = _posOf[u];
        var n1 = _node[r1];
        var n2 = _node[r2];
        var x = -1;
        if (count == 2)
        {
            if (i + 1 > _length[r1])
            {
                return false;
            }

            x = n1[i + 1];
            if (!_m.IsAllowed(x, r2))
            {
                return false;
            }
        }

        if (!_m.IsAllowed(u, r2))
        {
            return false;
        }

        var first = reversed ? x : u;
        var last = count == 2 ? (reversed ? u : x) : u;
        var inner = count == 2 ? Dist(first, last) : 0;
        var v = n2[j];
        var y = n2[j + 1];
        var added = Dist(v, first) + inner + Dist(last, y) - Dist(v, y);
        var p1 = n1[i - 1];
        var q1 = n1[i + count];
        var removedBound = Dist(p1, u) + (count == 2 ? Dist(u, x) : 0) + Dist(n1[i + count - 1], q1) - Dist(p1, q1) + Penalty(r1);
        if (added - removedBound >= -Eps)
        {
            // Even if route r1 lost all its penalties, the distance added elsewhere would not pay.
            return false;
        }

        var gain1 = RemovalGain(u, count);
        if (added - gain1 >= -Eps)
        {
            // The other route's penalties cannot shrink by taking clients on: no improvement is possible.
            return false;
        }

        var d2 = Durations(r2);
        var seg2 = Join(_fwd[r2][j], _m.ClientSegment[first], d2);
        if (count == 2)
        {
            seg2 = Join(seg2, _m.ClientSegment[last], d2);
        }

        seg2 = Join(seg2, _bwd[r2][j + 1], d2);
        var cost2 = RouteCost(seg2, Overload(r2, u, x, -1, -1), _forbidden[r2]);
        if (cost2 - _cost[r2] - gain1 >= -Eps)
        {
            return false;
        }

        RemoveAt(r1, i, count);
        _buffer[0] = first;
        _buffer[1] = last;
        InsertAfter(r2, j, _buffer, count);
        Refresh(r1);
        Refresh(r2);
        return true;
    }

    /// <summary>Swaps a block of <paramref name="countU"/> clients from u with one of <paramref name="countV"/> from v (other routes).</summary>
    private bool Swap(int u, int v, int countU, int countV)
    {
        var r1 = _routeOf[u];
        var r2 = _routeOf[v];
        var i = _posOf[u];
        var j = _posOf[v];
        if (i + countU - 1 > _length[r1] || j + countV - 1 > _length[r2])
        {
            return false;
        }

        var n1 = _node[r1];
        var n2 = _node[r2];
        var x = countU == 2 ? n1[i + 1] : -1;
        var y = countV == 2 ? n2[j + 1] : -1;
        if (!_m.IsAllowed(u, r2) || !_m.IsAllowed(v, r1) || (x >= 0 && !_m.IsAllowed(x, r2)) || (y >= 0 && !_m.IsAllowed(y, r1)))
        {
            return false;
        }

        var lastU = n1[i + countU - 1];
        var lastV = n2[j + countV - 1];
        var p1 = n1[i - 1];
        var q1 = n1[i + countU];
        var p2 = n2[j - 1];
        var q2 = n2[j + countV];
        var delta = Dist(p1, v) + Dist(lastV, q1) - Dist(p1, u) - Dist(lastU, q1) + Dist(p2, u) + Dist(lastU, q2) - Dist(p2, v) - Dist(lastV, q2);
        var penalty = Penalty(r1) + Penalty(r2);
        if (delta - penalty >= -Eps)
        {
            // Even if every penalty vanished the distance would not pay.
            return false;
        }

        var d1 = Durations(r1);
        var seg1 = Join(_fwd[r1][i - 1], _m.ClientSegment[v], d1);
        if (y >= 0)
        {
            seg1 = Join(seg1, _m.ClientSegment[y], d1);
        }

        seg1 = Join(seg1, _bwd[r1][i + countU], d1);
        var forb1 = _forbidden[r1] - Forbids(u, r1) - (x >= 0 ? Forbids(x, r1) : 0);
        var cost1 = RouteCost(seg1, Overload(r1, v, y, u, x), forb1);
        var d2 = Durations(r2);
        var seg2 = Join(_fwd[r2][j - 1], _m.ClientSegment[u], d2);
        if (x >= 0)
        {
            seg2 = Join(seg2, _m.ClientSegment[x], d2);
        }

        seg2 = Join(seg2, _bwd[r2][j + countV], d2);
        var forb2 = _forbidden[r2] - Forbids(v, r2) - (y >= 0 ? Forbids(y, r2) : 0);
        var cost2 = RouteCost(seg2, Overload(r2, u, x, v, y), forb2);
        if (cost1 + cost2 - _cost[r1] - _cost[r2] >= -Eps)
        {
            return false;
        }

        n1[i] = v;
        n2[j] = u;
        if (countU == 2 && countV == 2)
        {
            n1[i + 1] = y;
            n2[j + 1] = x;
        }
        else if (countU == 2)
        {
            RemoveAt(r1, i + 1, 1);
            _buffer[0] = x;
            InsertAfter(r2, j, _buffer, 1);
        }

        Refresh(r1);
        Refresh(r2);
        return true;
    }

    /// <summary>2-OPT*: route r1 keeps positions up to i and takes r2's tail after j; r2 the other way round.</summary>
    private bool TwoOptStar(int r1, int i, int r2, int j)
    {
        var n1 = _node[r1];
        var n2 = _node[r2];
        var len1 = _length[r1];
        var len2 = _length[r2];
        if (i == len1 && j == len2)
        {
            return false;
        }

        var a = n1[i];
        var b = n1[i + 1];
        var c = n2[j];
        var d = n2[j + 1];
        var sameEnds = _m.SameEnds(r1, r2);
        if (sameEnds)
        {
            var delta = Dist(a, d) + Dist(c, b) - Dist(a, b) - Dist(c, d);
            var penalty = Penalty(r1) + Penalty(r2);
            if (delta - penalty >= -Eps)
            {
                return false;
            }
        }

        var forb1 = 0;
        var forb2 = 0;
        if (_m.HasRestrictions)
        {
            for (var p = 1; p <= i; p++)
            {
                forb1 += Forbids(n1[p], r1);
            }

            for (var p = j + 1; p <= len2; p++)
            {
                if (!_m.IsAllowed(n2[p], r1))
                {
                    return false;
                }
            }

            for (var p = 1; p <= j; p++)
            {
                forb2 += Forbids(n2[p], r2);
            }

            for (var p = i + 1; p <= len1; p++)
            {
                if (!_m.IsAllowed(n1[p], r2))
                {
                    return false;
                }
            }
        }

        var seg1 = Join(_fwd[r1][i], Tail(r2, j + 1, r1), Durations(r1));
        var seg2 = Join(_fwd[r2][j], Tail(r1, i + 1, r2), Durations(r2));
        var cost1 = i == 0 && j == len2 ? 0 : RouteCost(seg1, TailOverload(r1, i, r2, j), forb1);
        var cost2 = j == 0 && i == len1 ? 0 : RouteCost(seg2, TailOverload(r2, j, r1, i), forb2);
        if (cost1 + cost2 - _cost[r1] - _cost[r2] >= -Eps)
        {
            return false;
        }

        var tail1 = len1 - i;
        var tail2 = len2 - j;
        Array.Copy(n1, i + 1, _buffer, 0, tail1);
        Array.Copy(n2, j + 1, n1, i + 1, tail2);
        Array.Copy(_buffer, 0, n2, j + 1, tail1);
        _length[r1] = i + tail2;
        _length[r2] = j + tail1;
        Refresh(r1);
        Refresh(r2);
        return true;
    }

    /// <summary>Clients from position a of route rs to its end, then route rt's end depot, priced on rt.</summary>
    private TimeSegment Tail(int rs, int a, int rt)
    {
        if (a > _length[rs])
        {
            return _end[rt];
        }

        if (_m.SameEnds(rs, rt))
        {
            return _bwd[rs][a];
        }

        var duration = Durations(rt);
        var seg = _m.ClientSegment[_node[rs][a]];
        for (var p = a + 1; p <= _length[rs]; p++)
        {
            seg = Join(seg, _m.ClientSegment[_node[rs][p]], duration);
        }

        return Join(seg, _end[rt], duration);
    }

    /// <summary>Overload of route r keeping positions up to i and taking route s's clients after j.</summary>
    private double TailOverload(int r, int i, int s, int j)
    {
        var pr = _loadPre[r];
        var ps = _loadPre[s];
        var lastS = _length[s] * _dims;
        double sum = 0;
        for (var d = 0; d < _dims; d++)
        {
            var load = pr[i * _dims + d] + ps[lastS + d] - ps[j * _dims + d];
            var excess = load - _m.Capacity[r * _dims + d];
            if (excess > 0)
            {
                sum += _m.CapacityWeight[d] * excess;
            }
        }

        return sum;
    }

    // ---- moves inside a route ----

    /// <summary>Moves the block at position i (1 or 2 clients, maybe reversed) to after position j of the same route.</summary>
    private bool IntraRelocate(int r, int i, int j, int count, bool reversed)
    {
        var len = _length[r];
        if (i + count - 1 > len || (j >= i - 1 && j <= i + count - 1))
        {
            return false;
        }

        var n = _node[r];
        var u = n[i];
        var x = count == 2 ? n[i + 1] : -1;
        var first = reversed ? x : u;
        var last = count == 2 ? (reversed ? u : x) : u;
        var prev = n[i - 1];
        var next = n[i + count];
        var v = n[j];
        var y = n[j + 1];
        var delta = Dist(prev, next) - Dist(prev, n[i]) - Dist(n[i + count - 1], next) + Dist(v, first) + Dist(last, y) - Dist(v, y)
            + (count == 2 ? Dist(first, last) - Dist(u, x) : 0);
        var penalty = Penalty(r);
        if (delta - penalty >= -Eps)
        {
            return false;
        }

        var duration = Durations(r);
        var block = _m.ClientSegment[first];
        if (count == 2)
        {
            block = Join(block, _m.ClientSegment[last], duration);
        }

        TimeSegment seg;
        if (j < i)
        {
            seg = Join(_fwd[r][j], block, duration);
            if (j + 1 <= i - 1)
            {
                seg = Join(seg, Piece(r, j + 1, i - 1), duration);
            }

            seg = Join(seg, _bwd[r][i + count], duration);
        }
        else
        {
            seg = Join(_fwd[r][i - 1], Piece(r, i + count, j), duration);
            seg = Join(seg, block, duration);
            seg = Join(seg, _bwd[r][j + 1], duration);
        }

        if (RouteCost(seg, Overload(r, -1, -1, -1, -1), _forbidden[r]) - _cost[r] >= -Eps)
        {
            return false;
        }

        RemoveAt(r, i, count);
        _buffer[0] = first;
        _buffer[1] = last;
        InsertAfter(r, j < i ? j : j - count, _buffer, count);
        Refresh(r);
        return true;
    }

    private bool IntraSwap(int r, int i, int j)
    {
        if (i == j || i == 0 || j == 0)
        {
            return false;
        }

        var a = Math.Min(i, j);
        var b = Math.Max(i, j);
        var n = _node[r];
        var na = n[a];
        var nb = n[b];
        int delta;
        if (b == a + 1)
        {
            delta = Dist(n[a - 1], nb) + Dist(nb, na) + Dist(na, n[b + 1]) - Dist(n[a - 1], na) - Dist(na, nb) - Dist(nb, n[b + 1]);
        }
        else
        {
            delta = Dist(n[a - 1], nb) + Dist(nb, n[a + 1]) + Dist(n[b - 1], na) + Dist(na, n[b + 1])
                - Dist(n[a - 1], na) - Dist(na, n[a + 1]) - Dist(n[b - 1], nb) - Dist(nb, n[b + 1]);
        }

        var penalty = Penalty(r);
        if (delta - penalty >= -Eps)
        {
            return false;
        }

        var duration = Durations(r);
        var seg = Join(_fwd[r][a - 1], _m.ClientSegment[nb], duration);
        if (b > a + 1)
        {
            seg = Join(seg, Piece(r, a + 1, b - 1), duration);
        }

        seg = Join(seg, _m.ClientSegment[na], duration);
        seg = Join(seg, _bwd[r][b + 1], duration);
        if (RouteCost(seg, Overload(r, -1, -1, -1, -1), _forbidden[r]) - _cost[r] >= -Eps)
        {
            return false;
        }

        n[a] = nb;
        n[b] = na;
        Refresh(r);
        return true;
    }

    /// <summary>2-OPT: reverses positions i+1..j (i &lt; j).</summary>
    private bool IntraTwoOpt(int r, int i, int j)
    {
        if (j <= i + 1)
        {
            return false;
        }

        var n = _node[r];
        var delta = Dist(n[i], n[j]) + Dist(n[i + 1], n[j + 1]) - Dist(n[i], n[i + 1]) - Dist(n[j], n[j + 1]);
        var penalty = Penalty(r);
        if (delta - penalty >= -Eps)
        {
            return false;
        }

        var duration = Durations(r);
        var seg = Join(_fwd[r][i], PieceReversed(r, i + 1, j), duration);
        seg = Join(seg, _bwd[r][j + 1], duration);
        if (RouteCost(seg, Overload(r, -1, -1, -1, -1), _forbidden[r]) - _cost[r] >= -Eps)
        {
            return false;
        }

        Array.Reverse(n, i + 1, j - i);
        Refresh(r);
        return true;
    }

    // ---- optional clients ----

    private bool TryDrop(int u)
    {
        var r = _routeOf[u];
        var i = _posOf[u];
        var seg = Join(_fwd[r][i - 1], _bwd[r][i + 1], Durations(r));
        var cost = _length[r] == 1 ? 0 : RouteCost(seg, Overload(r, -1, -1, u, -1), _forbidden[r] - Forbids(u, r));
        if (cost + _m.DropCost[u] - _cost[r] >= -Eps)
        {
            return false;
        }

        RemoveAt(r, i, 1);
        _routeOf[u] = -1;
        Refresh(r);
        return true;
    }

    private bool TryInsertLeftOut(int u)
    {
        var bestDelta = double.PositiveInfinity;
        int bestRoute = -1, bestPos = -1;
        var neighbours = _m.Neighbours[u];
        for (var k = 0; k < neighbours.Length; k++)
        {
            var v = neighbours[k];
            var r = _routeOf[v];
            if (r < 0)
            {
                continue;
            }

            Consider(u, r, _posOf[v], ref bestDelta, ref bestRoute, ref bestPos);
            Consider(u, r, _posOf[v] - 1, ref bestDelta, ref bestRoute, ref bestPos);
        }

        _classStamp++;
        for (var r = 0; r < _vehicles; r++)
        {
            if (_length[r] == 0 && _classTried[_m.VehicleClass[r]] != _classStamp)
            {
                _classTried[_m.VehicleClass[r]] = _classStamp;
                Consider(u, r, 0, ref bestDelta, ref bestRoute, ref bestPos);
            }
        }

        if (bestRoute < 0)
        {
            // No neighbour is served: look everywhere.
            for (var r = 0; r < _vehicles; r++)
            {
                for (var p = 0; p <= _length[r]; p++)
                {
                    Consider(u, r, p, ref bestDelta, ref bestRoute, ref bestPos);
                }
            }
        }

        if (bestRoute < 0 || bestDelta - _m.DropCost[u] >= -Eps)
        {
            return false;
        }

        _buffer[0] = u;
        InsertAfter(bestRoute, bestPos, _buffer, 1);
        Refresh(bestRoute);
        return true;
    }

    private void Consider(int u, int r, int j, ref double bestDelta, ref int bestRoute, ref int bestPos)
    {
        if (!_m.IsAllowed(u, r))
        {
            return;
        }

        var duration = Durations(r);
        var seg = Join(Join(_fwd[r][j], _m.ClientSegment[u], duration), _bwd[r][j + 1], duration);
        var delta = RouteCost(seg, Overload(r, u, -1, -1, -1), _forbidden[r]) - _cost[r];
        if (delta < bestDelta)
        {
            bestDelta = delta;
            bestRoute = r;
            bestPos = j;
        }
    }

    // ---- route bookkeeping ----

    private void RemoveAt(int r, int position, int count)
    {
        var n = _node[r];
        var len = _length[r];
        Array.Copy(n, position + count, n, position, len + 1 - (position + count) + 1);
        _length[r] = len - count;
    }

    private void InsertAfter(int r, int position, int[] clients, int count)
    {
        var n = _node[r];
        var len = _length[r];
        Array.Copy(n, position + 1, n, position + 1 + count, len + 1 - position);
        for (var k = 0; k < count; k++)
        {
            n[position + 1 + k] = clients[k];
        }

        _length[r] = len + count;
    }

    /// <summary>Recomputes route r's prefix and suffix data, loads and cost after a change.</summary>
    private void Refresh(int r)
    {
        var n = _node[r];
        var len = _length[r];
        n[0] = _m.VehicleStart[r];
        n[len + 1] = _m.VehicleEnd[r];
        var duration = Durations(r);
        var fwd = _fwd[r];
        var bwd = _bwd[r];
        var pre = _loadPre[r];
        var demand = _m.Demand;
        fwd[0] = _start[r];
        var forbidden = 0;
        for (var d = 0; d < _dims; d++)
        {
            pre[d] = 0;
        }

        for (var p = 1; p <= len; p++)
        {
            var c = n[p];
            fwd[p] = Join(fwd[p - 1], _m.ClientSegment[c], duration);
            for (var d = 0; d < _dims; d++)
            {
                pre[p * _dims + d] = pre[(p - 1) * _dims + d] + demand[c * _dims + d];
            }

            _routeOf[c] = r;
            _posOf[c] = p;
            forbidden += Forbids(c, r);
        }

        fwd[len + 1] = Join(fwd[len], _end[r], duration);
        for (var d = 0; d < _dims; d++)
        {
            pre[(len + 1) * _dims + d] = pre[len * _dims + d];
        }

        bwd[len + 1] = _end[r];
        for (var p = len; p >= 0; p--)
        {
            bwd[p] = Join(At(r, p), bwd[p + 1], duration);
        }

        _forbidden[r] = forbidden;
        _cost[r] = len == 0 ? 0 : RouteCost(fwd[len + 1], Overload(r, -1, -1, -1, -1), forbidden);
        _lastModified[r] = ++_clock;
    }
}
