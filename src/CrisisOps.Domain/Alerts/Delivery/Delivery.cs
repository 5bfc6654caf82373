namespace CrisisOps.Domain.Alerts.Delivery;

/// <summary>
/// One alert on one channel to one person (or, for area channels, one region). Holds only what the
/// gateway needs: the resident's id, the address on that channel (a number or an e-mail, a region code
/// for area channels, none for tasks) and the language; never a name. Unique per alert × channel ×
/// target, so a rerun of the fan-out after a crash inserts nothing twice; its <see cref="Id"/> is the
/// idempotency key every gateway dedupes on, so a re-send after a crash reaches nobody twice.
/// </summary>
public sealed class Delivery
{
    public const int MaxAddressLength = 254;

    private Delivery() { }

    public Delivery(Guid alertId, DeliveryChannel channel, Guid? residentId, string regionCode, string regionPath, string? address,
        string language, int round, bool isExercise, DateTimeOffset now)
    {
        AlertId = alertId;
        Channel = channel;
        ResidentId = residentId;
        TargetKey = TargetOf(residentId, regionCode);
        RegionCode = regionCode;
        RegionPath = regionPath;
        Address = address;
        Language = language;
        Round = round;
        IsExercise = isExercise;
        Status = channel.IsTask() ? DeliveryStatus.Open : DeliveryStatus.Queued;
        CreatedAt = now;
        NextAttemptAt = now;
    }

    /// <summary>Sequential id; also the idempotency key gateways dedupe on.</summary>
    public long Id { get; private set; }

    public Guid AlertId { get; private set; }

    public DeliveryChannel Channel { get; private set; }

    /// <summary>The resident's id (<c>N</c> format) or <c>region:CODE</c> for area channels: the unique key with alert and channel.</summary>
    public string TargetKey { get; private set; } = "";

    public Guid? ResidentId { get; private set; }

    /// <summary>The resident's home region (or the area's region): scopes tasks and coverage by region.</summary>
    public string RegionCode { get; private set; } = "";

    public string RegionPath { get; private set; } = "";

    public string? Address { get; private set; }

    public string Language { get; private set; } = "zh-CN";

    /// <summary>0 for the first fan-out; n for the n-th escalation round that added it.</summary>
    public int Round { get; private set; }

    public bool IsExercise { get; private set; }

    public DeliveryStatus Status { get; private set; }

    public int Attempts { get; private set; }

    public DateTimeOffset NextAttemptAt { get; private set; }

    /// <summary>Which sender holds it (<see cref="DeliveryStatus.Sending"/>), so a late answer from a lapsed sender changes nothing.</summary>
    public Guid? ClaimToken { get; private set; }

    public DateTimeOffset? LeaseUntil { get; private set; }

    public string? Gateway { get; private set; }

    public string? GatewayMessageId { get; private set; }

    public string? LastError { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset? SentAt { get; private set; }

    public DateTimeOffset? DeliveredAt { get; private set; }

    public DateTimeOffset? FailedAt { get; private set; }

    /// <summary>Who took the task (user name).</summary>
    public string? TakenBy { get; private set; }

    public VisitOutcome? Outcome { get; private set; }

    public static string TargetOf(Guid? residentId, string regionCode) =>
        residentId is { } id ? id.ToString("N") : "region:" + regionCode;

    /// <summary>Someone with the right to confirm takes an open task.</summary>
    /// <exception cref="DomainException">task-not-open.</exception>
    public void Take(string userName)
    {
        if (!Channel.IsTask() || Status != DeliveryStatus.Open)
        {
            throw new DomainException("task-not-open", "Only an open task can be taken.");
        }

        Status = DeliveryStatus.Taken;
        TakenBy = userName;
    }

    /// <summary>The visit's result: reached counts as delivered; not at home or refused fails it (the person escalates).</summary>
    /// <exception cref="DomainException">task-not-taken when not taken by this person.</exception>
    public void Confirm(string userName, VisitOutcome outcome, DateTimeOffset now)
    {
        if (!Channel.IsTask() || Status != DeliveryStatus.Taken || !string.Equals(TakenBy, userName, StringComparison.Ordinal))
        {
            throw new DomainException("task-not-taken", "Only the person who took a task confirms it.");
        }

        Outcome = outcome;
        if (outcome == VisitOutcome.Reached)
        {
            Status = DeliveryStatus.Delivered;
            DeliveredAt = now;
        }
        else
        {
            Status = DeliveryStatus.Failed;
            FailedAt = now;
        }
    }
}

/// <summary>
/// The durable job that turns a released alert into deliveries. Written in the release's unit of work;
/// expanded in batches by the fan-out worker, whose <see cref="Cursor"/> (the last resident id done)
/// commits with each batch, so a crash resumes where it stopped.
/// </summary>
public sealed class FanOutJob
{
    private FanOutJob() { }

