using System.Globalization;
using System.Text.Json;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Operation.Valid;

namespace CrisisOps.Domain.Regions;

/// <summary>A region already stored, as the import needs to know it.</summary>
public sealed record ExistingRegion(string Code, string? ParentCode, RegionLevel Level, string Path, string? BoundaryGeoJson);

/// <summary>One feature's problem: its position in the collection, its code when it has one, and what is wrong.</summary>
public sealed record FeatureIssue(int Index, string? Code, IReadOnlyList<string> Messages);

/// <summary>A region to store with its computed path.</summary>
public sealed record PlannedRegion(RegionDefinition Definition, string Path);

/// <summary>A site to store, already located in its region.</summary>
public sealed record PlannedSite(SiteDefinition Definition, string RegionCode, string RegionPath);

/// <summary>
/// The outcome of reading a region import. When <see cref="Errors"/> is not empty nothing may be
/// stored: an import is all or nothing. <see cref="Warnings"/> (a child reaching outside its
/// parent) do not stop it.
/// </summary>
public sealed record RegionImportPlan(
    IReadOnlyList<PlannedRegion> Regions,
    IReadOnlyList<PlannedSite> Sites,
    IReadOnlyList<FeatureIssue> Errors,
    IReadOnlyList<FeatureIssue> Warnings)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary>
/// Reads a GeoJSON FeatureCollection of regions and sites (format in docs/regions.md) and checks
/// it against itself and the regions already stored: unknown parent, cycles, duplicate codes,
/// invalid or self-intersecting geometry, a level that does not fit under its parent, a site
/// outside every region; a child reaching outside its parent is a warning.
/// </summary>
public static class RegionImport
{
    public const int MaxFeatures = 100_000;
    private const int MaxNameLength = 200;
    private const int MaxAttributes = 32;

    // Boundaries are simplified polygons; a child may graze its parent's edge by this much (degrees, ~10 cm).
    private const double ParentTolerance = 1e-6;

    /// <exception cref="DomainException">The document is not a GeoJSON FeatureCollection at all.</exception>
    public static RegionImportPlan Plan(JsonElement document, IReadOnlyDictionary<string, ExistingRegion> existing)
    {
        ArgumentNullException.ThrowIfNull(existing);
        if (document.ValueKind != JsonValueKind.Object
            || !document.TryGetProperty("type", out var type)
            || type.ValueKind != JsonValueKind.String
            || type.GetString() != "FeatureCollection"
            || !document.TryGetProperty("features", out var features)
            || features.ValueKind != JsonValueKind.Array)
        {
            throw new DomainException("not-a-feature-collection",
                "The body must be a GeoJSON FeatureCollection with a 'features' array.");
        }

        if (features.GetArrayLength() > MaxFeatures)
        {
            throw new DomainException("too-many-features",
                $"An import holds at most {MaxFeatures} features; split the file.");
        }

        var errors = new Dictionary<int, (string? Code, List<string> Messages)>();
        var warnings = new List<FeatureIssue>();
        void Error(int index, string? code, string message)
        {
            if (!errors.TryGetValue(index, out var entry))
            {
                entry = (code, []);
                errors[index] = entry;
            }

            entry.Messages.Add(message);
        }

        var regions = new List<(int Index, RegionDefinition Definition, Geometry? Geometry)>();
        var sites = new List<(int Index, SiteDefinition Definition, string? RegionCode)>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);

        var index = 0;
        foreach (var feature in features.EnumerateArray())
        {
            ReadFeature(index, feature, regions, sites, seen, Error);
            index++;
        }

        // The tree as it will be: stored regions overlaid by the file's.
        var fileRegions = regions.ToDictionary(r => r.Definition.Code.Value, StringComparer.Ordinal);
        string? ParentOf(string code) =>
            fileRegions.TryGetValue(code, out var r) ? r.Definition.ParentCode?.Value
            : existing.TryGetValue(code, out var e) ? e.ParentCode : null;
        RegionLevel? LevelOf(string code) =>
            fileRegions.TryGetValue(code, out var r) ? r.Definition.Level
            : existing.TryGetValue(code, out var e) ? e.Level : null;

