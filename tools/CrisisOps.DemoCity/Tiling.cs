using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.OverlayNG;
using NetTopologySuite.Operation.Polygonize;
using NetTopologySuite.Triangulate;
using CoverageUnion = NetTopologySuite.Coverage.CoverageUnion;

namespace CrisisOps.DemoCity;

/// <summary>Splitting a polygon into cells and putting a whole coverage on the output grid.</summary>
internal static class Tiling
{
    private const int LloydIterations = 40;

    /// <summary>
    /// Voronoi cells of <paramref name="seeds"/> clipped to <paramref name="parent"/>, in seed order.
    /// A convex parent gives convex cells, so every cell is a single valid polygon.
    /// </summary>
    public static Polygon[] VoronoiTiles(IReadOnlyList<Coordinate> seeds, Polygon parent, GeometryFactory factory)
    {
        var clip = new Envelope(parent.EnvelopeInternal);
        clip.ExpandBy(Math.Max(clip.Width, clip.Height));
        var builder = new VoronoiDiagramBuilder { ClipEnvelope = clip };
        builder.SetSites(seeds.ToList());
        var diagram = builder.GetDiagram(factory);

        var tiles = new Polygon[seeds.Count];
        foreach (var cell in diagram.Geometries)
        {
            var site = (Coordinate)cell.UserData;
            var index = Enumerable.Range(0, seeds.Count).Single(i => seeds[i].Equals2D(site));
            tiles[index] = OverlayNGRobust.Overlay(cell, parent, NetTopologySuite.Operation.Overlay.SpatialFunction.Intersection) as Polygon
                ?? throw new InvalidOperationException($"Voronoi cell {index} does not clip to a single polygon.");
        }

        return tiles;
    }

    /// <summary>
    /// Starting seeds for <paramref name="count"/> cells over the samples (k-means++: weighted by
    /// residents and by distance from the seeds already chosen, so they do not bunch up).
    /// </summary>
    public static Coordinate[] InitialSeeds(IReadOnlyList<Sample> samples, int count, SplitMix64 random)
    {
        var seeds = new List<Coordinate> { samples[PickWeighted(samples.Select(s => s.Weight).ToArray(), random)].Plane };
        while (seeds.Count < count)
        {
            var weights = samples
                .Select(s => s.Weight * seeds.Min(c => DistanceSquared(c, s.Plane)))
                .ToArray();
            seeds.Add(samples[PickWeighted(weights, random)].Plane);
        }

        return [.. seeds];
    }

    /// <summary>
    /// Weighted Lloyd steps: each seed moves to the residents' centroid of its cell, so cells come
    /// out compact and smaller where more people live. Seeds keep their index (and so their name).
    /// </summary>
    public static Coordinate[] Relax(IReadOnlyList<Coordinate> seeds, IReadOnlyList<Sample> samples)
    {
        var result = seeds.ToArray();
        var count = result.Length;
        for (var iteration = 0; iteration < LloydIterations; iteration++)
        {
            var sumX = new double[count];
            var sumY = new double[count];
            var sumW = new double[count];
            foreach (var s in samples)
            {
                var nearest = Nearest(result, s.Plane);
                sumX[nearest] += s.Weight * s.Plane.X;
                sumY[nearest] += s.Weight * s.Plane.Y;
                sumW[nearest] += s.Weight;
            }

            for (var i = 0; i < count; i++)
            {
                // A seed left without residents would stay where it is, possibly outside the parent.
                result[i] = sumW[i] > 0
                    ? new Coordinate(sumX[i] / sumW[i], sumY[i] / sumW[i])
                    : throw new InvalidOperationException($"Seed {i} has no residents nearest to it.");
            }
        }

        return result;
    }

    /// <summary>The samples that fall inside <paramref name="polygon"/> (same coordinate frame as <paramref name="plane"/>).</summary>
    public static List<Sample> SamplesIn(IEnumerable<Sample> samples, Polygon polygon, bool plane)
    {
        var locator = new IndexedPointInAreaLocator(polygon);
        return samples.Where(s => locator.Locate(plane ? s.Plane : s.LonLat) == Location.Interior).ToList();
    }

