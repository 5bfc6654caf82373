using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Deadlines;
using CrisisOps.Domain.Incidents;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Regions;
using CrisisOps.Server.Features.Regions;
using CrisisOps.Server.Platform;
using CrisisOps.Server.Platform.Auth;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Incidents;

/// <summary>
/// Loads, calls the incident's rules and saves, journaling each change in the same save. The
/// first-report duty (首报负责制) starts here: a new incident gives its region one hour.
/// </summary>
public sealed class IncidentService(CrisisOpsDbContext db, RegionDirectory directory, TimeProvider clock, CrisisOpsMetrics metrics,
    Command.HeadquartersFormationDuty headquartersDuty, Information.ReleaseDuty releaseDuty)
{
    /// <param name="mayReport">Whether the reporter may report in the region at the given path.</param>
    /// <exception cref="ProblemException">422 when the place is unknown or outside every region; 403 outside the reporter's jurisdiction.</exception>
    public async Task<(Incident Incident, RegionInfo Region)> ReportAsync(NewIncident details, string? regionCode, string actor,
        Func<string, bool> mayReport, CancellationToken ct)
    {
        var snapshot = await directory.GetAsync(ct);
        var region = ResolveRegion(snapshot, details.Location, regionCode);
        if (!mayReport(region.Path))
        {
            throw ProblemException.Forbidden($"You may not report incidents in region '{region.Code}'.");
        }

        if (details.EventId is { } eventId)
        {
            var crisisEvent = await db.Events.AsNoTracking().SingleOrDefaultAsync(e => e.Id == eventId, ct)
                ?? throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "unknown-event", "Unknown event",
                    $"There is no event '{eventId}'.");
            if (!RegionPath.Covers(crisisEvent.RegionPath, region.Path))
            {
                throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "event-outside-region", "Event elsewhere",
                    $"Event '{crisisEvent.Name}' covers region '{crisisEvent.RegionCode}', which does not include '{region.Code}'.");
            }

            if (crisisEvent.ClosedAt is not null)
            {
                throw new ProblemException(StatusCodes.Status409Conflict, "event-closed", "Event closed",
                    $"Event '{crisisEvent.Name}' is closed.");
            }

            details = details with { IsExercise = crisisEvent.IsExercise };
        }

        var now = clock.GetUtcNow();
        var incident = new Incident(Guid.CreateVersion7(now), details, region.Code, region.Path, now, actor);
        db.Incidents.Add(incident);
        db.Append(new JournalRecord(now, actor, JournalTypes.IncidentReported, region.Code, region.Path, incident.Id,
            new
            {
                incident.Number,
                incident.Title,
                category = incident.Category,
                type = incident.Type,
                severity = incident.Severity.ToString(),
                source = incident.Source,
                location = incident.Location is { } l ? new { lat = l.Latitude, lon = l.Longitude } : null,
                incident.EventId,
            },
            incident.IsExercise));

        var deadline = Deadline.Start(Guid.CreateVersion7(now), DeadlinePolicies.FirstReport,
            new DeadlineSubject("incident", incident.Id, incident.Id, incident.IsExercise), region.Path, now);
        db.Deadlines.Add(deadline);
        db.Append(new JournalRecord(now, "system", JournalTypes.DeadlineCreated, region.Code, region.Path, incident.Id,
            new { deadlineId = deadline.Id, kind = deadline.Kind, deadline.DueAt, owner = deadline.OwnerRole.Name(), region = region.Code },
            incident.IsExercise));

        // A grave incident of a kind with a headquarters template owes its headquarters within the hour too.
        headquartersDuty.StartIfOwed(db, incident, now);

        // …and the public its first official release within 4 hours (黄金4小时).
        releaseDuty.StartIfOwed(db, incident, now);
        await db.SaveChangesAsync(ct);
        metrics.IncidentReported(incident);
        return (incident, region);
    }

    /// <exception cref="ProblemException">404, 403.</exception>
    /// <exception cref="Domain.DomainException">illegal-status-change.</exception>
    public async Task<(Incident Incident, RegionInfo? Region)> ChangeStatusAsync(Guid id, IncidentStatus target, string? note,
        CallerAccessor caller, CancellationToken ct)
    {
        var incident = await LoadAsync(id, ct);
        var access = await caller.RequireAsync(Permission.ChangeIncidentStatus, incident.RegionPath, ct);
        var now = clock.GetUtcNow();
        var from = incident.Status;
        incident.ChangeStatus(target, now);
        db.Append(new JournalRecord(now, access.Name, JournalTypes.IncidentStatusChanged, incident.RegionCode, incident.RegionPath,
            incident.Id, new { from, to = target, note }, incident.IsExercise));

        if (target == IncidentStatus.Closed)
        {
            // A closed incident owes nothing more: open duties on it fall away, visibly.
            var open = await db.Deadlines.Where(d => d.IncidentId == id && d.Status == DeadlineStatus.Open).ToListAsync(ct);
            foreach (var deadline in open)
            {
                deadline.Cancel(now);
                db.Append(new JournalRecord(now, access.Name, JournalTypes.DeadlineCancelled, deadline.OriginRegionCode, deadline.OriginRegionPath,
                    incident.Id, new { deadlineId = deadline.Id, kind = deadline.Kind, reason = "incident closed" }, incident.IsExercise));
            }
        }

        await db.SaveChangesAsync(ct);
        return (incident, (await directory.GetAsync(ct)).Find(incident.RegionCode));
    }

    /// <exception cref="ProblemException">404, 403.</exception>
    /// <exception cref="Domain.DomainException">initial-report-exists, initial-report-missing, final-report-filed.</exception>
    public async Task<IncidentReport> FileReportAsync(Guid id, ReportKind kind, string text, CallerAccessor caller, CancellationToken ct)
    {
        var incident = await LoadAsync(id, ct);
        var access = await caller.RequireAsync(Permission.FileIncidentReport, incident.RegionPath, ct);
        var now = clock.GetUtcNow();
        var report = incident.FileReport(Guid.CreateVersion7(now), kind, text, now, access.Name);
        db.Append(new JournalRecord(now, access.Name, JournalTypes.IncidentReportFiled, incident.RegionCode, incident.RegionPath,
            incident.Id, new { reportId = report.Id, kind, length = text.Length }, incident.IsExercise));

        if (kind == ReportKind.Initial)
        {
            var duty = await db.Deadlines.SingleOrDefaultAsync(d => d.IncidentId == id && d.Kind == DeadlineKind.FirstReport
                && d.Status == DeadlineStatus.Open, ct);
            if (duty is not null)
            {
                duty.Meet(now);
                db.Append(new JournalRecord(now, access.Name, JournalTypes.DeadlineMet, duty.OriginRegionCode, duty.OriginRegionPath, incident.Id,
                    new
                    {
                        deadlineId = duty.Id,
                        kind = duty.Kind,
                        timeTakenSeconds = (long)duty.TimeTaken!.Value.TotalSeconds,
                        late = duty.WasMetLate,
                        escalationLevel = duty.EscalationLevel,
                    },
                    incident.IsExercise));
                metrics.DeadlineMet(duty);
            }
        }

        await db.SaveChangesAsync(ct);
        return report;
    }

    private async Task<Incident> LoadAsync(Guid id, CancellationToken ct) =>
        await db.Incidents.Include(i => i.Reports).SingleOrDefaultAsync(i => i.Id == id, ct)
        ?? throw ProblemException.NotFound($"Incident '{id}'");

    private static RegionInfo ResolveRegion(RegionDirectory.Snapshot snapshot, GeoPoint? location, string? regionCode)
    {
        RegionInfo? named = null;
        if (regionCode is not null)
        {
            named = snapshot.Find(regionCode)
                ?? throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "unknown-region", "Unknown region",
                    $"There is no region '{regionCode}'.");
        }

        if (location is not { } point)
        {
            return named!;
        }

        var located = snapshot.Locate(point)
            ?? throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "outside-all-regions", "No region there",
                "The location lies outside every region with a boundary.");
        if (named is null)
        {
            return located;
        }

        // Both given: they must agree; the deeper of the two is the more precise answer.
        if (RegionPath.Covers(named.Path, located.Path))
        {
            return located;
        }

        throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "location-outside-region", "Location elsewhere",
            $"The location lies in '{located.Code}', outside region '{named.Code}'.");
    }
}