        foreach (var (i, definition, _) in regions)
        {
            var code = definition.Code.Value;
            if (existing.TryGetValue(code, out var stored) && stored.ParentCode != definition.ParentCode?.Value)
            {
                Error(i, code, $"region '{code}' already exists under '{stored.ParentCode ?? "(root)"}'; moving a region to another parent is not supported.");
                continue;
            }

            if (definition.ParentCode is not { } parent)
            {
                continue;
            }

            if (LevelOf(parent.Value) is not { } parentLevel)
            {
                Error(i, code, $"unknown parent '{parent.Value}': it is neither in this file nor stored.");
                continue;
            }

            if (!parentLevel.MayContain(definition.Level))
            {
                Error(i, code, $"a {Describe(definition.Level)} cannot sit under the {Describe(parentLevel)} '{parent.Value}'.");
            }

            if (HasCycle(code, ParentOf))
            {
                Error(i, code, $"region '{code}' is its own ancestor (cycle in parent codes).");
            }
        }

        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        string? PathOf(string code, int guard = 0)
        {
            if (paths.TryGetValue(code, out var known))
            {
                return known;
            }

            if (!fileRegions.ContainsKey(code) && existing.TryGetValue(code, out var e))
            {
                return paths[code] = e.Path;
            }

            if (guard > 64 || !fileRegions.TryGetValue(code, out var r))
            {
                return null;
            }

            var parent = r.Definition.ParentCode?.Value;
            var parentPath = parent is null ? RegionPath.Separator : PathOf(parent, guard + 1);
            return parentPath is null ? null : paths[code] = RegionPath.Child(parentPath, code);
        }

        var geometries = new Dictionary<string, Geometry>(StringComparer.Ordinal);
        foreach (var stored in existing.Values)
        {
            if (stored.BoundaryGeoJson is not null && !fileRegions.ContainsKey(stored.Code))
            {
                geometries[stored.Code] = GeoJson.ReadGeometry(stored.BoundaryGeoJson);
            }
        }

        foreach (var (_, definition, geometry) in regions)
        {
            if (geometry is not null)
            {
                geometries[definition.Code.Value] = geometry;
            }
        }

        if (errors.Count == 0)
        {
            var prepared = new Dictionary<string, IPreparedGeometry>(StringComparer.Ordinal);
            foreach (var (i, definition, geometry) in regions)
            {
                if (geometry is null || definition.ParentCode is not { } parent
                    || !geometries.TryGetValue(parent.Value, out var parentGeometry))
                {
                    continue;
                }

                if (!prepared.TryGetValue(parent.Value, out var within))
                {
                    within = PreparedGeometryFactory.Prepare(parentGeometry.Buffer(ParentTolerance));
                    prepared[parent.Value] = within;
                }

                if (!within.Covers(geometry))
                {
                    var outside = geometry.Difference(parentGeometry).Area / Math.Max(geometry.Area, double.Epsilon);
                    warnings.Add(new FeatureIssue(i, definition.Code.Value,
                        [string.Create(CultureInfo.InvariantCulture,
                            $"boundary reaches outside its parent '{parent.Value}' ({outside:P1} of its area).")]));
                }
            }
        }

        var plannedRegions = new List<PlannedRegion>();
        if (errors.Count == 0)
        {
            foreach (var (_, definition, _) in regions)
            {
                var path = PathOf(definition.Code.Value)!;
                plannedRegions.Add(new PlannedRegion(definition, path));
            }
        }

