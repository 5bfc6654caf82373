namespace CrisisOps.Routing.Roads;

/// <summary>A point moved onto the nearest drivable road.</summary>
public sealed partial class SnappedPoint
{
    public Coordinate Requested { get; init; }

    public Coordinate OnRoad { get; init; }

    public long WayId { get; init; }

    /// <summary>Straight distance from the requested point to the road, in metres.</summary>
    public double OffsetMeters { get; init; }

    /// <summary>The network this point was snapped on; a point built by hand or on another network is snapped again.</summary>
    internal RoadNetwork? Network { get; init; }

    /// <summary>Index of the road segment (between two consecutive way nodes) the point lies on.</summary>
    internal int Segment { get; init; } = -1;

    /// <summary>Where on the segment, from its first node (0) to its second (1): queries start and end part-way along it.</summary>
    internal double Fraction { get; init; }
}
