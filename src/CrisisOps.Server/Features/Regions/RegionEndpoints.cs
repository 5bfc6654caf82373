using System.Text.Json;
using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Regions;
using CrisisOps.Server.Platform;
using CrisisOps.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Regions;

public sealed record RegionDto(string Code, string? ParentCode, RegionLevel Level, string NameZh, string NameEn,
    long? Population, IReadOnlyList<string> Attributes, bool HasBoundary, bool IsDemo);

public sealed record RegionListResponse(IReadOnlyList<RegionDto> Items);

public sealed record SiteDto(string Code, SiteType Type, string NameZh, string NameEn, double Lat, double Lon,
    string RegionCode, int? Capacity, string? Source, bool IsDemo);

public sealed record RegionDetailResponse(RegionDto Region, IReadOnlyList<RegionDto> Chain, IReadOnlyList<RegionDto> Children, IReadOnlyList<SiteDto> Sites);

public sealed record RegionRef(string Code, RegionLevel Level, string NameZh, string NameEn);

public sealed record LocateResponse(string Code, RegionLevel Level, string NameZh, string NameEn, IReadOnlyList<RegionRef> Chain);

public static class RegionEndpoints
{
    /// <summary>Region imports may be large (a province with community boundaries).</summary>
    public const long ImportLimit = 64L * 1024 * 1024;

    public static IEndpointRouteBuilder MapRegionEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/regions").WithTags("Regions");
        group.MapGet("", ListAsync).RequirePermission(Permission.ReadRegions);
        group.MapGet("/locate", LocateAsync).RequirePermission(Permission.ReadRegions);
        group.MapGet("/{code}", GetAsync).RequirePermission(Permission.ReadRegions);
        group.MapGet("/{code}/geojson", GetGeoJsonAsync).RequirePermission(Permission.ReadRegions);
        group.MapPost("/import", ImportAsync).RequirePermission(Permission.ImportRegions)
            .WithMetadata(new BodySizeLimit(ImportLimit))
            .Accepts<JsonElement>("application/geo+json", "application/json");
        return app;
    }

    private static async Task<Ok<RegionListResponse>> ListAsync(string? parent, string? level,
        CrisisOpsDbContext db, CallerAccessor caller, CancellationToken ct)
    {
        var access = await caller.GetAsync(ct);
        var errors = new FieldErrors();
        RegionLevel? wanted = null;
        if (level is not null)
        {
            errors.Check(RegionLevels.TryParse(level, out var parsed), "level", "Use province, city, county, township or community.");
            wanted = parsed;
        }

        errors.Check(parent is null || RegionCode.IsValid(parent), "parent", "Not a region code.");
        errors.ThrowIfAny();

        var query = db.Regions.AsNoTracking().WhereUnder(r => r.Path, access.ScopesFor(Permission.ReadRegions));
        if (parent is not null)
        {
            query = query.Where(r => r.ParentCode == parent);
        }

        if (wanted is { } l)
        {
            query = query.Where(r => r.Level == l);
        }

        var regions = await query.OrderBy(r => r.Path).ToListAsync(ct);
        return TypedResults.Ok(new RegionListResponse([.. regions.Select(ToDto)]));
    }

    private static async Task<Ok<RegionDetailResponse>> GetAsync(string code, CrisisOpsDbContext db, CallerAccessor caller, CancellationToken ct)
    {
        var region = await FindAsync(code, db, ct);
        await caller.RequireAsync(Permission.ReadRegions, region.Path, ct);
        var chainCodes = RegionPath.Codes(region.Path).ToList();
        var chain = await db.Regions.AsNoTracking().Where(r => chainCodes.Contains(r.Code)).ToListAsync(ct);
        var children = await db.Regions.AsNoTracking().Where(r => r.ParentCode == code).OrderBy(r => r.Code).ToListAsync(ct);
        var sites = await db.Sites.AsNoTracking().Where(s => s.RegionPath.StartsWith(region.Path)).OrderBy(s => s.Code).ToListAsync(ct);
        return TypedResults.Ok(new RegionDetailResponse(
            ToDto(region),
            [.. chain.OrderBy(r => r.Depth).Select(ToDto)],
            [.. children.Select(ToDto)],
            [.. sites.Select(s => new SiteDto(s.Code, s.Type, s.NameZh, s.NameEn, s.Location.Latitude, s.Location.Longitude,
                s.RegionCode, s.Capacity, s.Source, s.IsDemo))]));
    }

    private static async Task<IResult> GetGeoJsonAsync(string code, CrisisOpsDbContext db, CallerAccessor caller, CancellationToken ct)
    {
        var region = await FindAsync(code, db, ct);
        await caller.RequireAsync(Permission.ReadRegions, region.Path, ct);
        var feature = new
        {
            type = "Feature",
            geometry = region.BoundaryGeoJson is null ? (JsonElement?)null : JsonDocument.Parse(region.BoundaryGeoJson).RootElement,
            properties = ToDto(region),
        };
        return TypedResults.Json(feature, contentType: "application/geo+json");
    }

    private static async Task<Ok<LocateResponse>> LocateAsync(double? lat, double? lon, RegionDirectory directory,
        CallerAccessor caller, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Check(lat is >= -90 and <= 90, "lat", "Latitude is required and lies within [-90, 90].");
        errors.Check(lon is >= -180 and <= 180, "lon", "Longitude is required and lies within [-180, 180].");
        errors.ThrowIfAny();

        var snapshot = await directory.GetAsync(ct);
        var region = snapshot.Locate(new GeoPoint(lat!.Value, lon!.Value))
            ?? throw new ProblemException(StatusCodes.Status404NotFound, "outside-all-regions", "No region there",
                "The point lies outside every region with a boundary.");
        await caller.RequireAsync(Permission.ReadRegions, region.Path, ct);
        return TypedResults.Ok(new LocateResponse(region.Code, region.Level, region.NameZh, region.NameEn,
            [.. snapshot.Chain(region).Select(r => new RegionRef(r.Code, r.Level, r.NameZh, r.NameEn))]));
    }

    private static async Task<Ok<RegionImportResult>> ImportAsync(HttpRequest request, bool? dryRun,
        RegionImporter importer, CallerAccessor caller, CancellationToken ct)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, new JsonDocumentOptions { MaxDepth = 256 }, ct);
        }
        catch (JsonException ex)
        {
            throw new ProblemException(StatusCodes.Status400BadRequest, "malformed-json", "The body is not valid JSON.",
                ex.Message);
        }

        using (document)
        {
            var access = await caller.GetAsync(ct);
            var result = await importer.ImportAsync(document.RootElement, access.Name, dryRun ?? false,
                path => access.Can(Permission.ImportRegions, path), ct);
            return TypedResults.Ok(result);
        }
    }

    private static async Task<Region> FindAsync(string code, CrisisOpsDbContext db, CancellationToken ct) =>
        await db.Regions.AsNoTracking().SingleOrDefaultAsync(r => r.Code == code, ct)
        ?? throw ProblemException.NotFound($"Region '{code}'");

    internal static RegionDto ToDto(Region r) =>
        new(r.Code, r.ParentCode, r.Level, r.NameZh, r.NameEn, r.Population, r.Attributes, r.BoundaryGeoJson is not null, r.IsDemo);
}
