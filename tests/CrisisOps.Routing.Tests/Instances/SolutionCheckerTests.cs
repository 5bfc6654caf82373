using CrisisOps.Routing.Instances;
using CrisisOps.Routing.Vrp;
using CrisisOps.Testing;

namespace CrisisOps.Routing.Tests.Instances;

public sealed class SolutionCheckerTests
{
    public static TheoryData<string> Cvrp() => ["A-n32-k5", "E-n13-k4", "P-n16-k8"];

    public static TheoryData<string> Solomon() => ["C101", "C201", "R101", "R201", "RC101", "RC201"];

    [Theory]
    [MemberData(nameof(Cvrp))]
    public void Check_CvrplibOptimalSolution_CostsWhatOptimalCsvSays(string name)
    {
        var path = SharedData.Require("vrptw", "cvrp", name + ".vrp");
        var instance = InstanceFile.Read(path);
        var solution = BenchmarkSolution.Read(Path.ChangeExtension(path, ".sol"));
        var optimal = BestKnown.Find(path, instance.Name);

        var check = SolutionChecker.Check(instance, solution.Routes);

        Assert.True(check.Feasible, check.Reason);
        Assert.NotNull(optimal);
        Assert.Equal("optimal.csv", optimal.Source);
        Assert.Equal(optimal.Cost, check.Cost);
        Assert.Equal(solution.Cost, check.Cost);
        Assert.Equal(optimal.Vehicles, check.Vehicles);
    }

    [Fact]
    public void Check_CvrplibOptimalCosts_Are784And247And450()
    {
        var costs = new[] { "A-n32-k5", "E-n13-k4", "P-n16-k8" }.Select(name =>
        {
            var path = SharedData.Require("vrptw", "cvrp", name + ".vrp");
            return SolutionChecker.Check(InstanceFile.Read(path), BenchmarkSolution.Read(Path.ChangeExtension(path, ".sol")).Routes).Cost;
        });

        Assert.Equal([784m, 247m, 450m], costs);
    }

    [Theory]
    [MemberData(nameof(Solomon))]
    public void Check_SolomonBestKnown_MatchesBksCsv(string name)
    {
        var path = SharedData.Require("vrptw", "solomon-100", "instances", name + ".txt");
        var instance = InstanceFile.Read(path);
        var solution = BenchmarkSolution.Read(SharedData.Require("vrptw", "solomon-100", "cvrplib-bks-solutions", name + ".sol"));
        var bks = BestKnown.Find(path, instance.Name);

        var check = SolutionChecker.Check(instance, solution.Routes);

        Assert.True(check.Feasible, check.Reason);
        Assert.NotNull(bks);
        Assert.Equal("bks.csv", bks.Source);
        Assert.Equal(bks.Cost, check.Cost);
        Assert.Equal(bks.Vehicles, check.Vehicles);
    }

    [Fact]
    public void Check_WhenACustomerIsMissing_IsInfeasibleAndSaysWhich()
    {
        var (instance, routes) = ESolution();
        routes[1] = [.. routes[1].Where(j => j != 4)]; // customer 5

        var check = SolutionChecker.Check(instance, routes);

        Assert.False(check.Feasible);
        Assert.Equal("1 customer not served (first: customer 5)", check.Reason);
    }

    [Fact]
    public void Check_WhenACustomerIsServedTwice_IsInfeasible()
    {
        var (instance, routes) = ESolution();
        routes[0] = [.. routes[0], 4];

        var check = SolutionChecker.Check(instance, routes);

        Assert.False(check.Feasible);
        Assert.Contains("route 2: customer 5 is already served by route 1", check.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_WhenOverloaded_NamesTheRouteAndTheLoad()
    {
        var (instance, routes) = ESolution();
        // Route 2 (customers 8 5 3) already carries 5,100 of 6,000; customer 1 adds 1,200.
        routes[1] = [.. routes[1], .. routes[0]];
        routes[0] = [];

        var check = SolutionChecker.Check(instance, routes);

        Assert.False(check.Feasible);
        Assert.Equal("route 2: load 6300 exceeds the capacity 6000", check.Reason);
        Assert.Equal(3, check.Vehicles);
    }

    [Fact]
    public void Check_WhenLate_GivesTheArrivalAndTheDueTimeInInstanceUnits()
    {
        var instance = InstanceFile.Read(SharedData.Require("vrptw", "solomon-100", "instances", "C101.txt"));
        // Customer 1 (due 967) first, then customer 5 (due 67): far too late for 5.
        var check = SolutionChecker.Check(instance, [[0, 4], .. Enumerable.Range(0, 100).Where(j => j is not (0 or 4)).Select(j => (IReadOnlyList<int>)[j])]);

        Assert.False(check.Feasible);
        Assert.StartsWith("route 1: customer 5 reached at ", check.Reason, StringComparison.Ordinal);
        Assert.Contains(", after its due time 67", check.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_WhenMoreRoutesThanVehicles_IsInfeasible()
    {
        var instance = InstanceFile.Read(SharedData.Require("vrptw", "solomon-100", "instances", "C101.txt"));
        var routes = Enumerable.Range(0, 100).Select(j => (IReadOnlyList<int>)[j]).ToList();

        var check = SolutionChecker.Check(instance, routes);

        Assert.False(check.Feasible);
        Assert.Equal(100, check.Vehicles);
        Assert.StartsWith("route 26: vehicle 26 does not exist (the fleet has 25)", check.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_SolverSolution_IsJudgedByItsStopsNotItsReportedDistance()
    {
        var (instance, routes) = ESolution();
        var honest = SolutionChecker.Check(instance, routes);
        // A solver that misreports its distances and forgets to list an unserved customer.
        var claimed = new VrpSolution(
            [.. routes.Skip(1).Select((jobs, v) => new VrpRoute(v, [.. jobs.Select(j => new VrpStop(j, 0, 0, 0))], 1, 0, 0))], []);

        var check = SolutionChecker.Check(instance, claimed);

        Assert.False(check.Feasible);
        Assert.Equal("1 customer not served (first: customer 1)", check.Reason);
        Assert.True(check.Cost > 3);
        Assert.True(honest.Feasible);
    }

    private static (BenchmarkInstance Instance, List<IReadOnlyList<int>> Routes) ESolution()
    {
        var path = SharedData.Require("vrptw", "cvrp", "E-n13-k4.vrp");
        return (InstanceFile.Read(path), [.. BenchmarkSolution.Read(Path.ChangeExtension(path, ".sol")).Routes]);
    }
}
