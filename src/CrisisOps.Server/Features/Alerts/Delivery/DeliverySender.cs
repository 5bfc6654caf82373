using System.Collections.Concurrent;
using System.Globalization;
using CrisisOps.Data;
using CrisisOps.Domain.Alerts.Delivery;
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

        var results = new ConcurrentBag<(DeliveryRow Delivery, string Gateway, SendResult Result)>();
        await Parallel.ForEachAsync(claimed, new ParallelOptions { MaxDegreeOfParallelism = settings.SendConcurrency, CancellationToken = ct },
            async (delivery, token2) =>
            {
                var gateway = gateways.For(delivery.Channel);
                var result = gateway is null
                    ? SendResult.Permanent($"no gateway carries {delivery.Channel.Name()}")
                    : await gateway.SendAsync(MessageOf(delivery), token2);
                results.Add((delivery, gateway?.Name ?? "", result));
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

    private async Task RecordAsync(Guid token, IReadOnlyList<(DeliveryRow Delivery, string Gateway, SendResult Result)> results, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var db = await factory.CreateDbContextAsync(ct);
        using var pass = await gate.EnterAsync(priority: false, ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var failed = new List<DeliveryRow>();
        var deliveredNow = new List<DeliveryRow>();
        foreach (var (delivery, gatewayName, result) in results)
        {
            var id = delivery.Id;
            var mine = db.Deliveries.Where(d => d.Id == id && d.ClaimToken == token && d.Status == DeliveryStatus.Sending);
            int changed;
            if (result.Outcome == SendOutcome.Accepted)
            {
                var status = result.DeliveredNow ? DeliveryStatus.Delivered : DeliveryStatus.Sent;
                changed = await mine.ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, status).SetProperty(d => d.SentAt, now)
                    .SetProperty(d => d.DeliveredAt, result.DeliveredNow ? now : null).SetProperty(d => d.Gateway, gatewayName)
                    .SetProperty(d => d.GatewayMessageId, result.MessageId).SetProperty(d => d.LeaseUntil, (DateTimeOffset?)null), ct);
                if (changed > 0 && result.DeliveredNow)
                {
                    deliveredNow.Add(delivery);
                }
            }
            else if (result.Outcome == SendOutcome.Transient && delivery.Attempts < settings.MaxAttempts)
            {
                // Exponential backoff on the injected clock: 1, 2, 4, … times the base.
                var next = now + (settings.RetryBase * Math.Pow(2, delivery.Attempts - 1));
                changed = await mine.ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, DeliveryStatus.Queued).SetProperty(d => d.NextAttemptAt, next)
                    .SetProperty(d => d.LastError, Truncate(result.Error)).SetProperty(d => d.ClaimToken, (Guid?)null)
                    .SetProperty(d => d.LeaseUntil, (DateTimeOffset?)null), ct);
            }
            else
            {
                changed = await mine.ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, DeliveryStatus.Failed).SetProperty(d => d.FailedAt, now)
                    .SetProperty(d => d.Gateway, gatewayName).SetProperty(d => d.LastError, Truncate(result.Error))
                    .SetProperty(d => d.LeaseUntil, (DateTimeOffset?)null), ct);
                if (changed > 0)
                {
                    failed.Add(delivery);
                }
            }
        }

        await Escalator.MarkReachedAsync(db, deliveredNow, now, ct);
        await escalator.AfterFailuresAsync(db, failed, now, ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
    }

    private static string? Truncate(string? error) => error is { Length: > 500 } e ? e[..500] : error;
}
