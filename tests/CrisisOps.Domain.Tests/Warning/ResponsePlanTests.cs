using CrisisOps.Domain.Access;
using CrisisOps.Domain.Deadlines;
using CrisisOps.Domain.Warning;

namespace CrisisOps.Domain.Tests.Warning;

public sealed class ResponsePlanTests
{
    private static readonly DateTimeOffset Now = new(2026, 7, 12, 8, 0, 0, TimeSpan.Zero);

    private static PlanStep Step(string id = "check", Role owner = Role.DutyOfficer, double withinMinutes = 30, double escalateMinutes = 60) =>
        new(id, "检查", "Check", owner, TimeSpan.FromMinutes(withinMinutes), "A note.", TimeSpan.FromMinutes(escalateMinutes));

    private static PlanDefinition Plan(string hazard = "flood", WarningTier tier = WarningTier.Warning, params PlanStep[] steps) =>
        new(hazard, tier, "洪水预案", "Flood plan", steps.Length == 0 ? [Step()] : steps);

    private static IEnumerable<string> Fields(PlanDefinition definition) => definition.Problems().Select(p => p.Field);

    [Fact]
    public void Problems_WhenPlanHoldsTogether_IsEmpty()
    {
        Assert.Empty(Plan().Problems());
        Assert.Empty(Plan(PlanHazards.Any, WarningTier.General, Step(withinMinutes: 0)).Problems());
        Assert.All(DefaultPlans.All, d => Assert.Empty(d.Problems()));
    }

    [Fact]
    public void Problems_WhenFieldsAreBad_NamesEachField()
    {
        Assert.Contains("hazard", Fields(Plan("Flood")));
        Assert.Contains("tier", Fields(Plan(tier: WarningTier.None)));
        Assert.Contains("steps", Fields(Plan() with { Steps = [] }));
        Assert.Contains("nameZh", Fields(Plan() with { NameZh = "", NameEn = " " }));
        Assert.Contains("nameEn", Fields(Plan() with { NameEn = new string('n', 201) }));
        Assert.Contains("steps[1].id", Fields(Plan(steps: [Step("a"), Step("a")])));
        Assert.Contains("steps[0].id", Fields(Plan(steps: [Step("Bad Id")])));
        Assert.Contains("steps[0].owner", Fields(Plan(steps: [Step(owner: Role.Reviewer)])));
        Assert.Contains("steps[0].owner", Fields(Plan(steps: [Step(owner: (Role)99)])));
        Assert.Contains("steps[0].withinMinutes", Fields(Plan(steps: [Step(withinMinutes: -1)])));
        Assert.Contains("steps[0].withinMinutes", Fields(Plan(steps: [Step(withinMinutes: 60 * 24 * 30 + 1)])));
        Assert.Contains("steps[0].escalateEveryMinutes", Fields(Plan(steps: [Step(escalateMinutes: 0)])));
        Assert.Contains("steps[0].escalateEveryMinutes", Fields(Plan(steps: [Step(escalateMinutes: 60 * 24 + 1)])));
        Assert.Contains("steps[0].expectedOutput", Fields(Plan(steps: [Step() with { ExpectedOutput = new string('x', 2001) }])));
        Assert.Contains("steps[0].titleZh", Fields(Plan(steps: [Step() with { TitleZh = "", TitleEn = "" }])));
        Assert.Contains("steps", Fields(Plan(steps: [.. Enumerable.Range(0, 51).Select(i => Step("s" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)))])));
    }

    [Fact]
    public void Constructor_WhenInvalid_ThrowsInvalidPlan()
    {
        Assert.Equal("invalid-plan", Assert.Throws<DomainException>(() => new ResponsePlan(Guid.NewGuid(), Plan(steps: [Step(withinMinutes: -5)]), "ana", Now)).Code);
    }

    [Fact]
    public void Revise_WhenValid_RaisesVersionAndKeepsHazardAndTier()
    {
        var plan = new ResponsePlan(Guid.NewGuid(), Plan(), "ana", Now);

        plan.Revise(Plan(steps: [Step("a"), Step("b")]), "cmd", Now.AddHours(1));

        Assert.Equal(2, plan.Version);
        Assert.Equal(["a", "b"], plan.Steps.Select(s => s.Id).ToArray());
        Assert.Equal(("cmd", Now.AddHours(1)), (plan.UpdatedBy, plan.UpdatedAt));
        Assert.Equal("plan-identity-fixed", Assert.Throws<DomainException>(() => plan.Revise(Plan(tier: WarningTier.Emergency), "cmd", Now)).Code);
        Assert.Equal("plan-identity-fixed", Assert.Throws<DomainException>(() => plan.Revise(Plan("landslide"), "cmd", Now)).Code);
        Assert.Equal(2, plan.Version);
    }

    [Fact]
    public void EnsureRetirable_WhenPlanForAnyHazard_Throws()
    {
        new ResponsePlan(Guid.NewGuid(), Plan(), "ana", Now).EnsureRetirable();
        var fallback = new ResponsePlan(Guid.NewGuid(), Plan(PlanHazards.Any), "ana", Now);
        Assert.Equal("default-plan-required", Assert.Throws<DomainException>(fallback.EnsureRetirable).Code);
    }

    [Fact]
    public void Choose_WhenHazardHasItsOwnPlan_PrefersItOverTheDefault()
    {
        var any = new ResponsePlan(Guid.NewGuid(), Plan(PlanHazards.Any), "s", Now);
        var flood = new ResponsePlan(Guid.NewGuid(), Plan("flood"), "s", Now);
        var general = new ResponsePlan(Guid.NewGuid(), Plan(PlanHazards.Any, WarningTier.General), "s", Now);

        Assert.Same(flood, PlanHazards.Choose([any, flood, general], "flood", WarningTier.Warning));
        Assert.Same(any, PlanHazards.Choose([any, flood, general], "landslide", WarningTier.Warning));
        Assert.Same(general, PlanHazards.Choose([any, flood, general], "flood", WarningTier.General));
        Assert.Null(PlanHazards.Choose([flood], "flood", WarningTier.Emergency));
    }

    [Fact]
    public void DefaultPlans_WhenRead_FollowTheMechanism()
    {
        var steps = DefaultPlans.All.ToDictionary(p => p.Tier, p => Assert.Single(p.Steps));

        Assert.Equal((Role.DutyOfficer, TimeSpan.FromHours(2)), (steps[WarningTier.General].Owner, steps[WarningTier.General].Within));
        Assert.Equal((Role.Analyst, TimeSpan.FromHours(4)), (steps[WarningTier.Attention].Owner, steps[WarningTier.Attention].Within));
        Assert.Equal((Role.Commander, TimeSpan.FromHours(12)), (steps[WarningTier.Warning].Owner, steps[WarningTier.Warning].Within));

        // "Immediately" is short but not zero: a zero deadline would be missed the moment it is set.
        Assert.Equal(Role.Commander, steps[WarningTier.Emergency].Owner);
        Assert.InRange(steps[WarningTier.Emergency].Within, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(30));
        Assert.All(DefaultPlans.All, p => Assert.Equal(PlanHazards.Any, p.Hazard));
    }
}

