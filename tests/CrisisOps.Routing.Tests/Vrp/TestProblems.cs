using CrisisOps.Routing.Vrp;

namespace CrisisOps.Routing.Tests.Vrp;

/// <summary>Small problems on a plane (distances and times in tenths, rounded) and the checks every solution must pass.</summary>
internal static class TestProblems
{
    public static VrpProblem OnPlane(IReadOnlyList<(double X, double Y)> points, IReadOnlyList<VrpJob> jobs, IReadOnlyList<VrpVehicle> vehicles,
        IEnumerable<(int From, int To)>? closed = null)
    {
        var n = points.Count;
        var matrix = new int[n * n];
        for (var a = 0; a < n; a++)
        {
            for (var b = 0; b < n; b++)
            {
                var dx = points[a].X - points[b].X;
                var dy = points[a].Y - points[b].Y;
                matrix[a * n + b] = (int)Math.Round(Math.Sqrt(dx * dx + dy * dy) * 10);
            }
        }

        foreach (var (from, to) in closed ?? [])
        {
            matrix[from * n + to] = VrpProblem.Unreachable;
        }

        return new VrpProblem(n, matrix, (int[])matrix.Clone(), jobs, vehicles);
    }

    /// <summary>A random problem with everything the product uses: two dimensions, mixed vehicles, restrictions, classes, optional jobs, closed arcs.</summary>
    public static VrpProblem Mixed(int seed, int jobCount, int vehicleCount)
    {
        var random = new Random(seed);
        var points = new List<(double X, double Y)> { (50, 50), (20, 80) };
        var jobs = new List<VrpJob>();
        for (var j = 0; j < jobCount; j++)
        {
            points.Add((random.Next(0, 101), random.Next(0, 101)));
            var ready = random.Next(0, 4000);
            var width = random.Next(300, 3000);
            IReadOnlySet<int>? allowed = random.Next(6) == 0 ? new HashSet<int> { random.Next(vehicleCount) } : null;
            long? penalty = random.Next(3) == 0 ? random.Next(50, 3000) : null;
            jobs.Add(new VrpJob(j + 2, [random.Next(1, 20), random.Next(1, 10)], ready, ready + width, random.Next(0, 100), random.Next(0, 3), penalty, allowed));
        }

        var vehicles = new List<VrpVehicle>();
        for (var v = 0; v < vehicleCount; v++)
        {
            var home = v % 2;
            vehicles.Add(new VrpVehicle(home, v % 3 == 0 ? 1 - home : home, [random.Next(60, 120), random.Next(30, 60)], random.Next(0, 500),
                random.Next(6000, 9000), v % 2 == 0 ? 1.0 : 1.3));
        }

        var closed = new List<(int, int)>();
        for (var k = 0; k < jobCount; k++)
        {
            closed.Add((random.Next(points.Count), random.Next(points.Count)));
        }

        return OnPlane(points, jobs, vehicles, closed.Where(c => c.Item1 != c.Item2));
    }

    /// <summary>Every route is feasible as built, every job is served or reported exactly once, and the priority rule holds.</summary>
    public static void AssertValid(VrpProblem problem, VrpSolution solution)
    {
        var seen = new int[problem.Jobs.Count];
        foreach (var route in solution.Routes)
        {
            var jobs = route.Stops.Select(s => s.Job).ToList();
            var rebuilt = RouteSchedule.Build(problem, route.Vehicle, jobs);
            Assert.NotNull(rebuilt);
            Assert.Equal(rebuilt.Distance, route.Distance);
            Assert.NotEmpty(jobs);
            foreach (var j in jobs)
            {
                seen[j]++;
            }
        }

        Assert.Equal(solution.Routes.Count, solution.Routes.Select(r => r.Vehicle).Distinct().Count());
        foreach (var u in solution.Unserved)
        {
            seen[u.Job]++;
            var screened = RouteSchedule.Screen(problem, u.Job);
            Assert.Equal(screened ?? UnservedReason.NoRoom, u.Reason);
        }

        Assert.All(seen, count => Assert.Equal(1, count));
        var leastUrgentServed = solution.Routes.SelectMany(r => r.Stops).Select(s => problem.Jobs[s.Job].Priority).DefaultIfEmpty(int.MinValue).Max();
        foreach (var u in solution.Unserved.Where(u => u.Reason == UnservedReason.NoRoom))
        {
            Assert.True(problem.Jobs[u.Job].Priority >= leastUrgentServed,
                $"Job {u.Job} of class {problem.Jobs[u.Job].Priority} is left out while a job of class {leastUrgentServed} is served.");
        }
    }

    public static IEnumerable<IReadOnlyList<int>> Sequences(VrpSolution solution) =>
        solution.Routes.Select(r => (IReadOnlyList<int>)[r.Vehicle, .. r.Stops.Select(s => s.Job)]);
}
