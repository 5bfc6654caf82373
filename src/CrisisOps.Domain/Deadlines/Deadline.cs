using CrisisOps.Domain.Access;
using Paths = CrisisOps.Domain.Regions.RegionPath;

namespace CrisisOps.Domain.Deadlines;

/// <summary>The time rules of the mission. Each kind has one <see cref="DeadlinePolicy"/>.</summary>
public enum DeadlineKind
{
    /// <summary>首报负责制: the region where it happened files the first report within 1 hour.</summary>
    FirstReport = 1,

    /// <summary>A step of a response plan (预案) started by a warning tier: its own time, owner and escalation interval.</summary>
    PlanStep = 2,

    /// <summary>Form the headquarters (指挥部) of an incident within 1 hour of its report (the rainstorm case).</summary>
    HeadquartersFormation = 3,

    /// <summary>A unit acknowledges an order in time, or the order escalates to the headquarters' commander.</summary>
    OrderAcknowledgement = 4,

    /// <summary>An order is done by the time it names, or it escalates to whoever issued it.</summary>
    OrderCompletion = 5,

    /// <summary>A claim on a need is delivered by the time promised, or it expires and its quantity returns to the board.</summary>
    ClaimDelivery = 6,

    /// <summary>黄金4小时: the first public release within 4 hours, then each update at the cadence the headquarters sets.</summary>
    ReleaseDue = 7,

    /// <summary>A hotline ticket answered within its service level.</summary>
    HotlineTicket = 8,

    /// <summary>A resident not reached on any channel within the time limit escalates to the next channel (e.g. SMS → door-to-door).</summary>
    DeliveryEscalation = 9,

    /// <summary>每一个关切都有回应: a hot topic is linked to a public answer in time, or it escalates up the region tree.</summary>
    TopicAnswer = 10,
}

public enum DeadlineStatus
{
    Open = 1,
    Met,
    Cancelled,
}

/// <summary>
/// How long a duty may take, who owes it, and how often a missed one climbs the region tree.
/// <see cref="Within"/> may be zero (due the moment it starts, so overdue at once); <see cref="EscalateEvery"/>
/// must be positive, or a missed duty would climb the whole tree in one instant.
/// </summary>
/// <remarks>
/// Not every duty climbs the region tree: an unacknowledged order goes to its headquarters' commander and
/// an overdue one to its issuer, and a claim simply expires. Those set <see cref="ClimbsRegionTree"/> to
/// false; what their miss means is done by the capability's miss handler, in the same transaction.
/// </remarks>
public sealed record DeadlinePolicy(DeadlineKind Kind, TimeSpan Within, TimeSpan EscalateEvery, Role OwnerRole)
{
    public bool ClimbsRegionTree { get; init; } = true;
}

/// <summary>Which step of which plan a deadline stands for, with its title in both languages.</summary>
public sealed record DeadlineStep(string StepId, string TitleZh, string TitleEn);

public static class DeadlinePolicies
{
    /// <summary>First report (初报) within 1 hour, owed by the duty officers of the incident's region; a miss climbs one level every hour.</summary>
    public static DeadlinePolicy FirstReport { get; } =
        new(DeadlineKind.FirstReport, TimeSpan.FromHours(1), TimeSpan.FromHours(1), Role.DutyOfficer);

    /// <summary>Headquarters formed within 1 hour of the incident's report, owed by the commanders of its region; a miss climbs hourly.</summary>
    public static DeadlinePolicy HeadquartersFormation { get; } =
        new(DeadlineKind.HeadquartersFormation, TimeSpan.FromHours(1), TimeSpan.FromHours(1), Role.Commander);

    /// <summary>An order acknowledged within <paramref name="within"/> by the unit (owner role as the unit's kind says).</summary>
    public static DeadlinePolicy OrderAcknowledgement(TimeSpan within, Role owner) =>
        new(DeadlineKind.OrderAcknowledgement, within, TimeSpan.FromHours(1), owner) { ClimbsRegionTree = false };

    /// <summary>An order done within <paramref name="within"/>; a miss goes to the issuer, not up the tree.</summary>
    public static DeadlinePolicy OrderCompletion(TimeSpan within, Role owner) =>
        new(DeadlineKind.OrderCompletion, within, TimeSpan.FromHours(1), owner) { ClimbsRegionTree = false };

    /// <summary>A claim delivered within <paramref name="within"/>; a miss expires it.</summary>
    public static DeadlinePolicy ClaimDelivery(TimeSpan within) =>
        new(DeadlineKind.ClaimDelivery, within, TimeSpan.FromHours(1), Role.PartnerMember) { ClimbsRegionTree = false };

