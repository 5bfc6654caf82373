using CrisisOps.Routing.Instances;
using CrisisOps.Testing;

namespace CrisisOps.Routing.Tests.Instances;

public sealed class VrplibReaderTests
{
    private const string Small =
        """
        NAME : tiny
        COMMENT : three customers on a line
        TYPE : CVRP
        DIMENSION : 4
        EDGE_WEIGHT_TYPE : EUC_2D
        CAPACITY : 10
        NODE_COORD_SECTION
        1 0 0
        2 3 4
        3 0 2.5
        4 6 8
        DEMAND_SECTION
        1 0
        2 4
        3 5
        4 6
        DEPOT_SECTION
         1
         -1
        EOF
        """;

    public static TheoryData<string, int, int, int> Cvrp() => new()
    {
        { "A-n32-k5", 32, 100, 31 },
        { "E-n13-k4", 13, 6000, 12 },
        { "P-n16-k8", 16, 35, 15 },
    };

    [Theory]
    [MemberData(nameof(Cvrp))]
    public void Read_CvrplibInstance_HasNodesCapacityAndOneVehiclePerCustomer(string name, int nodes, int capacity, int customers)
    {
        var instance = VrplibReader.Read(SharedData.Require("vrptw", "cvrp", name + ".vrp"));

        Assert.Equal(name, instance.Name);
        Assert.Equal(1, instance.Scale);
        Assert.Equal(nodes, instance.Problem.NodeCount);
        Assert.Equal(customers, instance.Problem.Jobs.Count);
        Assert.Equal(customers, instance.Problem.Vehicles.Count);
        Assert.All(instance.Problem.Vehicles, v => Assert.Equal(capacity, v.Capacity[0]));
        Assert.All(instance.Problem.Vehicles, v => Assert.Equal((0, 0), (v.Start, v.End)));
    }

    [Fact]
    public void Read_ELowerRow_FillsBothTrianglesFromTheRows()
    {
        var problem = VrplibReader.Read(SharedData.Require("vrptw", "cvrp", "E-n13-k4.vrp")).Problem;

        // Row i of LOWER_ROW holds d(i,0) … d(i,i−1): 9 | 14 21 | 23 22 25 | 32 36 38 42 | 50 52 5 12 22 | …
        Assert.Equal(9, problem.Distance(1, 0));
        Assert.Equal(21, problem.Distance(2, 1));
        Assert.Equal(25, problem.Distance(3, 2));
        Assert.Equal(42, problem.Distance(4, 3));
        Assert.Equal(5, problem.Distance(5, 2));
        Assert.Equal(10, problem.Distance(12, 11));
        Assert.Equal(8, problem.Distance(12, 9));
        for (var a = 0; a < 13; a++)
        {
            Assert.Equal(0, problem.Distance(a, a));
            for (var b = 0; b < 13; b++)
            {
                Assert.Equal(problem.Distance(a, b), problem.Distance(b, a));
                Assert.Equal(problem.Distance(a, b), problem.Duration(a, b));
            }
        }

        Assert.Equal([1200, 1700, 1500], problem.Jobs.Take(3).Select(j => j.Demand[0]));
    }

    [Fact]
    public void Read_Euc2d_RoundsToTheNearestInteger()
    {
        var problem = VrplibReader.Read(new StringReader(Small), "tiny.vrp").Problem;

        Assert.Equal(5, problem.Distance(0, 1));
        Assert.Equal(3, problem.Distance(0, 2)); // 2.5 rounds half up, as TSPLIB's nint
        Assert.Equal(10, problem.Distance(0, 3));
        Assert.Equal(3, problem.Distance(1, 2)); // √(9 + 2.25) = 3.35…
    }

    [Fact]
    public void Read_Cvrp_HasNoBindingWindows()
    {
        var problem = VrplibReader.Read(new StringReader(Small), "tiny.vrp").Problem;

        Assert.All(problem.Jobs, j => Assert.Equal((0, problem.Vehicles[0].ShiftEnd), (j.Ready, j.Due)));
        // Longest arc out of each node, summed: 10 + 5 + 6 + 10.
        Assert.True(problem.Vehicles[0].ShiftEnd >= 31);
    }

