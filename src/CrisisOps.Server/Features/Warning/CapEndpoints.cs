using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Regions;
using CrisisOps.Domain.Warning;
using CrisisOps.Server.Platform;
using CrisisOps.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;

namespace CrisisOps.Server.Features.Warning;

public sealed record CapAreaVerdict(string AreaDesc, int Polygons, int Circles, int Geocodes, IReadOnlyList<string> Regions);

public sealed record CapInfoVerdict(string Language, string Event, CapUrgency Urgency, CapSeverity Severity, CapCertainty Certainty,
    string? Headline, DateTimeOffset? Expires, IReadOnlyList<CapAreaVerdict> Areas);

public sealed record CapVerdictResponse(bool Accepted, CapVerdictKind Kind, IReadOnlyList<string> Reasons, IReadOnlyList<string> Warnings,
    string? Identifier, string? Sender, DateTimeOffset? Sent, CapStatus? Status, CapMessageType? MsgType, IReadOnlyList<CapInfoVerdict> Infos);

/// <summary>
/// Official warnings in CAP 1.2 (气象/地质预警): what CrisisOps makes of a document — accepted or
/// rejected and why, and which of the caller's regions each area covers.
/// </summary>
public static class CapEndpoints
{
    public static IEndpointRouteBuilder MapCapEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/warnings/cap/verdict", VerdictAsync).WithTags("Warning")
            .RequirePermission(Permission.ReadRegions)
            .WithMetadata(new BodySizeLimit(CapReader.MaxDocumentBytes + 1))
            .Accepts<string>("application/cap+xml", "application/xml", "text/xml");
        return app;
    }

    private static async Task<Ok<CapVerdictResponse>> VerdictAsync(HttpRequest request, CrisisOpsDbContext db, CallerAccessor caller, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        var verdict = CapReader.Read(buffer.ToArray());
        if (!verdict.Accepted)
        {
            return TypedResults.Ok(new CapVerdictResponse(false, verdict.Kind, verdict.Reasons, verdict.Warnings, null, null, null, null, null, []));
        }

        var alert = verdict.Alert;
        var access = await caller.GetAsync(ct);
        var leaves = await LeafBoundariesAsync(db, access, ct);
        var infos = alert.Infos.Select(info => new CapInfoVerdict(info.Language, info.Event, info.Urgency, info.Severity, info.Certainty,
            info.Headline, info.Expires,
            [.. info.Areas.Select(area => new CapAreaVerdict(area.AreaDesc, area.Polygons.Count, area.Circles.Count, area.Geocodes.Count,
                Covered(area, leaves)))])).ToList();
        return TypedResults.Ok(new CapVerdictResponse(true, verdict.Kind, [], verdict.Warnings, alert.Identifier, alert.Sender, alert.Sent,
            alert.Status, alert.MsgType, infos));
    }

    /// <summary>The deepest regions in the caller's jurisdictions, with their boundaries prepared for intersection tests.</summary>
    private static async Task<List<(string Code, IPreparedGeometry Boundary)>> LeafBoundariesAsync(CrisisOpsDbContext db, CallerAccess access,
        CancellationToken ct)
    {
        var regions = await db.Regions.AsNoTracking().WhereUnder(r => r.Path, access.ScopesFor(Permission.ReadRegions))
            .Where(r => r.BoundaryGeoJson != null).Select(r => new { r.Code, r.ParentCode, r.BoundaryGeoJson }).ToListAsync(ct);
        var parents = regions.Select(r => r.ParentCode).OfType<string>().ToHashSet(StringComparer.Ordinal);
        return [.. regions.Where(r => !parents.Contains(r.Code))
            .Select(r => (r.Code, PreparedGeometryFactory.Prepare(GeoJson.ReadGeometry(r.BoundaryGeoJson!))))];
    }

    /// <summary>Regions an area touches: by polygon, by circle (approximated by a 32-sided polygon), or by a geocode equal to a region code.</summary>
    private static IReadOnlyList<string> Covered(CapArea area, List<(string Code, IPreparedGeometry Boundary)> leaves)
    {
        var shapes = new List<Geometry>();
        shapes.AddRange(area.Polygons.Select(p => (Geometry)GeoJson.Factory.CreatePolygon(
            [.. p.Points.Select(pt => new Coordinate(pt.Longitude, pt.Latitude))])));
        shapes.AddRange(area.Circles.Select(Circle));
        var codes = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (code, boundary) in leaves)
        {
            if (shapes.Any(boundary.Intersects) || area.Geocodes.Any(g => string.Equals(g.Value, code, StringComparison.Ordinal)))
            {
                codes.Add(code);
            }
        }

        return [.. codes];
    }

    private static Geometry Circle(CapCircle circle)
    {
        const int sides = 32;
        const double kmPerDegree = 111.32;
        var lat = circle.Center.Latitude;
        var ring = Enumerable.Range(0, sides + 1).Select(i =>
        {
            var angle = 2 * Math.PI * (i % sides) / sides;
            var dLat = circle.RadiusKm * Math.Sin(angle) / kmPerDegree;
            var dLon = circle.RadiusKm * Math.Cos(angle) / (kmPerDegree * Math.Max(Math.Cos(lat * Math.PI / 180), 0.01));
            return new Coordinate(circle.Center.Longitude + dLon, lat + dLat);
        }).ToArray();
        return circle.RadiusKm <= 0
            ? GeoJson.Factory.CreatePoint(new Coordinate(circle.Center.Longitude, lat))
            : GeoJson.Factory.CreatePolygon(ring);
    }
}
