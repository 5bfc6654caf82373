using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CrisisOps.Data;

/// <summary>
/// Settings every SQLite connection gets as it opens (they are per connection, not stored in the file).
/// <list type="bullet">
/// <item><c>case_sensitive_like</c>: SQLite's LIKE ignores ASCII case, but region codes are case-sensitive and jurisdiction
/// filters are path prefixes (<c>LIKE '/KRE/%'</c>): without it, a grant at <c>/kre/</c> would cover <c>/KRE/</c>.</item>
/// <item><c>wal_autocheckpoint</c> of 16,384 pages (64 MiB of WAL) instead of 1,000: a bulk commit of a thousand ledger
/// entries or readings dirties more than 1,000 pages, so the default copied the WAL back into the file on almost every
/// commit, writing hot pages (the table's tail, index pages) once per commit instead of once per checkpoint; measured
/// (bench/README.md, "Ledger") the commit took a third less time. Durability is unchanged (synchronous stays FULL).</item>
/// </list>
/// </summary>
public sealed class SqliteConnectionSettings : DbConnectionInterceptor
{
    private const string Pragma = "PRAGMA case_sensitive_like = ON; PRAGMA wal_autocheckpoint = 16384;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = connection.CreateCommand();
        command.CommandText = Pragma;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = connection.CreateCommand();
        command.CommandText = Pragma;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>
/// Journal ids must become visible in order: a live-feed reader that has passed id N must never see
/// a smaller id commit later. PostgreSQL hands out identity values at insert, and concurrent
/// transactions may commit in another order, so a save that appends to the journal takes one
/// transaction-scoped advisory lock as the very first statement of its transaction; ids are then
/// assigned and committed one writer at a time. Taking it first, before any row lock, keeps every
/// writer's lock order the same, so the lock cannot deadlock with row locks. (SQLite serialises
/// writers anyway.)
/// </summary>
public sealed class PostgresJournalOrder : DbTransactionInterceptor
{
    /// <summary>Arbitrary, fixed key of the advisory lock that orders journal appends.</summary>
    public const long LockKey = 0x43_52_49_53_49_53; // "CRISIS"

    private static readonly string Sql = FormattableString.Invariant($"SELECT pg_advisory_xact_lock({LockKey});");

    /// <summary>
    /// For code that opens its own transaction before it knows what it will journal (bulk ingest):
    /// takes the journal-order lock now, first in the transaction. No-op on SQLite.
    /// </summary>
    public static async Task TakeAsync(Microsoft.EntityFrameworkCore.DbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (Microsoft.EntityFrameworkCore.NpgsqlDatabaseFacadeExtensions.IsNpgsql(db.Database))
        {
            await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.ExecuteSqlRawAsync(db.Database, Sql, cancellationToken);
        }
    }

    public override DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(eventData);
        if (AppendsToJournal(eventData))
        {
            using var command = connection.CreateCommand();
            command.Transaction = result;
            command.CommandText = Sql;
            command.ExecuteNonQuery();
        }

        return result;
    }

    public override async ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData,
        DbTransaction result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(eventData);
        if (AppendsToJournal(eventData))
        {
            await using var command = connection.CreateCommand();
            command.Transaction = result;
            command.CommandText = Sql;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        return result;
    }

    // Ledger entries too: the ledger's integrator reads the queue "after the last integrated id", which holds only if
    // entries commit in id order — also when a save queues an entry without journaling.
    private static bool AppendsToJournal(TransactionEndEventData eventData) =>
        eventData.Context?.ChangeTracker.Entries<Domain.Journal.JournalEntry>()
            .Any(e => e.State == Microsoft.EntityFrameworkCore.EntityState.Added) == true
        || eventData.Context?.ChangeTracker.Entries<Domain.Ledger.LedgerEntry>()
            .Any(e => e.State == Microsoft.EntityFrameworkCore.EntityState.Added) == true;
}
