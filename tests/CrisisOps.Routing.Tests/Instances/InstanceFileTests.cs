using CrisisOps.Routing.Instances;
using CrisisOps.Testing;

namespace CrisisOps.Routing.Tests.Instances;

public sealed class InstanceFileTests
{
    [Fact]
    public void Detect_TellsFormatsByContentNotExtension()
    {
        var solomon = File.ReadAllText(SharedData.Require("vrptw", "solomon-100", "instances", "R101.txt"));
        var vrplib = File.ReadAllText(SharedData.Require("vrptw", "cvrp", "P-n16-k8.vrp"));

        Assert.Equal(InstanceFormat.Solomon, InstanceFile.Detect(new StringReader(solomon), "R101.vrp"));
        Assert.Equal(InstanceFormat.Vrplib, InstanceFile.Detect(new StringReader(vrplib), "P-n16-k8.txt"));
    }

    [Fact]
    public void Read_WhateverTheExtension_ReadsTheFormatItHolds()
    {
        var folder = Directory.CreateTempSubdirectory("crisisops-instances-");
        try
        {
            var renamed = Path.Combine(folder.FullName, "looks-like-solomon.txt");
            File.Copy(SharedData.Require("vrptw", "cvrp", "E-n13-k4.vrp"), renamed);

            var instance = InstanceFile.Read(renamed);

            Assert.Equal("E-n13-k4", instance.Name);
            Assert.Equal(12, instance.Problem.Jobs.Count);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Detect_ASolutionFile_SaysItIsASolution()
    {
        var error = Assert.Throws<InstanceFormatException>(() => InstanceFile.Detect(new StringReader("\nRoute #1: 1 2\nCost 3\n"), "x.vrp"));

        Assert.Equal(2, error.Line);
        Assert.Contains("solution", error.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello world\n1 2 3\n")]
    public void Detect_Neither_IsAnError(string text)
    {
        var error = Assert.Throws<InstanceFormatException>(() => InstanceFile.Detect(new StringReader(text), "x.txt"));

        Assert.Equal("x.txt", error.File);
        Assert.Equal(1, error.Line);
    }

    [Fact]
    public void ReadSolution_ReadsRoutesAsJobIndexesAndTheCost()
    {
        var solution = BenchmarkSolution.Read(new StringReader("Route #1: 1 3\nRoute #2: 2\n\nCost 12.5\n"), "s.sol");

        Assert.Equal([[0, 2], [1]], solution.Routes.Select(r => r.ToArray()));
        Assert.Equal(12.5m, solution.Cost);
    }

    [Theory]
    [InlineData("Route #1: 1 x\n", 1, "customer 'x'")]
    [InlineData("Route #1: 1\nRoute #2: 0\n", 2, "customer '0'")]
    [InlineData("Route #1: 1\nCost abc\n", 2, "cost 'abc'")]
    [InlineData("Route #1: 1\nCost 3\nCost 4\n", 3, "a second Cost line")]
    [InlineData("Route #1: 1\nTime 3\n", 2, "expected 'Route #k")]
    [InlineData("Route 1 2\n", 1, "expected 'Route #k: customers")]
    [InlineData("\nCost 3\n", 2, "no Route lines")]
    public void ReadSolution_Malformed_NamesTheLine(string text, int line, string problem)
    {
        var error = Assert.Throws<InstanceFormatException>(() => BenchmarkSolution.Read(new StringReader(text), "s.sol"));

        Assert.Equal(line, error.Line);
        Assert.Contains(problem, error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void FindBestKnown_WithoutATable_FallsBackToTheSolBeside()
    {
        var folder = Directory.CreateTempSubdirectory("crisisops-bks-");
        try
        {
            var copy = Path.Combine(folder.FullName, "P-n16-k8.vrp");
            File.Copy(SharedData.Require("vrptw", "cvrp", "P-n16-k8.vrp"), copy);
            File.Copy(SharedData.Require("vrptw", "cvrp", "P-n16-k8.sol"), Path.ChangeExtension(copy, ".sol"));

            var known = BestKnown.Find(copy, "P-n16-k8");

            Assert.Equal(new BestKnown(450m, 8, "P-n16-k8.sol"), known);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void FindBestKnown_WhenNobodyKnows_IsNull()
    {
        var folder = Directory.CreateTempSubdirectory("crisisops-bks-");
        try
        {
            var path = Path.Combine(folder.FullName, "x.vrp");
            File.WriteAllText(path, "NAME : x\n");

            Assert.Null(BestKnown.Find(path, "x"));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