        var plannedSites = new List<PlannedSite>();
        if (errors.Count == 0 && sites.Count > 0)
        {
            var allCodes = existing.Keys.Concat(fileRegions.Keys).Distinct(StringComparer.Ordinal).ToList();
            var locator = new RegionLocator(geometries.Select(g =>
                new RegionBoundary(g.Key, RegionPath.Codes(PathOf(g.Key) ?? "/").Count, g.Value)));
            foreach (var (i, definition, regionCode) in sites)
            {
                var code = regionCode ?? locator.Locate(definition.Location);
                if (code is null)
                {
                    Error(i, definition.Code.Value, "the site lies outside every region with a boundary.");
                    continue;
                }

                if (!allCodes.Contains(code, StringComparer.Ordinal))
                {
                    Error(i, definition.Code.Value, $"unknown region '{code}'.");
                    continue;
                }

                plannedSites.Add(new PlannedSite(definition, code, PathOf(code)!));
            }
        }

        var errorList = errors.OrderBy(e => e.Key)
            .Select(e => new FeatureIssue(e.Key, e.Value.Code, e.Value.Messages))
            .ToList();
        return errorList.Count > 0
            ? new RegionImportPlan([], [], errorList, warnings)
            : new RegionImportPlan(plannedRegions, plannedSites, [], warnings);
    }

    private static bool HasCycle(string start, Func<string, string?> parentOf)
    {
        var visited = new HashSet<string>(StringComparer.Ordinal) { start };
        for (var current = parentOf(start); current is not null; current = parentOf(current))
        {
            if (!visited.Add(current))
            {
                return true;
            }
        }

        return false;
    }

    private static string Describe(RegionLevel level) => level.ToString().ToLowerInvariant();

    private static void ReadFeature(
        int index,
        JsonElement feature,
        List<(int, RegionDefinition, Geometry?)> regions,
        List<(int, SiteDefinition, string?)> sites,
        Dictionary<string, int> seen,
        Action<int, string?, string> error)
    {
        if (feature.ValueKind != JsonValueKind.Object
            || !feature.TryGetProperty("properties", out var props)
            || props.ValueKind != JsonValueKind.Object)
        {
            error(index, null, "not a GeoJSON Feature with a 'properties' object.");
            return;
        }

        var code = String(props, "code");
        var before = 0;
        void Fail(string message)
        {
            before++;
            error(index, code, message);
        }

        if (!RegionCode.IsValid(code))
        {
            Fail(code is null ? "missing 'code'." : $"'{code}' is not a valid code (1–64 of A–Z a–z 0–9 . _ -).");
        }
        else if (!seen.TryAdd(code!, index))
        {
            Fail($"duplicate code '{code}' (first at feature {seen[code!]}).");
        }

        var nameZh = String(props, "name_zh");
        var nameEn = String(props, "name_en");
        if (string.IsNullOrWhiteSpace(nameZh) && string.IsNullOrWhiteSpace(nameEn))
        {
            Fail("needs 'name_zh' or 'name_en'.");
        }

        if ((nameZh?.Length ?? 0) > MaxNameLength || (nameEn?.Length ?? 0) > MaxNameLength)
        {
            Fail($"names are limited to {MaxNameLength} characters.");
        }

        var isDemo = props.TryGetProperty("demo", out var demo) && demo.ValueKind == JsonValueKind.True;
        var kind = String(props, "kind") ?? "region";
        feature.TryGetProperty("geometry", out var geometryElement);
        Geometry? geometry = null;
        if (geometryElement.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null))
        {
            try
            {
                geometry = GeoJson.ReadGeometry(geometryElement);
            }
            catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException or NotSupportedException)
            {
                Fail($"geometry is not valid GeoJSON: {ex.Message}");
                return;
            }
        }

        if (kind == "site")
        {
            if (!TryParseSiteType(String(props, "site_type"), out var siteType))
            {
                Fail("'site_type' must be one of nursing-home, school, hospital, shelter.");
            }

            if (geometry is not Point point)
            {
                Fail("a site needs a Point geometry.");
                return;
            }

            if (!GeoPoint.IsValid(point.Y, point.X))
            {
                Fail("coordinates out of range (longitude −180…180, latitude −90…90).");
                return;
            }

            int? capacity = null;
            if (props.TryGetProperty("capacity", out var cap) && cap.ValueKind != JsonValueKind.Null)
            {
                if (cap.ValueKind != JsonValueKind.Number || !cap.TryGetInt32(out var c) || c < 0)
                {
                    Fail("'capacity' must be a whole number ≥ 0.");
                }
                else
                {
                    capacity = c;
                }
            }

            var region = String(props, "region");
            if (region is not null && !RegionCode.IsValid(region))
            {
                Fail($"'region' '{region}' is not a valid code.");
            }

            if (before == 0)
            {
                sites.Add((index, new SiteDefinition(new RegionCode(code!), siteType, nameZh ?? nameEn!, nameEn ?? nameZh!,
                    new GeoPoint(point.Y, point.X), capacity, String(props, "source"), isDemo), region));
            }

            return;
        }

        if (kind != "region")
        {
            Fail($"unknown 'kind' '{kind}': use region or site.");
            return;
        }

        if (!RegionLevels.TryParse(String(props, "level"), out var level))
        {
            Fail("'level' must be one of province, city, county, township, community.");
        }

        var parent = String(props, "parent");
        if (parent is not null && !RegionCode.IsValid(parent))
        {
            Fail($"parent '{parent}' is not a valid code.");
        }

        if (parent is not null && parent == code)
        {
            Fail("a region cannot be its own parent.");
        }

        long? population = null;
        if (props.TryGetProperty("population", out var pop) && pop.ValueKind != JsonValueKind.Null)
        {
            if (pop.ValueKind != JsonValueKind.Number || !pop.TryGetInt64(out var p) || p < 0)
            {
                Fail("'population' must be a whole number ≥ 0.");
            }
            else
            {
                population = p;
            }
        }

        var attributes = new List<string>();
        if (props.TryGetProperty("attributes", out var attrs) && attrs.ValueKind != JsonValueKind.Null)
        {
            if (attrs.ValueKind != JsonValueKind.Array
                || attrs.EnumerateArray().Any(a => a.ValueKind != JsonValueKind.String || !RegionCode.IsValid(a.GetString()))
                || attrs.GetArrayLength() > MaxAttributes)
            {
                Fail($"'attributes' must be an array of at most {MaxAttributes} short labels (A–Z a–z 0–9 . _ -).");
            }
            else
            {
                attributes.AddRange(attrs.EnumerateArray().Select(a => a.GetString()!).Distinct(StringComparer.Ordinal));
            }
        }

        if (geometry is not null)
        {
            if (geometry is not (Polygon or MultiPolygon))
            {
                Fail($"a region boundary must be a Polygon or MultiPolygon, not a {geometry.GeometryType}.");
                geometry = null;
            }
            else if (!GeoPoint.IsValid(geometry.EnvelopeInternal.MinY, geometry.EnvelopeInternal.MinX)
                || !GeoPoint.IsValid(geometry.EnvelopeInternal.MaxY, geometry.EnvelopeInternal.MaxX))
            {
                Fail("coordinates out of range (longitude −180…180, latitude −90…90).");
                geometry = null;
            }
            else
            {
                var validity = new IsValidOp(geometry).ValidationError;
                if (validity is not null)
                {
                    Fail(string.Create(CultureInfo.InvariantCulture,
                        $"invalid boundary: {validity.Message} at ({validity.Coordinate?.X}, {validity.Coordinate?.Y})."));
                    geometry = null;
                }
            }
        }

        if (before == 0)
        {
            regions.Add((index, new RegionDefinition(new RegionCode(code!), parent is null ? null : new RegionCode(parent), level,
                nameZh ?? nameEn!, nameEn ?? nameZh!, population, attributes,
                geometry is null ? null : GeoJson.Write(geometry), isDemo), geometry));
        }
    }

    private static bool TryParseSiteType(string? text, out SiteType type)
    {
        type = text switch
        {
            "nursing-home" => SiteType.NursingHome,
            "school" => SiteType.School,
            "hospital" => SiteType.Hospital,
            "shelter" => SiteType.Shelter,
            _ => default,
        };
        return type != default;
    }

    private static string? String(JsonElement props, string name) =>
        props.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
