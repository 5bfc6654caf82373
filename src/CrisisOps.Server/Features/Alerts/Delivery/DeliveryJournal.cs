using CrisisOps.Data;
using CrisisOps.Domain.Journal;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Alerts.Delivery;

/// <summary>
/// The journal of delivery is kept per alert and per batch, not per message: a city-wide alert is a million
/// messages, and each message's own history already lives on its delivery row. What the audit trail needs is
/// progress it can read: each send batch and each receipts batch appends, per alert it touched, one entry with
/// the counts (no numbers, names or addresses), in the same transaction as the state changes it counts.
/// </summary>
internal static class DeliveryJournal
{
    public static async Task AppendAsync(CrisisOpsDbContext db, string type, DateTimeOffset now, string actor,
        IEnumerable<(Guid AlertId, object Counts)> perAlert, CancellationToken ct)
    {
        var entries = perAlert.ToList();
        if (entries.Count == 0)
        {
            return;
        }

        var ids = entries.Select(e => e.AlertId).Distinct().ToList();
        var jobs = await db.FanOutJobs.AsNoTracking().Where(j => ids.Contains(j.AlertId)).ToDictionaryAsync(j => j.AlertId, ct);
        foreach (var (alertId, counts) in entries)
        {
            var job = jobs.GetValueOrDefault(alertId);
            db.Append(new JournalRecord(now, actor, type, job?.RegionCodes.FirstOrDefault(), job?.RegionPaths.OrderBy(p => p.Length).FirstOrDefault(), null,
                new { alertId, counts }, job?.IsExercise ?? false));
        }
    }
}
