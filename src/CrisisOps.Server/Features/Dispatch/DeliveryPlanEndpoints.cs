using System.Text.Json;
using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Dispatch;
using CrisisOps.Domain.Needs;
using CrisisOps.Server.Platform;
using CrisisOps.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Dispatch;

public sealed record PlanBody(IReadOnlyList<Guid>? Needs, IReadOnlyList<string>? Vehicles, int? Seconds, DateTimeOffset? DepartAt, int? Seed);

public sealed record IssueBody(Guid? UnitId);

public sealed record ReplanBody(int? Seconds);

public sealed record PlanStopView(int Number, int Route, int Sequence, Guid NeedId, string NeedNumber, string? SiteCode, string Place, double Latitude,
    double Longitude, string? ItemCode, decimal Quantity, string Unit, decimal Kg, decimal M3, int PriorityClass, string PriorityName,
    DateTimeOffset Arrival, DateTimeOffset ServiceStart, DateTimeOffset Departure, DateTimeOffset Due, bool Late, DateTimeOffset? ServedAt,
    string? ServedBy);

public sealed record PlanRouteView(int Number, Guid VehicleId, string VehicleCode, string VehicleName, string Depot, double StartLatitude,
    double StartLongitude, DateTimeOffset Departure, DateTimeOffset Return, double Meters, double Seconds, decimal LoadKg, decimal LoadM3,
    decimal CapacityKg, decimal CapacityM3, Guid? OrderId, IReadOnlyList<double[]> Geometry, IReadOnlyList<PlanStopView> Stops);

public sealed record PlanUnservedView(int Number, Guid NeedId, string NeedNumber, string? SiteCode, string Place, double? Latitude, double? Longitude,
    decimal Quantity, string Unit, int PriorityClass, string PriorityName, string Reason, string ReasonZh, string ReasonEn);

/// <summary>Why the plan should be computed again: a closure on a route (stored when it happened) or a need that changed since (found on reading).</summary>
public sealed record PlanReplanView(string Code, string Text);

/// <summary>
/// A delivery plan as the API, the CLI and the console map read it: routes with ordered stops and their geometry,
/// the closures in force, the deliveries left out with reasons in Chinese and English, and whether it needs a re-plan.
/// </summary>
public sealed record DispatchPlanView(Guid Id, string Number, int Version, Guid? PreviousId, Guid? SupersededById, Guid IncidentId, string IncidentNumber,
    string RegionCode, string Status, string Method, string? RoadNote, DateTimeOffset DepartAt, int Seconds, int Seed, DateTimeOffset CreatedAt,
    string CreatedBy, DateTimeOffset? IssuedAt, string? IssuedBy, double TotalMeters, double TotalSeconds, int Served, int Unserved,
    IReadOnlyList<PlanReplanView> NeedsReplan, IReadOnlyList<PlanRouteView> Routes, IReadOnlyList<PlanUnservedView> UnservedDeliveries,
    IReadOnlyList<ClosureDto> Closures);

