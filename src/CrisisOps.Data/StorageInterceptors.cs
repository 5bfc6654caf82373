using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CrisisOps.Data;

/// <summary>
/// SQLite's LIKE ignores ASCII case, but region codes are case-sensitive and jurisdiction filters are
/// path prefixes (<c>LIKE '/KRE/%'</c>): without this, a grant at <c>/kre/</c> would cover <c>/KRE/</c>.
/// </summary>
public sealed class SqliteCaseSensitiveLike : DbConnectionInterceptor
{
    private const string Pragma = "PRAGMA case_sensitive_like = ON;";

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
/// transactions may commit in another order, so every transaction that appends to the journal first
/// takes one transaction-scoped advisory lock; ids are then assigned and committed one writer at a
/// time. (SQLite serialises writers anyway.) The lock is held only from the journal insert to commit.
/// </summary>
public sealed class PostgresJournalOrder : DbCommandInterceptor
{
    /// <summary>Arbitrary, fixed key of the advisory lock that orders journal appends.</summary>
    public const long LockKey = 0x43_52_49_53_49_53; // "CRISIS"

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        LockIfAppending(command);
        return result;
    }

    public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        await LockIfAppendingAsync(command, cancellationToken);
        return result;
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        LockIfAppending(command);
        return result;
    }

    public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        await LockIfAppendingAsync(command, cancellationToken);
        return result;
    }

    private static bool AppendsToJournal(DbCommand command) =>
        command.CommandText.Contains("INSERT INTO journal", StringComparison.Ordinal);

    private static DbCommand? LockCommand(DbCommand command)
    {
        if (!AppendsToJournal(command))
        {
            return null;
        }

        if (command.Transaction is null)
        {
            throw new InvalidOperationException("Journal appends on PostgreSQL must run inside a transaction (AutoTransactionBehavior.Always).");
        }

        var lockCommand = command.Connection!.CreateCommand();
        lockCommand.Transaction = command.Transaction;
        lockCommand.CommandText = FormattableString.Invariant($"SELECT pg_advisory_xact_lock({LockKey});");
        return lockCommand;
    }

    private static void LockIfAppending(DbCommand command)
    {
        using var lockCommand = LockCommand(command);
        lockCommand?.ExecuteNonQuery();
    }

    private static async Task LockIfAppendingAsync(DbCommand command, CancellationToken cancellationToken)
    {
        await using var lockCommand = LockCommand(command);
        if (lockCommand is not null)
        {
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
