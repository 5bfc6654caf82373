using System.Data.Common;
using System.Text;
using CrisisOps.Data;
using CrisisOps.Domain.Ledger;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using SQLitePCL;

namespace CrisisOps.Server.Features.Ledger;

/// <summary>
/// The inserts of the ledger that run in tens of thousands of rows — leaves and search postings at integration, entries
/// on the bulk append path — written the way bench/README.md measured fastest for each database: on SQLite one prepared single-row
/// statement stepped per row through SQLite's own interface (as <c>ReadingInserts</c>), on PostgreSQL a binary COPY
/// for leaves, postings and entries (keys already stored looked up first, since COPY cannot skip a duplicate).
/// Both run on the caller's open transaction.
/// </summary>
internal static class LedgerRows
{
    private const string EntryColumns =
        """("IdempotencyKey", "Kind", "SchemaVersion", "Body", "LeafHash", "AcceptedAt", "Time", "RegionCode", "NeedNumber", "WarehouseCode", "Party", "ItemCode")""";

    /// <summary>Leaves <paramref name="firstIndex"/>, <paramref name="firstIndex"/> + 1, … for the entries in order.</summary>
    public static async Task InsertLeavesAsync(CrisisOpsDbContext db, long firstIndex, IReadOnlyList<long> entryIds, DateTimeOffset integratedAt,
        CancellationToken ct)
    {
        var (connection, transaction) = Open(db);
        if (db.Database.IsSqlite())
        {
            var handle = SqliteHandle(connection, transaction);
            using var statement = Prepare(handle, """INSERT INTO ledger_leaves ("Index", "EntryId", "IntegratedAt") VALUES (?1, ?2, ?3)""");
            Check(raw.sqlite3_bind_text(statement, 3, CrisisOpsDbContext.SqliteTime(integratedAt)), raw.SQLITE_OK, handle);
            for (var i = 0; i < entryIds.Count; i++)
            {
                ct.ThrowIfCancellationRequested();
                Check(raw.sqlite3_bind_int64(statement, 1, firstIndex + i), raw.SQLITE_OK, handle);
                Check(raw.sqlite3_bind_int64(statement, 2, entryIds[i]), raw.SQLITE_OK, handle);
                Check(raw.sqlite3_step(statement), raw.SQLITE_DONE, handle);
                Check(raw.sqlite3_reset(statement), raw.SQLITE_OK, handle);
            }

            return;
        }

        var time = integratedAt.ToUniversalTime();
        await using var import = await ((NpgsqlConnection)connection).BeginBinaryImportAsync(
            """COPY ledger_leaves ("Index", "EntryId", "IntegratedAt") FROM STDIN (FORMAT BINARY)""", ct);
        for (var i = 0; i < entryIds.Count; i++)
        {
            await import.StartRowAsync(ct);
            await import.WriteAsync(firstIndex + i, NpgsqlDbType.Bigint, ct);
            await import.WriteAsync(entryIds[i], NpgsqlDbType.Bigint, ct);
            await import.WriteAsync(time, NpgsqlDbType.TimestampTz, ct);
        }

        await import.CompleteAsync(ct);
    }

    /// <summary>The search postings of an integrated batch, in the order given (sorted by key, so index pages fill in order).</summary>
    public static async Task InsertPostingsAsync(CrisisOpsDbContext db, IReadOnlyList<LedgerSearchPosting> postings, CancellationToken ct)
    {
        if (postings.Count == 0)
        {
            return;
        }

        var (connection, transaction) = Open(db);
        if (db.Database.IsSqlite())
        {
            var handle = SqliteHandle(connection, transaction);
            using var statement = Prepare(handle, """INSERT INTO ledger_search ("Key", "EntryId") VALUES (?1, ?2)""");
            var text = new Utf8Text();
            foreach (var posting in postings)
            {
                ct.ThrowIfCancellationRequested();
                Check(raw.sqlite3_bind_text(statement, 1, text.Of(posting.Key)), raw.SQLITE_OK, handle);
                Check(raw.sqlite3_bind_int64(statement, 2, posting.EntryId), raw.SQLITE_OK, handle);
                Check(raw.sqlite3_step(statement), raw.SQLITE_DONE, handle);
                Check(raw.sqlite3_reset(statement), raw.SQLITE_OK, handle);
            }

            return;
        }

        await using var import = await ((NpgsqlConnection)connection).BeginBinaryImportAsync(
            """COPY ledger_search ("Key", "EntryId") FROM STDIN (FORMAT BINARY)""", ct);
        foreach (var posting in postings)
        {
            await import.StartRowAsync(ct);
            await import.WriteAsync(posting.Key, NpgsqlDbType.Text, ct);
            await import.WriteAsync(posting.EntryId, NpgsqlDbType.Bigint, ct);
        }

        await import.CompleteAsync(ct);
    }