    public FanOutJob(Guid alertId, string identifier, string tier, IReadOnlyList<string> regionCodes, IReadOnlyList<string> polygons,
        bool isExercise, string messagesJson, DateTimeOffset now)
    {
        AlertId = alertId;
        Identifier = identifier;
        Tier = tier;
        RegionCodes = [.. regionCodes];
        Polygons = [.. polygons];
        IsExercise = isExercise;
        MessagesJson = messagesJson;
        CreatedAt = now;
    }

    public Guid AlertId { get; private set; }

    public string Identifier { get; private set; } = "";

    public string Tier { get; private set; } = "";

    public List<string> RegionCodes { get; private set; } = [];

    public List<string> Polygons { get; private set; } = [];

    public bool IsExercise { get; private set; }

    /// <summary>The alert's text per language (AlertMessage list as JSON): the senders read it from here, not from the alert.</summary>
    public string MessagesJson { get; private set; } = "[]";

    /// <summary>Region paths of <see cref="RegionCodes"/>, resolved when expansion starts.</summary>
    public List<string> RegionPaths { get; private set; } = [];

    /// <summary>The last resident id expanded; null before the first batch.</summary>
    public Guid? Cursor { get; private set; }

    public int Targeted { get; private set; }

    public int EscalationRound { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset? StartedAt { get; private set; }

    public DateTimeOffset? ExpandedAt { get; private set; }

    /// <summary>A worker holds the job until then; a crashed worker's job is taken by another after it.</summary>
    public DateTimeOffset? LeaseUntil { get; private set; }

    /// <summary>Concurrency token: one replica at a time expands a batch.</summary>
    public int Version { get; private set; }

    public bool IsExpanded => ExpandedAt is not null;

    public void Start(IReadOnlyList<string> regionPaths, DateTimeOffset now)
    {
        RegionPaths = [.. regionPaths];
        StartedAt ??= now;
        Version++;
    }

    public void Lease(DateTimeOffset until)
    {
        LeaseUntil = until;
        Version++;
    }

    public void Advance(Guid? cursor, int targeted, bool done, DateTimeOffset now)
    {
        Cursor = cursor ?? Cursor;
        Targeted += targeted;
        if (done)
        {
            ExpandedAt = now;
            LeaseUntil = null;
        }

        Version++;
    }

    public int NextRound()
    {
        EscalationRound++;
        Version++;
        return EscalationRound;
    }
}

/// <summary>
/// A person an alert targets: whether anything has reached them yet, and how far up the escalation
/// ladder they are. Coverage is counted over these rows; escalation picks the unreached ones.
/// </summary>
public sealed class AlertRecipient
{
    private AlertRecipient() { }

    public AlertRecipient(Guid alertId, Guid residentId, string regionCode, string regionPath, int rung)
    {
        AlertId = alertId;
        ResidentId = residentId;
        RegionCode = regionCode;
        RegionPath = regionPath;
        Rung = rung;
    }

    public Guid AlertId { get; private set; }

    public Guid ResidentId { get; private set; }

    public string RegionCode { get; private set; } = "";

    public string RegionPath { get; private set; } = "";

    /// <summary>Index in the escalation ladder of the highest channel tried so far.</summary>
    public int Rung { get; private set; }

    public DateTimeOffset? ReachedAt { get; private set; }

    public DeliveryChannel? ReachedVia { get; private set; }

    /// <summary>Moves the person up the ladder; never down.</summary>
    public void Climb(int rung) => Rung = Math.Max(Rung, rung);
}