    public static TheoryData<string, string, string> Layouts() => new()
    {
        { "LOWER_ROW", "1\n2 3\n4 5 6", "0 1 2 4|1 0 3 5|2 3 0 6|4 5 6 0" },
        { "UPPER_ROW", "1 2 4\n3 5\n6", "0 1 2 4|1 0 3 5|2 3 0 6|4 5 6 0" },
        { "LOWER_DIAG_ROW", "0\n1 0\n2 3 0\n4 5 6 0", "0 1 2 4|1 0 3 5|2 3 0 6|4 5 6 0" },
        { "UPPER_DIAG_ROW", "0 1 2 4\n0 3 5\n0 6\n0", "0 1 2 4|1 0 3 5|2 3 0 6|4 5 6 0" },
        { "FULL_MATRIX", "0 1 2 4\n9 0 3 5\n2 3 0 6\n4 5 6 0", "0 1 2 4|9 0 3 5|2 3 0 6|4 5 6 0" },
        // Weights may run across lines as they like.
        { "LOWER_ROW", "1 2 3 4 5 6", "0 1 2 4|1 0 3 5|2 3 0 6|4 5 6 0" },
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Read_ExplicitLayouts_GiveTheSameMatrix(string format, string weights, string expected)
    {
        var problem = VrplibReader.Read(new StringReader(Explicit(format, weights)), "m.vrp").Problem;

        var rows = Enumerable.Range(0, 4).Select(a => string.Join(' ', Enumerable.Range(0, 4).Select(b => problem.Distance(a, b))));
        Assert.Equal(expected, string.Join('|', rows));
    }

    [Fact]
    public void Read_DepotNotFirst_JobsAreTheOtherNodesInOrder()
    {
        var text = Small.Replace("DEPOT_SECTION\n 1\n", "DEPOT_SECTION\n 3\n", StringComparison.Ordinal)
            .Replace("3 5\n4 6", "3 0\n4 6", StringComparison.Ordinal);

        var problem = VrplibReader.Read(new StringReader(text), "tiny.vrp").Problem;

        Assert.Equal([0, 1, 3], problem.Jobs.Select(j => j.Node));
        Assert.All(problem.Vehicles, v => Assert.Equal(2, v.Start));
    }

    [Fact]
    public void Read_VrptwInVrplib_TakesWindowsServiceTimesAndFleet()
    {
        var text = Small.Replace("TYPE : CVRP", "TYPE : VRPTW\nVEHICLES : 2", StringComparison.Ordinal)
            .Replace("EOF", "TIME_WINDOW_SECTION\n1 0 100\n2 0 10\n3 5 20\n4 30 60\nSERVICE_TIME_SECTION\n1 0\n2 1\n3 1\n4 2\nEOF", StringComparison.Ordinal);

        var problem = VrplibReader.Read(new StringReader(text), "tw.vrp").Problem;

        Assert.Equal(2, problem.Vehicles.Count);
        Assert.Equal((0, 100), (problem.Vehicles[0].ShiftStart, problem.Vehicles[0].ShiftEnd));
        Assert.Equal((5, 20, 1), (problem.Jobs[1].Ready, problem.Jobs[1].Due, problem.Jobs[1].Service));
    }

    public static TheoryData<string, string, string, int, string> Malformed() => new()
    {
        // name, find, replace with, line, message fragment
        { "unknown keyword", "CAPACITY : 10", "CAPACITY : 10\nWHATEVER : 3", 7, "unknown keyword 'WHATEVER'" },
        { "unsupported type", "TYPE : CVRP", "TYPE : TSP", 3, "TYPE TSP is not supported" },
        { "unsupported weights", "EUC_2D", "GEO", 5, "EDGE_WEIGHT_TYPE GEO is not supported" },
        { "non-number capacity", "CAPACITY : 10", "CAPACITY : ten", 6, "CAPACITY 'ten' is not a whole number" },
        { "non-number coordinate", "3 0 2.5", "3 0 2,5", 10, "y '2,5' is not a number" },
        { "short demand row", "3 5\n", "3\n", 15, "DEMAND_SECTION: expected a node id and 1 value, found 1 fields" },
        { "node beyond dimension", "4 6\nDEPOT", "5 6\nDEPOT", 16, "node 5 is beyond DIMENSION 4" },
        { "node twice", "4 6\nDEPOT", "3 6\nDEPOT", 16, "node 3 appears twice" },
        { "row missing", "2 3 4\n", "", 7, "NODE_COORD_SECTION has 3 rows for DIMENSION 4; node 2 is missing" },
        { "no demand section", "DEMAND_SECTION\n1 0\n2 4\n3 5\n4 6\n", "", 15, "no DEMAND_SECTION" },
        { "no capacity", "CAPACITY : 10\n", "", 19, "no CAPACITY line" },
        { "depot unterminated", " -1\n", "", 18, "DEPOT_SECTION does not end with -1" },
        { "two depots", " 1\n -1", " 1 2\n -1", 18, "more than one depot is not supported" },
        { "keyword twice", "NAME : tiny", "NAME : tiny\nNAME : again", 2, "NAME appears twice" },
        { "numbers after a keyword", "CAPACITY : 10", "CAPACITY : 10\n20", 7, "numbers outside any section: '20'" },
        { "section not supported", "CAPACITY : 10", "CAPACITY : 10\nFIXED_EDGES_SECTION", 7, "FIXED_EDGES_SECTION is not supported" },
        { "section twice", "DEPOT_SECTION", "DEMAND_SECTION\n1 0\nDEPOT_SECTION", 17, "DEMAND_SECTION appears twice" },
        { "dimension too small", "DIMENSION : 4", "DIMENSION : 1", 4, "DIMENSION 1 is out of range" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Read_Malformed_NamesTheLineAndTheProblem(string name, string find, string replace, int line, string problem)
    {
        Assert.Contains(find, Small, StringComparison.Ordinal);
        var text = Small.Replace(find, replace, StringComparison.Ordinal);

        var error = Assert.Throws<InstanceFormatException>(() => VrplibReader.Read(new StringReader(text), "bad.vrp"));

        Assert.True(line == error.Line, $"{name}: expected line {line}, got {error.Message}");
        Assert.Contains(problem, error.Problem, StringComparison.Ordinal);
        Assert.StartsWith($"bad.vrp:{line}: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ExplicitWithTooFewWeights_NamesTheLastLineAndTheCount()
    {
        var error = Assert.Throws<InstanceFormatException>(() => VrplibReader.Read(new StringReader(Explicit("LOWER_ROW", "1\n2 3\n4 5")), "m.vrp"));

        Assert.Equal(10, error.Line);
        Assert.Contains("has 5 weights; LOWER_ROW needs 6", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ExplicitWithTooManyWeights_NamesTheLineOfTheFirstExtra()
    {
        var error = Assert.Throws<InstanceFormatException>(() => VrplibReader.Read(new StringReader(Explicit("LOWER_ROW", "1\n2 3\n4 5 6\n7")), "m.vrp"));

        Assert.Equal(11, error.Line);
        Assert.Contains("more than the 6 weights", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ExplicitWithAFraction_NamesTheLine()
    {
        var error = Assert.Throws<InstanceFormatException>(() => VrplibReader.Read(new StringReader(Explicit("LOWER_ROW", "1\n2 3.5\n4 5 6")), "m.vrp"));

        Assert.Equal(9, error.Line);
        Assert.Contains("edge weight '3.5' is not a whole number", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_Empty_IsAnError()
    {
        var error = Assert.Throws<InstanceFormatException>(() => VrplibReader.Read(new StringReader("\n\n"), "empty.vrp"));

        Assert.Equal(1, error.Line);
    }

    private static string Explicit(string format, string weights) =>
        $"""
        NAME : m
        TYPE : CVRP
        DIMENSION : 4
        EDGE_WEIGHT_TYPE : EXPLICIT
        EDGE_WEIGHT_FORMAT : {format}
        CAPACITY : 10
        EDGE_WEIGHT_SECTION
        {weights}
        DEMAND_SECTION
        1 0
        2 1
        3 1
        4 1
        DEPOT_SECTION
        1
        -1
        EOF
        """;
}
