using System.Globalization;
using System.Text.RegularExpressions;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Deadlines;

namespace CrisisOps.Domain.Warning;

/// <summary>
/// One step of a response plan: what is to be done (<see cref="TitleZh"/>, <see cref="TitleEn"/>), by
/// which role (<see cref="Owner"/>), how soon after the plan is activated (<see cref="Within"/>: zero
/// means "at once" and is overdue the moment it starts), what it should produce, and how long each
/// holder of a missed step has before it climbs one level further (<see cref="EscalateEvery"/>).
/// </summary>
public sealed record PlanStep(
    string Id,
    string TitleZh,
    string TitleEn,
    Role Owner,
    TimeSpan Within,
    string ExpectedOutput,
    TimeSpan EscalateEvery)
{
    public static readonly TimeSpan DefaultEscalateEvery = TimeSpan.FromHours(1);

    /// <summary>The step as a duty on the one deadline mechanism.</summary>
    public DeadlinePolicy Policy => new(DeadlineKind.PlanStep, Within, EscalateEvery, Owner);

    public DeadlineStep Reference => new(Id, TitleZh, TitleEn);
}

/// <summary>What is wrong with one field of a plan, for the person editing it.</summary>
public sealed record PlanProblem(string Field, string Message);

/// <summary>
/// What an edit says a plan (预案) is: for which hazard (<see cref="PlanHazards.Any"/> for every
/// hazard without a plan of its own) and tier, its names and its steps.
/// </summary>
public sealed partial record PlanDefinition(string Hazard, WarningTier Tier, string NameZh, string NameEn, IReadOnlyList<PlanStep> Steps)
{
    public const int MaxSteps = 50;
    public const int MaxNameLength = 200;
    public const int MaxTitleLength = 200;
    public const int MaxExpectedOutputLength = 2000;

    /// <summary>A plan is something to do within days; a limit beyond 30 days is a typing error.</summary>
    public static readonly TimeSpan MaxWithin = TimeSpan.FromDays(30);

    public static readonly TimeSpan MinEscalateEvery = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MaxEscalateEvery = TimeSpan.FromHours(24);

    /// <summary>
    /// Everything wrong with the definition, each with the field it concerns (<c>steps[2].owner</c>);
    /// empty when it holds together.
    /// </summary>
    public IReadOnlyList<PlanProblem> Problems()
    {
        var problems = new List<PlanProblem>();
        bool Check(bool ok, string field, string message)
        {
            if (!ok)
            {
                problems.Add(new PlanProblem(field, message));
            }

            return ok;
        }

        Check(PlanHazards.IsValid(Hazard), "hazard", "'*' (any hazard) or 1–40 characters from a–z, 0–9, '-'.");
        Check(Tier is WarningTier.General or WarningTier.Attention or WarningTier.Warning or WarningTier.Emergency, "tier",
            "One of general, attention, warning, emergency.");
        Check(!string.IsNullOrWhiteSpace(NameZh) || !string.IsNullOrWhiteSpace(NameEn), "nameZh", "A plan needs a name (nameZh or nameEn).");
        Check((NameZh?.Length ?? 0) <= MaxNameLength, "nameZh", $"At most {MaxNameLength} characters.");
        Check((NameEn?.Length ?? 0) <= MaxNameLength, "nameEn", $"At most {MaxNameLength} characters.");
        if (Steps is null || Steps.Count == 0)
        {
            problems.Add(new PlanProblem("steps", "A plan needs at least one step."));
            return problems;
        }

        Check(Steps.Count <= MaxSteps, "steps", $"At most {MaxSteps} steps.");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Steps.Count && i < MaxSteps; i++)
        {
            var step = Steps[i];
            var at = string.Create(CultureInfo.InvariantCulture, $"steps[{i}]");
            if (step is null)
            {
                problems.Add(new PlanProblem(at, "A step is required."));
                continue;
            }

            if (Check(StepIdPattern().IsMatch(step.Id ?? ""), at + ".id", "1–40 characters from a–z, 0–9, '-', starting with a letter or digit."))
            {
                Check(seen.Add(step.Id!), at + ".id", $"Step id '{step.Id}' is used twice.");
            }

            Check(!string.IsNullOrWhiteSpace(step.TitleZh) || !string.IsNullOrWhiteSpace(step.TitleEn), at + ".titleZh",
                "A step needs a title (titleZh or titleEn).");
            Check((step.TitleZh?.Length ?? 0) <= MaxTitleLength, at + ".titleZh", $"At most {MaxTitleLength} characters.");
            Check((step.TitleEn?.Length ?? 0) <= MaxTitleLength, at + ".titleEn", $"At most {MaxTitleLength} characters.");
            Check((step.ExpectedOutput?.Length ?? 0) <= MaxExpectedOutputLength, at + ".expectedOutput",
                $"At most {MaxExpectedOutputLength} characters.");

            // A step must be owed by someone who can say it is done; a reviewer or a partner cannot.
            Check(Enum.IsDefined(step.Owner) && step.Owner.Grants(Permission.CompletePlanSteps), at + ".owner",
                "One of: " + string.Join(", ", PlanHazards.OwnerRoles.Select(r => r.Name())) + ".");
            Check(step.Within >= TimeSpan.Zero && step.Within <= MaxWithin, at + ".withinMinutes",
                $"From 0 (at once) to {(int)MaxWithin.TotalMinutes} minutes ({MaxWithin.TotalDays} days).");
            Check(step.EscalateEvery >= MinEscalateEvery && step.EscalateEvery <= MaxEscalateEvery, at + ".escalateEveryMinutes",
                $"From {(int)MinEscalateEvery.TotalMinutes} to {(int)MaxEscalateEvery.TotalMinutes} minutes.");
        }

