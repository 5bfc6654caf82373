using CrisisOps.Data;
using CrisisOps.Domain.Deadlines;
using CrisisOps.Domain.Journal;
using CrisisOps.Server.Features.Deadlines;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Incidents;

/// <summary>A missed first report (初报) flags its incident, so every list shows the lapse.</summary>
public sealed class FirstReportMissed : IDeadlineMissHandler
{
    public DeadlineKind Kind => DeadlineKind.FirstReport;

    public async Task OnMissedAsync(CrisisOpsDbContext db, Deadline deadline, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(deadline);
        if (deadline.IncidentId is not { } incidentId
            || await db.Incidents.SingleOrDefaultAsync(i => i.Id == incidentId, ct) is not { } incident)
        {
            return;
        }

        incident.FlagFirstReportOverdue(now);
        db.Append(new JournalRecord(now, "system", JournalTypes.IncidentFlagged, incident.RegionCode, incident.RegionPath, incident.Id,
            new { flag = "first-report-overdue", deadlineId = deadline.Id }, incident.IsExercise));
    }
}
