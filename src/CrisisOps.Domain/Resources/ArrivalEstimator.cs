using CrisisOps.Domain.Regions;

namespace CrisisOps.Domain.Resources;

/// <summary>How fast each kind of resource travels and what counts as "in time".</summary>
public sealed record ArrivalSettings
{
    /// <summary>Roads are not straight: the straight line is stretched by this factor.</summary>
    public double DetourFactor { get; init; } = 1.3;

    /// <summary>Speed by road when a kind has none of its own.</summary>
    public double DefaultSpeedKmh { get; init; } = 40;

    /// <summary>Speeds by resource kind (expert, team, equipment, stock) in km/h.</summary>
    public IReadOnlyDictionary<string, double> SpeedsKmh { get; init; } = new Dictionary<string, double>(StringComparer.Ordinal);

    /// <summary>Arrivals within this are "within target" (30 minutes by default).</summary>
    public TimeSpan Target { get; init; } = TimeSpan.FromMinutes(30);
}

/// <summary>One estimate: distance along the assumed road and the minutes it takes.</summary>
public sealed record ArrivalEstimate(double StraightKm, double RoadKm, double Minutes, bool WithinTarget);

/// <summary>
/// Estimates arrival times by the straight line (haversine) stretched by a detour factor, at a speed
/// per kind. A first approximation until the dispatch issue brings road routing; the interface
/// (from, to, kind → minutes) stays when it does.
/// </summary>
public sealed class ArrivalEstimator(ArrivalSettings settings)
{
    private const double EarthRadiusKm = 6371.0088;

    public ArrivalSettings Settings { get; } = settings ?? throw new ArgumentNullException(nameof(settings));

    public ArrivalEstimate Estimate(GeoPoint from, GeoPoint to, string kind)
    {
        var straight = HaversineKm(from, to);
        var road = straight * Settings.DetourFactor;
        var speed = Settings.SpeedsKmh.TryGetValue(kind, out var s) && s > 0 ? s : Settings.DefaultSpeedKmh;
        var minutes = road / speed * 60;
        return new ArrivalEstimate(straight, road, minutes, minutes <= Settings.Target.TotalMinutes);
    }

    /// <summary>Great-circle distance in kilometres.</summary>
    public static double HaversineKm(GeoPoint a, GeoPoint b)
    {
        static double Rad(double degrees) => degrees * Math.PI / 180;
        var dLat = Rad(b.Latitude - a.Latitude);
        var dLon = Rad(b.Longitude - a.Longitude);
        var h = Math.Pow(Math.Sin(dLat / 2), 2) + Math.Cos(Rad(a.Latitude)) * Math.Cos(Rad(b.Latitude)) * Math.Pow(Math.Sin(dLon / 2), 2);
        return 2 * EarthRadiusKm * Math.Asin(Math.Min(1, Math.Sqrt(h)));
    }
}
