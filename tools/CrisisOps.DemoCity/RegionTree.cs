using System.Globalization;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.OverlayNG;

namespace CrisisOps.DemoCity;

internal enum RegionLevel
{
    Province,
    City,
    County,
    Township,
    Community,
}

internal static class RegionLevels
{
    public static string ToWire(this RegionLevel level) => level switch
    {
        RegionLevel.Province => "province",
        RegionLevel.City => "city",
        RegionLevel.County => "county",
        RegionLevel.Township => "township",
        RegionLevel.Community => "community",
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, null),
    };
}

/// <summary>One node of the demo region tree; <see cref="Boundary"/> is null only for the root.</summary>
internal sealed record Region(
    string Code,
    string? ParentCode,
    RegionLevel Level,
    string NameZh,
    string NameEn,
    long Population,
    IReadOnlyList<string> Attributes,
    Polygon? Boundary);

internal sealed record RegionTree(IReadOnlyList<Region> Regions, Polygon City)
{
    public IEnumerable<Region> Communities => Regions.Where(r => r.Level == RegionLevel.Community);
}

/// <summary>A fictitious district named after a real quarter; anchors are lon/lat.</summary>
internal sealed record DistrictSpec(string NameEn, string NameZh, Coordinate Anchor, IReadOnlyList<SubdistrictSpec> Subdistricts);

/// <summary>A subdistrict name and roughly where it belongs; <see cref="NameZh"/> without the 街道 suffix.</summary>
internal sealed record SubdistrictSpec(string NameEn, string NameZh, Coordinate Anchor);

internal sealed record CompassPoint(string NameEn, string NameZh, double Dx, double Dy);

/// <summary>
/// Lays the fictitious division over Krems: districts and subdistricts are Voronoi cells of
/// real place centres clipped to their parent, communities are density-weighted (Lloyd-relaxed)
/// Voronoi cells of their subdistrict, and the whole set of communities is put on the 1e-6° grid as one
/// coverage before the parents are rebuilt as exact unions of their children.
/// </summary>
internal sealed class RegionTreeBuilder(GeometryFactory factory, DensityModel density)
{
    public const long ProvincePopulation = 1_700_000;
    public const long CityPopulation = 25_000;
    public const double LowLyingBelowLatitude = 48.402;
    private const int CommunityTarget = 40;
    private const int CommunitiesPerSubdistrict = 3;

    // Convex, so that every Voronoi cell clipped to it (and to its cells) stays one convex polygon.
    private static readonly Coordinate SouthWest = new(15.555, 48.372);
    private static readonly Coordinate South = new(15.628, 48.370);
    private static readonly Coordinate SouthEast = new(15.700, 48.373);

    private static readonly Coordinate[] CityCorners =
    [
        SouthWest, South, SouthEast,
        new(15.700, 48.429), new(15.676, 48.440), new(15.598, 48.440), new(15.555, 48.432),
        SouthWest,
    ];

    // Subdistrict anchors are the seeds of their cells, so each subdistrict contains its namesake.
    private static readonly DistrictSpec[] Districts =
    [
        new("Innenstadt", "内城区", new(15.607, 48.413),
        [
            new("Altstadt", "老城", new(15.606, 48.411)),
            new("Weinzierl", "魏因齐尔", new(15.624, 48.417)),
            new("Gneixendorf", "格奈克森多夫", new(15.615, 48.430)),
        ]),
        new("Stein", "施泰因区", new(15.585, 48.404),
        [
            new("Stein-Altstadt", "施泰因老城", new(15.587, 48.404)),
            new("Förthof", "费尔特霍夫", new(15.566, 48.397)),
            new("Rehberg", "雷贝格", new(15.572, 48.423)),
        ]),
        new("Mitterau", "米特劳区", new(15.617, 48.398),
        [
            new("Mitterau", "米特劳", new(15.617, 48.404)),
            new("Donaulände", "多瑙河滨", new(15.607, 48.393)),
            new("Kremser Au", "克雷姆斯河滩", new(15.622, 48.378)),
        ]),
        new("Lerchenfeld", "莱兴费尔德区", new(15.648, 48.404),
        [
            new("Lerchenfeld", "莱兴费尔德", new(15.641, 48.404)),
            new("Neustift", "诺伊施蒂夫特", new(15.668, 48.420)),
            new("Hollenburg", "霍伦堡", new(15.668, 48.380)),
        ]),
    ];

    private static readonly CompassPoint[] Compass =
    [
        new("North", "北", 0, 1),
        new("Northeast", "东北", Math.Sqrt(0.5), Math.Sqrt(0.5)),
        new("East", "东", 1, 0),
        new("Southeast", "东南", Math.Sqrt(0.5), -Math.Sqrt(0.5)),
        new("South", "南", 0, -1),
        new("Southwest", "西南", -Math.Sqrt(0.5), -Math.Sqrt(0.5)),
        new("West", "西", -1, 0),
        new("Northwest", "西北", -Math.Sqrt(0.5), Math.Sqrt(0.5)),
        new("Central", "中心", 0, 0),
    ];

