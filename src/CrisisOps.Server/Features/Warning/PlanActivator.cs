using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Deadlines;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Warning;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Warning;

/// <summary>
/// Tiers start plans (预案): when the tier in force rises, the plans of the tiers passed start in
/// that region with a deadline per step; when it falls, the plans above the new tier close and
/// their open steps are cancelled; other capabilities answer through <see cref="ITierChangeReaction"/>. Everything is added to the caller's unit of work, so the tier
/// change, the plans, the deadlines and their journal entries commit together or not at all.
/// </summary>
public sealed class PlanActivator(IEnumerable<ITierChangeReaction> reactions)
{
    /// <summary>Answers a change of the tier in force from <paramref name="from"/> to <paramref name="row"/>'s tier.</summary>
    /// <param name="actor"><c>system</c> for the model; the person's name for a decision.</param>
    public async Task OnTierChangedAsync(CrisisOpsDbContext db, RegionRisk row, WarningTier from, string actor, DateTimeOffset now,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(row);
        if (row.Tier == from)
        {
            return;
        }

        foreach (var reaction in reactions)
        {
            await reaction.OnTierChangedAsync(db, row, from, actor, now, ct);
        }

        var active = await ActiveAsync(db, row, ct);
        if (row.Tier < from)
        {
            await CloseAsync(db, active.Where(a => PlanActivationRules.EndsWhenTierIs(a, row.Tier)), PlanActivationRules.FellTo(row.Tier),
                actor, now, ct);
            return;
        }

        var tiers = PlanActivationRules.TiersStarted(from, row.Tier).Where(t => active.All(a => a.Tier != t)).ToList();
        if (tiers.Count == 0)
        {
            return;
        }

        var plans = await db.ResponsePlans.AsNoTracking()
            .Where(p => (p.Hazard == row.Hazard || p.Hazard == PlanHazards.Any) && tiers.Contains(p.Tier))
            .ToListAsync(ct);
        foreach (var tier in tiers)
        {
            // The plan for any hazard is seeded at start and cannot be retired, so a missing plan means
            // the seeding has not run yet; the tier still changes, only no plan starts.
            if (PlanHazards.Choose(plans, row.Hazard, tier) is { } plan)
            {
                Activate(db, plan, row, from, actor, now);
            }
        }
    }

    private static void Activate(CrisisOpsDbContext db, ResponsePlan plan, RegionRisk row, WarningTier from, string actor, DateTimeOffset now)
    {
        var activation = PlanActivation.Start(Guid.CreateVersion7(now), plan, row.RegionPath, row.Hazard, actor, now);
        var deadlines = activation.StartDeadlines(() => Guid.CreateVersion7(now));
        db.PlanActivations.Add(activation);
        db.Deadlines.AddRange(deadlines);

        // The owners learn of their steps from this entry on the live feed: who owes what, where, by when.
        db.Append(new JournalRecord(now, actor, JournalTypes.PlanActivated, row.RegionCode, row.RegionPath, null, new
        {
            activationId = activation.Id,
            planId = plan.Id,
            planVersion = plan.Version,
            planNameZh = plan.NameZh,
            planNameEn = plan.NameEn,
            hazard = row.Hazard,
            tier = activation.Tier,
            tierFrom = from,
            tierTo = row.Tier,
            steps = deadlines.Select(d => new
            {
                stepId = d.StepId,
                titleZh = d.TitleZh,
                titleEn = d.TitleEn,
                owner = d.OwnerRole.Name(),
                region = d.RegionCode,
                deadlineId = d.Id,
                d.DueAt,
            }),
        }));
    }

    /// <summary>Closes the given activations and cancels their open steps, journaling one <c>plan.closed</c> each.</summary>
    public static async Task CloseAsync(CrisisOpsDbContext db, IEnumerable<PlanActivation> activations, string reason, string actor,
        DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(activations);
        foreach (var activation in activations.ToList())
        {
            activation.Close(reason, actor, now);
            var cancelled = new List<Deadline>();
            foreach (var deadline in await OpenStepsAsync(db, activation.Id, ct))
            {
                deadline.Cancel(now);
                cancelled.Add(deadline);
            }

            db.Append(new JournalRecord(now, actor, JournalTypes.PlanClosed, activation.RegionCode, activation.RegionPath, null, new
            {
                activationId = activation.Id,
                planId = activation.PlanId,
                hazard = activation.Hazard,
                tier = activation.Tier,
                reason,
                cancelledSteps = cancelled.Select(d => new { stepId = d.StepId, deadlineId = d.Id }),
            }));
        }
    }

    /// <summary>
    /// Active plans of the row's region and hazard, including ones added earlier in this unit of work
    /// (an evaluation may change a row, then its ancestor, before it saves).
    /// </summary>
    private static async Task<List<PlanActivation>> ActiveAsync(CrisisOpsDbContext db, RegionRisk row, CancellationToken ct)
    {
        await db.PlanActivations
            .Where(a => a.RegionCode == row.RegionCode && a.Hazard == row.Hazard && a.Status == PlanActivationStatus.Active)
            .LoadAsync(ct);
        return [.. db.PlanActivations.Local
            .Where(a => a.RegionCode == row.RegionCode && a.Hazard == row.Hazard && a.Status == PlanActivationStatus.Active)];
    }

    private static async Task<List<Deadline>> OpenStepsAsync(CrisisOpsDbContext db, Guid activationId, CancellationToken ct)
    {
        await db.Deadlines
            .Where(d => d.SubjectId == activationId && d.SubjectType == PlanActivation.SubjectType && d.Status == DeadlineStatus.Open)
            .LoadAsync(ct);
        return [.. db.Deadlines.Local
            .Where(d => d.SubjectId == activationId && d.SubjectType == PlanActivation.SubjectType && d.Status == DeadlineStatus.Open)];
    }
}
