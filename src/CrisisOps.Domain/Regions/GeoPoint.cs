namespace CrisisOps.Domain.Regions;

/// <summary>A WGS 84 position. Latitude within [-90, 90], longitude within [-180, 180].</summary>
public readonly record struct GeoPoint
{
    public GeoPoint(double latitude, double longitude)
    {
        if (!IsValid(latitude, longitude))
        {
            throw new DomainException("coordinates-out-of-range",
                "Latitude must lie within [-90, 90] and longitude within [-180, 180].");
        }

        Latitude = latitude;
        Longitude = longitude;
    }

    public double Latitude { get; }

    public double Longitude { get; }

    public static bool IsValid(double latitude, double longitude) =>
        double.IsFinite(latitude) && double.IsFinite(longitude)
        && latitude is >= -90 and <= 90
        && longitude is >= -180 and <= 180;
}