    /// <summary>Old town centres of Krems and Stein, with the district whose communities may be old estates.</summary>
    private static readonly (string District, Coordinate Centre)[] OldTowns =
    [
        ("KRE-01", new(15.6060, 48.4100)),
        ("KRE-02", new(15.5870, 48.4035)),
    ];

    private const int OldEstatesPerTown = 2;

    /// <summary>The city before division, on the grid already: a slightly irregular convex octagon.</summary>
    public static Polygon CityOutline(GeometryFactory factory) => factory.CreatePolygon(CityCorners.Select(c => c.Copy()).ToArray());

    public RegionTree Build(PrecisionModel grid, SplitMix64 random)
    {
        var samples = density.SampleCity();
        var cityPlane = LocalPlane.ToPlane(CityOutline(factory));

        var districtTiles = Tiling.VoronoiTiles(Districts.Select(d => LocalPlane.ToPlane(d.Anchor)).ToList(), cityPlane, factory);
        var subdistricts = new List<Draft>();
        for (var d = 0; d < Districts.Length; d++)
        {
            subdistricts.AddRange(SplitDistrict(DistrictCode(d), Districts[d], districtTiles[d], samples));
        }

        subdistricts.Sort((a, b) => string.CompareOrdinal(a.Code, b.Code));

        // The most populous subdistricts get a fourth community, to reach about 40 in all.
        var extra = CommunityTarget - (CommunitiesPerSubdistrict * subdistricts.Count);
        var busiest = subdistricts
            .OrderByDescending(s => s.Weight)
            .ThenBy(s => s.Code, StringComparer.Ordinal)
            .Take(extra)
            .Select(s => s.Code)
            .ToHashSet(StringComparer.Ordinal);

        var communityDrafts = subdistricts
            .SelectMany(s => SplitSubdistrict(s, CommunitiesPerSubdistrict + (busiest.Contains(s.Code) ? 1 : 0), samples, random))
            .ToList();

        var communityShapes = Tiling.SnapCoverage(
            communityDrafts.Select(c => LocalPlane.ToLonLat(c.Plane)).ToList(), grid, factory);

        var weights = communityShapes
            .Select(shape => Tiling.SamplesIn(samples, shape, plane: false).Sum(s => s.Weight))
            .ToArray();
        var populations = Apportion(weights, CityPopulation);

        var oldEstates = OldEstates(communityDrafts);
        var southEdge = factory.CreateLineString([SouthWest, South, SouthEast]).Buffer(2e-6);
        var communities = communityDrafts.Select((c, i) => new Region(
            c.Code,
            c.ParentCode,
            RegionLevel.Community,
            c.NameZh,
            c.NameEn,
            populations[i],
            CommunityAttributes(communityShapes[i], southEdge, oldEstates.Contains(c.Code)),
            communityShapes[i])).ToList();

        var townships = subdistricts.Select(s => Aggregate(s.Code, s.ParentCode, RegionLevel.Township, s.NameZh, s.NameEn, communities)).ToList();
        var counties = Districts.Select((d, i) => Aggregate(DistrictCode(i), "KRE", RegionLevel.County, d.NameZh, d.NameEn, townships)).ToList();
        var city = Aggregate("KRE", "AT-3", RegionLevel.City, "克雷姆斯", "Krems an der Donau", counties);
        var province = new Region("AT-3", null, RegionLevel.Province, "下奥地利州", "Lower Austria", ProvincePopulation, [], null);

        List<Region> all = [province, city, .. counties, .. townships, .. communities];
        return new RegionTree(all, city.Boundary!);
    }

    private static string DistrictCode(int index) => string.Create(CultureInfo.InvariantCulture, $"KRE-{index + 1:00}");

    private IEnumerable<Draft> SplitDistrict(string code, DistrictSpec spec, Polygon district, IReadOnlyList<Sample> samples)
    {
        // Subdistricts are plain Voronoi cells of their anchors: relaxing them would balance the
        // shapes but let a name drift away from its place (Altstadt ended up in the vineyards).
        var seeds = spec.Subdistricts.Select(s => LocalPlane.ToPlane(s.Anchor)).ToList();
        if (seeds.Any(seed => !district.Contains(factory.CreatePoint(seed))))
        {
            throw new InvalidOperationException($"A subdistrict anchor of {spec.NameEn} lies outside the district.");
        }

        var inside = Tiling.SamplesIn(samples, district, plane: true);
        var tiles = Tiling.VoronoiTiles(seeds, district, factory);
        for (var t = 0; t < tiles.Length; t++)
        {
            var name = spec.Subdistricts[t];
            yield return new Draft(
                string.Create(CultureInfo.InvariantCulture, $"{code}-{t + 1:00}"),
                code,
                name.NameZh + "街道",
                name.NameEn,
                tiles[t],
                Tiling.SamplesIn(inside, tiles[t], plane: true).Sum(s => s.Weight),
                name.NameZh);
        }
    }

