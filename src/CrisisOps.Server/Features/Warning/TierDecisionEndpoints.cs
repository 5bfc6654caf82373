using CrisisOps.Domain.Access;
using CrisisOps.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CrisisOps.Server.Features.Warning;

public sealed record TierDecisionRequest(string? Tier, string? Reason);

/// <summary>Confirm, override, escalate or clear a region's tier over HTTP; the rules are in <see cref="TierDecisions"/>.</summary>
public static class TierDecisionEndpoints
{
    public static IEndpointRouteBuilder MapTierDecisionEndpoints(this IEndpointRouteBuilder app)
    {
        var risk = app.MapGroup("/api/v1/risk/{region}/{hazard}").WithTags("Warning");
        risk.MapPost("/confirm", ConfirmAsync).RequirePermission(Permission.DecideTier);
        risk.MapPost("/override", OverrideAsync).RequirePermission(Permission.DecideTier);
        risk.MapPost("/escalate", EscalateAsync).RequirePermission(Permission.DecideTier);
        risk.MapDelete("/override", ClearAsync).RequirePermission(Permission.DecideTier);
        return app;
    }

    private static async Task<Ok<RegionRiskDto>> ConfirmAsync(string region, string hazard, TierDecisions decisions, CallerAccessor caller,
        CancellationToken ct) =>
        TypedResults.Ok(RiskEndpoints.ToDto(await decisions.ConfirmAsync(await caller.GetAsync(ct), region, hazard, ct)));

    private static async Task<Ok<RegionRiskDto>> OverrideAsync(string region, string hazard, TierDecisionRequest body, TierDecisions decisions,
        CallerAccessor caller, CancellationToken ct) =>
        TypedResults.Ok(RiskEndpoints.ToDto(await decisions.DecideAsync(await caller.GetAsync(ct), region, hazard, body.Tier, body.Reason, false, ct)));

    private static async Task<Ok<RegionRiskDto>> EscalateAsync(string region, string hazard, TierDecisionRequest body, TierDecisions decisions,
        CallerAccessor caller, CancellationToken ct) =>
        TypedResults.Ok(RiskEndpoints.ToDto(await decisions.DecideAsync(await caller.GetAsync(ct), region, hazard, body.Tier, body.Reason, true, ct)));

    /// <summary>Hands the tier back to the model; a reason may be given as <c>?reason=</c>.</summary>
    private static async Task<Ok<RegionRiskDto>> ClearAsync(string region, string hazard, string? reason, TierDecisions decisions,
        CallerAccessor caller, CancellationToken ct) =>
        TypedResults.Ok(RiskEndpoints.ToDto(await decisions.ClearAsync(await caller.GetAsync(ct), region, hazard, reason, ct)));
}
