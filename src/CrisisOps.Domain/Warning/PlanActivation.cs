using CrisisOps.Domain.Deadlines;
using Paths = CrisisOps.Domain.Regions.RegionPath;

namespace CrisisOps.Domain.Warning;

public enum PlanActivationStatus
{
    /// <summary>The tier is in force; its steps run on their deadlines.</summary>
    Active = 1,

    /// <summary>The tier fell below the plan's; steps still open were cancelled.</summary>
    Closed,
}

/// <summary>
/// A plan started in a region for a hazard because the tier rose to the plan's. Keeps the plan's
/// version, names and steps as they were, so a later edit of the plan does not rewrite what was
/// asked of people; each step runs as a <see cref="Deadline"/> whose subject is this activation.
/// </summary>
public sealed class PlanActivation
{
    /// <summary>The <see cref="DeadlineSubject.Type"/> of a plan step's deadline.</summary>
    public const string SubjectType = "plan-activation";

    private PlanActivation() { }

    private PlanActivation(Guid id, ResponsePlan plan, string regionPath, string hazard, string by, DateTimeOffset now)
    {
        var codes = Paths.Codes(regionPath);
        if (codes.Count == 0)
        {
            throw new DomainException("invalid-region", "A plan is activated in a region.");
        }

        Id = id;
        PlanId = plan.Id;
        PlanVersion = plan.Version;
        PlanNameZh = plan.NameZh;
        PlanNameEn = plan.NameEn;
        Steps = [.. plan.Steps];
        RegionCode = codes[^1];
        RegionPath = regionPath;
        Hazard = hazard;
        Tier = plan.Tier;
        ActivatedAt = now;
        ActivatedBy = by;
        Status = PlanActivationStatus.Active;
    }

    public Guid Id { get; private set; }

    public Guid PlanId { get; private set; }

    public int PlanVersion { get; private set; }

    public string PlanNameZh { get; private set; } = "";

    public string PlanNameEn { get; private set; } = "";

    /// <summary>The plan's steps at activation.</summary>
    public IReadOnlyList<PlanStep> Steps { get; private set; } = [];

    public string RegionCode { get; private set; } = "";

    public string RegionPath { get; private set; } = "";

    /// <summary>The hazard whose tier rose (never <see cref="PlanHazards.Any"/>, even when the plan is for any hazard).</summary>
    public string Hazard { get; private set; } = "";

    public WarningTier Tier { get; private set; }

    public DateTimeOffset ActivatedAt { get; private set; }

    /// <summary><c>system</c> when the model's tier rose; the person's name when someone escalated.</summary>
    public string ActivatedBy { get; private set; } = "";

    public PlanActivationStatus Status { get; private set; }

    public DateTimeOffset? ClosedAt { get; private set; }

    public string? ClosedBy { get; private set; }

    public string? ClosedReason { get; private set; }

    public int Version { get; private set; }

    /// <summary>Starts <paramref name="plan"/> in the region at <paramref name="regionPath"/> for <paramref name="hazard"/>.</summary>
    /// <exception cref="DomainException">invalid-region without a region; plan-hazard-mismatch when the plan is for another hazard.</exception>
    public static PlanActivation Start(Guid id, ResponsePlan plan, string regionPath, string hazard, string by, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.Hazard != PlanHazards.Any && plan.Hazard != hazard)
        {
            throw new DomainException("plan-hazard-mismatch", $"Plan for '{plan.Hazard}' cannot answer hazard '{hazard}'.");
        }

        return new PlanActivation(id, plan, regionPath, hazard, by, now);
    }

    /// <summary>One deadline per step, owed by the step's role at the activation's region, due its time after activation.</summary>
    public IReadOnlyList<Deadline> StartDeadlines(Func<Guid> newId, bool isExercise = false)
    {
        ArgumentNullException.ThrowIfNull(newId);
        var subject = new DeadlineSubject(SubjectType, Id, null, isExercise);
        return [.. Steps.Select(step => Deadline.Start(newId(), step.Policy, subject, RegionPath, ActivatedAt, step.Reference))];
    }

    public PlanStep? Step(string stepId) => Steps.FirstOrDefault(s => s.Id == stepId);

    /// <summary>Ends the activation: the tier fell below it (or it was superseded).</summary>
    /// <exception cref="DomainException">plan-activation-closed when already closed.</exception>
    public void Close(string reason, string by, DateTimeOffset now)
    {
        if (Status == PlanActivationStatus.Closed)
        {
            throw new DomainException("plan-activation-closed", "The plan activation is already closed.");
        }

        Status = PlanActivationStatus.Closed;
        ClosedAt = now;
        ClosedBy = by;
        ClosedReason = reason;
        Version++;
    }
}

/// <summary>How tier changes start and end plans: the policy in one place.</summary>
public static class PlanActivationRules
{
    /// <summary>
    /// The tiers whose plans a change from <paramref name="from"/> to <paramref name="to"/> starts,
    /// lowest first: every tier passed on the way up, not only the highest. A bureau still owes the
    /// information report and the special analysis when the water jumps straight to red — a sudden
    /// rise is when the level above most needs the report — so a jump starts what a climb would
    /// have started step by step. The same rule makes a later fall consistent: at any tier, the
    /// plans of that tier and every tier below it are active, so a fall closes only those above.
    /// </summary>
    public static IReadOnlyList<WarningTier> TiersStarted(WarningTier from, WarningTier to) =>
        to <= from ? [] : [.. Enumerable.Range((int)from + 1, (int)to - (int)from).Select(t => (WarningTier)t).Where(t => t > WarningTier.None)];

    /// <summary>An active plan ends when the tier in force falls below the plan's tier.</summary>
    public static bool EndsWhenTierIs(PlanActivation activation, WarningTier tier)
    {
        ArgumentNullException.ThrowIfNull(activation);
        return activation.Status == PlanActivationStatus.Active && activation.Tier > tier;
    }

    /// <summary>The reason journaled when a fall ends a plan.</summary>
    public static string FellTo(WarningTier tier) => "tier fell to " + tier.ToString().ToLowerInvariant();
}