public sealed class PlanActivationTests
{
    private static readonly DateTimeOffset Now = new(2026, 7, 12, 8, 0, 0, TimeSpan.Zero);

    private static ResponsePlan Plan(string hazard = PlanHazards.Any, WarningTier tier = WarningTier.Emergency) => new(Guid.NewGuid(),
        new PlanDefinition(hazard, tier, "预案", "Plan",
        [
            new("respond", "响应", "Respond", Role.Commander, TimeSpan.FromMinutes(15), "HQ formed.", TimeSpan.FromMinutes(15)),
            new("report", "报送", "Report", Role.DutyOfficer, TimeSpan.Zero, "Sent.", TimeSpan.FromHours(1)),
        ]), "s", Now);

    [Fact]
    public void StartDeadlines_WhenActivated_GivesEachStepItsOwnDueTimeOwnerAndInterval()
    {
        var activation = PlanActivation.Start(Guid.NewGuid(), Plan(), "/P/C/X/", "flood", "system", Now);

        var deadlines = activation.StartDeadlines(Guid.NewGuid);

        Assert.Equal(2, deadlines.Count);
        var respond = deadlines[0];
        Assert.Equal((DeadlineKind.PlanStep, PlanActivation.SubjectType, activation.Id), (respond.Kind, respond.SubjectType, respond.SubjectId));
        Assert.Equal((Role.Commander, "X", Now.AddMinutes(15)), (respond.OwnerRole, respond.RegionCode, respond.DueAt));
        Assert.Equal(("respond", "Respond"), (respond.StepId, respond.TitleEn));

        // A step due at once is overdue at once; it still climbs only after its interval.
        var report = deadlines[1];
        Assert.True(report.IsOverdue(Now.AddTicks(1)));
        report.Fire(Now);
        Assert.Equal(Now.AddHours(1), report.NextCheckAt);

        respond.Fire(Now.AddMinutes(15));
        Assert.Equal("C", respond.RegionCode);
        Assert.Equal(Now.AddMinutes(30), respond.NextCheckAt);
    }

    [Fact]
    public void Start_WhenPlanIsForAnotherHazard_Throws()
    {
        Assert.Equal("plan-hazard-mismatch",
            Assert.Throws<DomainException>(() => PlanActivation.Start(Guid.NewGuid(), Plan("landslide"), "/P/", "flood", "system", Now)).Code);
    }

    [Fact]
    public void Close_WhenAlreadyClosed_Throws()
    {
        var activation = PlanActivation.Start(Guid.NewGuid(), Plan(), "/P/", "flood", "system", Now);
        activation.Close(PlanActivationRules.FellTo(WarningTier.Warning), "system", Now);

        Assert.Equal(("tier fell to warning", PlanActivationStatus.Closed), (activation.ClosedReason, activation.Status));
        Assert.Equal("plan-activation-closed", Assert.Throws<DomainException>(() => activation.Close("again", "system", Now)).Code);
    }

    [Theory]
    [InlineData(WarningTier.None, WarningTier.Emergency, new[] { WarningTier.General, WarningTier.Attention, WarningTier.Warning, WarningTier.Emergency })]
    [InlineData(WarningTier.Attention, WarningTier.Warning, new[] { WarningTier.Warning })]
    [InlineData(WarningTier.Warning, WarningTier.Attention, new WarningTier[0])]
    [InlineData(WarningTier.General, WarningTier.General, new WarningTier[0])]
    public void TiersStarted_WhenTierChanges_StartsEveryTierPassedOnTheWayUp(WarningTier from, WarningTier to, WarningTier[] expected)
    {
        Assert.Equal(expected, PlanActivationRules.TiersStarted(from, to));
    }

    [Fact]
    public void EndsWhenTierIs_WhenTierFallsBelowThePlans_IsTrue()
    {
        var activation = PlanActivation.Start(Guid.NewGuid(), Plan(tier: WarningTier.Warning), "/P/", "flood", "system", Now);

        Assert.False(PlanActivationRules.EndsWhenTierIs(activation, WarningTier.Warning));
        Assert.True(PlanActivationRules.EndsWhenTierIs(activation, WarningTier.Attention));
    }
}
