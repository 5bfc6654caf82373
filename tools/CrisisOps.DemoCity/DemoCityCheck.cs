using System.Globalization;
using System.Text.Json;
using NetTopologySuite.Algorithm;
using NetTopologySuite.Coverage;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;

namespace CrisisOps.DemoCity;

/// <summary>
/// Re-reads a written demo file on its own terms (nothing from the generator's memory) and
/// checks the promises the server's importer relies on.
/// </summary>
internal sealed class DemoCityCheck(GeometryFactory factory, TextWriter output)
{
    private const double ContainmentTolerance = 1e-6;
    private const double MaxOverlapArea = 1e-10;
    private const double MaxCoverDifference = 1e-8;

    private static readonly string[] Levels = ["province", "city", "county", "township", "community"];
    private static readonly string[] SiteKinds = ["school", "hospital", "nursing-home", "shelter"];
    private static readonly Dictionary<string, string> SitePrefixes = new(StringComparer.Ordinal)
    {
        ["school"] = "SITE-SCH-",
        ["hospital"] = "SITE-HOS-",
        ["nursing-home"] = "SITE-NH-",
        ["shelter"] = "SITE-SH-",
    };

    private readonly List<string> _failures = [];

    /// <summary>Runs every check and prints a summary; true when nothing failed.</summary>
    public bool Run(string path)
    {
        var options = DemoGeoJson.SerializerOptions(factory);
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = document.RootElement;
        Expect(root.GetProperty("type").GetString() == "FeatureCollection", "top level is not a FeatureCollection");
        Expect(root.TryGetProperty("attribution", out var attribution) && attribution.GetString() == DemoGeoJson.Attribution, "attribution missing or changed");

        var regions = new List<RegionRow>();
        var sites = new List<SiteRow>();
        var codes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var feature in root.GetProperty("features").EnumerateArray())
        {
            var p = feature.GetProperty("properties");
            var code = p.GetProperty("code").GetString() ?? string.Empty;
            Expect(codes.Add(code), $"duplicate code {code}");
            Expect(p.TryGetProperty("demo", out var demo) && demo.ValueKind == JsonValueKind.True, $"{code}: demo is not true");
            var geometryElement = feature.GetProperty("geometry");
            var geometry = geometryElement.ValueKind == JsonValueKind.Null ? null : geometryElement.Deserialize<Geometry>(options);
            switch (p.GetProperty("kind").GetString())
            {
                case "region":
                    Expect(sites.Count == 0, $"{code}: region after the first site");
                    regions.Add(new RegionRow(
                        code,
                        p.GetProperty("parent").GetString(),
                        p.GetProperty("level").GetString() ?? string.Empty,
                        p.GetProperty("population").GetInt64(),
                        p.GetProperty("attributes").EnumerateArray().Select(a => a.GetString() ?? string.Empty).ToList(),
                        geometry));
                    Expect(p.TryGetProperty("name_zh", out _) && p.TryGetProperty("name_en", out _), $"{code}: names missing");
                    break;
                case "site":
                    Expect(!p.TryGetProperty("region", out _), $"{code}: a site must not name its region");
                    Expect(p.TryGetProperty("source", out _) && p.TryGetProperty("name_zh", out _) && p.TryGetProperty("name_en", out _), $"{code}: source or names missing");
                    sites.Add(new SiteRow(code, p.GetProperty("site_type").GetString() ?? string.Empty, geometry as Point));
                    break;
                default:
                    Fail($"{code}: unknown kind");
                    break;
            }
        }

        // The server reads the file with the same GeoJSON converter; make sure it takes it whole.
        var collection = JsonSerializer.Deserialize<FeatureCollection>(File.ReadAllBytes(path), options);
        Expect(collection?.Count == regions.Count + sites.Count, "the GeoJSON converter does not read every feature");

