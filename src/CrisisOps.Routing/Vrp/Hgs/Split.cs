namespace CrisisOps.Routing.Vrp.Hgs;

/// <summary>
/// Cuts a giant tour into routes, one per vehicle in fleet order, at the least penalised cost (Prins
/// 2004's Split as a shortest path, Bellman-style over the vehicles because the fleet is limited and may
/// be mixed). The cost of a stretch on a vehicle is computed once per vehicle class and reused.
/// </summary>
internal sealed class Split
{
    private readonly HgsModel _model;
    private double[] _cost = [];
    private double[] _best = [];
    private int[] _from = [];
    private readonly long[] _load;

    public Split(HgsModel model)
    {
        _model = model;
        _load = new long[model.Dimensions];
    }

    public Individual Run(int[] tour, Penalties penalties)
    {
        var n = tour.Length;
        var vehicles = _model.Vehicles;
        if (_cost.Length < (n + 1) * (n + 1))
        {
            _cost = new double[(n + 1) * (n + 1)];
        }

        if (_best.Length < (vehicles + 1) * (n + 1))
        {
            _best = new double[(vehicles + 1) * (n + 1)];
            _from = new int[(vehicles + 1) * (n + 1)];
        }

        if (!Solve(tour, penalties, bounded: true))
        {
            Solve(tour, penalties, bounded: false);
        }

        var routes = new int[vehicles][];
        var j = n;
        for (var k = vehicles; k >= 1; k--)
        {
            var i = _from[k * (n + 1) + j];
            routes[k - 1] = tour[i..j];
            j = i;
        }

        return new Individual(_model, routes);
    }

    private bool Solve(int[] tour, Penalties penalties, bool bounded)
    {
        var n = tour.Length;
        var row = n + 1;
        Array.Fill(_best, double.PositiveInfinity, 0, row);
        _best[0] = 0;
        var costClass = -1;
        for (var k = 1; k <= _model.Vehicles; k++)
        {
            var v = k - 1;
            if (_model.VehicleClass[v] != costClass)
            {
                costClass = _model.VehicleClass[v];
                Costs(tour, v, penalties, bounded);
            }

            var previous = (k - 1) * row;
            var current = k * row;
            for (var j = 0; j <= n; j++)
            {
                // The vehicle may stay at home.
                _best[current + j] = _best[previous + j];
                _from[current + j] = j;
            }

            for (var i = 0; i < n; i++)
            {
                var start = _best[previous + i];
                if (double.IsPositiveInfinity(start))
                {
                    continue;
                }

                for (var j = i + 1; j <= n; j++)
                {
                    var c = _cost[i * row + j];
                    if (double.IsPositiveInfinity(c))
                    {
                        break;
                    }

                    if (start + c < _best[current + j])
                    {
                        _best[current + j] = start + c;
                        _from[current + j] = i;
                    }
                }
            }
        }

        return !double.IsPositiveInfinity(_best[_model.Vehicles * row + n]);
    }

    // Cost of serving tour[i..j) with vehicle v, for all i < j; +∞ past the point where a stretch is
    // hopelessly overloaded (twice the capacity), which keeps the split near-linear on short routes.
    private void Costs(int[] tour, int v, Penalties penalties, bool bounded)
    {
        var m = _model;
        var n = tour.Length;
        var row = n + 1;
        var duration = m.Durations[m.VehicleSpeed[v]];
        var end = m.EndSegment(v);
        var dims = m.Dimensions;
        for (var i = 0; i < n; i++)
        {
            var seg = m.StartSegment(v);
            Array.Clear(_load);
            var forbidden = 0;
            var j = i + 1;
            for (; j <= n; j++)
            {
                var c = tour[j - 1];
                seg = TimeSegment.Join(seg, m.ClientSegment[c], m.Distance, duration, m.Points);
                double overload = 0;
                var hopeless = false;
                for (var d = 0; d < dims; d++)
                {
                    _load[d] += m.Demand[c * dims + d];
                    var cap = m.Capacity[v * dims + d];
                    overload += m.CapacityWeight[d] * Math.Max(0, _load[d] - cap);
                    hopeless |= _load[d] > 2 * cap;
                }

                if (!m.IsAllowed(c, v))
                {
                    forbidden++;
                }

                if (bounded && hopeless && j > i + 1)
                {
                    break;
                }

                var route = TimeSegment.Join(seg, end, m.Distance, duration, m.Points);
                _cost[i * row + j] = route.Distance + penalties.Load * overload + penalties.TimeWarp * route.TimeWarp
                    + forbidden * LocalSearch.ForbiddenCost;
            }

            for (; j <= n; j++)
            {
                _cost[i * row + j] = double.PositiveInfinity;
            }
        }
    }
}
