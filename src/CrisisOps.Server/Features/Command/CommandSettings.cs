using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Command;
using CrisisOps.Domain.Deadlines;
using CrisisOps.Domain.Incidents;
using CrisisOps.Domain.Journal;

namespace CrisisOps.Server.Features.Command;

/// <summary>
/// The command settings: how soon each priority must be acknowledged (<c>Command:AcknowledgeWithin:Urgent</c>, …)
/// and up to which severity a templated incident owes a headquarters (<c>Command:FormHqUpToSeverity</c>, default III).
/// </summary>
public sealed class CommandSettings(IConfiguration configuration)
{
    private static readonly Dictionary<OrderPriority, TimeSpan> Defaults = new()
    {
        [OrderPriority.Urgent] = TimeSpan.FromMinutes(10),
        [OrderPriority.High] = TimeSpan.FromMinutes(15),
        [OrderPriority.Normal] = TimeSpan.FromMinutes(30),
        [OrderPriority.Low] = TimeSpan.FromMinutes(60),
    };

    public TimeSpan AcknowledgeWithin(OrderPriority priority) =>
        configuration.GetValue<TimeSpan?>($"Command:AcknowledgeWithin:{priority}") ?? Defaults[priority];

    /// <summary>Incidents this grave or graver (I is the gravest) owe a headquarters within the hour.</summary>
    public IncidentSeverity FormHqUpToSeverity =>
        Enum.TryParse<IncidentSeverity>(configuration["Command:FormHqUpToSeverity"], out var severity) && Enum.IsDefined(severity)
            ? severity
            : IncidentSeverity.III;
}

/// <summary>
/// The templates shipped with the server (<c>Command/hq-templates.json</c>, or <c>Command:TemplatesFile</c>),
/// read and checked once at start: a bad file stops the server with the field that is wrong.
/// </summary>
public sealed class HqTemplateCatalog
{
    public HqTemplateCatalog(IConfiguration configuration)
    {
        var path = Path.GetFullPath(configuration["Command:TemplatesFile"] ?? Path.Combine(AppContext.BaseDirectory, "Command", "hq-templates.json"));
        Templates = HqTemplates.Parse(File.ReadAllText(path));
    }

    public IReadOnlyList<HqTemplate> Templates { get; }

    public HqTemplate? Find(string? code) => Templates.FirstOrDefault(t => string.Equals(t.Code, code, StringComparison.Ordinal));

    /// <summary>The first template made for this type of incident, if any.</summary>
    public HqTemplate? For(IncidentType type) => Templates.FirstOrDefault(t => t.AppliesTo(type));
}

/// <summary>
/// The duty to form a headquarters (指挥部) within the hour: started beside the first-report duty when a
/// grave enough incident of a templated type is reported, met when the headquarters is formed.
/// </summary>
public sealed class HeadquartersFormationDuty(HqTemplateCatalog catalog, CommandSettings settings)
{
    /// <summary>Adds the deadline and its journal entry (unsaved) when the incident owes a headquarters.</summary>
    public Deadline? StartIfOwed(CrisisOpsDbContext db, Incident incident, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(incident);
        if (catalog.For(incident.Type) is not { } template || incident.Severity > settings.FormHqUpToSeverity)
        {
            return null;
        }

        var deadline = Deadline.Start(Guid.CreateVersion7(now), DeadlinePolicies.HeadquartersFormation,
            new DeadlineSubject("incident", incident.Id, incident.Id, incident.IsExercise), incident.RegionPath, now);
        db.Deadlines.Add(deadline);
        db.Append(new JournalRecord(now, "system", JournalTypes.DeadlineCreated, incident.RegionCode, incident.RegionPath, incident.Id,
            new
            {
                deadlineId = deadline.Id,
                kind = deadline.Kind,
                deadline.DueAt,
                owner = deadline.OwnerRole.Name(),
                region = incident.RegionCode,
                template = template.Code,
            },
            incident.IsExercise));
        return deadline;
    }
}
