using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Dispatch;
using CrisisOps.Domain.Regions;
using CrisisOps.Server.Platform;
using CrisisOps.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Dispatch;

public sealed record ClosurePoint(double Lat, double Lon);

/// <param name="WayId">An OSM way id; or <paramref name="Point"/> (snapped to the way it lies on); or <paramref name="Area"/> ([lon, lat] ring).</param>
public sealed record ClosureBody(long? WayId, ClosurePoint? Point, IReadOnlyList<double[]>? Area, string? ReasonZh, string? ReasonEn, Guid? Incident);

public sealed record ClosureDto(Guid Id, ClosureKind Kind, long? WayId, string? WayName, ClosurePoint? Point, IReadOnlyList<double[]>? Area, string ReasonZh,
    string ReasonEn, Guid? IncidentId, string RegionCode, ClosureSource Source, string? RuleKey, ClosureStatus Status, DateTimeOffset ClosedAt,
    string ClosedBy, DateTimeOffset? ReopenedAt, string? ReopenedBy);

public sealed record ClosureList(IReadOnlyList<ClosureDto> Items);

/// <summary>
/// The road network's readiness (<c>GET /api/v1/road-network</c>) and road closures (道路封闭): closing needs
/// <see cref="Permission.CloseRoads"/> where the road lies; reading needs <see cref="Permission.ReadRegions"/>.
/// </summary>
public static class RoadEndpoints
{
    public static IEndpointRouteBuilder MapRoadEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/road-network", (RoadNetworkHost roads) => TypedResults.Ok(roads.Status)).WithTags("Dispatch")
            .RequirePermission(Permission.ReadRegions);
        var closures = app.MapGroup("/api/v1/road-closures").WithTags("Dispatch");
        closures.MapGet("", ListAsync).RequirePermission(Permission.ReadRegions);
        closures.MapPost("", CloseAsync).RequirePermission(Permission.CloseRoads).Idempotent();
        closures.MapPost("/{id:guid}/reopen", ReopenAsync).RequirePermission(Permission.CloseRoads);
        return app;
    }

    public static ClosureDto ToDto(RoadClosure c, RoadNetworkHost roads)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(roads);
        return new ClosureDto(c.Id, c.Kind, c.WayId, c.WayId is { } w ? roads.Network?.Way(w)?.Name : null,
            c.PointLatitude is { } lat && c.PointLongitude is { } lon ? new ClosurePoint(lat, lon) : null,
            c.Kind == ClosureKind.Area ? [.. c.Area.Select(p => new[] { p.Longitude, p.Latitude })] : null,
            c.ReasonZh, c.ReasonEn, c.IncidentId, c.RegionCode, c.Source, c.RuleKey, c.Status, c.ClosedAt, c.ClosedBy, c.ReopenedAt, c.ReopenedBy);
    }

    private static async Task<IResult> ListAsync(string? status, string? format, CrisisOpsDbContext db, CallerAccessor caller, RoadNetworkHost roads,
        RoadClosureDesk desk, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Check(status is null or "active" or "all", "status", "active (default) or all.");
        errors.Check(format is null or "json" or "geojson", "format", "json (default) or geojson.");
        errors.ThrowIfAny();
        var access = await caller.GetAsync(ct);
        var query = db.RoadClosures.AsNoTracking().WhereUnder(c => c.RegionPath, access.ScopesFor(Permission.ReadRegions));
        if (status != "all")
        {
            query = query.Where(c => c.Status == ClosureStatus.Active);
        }

        var closures = (await query.ToListAsync(ct)).OrderByDescending(c => c.ClosedAt).ToList();
        if (format == "geojson")
        {
            return Results.Text(System.Text.Json.JsonSerializer.Serialize(ClosureFeatures(closures.Where(c => c.IsActive).ToList(), roads, desk)),
                "application/geo+json");
        }

        return TypedResults.Ok(new ClosureList([.. closures.Select(c => ToDto(c, roads))]));
    }

    /// <summary>Active closures as GeoJSON features: each closed way as a LineString, each area as a Polygon.</summary>
    public static GeoFeatureCollection ClosureFeatures(IReadOnlyList<RoadClosure> closures, RoadNetworkHost roads, RoadClosureDesk desk)
    {
        ArgumentNullException.ThrowIfNull(closures);
        ArgumentNullException.ThrowIfNull(roads);
        ArgumentNullException.ThrowIfNull(desk);
        var features = new List<GeoFeature>();
        foreach (var c in closures)
        {
            var properties = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["kind"] = "closure",
                ["closureId"] = c.Id,
                ["source"] = c.Source == ClosureSource.Rule ? "rule" : "manual",
                ["reasonZh"] = c.ReasonZh,
                ["reasonEn"] = c.ReasonEn,
                ["regionCode"] = c.RegionCode,
            };
            if (c.Kind == ClosureKind.Area)
            {
                var ring = c.Area.Select(p => new[] { p.Longitude, p.Latitude }).ToList();
                ring.Add(ring[0]);
                features.Add(new GeoFeature(new GeoGeometry("Polygon", new[] { ring }), properties));
            }

            foreach (var way in desk.ClosedWays([c]))
            {
                features.Add(new GeoFeature(new GeoGeometry("LineString", way.Geometry.Select(p => new[] { p.Longitude, p.Latitude }).ToList()),
                    new Dictionary<string, object?>(properties, StringComparer.Ordinal) { ["wayId"] = way.Id, ["name"] = way.Name }));
            }

            if (c.Kind == ClosureKind.Way && roads.Network is null && c.PointLatitude is { } lat && c.PointLongitude is { } lon)
            {
                features.Add(new GeoFeature(new GeoGeometry("Point", new[] { lon, lat }), properties));
            }
        }

        return new GeoFeatureCollection(features);
    }

    private static async Task<Created<ClosureDto>> CloseAsync(ClosureBody body, CrisisOpsDbContext db, CallerAccessor caller, RoadClosureDesk desk,
        RoadNetworkHost roads, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var given = (body.WayId is null ? 0 : 1) + (body.Point is null ? 0 : 1) + (body.Area is null ? 0 : 1);
        errors.Check(given == 1, "wayId", "Name exactly one of: wayId, point {lat, lon}, area [[lon, lat], …].");
        errors.Check(body.Point is null || GeoPoint.IsValid(body.Point.Lat, body.Point.Lon), "point", "lat within [-90, 90], lon within [-180, 180].");
        errors.Check(body.Area is null || body.Area.All(p => p is { Length: 2 } && GeoPoint.IsValid(p[1], p[0])), "area",
            "A ring of [lon, lat] positions.");
        errors.Check(!string.IsNullOrWhiteSpace(body.ReasonZh) && !string.IsNullOrWhiteSpace(body.ReasonEn), "reasonZh",
            "Required: the reason in Chinese (reasonZh) and English (reasonEn).");
        errors.ThrowIfAny();
        var request = new ClosureRequest(body.Area is not null ? ClosureKind.Area : ClosureKind.Way, body.WayId,
            body.Point is { } p ? new GeoPoint(p.Lat, p.Lon) : null, body.Area?.Select(a => new GeoPoint(a[1], a[0])).ToList(), body.ReasonZh!,
            body.ReasonEn!, body.Incident);
        if (RoadClosure.Problem(request) is { } problem)
        {
            throw ProblemException.Validation(new Dictionary<string, string[]> { ["closure"] = [problem] });
        }

        var closure = await desk.CloseAsync(db, request, await caller.GetAsync(ct), ct);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/road-closures/{closure.Id}", ToDto(closure, roads));
    }

    private static async Task<Ok<ClosureDto>> ReopenAsync(Guid id, CrisisOpsDbContext db, CallerAccessor caller, RoadClosureDesk desk, RoadNetworkHost roads,
        CancellationToken ct)
    {
        var closure = await desk.ReopenAsync(db, id, await caller.GetAsync(ct), ct);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(ToDto(closure, roads));
    }
}

/// <summary>Minimal GeoJSON shapes for the dispatch map (System.Text.Json writes them as the spec spells them).</summary>
public sealed record GeoFeatureCollection(IReadOnlyList<GeoFeature> Features)
{
    [System.Text.Json.Serialization.JsonPropertyName("type")]
    public string Type => "FeatureCollection";

    [System.Text.Json.Serialization.JsonPropertyName("features")]
    public IReadOnlyList<GeoFeature> Features { get; init; } = Features;
}

public sealed record GeoFeature(
    [property: System.Text.Json.Serialization.JsonPropertyName("geometry")] GeoGeometry Geometry,
    [property: System.Text.Json.Serialization.JsonPropertyName("properties")] IReadOnlyDictionary<string, object?> Properties)
{
    [System.Text.Json.Serialization.JsonPropertyName("type")]
    public string Type => "Feature";
}

public sealed record GeoGeometry(
    [property: System.Text.Json.Serialization.JsonPropertyName("type")] string Type,
    [property: System.Text.Json.Serialization.JsonPropertyName("coordinates")] object Coordinates);
