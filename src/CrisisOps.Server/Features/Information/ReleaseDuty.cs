using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Deadlines;
using CrisisOps.Domain.Incidents;
using CrisisOps.Domain.Information;
using CrisisOps.Domain.Journal;
using CrisisOps.Server.Features.Deadlines;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Information;

/// <summary>
/// 黄金4小时: an incident grave enough owes the public a first release within 4 hours of reaching that level, then
/// an update at the cadence its headquarters sets. Each is a <see cref="DeadlineKind.ReleaseDue"/> deadline owed by the
/// information officers of the incident's region; a miss climbs the region tree hourly, like the first report.
/// </summary>
public sealed class ReleaseDuty(InformationSettings settings)
{
    public const string FirstStep = "first-release";
    public const string UpdateStep = "next-release";

    private static readonly DeadlineStep First = new(FirstStep, "首次权威发布", "First official release");
    private static readonly DeadlineStep Update = new(UpdateStep, "下一次权威发布", "Next official release");

    /// <summary>
    /// Adds the first-release deadline and its journal entry (unsaved) when the incident has reached the level and owes
    /// no release yet. Safe to call again when the severity is raised: an incident is owed one first release.
    /// </summary>
    public async Task<Deadline?> StartIfOwedAsync(CrisisOpsDbContext db, Incident incident, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(incident);
        if (incident.Severity > settings.FirstReleaseUpToSeverity || incident.Status == IncidentStatus.Closed
            || db.Deadlines.Local.Any(d => d.IncidentId == incident.Id && d.Kind == DeadlineKind.ReleaseDue)
            || await db.Deadlines.AnyAsync(d => d.IncidentId == incident.Id && d.Kind == DeadlineKind.ReleaseDue, ct)
            || await db.Releases.AnyAsync(r => r.IncidentId == incident.Id && r.Status != ReleaseStatus.Draft, ct))
        {
            return null;
        }

        return Start(db, incident.Id, incident.RegionCode, incident.RegionPath, incident.IsExercise, settings.FirstReleaseWithin, First, now, "system");
    }

    /// <summary>Synchronous form for the incident's report, when nothing about it is stored yet.</summary>
    public Deadline? StartIfOwed(CrisisOpsDbContext db, Incident incident, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(incident);
        return incident.Severity > settings.FirstReleaseUpToSeverity
            ? null
            : Start(db, incident.Id, incident.RegionCode, incident.RegionPath, incident.IsExercise, settings.FirstReleaseWithin, First, now, "system");
    }

    /// <summary>A release went out: the open duty is met, and the next one is armed at the cadence, if there is one.</summary>
    public async Task OnPublishedAsync(CrisisOpsDbContext db, Release release, string actor, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(release);
        var open = await OpenAsync(db, release.IncidentId, ct);
        if (open is not null)
        {
            open.Meet(now);
            db.Append(new JournalRecord(now, actor, JournalTypes.DeadlineMet, open.OriginRegionCode, open.OriginRegionPath, release.IncidentId,
                new
                {
                    deadlineId = open.Id,
                    kind = open.Kind,
                    stepId = open.StepId,
                    timeTakenSeconds = (long)open.TimeTaken!.Value.TotalSeconds,
                    late = open.WasMetLate,
                    escalationLevel = open.EscalationLevel,
                    releaseId = release.Id,
                },
                release.IsExercise));
        }

        var schedule = await db.ReleaseSchedules.AsNoTracking().SingleOrDefaultAsync(s => s.IncidentId == release.IncidentId, ct);
        if (schedule?.Cadence is { } cadence)
        {
            Start(db, release.IncidentId, release.RegionCode, release.RegionPath, release.IsExercise, cadence, Update, now, actor);
        }
    }

    /// <summary>
    /// The cadence changed: an open update duty falls away and, when a release is already out and a cadence set, the
    /// next one is due at the last release plus the new cadence (at once if that has passed). The first-release duty stays.
    /// </summary>
    public async Task OnCadenceChangedAsync(CrisisOpsDbContext db, Incident incident, TimeSpan? cadence, string actor, DateTimeOffset now,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(incident);
        var open = await OpenAsync(db, incident.Id, ct);
        if (open is { StepId: FirstStep })
        {
            return;
        }

        if (open is not null)
        {
            open.Cancel(now);
            db.Append(new JournalRecord(now, actor, JournalTypes.DeadlineCancelled, open.OriginRegionCode, open.OriginRegionPath, incident.Id,
                new { deadlineId = open.Id, kind = open.Kind, reason = "cadence changed" }, incident.IsExercise));
        }

        var last = await db.Releases.Where(r => r.IncidentId == incident.Id && r.PublishedAt != null)
            .Select(r => r.PublishedAt).MaxAsync(ct);
        if (cadence is { } every && last is { } lastAt && incident.Status != IncidentStatus.Closed)
        {
            var within = lastAt + every - now;
            Start(db, incident.Id, incident.RegionCode, incident.RegionPath, incident.IsExercise, within < TimeSpan.Zero ? TimeSpan.Zero : within,
                Update, now, actor);
        }
    }

    public static Task<Deadline?> OpenAsync(CrisisOpsDbContext db, Guid incidentId, CancellationToken ct) =>
        db.Deadlines.SingleOrDefaultAsync(d => d.IncidentId == incidentId && d.Kind == DeadlineKind.ReleaseDue && d.Status == DeadlineStatus.Open, ct);

    private static Deadline Start(CrisisOpsDbContext db, Guid incidentId, string regionCode, string regionPath, bool isExercise, TimeSpan within,
        DeadlineStep step, DateTimeOffset now, string actor)
    {
        var deadline = Deadline.Start(Guid.CreateVersion7(now), DeadlinePolicies.ReleaseDue(within),
            new DeadlineSubject("incident", incidentId, incidentId, isExercise), regionPath, now, step);
        db.Deadlines.Add(deadline);
        db.Append(new JournalRecord(now, actor, JournalTypes.DeadlineCreated, regionCode, regionPath, incidentId,
            new { deadlineId = deadline.Id, kind = deadline.Kind, deadline.DueAt, owner = deadline.OwnerRole.Name(), region = regionCode, stepId = step.StepId },
            isExercise));
        return deadline;
    }
}

/// <summary>A release not out in time: the incident's journal says so (the deadline itself climbs the region tree).</summary>
public sealed class ReleaseDueMissed : IDeadlineMissHandler
{
    public DeadlineKind Kind => DeadlineKind.ReleaseDue;

    public Task OnMissedAsync(CrisisOpsDbContext db, Deadline deadline, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(deadline);
        db.Append(new JournalRecord(now, "system", JournalTypes.ReleaseOverdue, deadline.OriginRegionCode, deadline.OriginRegionPath,
            deadline.IncidentId, new { deadlineId = deadline.Id, stepId = deadline.StepId, deadline.DueAt, escalatedTo = deadline.EscalationChain.FirstOrDefault() },
            deadline.IsExercise));
        return Task.CompletedTask;
    }
}
