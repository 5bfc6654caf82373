namespace CrisisOps.Routing.Roads;

/// <summary>Distances on the earth, and a flat local projection for the few metres that snapping compares.</summary>
internal static class Geo
{
    public const double EarthRadiusMeters = 6_371_008.8;

    private const double Radians = Math.PI / 180;

    /// <summary>Great-circle distance in metres (haversine).</summary>
    public static double Meters(Coordinate a, Coordinate b)
    {
        var dLat = (b.Latitude - a.Latitude) * Radians;
        var dLon = (b.Longitude - a.Longitude) * Radians;
        var h = (Math.Sin(dLat / 2) * Math.Sin(dLat / 2))
            + (Math.Cos(a.Latitude * Radians) * Math.Cos(b.Latitude * Radians) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2));
        return 2 * EarthRadiusMeters * Math.Asin(Math.Min(1, Math.Sqrt(h)));
    }

    /// <summary>Metres east of the meridian, scaled at <paramref name="cosLatitude"/> (one latitude for the whole extract).</summary>
    public static double X(double longitude, double cosLatitude) => longitude * Radians * EarthRadiusMeters * cosLatitude;

    /// <summary>Metres north of the equator.</summary>
    public static double Y(double latitude) => latitude * Radians * EarthRadiusMeters;
}
