extern alias server;

using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Warning;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;
using ReadingBatchRequest = server::CrisisOps.Server.Features.Warning.ReadingBatchRequest;
using ReadingIngest = server::CrisisOps.Server.Features.Warning.ReadingIngest;
using ReadingInserts = server::CrisisOps.Server.Features.Warning.ReadingInserts;
using RiskQueue = server::CrisisOps.Server.Features.Warning.RiskQueue;

namespace CrisisOps.Bench.Warning;

/// <summary>
/// Where one batch's time goes (<c>--ingest --breakdown</c>). Batch after batch, one at a time and
/// each on new reading ids: the whole request over HTTP; the server's <c>ReadingIngest</c> called in
/// process; the same work again step by step as <c>ReadingIngest.IngestAsync</c> does it (same
/// queries, statements and transaction; keep the two in step); the risk round that follows; and
/// alternative inserts and journal shapes, each in a transaction of its own, to choose between.
/// The server runs without its background assessment worker here, so rounds are timed one by one.
/// </summary>
internal static class IngestBreakdown
{
    private const int Batches = 40;

    /// <summary>The first batches pay for JIT compilation and are left out.</summary>
    private const int Dropped = 5;

    private const string Http = "POST /api/v1/readings, whole request over HTTP";
    private const string InProcess = "ReadingIngest.IngestAsync, called in process";
    private const string Round = "Risk round after the batch (RiskQueue.RunRoundAsync: take, assess, remove)";

    private static readonly string[] Steps =
    [
        "1 JSON body → readings (the server's request type)",
        "2 station lookup (EF Core, no tracking)",
        "3 ReadingRules.Check",
        "4 writer gate (SQLite) + begin transaction",
        "5 insert the readings (ReadingInserts, the server's)",
        "6 journal-order lock (PostgreSQL) + mark the region (risk_queue upsert)",
        "7 journal: 1 entry for the region, its 100 stations listed, Append + SaveChanges",
        "8 commit",
    ];

    public static async Task RunAsync(StringBuilder report, IngestOptions options, IServiceProvider services, HttpClient http,
        IngestDatabase database, ReadingSeries series, CancellationToken ct)
    {
        var ingest = services.GetRequiredService<ReadingIngest>();
        var queue = services.GetRequiredService<RiskQueue>();
        var factory = services.GetRequiredService<IDbContextFactory<CrisisOpsDbContext>>();
        var access = new CallerAccess(null, "admin", [new Grant(Role.Admin, ReadingSeries.RegionCode, ReadingSeries.RegionPath, null)]);
        var overHttp = series.Bodies('e', Batches * IngestOptions.BatchSize);
        var inProcess = series.Bodies('f', Batches * IngestOptions.BatchSize);
        var replayed = series.Bodies('g', Batches * IngestOptions.BatchSize);
        var alternatives = Alternatives(database);
        var journals = JournalShapes();
        var times = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        void Record(string stage, long started)
        {
            if (!times.TryGetValue(stage, out var list))
            {
                times[stage] = list = [];
            }

            list.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        for (var b = 0; b < Batches; b++)
        {
            var run = await IngestLoadDriver.SendAsync(http, [overHttp[b]], 1, ct);
            times.TryAdd(Http, []);
            times[Http].Add(run.Latencies[0]);
            var started = Stopwatch.GetTimestamp();
            Expect(await queue.RunRoundAsync(ct), 1, "the risk round");
            Record(Round, started);

            var items = Parse(inProcess[b]);
            started = Stopwatch.GetTimestamp();
            var result = await ingest.IngestAsync(items, access, ct);
            Record(InProcess, started);
            Expect(result.Stored, IngestOptions.BatchSize, "ReadingIngest");
            await queue.DrainAsync(ct);

            Expect(await ReplayAsync(replayed[b], factory, access, Record, ct), IngestOptions.BatchSize, "the replay");
            await queue.DrainAsync(ct);

            // Rotated from batch to batch, so WAL checkpoints (every ~1,000 pages written) do not always land on the same one.
            for (var k = 0; k < alternatives.Count; k++)
            {
                var a = (k + b) % alternatives.Count;
                var (name, insert) = alternatives[a];
                Expect(await InTransactionAsync(database, (c, t) => insert(c, t, series, (char)('k' + a), b * IngestOptions.BatchSize, ct),
                    started => Record(name, started), ct), IngestOptions.BatchSize, name);
            }

            foreach (var (name, journal) in journals)
            {
                started = Stopwatch.GetTimestamp();
                await using var db = await factory.CreateDbContextAsync(ct);
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                await PostgresJournalOrder.TakeAsync(db, ct);
                journal(db, series, b * IngestOptions.BatchSize);
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
                Record(name, started);
            }
        }

        var median = times.ToDictionary(p => p.Key, p => Median(p.Value), StringComparer.Ordinal);
        IngestLoadDriver.Header(report, options with { Readings = Batches * IngestOptions.BatchSize, Clients = 1 }, database, await database.VersionAsync(ct));
        report.AppendLine(CultureInfo.InvariantCulture, $"Breakdown of one batch of 1,000 readings (100 stations), one batch at a time; median over batches {Dropped + 1}–{Batches}")
            .AppendLine()
            .AppendLine("| Stage | Median ms | Share of in-process |")
            .AppendLine("|---|---:|---:|");
        var whole = median[InProcess];
        foreach (var stage in new[] { Http, InProcess }.Concat(Steps).Append(Round).Where(median.ContainsKey))
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"| {stage} | {median[stage]:F1} | {median[stage] / whole:P0} |");
        }

