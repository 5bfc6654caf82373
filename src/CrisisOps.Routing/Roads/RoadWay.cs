namespace CrisisOps.Routing.Roads;

/// <summary>A drivable way of the extract, as the map and the closure rules see it.</summary>
/// <param name="OneWay">True when cars may drive it in one direction only (either way round: see <paramref name="Geometry"/>).</param>
/// <param name="SpeedKmh">The speed the router assumes: the parsed <c>maxspeed</c>, else the profile's default for the highway type.</param>
/// <param name="Geometry">The way's nodes in the order the extract lists them.</param>
public sealed record RoadWay(long Id, string? Name, string Highway, bool OneWay, bool Tunnel, bool Bridge, int Layer, double SpeedKmh,
    IReadOnlyList<Coordinate> Geometry);
