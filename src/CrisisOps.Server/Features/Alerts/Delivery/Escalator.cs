using CrisisOps.Data;
using CrisisOps.Domain.Alerts.Delivery;
using CrisisOps.Domain.Deadlines;
using CrisisOps.Domain.Journal;
using CrisisOps.Server.Features.Deadlines;
using Microsoft.EntityFrameworkCore;
using DeliveryRow = CrisisOps.Domain.Alerts.Delivery.Delivery;

namespace CrisisOps.Server.Features.Alerts.Delivery;

/// <summary>
/// Moves people up the escalation ladder (e.g. SMS → voice call → door-to-door). At once, when the channel
/// they are on fails for good; and at the alert's escalation deadline, for everyone not reached on any
/// channel by then, with the unreached members of a segment below the coverage target sent straight to the
/// door (the rainstorm review's lesson).
/// </summary>
public sealed class Escalator(ChannelRulesProvider rules, DeliverySettings settings, CoverageQuery coverage)
{
    /// <summary>Records that these people were reached (a delivered receipt, a confirmed visit).</summary>
    public static async Task MarkReachedAsync(CrisisOpsDbContext db, IReadOnlyList<DeliveryRow> delivered, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(delivered);
        foreach (var group in delivered.Where(d => d.ResidentId is not null && !d.Channel.IsArea()).GroupBy(d => (d.AlertId, d.Channel)))
        {
            var (alert, channel) = group.Key;
            foreach (var chunk in group.Select(d => d.ResidentId!.Value).Distinct().Chunk(1000))
            {
                await db.AlertRecipients.Where(r => r.AlertId == alert && chunk.Contains(r.ResidentId) && r.ReachedAt == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(r => r.ReachedAt, now).SetProperty(r => r.ReachedVia, channel), ct);
            }
        }
    }

    /// <summary>People whose channel on the ladder failed for good, and who are not reached, get the next one.</summary>
    public async Task AfterFailuresAsync(CrisisOpsDbContext db, IReadOnlyList<DeliveryRow> failed, DateTimeOffset now, CancellationToken ct)
    {
        var ladder = rules.Current.Escalation;
        foreach (var group in failed.Where(d => d.ResidentId is not null && ladder.Contains(d.Channel)).GroupBy(d => d.AlertId))
        {
            var alertId = group.Key;
            var ids = group.Select(d => d.ResidentId!.Value).Distinct().ToList();
            var recipients = await db.AlertRecipients.Where(r => r.AlertId == alertId && ids.Contains(r.ResidentId) && r.ReachedAt == null).ToListAsync(ct);
            var failedRung = group.ToDictionary(d => d.ResidentId!.Value, d => IndexOf(d.Channel));
            var climbing = recipients.Where(r => failedRung.GetValueOrDefault(r.ResidentId, -1) >= r.Rung).ToList();
            await ClimbAsync(db, alertId, climbing, toDoor: new HashSet<Guid>(), round: null, now, ct);
        }
    }

    /// <summary>The alert's deadline passed: everyone not reached gets the next channel; a new round starts while rounds remain.</summary>
    public async Task<int> EscalateRoundAsync(CrisisOpsDbContext db, Guid alertId, DateTimeOffset now, CancellationToken ct)
    {
        var job = await db.FanOutJobs.SingleOrDefaultAsync(j => j.AlertId == alertId, ct);
        if (job is null)
        {
            return 0;
        }

        var report = await coverage.ComputeAsync(db, alertId, ct);
        var flagged = report!.Segments.Where(s => s.BelowTarget).Select(s => s.Segment).ToHashSet(StringComparer.Ordinal);
        var unreached = await db.AlertRecipients.Where(r => r.AlertId == alertId && r.ReachedAt == null).ToListAsync(ct);
        var ids = unreached.Select(r => r.ResidentId).ToList();
        var segmentsOf = new Dictionary<Guid, IReadOnlyList<string>>();
        foreach (var chunk in ids.Chunk(1000))
        {
            var people = await db.Residents.AsNoTracking().Where(p => chunk.Contains(p.Id))
                .Select(p => new { p.Id, p.Needs, p.Language, p.HomeRegionCode }).ToListAsync(ct);
            foreach (var p in people)
            {
                segmentsOf[p.Id] = CoverageQuery.SegmentsOf(p.Needs, p.Language, p.HomeRegionCode);
            }
        }

        var toDoor = unreached.Where(r => segmentsOf.TryGetValue(r.ResidentId, out var s) && s.Any(flagged.Contains)).Select(r => r.ResidentId).ToHashSet();
        var round = job.NextRound();
        var escalated = await ClimbAsync(db, alertId, unreached, toDoor, round, now, ct);
        if (round < settings.MaxRounds && unreached.Count > 0)
        {
            var owner = job.RegionPaths.OrderBy(p => p.Length).FirstOrDefault();
            if (owner is not null)
            {
                db.Deadlines.Add(Deadline.Start(Guid.CreateVersion7(now), DeadlinePolicies.DeliveryEscalation(settings.EscalateAfter),
                    new DeadlineSubject("alert", alertId, null, job.IsExercise), owner, now));
            }
        }

        db.Append(new JournalRecord(now, "system", JournalTypes.DeliveryEscalated, job.RegionCodes.FirstOrDefault(), job.RegionPaths.FirstOrDefault(), null,
            new { alertId, round, unreached = unreached.Count, escalated, toDoor = toDoor.Count, flagged = flagged.Order(StringComparer.Ordinal).ToList() },
            job.IsExercise));
        return escalated;
    }

