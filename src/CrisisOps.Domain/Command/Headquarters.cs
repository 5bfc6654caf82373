namespace CrisisOps.Domain.Command;

/// <summary>
/// The headquarters (指挥部) of one incident: formed from a template, led by a commander (and a
/// deputy), with units that take its orders. One per incident.
/// </summary>
public sealed class Headquarters
{
    private Headquarters() { }

    /// <exception cref="DomainException">invalid-headquarters without a commander.</exception>
    public Headquarters(Guid id, Guid incidentId, HqTemplate template, string commander, string? deputy, string regionCode, string regionPath,
        bool isExercise, DateTimeOffset now, string formedBy)
    {
        ArgumentNullException.ThrowIfNull(template);
        if (string.IsNullOrWhiteSpace(commander))
        {
            throw new DomainException("invalid-headquarters", "A headquarters needs a commander.");
        }

        Id = id;
        IncidentId = incidentId;
        TemplateCode = template.Code;
        NameZh = template.NameZh;
        NameEn = template.NameEn;
        Commander = commander;
        Deputy = deputy;
        RegionCode = regionCode;
        RegionPath = regionPath;
        IsExercise = isExercise;
        FormedAt = now;
        FormedBy = formedBy;
    }

    public Guid Id { get; private set; }

    public Guid IncidentId { get; private set; }

    public string TemplateCode { get; private set; } = "";

    public string NameZh { get; private set; } = "";

    public string NameEn { get; private set; } = "";

    /// <summary>User name of the commander (总指挥): unacknowledged orders escalate to them.</summary>
    public string Commander { get; private set; } = "";

    public string? Deputy { get; private set; }

    /// <summary>The incident's region: who may see and command the headquarters is decided here.</summary>
    public string RegionCode { get; private set; } = "";

    public string RegionPath { get; private set; } = "";

    public bool IsExercise { get; private set; }

    public DateTimeOffset FormedAt { get; private set; }

    public string FormedBy { get; private set; } = "";
}
