// The public surface of the road network, agreed before it is built (dispatch issue). The roads work
// fills in the bodies and may split this file into a file per type; the server codes against it.
namespace CrisisOps.Routing.Roads;

/// <summary>A point on the earth in WGS 84 degrees.</summary>
public readonly record struct Coordinate(double Latitude, double Longitude);

/// <summary>File formats an OpenStreetMap extract comes in.</summary>
public enum OsmFileFormat
{
    /// <summary>OSM XML, plain or gzip (detected from the first bytes).</summary>
    Xml = 1,

    /// <summary>OSM PBF.</summary>
    Pbf = 2,
}

/// <summary>A road or area is malformed or missing in an extract, or a file is not an extract at all.</summary>
public sealed class RoadDataException(string message) : Exception(message);

/// <summary>A drivable way of the extract, as the map and the closure rules see it.</summary>
public sealed record RoadWay(long Id, string? Name, string Highway, bool OneWay, bool Tunnel, bool Bridge, int Layer, double SpeedKmh,
    IReadOnlyList<Coordinate> Geometry);

/// <summary>Roads closed to traffic: whole ways by id, and every road inside any of the areas (polygons, outer ring).</summary>
public sealed record RoadClosures(IReadOnlySet<long> WayIds, IReadOnlyList<IReadOnlyList<Coordinate>> Areas)
{
    public static RoadClosures None { get; } = new(new HashSet<long>(), []);
}

/// <summary>A point moved onto the nearest drivable road.</summary>
public sealed partial class SnappedPoint
{
    public Coordinate Requested { get; init; }

    public Coordinate OnRoad { get; init; }

    public long WayId { get; init; }

    /// <summary>Straight distance from the requested point to the road, in metres.</summary>
    public double OffsetMeters { get; init; }
}

/// <summary>Travel times and distances between every pair of points; infinite where no open road leads.</summary>
public sealed partial class TravelMatrix
{
    public int Count { get; init; }

    public double Seconds(int from, int to) => throw new NotImplementedException();

    public double Meters(int from, int to) => throw new NotImplementedException();

    public bool IsReachable(int from, int to) => !double.IsInfinity(Seconds(from, to));
}

/// <summary>A driven path: its geometry for the map, time and length.</summary>
public sealed record RoadPath(IReadOnlyList<Coordinate> Geometry, double Seconds, double Meters);

/// <summary>Speeds by highway type (km/h) and which highway types are drivable at all.</summary>
public sealed partial record RoadProfile
{
    public static RoadProfile Car { get; } = new();
}

/// <summary>The drivable road graph of an extract: load once per process, share between threads.</summary>
public sealed partial class RoadNetwork
{
    public static RoadNetwork Load(string path, RoadProfile? profile = null) => throw new NotImplementedException();

    public static RoadNetwork Load(Stream stream, OsmFileFormat format, RoadProfile? profile = null) => throw new NotImplementedException();

    public int NodeCount => throw new NotImplementedException();

    public int EdgeCount => throw new NotImplementedException();

    public IReadOnlyList<RoadWay> Ways => throw new NotImplementedException();

    public RoadWay? Way(long id) => throw new NotImplementedException();

    /// <summary>The nearest drivable road within <paramref name="maxMeters"/>, or null.</summary>
    public SnappedPoint? Snap(Coordinate point, double maxMeters = 500) => throw new NotImplementedException();

    /// <summary>The ways a set of closures shuts (named ways plus ways crossing an area), for maps and reports.</summary>
    public IReadOnlyList<RoadWay> ClosedWays(RoadClosures closures) => throw new NotImplementedException();

    /// <summary>A router that avoids the closures; prepared once per distinct closure set and cached.</summary>
    public RoadRouter Router(RoadClosures closures) => throw new NotImplementedException();
}

/// <summary>Routes on the network with one set of closures: many-to-many matrices and paths. Thread-safe.</summary>
public sealed partial class RoadRouter
{
    public RoadClosures Closures { get; init; } = RoadClosures.None;

    public TravelMatrix Matrix(IReadOnlyList<SnappedPoint> points) => throw new NotImplementedException();

    /// <summary>The fastest open path, or null when none exists.</summary>
    public RoadPath? Path(SnappedPoint from, SnappedPoint to) => throw new NotImplementedException();
}
