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
using ReadingBatchRequest = server::CrisisOps.Server.Features.Warning.ReadingBatchRequest;
using ReadingIngest = server::CrisisOps.Server.Features.Warning.ReadingIngest;

namespace CrisisOps.Bench.Warning;

/// <summary>
/// Where one batch's time goes (<c>--ingest --breakdown</c>). Batch after batch, one at a time and
/// each on new reading ids: the whole request over HTTP; the server's <c>ReadingIngest</c> called in
/// process; the same work again step by step as <c>ReadingIngest.IngestAsync</c> does it (same
/// queries, statement and transaction; keep the two in step); and one alternative insert per
/// database, to size what a different statement would save.
/// </summary>
internal static class IngestBreakdown
{
    private const int Batches = 40;

    /// <summary>The first batches pay for JIT compilation and are left out.</summary>
    private const int Dropped = 5;

    private const string Http = "POST /api/v1/readings, whole request over HTTP";
    private const string InProcess = "ReadingIngest.IngestAsync, called in process";
    private const string Alternative = "Alternative insert, same 1,000 rows, own transaction";
    private const string ServerInsert = "Server's insert: steps 4 + 5 + 6 + 8";

    private static readonly string[] Steps =
    [
        "1 JSON body → readings (the server's request type)",
        "2 station lookup (EF Core, no tracking)",
        "3 ReadingRules.Check",
        "4 begin transaction (+ journal-order lock on PostgreSQL)",
        "5 build INSERT: SQL text and 5,000 parameters",
        "6 execute INSERT … RETURNING (prepare, bind, write)",
        "   6a of which SQLite compiles the 1,000-row statement (prepare)",
        "7 journal: 100 entries, Append + SaveChanges",
        "8 commit",
    ];

    private static readonly string Execute = Steps[5];
    private static readonly string Prepare = Steps[6];
    private static readonly string Journal = Steps[7];
    private static readonly string Commit = Steps[8];

    public static async Task RunAsync(StringBuilder report, IngestOptions options, IServiceProvider services, HttpClient http,
        IngestDatabase database, ReadingSeries series, CancellationToken ct)
    {
        var ingest = services.GetRequiredService<ReadingIngest>();
        var factory = services.GetRequiredService<IDbContextFactory<CrisisOpsDbContext>>();
        var access = new CallerAccess(null, "admin", [new Grant(Role.Admin, ReadingSeries.RegionCode, ReadingSeries.RegionPath, null)]);
        var overHttp = series.Bodies('e', Batches * IngestOptions.BatchSize);
        var inProcess = series.Bodies('f', Batches * IngestOptions.BatchSize);
        var replayed = series.Bodies('g', Batches * IngestOptions.BatchSize);
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

            var items = Parse(inProcess[b]);
            var started = Stopwatch.GetTimestamp();
            var result = await ingest.IngestAsync(items, access, ct);
            Record(InProcess, started);
            Expect(result.Stored, "ReadingIngest");

            Expect(await ReplayAsync(replayed[b], factory, access, Record, ct), "the replay");

            started = Stopwatch.GetTimestamp();
            Expect(await AlternativeAsync(database, series, b * IngestOptions.BatchSize, ct), "the alternative insert");
            Record(Alternative, started);
        }