    /// <summary>Inserts accepted entries, skipping those whose idempotency key is already stored; returns the keys stored.</summary>
    public static async Task<HashSet<string>> InsertEntriesAsync(CrisisOpsDbContext db, IReadOnlyList<LedgerEntry> entries, CancellationToken ct)
    {
        var (connection, transaction) = Open(db);
        var stored = new HashSet<string>(StringComparer.Ordinal);
        if (db.Database.IsSqlite())
        {
            var handle = SqliteHandle(connection, transaction);
            using var statement = Prepare(handle,
                $"INSERT INTO ledger_entries {EntryColumns} VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) ON CONFLICT (\"IdempotencyKey\") DO NOTHING");
            var text = new Utf8Text();
            foreach (var e in entries)
            {
                ct.ThrowIfCancellationRequested();
                Check(raw.sqlite3_bind_text(statement, 1, text.Of(e.IdempotencyKey)), raw.SQLITE_OK, handle);
                Check(raw.sqlite3_bind_text(statement, 2, text.Of(e.Kind)), raw.SQLITE_OK, handle);
                Check(raw.sqlite3_bind_int(statement, 3, e.SchemaVersion), raw.SQLITE_OK, handle);
                Check(raw.sqlite3_bind_text(statement, 4, text.Of(e.Body)), raw.SQLITE_OK, handle);
                Check(raw.sqlite3_bind_blob(statement, 5, e.LeafHash), raw.SQLITE_OK, handle);
                Check(raw.sqlite3_bind_text(statement, 6, text.Of(e.AcceptedAt)), raw.SQLITE_OK, handle);
                Check(raw.sqlite3_bind_text(statement, 7, text.Of(e.Time)), raw.SQLITE_OK, handle);
                Check(raw.sqlite3_bind_text(statement, 8, text.Of(e.RegionCode)), raw.SQLITE_OK, handle);
                BindOptional(statement, 9, e.NeedNumber, text, handle);
                BindOptional(statement, 10, e.WarehouseCode, text, handle);
                BindOptional(statement, 11, e.Party, text, handle);
                BindOptional(statement, 12, e.ItemCode, text, handle);
                Check(raw.sqlite3_step(statement), raw.SQLITE_DONE, handle);
                if (raw.sqlite3_changes(handle) == 1)
                {
                    stored.Add(e.IdempotencyKey);
                }

                Check(raw.sqlite3_reset(statement), raw.SQLITE_OK, handle);
            }

            return stored;
        }

        // Keys already on the ledger (a replayed batch) are looked up first and the rest go in by binary COPY, which takes
        // rows at about four times the rate of an INSERT … ON CONFLICT over arrays (bench/README.md, "Ledger"). Nobody can
        // add one of these keys between the look-up and the COPY: every appender holds the journal-order lock, taken
        // first in its transaction, until it commits (PostgresJournalOrder; AppendManyAsync takes it before calling here).
        var held = new HashSet<string>(StringComparer.Ordinal);
        await using (var lookup = connection.CreateCommand())
        {
            lookup.Transaction = transaction;
            lookup.CommandText = """SELECT "IdempotencyKey" FROM ledger_entries WHERE "IdempotencyKey" = ANY(@key)""";
            Add(lookup, "@key", entries.Select(e => e.IdempotencyKey).Distinct(StringComparer.Ordinal).ToArray());
            await using var reader = await lookup.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                held.Add(reader.GetString(0));
            }
        }

