using CrisisOps.Domain.Regions;
using CrisisOps.Domain.Warning;

namespace CrisisOps.Domain.Alerts.Delivery;

/// <summary>The CAP polygons of an alert's area, for testing where a person lives or works.</summary>
public sealed class AlertArea
{
    private readonly IReadOnlyList<CapPolygon> _polygons;

    private AlertArea(IReadOnlyList<CapPolygon> polygons) => _polygons = polygons;

    public bool IsEmpty => _polygons.Count == 0;

    /// <summary>The bounding box over all polygons (south, west, north, east), to filter in the database first.</summary>
    public (double South, double West, double North, double East) Bounds =>
        (_polygons.SelectMany(p => p.Points).Min(p => p.Latitude), _polygons.SelectMany(p => p.Points).Min(p => p.Longitude),
            _polygons.SelectMany(p => p.Points).Max(p => p.Latitude), _polygons.SelectMany(p => p.Points).Max(p => p.Longitude));

    /// <exception cref="DomainException">invalid-cap-polygon naming the polygon.</exception>
    public static AlertArea Of(IEnumerable<string> polygons)
    {
        ArgumentNullException.ThrowIfNull(polygons);
        var parsed = new List<CapPolygon>();
        foreach (var text in polygons)
        {
            if (!CapPolygon.TryParse(text, out var polygon, out var problem))
            {
                throw new DomainException("invalid-cap-polygon", $"Polygon {parsed.Count + 1} {problem}");
            }

            parsed.Add(polygon!);
        }

        return new AlertArea(parsed);
    }

    public bool Contains(double? latitude, double? longitude) =>
        latitude is { } lat && longitude is { } lon && _polygons.Any(p => Inside(p.Points, lat, lon));

    // Ray casting: a point is inside when a ray from it crosses the ring an odd number of times. Fine for
    // the few-kilometre areas of an alert, where the earth's curvature does not matter.
    private static bool Inside(IReadOnlyList<GeoPoint> ring, double lat, double lon)
    {
        var inside = false;
        for (int i = 0, j = ring.Count - 1; i < ring.Count; j = i++)
        {
            var (yi, xi, yj, xj) = (ring[i].Latitude, ring[i].Longitude, ring[j].Latitude, ring[j].Longitude);
            if ((yi > lat) != (yj > lat) && lon < ((xj - xi) * (lat - yi) / (yj - yi)) + xi)
            {
                inside = !inside;
            }
        }

        return inside;
    }
}
