using System.Text.Json;
using CrisisOps.Data;
using CrisisOps.Domain;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Dispatch;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Regions;
using CrisisOps.Routing.Roads;
using CrisisOps.Server.Features.Regions;
using CrisisOps.Server.Platform;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Dispatch;

/// <summary>
/// Closes and reopens roads (道路封闭). A closure names a way, or a point that is snapped to the way it lies on, or an
/// area; its region is where it lies, and the caller needs <see cref="Permission.CloseRoads"/> there. Plans in force
/// whose routes drive through a new closure are flagged for re-planning in the same transaction.
/// </summary>
public sealed class RoadClosureDesk(RoadNetworkHost roads, RegionDirectory directory, TimeProvider clock)
{
    /// <exception cref="ProblemException">400; 409 road-network-not-ready; 422 cannot-snap, unknown-way, outside-regions; 403.</exception>
    public async Task<RoadClosure> CloseAsync(CrisisOpsDbContext db, ClosureRequest request, CallerAccess access, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(access);
        var network = roads.Network;
        var wayId = request.WayId;
        GeoPoint? where = request.Point;
        if (request.Kind == ClosureKind.Way && request.Point is { } point)
        {
            if (network is null)
            {
                throw NotReady();
            }

            var snapped = network.Snap(new Coordinate(point.Latitude, point.Longitude), TravelTimes.SnapMeters)
                ?? throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "cannot-snap", "No road there",
                    $"No drivable road lies within {TravelTimes.SnapMeters:0} m of {point.Latitude:0.#####}, {point.Longitude:0.#####}.");
            wayId = snapped.WayId;
        }
        else if (request.Kind == ClosureKind.Way && network is not null)
        {
            var way = network.Way(wayId!.Value) ?? throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "unknown-way", "Unknown way",
                $"The road network has no drivable way {wayId}.");
            var middle = way.Geometry[way.Geometry.Count / 2];
            where = new GeoPoint(middle.Latitude, middle.Longitude);
        }
        else if (request.Kind == ClosureKind.Area)
        {
            where = Centroid(request.Area!);
        }

        var snapshot = await directory.GetAsync(ct);
        RegionInfo? region = where is { } at ? snapshot.Locate(at) : null;
        if (region is null && request.IncidentId is { } incidentId)
        {
            var incident = await db.Incidents.AsNoTracking().SingleOrDefaultAsync(i => i.Id == incidentId, ct);
            region = snapshot.Find(incident?.RegionCode);
        }

        if (region is null)
        {
            throw where is null && network is null ? NotReady()
                : new ProblemException(StatusCodes.Status422UnprocessableEntity, "outside-regions", "Outside every region",
                    "The closure lies outside every region; name an incident to place it, or close a road inside the regions.");
        }

        if (!access.Can(Permission.CloseRoads, region.Path))
        {
            throw ProblemException.Forbidden($"Your roles do not allow '{Permission.CloseRoads}' in region '{region.Code}'.");
        }

        if (request.IncidentId is { } id && !await db.Incidents.AnyAsync(i => i.Id == id, ct))
        {
            throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "unknown-incident", "Unknown incident", $"There is no incident '{id}'.");
        }

        var now = clock.GetUtcNow();
        var closure = new RoadClosure(Guid.CreateVersion7(now), request with { WayId = wayId }, region.Code, region.Path, ClosureSource.Manual, null, now,
            access.Name);
        db.RoadClosures.Add(closure);
        db.Append(Closed(closure, now, access.Name));
        await FlagPlansAsync(db, [closure], now, ct);
        return closure;
    }

    /// <exception cref="ProblemException">404; 403; 409 closure-not-active.</exception>
    public async Task<RoadClosure> ReopenAsync(CrisisOpsDbContext db, Guid id, CallerAccess access, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(access);
        var closure = await db.RoadClosures.SingleOrDefaultAsync(c => c.Id == id, ct) ?? throw ProblemException.NotFound($"Road closure '{id}'");
        if (!access.Can(Permission.CloseRoads, closure.RegionPath))
        {
            throw access.Can(Permission.ReadRegions, closure.RegionPath)
                ? ProblemException.Forbidden($"Your roles do not allow '{Permission.CloseRoads}' in region '{closure.RegionCode}'.")
                : ProblemException.NotFound($"Road closure '{id}'");
        }

        var now = clock.GetUtcNow();
        closure.Reopen(now, access.Name);
        db.Append(Reopened(closure, now, access.Name));
        return closure;
    }

    public static JournalRecord Closed(RoadClosure c, DateTimeOffset now, string actor) =>
        new(now, actor, JournalTypes.RoadClosed, c.RegionCode, c.RegionPath, c.IncidentId, new
        {
            closureId = c.Id,
            kind = c.Kind,
            c.WayId,
            area = c.Kind == ClosureKind.Area ? c.Area.Count : 0,
            source = c.Source,
            c.RuleKey,
            c.ReasonZh,
            c.ReasonEn,
        });

    public static JournalRecord Reopened(RoadClosure c, DateTimeOffset now, string actor) =>
        new(now, actor, JournalTypes.RoadReopened, c.RegionCode, c.RegionPath, c.IncidentId,
            new { closureId = c.Id, kind = c.Kind, c.WayId, source = c.Source, c.RuleKey });

    /// <summary>The ways a set of closures shuts, as the map draws them; empty without a road network.</summary>
    public IReadOnlyList<RoadWay> ClosedWays(IEnumerable<RoadClosure> closures) =>
        roads.Network is { } network ? network.ClosedWays(TravelTimes.ToRoadClosures(closures)) : [];

    /// <summary>Flags every plan in force whose route drives through one of <paramref name="closures"/> (added unsaved).</summary>
    public async Task FlagPlansAsync(CrisisOpsDbContext db, IReadOnlyList<RoadClosure> closures, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(closures);
        var ways = ClosedWays(closures);
        var areas = closures.Where(c => c.Kind == ClosureKind.Area).Select(c => c.Area).ToList();
        if (ways.Count == 0 && areas.Count == 0)
        {
            return;
        }

        foreach (var plan in await db.DeliveryPlans.Where(p => p.Status != PlanStatus.Superseded).ToListAsync(ct))
        {
            var touched = plan.Routes.Where(r => RouteGeometry.Uses(RouteGeometry.Read(r.GeometryJson), ways, areas)).Select(r => r.Number).ToList();
            if (touched.Count == 0)
            {
                continue;
            }

            var reason = new ReplanReason("road-closed",
                $"道路封闭影响路线 {string.Join(", ", touched)} / A road closure ({string.Join("; ", closures.Select(c => c.ReasonEn))}) lies on route(s) {string.Join(", ", touched)}.");
            plan.FlagReplan(reason);
            db.Append(new JournalRecord(now, "system", JournalTypes.PlanNeedsReplan, plan.RegionCode, plan.RegionPath, plan.IncidentId,
                new { planId = plan.Id, plan.Number, version = plan.PlanVersion, reason = reason.Code, routes = touched, closures = closures.Select(c => c.Id) },
                plan.IsExercise));
        }
    }

    private static ProblemException NotReady() =>
        new(StatusCodes.Status409Conflict, "road-network-not-ready", "The road network is not loaded",
            "Closing a road by a point needs the road network (Routing:OsmFile), which is not loaded; see GET /api/v1/road-network.");

    private static GeoPoint Centroid(IReadOnlyList<GeoPoint> ring) =>
        new(ring.Average(p => p.Latitude), ring.Average(p => p.Longitude));
}

