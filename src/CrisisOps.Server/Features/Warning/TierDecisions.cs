using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Warning;
using CrisisOps.Server.Features.Regions;
using CrisisOps.Server.Platform;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Warning;

/// <summary>
/// People decide over the model: confirm the tier in force, override it with a reason, escalate it,
/// or hand it back to the model. Each decision is journaled with who and why, starts or closes
/// plans like any tier change, and is carried up the tree before the answer (the region is queued
/// for assessment in the decision's transaction, and the answer waits for the round). The API and the console both
/// decide through here.
/// </summary>
public sealed class TierDecisions(CrisisOpsDbContext db, RegionDirectory directory, TimeProvider clock, PlanActivator plans,
    RiskQueue queue, RiskRulesProvider rules)
{
    /// <exception cref="ProblemException">404 without an assessment; 403 outside the caller's jurisdiction.</exception>
    public async Task<RegionRisk> ConfirmAsync(CallerAccess access, string region, string hazard, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(access);
        var place = await PlaceAsync(access, region, ct);
        var row = await db.RegionRisks.SingleOrDefaultAsync(r => r.RegionCode == place.Code && r.Hazard == hazard, ct)
            ?? throw ProblemException.NotFound($"An assessment of '{hazard}' in region '{place.Code}'");
        var now = clock.GetUtcNow();
        row.Confirm(access.Name, now);
        db.Append(new JournalRecord(now, access.Name, JournalTypes.RiskTierConfirmed, row.RegionCode, row.RegionPath, null,
            new { hazard = row.Hazard, tier = row.Tier, modelTier = row.ModelTier, overridden = row.Override is not null }));
        await db.SaveChangesAsync(ct);
        return row;
    }

    /// <summary>Puts a person's tier in force over the model's; with <paramref name="escalate"/> it must lie above the tier in force.</summary>
    /// <exception cref="ProblemException">400 for a missing tier or reason; 422 unknown-hazard; 403 outside the jurisdiction.</exception>
    public async Task<RegionRisk> DecideAsync(CallerAccess access, string region, string hazard, string? tierText, string? reason, bool escalate,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(access);
        var errors = new FieldErrors();
        var tier = default(WarningTier);
        errors.Check(tierText is not null && ApiWords.TryParse(tierText, out tier), "tier", "One of: " + ApiWords.List<WarningTier>() + ".");
        errors.Check(!string.IsNullOrWhiteSpace(reason), "reason", "Required: why the tier should be other than the model's.");
        errors.Check((reason?.Length ?? 0) <= RegionRisk.MaxReasonLength, "reason", $"At most {RegionRisk.MaxReasonLength} characters.");
        errors.ThrowIfAny();

        var place = await PlaceAsync(access, region, ct);
        var now = clock.GetUtcNow();
        var row = await db.RegionRisks.SingleOrDefaultAsync(r => r.RegionCode == place.Code && r.Hazard == hazard, ct);
        if (row is null)
        {
            // A person may put a tier on a region the model has not assessed (a warning by telephone,
            // a hazard without stations), as long as the hazard is one the rules or the plans know.
            var known = rules.Current.Hazards.Any(h => h.Hazard == hazard) || await db.ResponsePlans.AnyAsync(p => p.Hazard == hazard, ct);
            if (!known)
            {
                throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "unknown-hazard", "Unknown hazard",
                    $"'{hazard}' is neither in the risk rules nor in any plan.");
            }

            row = new RegionRisk(place.Code, place.Path, hazard, now);
            db.RegionRisks.Add(row);
        }

        var modelTier = row.ModelTier;
        var outcome = escalate ? row.Escalate(tier, reason!, access.Name, now) : row.OverrideWith(tier, reason!, access.Name, now);
        db.Append(new JournalRecord(now, access.Name, JournalTypes.RiskTierOverridden, row.RegionCode, row.RegionPath, null, new
        {
            hazard = row.Hazard,
            from = outcome.From,
            to = outcome.To,
            modelTier,
            escalation = escalate,
            reason = row.OverrideReason,
        }));
        await plans.OnTierChangedAsync(db, row, outcome.From, access.Name, now, ct);
        await RiskQueue.SaveAndMarkAsync(db, [place.Code], now, ct);
        await queue.WaitForAssessmentAsync(ct);
        return row;
    }

    /// <summary>Hands the tier back to the model.</summary>
    /// <exception cref="ProblemException">404 without an assessment; 422 no-override; 403 outside the jurisdiction.</exception>
    public async Task<RegionRisk> ClearAsync(CallerAccess access, string region, string hazard, string? reason, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(access);
        var errors = new FieldErrors();
        errors.Check((reason?.Length ?? 0) <= RegionRisk.MaxReasonLength, "reason", $"At most {RegionRisk.MaxReasonLength} characters.");
        errors.ThrowIfAny();

        var place = await PlaceAsync(access, region, ct);
        var row = await db.RegionRisks.SingleOrDefaultAsync(r => r.RegionCode == place.Code && r.Hazard == hazard, ct)
            ?? throw ProblemException.NotFound($"An assessment of '{hazard}' in region '{place.Code}'");
        var now = clock.GetUtcNow();
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
        await plans.OnTierChangedAsync(db, row, outcome.From, access.Name, now, ct);
        await RiskQueue.SaveAndMarkAsync(db, [place.Code], now, ct);
        await queue.WaitForAssessmentAsync(ct);
        return row;
    }

    private async Task<RegionInfo> PlaceAsync(CallerAccess access, string code, CancellationToken ct)
    {
        var region = (await directory.GetAsync(ct)).Find(code) ?? throw ProblemException.NotFound($"Region '{code}'");
        if (!access.Can(Permission.DecideTier, region.Path))
        {
            throw ProblemException.Forbidden($"Your roles do not allow '{Permission.DecideTier}' in region '{region.Code}'.");
        }

        return region;
    }
}
