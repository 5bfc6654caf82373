extern alias server;

using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CrisisOps.Bench.Warning;
using CrisisOps.Data;
using CrisisOps.Domain.Ledger;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using SQLitePCL;
using LedgerAppend = server::CrisisOps.Server.Features.Ledger.LedgerAppend;
using LedgerIntegrator = server::CrisisOps.Server.Features.Ledger.LedgerIntegrator;
using LedgerTree = server::CrisisOps.Server.Features.Ledger.LedgerTree;
using LedgerWriter = server::CrisisOps.Server.Features.Ledger.LedgerWriter;
using ServerProgram = server::Program;
using SqliteWriteGate = server::CrisisOps.Server.Platform.SqliteWriteGate;

namespace CrisisOps.Bench.Ledger;

/// <summary>
/// The sunshine ledger benchmark (<c>ledger [--entries N] [--seconds S] [--rate R] [--postgres CONN] [--only sqlite|postgres]</c>),
/// on the real server (in process, its background integrator on the system clock) over a fresh SQLite file and, with
/// <c>--postgres</c> or <c>CRISISOPS_BENCH_POSTGRES</c>, a fresh PostgreSQL database:
/// <list type="number">
/// <item>Baselines, same run, same leaves: raw SHA-256 leaf hashing of the canonical bodies; a raw batched insert of the
/// same rows into a plain table of the same columns (1,000 rows per transaction).</item>
/// <item>Durable appends/s, two writers, 1,000 entries per transaction, until the background integrator has put every one
/// under a signed checkpoint: through EF Core (<c>AppendToLedger</c> + SaveChanges) and through the bulk path
/// (<c>AppendManyAsync</c>).</item>
/// <item>Integration delay under a steady load: one paced writer at R entries/s for S seconds; per batch, from its commit
/// until this replica publishes a checkpoint covering it.</item>
/// <item>The log filled to N entries; a fresh tree loaded from the tiles (a restart); inclusion proofs/s on it, in memory
/// and through the HTTP endpoint; consistency proofs/s.</item>
/// <item>Storage bytes per entry.</item>
/// </list>
/// </summary>
internal static class LedgerBenchmark
{
    public const string Command = "ledger";
    private const int Batch = 1000;
    private const int Writers = 2;

