using System.Text.Json;
using CrisisOps.Domain.Regions;
using NetTopologySuite.Geometries;

namespace CrisisOps.Bench.Regions;

/// <summary>The Krems demo city's region boundaries, read from the same GeoJSON the server seeds.</summary>
public static class DemoCity
{
    private const string ResourceName = "krems-demo.geojson";

    /// <summary>
    /// Region features with a geometry; depth counts the region and its ancestors, so regions
    /// without a boundary (the province) still count in their children's depth.
    /// </summary>
    public static IReadOnlyList<RegionBoundary> ReadBoundaries()
    {
        using var stream = typeof(DemoCity).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource {ResourceName} is missing.");
        using var document = JsonDocument.Parse(stream);

        var parents = new Dictionary<string, string?>(StringComparer.Ordinal);
        var geometries = new List<(string Code, Geometry Geometry)>();
        foreach (var feature in document.RootElement.GetProperty("features").EnumerateArray())
        {
            var properties = feature.GetProperty("properties");
            if (!string.Equals(properties.GetProperty("kind").GetString(), "region", StringComparison.Ordinal))
            {
                continue;
            }

            var code = properties.GetProperty("code").GetString()
                ?? throw new InvalidOperationException("A region feature has no code.");
            parents[code] = properties.TryGetProperty("parent", out var parent) && parent.ValueKind == JsonValueKind.String
                ? parent.GetString()
                : null;
            if (feature.TryGetProperty("geometry", out var geometry) && geometry.ValueKind == JsonValueKind.Object)
            {
                geometries.Add((code, GeoJson.ReadGeometry(geometry)));
            }
        }

        return [.. geometries.Select(g => new RegionBoundary(g.Code, DepthOf(g.Code, parents), g.Geometry))];
    }

    private static int DepthOf(string code, Dictionary<string, string?> parents)
    {
        var depth = 0;
        for (string? current = code; current is not null; current = parents.GetValueOrDefault(current))
        {
            if (++depth > parents.Count + 1)
            {
                throw new InvalidOperationException($"Region {code} has a cycle in its parent chain.");
            }
        }

        return depth;
    }
}
