using System.Data.Common;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using CrisisOps.Data;
using CrisisOps.Domain.Journal;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CrisisOps.Bench.Journal;

/// <summary>When SQLite waits for the disk; set on every connection, by both paths alike.</summary>
public enum SqliteSynchronous
{
    /// <summary>SQLite's default and the server's: every commit waits for an fsync of the WAL.</summary>
    Full,

    /// <summary>Commits in WAL mode do not fsync (only checkpoints do): shows the CPU cost without disk latency.</summary>
    Normal,
}

/// <summary>
/// Journal appends per second into SQLite in WAL mode: through EF Core, as the server writes them
/// (<see cref="CrisisOpsDbContext.Append"/> then SaveChanges, a fresh context per unit of work),
/// against a raw prepared INSERT of the same rows and columns in one transaction per batch. Each
/// invocation appends <see cref="EntriesPerInvoke"/> entries in batches of <see cref="BatchSize"/>;
/// one batch is one commit either way, on a connection from the pool.
/// </summary>
[MemoryDiagnoser]
public class JournalAppendBenchmarks
{
    public const int EntriesPerInvoke = 100;

    private const string InsertSql =
        """
        INSERT INTO "journal" ("Time", "Actor", "RegionCode", "RegionPath", "IncidentId", "Type", "Payload", "IsExercise")
        VALUES ($time, $actor, $regionCode, $regionPath, $incidentId, $type, $payload, $isExercise)
        """;

    // The text EF Core's SQLite mapping writes for DateTimeOffset in this model (see CrisisOpsDbContext).
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    private string _path = "";
    private string _connectionString = "";
    private DbContextOptions<CrisisOpsDbContext> _options = new DbContextOptionsBuilder<CrisisOpsDbContext>().Options;
    private JournalRecord[] _records = [];

    /// <summary>Entries per SaveChanges (EF Core) or per transaction (raw).</summary>
    [Params(1, 100)]
    public int BatchSize { get; set; }

    [Params(SqliteSynchronous.Full, SqliteSynchronous.Normal)]
    public SqliteSynchronous Synchronous { get; set; }

    private string SynchronousPragma => Synchronous == SqliteSynchronous.Full
        ? "PRAGMA synchronous=FULL;"
        : "PRAGMA synchronous=NORMAL;";

