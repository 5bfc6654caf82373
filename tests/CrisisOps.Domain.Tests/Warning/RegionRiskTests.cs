using CrisisOps.Domain.Warning;

namespace CrisisOps.Domain.Tests.Warning;

public sealed class RegionRiskTests
{
    private static readonly DateTimeOffset Now = new(2026, 7, 12, 8, 0, 0, TimeSpan.Zero);

    private static RegionRisk At(WarningTier tier)
    {
        var row = new RegionRisk("X", "/P/X/", "flood", Now);
        row.Assess(tier, (double)tier + 0.2, false, "[]", Now);
        return row;
    }

    [Fact]
    public void OverrideWith_WhenReasonGiven_PutsTheTierInForceAndTheModelKeepsItsOwn()
    {
        var row = At(WarningTier.Attention);

        var outcome = row.OverrideWith(WarningTier.Warning, "Levee seeping.", "cmd", Now.AddMinutes(5));

        Assert.Equal((WarningTier.Attention, WarningTier.Warning), (outcome.From, outcome.To));
        Assert.Equal((WarningTier.Warning, WarningTier.Attention), (row.Tier, row.ModelTier));
        Assert.Equal(new TierOverride(WarningTier.Warning, "Levee seeping.", "cmd", Now.AddMinutes(5)), row.Override);
        Assert.Equal(Now.AddMinutes(5), row.TierSince);
    }

    [Theory]
    [InlineData(null, "reason-required")]
    [InlineData("  ", "reason-required")]
    public void OverrideWith_WithoutReason_Throws(string? reason, string code)
    {
        var row = At(WarningTier.Attention);
        Assert.Equal(code, Assert.Throws<DomainException>(() => row.OverrideWith(WarningTier.Warning, reason!, "cmd", Now)).Code);
        Assert.Equal(code, Assert.Throws<DomainException>(() => row.Escalate(WarningTier.Warning, reason!, "cmd", Now)).Code);
        Assert.Null(row.Override);
    }

    [Fact]
    public void OverrideWith_WhenReasonTooLong_Throws()
    {
        Assert.Equal("reason-too-long",
            Assert.Throws<DomainException>(() => At(WarningTier.General).OverrideWith(WarningTier.Warning, new string('r', 1001), "cmd", Now)).Code);
    }

    [Fact]
    public void Assess_WhenModelStaysOrFallsUnderAnOverride_KeepsTheOverride()
    {
        var row = At(WarningTier.Attention);
        row.OverrideWith(WarningTier.Warning, "why", "cmd", Now);

        Assert.False(row.Assess(WarningTier.Attention, 2.5, false, "[]", Now.AddHours(1)).Changed);
        Assert.False(row.Assess(WarningTier.General, 1.1, false, "[]", Now.AddHours(2)).Changed);
        Assert.False(row.Assess(WarningTier.Warning, 3.1, false, "[]", Now.AddHours(3)).Changed); // a rise, but not past it

        Assert.Equal((WarningTier.Warning, WarningTier.Warning), (row.Tier, row.ModelTier));
        Assert.NotNull(row.Override);
    }

    [Fact]
    public void Assess_WhenModelRisesPastTheOverride_TakesEffectAndEndsTheOverride()
    {
        var row = At(WarningTier.Attention);
        row.OverrideWith(WarningTier.Warning, "why", "cmd", Now);

        var outcome = row.Assess(WarningTier.Emergency, 4, false, "[]", Now.AddHours(1));

        Assert.Equal((WarningTier.Warning, WarningTier.Emergency), (outcome.From, outcome.To));
        Assert.Equal("cmd", outcome.Lapsed?.By);
        Assert.Null(row.Override);
    }

    [Fact]
    public void Assess_WhenOverrideIsBelowTheModel_HoldsUntilTheModelRisesAgain()
    {
        var row = At(WarningTier.Warning);
        row.OverrideWith(WarningTier.General, "Gauge fouled.", "duty", Now);

        Assert.False(row.Assess(WarningTier.Warning, 3.2, false, "[]", Now.AddHours(1)).Changed);
        Assert.Equal(WarningTier.General, row.Tier);
        Assert.False(row.Assess(WarningTier.Attention, 2.2, false, "[]", Now.AddHours(2)).Changed);

        var outcome = row.Assess(WarningTier.Warning, 3.1, false, "[]", Now.AddHours(3));
        Assert.Equal((WarningTier.General, WarningTier.Warning), (outcome.From, outcome.To));
        Assert.NotNull(outcome.Lapsed);
    }

    [Fact]
    public void Escalate_WhenNotAboveTheTierInForce_Throws()
    {
        var row = At(WarningTier.Warning);
        Assert.Equal("not-an-escalation", Assert.Throws<DomainException>(() => row.Escalate(WarningTier.Warning, "why", "cmd", Now)).Code);
        Assert.Equal(WarningTier.Emergency, row.Escalate(WarningTier.Emergency, "why", "cmd", Now).To);
    }

    [Fact]
    public void ClearOverride_WhenHeld_HandsTheTierBackToTheModel()
    {
        var row = At(WarningTier.Attention);
        Assert.Equal("no-override", Assert.Throws<DomainException>(() => row.ClearOverride(Now)).Code);
        row.OverrideWith(WarningTier.Emergency, "why", "cmd", Now);

        var outcome = row.ClearOverride(Now.AddHours(1));

        Assert.Equal((WarningTier.Emergency, WarningTier.Attention), (outcome.From, outcome.To));
        Assert.Null(row.Override);
    }

    [Fact]
    public void Confirm_WhenTierChangesLater_IsForgotten()
    {
        Assert.Equal("nothing-to-confirm", Assert.Throws<DomainException>(() => At(WarningTier.None).Confirm("duty", Now)).Code);
        var row = At(WarningTier.Attention);

        row.Confirm("duty", Now);
        Assert.Equal(("duty", (DateTimeOffset?)Now), (row.ConfirmedBy, row.ConfirmedAt));
        row.Assess(WarningTier.Attention, 2.4, false, "[]", Now.AddHours(1));
        Assert.Equal("duty", row.ConfirmedBy);

        row.Assess(WarningTier.Warning, 3.4, false, "[]", Now.AddHours(2));
        Assert.Null(row.ConfirmedBy);
    }
}