    public static async Task<int> RunAsync(string[] args)
    {
        var entries = BenchArgs.Option(args, "--entries") is { } n ? int.Parse(n, NumberStyles.AllowThousands, CultureInfo.InvariantCulture) : 1_000_000;
        var seconds = BenchArgs.Option(args, "--seconds") is { } s ? double.Parse(s, CultureInfo.InvariantCulture) : 10;
        var rate = BenchArgs.Option(args, "--rate") is { } r ? int.Parse(r, NumberStyles.AllowThousands, CultureInfo.InvariantCulture) : 50_000;
        var only = BenchArgs.Option(args, "--only");
        var postgres = BenchArgs.Option(args, "--postgres")
            ?? (Environment.GetEnvironmentVariable("CRISISOPS_BENCH_POSTGRES") is { Length: > 0 } bench ? bench : null);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(90));
        var report = new StringBuilder();
        if (only is null or "sqlite")
        {
            await using var sqlite = new SqliteIngestDatabase();
            await RunOnAsync(report, sqlite, entries, seconds, rate, timeout.Token);
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
                await RunOnAsync(report, pg, entries, seconds, rate, timeout.Token);
            }
        }

        Console.WriteLine(report);
        return 0;
    }

    private static async Task RunOnAsync(StringBuilder report, IngestDatabase database, int total, double seconds, int rate, CancellationToken ct)
    {
        var i = CultureInfo.InvariantCulture;
        await database.CreateAsync(ct);
        var provider = database is SqliteIngestDatabase ? "SQLite" : "PostgreSQL";
        var keyFile = Path.Combine(Path.GetTempPath(), $"crisisops-ledger-bench-{Guid.NewGuid():N}.key");
        try
        {
            await using var host = new LedgerServer(database, keyFile);
            var services = host.Services;
            var factory = services.GetRequiredService<IDbContextFactory<CrisisOpsDbContext>>();
            var tree = services.GetRequiredService<LedgerTree>();
            var gate = services.GetRequiredService<SqliteWriteGate>();
            var integrator = services.GetRequiredService<LedgerIntegrator>();
            var appendCount = Math.Min(total, 200_000);
            var now = DateTimeOffset.UtcNow;

            // 0. The same leaves for everyone: bodies, accepted (canonical form + leaf hash) once for the baselines.
            var bodies = Enumerable.Range(0, appendCount).Select(n => Body(now, n)).ToList();
            var acceptClock = Stopwatch.StartNew();
            var accepted = bodies.Select((b, n) => LedgerEntry.Accept($"bench:base:{n}", (JsonObject)b.DeepClone(), now)).ToList();
            acceptClock.Stop();
            var bytes = accepted.ConvertAll(e => Encoding.UTF8.GetBytes(e.Body));
            var meanBody = bytes.Average(b => b.Length);

            // 1a. Raw SHA-256 of the same leaves, one core.
            var hashClock = Stopwatch.StartNew();
            var sink = 0;
            foreach (var body in bytes)
            {
                sink ^= MerkleHash.Leaf(body)[0];
            }

            hashClock.Stop();
            var nodeRate = NodeHashRate();

            // 1b. Raw batched insert of the same rows into a plain table with the same columns.
            var rawClock = await RawInsertAsync(database, accepted, ct);

            // 2. Durable appends: EF Core, then the bulk path.
            var ef = await DurableAsync(tree, count: Math.Min(appendCount, 50_000), ct, (n, batch) => AppendEfAsync(factory, gate, n, batch, bodies, ct));
            // The bulk path over half the log (at least the 200,000 bodies): long enough that the wait for the last
            // checkpoint (up to the integration interval) does not decide the rate.
            Interlocked.Exchange(ref _split, new Split());
            var bulk = await DurableAsync(tree, count: Math.Max(appendCount, total / 2), ct,
                async (n, batch) => await AppendBulkAsync(factory, gate, n, batch, bodies, "bulk", ct));
            var split = _split;

            // 3. Integration delay under a steady load.
            var steadyRate = rate;
            var steady = await SteadyAsync(factory, gate, tree, bodies, steadyRate, TimeSpan.FromSeconds(seconds), ct);

            // 4. Fill to N, then a restart's tree load and proofs.
            var fillClock = Stopwatch.StartNew();
            var filled = tree.Size;
            var round = 0;
            while (filled < total)
            {
                var count = (int)Math.Min(total - filled, 100_000);
                for (var offset = 0; offset < count; offset += Batch)
                {
                    await AppendBulkAsync(factory, gate, offset, Math.Min(Batch, count - offset), bodies, $"fill{round}", ct);
                }

                await integrator.IntegrateNowAsync(ct);
                filled = tree.Size;
                round++;
            }

            fillClock.Stop();
            var size = tree.Size;
            var checkpoint = await LatestAsync(factory, ct);
            var loadClock = Stopwatch.StartNew();
            var fresh = new LedgerTree(factory, NullLogger<LedgerTree>.Instance);
            await fresh.EnsureSizeAsync(size, ct);
            loadClock.Stop();
            if (fresh.Problem is not null || !fresh.Levels.Root(size).AsSpan().SequenceEqual(checkpoint.RootHash))
            {
                throw new InvalidOperationException("The tree loaded from the tiles does not reproduce the latest checkpoint: " + fresh.Problem);
            }

            var (inclusion, verified) = InclusionRate(fresh, size, checkpoint.RootHash, served: false);
            var (served, _) = InclusionRate(fresh, size, checkpoint.RootHash, served: true);
            var parallel = ParallelInclusionRate(fresh, size);
            var consistency = ConsistencyRate(fresh, size);
            var http = await HttpProofRateAsync(host, size, ct);

            // 5. Storage.
            var storage = await StorageAsync(database, ct);

            double[] p = steady.Delays.Length > 0 ? steady.Delays : [double.NaN];
            report.AppendLine(i, $"Sunshine ledger on {provider}: {size:N0} entries in the log at the end (mean canonical body {meanBody:F0} bytes)")
                .AppendLine(i, $"Database: {database.Description}; {await database.VersionAsync(ct)}")
                .AppendLine(i, $"Machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}")
                .AppendLine(i, $"Integrator: Ledger:IntegrationInterval 1 s (poll 100 ms), MaxBatch 100,000; appends: {Writers} writers × {Batch:N0} entries per transaction")
                .AppendLine()
                .AppendLine("| Measure | Figure | Goal |")
                .AppendLine("|---|---:|---:|")
                .AppendLine(i, $"| Baseline: raw SHA-256 leaf hashes of the same {appendCount:N0} bodies, 1 core | {appendCount / hashClock.Elapsed.TotalSeconds:N0}/s | |")
                .AppendLine(i, $"| Baseline: raw SHA-256 node hashes (65 bytes), 1 core | {nodeRate:N0}/s | |")
                .AppendLine(i, $"| Baseline: raw batched insert of the same rows (plain table, same columns, {Batch:N0} per transaction) | {appendCount / rawClock.TotalSeconds:N0} rows/s | |")
                .AppendLine(i, $"| Accept (canonical JSON + leaf hash), 1 core | {appendCount / acceptClock.Elapsed.TotalSeconds:N0}/s | |")
                .AppendLine(i, $"| Durable appends, EF Core path (AppendToLedger + SaveChanges): committed | {ef.CommitRate:N0}/s | |")
                .AppendLine(i, $"| Durable appends, EF Core path: committed, integrated and checkpointed | **{ef.DurableRate:N0}/s** ({ef.Count:N0} in {ef.Elapsed.TotalSeconds:F2} s) | ≥ 50,000/s |")
                .AppendLine(i, $"| Durable appends, bulk path (AppendManyAsync): committed | {bulk.CommitRate:N0}/s | |")
                .AppendLine(i, $"| Durable appends, bulk path: committed, integrated and checkpointed | **{bulk.DurableRate:N0}/s** ({bulk.Count:N0} in {bulk.Elapsed.TotalSeconds:F2} s) | ≥ 50,000/s |")
                .AppendLine(i, $"| … time per entry in the bulk path: accept (outside the write gate) {split.PerEntry(split.Accept)} µs, insert {split.PerEntry(split.Insert)} µs, commit (fsync) {split.PerEntry(split.Commit)} µs | | |")
                .AppendLine(i, $"| Steady load: {steady.Count:N0} entries scheduled over {seconds:F0} s ({steadyRate:N0}/s), bulk path; achieved | {steady.Achieved:N0}/s ({steady.Count / steady.Achieved:F0} s), {steady.Checkpoints} checkpoints | |")
                .AppendLine(i, $"| Integration delay (batch commit → checkpoint published) | p50 {IngestLoadDriver.Percentile(p, 0.5):F0} ms, p99 **{IngestLoadDriver.Percentile(p, 0.99):F0} ms**, max {p[^1]:F0} ms | p99 ≤ 1 s |")
                .AppendLine(round == 0
                    ? string.Create(i, $"| Fill to {size:N0} | none needed: the runs above reached {size:N0} | |")
                    : string.Create(i, $"| Fill to {size:N0} (bulk + IntegrateNow, {round} rounds) | {fillClock.Elapsed.TotalSeconds:F1} s | |"))
                .AppendLine(i, $"| Restart: tree of {size:N0} loaded from the level-0 tiles and checked against the checkpoint | {loadClock.Elapsed.TotalSeconds:F2} s | |")
                .AppendLine(i, $"| Inclusion proofs on {size:N0} entries, in memory, 1 core | {inclusion:N0}/s ({verified:N0} verified against the signed root) | ≥ 100,000/s |")
                .AppendLine(i, $"| … with the root and base64 the endpoint adds, 1 core | **{served:N0}/s** | ≥ 100,000/s |")
                .AppendLine(i, $"| … in memory, {Environment.ProcessorCount} threads | {parallel:N0}/s | |")
                .AppendLine(i, $"| Consistency proofs on {size:N0} entries, 1 core | {consistency:N0}/s | |")
                .AppendLine(i, $"| Inclusion proofs over HTTP (in-process TestServer, 8 concurrent clients, JSON) | {http:N0}/s | |")
                .AppendLine(i, $"| Storage | {storage.Bytes / (double)size:N0} bytes per entry ({storage.Detail}) | reported |")
                .AppendLine()
                .AppendLine(i, $"SUMMARY ledger {provider}: bulk {bulk.DurableRate:N0} durable appends/s, EF {ef.DurableRate:N0}/s; baselines SHA-256 {appendCount / hashClock.Elapsed.TotalSeconds:N0}/s, raw insert {appendCount / rawClock.TotalSeconds:N0}/s; delay p99 {IngestLoadDriver.Percentile(p, 0.99):F0} ms at {steady.Achieved:N0}/s; proofs {served:N0}/s on {size:N0}; {storage.Bytes / (double)size:N0} B/entry")
                .AppendLine();
            Console.WriteLine(report.ToString());
            GC.KeepAlive(sink);
        }
        finally
        {
            File.Delete(keyFile);
        }
    }

    private static JsonObject Body(DateTimeOffset now, int n) => new()
    {
        ["v"] = 1,
        ["kind"] = LedgerEntryKinds.StockReceipt,
        ["time"] = LedgerEntry.FormatTime(now),
        ["region"] = string.Create(CultureInfo.InvariantCulture, $"KRE-0{n % 4 + 1}-0{n % 3 + 1}"),
        ["warehouse"] = string.Create(CultureInfo.InvariantCulture, $"WH-KRE-{n % 40:D2}"),
        ["item"] = (n % 3) switch { 0 => "drinking-water", 1 => "food-parcel", _ => "blanket" },
        ["quantity"] = LedgerEntry.FormatDecimal(10m + (n % 997) / 4m),
        ["unit"] = "piece",
        ["party"] = string.Create(CultureInfo.InvariantCulture, $"D-{n % 9973:D10}"),
        ["reference"] = string.Create(CultureInfo.InvariantCulture, $"receipt {n}"),
    };

    private sealed record Durable(int Count, TimeSpan Committed, TimeSpan Elapsed)
    {
        public double CommitRate => Count / Committed.TotalSeconds;

        public double DurableRate => Count / Elapsed.TotalSeconds;
    }

    /// <summary>Writers append <paramref name="count"/> entries in transactions of <see cref="Batch"/>; the clock stops when the tree covers them all.</summary>
    private static async Task<Durable> DurableAsync(LedgerTree tree, int count, CancellationToken ct, Func<int, int, Task> append)
    {
        var target = tree.Size + count;
        var next = -1;
        var chunks = (count + Batch - 1) / Batch;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
        {
            int chunk;
            while ((chunk = Interlocked.Increment(ref next)) < chunks)
            {
                await append(chunk * Batch, Math.Min(Batch, count - (chunk * Batch)));
            }
        }, ct)));
        var committed = clock.Elapsed;
        while (tree.Size < target)
        {
            await Task.Delay(1, ct);
        }

        return new Durable(count, committed, clock.Elapsed);
    }

    private static int _runs;
    private static Split _split = new();

    /// <summary>Where a bulk append's time goes, summed over the writers (Stopwatch ticks), to say what limits the rate.</summary>
    private sealed class Split
    {
        public long Accept;
        public long Insert;
        public long Commit;
        public long Entries;

        public string PerEntry(long ticks) => Entries == 0 ? "–" : (ticks * 1e6 / Stopwatch.Frequency / Entries).ToString("F1", CultureInfo.InvariantCulture);
    }

    private static async Task AppendEfAsync(IDbContextFactory<CrisisOpsDbContext> factory, SqliteWriteGate gate, int first, int count,
        List<JsonObject> bodies, CancellationToken ct)
    {
        var run = Interlocked.Increment(ref _runs);
        await using var db = await factory.CreateDbContextAsync(ct);
        var now = DateTimeOffset.UtcNow;
        for (var n = first; n < first + count; n++)
        {
            LedgerWriter.AppendToLedger(db, string.Create(CultureInfo.InvariantCulture, $"bench:ef:{run}:{n}"), (JsonObject)bodies[n % bodies.Count].DeepClone(), now);
        }

        using (await gate.EnterAsync(priority: false, ct))
        {
            await db.SaveChangesAsync(ct);
        }
    }

    /// <summary>One transaction of the bulk path; returns the largest entry id it stored (appenders commit one at a time, so it is this batch's).</summary>
    private static async Task<long> AppendBulkAsync(IDbContextFactory<CrisisOpsDbContext> factory, SqliteWriteGate gate, int first, int count,
        List<JsonObject> bodies, string tag, CancellationToken ct)
    {
        var run = Interlocked.Increment(ref _runs);
        var now = DateTimeOffset.UtcNow;
        var items = new List<LedgerAppend>(count);
        for (var n = first; n < first + count; n++)
        {
            items.Add(new LedgerAppend(string.Create(CultureInfo.InvariantCulture, $"bench:{tag}:{run}:{n}"), (JsonObject)bodies[n % bodies.Count].DeepClone()));
        }

        // Accepted (canonical form, leaf hash) before the gate, so writers do that part side by side.
        var split = _split;
        var started = Stopwatch.GetTimestamp();
        var accepted = LedgerWriter.AcceptMany(items, now);
        var acceptedAt = Stopwatch.GetTimestamp();
        Interlocked.Add(ref split.Accept, acceptedAt - started);
        await using var db = await factory.CreateDbContextAsync(ct);
        using (await gate.EnterAsync(priority: false, ct))
        {
            var entered = Stopwatch.GetTimestamp();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await LedgerWriter.AppendManyAsync(db, accepted, ct);
            var inserted = Stopwatch.GetTimestamp();
            Interlocked.Add(ref split.Insert, inserted - entered);
            var last = await db.LedgerEntries.MaxAsync(e => e.Id, ct);
            await transaction.CommitAsync(ct);
            Interlocked.Add(ref split.Commit, Stopwatch.GetTimestamp() - inserted);
            Interlocked.Add(ref split.Entries, count);
            return last;
        }
    }

    private sealed record Steady(int Count, double Achieved, int Checkpoints, double[] Delays);

    /// <summary>
    /// Two writers share one schedule, a batch of rate/100 entries due every 10 ms; a sampler notes when this replica
    /// publishes each size; afterwards each batch's last entry is looked up among the leaves, and its delay is the time
    /// from its commit to the first published size that covers that leaf.
    /// </summary>
    private static async Task<Steady> SteadyAsync(IDbContextFactory<CrisisOpsDbContext> factory, SqliteWriteGate gate, LedgerTree tree,
        List<JsonObject> bodies, int rate, TimeSpan duration, CancellationToken ct)
    {
        var perBatch = Math.Max(1, rate / 100);
        var published = new List<(long Size, double At)>();
        var commits = new List<(long LastId, double At)>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var clock = Stopwatch.StartNew();
        var sampler = Task.Run(async () =>
        {
            var last = tree.Size;
            while (!stop.IsCancellationRequested)
            {
                var size = tree.Size;
                if (size != last)
                {
                    published.Add((size, clock.Elapsed.TotalMilliseconds));
                    last = size;
                }

                await Task.Delay(1, CancellationToken.None);
            }
        }, CancellationToken.None);

        var batches = (int)(duration.TotalSeconds * 100);
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
        {
            int b;
            while ((b = Interlocked.Increment(ref next)) < batches)
            {
                var due = TimeSpan.FromMilliseconds(b * 10);
                if (clock.Elapsed < due)
                {
                    await Task.Delay(due - clock.Elapsed, ct);
                }

                var lastId = await AppendBulkAsync(factory, gate, b * perBatch, perBatch, bodies, "steady", ct);
                var at = clock.Elapsed.TotalMilliseconds;
                lock (commits)
                {
                    commits.Add((lastId, at));
                }
            }
        }, ct)));

        var written = batches * perBatch;
        var offered = written / clock.Elapsed.TotalSeconds;
        var maxId = commits.Max(c => c.LastId);
        long maxIndex;
        do
        {
            await Task.Delay(5, ct);
            await using var db = await factory.CreateDbContextAsync(ct);
            maxIndex = await db.LedgerLeaves.Where(l => l.EntryId == maxId).Select(l => (long?)l.Index).SingleOrDefaultAsync(ct) ?? -1;
        }
        while (maxIndex < 0 || tree.Size <= maxIndex);

        await Task.Delay(5, ct);
        await stop.CancelAsync();
        await sampler;
        var delays = new List<double>();
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            foreach (var (lastId, at) in commits)
            {
                var index = await db.LedgerLeaves.Where(l => l.EntryId == lastId).Select(l => l.Index).SingleAsync(ct);
                delays.Add(published.First(p => p.Size > index).At - at);
            }
        }

        return new Steady(written, offered, published.Count, [.. delays.Order()]);
    }

    private static async Task<TimeSpan> RawInsertAsync(IngestDatabase database, List<LedgerEntry> rows, CancellationToken ct)
    {
        await using var connection = database.NewConnection();
        await connection.OpenAsync(ct);
        var sqlite = database is SqliteIngestDatabase;
        await ExecuteAsync(connection, sqlite
            ? """CREATE TABLE bench_raw ("Id" INTEGER PRIMARY KEY, "IdempotencyKey" TEXT, "Kind" TEXT, "SchemaVersion" INTEGER, "Body" TEXT, "LeafHash" BLOB, "AcceptedAt" TEXT, "Time" TEXT, "RegionCode" TEXT, "NeedNumber" TEXT, "WarehouseCode" TEXT, "Party" TEXT, "ItemCode" TEXT)"""
            : """CREATE TABLE bench_raw ("Id" bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "IdempotencyKey" text, "Kind" text, "SchemaVersion" int, "Body" text, "LeafHash" bytea, "AcceptedAt" timestamptz, "Time" timestamptz, "RegionCode" text, "NeedNumber" text, "WarehouseCode" text, "Party" text, "ItemCode" text)""",
            ct);
        if (sqlite)
        {
            await ExecuteAsync(connection, "PRAGMA wal_autocheckpoint = 16384", ct); // what the server's connections use
        }

        const string columns = """("IdempotencyKey", "Kind", "SchemaVersion", "Body", "LeafHash", "AcceptedAt", "Time", "RegionCode", "NeedNumber", "WarehouseCode", "Party", "ItemCode")""";
        var clock = Stopwatch.StartNew();
        for (var first = 0; first < rows.Count; first += Batch)
        {
            var chunk = rows.GetRange(first, Math.Min(Batch, rows.Count - first));
            await using var transaction = await connection.BeginTransactionAsync(ct);
            if (sqlite)
            {
                // The fastest way measured on SQLite (bench/README.md, readings): one prepared statement stepped per row through SQLite's own interface.
                var handle = ((SqliteConnection)connection).Handle!;
                Check(raw.sqlite3_prepare_v2(handle, $"INSERT INTO bench_raw {columns} VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)", out var statement));
                using (statement)
                {
                    foreach (var e in chunk)
                    {
                        Check(raw.sqlite3_bind_text(statement, 1, e.IdempotencyKey));
                        Check(raw.sqlite3_bind_text(statement, 2, e.Kind));
                        Check(raw.sqlite3_bind_int(statement, 3, e.SchemaVersion));
                        Check(raw.sqlite3_bind_text(statement, 4, e.Body));
                        Check(raw.sqlite3_bind_blob(statement, 5, e.LeafHash));
                        Check(raw.sqlite3_bind_text(statement, 6, CrisisOpsDbContext.SqliteTime(e.AcceptedAt)));
                        Check(raw.sqlite3_bind_text(statement, 7, CrisisOpsDbContext.SqliteTime(e.Time)));
                        Check(raw.sqlite3_bind_text(statement, 8, e.RegionCode));
                        var k = 9;
                        foreach (var text in new[] { e.NeedNumber, e.WarehouseCode, e.Party, e.ItemCode })
                        {
                            Check(text is null ? raw.sqlite3_bind_null(statement, k) : raw.sqlite3_bind_text(statement, k, text));
                            k++;
                        }

                        if (raw.sqlite3_step(statement) != raw.SQLITE_DONE)
                        {
                            throw new InvalidOperationException("The raw insert failed: " + raw.sqlite3_errmsg(handle).utf8_to_string());
                        }

                        Check(raw.sqlite3_reset(statement));
                    }
                }
            }
            else
            {
                await using var import = await ((Npgsql.NpgsqlConnection)connection).BeginBinaryImportAsync($"COPY bench_raw {columns} FROM STDIN (FORMAT BINARY)", ct);
                foreach (var e in chunk)
                {
                    await import.StartRowAsync(ct);
                    await import.WriteAsync(e.IdempotencyKey, ct);
                    await import.WriteAsync(e.Kind, ct);
                    await import.WriteAsync(e.SchemaVersion, ct);
                    await import.WriteAsync(e.Body, ct);
                    await import.WriteAsync(e.LeafHash, ct);
                    await import.WriteAsync(e.AcceptedAt.ToUniversalTime(), NpgsqlTypes.NpgsqlDbType.TimestampTz, ct);
                    await import.WriteAsync(e.Time.ToUniversalTime(), NpgsqlTypes.NpgsqlDbType.TimestampTz, ct);
                    await import.WriteAsync(e.RegionCode, ct);
                    foreach (var text in new[] { e.NeedNumber, e.WarehouseCode, e.Party, e.ItemCode })
                    {
                        if (text is null)
                        {
                            await import.WriteNullAsync(ct);
                        }
                        else
                        {
                            await import.WriteAsync(text, ct);
                        }
                    }
                }

                await import.CompleteAsync(ct);
            }

            await transaction.CommitAsync(ct);
        }

        return clock.Elapsed;
    }

    private static void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"SQLite answered {rc}."));
        }
    }

    private static double NodeHashRate()
    {
        Span<byte> buffer = stackalloc byte[65];
        Span<byte> output = stackalloc byte[32];
        const int count = 2_000_000;
        var clock = Stopwatch.StartNew();
        for (var n = 0; n < count; n++)
        {
            buffer[1] = (byte)n;
            SHA256.HashData(buffer, output);
            buffer[2] ^= output[0];
        }

        return count / clock.Elapsed.TotalSeconds;
    }

    private static (double Rate, int Verified) InclusionRate(LedgerTree tree, long size, byte[] root, bool served)
    {
        var random = new Random(6962);
        var verified = 0;
        var count = 0;
        var sink = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(3))
        {
            for (var k = 0; k < 1000; k++)
            {
                var index = random.NextInt64(size);
                var proof = tree.Levels.InclusionProof(index, size);
                if (served)
                {
                    // What the endpoint computes besides the path: the leaf, the root at that size, base64 of each.
                    var encoded = proof.ConvertAll(Convert.ToBase64String);
                    sink ^= encoded.Count ^ Convert.ToBase64String(tree.Levels.LeafHash(index)).Length ^ Convert.ToBase64String(tree.Levels.Root(size)).Length;
                }
                else if (verified < 1000)
                {
                    if (!MerkleProofs.VerifyInclusion(index, size, tree.Levels.LeafHash(index), proof, root).IsValid)
                    {
                        throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"The proof of leaf {index} does not verify."));
                    }

                    verified++;
                }

                count++;
            }
        }

        GC.KeepAlive(sink);
        return (count / clock.Elapsed.TotalSeconds, verified);
    }

    private static double ParallelInclusionRate(LedgerTree tree, long size)
    {
        long count = 0;
        var clock = Stopwatch.StartNew();
        Parallel.For(0, Environment.ProcessorCount, worker =>
        {
            var random = new Random(worker);
            long done = 0;
            while (clock.Elapsed < TimeSpan.FromSeconds(3))
            {
                for (var k = 0; k < 1000; k++)
                {
                    _ = tree.Levels.InclusionProof(random.NextInt64(size), size);
                }

                done += 1000;
            }

            Interlocked.Add(ref count, done);
        });
        return count / clock.Elapsed.TotalSeconds;
    }

    private static double ConsistencyRate(LedgerTree tree, long size)
    {
        var random = new Random(9162);
        var count = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(2))
        {
            for (var k = 0; k < 1000; k++)
            {
                _ = tree.Levels.ConsistencyProof(random.NextInt64(1, size), size);
                count++;
            }
        }

        return count / clock.Elapsed.TotalSeconds;
    }

    private static async Task<double> HttpProofRateAsync(LedgerServer host, long size, CancellationToken ct)
    {
        long count = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            using var client = host.CreateClient();
            var random = new Random(worker);
            while (clock.Elapsed < TimeSpan.FromSeconds(3))
            {
                var url = string.Create(CultureInfo.InvariantCulture, $"/api/v1/public/ledger/proof/inclusion?index={random.NextInt64(size)}&size={size}");
                using var response = await client.GetAsync(url, ct);
                response.EnsureSuccessStatusCode();
                using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct), cancellationToken: ct);
                Interlocked.Increment(ref count);
            }
        }, ct)));
        return count / clock.Elapsed.TotalSeconds;
    }

    private static async Task<(long Bytes, string Detail)> StorageAsync(IngestDatabase database, CancellationToken ct)
    {
        await using var connection = database.NewConnection();
        await connection.OpenAsync(ct);
        await ExecuteAsync(connection, "DROP TABLE bench_raw", ct);
        if (database is SqliteIngestDatabase)
        {
            await ExecuteAsync(connection, "VACUUM", ct);
            await ExecuteAsync(connection, "PRAGMA wal_checkpoint(TRUNCATE)", ct);
            var file = new SqliteConnectionStringBuilder(database.ConnectionString).DataSource;
            var bytes = new FileInfo(file).Length;
            string detail;
            try
            {
                detail = await TextAsync(connection, """
                    SELECT group_concat(name || ' ' || mb, ', ') FROM (SELECT name, printf('%.1f MB', SUM(pgsize) / 1e6) AS mb FROM dbstat
                    WHERE name LIKE '%ledger%' GROUP BY name ORDER BY SUM(pgsize) DESC)
                    """, ct);
            }
            catch (SqliteException)
            {
                detail = "dbstat not compiled in";
            }

            return (bytes, string.Create(CultureInfo.InvariantCulture, $"whole file after VACUUM {bytes / 1e6:F1} MB; {detail}"));
        }

        var total = await database.ScalarAsync(
            "SELECT SUM(pg_total_relation_size(c)) FROM unnest(ARRAY['ledger_entries', 'ledger_leaves', 'ledger_tiles', 'ledger_checkpoints']::regclass[]) AS c", ct);
        var parts = await TextAsync(connection, """
            SELECT string_agg(c::text || ' ' || round(pg_total_relation_size(c) / 1e6, 1) || ' MB', ', ' ORDER BY pg_total_relation_size(c) DESC)
            FROM unnest(ARRAY['ledger_entries', 'ledger_leaves', 'ledger_tiles', 'ledger_checkpoints']::regclass[]) AS c
            """, ct);
        return (total, "pg_total_relation_size of the ledger tables, indexes included: " + parts);
    }

    private static async Task<LedgerCheckpoint> LatestAsync(IDbContextFactory<CrisisOpsDbContext> factory, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.LedgerCheckpoints.AsNoTracking().OrderByDescending(c => c.Size).FirstAsync(ct);
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task<string> TextAsync(DbConnection connection, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture) ?? "";
    }

    /// <summary>The real server in process (no Kestrel needed), its ledger worker on the system clock, other background work off.</summary>
    private sealed class LedgerServer(IngestDatabase database, string keyFile) : WebApplicationFactory<ServerProgram>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            var manifest = Path.Combine(AppContext.BaseDirectory, "MvcTestingAppManifest.json");
            using var document = JsonDocument.Parse(File.ReadAllBytes(manifest));
            builder.UseContentRoot(document.RootElement.GetProperty(typeof(ServerProgram).Assembly.FullName!).GetString()!);
            builder.UseEnvironment("Production");
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            builder.UseSetting("Database:Provider", database.Provider);
            builder.UseSetting("ConnectionStrings:CrisisOps", database.ConnectionString);
            builder.UseSetting("Admin:InitialPassword", "admin-password-for-the-ledger-bench");
            builder.UseSetting("Deadlines:RunInBackground", "false");
            builder.UseSetting("Risk:AssessInBackground", "false");
            builder.UseSetting("Risk:SweepInBackground", "false");
            builder.UseSetting("Delivery:RunInBackground", "false");
            builder.UseSetting("RateLimits:PublicPerMinute", "100000000");
            builder.UseSetting("RateLimits:PublicReadPerMinute", "100000000");
            builder.UseSetting("Ledger:SigningKeyFile", keyFile);
        }
    }
}
