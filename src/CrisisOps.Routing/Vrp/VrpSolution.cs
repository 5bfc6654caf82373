namespace CrisisOps.Routing.Vrp;

/// <summary>Limits and starting point of one solve.</summary>
/// <param name="TimeLimit">Wall-clock budget; the solver returns its best solution when it runs out.</param>
/// <param name="Seed">Same seed, same problem, same <paramref name="IterationLimit"/> → same solution.</param>
/// <param name="IterationLimit">Optional cap on search iterations (for reproducible runs).</param>
/// <param name="Start">A solution to start from (re-planning): its routes seed the search.</param>
public sealed record VrpOptions(TimeSpan TimeLimit, int Seed = 1, long? IterationLimit = null, VrpSolution? Start = null);

/// <summary>A solution: routes by vehicle and each job left out with the reason.</summary>
public sealed record VrpSolution(IReadOnlyList<VrpRoute> Routes, IReadOnlyList<UnservedJob> Unserved)
{
    public long Distance => Routes.Sum(r => r.Distance);
}

/// <summary>A vehicle's route: the jobs in the order it serves them, with times.</summary>
public sealed record VrpRoute(int Vehicle, IReadOnlyList<VrpStop> Stops, long Distance, int Departure, int Return);

/// <summary>A served job: when the vehicle arrives, when service starts (after waiting for the window), when it leaves.</summary>
public sealed record VrpStop(int Job, int Arrival, int ServiceStart, int Departure);

/// <summary>A job no route serves, and why.</summary>
public sealed record UnservedJob(int Job, UnservedReason Reason);

/// <summary>Why a job is not served. The first four hold for the job alone; the last is a choice of the plan.</summary>
public enum UnservedReason
{
    /// <summary>There are no vehicles.</summary>
    NoVehicles = 1,

    /// <summary>No vehicle can drive there from its start and back to its end (closed roads, no road).</summary>
    Unreachable = 2,

    /// <summary>The demand exceeds every vehicle's capacity.</summary>
    TooLarge = 3,

    /// <summary>No vehicle can reach it inside its window and get back within its shift.</summary>
    TimeWindow = 4,

    /// <summary>Feasible alone, but the fleet's capacity and shifts went to jobs of the same or a more urgent class.</summary>
    NoRoom = 5,
}
