using CrisisOps.Routing.Instances;
using Google.OrTools.ConstraintSolver;
using Google.Protobuf.WellKnownTypes;

namespace CrisisOps.Bench.Vrptw;

/// <summary>
/// Google OR-Tools' routing solver on the same instance, as its documentation sets up a VRPTW: the same integer
/// matrix as arc cost, a capacity dimension, a time dimension whose transit is the service at the origin plus the
/// travel (waiting allowed as slack) with every window and shift, parallel cheapest insertion, then guided local
/// search until the time limit. The fleet of the instance is the vehicle limit. Bench only: the product never
/// depends on OR-Tools.
/// </summary>
internal static class OrToolsBaseline
{
    /// <summary>The routes found, driven by vehicles in fleet order; null when OR-Tools finds no solution in time.</summary>
    public static IReadOnlyList<PlannedRoute>? Solve(BenchmarkInstance instance, TimeSpan limit)
    {
        var problem = instance.Problem;
        var n = problem.NodeCount;
        var vehicleCount = problem.Vehicles.Count;
        var jobAt = new int[n];
        Array.Fill(jobAt, -1);
        for (var j = 0; j < problem.Jobs.Count; j++)
        {
            if (jobAt[problem.Jobs[j].Node] >= 0 || problem.Vehicles.Any(v => v.Start == problem.Jobs[j].Node || v.End == problem.Jobs[j].Node))
            {
                // A routing node is visited once; benchmark instances have one customer per node, away from the depot.
                throw new InvalidOperationException($"{instance.Name}: node {problem.Jobs[j].Node} holds more than one stop");
            }

            jobAt[problem.Jobs[j].Node] = j;
        }

        var manager = new RoutingIndexManager(n, vehicleCount, [.. problem.Vehicles.Select(v => v.Start)], [.. problem.Vehicles.Select(v => v.End)]);
        var model = new RoutingModel(manager);

        // Matrices rather than callbacks: OR-Tools then never calls back into .NET during the search.
        var distance = new long[n][];
        var transit = new long[n][];
        for (var a = 0; a < n; a++)
        {
            distance[a] = new long[n];
            transit[a] = new long[n];
            var service = jobAt[a] >= 0 ? problem.Jobs[jobAt[a]].Service : 0;
            for (var b = 0; b < n; b++)
            {
                distance[a][b] = problem.Distance(a, b);
                transit[a][b] = service + problem.Duration(a, b);
            }
        }

        model.SetArcCostEvaluatorOfAllVehicles(model.RegisterTransitMatrix(distance));

        for (var d = 0; d < problem.Dimensions; d++)
        {
            var demand = new long[n];
            for (var j = 0; j < problem.Jobs.Count; j++)
            {
                demand[problem.Jobs[j].Node] = problem.Jobs[j].Demand[d];
            }

            model.AddDimensionWithVehicleCapacity(model.RegisterUnaryTransitVector(demand), 0,
                [.. problem.Vehicles.Select(v => (long)v.Capacity[d])], true, $"Capacity{d}");
        }

        var horizon = problem.Vehicles.Max(v => (long)v.ShiftEnd);
        model.AddDimension(model.RegisterTransitMatrix(transit), horizon, horizon, false, "Time");
        var time = model.GetMutableDimension("Time");
        for (var j = 0; j < problem.Jobs.Count; j++)
        {
            time.CumulVar(manager.NodeToIndex(problem.Jobs[j].Node)).SetRange(problem.Jobs[j].Ready, problem.Jobs[j].Due);
        }

        for (var v = 0; v < vehicleCount; v++)
        {
            var vehicle = problem.Vehicles[v];
            time.CumulVar(model.Start(v)).SetRange(vehicle.ShiftStart, vehicle.ShiftEnd);
            time.CumulVar(model.End(v)).SetRange(vehicle.ShiftStart, vehicle.ShiftEnd);
        }

        var parameters = operations_research_constraint_solver.DefaultRoutingSearchParameters();
        parameters.FirstSolutionStrategy = FirstSolutionStrategy.Types.Value.ParallelCheapestInsertion;
        parameters.LocalSearchMetaheuristic = LocalSearchMetaheuristic.Types.Value.GuidedLocalSearch;
        parameters.TimeLimit = Duration.FromTimeSpan(limit);

        var solution = model.SolveWithParameters(parameters);
        if (solution is null)
        {
            return null;
        }

        var routes = new List<PlannedRoute>();
        for (var v = 0; v < vehicleCount; v++)
        {
            var jobs = new List<int>();
            for (var index = solution.Value(model.NextVar(model.Start(v))); !model.IsEnd(index); index = solution.Value(model.NextVar(index)))
            {
                jobs.Add(jobAt[manager.IndexToNode(index)]);
            }

            if (jobs.Count > 0)
            {
                routes.Add(new PlannedRoute(v, jobs));
            }
        }

        return routes;
    }
}
