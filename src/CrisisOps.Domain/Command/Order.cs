namespace CrisisOps.Domain.Command;

/// <summary>How urgent an order is; it sets how soon the unit must acknowledge it (unless the order says).</summary>
public enum OrderPriority
{
    Urgent = 1,
    High,
    Normal,
    Low,
}

/// <summary>issued → acknowledged → in-progress → done, or cannot-do (with a reason) from any open step.</summary>
public enum OrderStatus
{
    Issued = 1,
    Acknowledged,
    InProgress,
    Done,
    CannotDo,
}

/// <summary>Where an order is to be carried out: a region, a site, free text, or several of these.</summary>
public sealed record OrderPlace(string? RegionCode, string? SiteCode, string? Text);

/// <summary>What started an order outside the headquarters' own desk, e.g. <c>("agreement-activation", id)</c>.</summary>
public sealed record OrderSource(string Type, Guid Id);

/// <summary>
/// An order (指令) as it is given: what, where, by when, how urgent. <c>AcknowledgeWithin</c> overrides the
/// priority's default acknowledgement time; <c>Source</c> names what started it outside the HQ's desk.
/// </summary>
public sealed record NewOrder(string What, string? Details, OrderPlace Where, DateTimeOffset DueBy, OrderPriority Priority,
    TimeSpan? AcknowledgeWithin = null, OrderSource? Source = null);

/// <summary>
/// An order from a headquarters to one of its units. Each step is timestamped; the unit's people
/// move it along; a late acknowledgement or completion is flagged (the deadlines say when).
/// </summary>
public sealed class Order
{
    public const int MaxWhatLength = 300;
    public const int MaxDetailsLength = 4000;
    public const int MaxReasonLength = 2000;

    private Order() { }

    /// <exception cref="DomainException">invalid-order for an empty or long text, a due time not after now, an acknowledgement time out of range.</exception>
    public Order(Guid id, Headquarters hq, CommandUnit unit, NewOrder order, TimeSpan acknowledgeWithin, DateTimeOffset now, string issuedBy)
    {
        ArgumentNullException.ThrowIfNull(hq);
        ArgumentNullException.ThrowIfNull(unit);
        ArgumentNullException.ThrowIfNull(order);
        if (unit.HeadquartersId != hq.Id)
        {
            throw new DomainException("unit-not-in-headquarters", $"Unit '{unit.Name}' belongs to another headquarters.");
        }

        if (string.IsNullOrWhiteSpace(order.What) || order.What.Length > MaxWhatLength)
        {
            throw new DomainException("invalid-order", $"An order says what to do in 1–{MaxWhatLength} characters.");
        }

        if (order.Details is { Length: > MaxDetailsLength })
        {
            throw new DomainException("invalid-order", $"Details are at most {MaxDetailsLength} characters.");
        }

        if (order.DueBy <= now)
        {
            throw new DomainException("invalid-order", "An order is due after the moment it is issued.");
        }

        if (acknowledgeWithin <= TimeSpan.Zero || acknowledgeWithin > TimeSpan.FromHours(24))
        {
            throw new DomainException("invalid-order", "The acknowledgement time is between one minute and 24 hours.");
        }

        if (!Enum.IsDefined(order.Priority))
        {
            throw new DomainException("invalid-order", "Unknown priority.");
        }

        Id = id;
        HeadquartersId = hq.Id;
        IncidentId = hq.IncidentId;
        UnitId = unit.Id;
        What = order.What.Trim();
        Details = string.IsNullOrWhiteSpace(order.Details) ? null : order.Details.Trim();
        WhereRegionCode = order.Where.RegionCode;
        WhereSiteCode = order.Where.SiteCode;
        WhereText = string.IsNullOrWhiteSpace(order.Where.Text) ? null : order.Where.Text.Trim();
        DueBy = order.DueBy;
        Priority = order.Priority;
        AcknowledgeBy = now + acknowledgeWithin;
        SourceType = order.Source?.Type;
        SourceId = order.Source?.Id;
        RegionCode = hq.RegionCode;
        RegionPath = hq.RegionPath;
        IsExercise = hq.IsExercise;
        Status = OrderStatus.Issued;
        IssuedAt = now;
        IssuedBy = issuedBy;
    }

    public Guid Id { get; private set; }

    public Guid HeadquartersId { get; private set; }

    public Guid IncidentId { get; private set; }

    public Guid UnitId { get; private set; }

    public string What { get; private set; } = "";

    public string? Details { get; private set; }

    public string? WhereRegionCode { get; private set; }

    public string? WhereSiteCode { get; private set; }

    public string? WhereText { get; private set; }