        CheckRegions(regions);
        CheckSites(sites, regions);
        PrintSummary(path, regions, sites);
        return _failures.Count == 0;
    }

    private void CheckRegions(List<RegionRow> regions)
    {
        var byCode = new Dictionary<string, RegionRow>(StringComparer.Ordinal);
        foreach (var r in regions)
        {
            var level = Array.IndexOf(Levels, r.Level);
            Expect(level >= 0, $"{r.Code}: unknown level {r.Level}");
            if (r.Parent is null)
            {
                Expect(level == 0 && r.Geometry is null, $"{r.Code}: the root must be a province without geometry");
            }
            else if (byCode.TryGetValue(r.Parent, out var parent))
            {
                Expect(Array.IndexOf(Levels, parent.Level) == level - 1, $"{r.Code}: level {r.Level} under {parent.Level}");
            }
            else
            {
                Fail($"{r.Code}: parent {r.Parent} missing or listed after it");
            }

            if (r.Parent is not null)
            {
                Expect(r.Geometry is Polygon or MultiPolygon, $"{r.Code}: geometry is not a (multi)polygon");
            }

            if (r.Geometry is not null)
            {
                CheckPolygonal(r.Code, r.Geometry);
            }

            byCode[r.Code] = r;
        }

        foreach (var parent in regions)
        {
            var children = regions.Where(c => c.Parent == parent.Code).ToList();
            if (children.Count == 0)
            {
                Expect(parent.Level == "community", $"{parent.Code}: a {parent.Level} without children");
                continue;
            }

            var sum = children.Sum(c => c.Population);
            if (parent.Geometry is null)
            {
                // The province has cities the demo does not model, so its children add up to less.
                Expect(sum <= parent.Population, $"{parent.Code}: children's population {sum} exceeds {parent.Population}");
                continue;
            }

            Expect(sum == parent.Population, $"{parent.Code}: children's population {sum} != {parent.Population}");
            CheckTiling(parent, children);
        }
    }

    private void CheckPolygonal(string code, Geometry geometry)
    {
        Expect(geometry.IsValid, $"{code}: invalid geometry");
        foreach (var polygon in Enumerable.Range(0, geometry.NumGeometries).Select(i => (Polygon)geometry.GetGeometryN(i)))
        {
            Expect(Orientation.IsCCW(polygon.Shell.CoordinateSequence), $"{code}: exterior ring not counter-clockwise");
            Expect(polygon.Holes.All(h => !Orientation.IsCCW(h.CoordinateSequence)), $"{code}: hole not clockwise");
        }

        Expect(geometry.Coordinates.All(OnGrid), $"{code}: coordinates not rounded to 6 decimals");
    }

    private void CheckTiling(RegionRow parent, List<RegionRow> children)
    {
        var parentShape = parent.Geometry!;
        var tolerant = parentShape.Buffer(ContainmentTolerance);
        foreach (var child in children)
        {
            Expect(tolerant.Covers(child.Geometry!), $"{child.Code}: not within {parent.Code}");
        }

        for (var i = 0; i < children.Count; i++)
        {
            for (var j = i + 1; j < children.Count; j++)
            {
                var a = children[i].Geometry!;
                var b = children[j].Geometry!;
                if (a.EnvelopeInternal.Intersects(b.EnvelopeInternal))
                {
                    var overlap = OverlayNGRobust.Overlay(a, b, SpatialFunction.Intersection).Area;
                    Expect(overlap < MaxOverlapArea, $"{children[i].Code} and {children[j].Code} overlap by {overlap}");
                }
            }
        }

        var union = OverlayNGRobust.Union(children.Select(c => c.Geometry!));
        var difference = OverlayNGRobust.Overlay(union, parentShape, SpatialFunction.SymDifference).Area;
        Expect(difference < MaxCoverDifference, $"{parent.Code}: children cover it up to {difference}");

        // Stricter than the area tests: neighbouring children must share their edges vertex for vertex.
        var invalid = CoverageValidator.Validate(children.Select(c => c.Geometry!).ToArray());
        Expect(invalid.All(g => g is null), $"{parent.Code}: children are not a clean coverage");
    }

    private void CheckSites(List<SiteRow> sites, List<RegionRow> regions)
    {
        var communities = regions.Where(r => r.Level == "community").ToList();
        foreach (var site in sites)
        {
            Expect(SiteKinds.Contains(site.Type), $"{site.Code}: unknown site_type {site.Type}");
            Expect(site.Code.StartsWith(SitePrefixes.GetValueOrDefault(site.Type, "?"), StringComparison.Ordinal), $"{site.Code}: code does not match {site.Type}");
            if (site.Location is null)
            {
                Fail($"{site.Code}: geometry is not a point");
                continue;
            }

            Expect(OnGrid(site.Location.Coordinate), $"{site.Code}: coordinates not rounded to 6 decimals");
            var homes = communities.Count(c => c.Geometry!.Contains(site.Location));
            Expect(homes == 1, $"{site.Code}: inside {homes} communities (want exactly 1)");
        }
    }

    private void PrintSummary(string path, List<RegionRow> regions, List<SiteRow> sites)
    {
        var size = new FileInfo(path).Length;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{path}: {regions.Count} regions, {sites.Count} sites, {size:N0} bytes"));
        output.WriteLine("regions:    " + string.Join(", ", Levels.Select(l => string.Create(CultureInfo.InvariantCulture, $"{l} {regions.Count(r => r.Level == l)}"))));
        output.WriteLine("sites:      " + string.Join(", ", SiteKinds.Select(k => string.Create(CultureInfo.InvariantCulture, $"{k} {sites.Count(s => s.Type == k)}"))));
        var attributeCounts = regions
            .SelectMany(r => r.Attributes)
            .GroupBy(a => a, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key} {g.Count()}"));
        output.WriteLine("attributes: " + string.Join(", ", attributeCounts));
        var populations = Levels.Skip(1).Select(l => string.Create(CultureInfo.InvariantCulture, $"{l} {regions.Where(r => r.Level == l).Sum(r => r.Population)}"));
        output.WriteLine("population: " + string.Join(", ", populations) + " (sum per level)");
        var community = regions.Where(r => r.Level == "community").Select(r => r.Population).ToList();
        if (community.Count > 0)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"            community min {community.Min()}, max {community.Max()}"));
        }

        if (_failures.Count == 0)
        {
            output.WriteLine("checks:     all passed (validity, orientation, 6-decimal grid, containment, overlaps, cover, coverage edges, population, sites, codes)");
        }
        else
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"checks:     {_failures.Count} FAILED"));
            foreach (var failure in _failures)
            {
                output.WriteLine("  - " + failure);
            }
        }
    }

    private static bool OnGrid(Coordinate c) => OnGrid(c.X) && OnGrid(c.Y);

    private static bool OnGrid(double value) => Math.Abs((value * 1e6) - Math.Round(value * 1e6)) < 1e-6;

    private void Expect(bool condition, string failure)
    {
        if (!condition)
        {
            Fail(failure);
        }
    }

    private void Fail(string failure) => _failures.Add(failure);

    private sealed record RegionRow(string Code, string? Parent, string Level, long Population, List<string> Attributes, Geometry? Geometry);

    private sealed record SiteRow(string Code, string Type, Point? Location);
}
