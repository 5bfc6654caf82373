namespace CrisisOps.Routing.Vrp.Hgs;

/// <summary>
/// Turns the search's best solution into one that keeps every rule exactly: routes that still break a
/// capacity, a window, a shift, a vehicle restriction or a road lose clients until they hold; then the
/// priority classes are settled from the most urgent down, so that no client of a class is left out while
/// a client of a less urgent class is served (less urgent ones make room, and are put back where they
/// still fit). The search prices these rules; this step guarantees them.
/// </summary>
internal sealed class FinalRepair
{
    private readonly HgsModel _m;
    private readonly List<int>[] _routes;
    private readonly long[] _load;

    public FinalRepair(HgsModel model, Individual solution)
    {
        _m = model;
        _routes = new List<int>[model.Vehicles];
        for (var v = 0; v < model.Vehicles; v++)
        {
            _routes[v] = [.. solution.Routes[v]];
        }

        _load = new long[model.Dimensions];
    }

    /// <summary>Routes by vehicle (client indexes); clients on none are left out.</summary>
    public List<int>[] Run()
    {
        var served = new bool[_m.Clients];
        Settle(served);
        var classes = new SortedSet<int>(_m.Priority);
        var cutoff = false;
        foreach (var p in classes)
        {
            if (cutoff)
            {
                RemoveClassesFrom(p, served);
                continue;
            }

            var anyLeftOut = false;
            for (var u = 0; u < _m.Clients; u++)
            {
                if (served[u] || _m.Priority[u] != p)
                {
                    continue;
                }

                var lessUrgentServed = AnyServedBelow(p, served);
                if (_m.Mandatory[u] || lessUrgentServed)
                {
                    if (!Insert(u, double.PositiveInfinity) && lessUrgentServed)
                    {
                        RemoveClassesFrom(p + 1, served);
                        Settle(served);
                        Insert(u, double.PositiveInfinity);
                    }
                }
                else
                {
                    Insert(u, _m.Problem.Jobs[_m.JobOf[u]].DropPenalty ?? double.PositiveInfinity);
                }

                served[u] = Contains(u);
                anyLeftOut |= !served[u];
            }

            if (anyLeftOut)
            {
                cutoff = true;
            }
        }

        // Taking clients out can break a route when the matrix skips the triangle inequality (a closed road
        // between the neighbours left behind): settle again, and keep the class rule over what remains.
        while (true)
        {
            Settle(served);
            var mostUrgentLeftOut = int.MaxValue;
            for (var c = 0; c < _m.Clients; c++)
            {
                if (!served[c])
                {
                    mostUrgentLeftOut = Math.Min(mostUrgentLeftOut, _m.Priority[c]);
                }
            }

            if (mostUrgentLeftOut == int.MaxValue || !AnyServedBelow(mostUrgentLeftOut, served))
            {
                return _routes;
            }

            RemoveClassesFrom(mostUrgentLeftOut + 1, served);
        }
    }

    /// <summary>Takes clients out of every broken route until it holds; <paramref name="served"/> is brought up to date.</summary>
    private void Settle(bool[] served)
    {
        Array.Clear(served);
        for (var v = 0; v < _routes.Length; v++)
        {
            while (Violation(v, _routes[v], -1) > 0)
            {
                RemoveWorst(v);
            }

            foreach (var c in _routes[v])
            {
                served[c] = true;
            }
        }
    }

    private bool Contains(int u)
    {
        foreach (var route in _routes)
        {
            if (route.Contains(u))
            {
                return true;
            }
        }

        return false;
    }

    private bool AnyServedBelow(int p, bool[] served)
    {
        for (var c = 0; c < _m.Clients; c++)
        {
            if (served[c] && _m.Priority[c] > p)
            {
                return true;
            }
        }

        return false;
    }

    private void RemoveClassesFrom(int p, bool[] served)
    {
        foreach (var route in _routes)
        {
            route.RemoveAll(c => _m.Priority[c] >= p);
        }

        for (var c = 0; c < _m.Clients; c++)
        {
            if (_m.Priority[c] >= p)
            {
                served[c] = false;
            }
        }
    }

    /// <summary>Cheapest feasible insertion, if it costs less than <paramref name="limit"/>.</summary>
    private bool Insert(int u, double limit)
    {
        var best = double.PositiveInfinity;
        int bestVehicle = -1, bestPosition = -1;
        for (var v = 0; v < _routes.Length; v++)
        {
            if (!_m.IsAllowed(u, v))
            {
                continue;
            }

            var route = _routes[v];
            var before = route.Count == 0 ? 0 : Distance(v, route);
            for (var p = 0; p <= route.Count; p++)
            {
                route.Insert(p, u);
                if (Violation(v, route, -1) == 0)
                {
                    var delta = Distance(v, route) - before;
                    if (delta < best)
                    {
                        best = delta;
                        bestVehicle = v;
                        bestPosition = p;
                    }
                }

                route.RemoveAt(p);
            }
        }

        if (bestVehicle < 0 || best >= limit)
        {
            return false;
        }

        _routes[bestVehicle].Insert(bestPosition, u);
        return true;
    }

    // Drops the client whose removal leaves the least violation; among equals the least urgent.
    private void RemoveWorst(int v)
    {
        var route = _routes[v];
        var best = -1;
        var bestViolation = double.PositiveInfinity;
        for (var k = 0; k < route.Count; k++)
        {
            var violation = Violation(v, route, k);
            if (best < 0 || violation < bestViolation || (violation == bestViolation && _m.Priority[route[k]] > _m.Priority[route[best]]))
            {
                best = k;
                bestViolation = violation;
            }
        }

        route.RemoveAt(best);
    }

    /// <summary>How badly vehicle v's route (without the client at position <paramref name="skip"/>) breaks the rules; 0 when it holds.</summary>
    private double Violation(int v, List<int> route, int skip)
    {
        if (route.Count == 0 || (route.Count == 1 && skip == 0))
        {
            return 0;
        }

        var duration = _m.Durations[_m.VehicleSpeed[v]];
        var seg = _m.StartSegment(v);
        Array.Clear(_load);
        double violation = 0;
        var previous = _m.VehicleStart[v];
        for (var k = 0; k < route.Count; k++)
        {
            if (k == skip)
            {
                continue;
            }

            var c = route[k];
            violation += Arc(previous, c) + (_m.IsAllowed(c, v) ? 0 : 1);
            seg = TimeSegment.Join(seg, _m.ClientSegment[c], _m.Distance, duration, _m.Points);
            for (var d = 0; d < _load.Length; d++)
            {
                _load[d] += _m.Demand[c * _m.Dimensions + d];
            }

            previous = c;
        }

        violation += Arc(previous, _m.VehicleEnd[v]);
        seg = TimeSegment.Join(seg, _m.EndSegment(v), _m.Distance, duration, _m.Points);
        for (var d = 0; d < _load.Length; d++)
        {
            violation += Math.Max(0, _load[d] - _m.Capacity[v * _m.Dimensions + d]);
        }

        return violation + seg.TimeWarp;
    }

    private int Arc(int from, int to) => _m.Closed[from * _m.Points + to] ? 1 : 0;

    private long Distance(int v, List<int> route)
    {
        long sum = 0;
        var previous = _m.VehicleStart[v];
        foreach (var c in route)
        {
            sum += _m.Distance[previous * _m.Points + c];
            previous = c;
        }

        return sum + _m.Distance[previous * _m.Points + _m.VehicleEnd[v]];
    }
}
