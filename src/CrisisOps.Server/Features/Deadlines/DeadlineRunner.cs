using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Deadlines;
using CrisisOps.Domain.Journal;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Deadlines;

/// <summary>
/// What a missed deadline means for its subject, done by the capability that owns the subject (an
/// incident flagged, an order escalated to its issuer, a claim expired). Called once, at the first
/// miss, with the runner's unit of work: it commits with the firing or not at all.
/// </summary>
public interface IDeadlineMissHandler
{
    DeadlineKind Kind { get; }

    Task OnMissedAsync(CrisisOpsDbContext db, Deadline deadline, DateTimeOffset now, CancellationToken ct);
}

/// <summary>
/// Fires due deadlines. Each firing is claimed through the deadline's concurrency token: the
/// save succeeds for exactly one replica, and the journal entries, escalation and the subject's
/// consequences (<see cref="IDeadlineMissHandler"/>) commit with it or not at all.
/// </summary>
public sealed partial class DeadlineRunner(IDbContextFactory<CrisisOpsDbContext> factory, TimeProvider clock,
    CrisisOpsMetrics metrics, IEnumerable<IDeadlineMissHandler> handlers, ILogger<DeadlineRunner> logger)
{
    private readonly Dictionary<DeadlineKind, IDeadlineMissHandler> _handlers = handlers.ToDictionary(h => h.Kind);

    private const int Batch = 100;

    /// <summary>Fires everything due now; returns how many firings this replica made.</summary>
    public async Task<int> FireDueAsync(CancellationToken ct)
    {
        var fired = 0;
        while (true)
        {
            var now = clock.GetUtcNow();
            List<Guid> due;
            await using (var db = await factory.CreateDbContextAsync(ct))
            {
                due = await db.Deadlines.AsNoTracking()
                    .Where(d => d.Status == DeadlineStatus.Open && d.NextCheckAt != null && d.NextCheckAt <= now)
                    .OrderBy(d => d.NextCheckAt).Select(d => d.Id).Take(Batch).ToListAsync(ct);
            }

            var firedThisRound = 0;
            foreach (var id in due)
            {
                if (await TryFireAsync(id, now, ct))
                {
                    firedThisRound++;
                }
            }

            fired += firedThisRound;
            if (due.Count < Batch || firedThisRound == 0)
            {
                return fired;
            }
        }
    }

    private async Task<bool> TryFireAsync(Guid id, DateTimeOffset now, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var deadline = await db.Deadlines.SingleOrDefaultAsync(d => d.Id == id, ct);
        if (deadline is null || deadline.Status != DeadlineStatus.Open || deadline.NextCheckAt is null || deadline.NextCheckAt > now)
        {
            return false;
        }

        var firing = deadline.Fire(now);
        if (firing.FirstMiss)
        {
            db.Append(new JournalRecord(now, "system", JournalTypes.DeadlineMissed, deadline.OriginRegionCode, deadline.OriginRegionPath,
                deadline.IncidentId, new
                {
                    deadlineId = deadline.Id,
                    kind = deadline.Kind,
                    deadline.DueAt,
                    owner = deadline.OwnerRole.Name(),
                    region = deadline.OriginRegionCode,
                    subject = deadline.SubjectType,
                    subjectId = deadline.SubjectId,
                    stepId = deadline.StepId,
                    titleEn = deadline.TitleEn,
                },
                deadline.IsExercise));
            if (_handlers.TryGetValue(deadline.Kind, out var handler))
            {
                await handler.OnMissedAsync(db, deadline, now, ct);
            }
        }

        if (firing.EscalatedTo is not null)
        {
            db.Append(new JournalRecord(now, "system", JournalTypes.DeadlineEscalated, deadline.OriginRegionCode, deadline.OriginRegionPath,
                deadline.IncidentId, new
                {
                    deadlineId = deadline.Id,
                    kind = deadline.Kind,
                    from = firing.EscalatedFrom,
                    to = firing.EscalatedTo,
                    owner = deadline.OwnerRole.Name(),
                    level = deadline.EscalationLevel,
                    nextCheckAt = deadline.NextCheckAt,
                    stepId = deadline.StepId,
                    titleEn = deadline.TitleEn,
                },
                deadline.IsExercise));
        }

        else if (deadline.EscalationChain.Count > 0)
        {
            // The duty has reached the top of the tree unanswered: say so once, then stop checking.
            db.Append(new JournalRecord(now, "system", JournalTypes.DeadlineExhausted, deadline.OriginRegionCode, deadline.OriginRegionPath,
                deadline.IncidentId, new { deadlineId = deadline.Id, kind = deadline.Kind, owner = deadline.OwnerRole.Name(), region = deadline.RegionCode },
                deadline.IsExercise));
        }

        // Every entry above is filed under the region where the duty arose, so its staff and all above them see it.
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another replica fired it (or someone met it) first: theirs stands, ours is dropped whole.
            LogLostClaim(logger, id);
            return false;
        }

        metrics.DeadlineFired(deadline, firing);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Deadline {Id} was claimed by another replica")]
    private static partial void LogLostClaim(ILogger logger, Guid id);
}

/// <summary>Runs <see cref="DeadlineRunner"/> on a timer from the injected clock, so fake time drives it in tests.</summary>
public sealed partial class DeadlineWorker(DeadlineRunner runner, TimeProvider clock, IConfiguration configuration,
    ILogger<DeadlineWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = configuration.GetValue("Deadlines:PollInterval", TimeSpan.FromSeconds(5));
        using var timer = new PeriodicTimer(interval, clock);
        do
        {
            try
            {
                await runner.FireDueAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A failed round is retried on the next tick; deadlines are durable, nothing is lost.
                LogRoundFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Deadline round failed; retrying on the next tick")]
    private static partial void LogRoundFailed(ILogger logger, Exception ex);
}