        return problems;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,39}$", RegexOptions.CultureInvariant)]
    private static partial Regex StepIdPattern();
}

/// <summary>Which hazard a plan is for, and which plan answers a tier.</summary>
public static partial class PlanHazards
{
    /// <summary>The plan for every hazard that has none of its own.</summary>
    public const string Any = "*";

    /// <summary>Roles that may owe a step: those that can mark it done.</summary>
    public static IReadOnlyList<Role> OwnerRoles { get; } = [.. Enum.GetValues<Role>().Where(r => r.Grants(Permission.CompletePlanSteps))];

    public static bool IsValid(string? hazard) => hazard == Any || (hazard is not null && HazardPattern().IsMatch(hazard));

    /// <summary>
    /// The plan that answers <paramref name="tier"/> for <paramref name="hazard"/>: the hazard's own plan
    /// if it has one, else the plan for any hazard; null when neither exists.
    /// </summary>
    public static ResponsePlan? Choose(IEnumerable<ResponsePlan> plans, string hazard, WarningTier tier)
    {
        ArgumentNullException.ThrowIfNull(plans);
        var candidates = plans.Where(p => p.Tier == tier).ToList();
        return candidates.FirstOrDefault(p => p.Hazard == hazard) ?? candidates.FirstOrDefault(p => p.Hazard == Any);
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,39}$", RegexOptions.CultureInvariant)]
    private static partial Regex HazardPattern();
}

/// <summary>
/// A response plan (预案): the steps a warning tier starts, for one hazard or for any. Plans are
/// data, edited over the API; every edit raises <see cref="Version"/>, and an activation records
/// the version it ran.
/// </summary>
public sealed class ResponsePlan
{
    private ResponsePlan() { }

    /// <exception cref="DomainException">invalid-plan when the definition does not hold together.</exception>
    public ResponsePlan(Guid id, PlanDefinition definition, string by, DateTimeOffset now, bool isBuiltIn = false)
    {
        ArgumentNullException.ThrowIfNull(definition);
        Ensure(definition);
        Id = id;
        Hazard = definition.Hazard;
        Tier = definition.Tier;
        Apply(definition);
        Version = 1;
        IsBuiltIn = isBuiltIn;
        CreatedAt = now;
        UpdatedAt = now;
        UpdatedBy = by;
    }

    public Guid Id { get; private set; }

    /// <summary>The hazard (e.g. <c>flood</c>) or <see cref="PlanHazards.Any"/>.</summary>
    public string Hazard { get; private set; } = "";

    public WarningTier Tier { get; private set; }

    public string NameZh { get; private set; } = "";

    public string NameEn { get; private set; } = "";

    public IReadOnlyList<PlanStep> Steps { get; private set; } = [];

    /// <summary>1 when created; one more with every edit. Also the concurrency token.</summary>
    public int Version { get; private set; }

