namespace CrisisOps.Domain.Warning;

/// <summary>A person's decision to put a tier in force over the model's: what, why, who, when.</summary>
public sealed record TierOverride(WarningTier Tier, string Reason, string By, DateTimeOffset At);

/// <summary>The tier in force before and after a change, and an override that a rise of the model ended.</summary>
public sealed record TierOutcome(WarningTier From, WarningTier To, TierOverride? Lapsed = null)
{
    public bool Changed => From != To;
}

/// <summary>
/// The current tier of one hazard in one region, with the score and the explanation that made it.
/// A region without stations of its own takes the worst tier of its children (aggregation up the
/// tree); <see cref="IsAggregate"/> says which.
/// <para>
/// Two tiers are kept: <see cref="ModelTier"/>, what the risk model says, and <see cref="Tier"/>,
/// the tier in force. They differ only while a person's override holds (<see cref="Override"/>).
/// The tier in force is what the map shows, what is carried up the tree and what starts plans.
/// </para>
/// </summary>
public sealed class RegionRisk
{
    public const int MaxReasonLength = 1000;

    private RegionRisk() { }

    public RegionRisk(string regionCode, string regionPath, string hazard, DateTimeOffset now)
    {
        RegionCode = regionCode;
        RegionPath = regionPath;
        Hazard = hazard;
        UpdatedAt = now;
    }

    public string RegionCode { get; private set; } = "";

    public string RegionPath { get; private set; } = "";

    public string Hazard { get; private set; } = "";

    /// <summary>The tier in force: the model's, unless an override holds.</summary>
    public WarningTier Tier { get; private set; }

    /// <summary>The model's own tier (after hysteresis), whatever is in force; hysteresis works from this.</summary>
    public WarningTier ModelTier { get; private set; }

    public double Score { get; private set; }

    public bool IsAggregate { get; private set; }

    /// <summary>JSON array of the rule contributions (or child tiers) behind the tier.</summary>
    public string Explanation { get; private set; } = "[]";

    public DateTimeOffset UpdatedAt { get; private set; }

    public DateTimeOffset? TierSince { get; private set; }

    public WarningTier? OverrideTier { get; private set; }

    public string? OverrideReason { get; private set; }

    public string? OverriddenBy { get; private set; }

    public DateTimeOffset? OverriddenAt { get; private set; }

    /// <summary>Who confirmed the tier in force; cleared whenever that tier changes.</summary>
    public string? ConfirmedBy { get; private set; }

    public DateTimeOffset? ConfirmedAt { get; private set; }

    public int Version { get; private set; }

    public TierOverride? Override => OverrideTier is { } tier ? new TierOverride(tier, OverrideReason ?? "", OverriddenBy ?? "", OverriddenAt!.Value) : null;

    /// <summary>
    /// Records the model's assessment. The tier in force follows it unless an override holds; an
    /// override holds until it is cleared or the model's tier rises past it. A rise past the override
    /// always takes effect: the override was a judgement on the facts of its moment, and the model
    /// climbing above it means new facts — worse ones. Letting a person's earlier call silence a
    /// worsening hazard would keep the higher tier's plan from starting when it matters most; a
    /// person who still disagrees can override again, with a reason, on the journal.
    /// </summary>
    public TierOutcome Assess(WarningTier tier, double score, bool isAggregate, string explanation, DateTimeOffset now)
    {
        var from = Tier;
        TierOverride? lapsed = null;
        var modelRose = tier > ModelTier;
        ModelTier = tier;
        Score = score;
        IsAggregate = isAggregate;
        Explanation = explanation;
        UpdatedAt = now;
        if (Override is { } held && modelRose && tier > held.Tier)
        {
            lapsed = held;
            ClearOverrideFields();
        }

        SetTierInForce(OverrideTier ?? tier, now);
        Version++;
        return new TierOutcome(from, Tier, lapsed);
    }

    /// <summary>
    /// Puts <paramref name="tier"/> in force over the model's, higher or lower, until cleared or until
    /// the model rises past it (see <see cref="Assess"/>).
    /// </summary>
    /// <exception cref="DomainException">reason-required, reason-too-long; invalid-tier for a tier that does not exist.</exception>
    public TierOutcome OverrideWith(WarningTier tier, string reason, string by, DateTimeOffset now)
    {
        EnsureTier(tier);
        EnsureReason(reason);
        var from = Tier;
        OverrideTier = tier;
        OverrideReason = reason.Trim();
        OverriddenBy = by;
        OverriddenAt = now;
        SetTierInForce(tier, now);
        Version++;
        return new TierOutcome(from, Tier);
    }

    /// <summary>An override upwards: the person sees more danger than the model does.</summary>
    /// <exception cref="DomainException">not-an-escalation when <paramref name="tier"/> is not above the tier in force; as <see cref="OverrideWith"/>.</exception>
    public TierOutcome Escalate(WarningTier tier, string reason, string by, DateTimeOffset now)
    {
        EnsureTier(tier);
        if (tier <= Tier)
        {
            throw new DomainException("not-an-escalation",
                $"Escalating needs a tier above the one in force ({Tier.ToString().ToLowerInvariant()}).");
        }

        return OverrideWith(tier, reason, by, now);
    }

    /// <summary>Hands the tier back to the model.</summary>
    /// <exception cref="DomainException">no-override when none holds.</exception>
    public TierOutcome ClearOverride(DateTimeOffset now)
    {
        if (OverrideTier is null)
        {
            throw new DomainException("no-override", "No override holds for this region and hazard.");
        }

        var from = Tier;
        ClearOverrideFields();
        SetTierInForce(ModelTier, now);
        Version++;
        return new TierOutcome(from, Tier);
    }

    /// <summary>A person confirms the tier in force: they have looked and agree.</summary>
    /// <exception cref="DomainException">nothing-to-confirm when no tier is in force.</exception>
    public void Confirm(string by, DateTimeOffset now)
    {
        if (Tier == WarningTier.None)
        {
            throw new DomainException("nothing-to-confirm", "No tier is in force here to confirm.");
        }

        ConfirmedBy = by;
        ConfirmedAt = now;
        Version++;
    }

    private void SetTierInForce(WarningTier tier, DateTimeOffset now)
    {
        if (tier == Tier)
        {
            return;
        }

        Tier = tier;
        TierSince = now;

        // A confirmation is of a tier; a different tier has not been confirmed by anyone.
        ConfirmedBy = null;
        ConfirmedAt = null;
    }

    private void ClearOverrideFields()
    {
        OverrideTier = null;
        OverrideReason = null;
        OverriddenBy = null;
        OverriddenAt = null;
    }

    private static void EnsureTier(WarningTier tier)
    {
        if (!Enum.IsDefined(tier))
        {
            throw new DomainException("invalid-tier", "One of none, general, attention, warning, emergency.");
        }
    }

    private static void EnsureReason(string? reason)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new DomainException("reason-required", "An override needs a reason.");
        }

        if (reason.Length > MaxReasonLength)
        {
            throw new DomainException("reason-too-long", $"A reason has at most {MaxReasonLength} characters.");
        }
    }
}
