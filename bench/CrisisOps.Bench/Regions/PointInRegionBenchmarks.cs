using System.Globalization;
using BenchmarkDotNet.Attributes;
using CrisisOps.Domain.Regions;
using NetTopologySuite.Geometries;

namespace CrisisOps.Bench.Regions;

public enum RegionTree
{
    /// <summary>Krems an der Donau, the demo city: 57 boundaries of a few dozen vertices.</summary>
    KremsDemo,

    /// <summary><see cref="SyntheticRegionTree"/>: 10,111 boundaries.</summary>
    Synthetic10K,
}

/// <summary>
/// Point-in-region lookups per second: the STR-tree with indexed point-in-area locators against
/// testing every polygon in turn. Each invocation looks up the same fixed set of points spread
/// uniformly over the tree's extent (some fall outside every region, as stray reports do).
/// </summary>
[MemoryDiagnoser]
public class PointInRegionBenchmarks
{
    public const int PointCount = 1_000;
    private const int TreeSeed = 20_261_130;
    private const int PointSeed = 7;

    private RegionLocator _locator = RegionLocator.Empty;
    private GeoPoint[] _points = [];

    [Params(RegionTree.KremsDemo, RegionTree.Synthetic10K)]
    public RegionTree Tree { get; set; }

    /// <exception cref="InvalidOperationException">Locate and LocateByScan disagree on a query point.</exception>
    [GlobalSetup]
    public void Setup()
    {
        var boundaries = Tree switch
        {
            RegionTree.KremsDemo => DemoCity.ReadBoundaries(),
            RegionTree.Synthetic10K => SyntheticRegionTree.Build(TreeSeed),
            _ => throw new InvalidOperationException($"Unknown tree {Tree}."),
        };
        _locator = new RegionLocator(boundaries);
        _points = RandomPoints(Extent(boundaries), PointCount, PointSeed);

        var found = 0;
        var mismatches = new List<string>();
        foreach (var point in _points)
        {
            var indexed = _locator.Locate(point);
            var scanned = _locator.LocateByScan(point);
            found += indexed is null ? 0 : 1;
            if (!string.Equals(indexed, scanned, StringComparison.Ordinal))
            {
                mismatches.Add(string.Create(CultureInfo.InvariantCulture,
                    $"(lat {point.Latitude:R}, lon {point.Longitude:R}): Locate={indexed ?? "null"}, LocateByScan={scanned ?? "null"}"));
            }
        }

        if (mismatches.Count > 0)
        {
            throw new InvalidOperationException(
                $"RegionLocator.Locate and LocateByScan disagree on {mismatches.Count} of {_points.Length} points in {Tree}: "
                + string.Join("; ", mismatches.Take(20)));
        }

        var vertices = boundaries.Sum(b => b.Geometry.NumPoints);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"// {Tree}: {boundaries.Count} boundaries, {vertices} vertices; {found} of {_points.Length} points fall in a region; Locate and LocateByScan agree on all."));
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = PointCount)]
    public int LocateByScan()
    {
        var found = 0;
        foreach (var point in _points)
        {
            found += _locator.LocateByScan(point) is null ? 0 : 1;
        }

        return found;
    }

    [Benchmark(OperationsPerInvoke = PointCount)]
    public int Locate()
    {
        var found = 0;
        foreach (var point in _points)
        {
            found += _locator.Locate(point) is null ? 0 : 1;
        }

        return found;
    }

    private static Envelope Extent(IEnumerable<RegionBoundary> boundaries)
    {
        var extent = new Envelope();
        foreach (var boundary in boundaries)
        {
            extent.ExpandToInclude(boundary.Geometry.EnvelopeInternal);
        }

        return extent;
    }

    private static GeoPoint[] RandomPoints(Envelope extent, int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => new GeoPoint(
            extent.MinY + (random.NextDouble() * extent.Height),
            extent.MinX + (random.NextDouble() * extent.Width)))];
    }
}