/// <summary>Route geometry as stored (GeoJSON positions) and whether it drives through closed roads.</summary>
public static class RouteGeometry
{
    /// <summary>A route segment whose ends and middle all lie this close to a closed way runs along it.</summary>
    public const double OnWayMeters = 3;

    public static IReadOnlyList<double[]> Read(string json) => JsonSerializer.Deserialize<double[][]>(json) ?? [];

    public static bool Uses(IReadOnlyList<double[]> line, IReadOnlyList<RoadWay> ways, IReadOnlyList<IReadOnlyList<GeoPoint>> areas)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(ways);
        ArgumentNullException.ThrowIfNull(areas);
        // Inside a closed area any point of the route counts, the stops included. A closed way only when a segment runs
        // along it: both ends and the middle on the way. A route that crosses it at a junction has one end there, and a
        // segment leaving that junction on another road may have its middle within metres of the closed way's first
        // stretch, so the middle alone is not enough.
        if (areas.Count > 0 && line.Any(p => areas.Any(a => Inside(new GeoPoint(p[1], p[0]), a))))
        {
            return true;
        }

        for (var i = 1; i < line.Count; i++)
        {
            var from = new GeoPoint(line[i - 1][1], line[i - 1][0]);
            var to = new GeoPoint(line[i][1], line[i][0]);
            var mid = new GeoPoint((from.Latitude + to.Latitude) / 2, (from.Longitude + to.Longitude) / 2);
            if (ways.Any(w => DistanceToWayMeters(mid, w) <= OnWayMeters && DistanceToWayMeters(from, w) <= OnWayMeters
                    && DistanceToWayMeters(to, w) <= OnWayMeters)
                || areas.Any(a => Inside(mid, a)))
            {
                return true;
            }
        }

        return false;
    }

    public static double DistanceToWayMeters(GeoPoint p, RoadWay way)
    {
        ArgumentNullException.ThrowIfNull(way);
        var best = double.PositiveInfinity;
        for (var i = 1; i < way.Geometry.Count; i++)
        {
            best = Math.Min(best, SegmentMeters(p, way.Geometry[i - 1], way.Geometry[i]));
        }

        return best;
    }

    /// <summary>Distance from a point to a segment on a local flat projection (exact enough within a city).</summary>
    private static double SegmentMeters(GeoPoint p, Coordinate a, Coordinate b)
    {
        const double metersPerDegree = 111_320;
        var cos = Math.Cos(p.Latitude * Math.PI / 180);
        double X(double lon) => (lon - p.Longitude) * metersPerDegree * cos;
        double Y(double lat) => (lat - p.Latitude) * metersPerDegree;
        var (ax, ay, bx, by) = (X(a.Longitude), Y(a.Latitude), X(b.Longitude), Y(b.Latitude));
        var (dx, dy) = (bx - ax, by - ay);
        var length = dx * dx + dy * dy;
        var t = length == 0 ? 0 : Math.Clamp(-(ax * dx + ay * dy) / length, 0, 1);
        var (cx, cy) = (ax + t * dx, ay + t * dy);
        return Math.Sqrt(cx * cx + cy * cy);
    }

    public static bool Inside(GeoPoint p, IReadOnlyList<GeoPoint> ring)
    {
        ArgumentNullException.ThrowIfNull(ring);
        var inside = false;
        for (int i = 0, j = ring.Count - 1; i < ring.Count; j = i++)
        {
            if ((ring[i].Latitude > p.Latitude) != (ring[j].Latitude > p.Latitude)
                && p.Longitude < (ring[j].Longitude - ring[i].Longitude) * (p.Latitude - ring[i].Latitude) / (ring[j].Latitude - ring[i].Latitude) + ring[i].Longitude)
            {
                inside = !inside;
            }
        }

        return inside;
    }
}
