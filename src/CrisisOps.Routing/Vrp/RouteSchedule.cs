namespace CrisisOps.Routing.Vrp;

/// <summary>Times along a route, and whether the route is feasible (capacity, windows, shift).</summary>
public static class RouteSchedule
{
    /// <summary>The route's stops with times, or null when it breaks a capacity, a window or the shift.</summary>
    public static VrpRoute? Build(VrpProblem problem, int vehicleIndex, IReadOnlyList<int> jobs)
    {
        var vehicle = problem.Vehicles[vehicleIndex];
        var load = new long[problem.Dimensions];
        var stops = new List<VrpStop>(jobs.Count);
        var node = vehicle.Start;
        long time = vehicle.ShiftStart;
        long distance = 0;
        foreach (var j in jobs)
        {
            var job = problem.Jobs[j];
            if (job.Vehicles is { } allowed && !allowed.Contains(vehicleIndex))
            {
                return null;
            }

            for (var d = 0; d < load.Length; d++)
            {
                load[d] += job.Demand[d];
                if (load[d] > vehicle.Capacity[d])
                {
                    return null;
                }
            }

            var travel = problem.Duration(node, job.Node, vehicle);
            var arc = problem.Distance(node, job.Node);
            if (travel >= VrpProblem.Unreachable || arc >= VrpProblem.Unreachable)
            {
                return null;
            }

            var arrival = time + travel;
            if (arrival > job.Due)
            {
                return null;
            }

            var start = Math.Max(arrival, job.Ready);
            time = start + job.Service;
            distance += arc;
            stops.Add(new VrpStop(j, (int)arrival, (int)start, (int)time));
            node = job.Node;
        }

        var back = problem.Duration(node, vehicle.End, vehicle);
        var last = problem.Distance(node, vehicle.End);
        if (back >= VrpProblem.Unreachable || last >= VrpProblem.Unreachable || time + back > vehicle.ShiftEnd)
        {
            return null;
        }

        return new VrpRoute(vehicleIndex, stops, distance + last, vehicle.ShiftStart, (int)(time + back));
    }

    /// <summary>Why a job cannot be served by any vehicle on its own, or null when some vehicle could.</summary>
    public static UnservedReason? Screen(VrpProblem problem, int jobIndex)
    {
        if (problem.Vehicles.Count == 0)
        {
            return UnservedReason.NoVehicles;
        }

        var job = problem.Jobs[jobIndex];
        var reachable = false;
        var fits = false;
        for (var v = 0; v < problem.Vehicles.Count; v++)
        {
            var vehicle = problem.Vehicles[v];
            if (job.Vehicles is { } allowed && !allowed.Contains(v))
            {
                continue;
            }

            if (problem.Duration(vehicle.Start, job.Node) >= VrpProblem.Unreachable || problem.Duration(job.Node, vehicle.End) >= VrpProblem.Unreachable)
            {
                continue;
            }

            reachable = true;
            if (!job.Demand.Select((q, d) => q <= vehicle.Capacity[d]).All(ok => ok))
            {
                continue;
            }

            fits = true;
            if (Build(problem, v, [jobIndex]) is not null)
            {
                return null;
            }
        }

        return !reachable ? UnservedReason.Unreachable : !fits ? UnservedReason.TooLarge : UnservedReason.TimeWindow;
    }
}