        report.AppendLine()
            .AppendLine("Alternatives, each in a transaction of its own, same 1,000 new rows (the insert alone timed, not begin and commit) or 100 stations' journal (begin to commit):")
            .AppendLine()
            .AppendLine("| Alternative | Median ms | Fastest ms |")
            .AppendLine("|---|---:|---:|");
        foreach (var name in alternatives.Select(a => a.Name).Concat(journals.Select(j => j.Name)))
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {median[name]:F1} | {times[name].Skip(Dropped).Min():F1} |");
        }
    }

    private static List<IncomingReading> Parse(byte[] body)
    {
        var batch = JsonSerializer.Deserialize<ReadingBatchRequest>(body, JsonSerializerOptions.Web)!;
        return [.. batch.Items!.Select(i => new IncomingReading(i.Station, i.ReadingId, i.Time, i.Value, i.Unit))];
    }

    /// <summary>ReadingIngest.IngestAsync in steps (without the execution strategy, which does not retry here).</summary>
    private static async Task<int> ReplayAsync(byte[] body, IDbContextFactory<CrisisOpsDbContext> factory, CallerAccess access,
        Action<string, long> record, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var items = Parse(body);
        record(Steps[0], started);

        started = Stopwatch.GetTimestamp();
        var now = DateTimeOffset.UtcNow;
        await using var db = await factory.CreateDbContextAsync(ct);
        var codes = items.Select(i => i.Station).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var known = await db.Stations.AsNoTracking().Where(s => codes.Contains(s.Code)).ToListAsync(ct);
        var stations = known.Where(s => access.Can(Permission.IngestReadings, s.RegionPath)).ToDictionary(s => s.Code, StringComparer.Ordinal);
        record(Steps[1], started);

        started = Stopwatch.GetTimestamp();
        var check = ReadingRules.Check(items, stations, now);
        record(Steps[2], started);

        // The writer gate is free here (one batch at a time); its cost is in the in-process figure.
        started = Stopwatch.GetTimestamp();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        record(Steps[3], started);

        started = Stopwatch.GetTimestamp();
        var connection = db.Database.GetDbConnection();
        var stored = db.Database.IsSqlite()
            ? await ReadingInserts.SqliteAsync(connection, transaction.GetDbTransaction(), check.Accepted, ct)
            : await ReadingInserts.PostgresAsync(connection, transaction.GetDbTransaction(), check.Accepted, ct);
        record(Steps[4], started);

        started = Stopwatch.GetTimestamp();
        await PostgresJournalOrder.TakeAsync(db, ct);
        await RiskQueue.MarkAsync(db, stored.Select(r => stations[r.StationCode].RegionCode), now, ct);
        record(Steps[5], started);

        started = Stopwatch.GetTimestamp();
        ReadingIngest.Journal(db, stored, stations, access, now);

        await db.SaveChangesAsync(ct);
        record(Steps[6], started);

        started = Stopwatch.GetTimestamp();
        await transaction.CommitAsync(ct);
        record(Steps[7], started);
        return stored.Count;
    }

    private delegate Task<int> Insert(DbConnection connection, DbTransaction transaction, ReadingSeries series, char prefix, int first, CancellationToken ct);

    /// <summary>The insert statements compared, per database; the server's is marked.</summary>
    private static List<(string Name, Insert Insert)> Alternatives(IngestDatabase database) => database is SqliteIngestDatabase
        ?
        [
            ("SQLite: one VALUES statement of 1,000 rows, 5,000 named parameters … RETURNING (the server before)", MultiRowAsync),
            ("SQLite: prepared single-row INSERT … RETURNING, ExecuteReader per row", (c, t, s, p, f, ct) => SingleRowAsync(c, t, s, p, f, returning: true, sync: false, ct)),
            ("SQLite: prepared single-row INSERT, rows changed per row, ExecuteNonQueryAsync", (c, t, s, p, f, ct) => SingleRowAsync(c, t, s, p, f, returning: false, sync: false, ct)),
            ("SQLite: the same with synchronous ExecuteNonQuery", (c, t, s, p, f, ct) => SingleRowAsync(c, t, s, p, f, returning: false, sync: true, ct)),
            ("SQLite: prepared 50-row VALUES … RETURNING, run 20 times", ChunkedAsync),
            ("SQLite: one INSERT … SELECT FROM json_each(@rows) … RETURNING, the rows as one JSON array", JsonEachAsync),
            ("SQLite: the same single-row statement through SQLitePCL directly, bound by position (ReadingInserts.SqliteAsync, the server now)", ServerInsertAsync),
        ]
        :
        [
            ("PostgreSQL: one VALUES statement of 1,000 rows, 5,000 parameters … RETURNING (the server before)", MultiRowAsync),
            ("PostgreSQL: INSERT … SELECT FROM unnest(5 arrays) … RETURNING (the server now)", ServerInsertAsync),
            ("PostgreSQL: binary COPY into a temp table, then INSERT … SELECT … RETURNING", CopyAsync),
        ];

    /// <summary>How the journal could say what arrived: one entry per station (the server's) or one per region listing the stations.</summary>
    private static List<(string Name, Action<CrisisOpsDbContext, ReadingSeries, int> Append)> JournalShapes() =>
    [
        ("Journal: 100 entries, one per station (the server's), Append + SaveChanges", (db, series, first) =>
        {
            for (var i = 0; i < IngestOptions.Stations; i++)
            {
                db.Append(new JournalRecord(DateTimeOffset.UtcNow, "admin", JournalTypes.ReadingsIngested, ReadingSeries.RegionCode, ReadingSeries.RegionPath,
                    null, Summary(series, first, i)));
            }
        }),
        ("Journal: 1 entry for the region listing its 100 stations, Append + SaveChanges", (db, series, first) =>
        {
            var stations = Enumerable.Range(0, IngestOptions.Stations).Select(i => Summary(series, first, i)).ToList();
            db.Append(new JournalRecord(DateTimeOffset.UtcNow, "admin", JournalTypes.ReadingsIngested, ReadingSeries.RegionCode, ReadingSeries.RegionPath,
                null, new { count = IngestOptions.BatchSize, stations }));
        }),
    ];

    private static object Summary(ReadingSeries series, int first, int station) => new
    {
        station = ReadingSeries.StationCode(station),
        count = IngestOptions.BatchSize / IngestOptions.Stations,
        from = series.Time(first + station),
        to = series.Time(first + IngestOptions.BatchSize - IngestOptions.Stations + station),
        latest = ReadingSeries.Value(first + IngestOptions.BatchSize - IngestOptions.Stations + station),
        unit = "m",
    };

    /// <summary>Runs an insert in a transaction of its own; only the insert is timed (begin and commit cost the same for all).</summary>
    private static async Task<int> InTransactionAsync(IngestDatabase database, Func<DbConnection, DbTransaction, Task<int>> insert, Action<long> timed,
        CancellationToken ct)
    {
        await using var connection = database.NewConnection();
        await connection.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var started = Stopwatch.GetTimestamp();
        var stored = await insert(connection, transaction);
        timed(started);
        await transaction.CommitAsync(ct);
        return stored;
    }

    private static Reading ReadingOf(ReadingSeries series, char prefix, int n, DateTimeOffset receivedAt) =>
        new(series.Station(n), ReadingSeries.ReadingId(prefix, n), series.Time(n), ReadingSeries.Value(n), receivedAt);

    private static List<Reading> Readings(ReadingSeries series, char prefix, int first)
    {
        var receivedAt = DateTimeOffset.UtcNow;
        return [.. Enumerable.Range(first, IngestOptions.BatchSize).Select(n => ReadingOf(series, prefix, n, receivedAt))];
    }

    private static async Task<int> ServerInsertAsync(DbConnection connection, DbTransaction transaction, ReadingSeries series, char prefix, int first, CancellationToken ct)
    {
        var readings = Readings(series, prefix, first);
        return (connection is NpgsqlConnection
            ? await ReadingInserts.PostgresAsync(connection, transaction, readings, ct)
            : await ReadingInserts.SqliteAsync(connection, transaction, readings, ct)).Count;
    }

    private static async Task<int> MultiRowAsync(DbConnection connection, DbTransaction transaction, ReadingSeries series, char prefix, int first, CancellationToken ct)
    {
        var sqlite = connection is not NpgsqlConnection;
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = IngestDatabase.InsertSql(IngestOptions.BatchSize);
        var receivedAt = DateTimeOffset.UtcNow;
        for (var i = 0; i < IngestOptions.BatchSize; i++)
        {
            var r = ReadingOf(series, prefix, first + i, receivedAt);
            Add(command, $"@s{i}", r.StationCode);
            Add(command, $"@r{i}", r.ReadingId);
            Add(command, $"@t{i}", sqlite ? SqliteIngestDatabase.Text(r.Time) : r.Time.ToUniversalTime());
            Add(command, $"@v{i}", r.Value);
            Add(command, $"@a{i}", sqlite ? SqliteIngestDatabase.Text(r.ReceivedAt) : r.ReceivedAt.ToUniversalTime());
        }

        return await CountRowsAsync(command, ct);
    }

    private static async Task<int> SingleRowAsync(DbConnection connection, DbTransaction transaction, ReadingSeries series, char prefix, int first, bool returning, bool sync,
        CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = returning ? IngestDatabase.InsertSql(1) : IngestDatabase.InsertSql(1).Split(" RETURNING", 2)[0];
        foreach (var name in new[] { "@s0", "@r0", "@t0", "@v0", "@a0" })
        {
            Add(command, name, DBNull.Value);
        }

        await command.PrepareAsync(ct);
        command.Parameters[4].Value = SqliteIngestDatabase.Text(DateTimeOffset.UtcNow);
        var stored = 0;
        for (var n = first; n < first + IngestOptions.BatchSize; n++)
        {
            command.Parameters[0].Value = series.Station(n);
            command.Parameters[1].Value = ReadingSeries.ReadingId(prefix, n);
            command.Parameters[2].Value = SqliteIngestDatabase.Text(series.Time(n));
            command.Parameters[3].Value = ReadingSeries.Value(n);
#pragma warning disable CA1849 // The synchronous call is the point of this alternative.
            stored += returning ? await CountRowsAsync(command, ct) : sync ? command.ExecuteNonQuery() : await command.ExecuteNonQueryAsync(ct);
#pragma warning restore CA1849
        }

        return stored;
    }

    private static async Task<int> ChunkedAsync(DbConnection connection, DbTransaction transaction, ReadingSeries series, char prefix, int first, CancellationToken ct)
    {
        const int rows = 50;
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = IngestDatabase.InsertSql(rows);
        for (var i = 0; i < rows; i++)
        {
            foreach (var name in new[] { "s", "r", "t", "v", "a" })
            {
                Add(command, string.Create(CultureInfo.InvariantCulture, $"@{name}{i}"), DBNull.Value);
            }
        }

        await command.PrepareAsync(ct);
        var receivedAt = SqliteIngestDatabase.Text(DateTimeOffset.UtcNow);
        var stored = 0;
        for (var chunk = 0; chunk < IngestOptions.BatchSize / rows; chunk++)
        {
            for (var i = 0; i < rows; i++)
            {
                var n = first + chunk * rows + i;
                command.Parameters[5 * i].Value = series.Station(n);
                command.Parameters[5 * i + 1].Value = ReadingSeries.ReadingId(prefix, n);
                command.Parameters[5 * i + 2].Value = SqliteIngestDatabase.Text(series.Time(n));
                command.Parameters[5 * i + 3].Value = ReadingSeries.Value(n);
                command.Parameters[5 * i + 4].Value = receivedAt;
            }

            stored += await CountRowsAsync(command, ct);
        }

        return stored;
    }

    private static async Task<int> JsonEachAsync(DbConnection connection, DbTransaction transaction, ReadingSeries series, char prefix, int first,
        CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO readings ("StationCode", "ReadingId", "Time", "Value", "ReceivedAt")
            SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, @a FROM json_each(@rows) WHERE true
            ON CONFLICT ("StationCode", "ReadingId") DO NOTHING RETURNING "StationCode", "ReadingId"
            """;
        var rows = new object[IngestOptions.BatchSize][];
        for (var i = 0; i < rows.Length; i++)
        {
            var n = first + i;
            rows[i] = [series.Station(n), ReadingSeries.ReadingId(prefix, n), SqliteIngestDatabase.Text(series.Time(n)), ReadingSeries.Value(n)];
        }

        Add(command, "@rows", JsonSerializer.Serialize(rows));
        Add(command, "@a", SqliteIngestDatabase.Text(DateTimeOffset.UtcNow));
        return await CountRowsAsync(command, ct);
    }

    private static async Task<int> CopyAsync(DbConnection connection, DbTransaction transaction, ReadingSeries series, char prefix, int first, CancellationToken ct)
    {
        var npgsql = (NpgsqlConnection)connection;
        await using (var create = new NpgsqlCommand(
            """CREATE TEMP TABLE IF NOT EXISTS incoming (s text, r text, t timestamptz, v float8, a timestamptz) ON COMMIT DELETE ROWS""", npgsql, (NpgsqlTransaction)transaction))
        {
            await create.ExecuteNonQueryAsync(ct);
        }

        var receivedAt = DateTimeOffset.UtcNow;
        await using (var copy = await npgsql.BeginBinaryImportAsync("COPY incoming (s, r, t, v, a) FROM STDIN (FORMAT BINARY)", ct))
        {
            for (var n = first; n < first + IngestOptions.BatchSize; n++)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(series.Station(n), NpgsqlDbType.Text, ct);
                await copy.WriteAsync(ReadingSeries.ReadingId(prefix, n), NpgsqlDbType.Text, ct);
                await copy.WriteAsync(series.Time(n), NpgsqlDbType.TimestampTz, ct);
                await copy.WriteAsync(ReadingSeries.Value(n), NpgsqlDbType.Double, ct);
                await copy.WriteAsync(receivedAt, NpgsqlDbType.TimestampTz, ct);
            }

            await copy.CompleteAsync(ct);
        }

        await using var insert = new NpgsqlCommand("""
            INSERT INTO readings ("StationCode", "ReadingId", "Time", "Value", "ReceivedAt") SELECT s, r, t, v, a FROM incoming
            ON CONFLICT ("StationCode", "ReadingId") DO NOTHING RETURNING "StationCode", "ReadingId"
            """, npgsql, (NpgsqlTransaction)transaction);
        return await CountRowsAsync(insert, ct);
    }

    private static async Task<int> CountRowsAsync(DbCommand command, CancellationToken ct)
    {
        var rows = 0;
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows++;
        }

        return rows;
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private static void Expect(int stored, int expected, string what)
    {
        if (stored != expected)
        {
            throw new InvalidOperationException(FormattableString.Invariant($"{what} stored {stored}, not {expected}."));
        }
    }

    private static double Median(List<double> values)
    {
        var kept = values.Skip(Dropped).Order().ToArray();
        return kept[kept.Length / 2];
    }
}
