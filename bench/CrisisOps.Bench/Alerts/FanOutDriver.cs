extern alias server;

using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using CrisisOps.Bench.Warning;
using CrisisOps.Data;
using CrisisOps.Domain.People;
using CrisisOps.Domain.Regions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;
using AlertMessage = server::CrisisOps.Server.Features.Alerts.AlertMessage;
using AlertToDeliver = server::CrisisOps.Server.Features.Alerts.AlertToDeliver;
using GatewayRegistry = server::CrisisOps.Server.Features.Alerts.Delivery.Gateways.GatewayRegistry;
using IAlertFanOut = server::CrisisOps.Server.Features.Alerts.IAlertFanOut;
using ServerProgram = server::Program;

namespace CrisisOps.Bench.Alerts;

/// <summary>
/// The fan-out benchmark (<c>--fanout [--residents N] [--postgres CONN] [--only sqlite|postgres] [--window S]</c>): the real
/// server on Kestrel at 127.0.0.1 with its background delivery worker and the loopback gateway, on a fresh SQLite file and
/// (with <c>--postgres</c> or <c>CRISISOPS_BENCH_POSTGRES</c>) a fresh PostgreSQL database.
/// <list type="number">
/// <item>N synthetic residents (<see cref="SyntheticResidents"/>) are written into the demo city's communities by a raw
/// batched insert (a prepared statement in one transaction on SQLite, binary COPY on PostgreSQL), not through EF Core.</item>
/// <item>Approval → first gateway hand-off: 20 alerts, one after another, each for one small community of 500 extra
/// residents; from the enqueue's commit until the loopback gateway receives the alert's first message.</item>
/// <item>The baseline: the recipient list alone copied in the database,
/// <c>INSERT INTO bench_recipients SELECT "Id" FROM residents WHERE "HomeRegionPath" LIKE 'city%'</c>.</item>
/// <item>One alert for the whole city through <c>IAlertFanOut</c> (Enqueue + SaveChanges + Wake): from the commit
/// until the fan-out job is expanded, i.e. every delivery is queued (goal ≤ 10 s).</item>
/// <item>Sending through the loopback gateway at its maximum rate, for a time-boxed window after the fan-out.</item>
/// </list>
/// </summary>
internal static class FanOutDriver
{
    public const string Flag = "--fanout";
    private const string City = "KRE";
    private const string SmallArea = "KRE-01-01-001";
    private const int SmallAreaResidents = 500;
    private const int LatencyRuns = 20;

    public static async Task<int> RunAsync(string[] args)
    {
        var residents = BenchArgs.Option(args, "--residents") is { } n ? int.Parse(n, NumberStyles.AllowThousands, CultureInfo.InvariantCulture) : 1_000_000;
        var window = TimeSpan.FromSeconds(BenchArgs.Option(args, "--window") is { } w ? double.Parse(w, CultureInfo.InvariantCulture) : 30);
        var only = BenchArgs.Option(args, "--only");
        var postgres = BenchArgs.Option(args, "--postgres")
            ?? (Environment.GetEnvironmentVariable("CRISISOPS_BENCH_POSTGRES") is { Length: > 0 } bench ? bench : null);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(60));
        var report = new StringBuilder();
        if (only is null or "sqlite")
        {
            await using var sqlite = new SqliteIngestDatabase();
            await RunOnAsync(report, sqlite, residents, window, timeout.Token);
        }

        if (only is null or "postgres")
        {
            if (postgres is null)
            {
                report.AppendLine("PostgreSQL: skipped (pass --postgres CONN or set CRISISOPS_BENCH_POSTGRES to a server's admin connection string)");
            }
            else
            {
                await using var pg = new PostgresIngestDatabase(postgres);
                await RunOnAsync(report, pg, residents, window, timeout.Token);
            }
        }