    private IEnumerable<Draft> SplitSubdistrict(Draft subdistrict, int count, IReadOnlyList<Sample> samples, SplitMix64 random)
    {
        var inside = Tiling.SamplesIn(samples, subdistrict.Plane, plane: true);
        var seeds = Tiling.Relax(Tiling.InitialSeeds(inside, count, random), inside);
        var tiles = Tiling.VoronoiTiles(seeds, subdistrict.Plane, factory);

        // Community names say where in the subdistrict they lie: each cell takes the compass point
        // (or the centre) nearest to it, no two the same.
        var centre = subdistrict.Plane.Centroid.Coordinate;
        var reach = 0.6 * Math.Sqrt(subdistrict.Plane.Area / Math.PI);
        var directions = Tiling.BestAssignment(tiles.Length, Compass.Length, (t, o) =>
            Tiling.DistanceSquared(
                tiles[t].Centroid.Coordinate,
                new Coordinate(centre.X + (reach * Compass[o].Dx), centre.Y + (reach * Compass[o].Dy))));

        // Numbered north to south, then west to east.
        var order = Enumerable.Range(0, tiles.Length)
            .OrderByDescending(t => tiles[t].Centroid.Y)
            .ThenBy(t => tiles[t].Centroid.X)
            .ToArray();
        for (var n = 0; n < order.Length; n++)
        {
            var t = order[n];
            var point = Compass[directions[t]];
            yield return new Draft(
                string.Create(CultureInfo.InvariantCulture, $"{subdistrict.Code}-{n + 1:000}"),
                subdistrict.Code,
                subdistrict.ShortNameZh + point.NameZh + "社区",
                subdistrict.NameEn + " " + point.NameEn,
                tiles[t],
                0,
                string.Empty);
        }
    }

    private static HashSet<string> OldEstates(IReadOnlyList<Draft> communities)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (district, centre) in OldTowns)
        {
            var centrePlane = LocalPlane.ToPlane(centre);
            foreach (var c in communities
                .Where(c => c.Code.StartsWith(district + "-", StringComparison.Ordinal))
                .OrderBy(c => Tiling.DistanceSquared(c.Plane.Centroid.Coordinate, centrePlane))
                .Take(OldEstatesPerTown))
            {
                result.Add(c.Code);
            }
        }

        return result;
    }

    private static string[] CommunityAttributes(Polygon shape, Geometry southEdge, bool oldEstate)
    {
        var attributes = new List<string>();

        // Riverside: shares a stretch of boundary (not just a corner) with the city's southern edge.
        var riverside = OverlayNGRobust.Overlay(shape.Boundary, southEdge, NetTopologySuite.Operation.Overlay.SpatialFunction.Intersection).Length > 1e-4;
        if (riverside || shape.Centroid.Y < LowLyingBelowLatitude)
        {
            attributes.Add("low-lying");
        }

        if (oldEstate)
        {
            attributes.Add("old-estate");
        }

        if (riverside)
        {
            attributes.Add("riverside");
        }

        return [.. attributes];
    }

    private static Region Aggregate(string code, string parent, RegionLevel level, string nameZh, string nameEn, IEnumerable<Region> candidates)
    {
        var children = candidates.Where(c => c.ParentCode == code).ToList();
        return new Region(
            code,
            parent,
            level,
            nameZh,
            nameEn,
            children.Sum(c => c.Population),
            [],
            Tiling.Merge(children.Select(c => c.Boundary!)));
    }

    /// <summary>Largest-remainder rounding: integer shares of <paramref name="total"/> that add up exactly.</summary>
    private static long[] Apportion(IReadOnlyList<double> weights, long total)
    {
        var sum = weights.Sum();
        var quotas = weights.Select(w => total * w / sum).ToArray();
        var result = quotas.Select(q => (long)Math.Floor(q)).ToArray();
        var remaining = (int)(total - result.Sum());
        foreach (var i in Enumerable.Range(0, quotas.Length)
            .OrderByDescending(i => quotas[i] - result[i])
            .ThenBy(i => i)
            .Take(remaining))
        {
            result[i]++;
        }

        return result;
    }

    /// <summary>A region while it is still in the local plane and unrounded.</summary>
    private sealed record Draft(string Code, string ParentCode, string NameZh, string NameEn, Polygon Plane, double Weight, string ShortNameZh);
}
