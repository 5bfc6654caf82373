using CrisisOps.Data;
using CrisisOps.Domain.Dispatch;
using CrisisOps.Domain.Regions;
using CrisisOps.Domain.Resources;
using CrisisOps.Routing.Roads;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Dispatch;

/// <summary>
/// Travel times and paths between points, on the roads with the current closures when the network is loaded,
/// otherwise on straight lines stretched by <see cref="ArrivalSettings.DetourFactor"/> at the speed of the kind.
/// Every answer says which (<see cref="TravelGrid.Method"/>), so a plan never passes a guess off as a road time.
/// </summary>
public sealed class TravelTimes(RoadNetworkHost roads, ArrivalEstimator straight)
{
    /// <summary>A place further than this from any drivable road cannot be reached by a vehicle.</summary>
    public const double SnapMeters = 500;

    public RoadNetworkHost Roads { get; } = roads;

    public ArrivalSettings Settings => straight.Settings;

    /// <summary>How travel is worked out right now: <c>road</c> or <c>straight-line</c>.</summary>
    public static string ToOneMethod(TravelTimes travel) =>
        TravelEstimate.MethodName(travel?.Roads.Network is null ? TravelMethod.StraightLine : TravelMethod.Road);

    /// <summary>The closures in force: active way and area closures.</summary>
    public static async Task<RoadClosures> ClosuresAsync(CrisisOpsDbContext db, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var active = await db.RoadClosures.AsNoTracking().Where(c => c.Status == ClosureStatus.Active).ToListAsync(ct);
        return ToRoadClosures(active);
    }

    public static RoadClosures ToRoadClosures(IEnumerable<RoadClosure> closures)
    {
        var list = closures.Where(c => c.IsActive).ToList();
        return new RoadClosures(
            list.Where(c => c.Kind == ClosureKind.Way && c.WayId is not null).Select(c => c.WayId!.Value).ToHashSet(),
            [.. list.Where(c => c.Kind == ClosureKind.Area).Select(c => (IReadOnlyList<Coordinate>)[.. c.Area.Select(p => new Coordinate(p.Latitude, p.Longitude))])]);
    }

    /// <summary>
    /// Arrival estimates from each of <paramref name="from"/> to one place, on roads with the closures in force when the
    /// network is loaded. An entry is unreachable (<see cref="TravelEstimate.Problem"/>) when either end lies off the
    /// roads or no open road leads there.
    /// </summary>
    public IReadOnlyList<TravelEstimate> ToOne(IReadOnlyList<GeoPoint> from, GeoPoint to, RoadClosures closures, string kind)
    {
        ArgumentNullException.ThrowIfNull(from);
        if (from.Count == 0)
        {
            return [];
        }

        var grid = Grid([.. from, to], closures, kind);
        var target = from.Count;
        var estimates = new List<TravelEstimate>(from.Count);
        for (var i = 0; i < from.Count; i++)
        {
            var straightKm = ArrivalEstimator.HaversineKm(from[i], to);
            if (!grid.CanSnap(i) || !grid.CanSnap(target))
            {
                estimates.Add(new TravelEstimate(grid.Method, straightKm, null, null, false, "cannot-snap"));
            }
            else if (!grid.IsReachable(i, target))
            {
                estimates.Add(new TravelEstimate(grid.Method, straightKm, null, null, false, "unreachable"));
            }
            else
            {
                var minutes = grid.Seconds(i, target) / 60;
                estimates.Add(new TravelEstimate(grid.Method, straightKm, grid.Meters(i, target) / 1000, minutes,
                    minutes <= Settings.Target.TotalMinutes, null));
            }
        }

        return estimates;
    }

    /// <summary>Times and distances between every pair of <paramref name="points"/>.</summary>
    public TravelGrid Grid(IReadOnlyList<GeoPoint> points, RoadClosures closures, string kind)
    {
        ArgumentNullException.ThrowIfNull(points);
        var network = Roads.Network;
        if (network is null)
        {
            return TravelGrid.StraightLines(points, Settings, kind, Roads.Status);
        }

        var snapped = points.Select(p => network.Snap(new Coordinate(p.Latitude, p.Longitude), SnapMeters)).ToList();
        var onRoad = Enumerable.Range(0, points.Count).Where(i => snapped[i] is not null).ToList();
        var router = network.Router(closures);
        var matrix = router.Matrix([.. onRoad.Select(i => snapped[i]!)]);
        return TravelGrid.OnRoads(points, snapped, onRoad, matrix, router, Roads.Status);
    }
}