        Console.WriteLine(report);
        return 0;
    }

    private static async Task RunOnAsync(StringBuilder report, IngestDatabase database, int count, TimeSpan window, CancellationToken ct)
    {
        await database.CreateAsync(ct);
        var provider = database is SqliteIngestDatabase ? "SQLite" : "PostgreSQL";
        var i = CultureInfo.InvariantCulture;
        await using var host = new FanOutServer(database);
        host.StartServer();
        var address = new Uri(host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        using var receipts = new HttpClient { BaseAddress = address };
        var registry = host.Services.GetRequiredService<GatewayRegistry>();
        registry.ReceiptsTo(() => receipts);
        var loopback = registry.Loopback ?? throw new InvalidOperationException("The loopback gateway did not start.");
        var factory = host.Services.GetRequiredService<IDbContextFactory<CrisisOpsDbContext>>();
        var fanOut = host.Services.GetRequiredService<IAlertFanOut>();

        // 1. Residents: the city's communities share N; the small area gets 500 more of its own.
        var (communities, small, cityPath) = await CommunitiesAsync(factory, ct);
        var seedClock = Stopwatch.StartNew();
        // Numbered past the demo city's own synthetic residents (SYN-00000001…), which the demo seed adds first.
        await SeedAsync(database, communities, count, firstNumber: 1_000_000, ct);
        await SeedAsync(database, [small], SmallAreaResidents, firstNumber: 900_000_000, ct);
        seedClock.Stop();
        await using (var check = await factory.CreateDbContextAsync(ct))
        {
            // The raw rows read back through the real model (needs, trainings, times), or the seed is wrong.
            _ = await check.Residents.AsNoTracking().OrderBy(r => r.Id).Take(100).ToListAsync(ct);
        }

        await AnalyzeAsync(database, ct);

        // 2. Approval → first hand-off, small area, nothing else queued.
        var latencies = new List<double>();
        for (var run = 0; run < LatencyRuns; run++)
        {
            var before = loopback.HandedOn.Count;
            var alert = Alert(SmallArea, run);
            var commit = await EnqueueAsync(factory, fanOut, alert, ct);
            var watch = Stopwatch.StartNew();
            while (loopback.HandedOn.Count == before)
            {
                if (watch.Elapsed > TimeSpan.FromSeconds(30))
                {
                    throw new InvalidOperationException("No hand-off within 30 s of an enqueue.");
                }

                await Task.Delay(1, ct);
            }

            latencies.Add(Stopwatch.GetElapsedTime(commit).TotalMilliseconds);
            await UntilSettledAsync(database, alert.AlertId, ct);
        }

        // 3. Baseline: the recipient list alone, copied inside the database.
        var baselineClock = Stopwatch.StartNew();
        await using (var connection = database.NewConnection())
        {
            await connection.OpenAsync(ct);
            var idType = database is SqliteIngestDatabase ? "TEXT" : "uuid";
            await ExecuteAsync(connection, $"CREATE TABLE bench_recipients (id {idType} NOT NULL)", ct);
            baselineClock.Restart();
            var copied = await ExecuteAsync(connection,
                $"INSERT INTO bench_recipients SELECT \"Id\" FROM residents WHERE \"HomeRegionPath\" LIKE '{cityPath.Replace("'", "''", StringComparison.Ordinal)}%'", ct);
            baselineClock.Stop();
            if (copied < count)
            {
                throw new InvalidOperationException(string.Create(i, $"The baseline copied {copied:N0} ids, fewer than the {count:N0} residents."));
            }
        }

        // 4. The whole city.
        var handedBefore = loopback.HandedOn.Count;
        var cityAlert = Alert(City, 99);
        var cityCommit = await EnqueueAsync(factory, fanOut, cityAlert, ct);
        var expanded = await UntilExpandedAsync(database, cityAlert.AlertId, ct);
        var fanOutTime = Stopwatch.GetElapsedTime(cityCommit);
        var handedDuringFanOut = loopback.HandedOn.Count - handedBefore;
        var (targeted, deliveries) = await CountsAsync(database, cityAlert.AlertId, ct);

        // 5. Sending at the loopback gateway's maximum rate, for the window.
        var windowStart = loopback.HandedOn.Count;
        await Task.Delay(window, ct);
        var sent = loopback.HandedOn.Count - windowStart;
        var queuedLeft = await database.ScalarAsync(($"SELECT COUNT(*) FROM deliveries WHERE \"AlertId\" = {IdLiteral(database, cityAlert.AlertId)} AND \"Status\" IN ('Queued', 'Sending')"), ct);
        _ = expanded;

        latencies.Sort();
        var routed = targeted / fanOutTime.TotalSeconds;
        var baselineRate = count / baselineClock.Elapsed.TotalSeconds;
        report.AppendLine(i, $"Alert fan-out on {provider}: {count:N0} synthetic residents in {communities.Count} communities of the demo city (+{SmallAreaResidents} in {SmallArea})")
            .AppendLine(i, $"Database: {database.Description}; {await database.VersionAsync(ct)}")
            .AppendLine(i, $"Machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}")
            .AppendLine(i, $"Seeding (raw batched insert, not EF Core): {seedClock.Elapsed.TotalSeconds:F1} s")
            .AppendLine()
            .AppendLine("| Measure | Figure | Goal |")
            .AppendLine("|---|---:|---:|")
            .AppendLine(i, $"| Whole city: enqueue commit → every delivery queued | {fanOutTime.TotalSeconds:F2} s | ≤ 10 s |")
            .AppendLine(i, $"| Recipients routed | {targeted:N0} ({routed:N0}/s) → {deliveries:N0} deliveries | |")
            .AppendLine(i, $"| Baseline: INSERT … SELECT of the recipient ids alone | {baselineClock.Elapsed.TotalSeconds:F2} s ({baselineRate:N0}/s); fan-out = {fanOutTime.TotalSeconds / baselineClock.Elapsed.TotalSeconds:F1}× | |")
            .AppendLine(i, $"| Gateway hand-offs during the fan-out | {handedDuringFanOut:N0} | |")
            .AppendLine(i, $"| Loopback sending, {window.TotalSeconds:F0} s window after the fan-out | {sent:N0} ({sent / window.TotalSeconds:N0} deliveries/s); {queuedLeft:N0} still queued | |")
            .AppendLine(i, $"| Approval → first gateway hand-off, {LatencyRuns} alerts for {SmallAreaResidents} residents | p50 {IngestLoadDriver.Percentile([.. latencies], 0.5):F0} ms, p99 {IngestLoadDriver.Percentile([.. latencies], 0.99):F0} ms, max {latencies[^1]:F0} ms | p99 ≤ 1 s |")
            .AppendLine()
            .AppendLine(i, $"SUMMARY fanout {provider}: {count:N0} residents, queued in {fanOutTime.TotalSeconds:F2} s ({routed:N0} recipients/s, {deliveries:N0} deliveries) vs baseline copy {baselineClock.Elapsed.TotalSeconds:F2} s; loopback {sent / window.TotalSeconds:N0} deliveries/s; first hand-off p99 {IngestLoadDriver.Percentile([.. latencies], 0.99):F0} ms")
            .AppendLine();
        Console.WriteLine(report.ToString());
    }

    private static AlertToDeliver Alert(string region, int n) => new(Guid.NewGuid(),
        string.Create(CultureInfo.InvariantCulture, $"urn:oid:2.49.0.1.156.bench.{n}.{Guid.NewGuid():N}"), Domain.Warning.WarningTier.Emergency,
        [region], [], IsExercise: true,
        [new AlertMessage("zh-CN", "暴雨红色预警", "未来3小时降雨量将达100毫米以上。", "请立即转移到安全地带。"),
            new AlertMessage("en", "Red rainstorm warning", "Over 100 mm of rain within 3 hours.", "Move to safe ground now.")]);

    /// <summary>Enqueue, save, wake, as the release does; returns the timestamp right after the commit.</summary>
    private static async Task<long> EnqueueAsync(IDbContextFactory<CrisisOpsDbContext> factory, IAlertFanOut fanOut, AlertToDeliver alert, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        fanOut.Enqueue(db, alert, DateTimeOffset.UtcNow);
        await db.SaveChangesAsync(ct);
        var committed = Stopwatch.GetTimestamp();
        fanOut.Wake();
        return committed;
    }

    private static async Task<bool> UntilExpandedAsync(IngestDatabase database, Guid alertId, CancellationToken ct)
    {
        var sql = ($"SELECT COUNT(*) FROM delivery_fanout_jobs WHERE \"AlertId\" = {IdLiteral(database, alertId)} AND \"ExpandedAt\" IS NOT NULL");
        var watch = Stopwatch.StartNew();
        while (await database.ScalarAsync(sql, ct) == 0)
        {
            if (watch.Elapsed > TimeSpan.FromMinutes(20))
            {
                throw new InvalidOperationException("The fan-out did not finish within 20 minutes.");
            }

            await Task.Delay(10, ct);
        }

        return true;
    }

    /// <summary>Until a small alert is expanded and nothing of it waits for the gateway, so the next run starts on an idle worker.</summary>
    private static async Task UntilSettledAsync(IngestDatabase database, Guid alertId, CancellationToken ct)
    {
        await UntilExpandedAsync(database, alertId, ct);
        var sql = ($"SELECT COUNT(*) FROM deliveries WHERE \"AlertId\" = {IdLiteral(database, alertId)} AND \"Status\" IN ('Queued', 'Sending')");
        while (await database.ScalarAsync(sql, ct) > 0)
        {
            await Task.Delay(20, ct);
        }
    }

    private static async Task<(long Targeted, long Deliveries)> CountsAsync(IngestDatabase database, Guid alertId, CancellationToken ct)
    {
        var id = IdLiteral(database, alertId);
        return (await database.ScalarAsync(($"SELECT \"Targeted\" FROM delivery_fanout_jobs WHERE \"AlertId\" = {id}"), ct),
            await database.ScalarAsync(($"SELECT COUNT(*) FROM deliveries WHERE \"AlertId\" = {id}"), ct));
    }

    private static string IdLiteral(IngestDatabase database, Guid id) =>
        database is SqliteIngestDatabase ? $"'{id.ToString("D").ToUpperInvariant()}'" : $"'{id:D}'::uuid";

    private static async Task<(List<SyntheticCommunity> City, SyntheticCommunity Small, string CityPath)> CommunitiesAsync(
        IDbContextFactory<CrisisOpsDbContext> factory, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var regions = await db.Regions.AsNoTracking().Where(r => r.Level == RegionLevel.Community).ToListAsync(ct);
        var all = regions.Select(r =>
        {
            var point = r.BoundaryGeoJson is { } json ? GeoJson.ReadGeometry(json).InteriorPoint : null;
            return new SyntheticCommunity(r.Code, r.Path, point?.Y ?? 48.41, point?.X ?? 15.61);
        }).OrderBy(c => c.RegionCode, StringComparer.Ordinal).ToList();
        var small = all.Single(c => c.RegionCode == SmallArea);
        var cityPath = (await db.Regions.AsNoTracking().SingleAsync(r => r.Code == City, ct)).Path;
        return ([.. all.Where(c => c != small)], small, cityPath);
    }

    private static readonly string[] ResidentColumns =
    [
        "Id", "Reference", "Name", "BirthYear", "HomeRegionCode", "HomeRegionPath", "HomeLatitude", "HomeLongitude", "HomeAddress",
        "Mobile", "Landline", "Email", "PushToken", "Language", "Needs", "Trainings", "CreatedAt", "UpdatedAt", "Version",
    ];

    private static readonly JsonSerializerOptions TrainingJson = new(JsonSerializerDefaults.Web);

    private static object?[] Values(Resident r, bool sqlite) =>
    [
        sqlite ? r.Id.ToString("D").ToUpperInvariant() : r.Id, r.Reference, r.Name, r.BirthYear, r.HomeRegionCode, r.HomeRegionPath,
        r.HomeLatitude, r.HomeLongitude, r.HomeAddress, r.Mobile, r.Landline, r.Email, r.PushToken, r.Language, (int)r.Needs,
        JsonSerializer.Serialize(r.Trainings, TrainingJson),
        sqlite ? CrisisOpsDbContext.SqliteTime(r.CreatedAt) : r.CreatedAt.ToUniversalTime(),
        sqlite ? CrisisOpsDbContext.SqliteTime(r.UpdatedAt) : r.UpdatedAt.ToUniversalTime(), r.Version,
    ];

    /// <summary>
    /// The residents written raw, as a bulk import would: on SQLite one prepared INSERT re-bound per row, 50,000 rows per
    /// transaction; on PostgreSQL binary COPY. Neither goes through EF Core's change tracker.
    /// </summary>
    private static async Task SeedAsync(IngestDatabase database, IReadOnlyList<SyntheticCommunity> communities, int count, int firstNumber,
        CancellationToken ct)
    {
        var people = SyntheticResidents.Generate(communities, count, seed: 6, DateTimeOffset.UtcNow, firstNumber);
        var columns = string.Join(", ", ResidentColumns.Select(c => "\"" + c + "\""));
        if (database.NewConnection() is NpgsqlConnection pg)
        {
            await using var _ = pg;
            await pg.OpenAsync(ct);
            await using var copy = await pg.BeginBinaryImportAsync($"COPY residents ({columns}) FROM STDIN (FORMAT BINARY)", ct);
            foreach (var r in people)
            {
                await copy.StartRowAsync(ct);
                var values = Values(r, sqlite: false);
                for (var c = 0; c < values.Length; c++)
                {
                    await (values[c] switch
                    {
                        null => copy.WriteNullAsync(ct),
                        Guid g => copy.WriteAsync(g, NpgsqlDbType.Uuid, ct),
                        string s => copy.WriteAsync(s, NpgsqlDbType.Varchar, ct),
                        int n => copy.WriteAsync(n, NpgsqlDbType.Integer, ct),
                        double d => copy.WriteAsync(d, NpgsqlDbType.Double, ct),
                        DateTimeOffset t => copy.WriteAsync(t, NpgsqlDbType.TimestampTz, ct),
                        var other => throw new InvalidOperationException("No COPY type for " + other.GetType()),
                    });
                }
            }

            await copy.CompleteAsync(ct);
            return;
        }

        await using var connection = (SqliteConnection)database.NewConnection();
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = $"INSERT INTO residents ({columns}) VALUES ({string.Join(", ", ResidentColumns.Select((_, c) => "$p" + c))})";
        var parameters = ResidentColumns.Select((_, c) => command.Parameters.Add(new SqliteParameter("$p" + c.ToString(CultureInfo.InvariantCulture), null))).ToArray();
        var transaction = connection.BeginTransaction();
        command.Transaction = transaction;
        command.Prepare();
        var rows = 0;
        foreach (var r in people)
        {
            var values = Values(r, sqlite: true);
            for (var c = 0; c < values.Length; c++)
            {
                parameters[c].Value = values[c] ?? DBNull.Value;
            }

            await command.ExecuteNonQueryAsync(ct);
            if (++rows % 50_000 == 0)
            {
                await transaction.CommitAsync(ct);
                await transaction.DisposeAsync();
                transaction = connection.BeginTransaction();
                command.Transaction = transaction;
            }
        }

        await transaction.CommitAsync(ct);
        await transaction.DisposeAsync();
    }

    /// <summary>Fresh statistics after the bulk load, as an operator would after an import of this size.</summary>
    private static async Task AnalyzeAsync(IngestDatabase database, CancellationToken ct)
    {
        await using var connection = database.NewConnection();
        await connection.OpenAsync(ct);
        await ExecuteAsync(connection, "ANALYZE", ct);
    }

    private static async Task<int> ExecuteAsync(DbConnection connection, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 600;
        return await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The real server on Kestrel at a free 127.0.0.1 port: demo city, background delivery worker, loopback gateway.</summary>
    private sealed class FanOutServer : WebApplicationFactory<ServerProgram>
    {
        private readonly IngestDatabase _database;

        public FanOutServer(IngestDatabase database)
        {
            _database = database;
            UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            var manifest = Path.Combine(AppContext.BaseDirectory, "MvcTestingAppManifest.json");
            using var document = JsonDocument.Parse(File.ReadAllBytes(manifest));
            builder.UseContentRoot(document.RootElement.GetProperty(typeof(ServerProgram).Assembly.FullName!).GetString()!);
            builder.UseEnvironment("Production");
            builder.UseSetting("Database:Provider", _database.Provider);
            builder.UseSetting("ConnectionStrings:CrisisOps", _database.ConnectionString);
            builder.UseSetting("Admin:InitialPassword", "admin-password-for-the-fanout-bench");
            builder.UseSetting("Deadlines:RunInBackground", "false");
            builder.UseSetting("Demo:Enabled", "true");
            builder.UseSetting("Demo:Password", "demo-password-for-the-fanout-bench");
            builder.UseSetting("Risk:AssessInBackground", "false");
            builder.UseSetting("Risk:SweepInBackground", "false");
            builder.UseSetting("Delivery:RunInBackground", "true");
            builder.UseSetting("Delivery:Loopback:Enabled", "true");
            builder.UseSetting("Delivery:Loopback:ReceiptDelay", "00:00:00");
            if (Environment.GetEnvironmentVariable("CRISISOPS_BENCH_EXPAND_BATCH") is { Length: > 0 } batch)
            {
                builder.UseSetting("Delivery:ExpandBatch", batch);
            }
        }
    }
}