/// <summary>
/// Delivery plans (配送方案): computed for an incident with <see cref="Permission.PlanDispatch"/> at its region, read
/// with <see cref="Permission.ReadOrders"/>, issued as one order per route, stops marked served, re-planned.
/// </summary>
public static class DeliveryPlanEndpoints
{
    public static IEndpointRouteBuilder MapDeliveryPlanEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/incidents/{incident}/dispatch-plans", PlanAsync).WithTags("Dispatch").RequirePermission(Permission.PlanDispatch);
        app.MapGet("/api/v1/incidents/{incident}/dispatch-plans", ListAsync).WithTags("Dispatch").RequirePermission(Permission.ReadOrders);
        var plans = app.MapGroup("/api/v1/dispatch-plans").WithTags("Dispatch");
        plans.MapGet("/{id:guid}", GetAsync).RequirePermission(Permission.ReadOrders);
        plans.MapPost("/{id:guid}/issue", IssueAsync).RequirePermission(Permission.PlanDispatch);
        plans.MapPost("/{id:guid}/replan", ReplanAsync).RequirePermission(Permission.PlanDispatch);
        plans.MapPost("/{id:guid}/stops/{stop:int}/served", ServeAsync).RequirePermission(Permission.ActOnOrders);
        return app;
    }

    private static async Task<Created<DispatchPlanView>> PlanAsync(string incident, PlanBody? body, DeliveryPlanner planner, CallerAccessor caller,
        DispatchViews views, CancellationToken ct)
    {
        body ??= new PlanBody(null, null, null, null, null);
        var plan = await planner.PlanAsync(incident, new PlanRequest(body.Needs, body.Vehicles, body.Seconds, body.DepartAt, body.Seed),
            await caller.GetAsync(ct), ct);
        return TypedResults.Created($"/api/v1/dispatch-plans/{plan.Id}", await views.ViewAsync(plan, ct));
    }

    public sealed record PlanSummary(Guid Id, string Number, int Version, string Status, string Method, int Routes, int Stops, int Unserved,
        DateTimeOffset CreatedAt, string? ReplanCode);

    private static async Task<Ok<List<PlanSummary>>> ListAsync(string incident, CrisisOpsDbContext db, CallerAccessor caller, CancellationToken ct)
    {
        var found = await Incidents.IncidentQueries.FindAsync(db, incident, ct) ?? throw ProblemException.NotFound($"Incident '{incident}'");
        var access = await caller.GetAsync(ct);
        if (!access.Can(Permission.ReadOrders, found.RegionPath))
        {
            throw ProblemException.NotFound($"Incident '{incident}'");
        }

        var plans = await db.DeliveryPlans.AsNoTracking().Where(p => p.IncidentId == found.Id).ToListAsync(ct);
        return TypedResults.Ok(plans.OrderByDescending(p => p.CreatedAt).ThenByDescending(p => p.PlanVersion)
            .Select(p => new PlanSummary(p.Id, p.Number, p.PlanVersion, DispatchViews.StatusName(p.Status), TravelEstimate.MethodName(p.Method), p.Routes.Count,
                p.Stops.Count, p.Unserved.Count, p.CreatedAt, p.ReplanCode)).ToList());
    }

    private static async Task<IResult> GetAsync(Guid id, string? format, CrisisOpsDbContext db, CallerAccessor caller, DispatchViews views,
        CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Check(format is null or "json" or "geojson", "format", "json (default) or geojson.");
        errors.ThrowIfAny();
        var plan = await DeliveryPlanner.LoadAsync(db, id, await caller.GetAsync(ct), Permission.ReadOrders, ct);
        var view = await views.ViewAsync(plan, ct);
        return format == "geojson"
            ? Results.Text(JsonSerializer.Serialize(await views.FeaturesAsync(view, ct)), "application/geo+json")
            : TypedResults.Ok(view);
    }

    private static async Task<Ok<DispatchPlanView>> IssueAsync(Guid id, IssueBody? body, DeliveryPlanner planner, CallerAccessor caller, DispatchViews views,
        CancellationToken ct) =>
        TypedResults.Ok(await views.ViewAsync(await planner.IssueAsync(id, body?.UnitId, await caller.GetAsync(ct), ct), ct));

    private static async Task<Created<DispatchPlanView>> ReplanAsync(Guid id, ReplanBody? body, DeliveryPlanner planner, CallerAccessor caller,
        DispatchViews views, CancellationToken ct)
    {
        var plan = await planner.ReplanAsync(id, body?.Seconds, await caller.GetAsync(ct), ct);
        return TypedResults.Created($"/api/v1/dispatch-plans/{plan.Id}", await views.ViewAsync(plan, ct));
    }

    private static async Task<Ok<DispatchPlanView>> ServeAsync(Guid id, int stop, DeliveryPlanner planner, CallerAccessor caller, DispatchViews views,
        CancellationToken ct) =>
        TypedResults.Ok(await views.ViewAsync(await planner.ServeAsync(id, stop, await caller.GetAsync(ct), ct), ct));
}

