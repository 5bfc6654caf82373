using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Regions;
using CrisisOps.Domain.Resources;
using CrisisOps.Server.Platform;
using CrisisOps.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Resources;

/// <summary>Reads <c>Resources:Arrival*</c> settings: target (default 30 min), detour factor, speeds per kind.</summary>
public static class ArrivalSettingsBinding
{
    public static ArrivalSettings Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection("Resources");
        var speeds = section.GetSection("ArrivalSpeeds").GetChildren()
            .Where(c => double.TryParse(c.Value, System.Globalization.CultureInfo.InvariantCulture, out var v) && v > 0)
            .ToDictionary(c => c.Key, c => double.Parse(c.Value!, System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal);
        return new ArrivalSettings
        {
            Target = section.GetValue("ArrivalTarget", TimeSpan.FromMinutes(30)),
            DetourFactor = section.GetValue("DetourFactor", 1.3),
            DefaultSpeedKmh = section.GetValue("DefaultSpeedKmh", 40.0),
            SpeedsKmh = speeds,
        };
    }
}

public sealed record ArrivalCandidate(string Kind, string Id, string Name, string RegionCode, double Latitude, double Longitude, double DistanceKm,
    double RoadKm, double EtaMinutes, bool WithinTarget, IReadOnlyList<string> Tags);

/// <param name="Method">How times were worked out: <c>road</c> (the road network with the closures in force) or <c>straight-line</c>.</param>
/// <param name="Unreachable">Candidates no open road leads from (or off the roads), by id: they cannot arrive at all.</param>
public sealed record ArrivalAnswer(string Kind, double TargetLatitude, double TargetLongitude, double TargetMinutes, bool NothingWithinTarget,
    string? Message, IReadOnlyList<ArrivalCandidate> Items, string Method = "straight-line", IReadOnlyList<string>? Unreachable = null);