        var median = times.ToDictionary(p => p.Key, p => Median(p.Value), StringComparer.Ordinal);
        median[ServerInsert] = median[Steps[3]] + median[Steps[4]] + median[Execute] + median[Commit];
        IngestLoadDriver.Header(report, options with { Readings = Batches * IngestOptions.BatchSize, Clients = 1 }, database, await database.VersionAsync(ct));
        report.AppendLine(CultureInfo.InvariantCulture, $"Breakdown of one batch of 1,000 readings (100 stations), one batch at a time; median over batches {Dropped + 1}–{Batches}")
            .AppendLine()
            .AppendLine("| Stage | Median ms | Share of in-process |")
            .AppendLine("|---|---:|---:|");
        var whole = median[InProcess];
        var alternative = database is SqliteIngestDatabase
            ? "one prepared single-row INSERT … RETURNING, run 1,000 times"
            : "INSERT … SELECT FROM unnest(4 arrays) … RETURNING";
        foreach (var stage in new[] { Http, InProcess }.Concat(Steps).Append(ServerInsert).Append(Alternative).Where(median.ContainsKey))
        {
            var label = stage == Alternative ? $"{Alternative}: {alternative}" : stage;
            report.AppendLine(CultureInfo.InvariantCulture, $"| {label} | {median[stage]:F1} | {median[stage] / whole:P0} |");
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

        started = Stopwatch.GetTimestamp();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await PostgresJournalOrder.TakeAsync(db, ct);
        record(Steps[3], started);

        started = Stopwatch.GetTimestamp();
        var sqlite = db.Database.IsSqlite();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = transaction.GetDbTransaction();
        var sql = new StringBuilder("""INSERT INTO readings ("StationCode", "ReadingId", "Time", "Value", "ReceivedAt") VALUES """);
        for (var i = 0; i < check.Accepted.Count; i++)
        {
            var r = check.Accepted[i];
            sql.Append(i == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture, $"(@s{i}, @r{i}, @t{i}, @v{i}, @a{i})");
            Add(command, $"@s{i}", r.StationCode);
            Add(command, $"@r{i}", r.ReadingId);
            Add(command, $"@t{i}", sqlite ? SqliteIngestDatabase.Text(r.Time) : r.Time.ToUniversalTime());
            Add(command, $"@v{i}", r.Value);
            Add(command, $"@a{i}", sqlite ? SqliteIngestDatabase.Text(r.ReceivedAt) : r.ReceivedAt.ToUniversalTime());
        }

        sql.Append(""" ON CONFLICT ("StationCode", "ReadingId") DO NOTHING RETURNING "StationCode", "ReadingId" """);
        command.CommandText = sql.ToString();
        record(Steps[4], started);

        // SQLite compiles on first execution anyway; doing it first separates compiling from binding and
        // writing. (Npgsql's Prepare would create a server-side prepared statement, which the server does not do.)
        var executeStarted = Stopwatch.GetTimestamp();
        started = executeStarted;
        if (sqlite)
        {
            await command.PrepareAsync(ct);
            record(Prepare, started);
        }

        var inserted = new HashSet<(string, string)>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                inserted.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        var stored = check.Accepted.Where(r => inserted.Contains((r.StationCode, r.ReadingId))).ToList();
        record(Execute, executeStarted);

        started = Stopwatch.GetTimestamp();
        foreach (var group in stored.GroupBy(r => r.StationCode, StringComparer.Ordinal))
        {
            var station = stations[group.Key];
            var latest = group.MaxBy(r => r.Time)!;
            db.Append(new JournalRecord(now, access.Name, JournalTypes.ReadingsIngested, station.RegionCode, station.RegionPath, null,
                new { station = station.Code, count = group.Count(), from = group.Min(r => r.Time), to = latest.Time, latest = latest.Value, unit = station.Unit }));
        }

        await db.SaveChangesAsync(ct);
        record(Journal, started);

        started = Stopwatch.GetTimestamp();
        await transaction.CommitAsync(ct);
        record(Commit, started);
        return stored.Count;
    }

    /// <summary>
    /// The same rows another way, in a transaction of their own on a pooled connection: on SQLite one
    /// prepared single-row statement run per row (no named-parameter lookups that grow with the batch);
    /// on PostgreSQL one statement over four arrays.
    /// </summary>
    private static async Task<int> AlternativeAsync(IngestDatabase database, ReadingSeries series, int first, CancellationToken ct)
    {
        const char prefix = 'k';
        var receivedAt = database.TimeParameter(DateTimeOffset.UtcNow);
        await using var connection = database.NewConnection();
        await connection.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        var stored = 0;
        if (database is SqliteIngestDatabase)
        {
            command.CommandText = IngestDatabase.InsertSql(1);
            foreach (var name in new[] { "@s0", "@r0", "@t0", "@v0", "@a0" })
            {
                Add(command, name, DBNull.Value);
            }

            await command.PrepareAsync(ct);
            command.Parameters[4].Value = receivedAt;
            for (var n = first; n < first + IngestOptions.BatchSize; n++)
            {
                command.Parameters[0].Value = series.Station(n);
                command.Parameters[1].Value = ReadingSeries.ReadingId(prefix, n);
                command.Parameters[2].Value = database.TimeParameter(series.Time(n));
                command.Parameters[3].Value = ReadingSeries.Value(n);
                stored += await CountRowsAsync(command, ct);
            }
        }
        else
        {
            var range = Enumerable.Range(first, IngestOptions.BatchSize).ToArray();
            command.CommandText = """
                INSERT INTO readings ("StationCode", "ReadingId", "Time", "Value", "ReceivedAt")
                SELECT s, r, t, v, $5 FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::float8[]) AS u(s, r, t, v)
                ON CONFLICT ("StationCode", "ReadingId") DO NOTHING RETURNING "StationCode", "ReadingId"
                """;
            Add(command, "", range.Select(series.Station).ToArray());
            Add(command, "", range.Select(n => ReadingSeries.ReadingId(prefix, n)).ToArray());
            Add(command, "", range.Select(series.Time).ToArray());
            Add(command, "", range.Select(ReadingSeries.Value).ToArray());
            Add(command, "", receivedAt);
            stored = await CountRowsAsync(command, ct);
        }

        await transaction.CommitAsync(ct);
        return stored;
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

    private static void Expect(int stored, string what)
    {
        if (stored != IngestOptions.BatchSize)
        {
            throw new InvalidOperationException(FormattableString.Invariant($"{what} stored {stored} readings, not {IngestOptions.BatchSize}."));
        }
    }

    private static double Median(List<double> values)
    {
        var kept = values.Skip(Dropped).Order().ToArray();
        return kept[kept.Length / 2];
    }
}