/// <summary>Turns stored plans into <see cref="DispatchPlanView"/> and its GeoJSON, adding what changed since (closures, needs).</summary>
public sealed class DispatchViews(IDbContextFactory<CrisisOpsDbContext> factory, RoadNetworkHost roads, RoadClosureDesk desk)
{
    public static string StatusName(PlanStatus status) => status.ToString().ToLowerInvariant();

    public static (string Code, string Zh, string En) Reason(UnservedCause cause) => cause switch
    {
        UnservedCause.NoVehicles => ("no-vehicles", "没有可用车辆（或车辆所在仓库无此物资）", "No vehicle available (or none based where the item is stocked)"),
        UnservedCause.Unreachable => ("unreachable", "无可通行道路到达", "No open road leads there"),
        UnservedCause.TooLarge => ("too-large", "超过任何车辆的载重或容积", "More than any vehicle carries"),
        UnservedCause.WindowInfeasible => ("window-infeasible", "无法在需要时间前送达", "No vehicle can get there before it is needed"),
        UnservedCause.NoRoom => ("no-room", "车辆运力已用于同级或更紧急的配送", "The fleet is taken by deliveries of the same or a more urgent class"),
        UnservedCause.CannotSnap => ("cannot-snap", "附近没有可行驶道路", "No drivable road near the place"),
        _ => ("no-location", "需求没有位置", "The need has no place"),
    };

