using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Utilities;

namespace CrisisOps.DemoCity;

/// <summary>
/// A plane around Krems in which one unit is one degree of latitude in both directions, so that
/// Voronoi cells and distances are not stretched east-west as they would be in raw lon/lat.
/// </summary>
internal static class LocalPlane
{
    /// <summary>cos(48.405°), written out so that the output does not hang on a platform's Math.Cos.</summary>
    public const double LonScale = 0.6638609524301842;

    /// <summary>Plane units per kilometre (a degree of latitude is about 111.2 km).</summary>
    public const double UnitsPerKm = 1.0 / 111.2;

    private static readonly AffineTransformation Forward = AffineTransformation.ScaleInstance(LonScale, 1.0);
    private static readonly AffineTransformation Backward = AffineTransformation.ScaleInstance(1.0 / LonScale, 1.0);

    public static Coordinate ToPlane(Coordinate lonLat) => new(lonLat.X * LonScale, lonLat.Y);

    public static Coordinate ToLonLat(Coordinate plane) => new(plane.X / LonScale, plane.Y);

    public static T ToPlane<T>(T lonLat)
        where T : Geometry => (T)Forward.Transform(lonLat);

    public static T ToLonLat<T>(T plane)
        where T : Geometry => (T)Backward.Transform(plane);
}
