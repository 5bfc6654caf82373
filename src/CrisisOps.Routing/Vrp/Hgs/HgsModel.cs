namespace CrisisOps.Routing.Vrp.Hgs;

/// <summary>
/// The problem as the search reads it: flat arrays over compact points (the jobs that can be served,
/// then the vehicles' start and end nodes), one duration matrix per distinct vehicle speed, the
/// granular neighbour lists, and the price of leaving each job out. Built once per solve so that the
/// inner loops touch nothing but arrays.
/// </summary>
internal sealed class HgsModel
{
    /// <summary>
    /// How many neighbours each client keeps. Vidal et al. 2013 use 40; on Solomon 20 reached the same
    /// quality per offspring as 30 and 40 for a quarter less time (HGS-CVRP's default is 20 too).
    /// </summary>
    public const int Granularity = 20;

    // Weights of the time-window-aware correlation of Vidal et al. 2013: a wait is cheaper than being late.
    private const double WaitWeight = 0.2;
    private const double WarpWeight = 1.0;

    public HgsModel(VrpProblem problem, IReadOnlyList<int> jobs)
    {
        Problem = problem;
        Clients = jobs.Count;
        Dimensions = Math.Max(problem.Dimensions, 1);
        Vehicles = problem.Vehicles.Count;
        JobOf = [.. jobs];

        var depotNodes = new List<int>();
        foreach (var v in problem.Vehicles)
        {
            if (!depotNodes.Contains(v.Start))
            {
                depotNodes.Add(v.Start);
            }

            if (!depotNodes.Contains(v.End))
            {
                depotNodes.Add(v.End);
            }
        }

        Points = Clients + depotNodes.Count;
        var nodeOf = new int[Points];
        for (var c = 0; c < Clients; c++)
        {
            nodeOf[c] = problem.Jobs[jobs[c]].Node;
        }

        for (var k = 0; k < depotNodes.Count; k++)
        {
            nodeOf[Clients + k] = depotNodes[k];
        }

        Distance = new int[Points * Points];
        Closed = new bool[Points * Points];
        var baseDuration = new int[Points * Points];
        long longestArc = 1, longestTrip = 1;
        for (var a = 0; a < Points; a++)
        {
            for (var b = 0; b < Points; b++)
            {
                var distance = problem.Distance(nodeOf[a], nodeOf[b]);
                var duration = problem.Duration(nodeOf[a], nodeOf[b]);
                Distance[a * Points + b] = distance;
                baseDuration[a * Points + b] = duration;
                if (distance >= VrpProblem.Unreachable || duration >= VrpProblem.Unreachable)
                {
                    Closed[a * Points + b] = true;
                }
                else
                {
                    longestArc = Math.Max(longestArc, distance);
                    longestTrip = Math.Max(longestTrip, duration);
                }
            }
        }

        // A closed arc costs more than any route of open ones but stays small enough for doubles to price
        // moves exactly; its travel time is a plausible one, so that it does not swamp the time warp. The
        // arc itself is ruled out by Closed (Individual and FinalRepair count it as forbidden).
        var closedDistance = (int)Math.Min(200_000_000, longestArc * 2 * (Points + 1));
        for (var i = 0; i < Closed.Length; i++)
        {
            if (Closed[i])
            {
                Distance[i] = closedDistance;
                baseDuration[i] = (int)longestTrip;
            }
        }

        var scales = new List<double>();
        VehicleStart = new int[Vehicles];
        VehicleEnd = new int[Vehicles];
        VehicleSpeed = new int[Vehicles];
        ShiftStart = new long[Vehicles];
        ShiftEnd = new long[Vehicles];
        Capacity = new long[Vehicles * Dimensions];
        for (var v = 0; v < Vehicles; v++)
        {
            var vehicle = problem.Vehicles[v];
            VehicleStart[v] = Clients + depotNodes.IndexOf(vehicle.Start);
            VehicleEnd[v] = Clients + depotNodes.IndexOf(vehicle.End);
            ShiftStart[v] = vehicle.ShiftStart;
            ShiftEnd[v] = vehicle.ShiftEnd;
            for (var d = 0; d < problem.Dimensions; d++)
            {
                Capacity[v * Dimensions + d] = vehicle.Capacity[d];
            }

            if (problem.Dimensions == 0)
            {
                Capacity[v] = long.MaxValue / 4;
            }

            var s = scales.IndexOf(vehicle.DurationScale);
            if (s < 0)
            {
                s = scales.Count;
                scales.Add(vehicle.DurationScale);
            }

            VehicleSpeed[v] = s;
        }

        Durations = new int[scales.Count][];
        for (var s = 0; s < scales.Count; s++)
        {
            var scale = scales[s];
            var matrix = new int[Points * Points];
            for (var i = 0; i < matrix.Length; i++)
            {
                var d = baseDuration[i];
                // The same rounding as VrpProblem.Duration(from, to, vehicle), so that what the search calls
                // on time RouteSchedule.Build calls on time too.
                matrix[i] = scale == 1.0 ? d : (int)Math.Min(int.MaxValue / 8, Math.Ceiling(d * scale));
            }

            Durations[s] = matrix;
        }

        Demand = new long[Clients * Dimensions];
        Ready = new long[Clients];
        Due = new long[Clients];
        Service = new long[Clients];
        Priority = new int[Clients];
        Mandatory = new bool[Clients];
        for (var c = 0; c < Clients; c++)
        {
            var job = problem.Jobs[jobs[c]];
            for (var d = 0; d < problem.Dimensions; d++)
            {
                Demand[c * Dimensions + d] = job.Demand[d];
            }

            Ready[c] = job.Ready;
            Due[c] = job.Due;
            Service[c] = job.Service;
            Priority[c] = job.Priority;
            Mandatory[c] = job.DropPenalty is null;
            if (job.Vehicles is not null)
            {
                HasRestrictions = true;
            }
        }

        Allowed = new bool[Clients * Math.Max(Vehicles, 1)];
        for (var c = 0; c < Clients; c++)
        {
            var allowed = problem.Jobs[jobs[c]].Vehicles;
            for (var v = 0; v < Vehicles; v++)
            {
                Allowed[c * Vehicles + v] = allowed is null || allowed.Contains(v);
            }
        }

        // Capacity dimensions are weighed so that one vehicle-load of any dimension costs alike.
        CapacityWeight = new double[Dimensions];
        var reference = 0L;
        for (var v = 0; v < Vehicles; v++)
        {
            reference = Math.Max(reference, Capacity[v * Dimensions]);
        }

        for (var d = 0; d < Dimensions; d++)
        {
            var most = 1L;
            for (var v = 0; v < Vehicles; v++)
            {
                most = Math.Max(most, Capacity[v * Dimensions + d]);
            }

            CapacityWeight[d] = problem.Dimensions == 0 ? 0 : (double)Math.Max(reference, 1) / most;
        }

        VehicleClass = new int[Vehicles];
        for (var v = 0; v < Vehicles; v++)
        {
            VehicleClass[v] = v;
            for (var w = 0; w < v; w++)
            {
                if (SameVehicle(v, w))
                {
                    VehicleClass[v] = VehicleClass[w];
                    break;
                }
            }
        }

        ClientSegment = new TimeSegment[Clients];
        for (var c = 0; c < Clients; c++)
        {
            ClientSegment[c] = TimeSegment.Visit(c, Ready[c], Due[c], Service[c]);
        }

        (MaxArc, DropCost) = DropCosts();
        Neighbours = BuildNeighbours();
    }

