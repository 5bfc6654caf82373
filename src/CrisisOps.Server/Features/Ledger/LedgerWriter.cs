using System.Text.Json.Nodes;
using CrisisOps.Data;
using CrisisOps.Domain.Ledger;

namespace CrisisOps.Server.Features.Ledger;

/// <summary>One entry for <see cref="LedgerWriter.AppendManyAsync"/>: its idempotency key and body (envelope included).</summary>
public sealed record LedgerAppend(string IdempotencyKey, JsonObject Body);

/// <summary>What a bulk append stored: how many entries, and the keys skipped because they were already on the ledger.</summary>
public sealed record LedgerAppendResult(int Appended, IReadOnlyList<string> Duplicates);

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

    /// <summary>
    /// The bulk path, for code where entries arrive in batches (thousands in one transaction): every entry is accepted
    /// first (one invalid entry refuses the whole batch, nothing written), then inserted by one raw statement per
    /// database (bench/README.md, "Ledger": several times EF Core's rate), skipping keys already on the ledger — a
    /// replayed batch appends nothing twice. Runs inside the caller's open transaction, with the change it records;
    /// on PostgreSQL it takes the journal-order lock first, so entries commit in id order as the integrator assumes.
    /// </summary>
    /// <exception cref="CrisisOps.Domain.DomainException">An entry is invalid, too large or not canonicalisable.</exception>
    /// <exception cref="InvalidOperationException">No transaction is open on <paramref name="db"/>.</exception>
    public static async Task<LedgerAppendResult> AppendManyAsync(this CrisisOpsDbContext db, IReadOnlyList<LedgerAppend> items, DateTimeOffset now,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(items);
        var entries = items.Select(i => LedgerEntry.Accept(i.IdempotencyKey, i.Body, now)).ToList();
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("AppendManyAsync runs inside the caller's transaction, with the change it records.");
        }

        await PostgresJournalOrder.TakeAsync(db, ct);
        var stored = await LedgerRows.InsertEntriesAsync(db, entries, ct);
        var counted = new HashSet<string>(StringComparer.Ordinal);
        var duplicates = entries.Where(e => !stored.Contains(e.IdempotencyKey) || !counted.Add(e.IdempotencyKey)).Select(e => e.IdempotencyKey).ToList();
        return new LedgerAppendResult(entries.Count - duplicates.Count, duplicates);
    }
}
