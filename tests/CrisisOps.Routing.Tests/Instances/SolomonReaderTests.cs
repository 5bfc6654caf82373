using System.Globalization;
using CrisisOps.Routing.Instances;
using CrisisOps.Routing.Vrp;
using CrisisOps.Testing;

namespace CrisisOps.Routing.Tests.Instances;

public sealed class SolomonReaderTests
{
    public static TheoryData<string> Instances() => ["C101", "C201", "R101", "R201", "RC101", "RC201"];

    [Theory]
    [MemberData(nameof(Instances))]
    public void BestKnownSolution_CostsWhatBksSays_AndIsFeasible(string name)
    {
        var instance = SolomonReader.Read(SharedData.Require("vrptw", "solomon-100", "instances", name + ".txt"));
        var routes = File.ReadAllLines(SharedData.Require("vrptw", "solomon-100", "cvrplib-bks-solutions", name + ".sol"))
            .Where(l => l.StartsWith("Route", StringComparison.Ordinal))
            .Select(l => l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(c => int.Parse(c, CultureInfo.InvariantCulture) - 1).ToList())
            .ToList();
        var bks = File.ReadAllLines(SharedData.Require("vrptw", "solomon-100", "bks.csv"))
            .Select(l => l.Split(','))
            .Single(f => f[0] == name);

        var built = routes.Select((jobs, v) => RouteSchedule.Build(instance.Problem, v, jobs)).ToList();

        Assert.All(built, Assert.NotNull);
        Assert.Equal(decimal.Parse(bks[5], CultureInfo.InvariantCulture), built.Sum(r => r!.Distance) / (decimal)instance.Scale);
        Assert.Equal(100, routes.Sum(r => r.Count));
    }

    [Fact]
    public void Read_WhenARowIsShort_NamesTheLine()
    {
        const string text = "BAD1\n\nVEHICLE\nNUMBER     CAPACITY\n  25         200\n\nCUSTOMER\nCUST NO.  XCOORD.\n\n    0 40 50 0 0 1236 0\n    1 45 68 10 912\n";

        var error = Assert.Throws<InstanceFormatException>(() => SolomonReader.Read(new StringReader(text), "bad.txt"));

        Assert.Equal(11, error.Line);
        Assert.Contains("expected 7 numbers", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_WhenAWordSitsAmongTheCustomers_NamesTheLine()
    {
        const string text = "BAD2\n\nVEHICLE\nNUMBER     CAPACITY\n  25         200\n\nCUSTOMER\nCUST NO.  XCOORD.\n\n    0 40 50 0 0 1236 0\n  oops\n    1 45 68 10 912 967 90\n";

        var error = Assert.Throws<InstanceFormatException>(() => SolomonReader.Read(new StringReader(text), "bad.txt"));

        Assert.Equal(11, error.Line);
        Assert.Contains("expected a customer row", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("  25\n", 5, "expected the number of vehicles and their capacity")]
    [InlineData("  25         two\n", 5, "capacity 'two' is not a whole number")]
    public void Read_WhenTheFleetLineIsWrong_NamesTheLine(string fleet, int line, string problem)
    {
        var text = "BAD3\n\nVEHICLE\nNUMBER     CAPACITY\n" + fleet + "\nCUSTOMER\nCUST NO.  XCOORD.\n\n    0 40 50 0 0 1236 0\n    1 45 68 10 912 967 90\n";

        var error = Assert.Throws<InstanceFormatException>(() => SolomonReader.Read(new StringReader(text), "bad.txt"));

        Assert.Equal(line, error.Line);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Solve_C101_GivesFeasibleRoutesServingEveryone()
    {
        var instance = SolomonReader.Read(SharedData.Require("vrptw", "solomon-100", "instances", "C101.txt"));

        var solution = VrpSolver.Solve(instance.Problem, new VrpOptions(TimeSpan.FromSeconds(1)));

        Assert.Empty(solution.Unserved);
        Assert.Equal(100, solution.Routes.Sum(r => r.Stops.Count));
        Assert.All(solution.Routes, r => Assert.NotNull(RouteSchedule.Build(instance.Problem, r.Vehicle, [.. r.Stops.Select(s => s.Job)])));
    }
}
