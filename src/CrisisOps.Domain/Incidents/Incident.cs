using CrisisOps.Domain.Regions;

namespace CrisisOps.Domain.Incidents;

/// <summary>
/// Something that happened in a region and needs handling. Its region owes the first report
/// (初报) within an hour of its creation; that duty is a <see cref="Deadlines.Deadline"/>.
/// </summary>
public sealed class Incident
{
    private static readonly Dictionary<IncidentStatus, IncidentStatus[]> Transitions = new()
    {
        [IncidentStatus.Reported] = [IncidentStatus.Verified, IncidentStatus.Closed],
        [IncidentStatus.Verified] = [IncidentStatus.Responding, IncidentStatus.Closed],
        [IncidentStatus.Responding] = [IncidentStatus.Recovering],
        [IncidentStatus.Recovering] = [IncidentStatus.Closed],
        [IncidentStatus.Closed] = [],
    };

    private Incident() { }

    /// <exception cref="DomainException">The type does not belong to the category, or the title is empty or too long.</exception>
    public Incident(Guid id, NewIncident details, string regionCode, string regionPath, DateTimeOffset now, string reportedBy)
    {
        ArgumentNullException.ThrowIfNull(details);
        BusinessRules.Check(new TypeMustBelongToCategoryRule(details.Type, details.Category));
        if (string.IsNullOrWhiteSpace(details.Title) || details.Title.Length > 200)
        {
            throw new DomainException("invalid-title", "An incident needs a title of 1–200 characters.");
        }

        Id = id;
        Number = string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"INC-{now.UtcDateTime:yyyyMMdd-HHmmss}-{id.ToString("N")[^8..].ToUpperInvariant()}");
        Title = details.Title.Trim();
        Description = details.Description?.Trim() ?? "";
        Category = details.Category;
        Type = details.Type;
        Severity = details.Severity;
        Location = details.Location;
        EventId = details.EventId;
        IsExercise = details.IsExercise;
        Source = details.Source;
        RegionCode = regionCode;
        RegionPath = regionPath;
        Status = IncidentStatus.Reported;
        IsVerified = false;
        ReportedAt = now;
        ReportedBy = reportedBy;
        UpdatedAt = now;
    }

    public Guid Id { get; private set; }

    /// <summary>
    /// Human reference, e.g. <c>INC-20260712-081502-3F9A0C71</c>: the UTC second of the report plus 32 random
    /// bits, so two incidents collide only when reported in the same second with the same bits.
    /// </summary>
    public string Number { get; private set; } = "";

    public string Title { get; private set; } = "";

    public string Description { get; private set; } = "";

    public IncidentCategory Category { get; private set; }

    public IncidentType Type { get; private set; }

    public IncidentSeverity Severity { get; private set; }

    public IncidentStatus Status { get; private set; }

    public GeoPoint? Location { get; private set; }

    public string RegionCode { get; private set; } = "";

    public string RegionPath { get; private set; } = "";

    public Guid? EventId { get; private set; }

    /// <summary>Raised under an exercise event: every screen and message about it carries the mark.</summary>
    public bool IsExercise { get; private set; }

    public IncidentSource Source { get; private set; }

    /// <summary>False until staff verify it; public reports always arrive unverified.</summary>
    public bool IsVerified { get; private set; }

    public DateTimeOffset ReportedAt { get; private set; }

    public string ReportedBy { get; private set; } = "";

    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>Set when the first report was not filed in time.</summary>
    public bool FirstReportOverdue { get; private set; }

    public List<IncidentReport> Reports { get; private set; } = [];

    /// <summary>The statuses the lifecycle allows next, in order.</summary>
    public IReadOnlyList<IncidentStatus> AllowedNext() => Transitions[Status];

    /// <summary>Moves the incident along its lifecycle.</summary>
    /// <exception cref="DomainException"><c>illegal-status-change</c> when the lifecycle does not allow the move.</exception>
    public void ChangeStatus(IncidentStatus target, DateTimeOffset now)
    {
        BusinessRules.Check(new StatusChangeMustFollowLifecycleRule(Status, target));
        if (target == IncidentStatus.Verified)
        {
            IsVerified = true;
        }

        Status = target;
        UpdatedAt = now;
    }

    /// <summary>Files 初报, 续报 or 终报.</summary>
    /// <exception cref="DomainException">
    /// <c>initial-report-exists</c>, <c>initial-report-missing</c>, <c>final-report-filed</c>, <c>incident-closed</c> or <c>invalid-report</c>.
    /// </exception>
    public IncidentReport FileReport(Guid reportId, ReportKind kind, string text, DateTimeOffset now, string filedBy)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > 20_000)
        {
            throw new DomainException("invalid-report", "A report needs text of 1–20,000 characters.");
        }

        if (Status == IncidentStatus.Closed && kind != ReportKind.Final)
        {
            throw new DomainException("incident-closed", "The incident is closed; only the final report (终报) can still be filed.");
        }

        var hasInitial = Reports.Any(r => r.Kind == ReportKind.Initial);
        if (Reports.Any(r => r.Kind == ReportKind.Final))
        {
            throw new DomainException("final-report-filed", "The final report (终报) is filed; nothing can follow it.");
        }

        if (kind == ReportKind.Initial && hasInitial)
        {
            throw new DomainException("initial-report-exists", "The first report (初报) is already filed; file a follow-up (续报).");
        }

        if (kind != ReportKind.Initial && !hasInitial)
        {
            throw new DomainException("initial-report-missing", "File the first report (初报) before follow-ups or the final report.");
        }

        var report = new IncidentReport(reportId, Id, kind, text.Trim(), now, filedBy);
        Reports.Add(report);
        UpdatedAt = now;
        return report;
    }

    /// <summary>The first-report deadline was missed.</summary>
    public void FlagFirstReportOverdue(DateTimeOffset now)
    {
        FirstReportOverdue = true;
        UpdatedAt = now;
    }

    /// <summary>Labels a reader sees next to the incident.</summary>
    public IReadOnlyList<string> Flags()
    {
        var flags = new List<string>();
        if (IsExercise)
        {
            flags.Add("exercise");
        }

        if (!IsVerified)
        {
            flags.Add("unverified");
        }

        if (FirstReportOverdue)
        {
            flags.Add("first-report-overdue");
        }

        return flags;
    }

    private sealed record TypeMustBelongToCategoryRule(IncidentType Type, IncidentCategory Category) : IBusinessRule
    {
        public string Code => "type-category-mismatch";

        public string Message => $"Type {Type} does not belong to category {Category}.";

        public bool IsBroken() => !Type.BelongsTo(Category);
    }

    private sealed record StatusChangeMustFollowLifecycleRule(IncidentStatus From, IncidentStatus To) : IBusinessRule
    {
        public string Code => "illegal-status-change";

        public string Message => $"An incident cannot go from {From} to {To}; allowed next: "
            + (Transitions[From].Length == 0 ? "none (closed)" : string.Join(", ", Transitions[From])) + ".";

        public bool IsBroken() => !Transitions[From].Contains(To);
    }
}

/// <summary>What a reporter says about a new incident.</summary>
public sealed record NewIncident(
    string Title,
    string? Description,
    IncidentCategory Category,
    IncidentType Type,
    IncidentSeverity Severity,
    GeoPoint? Location,
    Guid? EventId,
    bool IsExercise,
    IncidentSource Source);

/// <summary>A filed report: 初报, 续报 or 终报.</summary>
public sealed class IncidentReport
{
    private IncidentReport() { }

    public IncidentReport(Guid id, Guid incidentId, ReportKind kind, string text, DateTimeOffset filedAt, string filedBy)
    {
        Id = id;
        IncidentId = incidentId;
        Kind = kind;
        Text = text;
        FiledAt = filedAt;
        FiledBy = filedBy;
    }

    public Guid Id { get; private set; }

    public Guid IncidentId { get; private set; }

    public ReportKind Kind { get; private set; }

    public string Text { get; private set; } = "";

    public DateTimeOffset FiledAt { get; private set; }

    public string FiledBy { get; private set; } = "";
}
