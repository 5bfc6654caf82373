using System.Text.Json;
using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Warning;
using CrisisOps.Server.Features.Regions;
using CrisisOps.Server.Platform;
using CrisisOps.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Warning;

/// <summary>A region's tier for a hazard: <see cref="Tier"/> in force, <see cref="ModelTier"/> the model's, and any decision by a person.</summary>
public sealed record RegionRiskDto(string RegionCode, string Hazard, WarningTier Tier, double Score, bool IsAggregate,
    JsonElement Explanation, DateTimeOffset UpdatedAt, DateTimeOffset? TierSince, WarningTier ModelTier, TierOverride? Override,
    string? ConfirmedBy, DateTimeOffset? ConfirmedAt);

public sealed record RiskList(int RulesVersion, IReadOnlyList<RegionRiskDto> Items);

/// <summary>The risk map (风险图谱): tiers per region and hazard, with why.</summary>
public static class RiskEndpoints
{
    public static IEndpointRouteBuilder MapRiskEndpoints(this IEndpointRouteBuilder app)
    {
        var risk = app.MapGroup("/api/v1/risk").WithTags("Warning");
        risk.MapGet("", ListAsync).RequirePermission(Permission.ReadRegions);
        risk.MapGet("/map", MapAsync).RequirePermission(Permission.ReadRegions);
        return app;
    }

    private static async Task<Ok<RiskList>> ListAsync(string? region, string? hazard, CrisisOpsDbContext db, CallerAccessor caller,
        RegionDirectory directory, RiskRulesProvider rules, CancellationToken ct)
    {
        var access = await caller.GetAsync(ct);
        var query = db.RegionRisks.AsNoTracking().WhereUnder(r => r.RegionPath, access.ScopesFor(Permission.ReadRegions));
        if (region is not null)
        {
            var r = await directory.ScopeAsync(region, Permission.ReadRegions, caller, ct);
            query = query.Where(x => x.RegionPath.StartsWith(r.Path));
        }

        if (hazard is not null)
        {
            query = query.Where(x => x.Hazard == hazard);
        }

        var rows = await query.OrderByDescending(x => x.Tier).ThenBy(x => x.RegionPath).Take(5000).ToListAsync(ct);
        return TypedResults.Ok(new RiskList(rules.Current.Version, [.. rows.Select(ToDto)]));
    }

    /// <summary>Regions as GeoJSON with the worst tier over all hazards and the tier per hazard.</summary>
    private static async Task<IResult> MapAsync(CrisisOpsDbContext db, CallerAccessor caller, ForecastService forecast, RiskTrendCache trends,
        CancellationToken ct)
    {
        var access = await caller.GetAsync(ct);
        var scopes = access.ScopesFor(Permission.ReadRegions);

        // The trend: where the forecast puts each region and hazard six hours from now, against the tier in force.
        var ahead = await trends.GetAsync(scopes, async token => (await forecast.RegionsAsync(scopes, [TrendHorizon], token)).Items
            .ToDictionary(i => (i.Region.Code, i.Hazard), i => i.Horizons[0].Tier), ct);
        var regions = await db.Regions.AsNoTracking().WhereUnder(r => r.Path, scopes).Where(r => r.BoundaryGeoJson != null)
            .OrderBy(r => r.Depth).ToListAsync(ct);
        var risks = (await db.RegionRisks.AsNoTracking().WhereUnder(r => r.RegionPath, scopes).ToListAsync(ct))
            .ToLookup(r => r.RegionCode, StringComparer.Ordinal);
        var features = regions.Select(r => new
        {
            type = "Feature",
            geometry = JsonDocument.Parse(r.BoundaryGeoJson!).RootElement,
            properties = new
            {
                code = r.Code,
                level = r.Level,
                nameZh = r.NameZh,
                nameEn = r.NameEn,
                tier = risks[r.Code].Select(x => x.Tier).DefaultIfEmpty(WarningTier.None).Max(),
                hazards = risks[r.Code].ToDictionary(x => x.Hazard, x => new
                {
                    tier = x.Tier,
                    score = Math.Round(x.Score, 3),
                    trend = Trend(x.Tier, ahead.TryGetValue((r.Code, x.Hazard), out var predicted) ? predicted : null),
                    in6h = ahead.TryGetValue((r.Code, x.Hazard), out var later) ? later : (WarningTier?)null,
                }),
            },
        });
        return TypedResults.Json(new { type = "FeatureCollection", features }, contentType: "application/geo+json");
    }

    private static readonly TimeSpan TrendHorizon = TimeSpan.FromHours(6);

    /// <summary><c>rising</c> or <c>falling</c> when the tier predicted six hours ahead differs from the one in force; <c>unknown</c> without a forecast.</summary>
    private static string Trend(WarningTier now, WarningTier? ahead) => ahead switch
    {
        null => "unknown",
        { } later when later > now => "rising",
        { } later when later < now => "falling",
        _ => "steady",
    };

    internal static RegionRiskDto ToDto(RegionRisk r)
    {
        using var explanation = JsonDocument.Parse(r.Explanation);
        return new RegionRiskDto(r.RegionCode, r.Hazard, r.Tier, Math.Round(r.Score, 3), r.IsAggregate, explanation.RootElement.Clone(),
            r.UpdatedAt, r.TierSince, r.ModelTier, r.Override, r.ConfirmedBy, r.ConfirmedAt);
    }
}
