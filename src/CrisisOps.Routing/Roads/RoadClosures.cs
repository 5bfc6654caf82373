namespace CrisisOps.Routing.Roads;

/// <summary>Roads closed to traffic: whole ways by id, and every road inside any of the areas (polygons, outer ring).</summary>
/// <remarks>
/// A road segment is closed by an area when either end lies inside the polygon or the segment crosses its boundary,
/// so a road that merely passes through a flooded corner is shut too. Ring coordinates are taken as planar
/// longitude/latitude, which is exact enough for areas of a few kilometres.
/// </remarks>
public sealed record RoadClosures(IReadOnlySet<long> WayIds, IReadOnlyList<IReadOnlyList<Coordinate>> Areas)
{
    public static RoadClosures None { get; } = new(new HashSet<long>(), []);
}
