using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Warning;
using CrisisOps.Server.Features.Regions;
using CrisisOps.Server.Platform;
using CrisisOps.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Warning;

public sealed record TierDecisionRequest(string? Tier, string? Reason);

/// <summary>
/// People decide over the model: confirm the tier in force, override it with a reason, escalate it,
/// or hand it back to the model. Each decision is journaled with who and why, starts or closes
/// plans like any tier change, and is carried up the tree at once.
/// </summary>
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

    private static async Task<Ok<RegionRiskDto>> ConfirmAsync(string region, string hazard, CrisisOpsDbContext db, CallerAccessor caller,
        RegionDirectory directory, TimeProvider clock, CancellationToken ct)
    {
        var place = await directory.ScopeAsync(region, Permission.DecideTier, caller, ct);
        var access = await caller.GetAsync(ct);
        var row = await db.RegionRisks.SingleOrDefaultAsync(r => r.RegionCode == place.Code && r.Hazard == hazard, ct)
            ?? throw ProblemException.NotFound($"An assessment of '{hazard}' in region '{place.Code}'");
        var now = clock.GetUtcNow();
        row.Confirm(access.Name, now);
        db.Append(new JournalRecord(now, access.Name, JournalTypes.RiskTierConfirmed, row.RegionCode, row.RegionPath, null,
            new { hazard = row.Hazard, tier = row.Tier, modelTier = row.ModelTier, overridden = row.Override is not null }));
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(RiskEndpoints.ToDto(row));
    }

    private static Task<Ok<RegionRiskDto>> OverrideAsync(string region, string hazard, TierDecisionRequest body, [AsParameters] DecisionContext context,
        CancellationToken ct) =>
        DecideAsync(region, hazard, body, escalate: false, context, ct);

    private static Task<Ok<RegionRiskDto>> EscalateAsync(string region, string hazard, TierDecisionRequest body, [AsParameters] DecisionContext context,
        CancellationToken ct) =>
        DecideAsync(region, hazard, body, escalate: true, context, ct);

    private static async Task<Ok<RegionRiskDto>> DecideAsync(string region, string hazard, TierDecisionRequest body, bool escalate,
        DecisionContext context, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var tier = default(WarningTier);
        errors.Check(body.Tier is not null && ApiWords.TryParse(body.Tier, out tier), "tier", "One of: " + ApiWords.List<WarningTier>() + ".");
        errors.Check(!string.IsNullOrWhiteSpace(body.Reason), "reason", "Required: why the tier should be other than the model's.");
        errors.Check((body.Reason?.Length ?? 0) <= RegionRisk.MaxReasonLength, "reason", $"At most {RegionRisk.MaxReasonLength} characters.");
        errors.ThrowIfAny();

        var (db, caller, directory) = (context.Db, context.Caller, context.Directory);
        var place = await directory.ScopeAsync(region, Permission.DecideTier, caller, ct);
        var access = await caller.GetAsync(ct);
        var now = context.Clock.GetUtcNow();
        var row = await db.RegionRisks.SingleOrDefaultAsync(r => r.RegionCode == place.Code && r.Hazard == hazard, ct);
        if (row is null)
        {
            // A person may put a tier on a region the model has not assessed (a warning by telephone,
            // a hazard without stations), as long as the hazard is one the rules or the plans know.
            var known = context.Rules.Current.Hazards.Any(h => h.Hazard == hazard)
                || await db.ResponsePlans.AnyAsync(p => p.Hazard == hazard, ct);
            if (!known)
            {
                throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "unknown-hazard", "Unknown hazard",
                    $"'{hazard}' is neither in the risk rules nor in any plan.");
            }

            row = new RegionRisk(place.Code, place.Path, hazard, now);
            db.RegionRisks.Add(row);
        }

        var modelTier = row.ModelTier;
        var outcome = escalate ? row.Escalate(tier, body.Reason!, access.Name, now) : row.OverrideWith(tier, body.Reason!, access.Name, now);
        db.Append(new JournalRecord(now, access.Name, JournalTypes.RiskTierOverridden, row.RegionCode, row.RegionPath, null, new
        {
            hazard = row.Hazard,
            from = outcome.From,
            to = outcome.To,
            modelTier,
            escalation = escalate,
            reason = row.OverrideReason,
        }));
        await context.Plans.OnTierChangedAsync(db, row, outcome.From, access.Name, now, ct);
        await db.SaveChangesAsync(ct);
        await CarryUpAsync(context, place.Code, ct);
        return TypedResults.Ok(RiskEndpoints.ToDto(row));
    }

    /// <summary>Hands the tier back to the model; a reason may be given as <c>?reason=</c>.</summary>
    private static async Task<Ok<RegionRiskDto>> ClearAsync(string region, string hazard, string? reason, [AsParameters] DecisionContext context, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Check((reason?.Length ?? 0) <= RegionRisk.MaxReasonLength, "reason", $"At most {RegionRisk.MaxReasonLength} characters.");
        errors.ThrowIfAny();

        var (db, caller, directory) = (context.Db, context.Caller, context.Directory);
        var place = await directory.ScopeAsync(region, Permission.DecideTier, caller, ct);
        var access = await caller.GetAsync(ct);
        var row = await db.RegionRisks.SingleOrDefaultAsync(r => r.RegionCode == place.Code && r.Hazard == hazard, ct)
            ?? throw ProblemException.NotFound($"An assessment of '{hazard}' in region '{place.Code}'");
        var now = context.Clock.GetUtcNow();
        var held = row.Override;
        var outcome = row.ClearOverride(now);
        db.Append(new JournalRecord(now, access.Name, JournalTypes.RiskOverrideCleared, row.RegionCode, row.RegionPath, null, new
        {
            hazard = row.Hazard,
            overrideTier = held?.Tier,
            overriddenBy = held?.By,
            from = outcome.From,
            to = outcome.To,
            reason = string.IsNullOrWhiteSpace(reason) ? "cleared by hand" : reason,
        }));
        await context.Plans.OnTierChangedAsync(db, row, outcome.From, access.Name, now, ct);
        await db.SaveChangesAsync(ct);
        await CarryUpAsync(context, place.Code, ct);
        return TypedResults.Ok(RiskEndpoints.ToDto(row));
    }

    /// <summary>
    /// The regions above take the worst tier in force of their children: assess them now rather than
    /// at the next reading or sweep, so the district's plan starts with the community's.
    /// </summary>
    private static Task CarryUpAsync(DecisionContext context, string regionCode, CancellationToken ct) =>
        context.Evaluator.EvaluateAsync([regionCode], ct);

    /// <summary>The services every decision needs, bound from DI in one parameter.</summary>
    public sealed record DecisionContext(CrisisOpsDbContext Db, CallerAccessor Caller, RegionDirectory Directory, TimeProvider Clock,
        PlanActivator Plans, RiskEvaluator Evaluator, RiskRulesProvider Rules);
}