        await using var import = await ((NpgsqlConnection)connection).BeginBinaryImportAsync(
            $"COPY ledger_entries {EntryColumns} FROM STDIN (FORMAT BINARY)", ct);
        foreach (var e in entries)
        {
            // The first of two entries with one key in a batch is stored, as ON CONFLICT DO NOTHING would.
            if (held.Contains(e.IdempotencyKey) || !stored.Add(e.IdempotencyKey))
            {
                continue;
            }

            await import.StartRowAsync(ct);
            await import.WriteAsync(e.IdempotencyKey, NpgsqlDbType.Text, ct);
            await import.WriteAsync(e.Kind, NpgsqlDbType.Text, ct);
            await import.WriteAsync(e.SchemaVersion, NpgsqlDbType.Integer, ct);
            await import.WriteAsync(e.Body, NpgsqlDbType.Text, ct);
            await import.WriteAsync(e.LeafHash, NpgsqlDbType.Bytea, ct);
            await import.WriteAsync(e.AcceptedAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, ct);
            await import.WriteAsync(e.Time.ToUniversalTime(), NpgsqlDbType.TimestampTz, ct);
            await import.WriteAsync(e.RegionCode, NpgsqlDbType.Text, ct);
            await WriteOptionalAsync(import, e.NeedNumber, ct);
            await WriteOptionalAsync(import, e.WarehouseCode, ct);
            await WriteOptionalAsync(import, e.Party, ct);
            await WriteOptionalAsync(import, e.ItemCode, ct);
        }

        await import.CompleteAsync(ct);
        return stored;
    }

    private static async Task WriteOptionalAsync(NpgsqlBinaryImporter import, string? value, CancellationToken ct)
    {
        if (value is null)
        {
            await import.WriteNullAsync(ct);
        }
        else
        {
            await import.WriteAsync(value, NpgsqlDbType.Text, ct);
        }
    }

    private static (DbConnection Connection, DbTransaction Transaction) Open(CrisisOpsDbContext db) =>
        db.Database.CurrentTransaction is { } current
            ? (db.Database.GetDbConnection(), current.GetDbTransaction())
            : throw new InvalidOperationException("Ledger rows are written inside the caller's transaction, with the change they record.");

    private static sqlite3 SqliteHandle(DbConnection connection, DbTransaction transaction) =>
        transaction.Connection == connection && ((SqliteConnection)connection).Handle is { } handle
            ? handle
            : throw new InvalidOperationException("The ledger insert runs on an open connection inside its transaction.");

    private static sqlite3_stmt Prepare(sqlite3 handle, string sql)
    {
        Check(raw.sqlite3_prepare_v2(handle, sql, out var statement), raw.SQLITE_OK, handle);
        return statement;
    }

    private static void BindOptional(sqlite3_stmt statement, int index, string? value, Utf8Text text, sqlite3 handle) =>
        Check(value is null ? raw.sqlite3_bind_null(statement, index) : raw.sqlite3_bind_text(statement, index, text.Of(value)), raw.SQLITE_OK, handle);

    /// <summary>
    /// UTF-8 for the bulk insert without an allocation per bound value (SQLite copies what is bound): one reusable buffer,
    /// and a time formatted once while consecutive entries share it (a batch is accepted at one instant).
    /// </summary>
    private sealed class Utf8Text
    {
        private byte[] _buffer = new byte[1024];
        private readonly Dictionary<DateTimeOffset, byte[]> _times = [];

        public ReadOnlySpan<byte> Of(string value)
        {
            var most = Encoding.UTF8.GetMaxByteCount(value.Length);
            if (most > _buffer.Length)
            {
                _buffer = new byte[Math.Max(most, _buffer.Length * 2)];
            }

            return _buffer.AsSpan(0, Encoding.UTF8.GetBytes(value, _buffer));
        }

        public ReadOnlySpan<byte> Of(DateTimeOffset time)
        {
            if (!_times.TryGetValue(time, out var bytes))
            {
                if (_times.Count > 64)
                {
                    _times.Clear();
                }

                bytes = Encoding.UTF8.GetBytes(CrisisOpsDbContext.SqliteTime(time));
                _times[time] = bytes;
            }

            return bytes;
        }
    }

    private static void Check(int rc, int expected, sqlite3 handle)
    {
        if (rc != expected)
        {
            SqliteException.ThrowExceptionForRC(rc, handle);
            throw new InvalidOperationException(FormattableString.Invariant($"SQLite answered {rc} where {expected} was expected."));
        }
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
