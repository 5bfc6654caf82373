using System.Diagnostics;
using System.Runtime.ExceptionServices;
using CrisisOps.Routing.Vrp.Hgs;

namespace CrisisOps.Routing.Vrp;

/// <summary>
/// Solves a <see cref="VrpProblem"/>: minimises total distance plus the drop penalties of jobs left out,
/// keeping capacities, windows, shifts, allowed vehicles and roads, and the priority rule (no job is left
/// out while a job of a less urgent class is served). The search is hybrid genetic search with time-warp
/// penalties (Vidal et al. 2013; see <c>Vrp/Hgs</c>); two searches with seeds <c>Seed</c> and
/// <c>Seed + 1</c> run side by side on two threads and the better result is returned.
/// </summary>
public static class VrpSolver
{
    private const int Searches = 2;

    /// <summary>Solves <paramref name="problem"/> within <see cref="VrpOptions.TimeLimit"/>.</summary>
    /// <returns>Routes that all pass <see cref="RouteSchedule.Build"/>, and every job left out with its reason
    /// (<see cref="RouteSchedule.Screen"/>'s when the job cannot be served at all, else <see cref="UnservedReason.NoRoom"/>).
    /// With an <see cref="VrpOptions.IterationLimit"/>, the same seed gives the same solution.</returns>
    /// <exception cref="OperationCanceledException">When <paramref name="cancellationToken"/> fires before the end.</exception>
    public static VrpSolution Solve(VrpProblem problem, VrpOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(options);
        var deadline = Deadline(options.TimeLimit);
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

        if (candidates.Count == 0)
        {
            return new VrpSolution([], unserved);
        }

        var model = new HgsModel(problem, candidates);
        var results = new Individual[Searches];
        try
        {
            Parallel.For(0, Searches, new ParallelOptions { MaxDegreeOfParallelism = Searches }, s =>
            {
                var search = new GeneticSearch(model, options.Seed + (long)s);
                results[s] = search.Run(StartingPoint(model, options.Start), options.IterationLimit, deadline, cancellationToken);
            });
        }
        catch (AggregateException e) when (e.InnerException is not null)
        {
            // Callers expect the search's own exception (cancellation above all), not the thread pool's wrapper.
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }

        var best = results[0];
        for (var s = 1; s < Searches; s++)
        {
            if (Better(results[s], best))
            {
                best = results[s];
            }
        }

        var routes = new FinalRepair(model, best).Run();
        return Assemble(problem, model, routes, unserved);
    }

    private static bool Better(Individual a, Individual b) =>
        a.IsFeasible != b.IsFeasible ? a.IsFeasible : a.IsFeasible ? a.Objective < b.Objective : a.PenalizedCost < b.PenalizedCost;

    private static long Deadline(TimeSpan limit)
    {
        var now = Stopwatch.GetTimestamp();
        var seconds = Math.Clamp(limit.TotalSeconds, 0, 365 * 24 * 3600.0);
        return now + (long)(seconds * Stopwatch.Frequency);
    }

    /// <summary>The caller's plan as an individual: routes by vehicle, keeping only jobs that can be served, each once.</summary>
    private static Individual? StartingPoint(HgsModel model, VrpSolution? start)
    {
        if (start is null)
        {
            return null;
        }

        var clientOf = new Dictionary<int, int>();
        for (var c = 0; c < model.Clients; c++)
        {
            clientOf[model.JobOf[c]] = c;
        }

        var used = new bool[model.Clients];
        var routes = new List<int>[model.Vehicles];
        for (var v = 0; v < model.Vehicles; v++)
        {
            routes[v] = [];
        }

        foreach (var route in start.Routes)
        {
            if (route.Vehicle < 0 || route.Vehicle >= model.Vehicles)
            {
                continue;
            }

            foreach (var stop in route.Stops)
            {
                if (clientOf.TryGetValue(stop.Job, out var c) && !used[c])
                {
                    used[c] = true;
                    routes[route.Vehicle].Add(c);
                }
            }
        }

        var arrays = new int[model.Vehicles][];
        for (var v = 0; v < model.Vehicles; v++)
        {
            arrays[v] = [.. routes[v]];
        }

        return new Individual(model, arrays);
    }

    private static VrpSolution Assemble(VrpProblem problem, HgsModel model, List<int>[] routes, List<UnservedJob> unserved)
    {
        var served = new bool[model.Clients];
        var built = new List<VrpRoute>();
        for (var v = 0; v < routes.Length; v++)
        {
            if (routes[v].Count == 0)
            {
                continue;
            }

            var jobs = new List<int>(routes[v].Count);
            foreach (var c in routes[v])
            {
                jobs.Add(model.JobOf[c]);
                served[c] = true;
            }

            built.Add(RouteSchedule.Build(problem, v, jobs)
                ?? throw new InvalidOperationException($"The solver built an infeasible route for vehicle {v}; this is a bug."));
        }

        for (var c = 0; c < model.Clients; c++)
        {
            if (!served[c])
            {
                unserved.Add(new UnservedJob(model.JobOf[c], UnservedReason.NoRoom));
            }
        }

        unserved.Sort((a, b) => a.Job.CompareTo(b.Job));
        return new VrpSolution(built, unserved);
    }
}
