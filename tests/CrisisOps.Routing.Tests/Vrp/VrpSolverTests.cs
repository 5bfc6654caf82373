using CrisisOps.Routing.Vrp;

namespace CrisisOps.Routing.Tests.Vrp;

public sealed class VrpSolverTests
{
    // A generous clock and a small iteration cap: the tests read the same on a busy machine and in Debug builds.
    private static VrpOptions Quick(int seed = 1, VrpSolution? start = null) => new(TimeSpan.FromMinutes(10), seed, IterationLimit: 60, Start: start);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static VrpVehicle Truck(int capacity = 100, int node = 0) => new(node, node, [capacity], 0, 100_000);

    [Fact]
    public void Solve_WhenThereAreNoJobs_ReturnsAnEmptyPlan()
    {
        var problem = TestProblems.OnPlane([(0, 0)], [], [Truck()]);

        var solution = VrpSolver.Solve(problem, Quick(), Token);

        Assert.Empty(solution.Routes);
        Assert.Empty(solution.Unserved);
    }

    [Fact]
    public void Solve_WhenThereAreNoVehicles_ReportsEveryJobWithNoVehicles()
    {
        var problem = TestProblems.OnPlane([(0, 0), (3, 4)], [new VrpJob(1, [1], 0, 1000, 0), new VrpJob(1, [1], 0, 1000, 0)], []);

        var solution = VrpSolver.Solve(problem, Quick(), Token);

        Assert.Empty(solution.Routes);
        Assert.Equal([UnservedReason.NoVehicles, UnservedReason.NoVehicles], solution.Unserved.Select(u => u.Reason));
    }

    [Fact]
    public void Solve_WhenThereIsOneJob_ServesItThereAndBack()
    {
        var problem = TestProblems.OnPlane([(0, 0), (3, 4)], [new VrpJob(1, [5], 0, 1000, 7)], [Truck(), Truck()]);

        var solution = VrpSolver.Solve(problem, Quick(), Token);

        var route = Assert.Single(solution.Routes);
        Assert.Equal(100, route.Distance);
        Assert.Equal(new VrpStop(0, 50, 50, 57), Assert.Single(route.Stops));
        TestProblems.AssertValid(problem, solution);
    }

    [Fact]
    public void Solve_WithoutCapacityDimensions_RoutesByWindowsAlone()
    {
        var points = new List<(double, double)> { (0, 0), (10, 0), (0, 10), (10, 10) };
        var jobs = new[] { new VrpJob(1, [], 0, 1_000, 10), new VrpJob(2, [], 0, 1_000, 10), new VrpJob(3, [], 0, 1_000, 10), new VrpJob(0, [], 0, 1_000, 10) };
        var problem = TestProblems.OnPlane(points, jobs, [new VrpVehicle(0, 0, [], 0, 10_000)]);

        var solution = VrpSolver.Solve(problem, Quick(), Token);

        TestProblems.AssertValid(problem, solution);
        Assert.Empty(solution.Unserved);
        Assert.Equal(400, Assert.Single(solution.Routes).Distance);
    }

    [Fact]
    public void Solve_WithWeightAndVolume_KeepsBothCapacities()
    {
        // Four light but bulky parcels: weight would let one vehicle take all, volume allows two each.
        var points = new List<(double, double)> { (0, 0), (10, 0), (10, 1), (11, 0), (11, 1) };
        var jobs = Enumerable.Range(1, 4).Select(n => new VrpJob(n, [1, 5], 0, 100_000, 0)).ToList();
        var vehicles = new[] { new VrpVehicle(0, 0, [100, 10], 0, 100_000), new VrpVehicle(0, 0, [100, 10], 0, 100_000) };
        var problem = TestProblems.OnPlane(points, jobs, vehicles);

        var solution = VrpSolver.Solve(problem, Quick(), Token);

        TestProblems.AssertValid(problem, solution);
        Assert.Empty(solution.Unserved);
        Assert.Equal([2, 2], solution.Routes.Select(r => r.Stops.Count));
    }