/// <summary>
/// Who or what could be there soonest: available experts, teams or equipment (in the caller's regions,
/// with a known position) sorted by estimated arrival: road times with the closures in force when the road
/// network is loaded (<c>Routing:OsmFile</c>), straight line × detour factor ÷ speed otherwise.
/// </summary>
public static class ArrivalEndpoints
{
    public static IEndpointRouteBuilder MapArrivalEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/resources/arrivals", ArrivalsAsync).WithTags("Resources").RequirePermission(Permission.ReadResources);
        return app;
    }

    private static async Task<Ok<ArrivalAnswer>> ArrivalsAsync(string? kind, string? specialty, string? skill, string? equipmentKind, string? region,
        string? site, double? lat, double? lon, int? limit, CrisisOpsDbContext db, CallerAccessor caller, ArrivalEstimator estimator,
        CrisisOps.Server.Features.Dispatch.TravelTimes travel, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Check(kind is "expert" or "team" or "equipment", "kind", "One of expert, team, equipment.");
        var targets = (region is null ? 0 : 1) + (site is null ? 0 : 1) + (lat is null && lon is null ? 0 : 1);
        errors.Check(targets == 1, "region", "Name exactly one target: region=CODE, site=CODE, or lat=&lon=.");
        errors.Check(lat is null == lon is null && (lat is null || GeoPoint.IsValid(lat.Value, lon!.Value)), "lat",
            "lat and lon together, within [-90, 90] and [-180, 180].");
        errors.Check(limit is null or (>= 1 and <= 200), "limit", "From 1 to 200.");
        errors.ThrowIfAny();

        var target = await TargetAsync(db, region, site, lat, lon, ct);
        var access = await caller.GetAsync(ct);
        var scopes = access.ScopesFor(Permission.ReadResources);
        var candidates = new List<(string Id, string Name, string RegionCode, GeoPoint At, IReadOnlyList<string> Tags)>();
        switch (kind)
        {
            case "expert":
                var experts = await db.Experts.AsNoTracking().WhereUnder(e => e.RegionPath, scopes)
                    .Where(e => e.Available && e.Latitude != null).ToListAsync(ct);
                candidates.AddRange(experts.Where(e => specialty is null || e.Specialties.Contains(specialty))
                    .Select(e => (e.Id.ToString(), e.Name, e.RegionCode, e.Location!.Value, (IReadOnlyList<string>)e.Specialties)));
                break;
            case "team":
                var teams = await db.Teams.AsNoTracking().WhereUnder(t => t.RegionPath, scopes)
                    .Where(t => t.Status == ReadinessStatus.Available && t.Latitude != null).ToListAsync(ct);
                candidates.AddRange(teams.Where(t => skill is null || t.Skills.Contains(skill))
                    .Select(t => (t.Id.ToString(), t.Name, t.RegionCode, t.Location!.Value, (IReadOnlyList<string>)[t.Kind, .. t.Skills])));
                break;
            default:
                var equipment = await db.Equipment.AsNoTracking().WhereUnder(e => e.RegionPath, scopes)
                    .Where(e => e.Status == ReadinessStatus.Available && e.Latitude != null).ToListAsync(ct);
                candidates.AddRange(equipment.Where(e => equipmentKind is null || e.Kind == equipmentKind)
                    .Select(e => (e.Code, e.Name, e.RegionCode, e.Location!.Value, (IReadOnlyList<string>)[e.Kind])));
                break;
        }

        var estimates = travel.ToOne([.. candidates.Select(c => c.At)], target,
            await CrisisOps.Server.Features.Dispatch.TravelTimes.ClosuresAsync(db, ct), kind!);
        var unreachable = candidates.Where((_, i) => estimates[i].Problem is not null).Select(c => c.Id).ToList();
        var sorted = candidates
            .Select((c, i) => (Candidate: c, Estimate: estimates[i]))
            .Where(x => x.Estimate.Problem is null)
            .OrderBy(x => x.Estimate.Minutes).ThenBy(x => x.Candidate.Name, StringComparer.Ordinal)
            .Take(limit ?? 50)
            .Select(x => new ArrivalCandidate(kind!, x.Candidate.Id, x.Candidate.Name, x.Candidate.RegionCode, x.Candidate.At.Latitude,
                x.Candidate.At.Longitude, Math.Round(x.Estimate.StraightKm, 2), Math.Round(x.Estimate.RoadKm!.Value, 2),
                Math.Round(x.Estimate.Minutes!.Value, 1), x.Estimate.WithinTarget, x.Candidate.Tags))
            .ToList();
        var targetMinutes = estimator.Settings.Target.TotalMinutes;
        var nothing = !sorted.Any(c => c.WithinTarget);
        string? message = !nothing ? null
            : sorted.Count == 0
                ? $"No available {kind} with a known position matches; widen the search or ask a neighbouring region."
                : $"No available {kind} can arrive within {targetMinutes:0} minutes; the nearest needs {sorted[0].EtaMinutes:0} minutes.";
        return TypedResults.Ok(new ArrivalAnswer(kind!, target.Latitude, target.Longitude, targetMinutes, nothing, message, sorted,
            CrisisOps.Server.Features.Dispatch.TravelTimes.ToOneMethod(travel), unreachable));
    }

    /// <summary>The point to arrive at: the site's position, the given point, or a point inside the region's boundary.</summary>
    private static async Task<GeoPoint> TargetAsync(CrisisOpsDbContext db, string? region, string? site, double? lat, double? lon, CancellationToken ct)
    {
        if (lat is { } la && lon is { } lo)
        {
            return new GeoPoint(la, lo);
        }

        if (site is not null)
        {
            var found = await db.Sites.AsNoTracking().SingleOrDefaultAsync(s => s.Code == site, ct) ?? throw ProblemException.NotFound($"Site '{site}'");
            return found.Location;
        }

        var boundary = await db.Regions.AsNoTracking().Where(r => r.Code == region).Select(r => new { r.BoundaryGeoJson }).SingleOrDefaultAsync(ct)
            ?? throw ProblemException.NotFound($"Region '{region}'");
        if (boundary.BoundaryGeoJson is null)
        {
            throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "region-without-boundary", "The region has no boundary",
                "Name a site or a point instead.");
        }

        var inside = GeoJson.ReadGeometry(boundary.BoundaryGeoJson).InteriorPoint;
        return new GeoPoint(inside.Y, inside.X);
    }
}
