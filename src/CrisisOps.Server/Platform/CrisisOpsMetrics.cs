using System.Diagnostics.Metrics;
using CrisisOps.Domain.Deadlines;
using CrisisOps.Domain.Incidents;

namespace CrisisOps.Server;

/// <summary>OpenTelemetry metrics of the emergency work itself (HTTP metrics come from ASP.NET Core).</summary>
public sealed class CrisisOpsMetrics
{
    public const string MeterName = "CrisisOps";

    private readonly Counter<long> _incidents;
    private readonly Counter<long> _deadlineFirings;
    private readonly Counter<long> _deadlinesMet;
    private readonly Histogram<double> _firstReportMinutes;

    public CrisisOpsMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _incidents = meter.CreateCounter<long>("crisisops.incidents.reported", description: "Incidents reported");
        _deadlineFirings = meter.CreateCounter<long>("crisisops.deadlines.fired", description: "Missed deadlines fired (miss or escalation)");
        _deadlinesMet = meter.CreateCounter<long>("crisisops.deadlines.met", description: "Deadlines met");
        _firstReportMinutes = meter.CreateHistogram<double>("crisisops.first_report.duration", unit: "min",
            description: "Time from incident to first report");
    }

    public void IncidentReported(Incident incident) =>
        _incidents.Add(1, new KeyValuePair<string, object?>("category", incident.Category.ToString()));

    public void DeadlineFired(Deadline deadline, DeadlineFiring firing) =>
        _deadlineFirings.Add(1, new("kind", deadline.Kind.ToString()), new("escalated", firing.EscalatedTo is not null));

    public void DeadlineMet(Deadline deadline)
    {
        _deadlinesMet.Add(1, new("kind", deadline.Kind.ToString()), new("late", deadline.WasMetLate));
        if (deadline.Kind == DeadlineKind.FirstReport && deadline.TimeTaken is { } taken)
        {
            _firstReportMinutes.Record(taken.TotalMinutes);
        }
    }
}