    public VrpProblem Problem { get; }

    public int Clients { get; }

    public int Points { get; }

    public int Dimensions { get; }

    public int Vehicles { get; }

    /// <summary>Problem job index of each client.</summary>
    public int[] JobOf { get; }

    public int[] Distance { get; }

    /// <summary>Point × point: no road (the problem's <see cref="VrpProblem.Unreachable"/>); <see cref="Distance"/> holds a stand-in.</summary>
    public bool[] Closed { get; }

    /// <summary>Duration matrix per speed class (<see cref="VehicleSpeed"/>).</summary>
    public int[][] Durations { get; }

    public long[] Demand { get; }

    public long[] Ready { get; }

    public long[] Due { get; }

    public long[] Service { get; }

    public int[] Priority { get; }

    public bool[] Mandatory { get; }

    public bool HasRestrictions { get; }

    /// <summary>Client × vehicle: may this vehicle serve this client.</summary>
    public bool[] Allowed { get; }

    public int[] VehicleStart { get; }

    public int[] VehicleEnd { get; }

    public int[] VehicleSpeed { get; }

    /// <summary>Vehicles alike in every respect share a class: trying one empty vehicle of a class is enough.</summary>
    public int[] VehicleClass { get; }

    public long[] ShiftStart { get; }

    public long[] ShiftEnd { get; }

    public long[] Capacity { get; }

    public double[] CapacityWeight { get; }

    public TimeSegment[] ClientSegment { get; }