    [Fact]
    public void Solve_WithMixedVehicles_UsesTheirOwnEndsShiftsAndSpeeds()
    {
        // Vehicle 0 starts at node 0 and ends at node 1, early shift; vehicle 1 is slow, from node 2 back to it.
        var points = new List<(double, double)> { (0, 0), (100, 0), (0, 100), (50, 0), (0, 50), (50, 50) };
        var jobs = new[]
        {
            new VrpJob(3, [1], 0, 10_000, 0),
            new VrpJob(4, [1], 0, 10_000, 0),
            new VrpJob(5, [1], 5_000, 9_000, 100),
        };
        var vehicles = new[] { new VrpVehicle(0, 1, [2], 0, 3_000), new VrpVehicle(2, 2, [5], 0, 20_000, DurationScale: 2.0) };
        var problem = TestProblems.OnPlane(points, jobs, vehicles);

        var solution = VrpSolver.Solve(problem, Quick(), Token);

        TestProblems.AssertValid(problem, solution);
        Assert.Empty(solution.Unserved);
        var slow = Assert.Single(solution.Routes, r => r.Vehicle == 1);
        // The late window (5,000 onwards) is out of the early shift, so the slow vehicle takes job 2.
        Assert.Contains(slow.Stops, s => s.Job == 2);
        Assert.All(solution.Routes.Where(r => r.Vehicle == 0), r => Assert.True(r.Return <= 3_000));
    }

    [Fact]
    public void Solve_WhenAJobNamesItsVehicles_OnlyThoseServeIt()
    {
        var points = new List<(double, double)> { (0, 0), (10, 0), (0, 10), (-10, 0) };
        var jobs = new[]
        {
            new VrpJob(1, [1], 0, 100_000, 0, Vehicles: new HashSet<int> { 2 }),
            new VrpJob(2, [1], 0, 100_000, 0, Vehicles: new HashSet<int> { 2 }),
            new VrpJob(3, [1], 0, 100_000, 0),
        };
        var problem = TestProblems.OnPlane(points, jobs, [Truck(), Truck(), Truck()]);

        var solution = VrpSolver.Solve(problem, Quick(), Token);

        TestProblems.AssertValid(problem, solution);
        Assert.Empty(solution.Unserved);
        Assert.All(solution.Routes.Where(r => r.Stops.Any(s => s.Job < 2)), r => Assert.Equal(2, r.Vehicle));
    }

    [Fact]
    public void Solve_WhenTheFleetIsTooSmall_LeavesOutOnlyTheLessUrgentClass()
    {
        // Ten urgent jobs far away (with a small drop penalty, to tempt the search) and ten routine jobs
        // next to the depot; the one vehicle holds ten.
        var points = new List<(double, double)> { (0, 0) };
        var jobs = new List<VrpJob>();
        for (var k = 0; k < 10; k++)
        {
            points.Add((80 + k, 80));
            jobs.Add(new VrpJob(points.Count - 1, [1], 0, 100_000, 0, Priority: 0, DropPenalty: 1));
            points.Add((k, 1));
            jobs.Add(new VrpJob(points.Count - 1, [1], 0, 100_000, 0, Priority: 1));
        }

        var problem = TestProblems.OnPlane(points, jobs, [Truck(capacity: 10)]);

        var solution = VrpSolver.Solve(problem, Quick(), Token);

        TestProblems.AssertValid(problem, solution);
        Assert.All(solution.Routes.SelectMany(r => r.Stops), s => Assert.Equal(0, problem.Jobs[s.Job].Priority));
        Assert.Equal(10, solution.Unserved.Count);
        Assert.All(solution.Unserved, u => Assert.Equal((1, UnservedReason.NoRoom), (problem.Jobs[u.Job].Priority, u.Reason)));
    }

    [Fact]
    public void Solve_WhenADetourCostsMoreThanTheDropPenalty_LeavesTheOptionalJobOut()
    {
        var points = new List<(double, double)> { (0, 0), (1, 0), (500, 500) };
        var jobs = new[] { new VrpJob(1, [1], 0, 100_000, 0), new VrpJob(2, [1], 0, 100_000, 0, DropPenalty: 100) };
        var problem = TestProblems.OnPlane(points, jobs, [Truck()]);

        var solution = VrpSolver.Solve(problem, Quick(), Token);

        TestProblems.AssertValid(problem, solution);
        Assert.Equal(new UnservedJob(1, UnservedReason.NoRoom), Assert.Single(solution.Unserved));
    }

    [Fact]
    public void Solve_WhenAnArcIsClosed_NeverDrivesIt()
    {
        // The direct 1 → 2 arc is the obvious order; closed, the vehicle must go round.
        var points = new List<(double, double)> { (0, 0), (10, 0), (20, 0) };
        var jobs = new[] { new VrpJob(1, [1], 0, 100_000, 0), new VrpJob(2, [1], 0, 100_000, 0) };
        var problem = TestProblems.OnPlane(points, jobs, [Truck(), Truck()], closed: [(1, 2), (2, 1)]);

        var solution = VrpSolver.Solve(problem, Quick(), Token);

        TestProblems.AssertValid(problem, solution);
        Assert.Equal(2, solution.Routes.Count);
        Assert.True(solution.Distance < VrpProblem.Unreachable);
    }

