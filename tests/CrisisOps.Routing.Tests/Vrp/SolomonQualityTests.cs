using System.Globalization;
using CrisisOps.Routing.Instances;
using CrisisOps.Routing.Vrp;
using CrisisOps.Testing;

namespace CrisisOps.Routing.Tests.Vrp;

/// <summary>
/// Quick quality checks on Solomon instances (one second each). The bounds are looser than what the solver
/// reaches on a quiet machine, so that a busy one does not fail them; they catch a search that is broken,
/// not one that is a little slow. Speed itself is measured by the bench, never asserted here.
/// </summary>
public sealed class SolomonQualityTests
{
    [Theory]
    [InlineData("C101", 1.0)]
    [InlineData("RC101", 5.0)]
    public void Solve_InOneSecond_ComesCloseToTheBestKnown(string name, double maxGapPercent)
    {
        var instance = SolomonReader.Read(SharedData.Require("vrptw", "solomon-100", "instances", name + ".txt"));
        var bks = File.ReadAllLines(SharedData.Require("vrptw", "solomon-100", "bks.csv"))
            .Select(l => l.Split(','))
            .Single(f => f[0] == name);
        var best = decimal.Parse(bks[5], CultureInfo.InvariantCulture) * instance.Scale;

        var solution = VrpSolver.Solve(instance.Problem, new VrpOptions(TimeSpan.FromSeconds(1)), TestContext.Current.CancellationToken);

        TestProblems.AssertValid(instance.Problem, solution);
        Assert.Empty(solution.Unserved);
        Assert.True(solution.Routes.Count <= 25);
        var gap = (solution.Distance - best) / best * 100;
        Assert.True(gap <= (decimal)maxGapPercent, $"{name}: {solution.Distance / 10.0:F1} is {gap:F2} % above the best known");
    }
}
