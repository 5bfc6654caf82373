extern alias server;

using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using CrisisOps.Domain.Warning;
using Npgsql;
using ReadingInserts = server::CrisisOps.Server.Features.Warning.ReadingInserts;

namespace CrisisOps.Bench.Warning;

/// <summary>
/// The database one load-driver run writes to: a fresh temp SQLite file, or a fresh PostgreSQL
/// database created from an admin connection string and dropped at the end. The server and the
/// raw baseline both write into it, so they meet the same file, settings and table.
/// </summary>
internal abstract class IngestDatabase : IAsyncDisposable
{
    /// <summary>The value of the server's <c>Database:Provider</c> setting.</summary>
    public abstract string Provider { get; }

    public abstract string ConnectionString { get; }

    /// <summary>Where the rows go, for the report (no password).</summary>
    public abstract string Description { get; }

    public abstract Task CreateAsync(CancellationToken ct);

    public abstract DbConnection NewConnection();

    /// <summary>A reading's time as the server's insert binds it.</summary>
    public abstract object TimeParameter(DateTimeOffset time);

    public abstract Task<string> VersionAsync(CancellationToken ct);

    public abstract ValueTask DisposeAsync();

    public async Task<long> ScalarAsync(string sql, CancellationToken ct)
    {
        await using var connection = NewConnection();
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The statement the server used before (one multi-row INSERT with parameters named @s0, @r0, …
    /// that skips rows already stored and returns the ones it stored), for the breakdown's comparison.
    /// </summary>
    public static string InsertSql(int rows)
    {
        var sql = new StringBuilder("""INSERT INTO readings ("StationCode", "ReadingId", "Time", "Value", "ReceivedAt") VALUES """);
        for (var i = 0; i < rows; i++)
        {
            sql.Append(i == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture, $"(@s{i}, @r{i}, @t{i}, @v{i}, @a{i})");
        }

        return sql.Append(""" ON CONFLICT ("StationCode", "ReadingId") DO NOTHING RETURNING "StationCode", "ReadingId" """).ToString();
    }
}

internal sealed class SqliteIngestDatabase : IngestDatabase
{
    // The text the server writes for a DateTimeOffset (ReadingIngest and the EF Core mapping).
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"crisisops-ingest-{Guid.NewGuid():N}.db");

    public override string Provider => "sqlite";

    public override string ConnectionString => new SqliteConnectionStringBuilder { DataSource = _file }.ToString();

    public override string Description => "SQLite, temp file " + _file;

    // The server creates and migrates the file at start.
    public override Task CreateAsync(CancellationToken ct) => Task.CompletedTask;

    public override DbConnection NewConnection() => new SqliteConnection(ConnectionString);

    public override object TimeParameter(DateTimeOffset time) => Text(time);

    public static string Text(DateTimeOffset time) => time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    public override async Task<string> VersionAsync(CancellationToken ct)
    {
        await using var connection = NewConnection();
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT sqlite_version() || ', journal_mode=' || (SELECT journal_mode FROM pragma_journal_mode) || ', synchronous=' || (SELECT CASE synchronous WHEN 0 THEN 'OFF' WHEN 1 THEN 'NORMAL' WHEN 2 THEN 'FULL' ELSE 'EXTRA' END FROM pragma_synchronous)";
        return "SQLite " + await command.ExecuteScalarAsync(ct);
    }

    public override ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            try
            {
                File.Delete(_file + suffix);
            }
            catch (IOException)
            {
                // A leftover temp file is harmless.
            }
        }

        return ValueTask.CompletedTask;
    }
}

internal sealed class PostgresIngestDatabase(string adminConnectionString) : IngestDatabase
{
    private readonly string _name = $"crisisops_bench_{Guid.NewGuid():N}";
    private bool _created;

    public override string Provider => "postgres";

    public override string ConnectionString => new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = _name }.ConnectionString;

    public override string Description
    {
        get
        {
            var admin = new NpgsqlConnectionStringBuilder(adminConnectionString);
            return FormattableString.Invariant($"PostgreSQL at {admin.Host}:{admin.Port}, fresh database {_name}");
        }
    }

    public override async Task CreateAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{_name}\"", connection);
        await command.ExecuteNonQueryAsync(ct);
        _created = true;
    }

    public override DbConnection NewConnection() => new NpgsqlConnection(ConnectionString);

    public override object TimeParameter(DateTimeOffset time) => time.ToUniversalTime();

    public override async Task<string> VersionAsync(CancellationToken ct)
    {
        await using var connection = NewConnection();
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 'PostgreSQL ' || current_setting('server_version') || ', synchronous_commit=' || current_setting('synchronous_commit') || ', fsync=' || current_setting('fsync')";
        return (string)(await command.ExecuteScalarAsync(ct))!;
    }

    public override async ValueTask DisposeAsync()
    {
        if (!_created)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>Wall time of one timed run and, for HTTP, each batch's latency in milliseconds.</summary>
internal sealed record TimedRun(long Readings, TimeSpan Elapsed, double[] Latencies)
{
    public double PerSecond => Readings / Elapsed.TotalSeconds;
}

/// <summary>
/// The baseline: the server's own insert (<c>ReadingInserts</c>: on SQLite a prepared single-row
/// statement run per reading, on PostgreSQL one statement over arrays), 1,000 rows per transaction,
/// straight through Microsoft.Data.Sqlite or Npgsql; each writer keeps one connection. No HTTP, JSON,
/// checks, journal, risk queue or writer gate: what a hand-written loader of the same rows would do.
/// </summary>
internal static class RawInsert
{
    public static async Task<TimedRun> RunAsync(IngestDatabase database, ReadingSeries series, char prefix, int readings, int writers,
        DateTimeOffset receivedAt, CancellationToken ct)
    {
        var chunks = (readings + IngestOptions.BatchSize - 1) / IngestOptions.BatchSize;
        var next = -1;
        long stored = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            await using var connection = database.NewConnection();
            await connection.OpenAsync(ct);
            int chunk;
            while ((chunk = Interlocked.Increment(ref next)) < chunks)
            {
                var first = chunk * IngestOptions.BatchSize;
                var rows = Enumerable.Range(first, Math.Min(IngestOptions.BatchSize, readings - first))
                    .Select(n => new Reading(series.Station(n), ReadingSeries.ReadingId(prefix, n), series.Time(n), ReadingSeries.Value(n), receivedAt))
                    .ToList();
                await using var transaction = await connection.BeginTransactionAsync(ct);
                var written = database is SqliteIngestDatabase
                    ? await ReadingInserts.SqliteAsync(connection, transaction, rows, ct)
                    : await ReadingInserts.PostgresAsync(connection, transaction, rows, ct);
                await transaction.CommitAsync(ct);
                Interlocked.Add(ref stored, written.Count);
            }
        }, ct)));
        clock.Stop();
        if (stored != readings)
        {
            throw new InvalidOperationException(FormattableString.Invariant($"The raw insert stored {stored:N0} rows, not {readings:N0}."));
        }

        return new TimedRun(stored, clock.Elapsed, []);
    }
}