    [Fact]
    public void Solve_ReportsWhyEachJobIsLeftOut()
    {
        var points = new List<(double, double)> { (0, 0), (10, 0), (20, 0), (30, 0), (40, 0) };
        var jobs = new[]
        {
            new VrpJob(1, [500], 0, 100_000, 0),       // too large for any vehicle
            new VrpJob(2, [1], 0, 10, 0),              // window closes before anyone can arrive
            new VrpJob(3, [1], 0, 100_000, 0),         // no road leads there
            new VrpJob(4, [60], 0, 100_000, 0),        // fits alone, but the one vehicle is full
            new VrpJob(1, [60], 0, 100_000, 0),
        };
        var problem = TestProblems.OnPlane(points, jobs, [Truck()], closed: [(0, 3), (3, 0)]);

        var solution = VrpSolver.Solve(problem, Quick(), Token);

        TestProblems.AssertValid(problem, solution);
        var reasons = solution.Unserved.ToDictionary(u => u.Job, u => u.Reason);
        Assert.Equal(UnservedReason.TooLarge, reasons[0]);
        Assert.Equal(UnservedReason.TimeWindow, reasons[1]);
        Assert.Equal(UnservedReason.Unreachable, reasons[2]);
        Assert.Equal(UnservedReason.NoRoom, Assert.Single(reasons, r => r.Key >= 3).Value);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Solve_OnMixedRandomProblems_KeepsEveryRule(int seed)
    {
        var problem = TestProblems.Mixed(seed, jobCount: 30, vehicleCount: 4);

        var solution = VrpSolver.Solve(problem, Quick(seed), Token);

        TestProblems.AssertValid(problem, solution);
    }

    [Fact]
    public void Solve_WithTheSameSeedAndIterationLimit_GivesTheSameSolution()
    {
        var problem = TestProblems.Mixed(7, jobCount: 30, vehicleCount: 5);

        var first = VrpSolver.Solve(problem, Quick(seed: 42), Token);
        var second = VrpSolver.Solve(problem, Quick(seed: 42), Token);

        Assert.Equal(TestProblems.Sequences(first), TestProblems.Sequences(second));
        Assert.Equal(first.Unserved, second.Unserved);
    }

    [Fact]
    public void Solve_WhenCancelled_Throws()
    {
        var problem = TestProblems.Mixed(3, jobCount: 40, vehicleCount: 3);
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => VrpSolver.Solve(problem, new VrpOptions(TimeSpan.FromMinutes(5)), cancellation.Token));
    }

    [Fact]
    public void Solve_WhenCancelledWhileSearching_Throws()
    {
        var problem = TestProblems.Mixed(3, jobCount: 40, vehicleCount: 3);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        Assert.ThrowsAny<OperationCanceledException>(() => VrpSolver.Solve(problem, new VrpOptions(TimeSpan.FromMinutes(5)), cancellation.Token));
    }

    [Fact]
    public void Solve_FromAStartingPlan_IsNoWorseThanIt()
    {
        var problem = TestProblems.Mixed(5, jobCount: 30, vehicleCount: 4);
        var plan = VrpSolver.Solve(problem, Quick(), Token);

        var replanned = VrpSolver.Solve(problem, new VrpOptions(TimeSpan.FromMinutes(10), Seed: 9, IterationLimit: 1, Start: plan), Token);

        TestProblems.AssertValid(problem, replanned);
        Assert.True(Cost(problem, replanned) <= Cost(problem, plan), $"{Cost(problem, replanned)} > {Cost(problem, plan)}");
    }

    [Fact]
    public void Solve_FromAPlanThatNamesOnlySomeJobs_ServesTheOthersToo()
    {
        var points = Enumerable.Range(0, 11).Select(k => ((double)k * 3, (double)(k % 3))).ToList();
        var jobs = Enumerable.Range(1, 10).Select(n => new VrpJob(n, [1], 0, 100_000, 0)).ToList();
        var problem = TestProblems.OnPlane(points, jobs, [Truck(), Truck()]);
        var partial = new VrpSolution([RouteSchedule.Build(problem, 1, [3, 1, 2])!], []);

        var solution = VrpSolver.Solve(problem, new VrpOptions(TimeSpan.FromMinutes(10), IterationLimit: 1, Start: partial), Token);

        TestProblems.AssertValid(problem, solution);
        Assert.Empty(solution.Unserved);
    }

    private static double Cost(VrpProblem problem, VrpSolution solution) =>
        solution.Distance + solution.Unserved.Sum(u => (double)(problem.Jobs[u.Job].DropPenalty ?? 1_000_000_000));
}