    public DateTimeOffset DueBy { get; private set; }

    public OrderPriority Priority { get; private set; }

    /// <summary>When the unit must have acknowledged it.</summary>
    public DateTimeOffset AcknowledgeBy { get; private set; }

    public string? SourceType { get; private set; }

    public Guid? SourceId { get; private set; }

    /// <summary>The incident's region (who may read the order is decided here).</summary>
    public string RegionCode { get; private set; } = "";

    public string RegionPath { get; private set; } = "";

    public bool IsExercise { get; private set; }

    public OrderStatus Status { get; private set; }

    public DateTimeOffset IssuedAt { get; private set; }

    public string IssuedBy { get; private set; } = "";

    public DateTimeOffset? AcknowledgedAt { get; private set; }

    public string? AcknowledgedBy { get; private set; }

    public DateTimeOffset? StartedAt { get; private set; }

    public DateTimeOffset? DoneAt { get; private set; }

    public DateTimeOffset? CannotDoAt { get; private set; }

    public string? CannotDoReason { get; private set; }

    /// <summary>Who took the last step (acknowledged, started, finished, refused).</summary>
    public string? LastActor { get; private set; }

    /// <summary>Set when the acknowledgement deadline passed unmet; stays as a record even once acknowledged.</summary>
    public bool FlaggedUnacknowledged { get; private set; }

    /// <summary>Set when the completion deadline passed unmet.</summary>
    public bool FlaggedOverdue { get; private set; }

    public bool IsOpen => Status is OrderStatus.Issued or OrderStatus.Acknowledged or OrderStatus.InProgress;

    /// <summary>Still not acknowledged after its acknowledgement time.</summary>
    public bool IsUnacknowledgedLate(DateTimeOffset now) => Status == OrderStatus.Issued && now > AcknowledgeBy;

    /// <summary>Still open after its due time.</summary>
    public bool IsOverdue(DateTimeOffset now) => IsOpen && now > DueBy;

    public bool IsLate(DateTimeOffset now) => IsUnacknowledgedLate(now) || IsOverdue(now);

    /// <exception cref="DomainException">order-wrong-step (409) unless issued.</exception>
    public void Acknowledge(DateTimeOffset now, string actor)
    {
        Require(OrderStatus.Issued, "acknowledge");
        Status = OrderStatus.Acknowledged;
        AcknowledgedAt = now;
        AcknowledgedBy = actor;
        LastActor = actor;
    }

    /// <exception cref="DomainException">order-wrong-step (409) unless acknowledged.</exception>
    public void Start(DateTimeOffset now, string actor)
    {
        Require(OrderStatus.Acknowledged, "start");
        Status = OrderStatus.InProgress;
        StartedAt = now;
        LastActor = actor;
    }

    /// <summary>A progress report: it starts an acknowledged order; an issued one must be acknowledged first.</summary>
    /// <returns>True when the report moved the order to in-progress.</returns>
    /// <exception cref="DomainException">order-wrong-step (409) when issued or closed.</exception>
    public bool Report(DateTimeOffset now, string actor)
    {
        if (Status == OrderStatus.Acknowledged)
        {
            Start(now, actor);
            return true;
        }

        Require(OrderStatus.InProgress, "report on");
        return false;
    }

    /// <exception cref="DomainException">order-wrong-step (409) unless in progress.</exception>
    public void Finish(DateTimeOffset now, string actor)
    {
        Require(OrderStatus.InProgress, "finish");
        Status = OrderStatus.Done;
        DoneAt = now;
        LastActor = actor;
    }

    /// <summary>The unit cannot carry it out; the reason goes to the headquarters.</summary>
    /// <exception cref="DomainException">reason-required (422) without a reason; order-wrong-step (409) once closed.</exception>
    public void CannotDo(string? reason, DateTimeOffset now, string actor)
    {
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > MaxReasonLength)
        {
            throw new DomainException("reason-required", $"Say why the order cannot be done (1–{MaxReasonLength} characters).");
        }

        if (!IsOpen)
        {
            throw DomainException.Conflict("order-wrong-step", $"The order is already {Status}; it cannot be refused now.");
        }

        Status = OrderStatus.CannotDo;
        CannotDoAt = now;
        CannotDoReason = reason.Trim();
        LastActor = actor;
    }

    public void FlagUnacknowledged() => FlaggedUnacknowledged = true;

    public void FlagOverdue() => FlaggedOverdue = true;

    private void Require(OrderStatus expected, string step)
    {
        if (Status != expected)
        {
            throw DomainException.Conflict("order-wrong-step", $"Cannot {step} an order that is {Status}; it must be {expected}.");
        }
    }
}