    public async Task<DispatchPlanView> ViewAsync(DeliveryPlan plan, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(plan);
        await using var db = await factory.CreateDbContextAsync(ct);
        var vehicleIds = plan.Routes.Select(r => r.VehicleId).ToList();
        var vehicles = await db.Vehicles.AsNoTracking().Where(v => vehicleIds.Contains(v.Id)).ToDictionaryAsync(v => v.Id, ct);
        var needIds = plan.Stops.Where(s => s.ServedAt is null).Select(s => s.NeedId).ToList();
        var needs = await db.Needs.AsNoTracking().Where(n => needIds.Contains(n.Id)).ToListAsync(ct);
        var replan = new List<PlanReplanView>();
        if (plan.IsCurrent && plan.ReplanCode is { } code)
        {
            replan.Add(new PlanReplanView(code, plan.ReplanText ?? code));
        }

        if (plan.IsCurrent)
        {
            // A need that was cancelled, closed or claimed by others since the plan no longer wants what the stop brings.
            foreach (var stop in plan.Stops.Where(s => s.ServedAt is null))
            {
                var need = needs.SingleOrDefault(n => n.Id == stop.NeedId);
                if (need is null || need.Status != NeedStatus.Open || need.Remaining != stop.Quantity)
                {
                    replan.Add(new PlanReplanView("need-changed",
                        $"需求 {stop.NeedNumber} 已变化 / Need {stop.NeedNumber} changed since the plan ({need?.Status.ToString().ToLowerInvariant() ?? "gone"}, "
                        + string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{need?.Remaining ?? 0:0.###} left, the stop brings {stop.Quantity:0.###}).")));
                }
            }
        }

        var closures = (await db.RoadClosures.AsNoTracking().Where(c => c.Status == ClosureStatus.Active).ToListAsync(ct))
            .Where(c => Domain.Regions.RegionPath.Covers(c.RegionPath, plan.RegionPath) || Domain.Regions.RegionPath.Covers(plan.RegionPath, c.RegionPath))
            .Select(c => RoadEndpoints.ToDto(c, roads)).ToList();
        var routes = plan.Routes.OrderBy(r => r.Number).Select(r =>
        {
            vehicles.TryGetValue(r.VehicleId, out var vehicle);
            var stops = plan.Stops.Where(s => s.Route == r.Number).OrderBy(s => s.Sequence).Select(s => new PlanStopView(s.Number, s.Route, s.Sequence,
                s.NeedId, s.NeedNumber, s.SiteCode, s.PlaceName, s.Latitude, s.Longitude, s.ItemCode, s.Quantity, s.Unit, s.Kg, s.M3, s.PriorityClass,
                DeliveryPriority.Name(s.PriorityClass), s.Arrival, s.ServiceStart, s.Departure, s.Due, s.ServiceStart > s.Due, s.ServedAt, s.ServedBy)).ToList();
            return new PlanRouteView(r.Number, r.VehicleId, r.VehicleCode, r.VehicleName, r.DepotCode, r.StartLatitude, r.StartLongitude, r.Departure, r.Return,
                r.Meters, r.Seconds, r.LoadKg, r.LoadM3, vehicle?.CapacityKg ?? 0, vehicle?.CapacityM3 ?? 0, r.OrderId, RouteGeometry.Read(r.GeometryJson), stops);
        }).ToList();
        var unserved = plan.Unserved.OrderBy(u => u.Number).Select(u =>
        {
            var (reason, zh, en) = Reason(u.Cause);
            return new PlanUnservedView(u.Number, u.NeedId, u.NeedNumber, u.SiteCode, u.PlaceName, u.Latitude, u.Longitude, u.Quantity, u.Unit,
                u.PriorityClass, DeliveryPriority.Name(u.PriorityClass), reason, zh, en);
        }).ToList();
        var note = plan.Method == TravelMethod.Road ? null
            : roads.Status.Error ?? (roads.Status.State == RoadNetworkState.Loading
                ? "The road network was still loading: straight lines × detour factor; closures not applied."
                : "No road network configured (Routing:OsmFile): straight lines × detour factor; closures not applied.");
        return new DispatchPlanView(plan.Id, plan.Number, plan.PlanVersion, plan.PreviousId, plan.SupersededById, plan.IncidentId, plan.IncidentNumber,
            plan.RegionCode, StatusName(plan.Status), TravelEstimate.MethodName(plan.Method), note, plan.DepartAt, plan.Seconds, plan.Seed, plan.CreatedAt,
            plan.CreatedBy, plan.IssuedAt, plan.IssuedBy, plan.Routes.Sum(r => r.Meters), plan.Routes.Sum(r => r.Seconds),
            plan.Stops.Count(s => s.ServedAt is not null), plan.Unserved.Count, replan, routes, unserved, closures);
    }

    /// <summary>The plan for the map: a LineString per route, a Point per stop (with its order), the closed roads, a Point per unserved delivery.</summary>
    public async Task<GeoFeatureCollection> FeaturesAsync(DispatchPlanView view, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(view);
        var features = new List<GeoFeature>();
        foreach (var route in view.Routes)
        {
            features.Add(new GeoFeature(new GeoGeometry("LineString", route.Geometry), new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["kind"] = "route", ["route"] = route.Number, ["vehicle"] = route.VehicleCode, ["meters"] = route.Meters, ["seconds"] = route.Seconds,
                ["orderId"] = route.OrderId,
            }));
            foreach (var stop in route.Stops)
            {
                features.Add(new GeoFeature(new GeoGeometry("Point", new[] { stop.Longitude, stop.Latitude }), new Dictionary<string, object?>(StringComparer.Ordinal)
                {
                    ["kind"] = "stop", ["route"] = route.Number, ["sequence"] = stop.Sequence, ["stop"] = stop.Number, ["need"] = stop.NeedNumber,
                    ["place"] = stop.Place, ["priority"] = stop.PriorityName, ["arrival"] = stop.Arrival, ["served"] = stop.ServedAt is not null,
                }));
            }
        }

        await using var db = await factory.CreateDbContextAsync(ct);
        var ids = view.Closures.Select(c => c.Id).ToList();
        var closures = await db.RoadClosures.AsNoTracking().Where(c => ids.Contains(c.Id)).ToListAsync(ct);
        features.AddRange(RoadEndpoints.ClosureFeatures(closures, roads, desk).Features);
        foreach (var u in view.UnservedDeliveries.Where(u => u.Latitude is not null && u.Longitude is not null))
        {
            features.Add(new GeoFeature(new GeoGeometry("Point", new[] { u.Longitude!.Value, u.Latitude!.Value }), new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["kind"] = "unserved", ["need"] = u.NeedNumber, ["place"] = u.Place, ["priority"] = u.PriorityName, ["reason"] = u.Reason,
                ["reasonZh"] = u.ReasonZh, ["reasonEn"] = u.ReasonEn,
            }));
        }

        return new GeoFeatureCollection(features);
    }
}