    /// <exception cref="InvalidOperationException">The two paths write different rows.</exception>
    [GlobalSetup]
    public void Setup()
    {
        if (BatchSize <= 0 || EntriesPerInvoke % BatchSize != 0)
        {
            throw new InvalidOperationException($"BatchSize must divide {EntriesPerInvoke}.");
        }

        _path = Path.Combine(Path.GetTempPath(), $"crisisops-bench-{Guid.NewGuid():N}.db");
        _connectionString = new SqliteConnectionStringBuilder { DataSource = _path }.ToString();
        var builder = new DbContextOptionsBuilder<CrisisOpsDbContext>();
        builder.UseCrisisOps(DatabaseProvider.Sqlite, _connectionString)
            .AddInterceptors(new PragmaOnOpen(SynchronousPragma));
        _options = builder.Options;
        using (var db = new CrisisOpsDbContext(_options))
        {
            db.Database.Migrate();
            db.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL;");
        }

        _records = [.. Enumerable.Range(0, EntriesPerInvoke).Select(Record)];
        CheckBothPathsWriteTheSameRows();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_path + suffix);
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = EntriesPerInvoke)]
    public int RawInsert() => RawInsert(_records);

    [Benchmark(OperationsPerInvoke = EntriesPerInvoke)]
    public int EfCoreSaveChanges() => EfCoreSaveChanges(_records);

    private int EfCoreSaveChanges(JournalRecord[] records)
    {
        var written = 0;
        foreach (var batch in records.Chunk(BatchSize))
        {
            using var db = new CrisisOpsDbContext(_options);
            foreach (var record in batch)
            {
                db.Append(record);
            }

            written += db.SaveChanges();
        }

        return written;
    }

    private int RawInsert(JournalRecord[] records)
    {
        var written = 0;
        foreach (var batch in records.Chunk(BatchSize))
        {
            using var connection = new SqliteConnection(_connectionString);
            connection.Open();
            using (var pragma = connection.CreateCommand())
            {
                pragma.CommandText = SynchronousPragma;
                pragma.ExecuteNonQuery();
            }

            using var transaction = connection.BeginTransaction();
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = InsertSql;
            var time = command.Parameters.Add("$time", SqliteType.Text);
            var actor = command.Parameters.Add("$actor", SqliteType.Text);
            var regionCode = command.Parameters.Add("$regionCode", SqliteType.Text);
            var regionPath = command.Parameters.Add("$regionPath", SqliteType.Text);
            var incidentId = command.Parameters.Add("$incidentId", SqliteType.Text);
            var type = command.Parameters.Add("$type", SqliteType.Text);
            var payload = command.Parameters.Add("$payload", SqliteType.Text);
            var isExercise = command.Parameters.Add("$isExercise", SqliteType.Integer);
            command.Prepare();
            foreach (var record in batch)
            {
                // The entity serialises the payload exactly as EF Core would store it.
                var entry = new JournalEntry(record);
                time.Value = entry.Time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);
                actor.Value = entry.Actor;
                regionCode.Value = (object?)entry.RegionCode ?? DBNull.Value;
                regionPath.Value = (object?)entry.RegionPath ?? DBNull.Value;
                incidentId.Value = entry.IncidentId is { } id ? id.ToString().ToUpperInvariant() : DBNull.Value;
                type.Value = entry.Type;
                payload.Value = entry.Payload;
                isExercise.Value = entry.IsExercise;
                written += command.ExecuteNonQuery();
            }

            transaction.Commit();
        }

        return written;
    }

    // Writes a few records both ways and compares every column but the id, value and SQLite type,
    // so the comparison stays honest if the model's mapping changes.
    private void CheckBothPathsWriteTheSameRows()
    {
        var sample = _records[..Math.Min(BatchSize, 5)];
        EfCoreSaveChanges(sample);
        RawInsert(sample);

        var rows = new List<string>();
        using (var connection = new SqliteConnection(_connectionString))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText =
                """
                SELECT "Time", typeof("Time"), "Actor", "RegionCode", "RegionPath", "IncidentId", typeof("IncidentId"),
                       "Type", "Payload", "IsExercise", typeof("IsExercise")
                FROM "journal" ORDER BY "Id"
                """;
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount)
                        .Select(i => reader.IsDBNull(i) ? "NULL" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture))));
                }
            }

            // The sample rows stay: the journal is append-only (a trigger refuses DELETE), and a few
            // extra rows do not change what an append costs.
            command.CommandText = "PRAGMA journal_mode;";
            if (command.ExecuteScalar() is not "wal")
            {
                throw new InvalidOperationException("The benchmark database is not in WAL mode.");
            }
        }

        if (rows.Count != 2 * sample.Length)
        {
            throw new InvalidOperationException($"Expected {2 * sample.Length} rows, read {rows.Count}.");
        }

        for (var i = 0; i < sample.Length; i++)
        {
            if (!string.Equals(rows[i], rows[sample.Length + i], StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"EF Core and raw rows differ:\n  {rows[i]}\n  {rows[sample.Length + i]}");
            }
        }
    }

    // A plausible mix: status changes in districts, a few exercises, a system-wide entry now and then.
    private static JournalRecord Record(int i)
    {
        var time = new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero).AddSeconds(i * 7.25);
        if (i % 10 == 9)
        {
            return new JournalRecord(time, "system", JournalTypes.DeadlineMissed, null, null, null,
                new { deadline = string.Create(CultureInfo.InvariantCulture, $"D-{i:0000}"), escalatedTo = "KRE" });
        }

        var district = 1 + (i % 4);
        var subdistrict = 1 + (i % 3);
        var region = string.Create(CultureInfo.InvariantCulture, $"KRE-{district:00}-{subdistrict:00}");
        return new JournalRecord(
            time,
            string.Create(CultureInfo.InvariantCulture, $"duty.kre{district:00}{subdistrict:00}"),
            JournalTypes.IncidentStatusChanged,
            region,
            string.Create(CultureInfo.InvariantCulture, $"/AT-3/KRE/KRE-{district:00}/{region}/"),
            new Guid(i, 0x4d2c, 0x7a11, 0x90, 0x1e, 0x52, 0xb3, 0x6f, 0x08, 0xc4, (byte)i),
            new { number = string.Create(CultureInfo.InvariantCulture, $"INC-2026-{i:000000}"), from = "reported", to = "dispatched", note = "Crew 3 on the way" },
            IsExercise: i % 5 == 0);
    }

    private sealed class PragmaOnOpen(string pragma) : DbConnectionInterceptor
    {
        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
        {
            ArgumentNullException.ThrowIfNull(connection);
            using var command = connection.CreateCommand();
            command.CommandText = pragma;
            command.ExecuteNonQuery();
        }
    }
}
