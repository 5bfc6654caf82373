using System.Collections.Concurrent;
using System.Globalization;
using CrisisOps.Data;
using CrisisOps.Domain.Alerts.Delivery;
using CrisisOps.Domain.Journal;
using CrisisOps.Server.Features.Alerts.Delivery.Gateways;
using CrisisOps.Server.Platform;
using Microsoft.EntityFrameworkCore;
using DeliveryRow = CrisisOps.Domain.Alerts.Delivery.Delivery;

namespace CrisisOps.Server.Features.Alerts.Delivery;

/// <summary>
/// Sends queued deliveries. A batch is claimed with a lease in one UPDATE (on PostgreSQL the candidates are
/// locked with SKIP LOCKED, so replicas take different rows); the claim token makes a lapsed sender's late
/// answer a no-op. A delivery whose lease ran out (its sender crashed mid-send) is claimed again and sent
/// with the same idempotency key, its id, which the gateway dedupes on: nobody gets it twice.
/// </summary>
public sealed class DeliverySender(IDbContextFactory<CrisisOpsDbContext> factory, GatewayRegistry gateways, DeliverySettings settings,
    Escalator escalator, SqliteWriteGate gate, TimeProvider clock)
{
    private readonly ConcurrentDictionary<Guid, (string Identifier, IReadOnlyList<AlertMessage> Messages)> _texts = new();

    /// <summary>Claims and sends one batch; returns how many were claimed (0 when nothing is due).</summary>
    public async Task<int> SendOnceAsync(CancellationToken ct)
    {
        var token = Guid.NewGuid();
        var now = clock.GetUtcNow();
        List<DeliveryRow> claimed;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            using (await gate.EnterAsync(priority: false, ct))
            {
                if (await ClaimAsync(db, token, now, ct) == 0)
                {
                    return 0;
                }
            }

            var dbToken = token;
            claimed = await db.Deliveries.AsNoTracking().Where(d => d.ClaimToken == dbToken).ToListAsync(ct);
            foreach (var alertId in claimed.Select(d => d.AlertId).Distinct().Where(a => !_texts.ContainsKey(a)))
            {
                var job = await db.FanOutJobs.AsNoTracking().SingleAsync(j => j.AlertId == alertId, ct);
                _texts[alertId] = (job.Identifier, DeliveryFanOut.Messages(job));
            }
        }

        // Each gateway gets its deliveries in batches of what it takes per hand-off; batches go out in parallel.
        var work = new List<(IDeliveryGateway? Gateway, DeliveryRow[] Batch)>();
        foreach (var group in claimed.GroupBy(d => gateways.For(d.Channel)))
        {
            work.AddRange(group.Chunk(Math.Max(1, group.Key?.MaxBatch ?? settings.SendBatch)).Select(chunk => (group.Key, chunk)));
        }

        var results = new ConcurrentBag<(DeliveryRow Delivery, string Gateway, SendResult Result)>();
        await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = settings.SendConcurrency, CancellationToken = ct },
            async (item, token2) =>
            {
                if (item.Gateway is not { } gateway)
                {
                    foreach (var delivery in item.Batch)
                    {
                        results.Add((delivery, "", SendResult.Permanent($"no gateway carries {delivery.Channel.Name()}")));
                    }

                    return;
                }

                var answers = await gateway.SendBatchAsync([.. item.Batch.Select(MessageOf)], token2);
                for (var i = 0; i < item.Batch.Length; i++)
                {
                    results.Add((item.Batch[i], gateway.Name, answers[i]));
                }
            });

        await RecordAsync(token, [.. results], ct);
        return claimed.Count;
    }

    private GatewayMessage MessageOf(DeliveryRow d)
    {
        var (identifier, messages) = _texts[d.AlertId];
        var m = messages.FirstOrDefault(x => string.Equals(x.Language, d.Language, StringComparison.OrdinalIgnoreCase)) ?? messages[0];
        var exercise = d.IsExercise ? (m.Language.StartsWith("zh", StringComparison.Ordinal) ? "【演练】" : "[EXERCISE] ") : "";
        var text = exercise + m.Headline + "\n" + m.Description + (m.Instruction is { Length: > 0 } i ? "\n" + i : "");
        return new GatewayMessage(d.Id, d.Channel, d.Address ?? d.RegionCode, m.Language, text, identifier, d.IsExercise);
    }

    private async Task<int> ClaimAsync(CrisisOpsDbContext db, Guid token, DateTimeOffset now, CancellationToken ct)
    {
        var due = """
            (("Status" = 'Queued' AND "NextAttemptAt" <= {1}) OR ("Status" = 'Sending' AND "LeaseUntil" < {1}))
            """;
        var lockRows = db.Database.IsNpgsql() ? " FOR UPDATE SKIP LOCKED" : "";

        // The condition is repeated outside the sub-query: on PostgreSQL a row another replica claimed meanwhile
        // is re-checked against it after the lock wait and left alone.
        var batch = settings.SendBatch.ToString(CultureInfo.InvariantCulture);
        var sql = $$"""
            UPDATE deliveries SET "Status" = 'Sending', "ClaimToken" = {0}, "LeaseUntil" = {2}, "Attempts" = "Attempts" + 1
            WHERE "Id" IN (SELECT "Id" FROM deliveries WHERE {{due}} ORDER BY "NextAttemptAt" LIMIT {{batch}}{{lockRows}})
              AND {{due}}
            """;
        return await db.Database.ExecuteSqlRawAsync(sql,
            [DeliverySql.Id(db, token), DeliverySql.Time(db, now), DeliverySql.Time(db, now + settings.Lease)], ct);
    }

    /// <summary>Records a batch's answers in a few set-based statements, each guarded by the claim token (a lapsed sender changes nothing).</summary>
    private async Task RecordAsync(Guid token, IReadOnlyList<(DeliveryRow Delivery, string Gateway, SendResult Result)> results, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var db = await factory.CreateDbContextAsync(ct);
        using var pass = await gate.EnterAsync(priority: false, ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await PostgresJournalOrder.TakeAsync(db, ct);
        string[] sending = [nameof(DeliveryStatus.Sending)];
        var byId = results.ToDictionary(r => r.Delivery.Id, r => r.Delivery);
        var deliveredNow = new List<DeliveryRow>();
        var accepted = new List<DeliveryRow>();
        var retrying = new List<DeliveryRow>();
        var failed = new List<DeliveryRow>();
        foreach (var group in results.Where(r => r.Result.Outcome == SendOutcome.Accepted).GroupBy(r => (r.Gateway, r.Result.DeliveredNow)))
        {
            var items = group.ToList();
            var (gatewayName, deliveredAtOnce) = group.Key;
            var changed = await DeliverySql.UpdateAsync(db, [.. items.Select(r => r.Delivery.Id)],
            [
                ("Status", (deliveredAtOnce ? DeliveryStatus.Delivered : DeliveryStatus.Sent).ToString()), ("SentAt", DeliverySql.Time(db, now)),
                ("DeliveredAt", deliveredAtOnce ? DeliverySql.Time(db, now) : null), ("Gateway", gatewayName), ("LeaseUntil", null),
            ], sending, token, ("GatewayMessageId", [.. items.Select(r => r.Result.MessageId)]), ct);
            accepted.AddRange(changed.Select(id => byId[id]));
            if (deliveredAtOnce)
            {
                deliveredNow.AddRange(changed.Select(id => byId[id]));
            }
        }

        // Transient answers wait for their next attempt: exponential backoff on the injected clock, 1, 2, 4, … times the base.
        foreach (var group in results.Where(r => r.Result.Outcome == SendOutcome.Transient && r.Delivery.Attempts < settings.MaxAttempts)
            .GroupBy(r => (r.Delivery.Attempts, r.Result.Error)))
        {
            var next = now + (settings.RetryBase * Math.Pow(2, group.Key.Attempts - 1));
            var changed = await DeliverySql.UpdateAsync(db, [.. group.Select(r => r.Delivery.Id)],
            [
                ("Status", nameof(DeliveryStatus.Queued)), ("NextAttemptAt", DeliverySql.Time(db, next)), ("LastError", Truncate(group.Key.Error)),
                ("ClaimToken", null), ("LeaseUntil", null),
            ], sending, token, null, ct);
            retrying.AddRange(changed.Select(id => byId[id]));
        }

        foreach (var group in results.Where(r => r.Result.Outcome == SendOutcome.Permanent
                || (r.Result.Outcome == SendOutcome.Transient && r.Delivery.Attempts >= settings.MaxAttempts))
            .GroupBy(r => (r.Gateway, r.Result.Error)))
        {
            var changed = await DeliverySql.UpdateAsync(db, [.. group.Select(r => r.Delivery.Id)],
            [
                ("Status", nameof(DeliveryStatus.Failed)), ("FailedAt", DeliverySql.Time(db, now)), ("Gateway", group.Key.Gateway),
                ("LastError", Truncate(group.Key.Error)), ("LeaseUntil", null),
            ], sending, token, null, ct);
            failed.AddRange(changed.Select(id => byId[id]));
        }

        await Escalator.MarkReachedAsync(db, deliveredNow, now, ct);
        await escalator.AfterFailuresAsync(db, failed, now, ct);
        await DeliveryJournal.AppendAsync(db, JournalTypes.DeliveryBatchSent, now, "system",
            accepted.Concat(retrying).Concat(failed).Select(d => d.AlertId).Distinct().Select(alertId => (alertId, (object)new
            {
                accepted = accepted.Count(d => d.AlertId == alertId),
                deliveredAtOnce = deliveredNow.Count(d => d.AlertId == alertId),
                retrying = retrying.Count(d => d.AlertId == alertId),
                failed = failed.Count(d => d.AlertId == alertId),
            })), ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
    }

    private static string? Truncate(string? error) => error is { Length: > 500 } e ? e[..500] : error;
}