    /// <summary>
    /// 黄金4小时: a public release within <paramref name="within"/> (4 h for the first, the cadence for updates), owed by the
    /// information officers of the incident's region; a miss climbs the region tree every hour like the first report.
    /// </summary>
    public static DeadlinePolicy ReleaseDue(TimeSpan within) =>
        new(DeadlineKind.ReleaseDue, within, TimeSpan.FromHours(1), Role.InformationOfficer);

    /// <summary>A hotline ticket answered within <paramref name="within"/> (by urgency); a miss climbs the region tree every hour.</summary>
    public static DeadlinePolicy HotlineTicket(TimeSpan within) =>
        new(DeadlineKind.HotlineTicket, within, TimeSpan.FromHours(1), Role.HotlineOperator);

    /// <summary>Delivery of an alert: whoever is not reached within <paramref name="within"/> gets the next channel (handled by delivery, not the tree).</summary>
    public static DeadlinePolicy DeliveryEscalation(TimeSpan within) =>
        new(DeadlineKind.DeliveryEscalation, within, TimeSpan.FromHours(1), Role.DutyOfficer) { ClimbsRegionTree = false };

    /// <summary>A hot topic answered within <paramref name="within"/> by the information officers of its region; a miss climbs hourly.</summary>
    public static DeadlinePolicy TopicAnswer(TimeSpan within) =>
        new(DeadlineKind.TopicAnswer, within, TimeSpan.FromHours(1), Role.InformationOfficer);

    public static DeadlinePolicy For(DeadlineKind kind) => kind switch
    {
        DeadlineKind.FirstReport => FirstReport,
        DeadlineKind.HeadquartersFormation => HeadquartersFormation,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "No policy for this deadline kind."),
    };
}

/// <summary>What firing a due deadline did.</summary>
/// <param name="FirstMiss">True the first time the deadline passes unmet.</param>
/// <param name="EscalatedFrom">Owner region before, when it escalated.</param>
/// <param name="EscalatedTo">Owner region after, when it escalated; null when the chain is exhausted.</param>
public sealed record DeadlineFiring(bool FirstMiss, string? EscalatedFrom, string? EscalatedTo);

/// <summary>
/// A durable timer: a duty on a subject, due at a time, owed by a role at a region, with an
/// escalation chain (the region's ancestors, nearest first). The background runner fires due
/// deadlines; <see cref="Version"/> is the concurrency token that lets exactly one replica claim
/// each firing.
/// </summary>
public sealed class Deadline
{
    private Deadline() { }

    private Deadline(Guid id, DeadlinePolicy policy, DeadlineSubject subject, string ownerPath, DateTimeOffset now, DeadlineStep? step)
    {
        var codes = Paths.Codes(ownerPath);
        if (codes.Count == 0)
        {
            throw new DomainException("invalid-region", "A deadline is owed by a region.");
        }

        if (policy.Within < TimeSpan.Zero || policy.EscalateEvery <= TimeSpan.Zero)
        {
            throw new DomainException("invalid-deadline", "A deadline needs a time limit of zero or more and a positive escalation interval.");
        }

        Id = id;
        Kind = policy.Kind;
        SubjectType = subject.Type;
        SubjectId = subject.Id;
        IncidentId = subject.IncidentId;
        IsExercise = subject.IsExercise;
        OwnerRole = policy.OwnerRole;
        OriginRegionCode = codes[^1];
        OriginRegionPath = ownerPath;
        RegionCode = codes[^1];
        RegionPath = ownerPath;

        // Ancestors nearest first: the parent's duty officers, then the grandparent's, …
        EscalationChain = policy.ClimbsRegionTree
            ? [.. Enumerable.Range(1, codes.Count - 1).Select(n => Paths.Of(codes.Take(codes.Count - n)))]
            : [];
        EscalateEvery = policy.EscalateEvery;
        StepId = step?.StepId;
        TitleZh = step?.TitleZh;
        TitleEn = step?.TitleEn;
        CreatedAt = now;
        DueAt = now + policy.Within;
        NextCheckAt = DueAt;
        Status = DeadlineStatus.Open;
    }

    public Guid Id { get; private set; }

    public DeadlineKind Kind { get; private set; }

    /// <summary>What the duty is about, e.g. <c>incident</c>.</summary>
    public string SubjectType { get; private set; } = "";

    public Guid SubjectId { get; private set; }

    public Guid? IncidentId { get; private set; }

    public bool IsExercise { get; private set; }

    public Role OwnerRole { get; private set; }

    public string OriginRegionCode { get; private set; } = "";

    /// <summary>Path of the region where the duty arose. Staff there and above it see the deadline.</summary>
    public string OriginRegionPath { get; private set; } = "";

