namespace CrisisOps.Routing.Roads;

/// <summary>A point on the earth in WGS 84 degrees.</summary>
public readonly record struct Coordinate(double Latitude, double Longitude);