    /// <summary>
    /// Puts a tiling on the precision grid as one coverage. Rounding each polygon on its own would
    /// move a vertex that sits on a neighbour's edge (a T-junction across a parent boundary) off
    /// that edge and open a sliver; snap-rounding all boundaries together nodes them at the same
    /// grid points, and polygonizing the result gives faces that share edges exactly.
    /// </summary>
    public static Polygon[] SnapCoverage(IReadOnlyList<Polygon> tiles, PrecisionModel grid, GeometryFactory factory)
    {
        var rings = tiles.Select(t => factory.CreateLineString(t.ExteriorRing.Coordinates)).ToArray();
        var noded = UnaryUnionNG.Union((Geometry)factory.CreateMultiLineString(rings), grid);
        var polygonizer = new Polygonizer();
        polygonizer.Add(noded);
        var faces = polygonizer.GetPolygons().Cast<Polygon>().ToList();
        if (polygonizer.GetDangles().Count + polygonizer.GetCutEdges().Count + polygonizer.GetInvalidRingLines().Count > 0)
        {
            throw new InvalidOperationException("Snap-rounded boundaries do not form a clean set of faces.");
        }

        var locators = tiles.Select(t => new IndexedPointInAreaLocator(t)).ToArray();
        var groups = tiles.Select(_ => new List<Polygon>()).ToArray();
        foreach (var face in faces)
        {
            // A face is its tile moved by at most half a grid step, so its interior point lies in
            // that tile; a sliver born of rounding goes to the nearest tile.
            var probe = face.InteriorPoint;
            var owner = Array.FindIndex(locators, l => l.Locate(probe.Coordinate) == Location.Interior);
            if (owner < 0)
            {
                owner = Enumerable.Range(0, tiles.Count).MinBy(i => tiles[i].Distance(probe));
            }

            groups[owner].Add(face);
        }

        return groups.Select((g, i) => g.Count switch
        {
            0 => throw new InvalidOperationException($"Tile {i} vanished on the grid."),
            1 => g[0],
            _ => CoverageUnion.Union(g.ToArray()) as Polygon
                ?? throw new InvalidOperationException($"Tile {i} falls apart on the grid."),
        }).ToArray();
    }

    /// <summary>Union of polygons that share edges exactly; the result keeps their grid vertices.</summary>
    public static Polygon Merge(IEnumerable<Polygon> children) =>
        CoverageUnion.Union(children.Cast<Geometry>().ToArray()) as Polygon
        ?? throw new InvalidOperationException("Children do not merge into a single polygon.");

    /// <summary>
    /// The cheapest way to give each of <paramref name="items"/> a distinct option, by brute force
    /// (at most 4 items over 9 options here). Ties go to the first assignment found.
    /// </summary>
    public static int[] BestAssignment(int items, int options, Func<int, int, double> cost)
    {
        var best = Array.Empty<int>();
        var bestCost = double.PositiveInfinity;
        var current = new int[items];
        var used = new bool[options];

        void Search(int item, double soFar)
        {
            if (soFar >= bestCost)
            {
                return;
            }

            if (item == items)
            {
                bestCost = soFar;
                best = (int[])current.Clone();
                return;
            }

            for (var option = 0; option < options; option++)
            {
                if (used[option])
                {
                    continue;
                }

                used[option] = true;
                current[item] = option;
                Search(item + 1, soFar + cost(item, option));
                used[option] = false;
            }
        }

        Search(0, 0);
        return best;
    }

    private static int Nearest(Coordinate[] seeds, Coordinate point)
    {
        var nearest = 0;
        var nearestDistance = double.PositiveInfinity;
        for (var i = 0; i < seeds.Length; i++)
        {
            var d = DistanceSquared(seeds[i], point);
            if (d < nearestDistance)
            {
                nearest = i;
                nearestDistance = d;
            }
        }

        return nearest;
    }

    public static double DistanceSquared(Coordinate a, Coordinate b)
    {
        var dx = a.X - b.X;
        var dy = a.Y - b.Y;
        return (dx * dx) + (dy * dy);
    }

    private static int PickWeighted(double[] weights, SplitMix64 random)
    {
        var target = random.NextDouble() * weights.Sum();
        var cumulative = 0.0;
        for (var i = 0; i < weights.Length; i++)
        {
            cumulative += weights[i];
            if (cumulative > target)
            {
                return i;
            }
        }

        return Array.FindLastIndex(weights, w => w > 0);
    }
}