/// <summary>One arrival estimate; <see cref="Problem"/> is <c>cannot-snap</c> or <c>unreachable</c> when there is no time.</summary>
public sealed record TravelEstimate(TravelMethod Method, double StraightKm, double? RoadKm, double? Minutes, bool WithinTarget, string? Problem)
{
    /// <summary>How the method is named in answers: <c>road</c> or <c>straight-line</c>.</summary>
    public static string MethodName(TravelMethod method) => method == TravelMethod.Road ? "road" : "straight-line";
}

/// <summary>Travel between a set of points: seconds, metres, whether each point lies near a road, and the paths.</summary>
public sealed class TravelGrid
{
    private readonly IReadOnlyList<GeoPoint> _points;
    private readonly double[] _seconds;
    private readonly double[] _meters;
    private readonly bool[] _snapped;
    private readonly IReadOnlyList<SnappedPoint?>? _onRoad;
    private readonly RoadRouter? _router;

    private TravelGrid(IReadOnlyList<GeoPoint> points, TravelMethod method, double[] seconds, double[] meters, bool[] snapped,
        IReadOnlyList<SnappedPoint?>? onRoad, RoadRouter? router, RoadNetworkStatus status)
    {
        _points = points;
        Method = method;
        _seconds = seconds;
        _meters = meters;
        _snapped = snapped;
        _onRoad = onRoad;
        _router = router;
        Status = status;
    }

    public TravelMethod Method { get; }

    public RoadNetworkStatus Status { get; }

    public int Count => _points.Count;

    /// <summary>Infinity where no open road leads.</summary>
    public double Seconds(int from, int to) => _seconds[from * Count + to];

    public double Meters(int from, int to) => _meters[from * Count + to];

    public bool IsReachable(int from, int to) => double.IsFinite(Seconds(from, to));

    /// <summary>False when the point is too far from any road (road method only).</summary>
    public bool CanSnap(int point) => _snapped[point];

    /// <summary>The driven path from one point to another as [lon, lat] pairs, from the real point to the real point.</summary>
    public IReadOnlyList<double[]> Path(int from, int to)
    {
        var a = _points[from];
        var b = _points[to];
        if (from == to)
        {
            return [[a.Longitude, a.Latitude]];
        }

        if (_router is null || _onRoad is null || _onRoad[from] is not { } s || _onRoad[to] is not { } t)
        {
            return [[a.Longitude, a.Latitude], [b.Longitude, b.Latitude]];
        }

        var path = _router.Path(s, t);
        var line = new List<double[]> { new[] { a.Longitude, a.Latitude } };
        if (path is not null)
        {
            line.AddRange(path.Geometry.Select(c => new[] { c.Longitude, c.Latitude }));
        }

        line.Add([b.Longitude, b.Latitude]);
        return line;
    }

    internal static TravelGrid StraightLines(IReadOnlyList<GeoPoint> points, ArrivalSettings settings, string kind, RoadNetworkStatus status)
    {
        var n = points.Count;
        var seconds = new double[n * n];
        var meters = new double[n * n];
        var speed = settings.SpeedsKmh.TryGetValue(kind, out var s) && s > 0 ? s : settings.DefaultSpeedKmh;
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var km = ArrivalEstimator.HaversineKm(points[i], points[j]) * settings.DetourFactor;
                meters[i * n + j] = km * 1000;
                seconds[i * n + j] = km / speed * 3600;
            }
        }

        return new TravelGrid(points, TravelMethod.StraightLine, seconds, meters, [.. Enumerable.Repeat(true, n)], null, null, status);
    }

    internal static TravelGrid OnRoads(IReadOnlyList<GeoPoint> points, IReadOnlyList<SnappedPoint?> snapped, IReadOnlyList<int> onRoad,
        TravelMatrix matrix, RoadRouter router, RoadNetworkStatus status)
    {
        var n = points.Count;
        var seconds = Enumerable.Repeat(double.PositiveInfinity, n * n).ToArray();
        var meters = Enumerable.Repeat(double.PositiveInfinity, n * n).ToArray();
        for (var a = 0; a < onRoad.Count; a++)
        {
            for (var b = 0; b < onRoad.Count; b++)
            {
                var (i, j) = (onRoad[a], onRoad[b]);
                seconds[i * n + j] = i == j ? 0 : matrix.Seconds(a, b);
                meters[i * n + j] = i == j ? 0 : matrix.Meters(a, b);
            }
        }

        return new TravelGrid(points, TravelMethod.Road, seconds, meters, [.. snapped.Select(s => s is not null)], snapped, router, status);
    }
}
