namespace CrisisOps.Domain.Incidents;

/// <summary>
/// An event that groups incidents, e.g. "July rainstorm". An exercise event marks everything
/// produced under it as an exercise. (Named CrisisEvent because <c>event</c> is a C# keyword.)
/// </summary>
public sealed class CrisisEvent
{
    private CrisisEvent() { }

    public CrisisEvent(Guid id, string name, string regionCode, string regionPath, bool isExercise, DateTimeOffset now, string createdBy)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 200)
        {
            throw new DomainException("invalid-name", "An event needs a name of 1–200 characters.");
        }

        Id = id;
        Name = name.Trim();
        RegionCode = regionCode;
        RegionPath = regionPath;
        IsExercise = isExercise;
        StartedAt = now;
        CreatedBy = createdBy;
    }

    public Guid Id { get; private set; }

    public string Name { get; private set; } = "";

    public string RegionCode { get; private set; } = "";

    public string RegionPath { get; private set; } = "";

    public bool IsExercise { get; private set; }

    public DateTimeOffset StartedAt { get; private set; }

    public DateTimeOffset? ClosedAt { get; private set; }

    public string CreatedBy { get; private set; } = "";

    /// <exception cref="DomainException"><c>event-closed</c> when already closed.</exception>
    public void Close(DateTimeOffset now)
    {
        if (ClosedAt is not null)
        {
            throw new DomainException("event-closed", "The event is already closed.");
        }

        ClosedAt = now;
    }
}
