namespace CrisisOps.Routing.Vrp;

/// <summary>
/// A vehicle-routing problem with capacities and time windows: nodes joined by integer distance and
/// duration matrices, jobs to serve at nodes, and the vehicles that may serve them. Units are the
/// caller's (metres and seconds for road plans; tenths of a unit for the Solomon benchmarks), as long as
/// they are the same for windows, service times and durations.
/// </summary>
public sealed class VrpProblem
{
    /// <summary>A matrix entry meaning "no road leads there" (large, but safe to add a few of).</summary>
    public const int Unreachable = int.MaxValue / 8;

    private readonly int[] _distance;
    private readonly int[] _duration;

    /// <param name="nodeCount">Number of nodes; matrices are row-major <c>nodeCount × nodeCount</c>.</param>
    /// <param name="distance">What the solver minimises per arc.</param>
    /// <param name="duration">Travel time per arc, before a vehicle's <see cref="VrpVehicle.DurationScale"/>.</param>
    public VrpProblem(int nodeCount, int[] distance, int[] duration, IReadOnlyList<VrpJob> jobs, IReadOnlyList<VrpVehicle> vehicles)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(nodeCount);
        ArgumentNullException.ThrowIfNull(distance);
        ArgumentNullException.ThrowIfNull(duration);
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentNullException.ThrowIfNull(vehicles);
        if (distance.Length != nodeCount * nodeCount || duration.Length != nodeCount * nodeCount)
        {
            throw new ArgumentException($"Matrices must hold {nodeCount} × {nodeCount} entries.");
        }

        var dimensions = vehicles.Count > 0 ? vehicles[0].Capacity.Count : jobs.Count > 0 ? jobs[0].Demand.Count : 0;
        foreach (var job in jobs)
        {
            if (job.Node < 0 || job.Node >= nodeCount)
            {
                throw new ArgumentException($"Job at node {job.Node} is outside 0..{nodeCount - 1}.");
            }

            if (job.Demand.Count != dimensions)
            {
                throw new ArgumentException($"Every demand and capacity has {dimensions} dimensions.");
            }
        }

        foreach (var vehicle in vehicles)
        {
            if (vehicle.Start < 0 || vehicle.Start >= nodeCount || vehicle.End < 0 || vehicle.End >= nodeCount)
            {
                throw new ArgumentException($"Vehicle nodes {vehicle.Start}→{vehicle.End} are outside 0..{nodeCount - 1}.");
            }

            if (vehicle.Capacity.Count != dimensions)
            {
                throw new ArgumentException($"Every demand and capacity has {dimensions} dimensions.");
            }
        }

        NodeCount = nodeCount;
        _distance = distance;
        _duration = duration;
        Jobs = jobs;
        Vehicles = vehicles;
        Dimensions = dimensions;
    }

    public int NodeCount { get; }

    public IReadOnlyList<VrpJob> Jobs { get; }

    public IReadOnlyList<VrpVehicle> Vehicles { get; }

    /// <summary>Number of capacity dimensions (e.g. 2: weight and volume).</summary>
    public int Dimensions { get; }

    public int Distance(int from, int to) => _distance[from * NodeCount + to];

    public int Duration(int from, int to) => _duration[from * NodeCount + to];

    /// <summary>The travel time of an arc for a vehicle, after its speed scale.</summary>
    public int Duration(int from, int to, VrpVehicle vehicle)
    {
        var d = _duration[from * NodeCount + to];
        return d >= Unreachable || vehicle.DurationScale == 1.0 ? d : (int)Math.Ceiling(d * vehicle.DurationScale);
    }

    /// <summary>The matrices themselves (row-major), for solvers that copy them into their own layout.</summary>
    public ReadOnlySpan<int> DistanceMatrix => _distance;

    public ReadOnlySpan<int> DurationMatrix => _duration;
}

/// <summary>
/// One delivery: a node, what it takes of each capacity dimension, the window service must start in,
/// how long service takes, and how it ranks when not everything can be served.
/// </summary>
/// <param name="Priority">0 is the most urgent class (nursing homes, hospitals); a job of a more urgent
/// class is never left unserved while a job of a less urgent class is served.</param>
/// <param name="DropPenalty">Cost of leaving the job unserved, in distance units; null means "serve if at all
/// possible" (the solver treats it as far larger than any route).</param>
/// <param name="Vehicles">The vehicles allowed to serve it (e.g. those loaded at a depot that stocks the item); null means any.</param>
public sealed record VrpJob(int Node, IReadOnlyList<int> Demand, int Ready, int Due, int Service, int Priority = 0, long? DropPenalty = null,
    IReadOnlySet<int>? Vehicles = null);

/// <summary>
/// One vehicle: where it starts and ends (a depot, or where it is now when re-planning), its capacity per
/// dimension, its shift, and how much slower (&gt; 1) or faster (&lt; 1) than the duration matrix it drives.
/// </summary>
public sealed record VrpVehicle(int Start, int End, IReadOnlyList<int> Capacity, int ShiftStart, int ShiftEnd, double DurationScale = 1.0);