    /// <summary>What leaving a client out costs the search (see <see cref="DropCosts"/>).</summary>
    public double[] DropCost { get; }

    public long MaxArc { get; }

    public int[][] Neighbours { get; }

    public TimeSegment StartSegment(int vehicle) =>
        TimeSegment.Visit(VehicleStart[vehicle], ShiftStart[vehicle], ShiftEnd[vehicle], 0);

    public TimeSegment EndSegment(int vehicle) =>
        TimeSegment.Visit(VehicleEnd[vehicle], ShiftStart[vehicle], ShiftEnd[vehicle], 0);

    public bool IsAllowed(int client, int vehicle) => Allowed[client * Vehicles + vehicle];

    /// <summary>Can a route of one vehicle be priced as if it were driven by the other (same ends, shift and speed)?</summary>
    public bool SameEnds(int v, int w) =>
        VehicleStart[v] == VehicleStart[w] && VehicleEnd[v] == VehicleEnd[w] && ShiftStart[v] == ShiftStart[w] && ShiftEnd[v] == ShiftEnd[w]
        && VehicleSpeed[v] == VehicleSpeed[w];

    private bool SameVehicle(int v, int w)
    {
        if (!SameEnds(v, w))
        {
            return false;
        }

        for (var d = 0; d < Dimensions; d++)
        {
            if (Capacity[v * Dimensions + d] != Capacity[w * Dimensions + d])
            {
                return false;
            }
        }

        for (var c = 0; c < Clients; c++)
        {
            if (IsAllowed(c, v) != IsAllowed(c, w))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The search weighs a left-out job by its drop penalty (or, for "serve if at all possible", more than
    /// any plan's distance) plus a step per class of urgency above the least urgent, so that it prefers
    /// serving urgent classes. The final repair makes the class rule exact whatever the search found.
    /// </summary>
    private (long MaxArc, double[] Costs) DropCosts()
    {
        long maxArc = 1;
        double bound = 1;
        for (var c = 0; c < Clients; c++)
        {
            long most = 0;
            for (var v = 0; v < Vehicles; v++)
            {
                var there = Distance[VehicleStart[v] * Points + c];
                var back = Distance[c * Points + VehicleEnd[v]];
                if (!Closed[VehicleStart[v] * Points + c] && !Closed[c * Points + VehicleEnd[v]])
                {
                    most = Math.Max(most, Math.Max(there, back));
                }
            }

            maxArc = Math.Max(maxArc, most);
            bound += 2.0 * most;
        }

        var classes = new SortedSet<int>(Priority);
        var rank = new Dictionary<int, int>();
        foreach (var p in classes)
        {
            rank[p] = rank.Count;
        }

        // Lexicographic in effect: a class outweighs any number of "serve if possible" jobs of the classes
        // below it, which outweigh any plan's distance, which the caller's own penalties are set against.
        var mandatory = 10 * bound;
        var classStep = mandatory * (Clients + 1);
        var costs = new double[Clients];
        for (var c = 0; c < Clients; c++)
        {
            var job = Problem.Jobs[JobOf[c]];
            var own = job.DropPenalty is { } penalty ? Math.Clamp(penalty, 0, mandatory) : mandatory;
            costs[c] = own + classStep * (classes.Count - 1 - rank[Priority[c]]);
        }

        return (maxArc, costs);
    }

    private int[][] BuildNeighbours()
    {
        var count = Math.Min(Granularity, Math.Max(Clients - 1, 0));
        var result = new int[Clients][];
        var keys = new double[Math.Max(Clients - 1, 0)];
        var items = new int[Math.Max(Clients - 1, 0)];
        var duration = Durations[0];
        for (var u = 0; u < Clients; u++)
        {
            var n = 0;
            for (var v = 0; v < Clients; v++)
            {
                if (v == u)
                {
                    continue;
                }

                keys[n] = Math.Min(Correlation(v, u, duration), Correlation(u, v, duration));
                items[n++] = v;
            }

            Array.Sort(keys, items, 0, n);
            result[u] = items[..count];
        }

        return result;
    }

    // How well "b right after a" fits: the arc, plus a wait or a lateness the windows would force.
    private double Correlation(int a, int b, int[] duration)
    {
        var arc = a * Points + b;
        var travel = (double)duration[arc];
        var wait = Math.Max(Ready[b] - Service[a] - travel - Due[a], 0);
        var late = Math.Max(Ready[a] + Service[a] + travel - Due[b], 0);
        return Distance[arc] + WaitWeight * wait + WarpWeight * late;
    }
}