    /// <summary>Region that owes the duty now; it moves up the chain on escalation.</summary>
    public string RegionCode { get; private set; } = "";

    public string RegionPath { get; private set; } = "";

    /// <summary>Paths of the regions a miss escalates to, nearest first.</summary>
    public List<string> EscalationChain { get; private set; } = [];

    /// <summary>
    /// How long each holder of a missed duty has before it climbs again. Kept on the row, not looked
    /// up by kind, because every plan step sets its own.
    /// </summary>
    public TimeSpan EscalateEvery { get; private set; }

    /// <summary>The plan step this deadline stands for (<see cref="DeadlineKind.PlanStep"/>); null otherwise.</summary>
    public string? StepId { get; private set; }

    public string? TitleZh { get; private set; }

    public string? TitleEn { get; private set; }

    /// <summary>0 while the origin owns it; n after n escalations.</summary>
    public int EscalationLevel { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset DueAt { get; private set; }

    /// <summary>When the runner must look at it next; null when there is nothing left to fire.</summary>
    public DateTimeOffset? NextCheckAt { get; private set; }

    public DeadlineStatus Status { get; private set; }

    public DateTimeOffset? MissedAt { get; private set; }

    public DateTimeOffset? CompletedAt { get; private set; }

    /// <summary>Concurrency token: a firing or completion saves only if nobody changed the row since it was read.</summary>
    public int Version { get; private set; }

    public bool IsOverdue(DateTimeOffset now) => Status == DeadlineStatus.Open && now > DueAt;

    /// <summary>Time from start to completion, once met.</summary>
    public TimeSpan? TimeTaken => CompletedAt - CreatedAt;

    public bool WasMetLate => Status == DeadlineStatus.Met && CompletedAt > DueAt;

    /// <summary>
    /// Starts a deadline owed by the region at <paramref name="ownerPath"/>; <paramref name="step"/>
    /// names the plan step it stands for, when it does.
    /// </summary>
    /// <exception cref="DomainException">invalid-region without a region; invalid-deadline for a negative time limit or an escalation interval that is not positive.</exception>
    public static Deadline Start(Guid id, DeadlinePolicy policy, DeadlineSubject subject, string ownerPath, DateTimeOffset now,
        DeadlineStep? step = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(subject);
        return new Deadline(id, policy, subject, ownerPath, now, step);
    }

    /// <summary>
    /// Handles a due check: the first time, records the miss; then hands the duty to the next
    /// region up the chain and schedules the next check one escalation interval later.
    /// </summary>
    /// <exception cref="DomainException"><c>deadline-not-due</c> when not open or not yet due.</exception>
    public DeadlineFiring Fire(DateTimeOffset now)
    {
        if (Status != DeadlineStatus.Open || NextCheckAt is null || now < NextCheckAt)
        {
            throw new DomainException("deadline-not-due", "Only an open deadline whose check time has come can fire.");
        }

        var firstMiss = MissedAt is null;
        MissedAt ??= now;
        Version++;
        if (EscalationLevel >= EscalationChain.Count)
        {
            NextCheckAt = null;
            return new DeadlineFiring(firstMiss, null, null);
        }

        var from = RegionCode;
        RegionPath = EscalationChain[EscalationLevel];
        RegionCode = Paths.Codes(RegionPath)[^1];
        EscalationLevel++;
        NextCheckAt = now + EscalateEvery;
        return new DeadlineFiring(firstMiss, from, RegionCode);
    }

    /// <summary>The duty is done. Late or not, the time taken is kept.</summary>
    /// <exception cref="DomainException"><c>deadline-closed</c> when not open.</exception>
    public void Meet(DateTimeOffset now)
    {
        EnsureOpen();
        Status = DeadlineStatus.Met;
        CompletedAt = now;
        NextCheckAt = null;
        Version++;
    }

    /// <summary>The duty fell away (e.g. the incident was closed as a false report).</summary>
    /// <exception cref="DomainException"><c>deadline-closed</c> when not open.</exception>
    public void Cancel(DateTimeOffset now)
    {
        EnsureOpen();
        Status = DeadlineStatus.Cancelled;
        CompletedAt = now;
        NextCheckAt = null;
        Version++;
    }

    private void EnsureOpen()
    {
        if (Status != DeadlineStatus.Open)
        {
            throw new DomainException("deadline-closed", $"The deadline is already {Status.ToString().ToLowerInvariant()}.");
        }
    }
}

/// <summary>The thing a deadline is about.</summary>
public sealed record DeadlineSubject(string Type, Guid Id, Guid? IncidentId, bool IsExercise);
