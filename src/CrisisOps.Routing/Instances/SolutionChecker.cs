using System.Globalization;
using CrisisOps.Routing.Vrp;

namespace CrisisOps.Routing.Instances;

/// <summary>A route to check: the vehicle that drives it and the jobs in visiting order.</summary>
public sealed record PlannedRoute(int Vehicle, IReadOnlyList<int> Jobs);

/// <summary>What the checker found: cost in instance units, routes used, and the first rule broken when infeasible.</summary>
/// <param name="Reason">Null when feasible; otherwise the first violation and how many more there are.</param>
public sealed record SolutionCheck(decimal Cost, int Vehicles, bool Feasible, string? Reason);

/// <summary>
/// Judges a solution against an instance on its own, from the matrices and the rules alone: every job served
/// exactly once, each vehicle used at most once, capacities, allowed vehicles, windows (service starts by the due
/// time, waiting when early) and the vehicle's shift. It trusts nothing a solver reports about its routes — not
/// distances, times nor its list of unserved jobs — so the bench can hold every solver to the same account.
/// </summary>
public static class SolutionChecker
{
    /// <summary>Checks routes given as job lists, driven by vehicles 0, 1, 2, … in order (benchmark fleets are identical).</summary>
    public static SolutionCheck Check(BenchmarkInstance instance, IReadOnlyList<IReadOnlyList<int>> routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        return Check(instance, [.. routes.Select((jobs, v) => new PlannedRoute(v, jobs))]);
    }

    /// <summary>Checks a solver's solution by the jobs on its routes only.</summary>
    public static SolutionCheck Check(BenchmarkInstance instance, VrpSolution solution)
    {
        ArgumentNullException.ThrowIfNull(solution);
        return Check(instance, [.. solution.Routes.Select(r => new PlannedRoute(r.Vehicle, [.. r.Stops.Select(s => s.Job)]))]);
    }

    public static SolutionCheck Check(BenchmarkInstance instance, IReadOnlyList<PlannedRoute> routes)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(routes);
        var problem = instance.Problem;
        var violations = new List<string>();
        var servedBy = new int[problem.Jobs.Count];
        Array.Fill(servedBy, -1);
        var driven = new HashSet<int>();
        long distance = 0;
        var used = 0;
        for (var r = 0; r < routes.Count; r++)
        {
            var route = routes[r];
            if (route.Jobs.Count == 0)
            {
                continue;
            }

            used++;
            var label = $"route {r + 1}";
            if (route.Vehicle < 0 || route.Vehicle >= problem.Vehicles.Count)
            {
                violations.Add($"{label}: vehicle {route.Vehicle + 1} does not exist (the fleet has {problem.Vehicles.Count})");
                continue;
            }

            if (!driven.Add(route.Vehicle))
            {
                violations.Add($"{label}: vehicle {route.Vehicle + 1} already drives another route");
            }

            distance += Walk(instance, route, label, servedBy, r, violations);
        }

        var missing = Enumerable.Range(0, servedBy.Length).Where(j => servedBy[j] < 0).ToList();
        if (missing.Count > 0)
        {
            violations.Add($"{missing.Count} customer{(missing.Count > 1 ? "s" : "")} not served (first: customer {missing[0] + 1})");
        }

        var reason = violations.Count switch
        {
            0 => null,
            1 => violations[0],
            _ => $"{violations[0]} (and {violations.Count - 1} more)",
        };
        return new SolutionCheck(distance / (decimal)instance.Scale, used, violations.Count == 0, reason);
    }

    /// <summary>Drives one route from the vehicle's start to its end, noting every rule it breaks; returns its distance.</summary>
    private static long Walk(BenchmarkInstance instance, PlannedRoute route, string label, int[] servedBy, int routeIndex, List<string> violations)
    {
        var problem = instance.Problem;
        var vehicle = problem.Vehicles[route.Vehicle];
        var load = new long[problem.Dimensions];
        var node = vehicle.Start;
        long time = vehicle.ShiftStart;
        long distance = 0;
        var late = false;
        foreach (var j in route.Jobs)
        {
            if (j < 0 || j >= problem.Jobs.Count)
            {
                violations.Add($"{label}: customer {j + 1} does not exist (there are {problem.Jobs.Count})");
                continue;
            }

            if (servedBy[j] >= 0)
            {
                violations.Add($"{label}: customer {j + 1} is already served by route {servedBy[j] + 1}");
            }
            else
            {
                servedBy[j] = routeIndex;
            }

            var job = problem.Jobs[j];
            if (job.Vehicles is { } allowed && !allowed.Contains(route.Vehicle))
            {
                violations.Add($"{label}: customer {j + 1} may not be served by vehicle {route.Vehicle + 1}");
            }

            for (var d = 0; d < load.Length; d++)
            {
                load[d] += job.Demand[d];
            }

            var arc = problem.Distance(node, job.Node);
            var travel = problem.Duration(node, job.Node, vehicle);
            if (arc >= VrpProblem.Unreachable || travel >= VrpProblem.Unreachable)
            {
                violations.Add($"{label}: no way from node {node} to customer {j + 1}");
            }

            distance += arc;
            var arrival = time + travel;
            // Report only the first late stop of a route: the ones after it are late because of it.
            if (arrival > job.Due && !late)
            {
                violations.Add($"{label}: customer {j + 1} reached at {Units(instance, arrival)}, after its due time {Units(instance, job.Due)}");
                late = true;
            }

            time = Math.Max(arrival, job.Ready) + job.Service;
            node = job.Node;
        }

        for (var d = 0; d < load.Length; d++)
        {
            if (load[d] > vehicle.Capacity[d])
            {
                violations.Add($"{label}: load {load[d]} exceeds the capacity {vehicle.Capacity[d]}");
            }
        }

        var last = problem.Distance(node, vehicle.End);
        var back = problem.Duration(node, vehicle.End, vehicle);
        if (last >= VrpProblem.Unreachable || back >= VrpProblem.Unreachable)
        {
            violations.Add($"{label}: no way back from node {node} to the vehicle's end");
        }

        distance += last;
        if (time + back > vehicle.ShiftEnd && !late)
        {
            violations.Add($"{label}: back at {Units(instance, time + back)}, after the shift ends at {Units(instance, vehicle.ShiftEnd)}");
        }

        return distance;
    }

    private static string Units(BenchmarkInstance instance, long value) =>
        (value / (decimal)instance.Scale).ToString(CultureInfo.InvariantCulture);
}
