namespace CrisisOps.Routing.Roads;

/// <summary>A driven path: its geometry for the map, time and length.</summary>
/// <param name="Geometry">From the first point's on-road position through every road node passed to the second's.</param>
public sealed record RoadPath(IReadOnlyList<Coordinate> Geometry, double Seconds, double Meters);