    /// <summary>Seeded from the mechanism's defaults (MISSION §1) rather than written by someone.</summary>
    public bool IsBuiltIn { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public string UpdatedBy { get; private set; } = "";

    public PlanDefinition Definition => new(Hazard, Tier, NameZh, NameEn, Steps);

    /// <summary>Replaces the names and steps; hazard and tier are what the plan is, and stay.</summary>
    /// <exception cref="DomainException">invalid-plan; plan-identity-fixed when the hazard or tier differs.</exception>
    public void Revise(PlanDefinition definition, string by, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(definition);
        Ensure(definition);
        if (definition.Hazard != Hazard || definition.Tier != Tier)
        {
            throw new DomainException("plan-identity-fixed",
                "A plan's hazard and tier cannot change; create a plan for the other hazard or tier instead.");
        }

        Apply(definition);
        Version++;
        UpdatedAt = now;
        UpdatedBy = by;
    }

    /// <summary>
    /// Checks that the plan may be retired. The plan for any hazard is the floor every tier stands on
    /// (each tier must start a plan, MISSION §1), so it can be edited but never retired.
    /// </summary>
    /// <exception cref="DomainException">default-plan-required for the plan of any hazard.</exception>
    public void EnsureRetirable()
    {
        if (Hazard == PlanHazards.Any)
        {
            throw new DomainException("default-plan-required",
                "The plan for any hazard ('*') is what every tier falls back on: edit it instead of retiring it.");
        }
    }

    private void Apply(PlanDefinition definition)
    {
        NameZh = definition.NameZh ?? "";
        NameEn = definition.NameEn ?? "";
        Steps = [.. definition.Steps];
    }

    private static void Ensure(PlanDefinition definition)
    {
        var problems = definition.Problems();
        if (problems.Count > 0)
        {
            throw new DomainException("invalid-plan", string.Join(" ", problems.Select(p => $"{p.Field}: {p.Message}")));
        }
    }
}

/// <summary>
/// The plans the mechanism gives each tier (MISSION §1) until someone writes better ones: one step
/// each, for any hazard.
/// </summary>
public static class DefaultPlans
{
    /// <summary>
    /// "Immediately" as a deadline. A deadline of zero is due the instant it is set, so it would be
    /// missed, journaled and escalated at once, before anyone could have acted; a quarter of an hour
    /// is "at once" for people and still a deadline that can be met.
    /// </summary>
    public static readonly TimeSpan Immediately = TimeSpan.FromMinutes(15);

    public static IReadOnlyList<PlanDefinition> All { get; } =
    [
        new(PlanHazards.Any, WarningTier.General, "一般（蓝色）风险响应预案", "General (blue) response plan",
        [
            new("information-report", "信息报送", "Information report", Role.DutyOfficer, TimeSpan.FromHours(2),
                "向上一级报送风险信息：时间、地点、影响范围、已采取措施。 / Report to the level above: what, where, who is affected, what has been done.",
                PlanStep.DefaultEscalateEvery),
        ]),
        new(PlanHazards.Any, WarningTier.Attention, "关注（黄色）风险响应预案", "Attention (yellow) response plan",
        [
            new("special-analysis", "专项研判", "Special analysis", Role.Analyst, TimeSpan.FromHours(4),
                "专项研判意见：趋势、可能影响、建议措施。 / Analysis: trend, likely impact, recommended measures.",
                PlanStep.DefaultEscalateEvery),
        ]),
        new(PlanHazards.Any, WarningTier.Warning, "预警（橙色）风险响应预案", "Warning (orange) response plan",
        [
            new("emergency-preparation", "应急准备", "Emergency preparation", Role.Commander, TimeSpan.FromHours(12),
                "队伍、物资、避难场所就位，转移名单确认。 / Teams, supplies and shelters ready; evacuation lists confirmed.",
                PlanStep.DefaultEscalateEvery),
        ]),

        // The most urgent step climbs every quarter of an hour rather than every hour: at the red
        // tier an hour without an answer is too long for the level above not to know.
        new(PlanHazards.Any, WarningTier.Emergency, "紧急（红色）风险响应预案", "Emergency (red) response plan",
        [
            new("full-response", "全员响应", "Full response", Role.Commander, Immediately,
                "全员到岗，指挥部成立，响应启动。 / All staff on duty, headquarters formed, response under way.",
                Immediately),
        ]),
    ];
}