    private async Task<int> ClimbAsync(CrisisOpsDbContext db, Guid alertId, IReadOnlyList<AlertRecipient> recipients, IReadOnlySet<Guid> toDoor,
        int? round, DateTimeOffset now, CancellationToken ct)
    {
        if (recipients.Count == 0)
        {
            return 0;
        }

        var job = await db.FanOutJobs.AsNoTracking().SingleAsync(j => j.AlertId == alertId, ct);
        var current = rules.Current;
        var ladder = current.Escalation;
        var door = ladder.Contains(DeliveryChannel.DoorToDoor) ? IndexOf(DeliveryChannel.DoorToDoor) : ladder.Count - 1;
        var languages = DeliveryFanOut.Messages(job).Select(m => m.Language).ToList();
        var added = 0;
        foreach (var chunk in recipients.Chunk(1000))
        {
            var ids = chunk.Select(r => r.ResidentId).ToList();
            var people = await db.Residents.AsNoTracking().Where(p => ids.Contains(p.Id))
                .Select(p => new { p.Id, p.Mobile, p.Landline, p.Email, p.PushToken, p.Language }).ToDictionaryAsync(p => p.Id, ct);
            var existing = (await db.Deliveries.AsNoTracking().Where(d => d.AlertId == alertId && d.ResidentId != null && ids.Contains(d.ResidentId.Value))
                .Select(d => new { d.ResidentId, d.Channel }).ToListAsync(ct)).Select(d => (d.ResidentId!.Value, d.Channel)).ToHashSet();
            foreach (var r in chunk)
            {
                if (!people.TryGetValue(r.ResidentId, out var p))
                {
                    continue;
                }

                var reach = new Reachability(p.Mobile is not null, p.Landline is not null, p.Email is not null, p.PushToken is not null);
                (DeliveryChannel Channel, int Rung)? next = toDoor.Contains(r.ResidentId)
                    ? (ladder[door], door)
                    : current.Next(r.Rung, reach);
                if (next is not { } step || existing.Contains((r.ResidentId, step.Channel)))
                {
                    continue;
                }

                var address = step.Channel switch
                {
                    DeliveryChannel.Sms => p.Mobile,
                    DeliveryChannel.VoiceCall => p.Mobile ?? p.Landline,
                    DeliveryChannel.Email => p.Email,
                    DeliveryChannel.AppPush => p.PushToken,
                    _ => null,
                };
                db.Deliveries.Add(new DeliveryRow(alertId, step.Channel, r.ResidentId, r.RegionCode, r.RegionPath, address,
                    current.LanguageFor(p.Language, languages), round ?? job.EscalationRound, job.IsExercise, now));
                r.Climb(step.Rung);
                added++;
            }
        }

        return added;
    }

    private int IndexOf(DeliveryChannel channel)
    {
        var ladder = rules.Current.Escalation;
        for (var i = 0; i < ladder.Count; i++)
        {
            if (ladder[i] == channel)
            {
                return i;
            }
        }

        return -1;
    }
}

/// <summary>The escalation deadline of an alert passed: the next round of channels for whoever is not reached.</summary>
public sealed class DeliveryEscalationMissed(Escalator escalator, DeliverySignal signal) : IDeadlineMissHandler
{
    public DeadlineKind Kind => DeadlineKind.DeliveryEscalation;

    public async Task OnMissedAsync(CrisisOpsDbContext db, Deadline deadline, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(deadline);
        await escalator.EscalateRoundAsync(db, deadline.SubjectId, now, ct);
        signal.Wake();
    }
}
