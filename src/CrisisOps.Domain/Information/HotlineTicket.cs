using CrisisOps.Domain.Regions;

namespace CrisisOps.Domain.Information;

public enum TicketSource
{
    Call = 1,
    Web,
}

public enum TicketUrgency
{
    Normal = 1,
    Urgent,
}

public enum TicketStatus
{
    Open = 1,
    Assigned,
    Answered,
    Closed,
}

/// <summary>Who called and how to call back: personal data, shown only to hotline staff of the region and never journaled.</summary>
public sealed record TicketCaller(string? Name, string? Phone)
{
    public const int MaxNameLength = 100;
    public const int MaxPhoneLength = 32;
}

/// <summary>What a caller asks, about which topic and where.</summary>
public sealed record TicketQuestion(string Topic, TicketUrgency Urgency, string Text)
{
    public const int MaxTextLength = 4000;
}

/// <summary>
/// A 24-hour hotline (24小时热线) ticket: a call taken by an operator or a question sent through the public site.
/// Open → assigned → answered → closed; an answer may come straight from open (the operator who took the call answers it).
/// </summary>
public sealed class HotlineTicket
{
    private HotlineTicket() { }

    /// <exception cref="DomainException">invalid-ticket when the text is empty or too long.</exception>
    public HotlineTicket(Guid id, string number, TicketSource source, TicketCaller caller, TicketQuestion question, string regionCode,
        string regionPath, GeoPoint? location, DateTimeOffset now, string createdBy)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(question);
        if (string.IsNullOrWhiteSpace(question.Text) || question.Text.Length > TicketQuestion.MaxTextLength)
        {
            throw new DomainException("invalid-ticket", $"A ticket says what the caller asks, in 1–{TicketQuestion.MaxTextLength} characters.");
        }

        Id = id;
        Number = number;
        Source = source;
        CallerName = string.IsNullOrWhiteSpace(caller.Name) ? null : caller.Name.Trim();
        CallerPhone = string.IsNullOrWhiteSpace(caller.Phone) ? null : caller.Phone.Trim();
        Topic = question.Topic;
        Urgency = question.Urgency;
        Text = question.Text.Trim();
        RegionCode = regionCode;
        RegionPath = regionPath;
        Latitude = location?.Latitude;
        Longitude = location?.Longitude;
        Status = TicketStatus.Open;
        CreatedAt = now;
        CreatedBy = createdBy;
    }

    public Guid Id { get; private set; }

    /// <summary>What the caller is told to quote: <c>H-20260712-123456</c>.</summary>
    public string Number { get; private set; } = "";

    public TicketSource Source { get; private set; }

    public string? CallerName { get; private set; }

    public string? CallerPhone { get; private set; }

    public string Topic { get; private set; } = "";

    public TicketUrgency Urgency { get; private set; }

    public string Text { get; private set; } = "";

    public string RegionCode { get; private set; } = "";

    public string RegionPath { get; private set; } = "";

    public double? Latitude { get; private set; }

    public double? Longitude { get; private set; }

    public TicketStatus Status { get; private set; }

    public string? AssignedTo { get; private set; }

    public string? Answer { get; private set; }

    /// <summary>The answer-base entry the answer came from, if any.</summary>
    public Guid? AnswerId { get; private set; }

    public string? AnsweredBy { get; private set; }

    public DateTimeOffset? AnsweredAt { get; private set; }

    public DateTimeOffset? ClosedAt { get; private set; }

    public string? ClosedBy { get; private set; }

    /// <summary>Set when its service level passed unanswered.</summary>
    public bool Overdue { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public string CreatedBy { get; private set; } = "";

    public int Version { get; private set; }

    public bool IsOpen => Status is TicketStatus.Open or TicketStatus.Assigned;

    /// <exception cref="DomainException">ticket-wrong-step (409) once answered or closed.</exception>
    public void Assign(string operatorName)
    {
        if (!IsOpen)
        {
            throw DomainException.Conflict("ticket-wrong-step", $"Ticket {Number} is {Status.ToString().ToLowerInvariant()}; it can no longer be assigned.");
        }

        AssignedTo = operatorName;
        Status = TicketStatus.Assigned;
        Version++;
    }

    /// <exception cref="DomainException">invalid-answer for an empty or long answer; ticket-wrong-step (409) once answered or closed.</exception>
    public void AnswerWith(string text, Guid? answerId, string by, DateTimeOffset now)
    {
        if (!IsOpen)
        {
            throw DomainException.Conflict("ticket-wrong-step", $"Ticket {Number} is {Status.ToString().ToLowerInvariant()}; it is answered once.");
        }

        if (string.IsNullOrWhiteSpace(text) || text.Length > TicketQuestion.MaxTextLength)
        {
            throw new DomainException("invalid-answer", $"An answer has 1–{TicketQuestion.MaxTextLength} characters.");
        }

        Answer = text.Trim();
        AnswerId = answerId;
        AnsweredBy = by;
        AnsweredAt = now;
        AssignedTo ??= by;
        Status = TicketStatus.Answered;
        Version++;
    }

    /// <summary>Closes a ticket; an unanswered one may be closed too (a hang-up, a duplicate), with the reason journaled.</summary>
    /// <exception cref="DomainException">ticket-wrong-step (409) when already closed.</exception>
    public void Close(string by, DateTimeOffset now)
    {
        if (Status == TicketStatus.Closed)
        {
            throw DomainException.Conflict("ticket-wrong-step", $"Ticket {Number} is already closed.");
        }

        Status = TicketStatus.Closed;
        ClosedAt = now;
        ClosedBy = by;
        Version++;
    }

    public void FlagOverdue()
    {
        Overdue = true;
        Version++;
    }
}

/// <summary>A reusable answer (答复口径) of the hotline's answer base, kept by information officers of a region.</summary>
public sealed class HotlineAnswer
{
    public const int MaxTitleLength = 200;

    private HotlineAnswer() { }

    /// <exception cref="DomainException">invalid-answer when title or text break their limits.</exception>
    public HotlineAnswer(Guid id, string regionCode, string regionPath, string? topic, string title, string text, DateTimeOffset now, string by)
    {
        Id = id;
        RegionCode = regionCode;
        RegionPath = regionPath;
        CreatedAt = now;
        Change(topic, title, text, now, by);
    }

    public Guid Id { get; private set; }

    public string RegionCode { get; private set; } = "";

    public string RegionPath { get; private set; } = "";

    public string? Topic { get; private set; }

    public string Title { get; private set; } = "";

    public string Text { get; private set; } = "";

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public string UpdatedBy { get; private set; } = "";

    public int Version { get; private set; }

    /// <exception cref="DomainException">invalid-answer when title or text break their limits.</exception>
    public void Change(string? topic, string title, string text, DateTimeOffset now, string by)
    {
        if (string.IsNullOrWhiteSpace(title) || title.Length > MaxTitleLength || string.IsNullOrWhiteSpace(text)
            || text.Length > TicketQuestion.MaxTextLength)
        {
            throw new DomainException("invalid-answer", $"An answer has a title of 1–{MaxTitleLength} and a text of 1–{TicketQuestion.MaxTextLength} characters.");
        }

        Topic = topic;
        Title = title.Trim();
        Text = text.Trim();
        UpdatedAt = now;
        UpdatedBy = by;
        Version++;
    }
}
