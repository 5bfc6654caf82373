namespace CrisisOps.Routing.Vrp;

/// <summary>
/// Solves a <see cref="VrpProblem"/>. For now a cheapest-insertion construction by priority class then
/// due time; the metaheuristic of the dispatch issue replaces the search behind the same call.
/// </summary>
public static class VrpSolver
{
    public static VrpSolution Solve(VrpProblem problem, VrpOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(options);
        var unserved = new List<UnservedJob>();
        var candidates = new List<int>();
        for (var j = 0; j < problem.Jobs.Count; j++)
        {
            if (RouteSchedule.Screen(problem, j) is { } reason)
            {
                unserved.Add(new UnservedJob(j, reason));
            }
            else
            {
                candidates.Add(j);
            }
        }

        var routes = Enumerable.Range(0, problem.Vehicles.Count).Select(_ => new List<int>()).ToList();
        var costs = new long[routes.Count];
        foreach (var j in candidates.OrderBy(j => problem.Jobs[j].Priority).ThenBy(j => problem.Jobs[j].Due).ThenBy(j => j))
        {
            cancellationToken.ThrowIfCancellationRequested();
            (int Vehicle, int Position, long Delta)? best = null;
            for (var v = 0; v < routes.Count; v++)
            {
                for (var p = 0; p <= routes[v].Count; p++)
                {
                    routes[v].Insert(p, j);
                    if (RouteSchedule.Build(problem, v, routes[v]) is { } route && (best is null || route.Distance - costs[v] < best.Value.Delta))
                    {
                        best = (v, p, route.Distance - costs[v]);
                    }

                    routes[v].RemoveAt(p);
                }
            }

            if (best is { } b)
            {
                routes[b.Vehicle].Insert(b.Position, j);
                costs[b.Vehicle] += b.Delta;
            }
            else
            {
                unserved.Add(new UnservedJob(j, UnservedReason.NoRoom));
            }
        }

        var built = routes.Select((jobs, v) => jobs.Count == 0 ? null : RouteSchedule.Build(problem, v, jobs)).OfType<VrpRoute>().ToList();
        return new VrpSolution(built, [.. unserved.OrderBy(u => u.Job)]);
    }
}
