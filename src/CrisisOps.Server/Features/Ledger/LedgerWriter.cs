using System.Text.Json.Nodes;
using CrisisOps.Data;
using CrisisOps.Domain.Ledger;

namespace CrisisOps.Server.Features.Ledger;

/// <summary>
/// How every capability puts something on the sunshine ledger: the entry joins the durable queue in the caller's
/// own SaveChanges, so a stock movement and its public record commit together or not at all. The integrator
/// puts queued entries into the tree within the stated delay (docs/ledger.md).
/// </summary>
public static class LedgerWriter
{
    /// <summary>
    /// Queues an entry (see <see cref="LedgerEntry.Accept"/> for the envelope). The key must be unique per event:
    /// derive it from what happened (<c>"receipt:{claim id}:{n}"</c>), so a retry of the same event cannot append twice —
    /// the unique index refuses the second save.
    /// </summary>
    /// <exception cref="CrisisOps.Domain.DomainException">The entry is invalid, too large or not canonicalisable.</exception>
    public static LedgerEntry AppendToLedger(this CrisisOpsDbContext db, string idempotencyKey, JsonObject body, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(db);
        var entry = LedgerEntry.Accept(idempotencyKey, body, now);
        db.LedgerEntries.Add(entry);
        return entry;
    }
}
