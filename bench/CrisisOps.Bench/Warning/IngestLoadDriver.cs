extern alias server;

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using RiskQueue = server::CrisisOps.Server.Features.Warning.RiskQueue;
using ServerProgram = server::Program;

namespace CrisisOps.Bench.Warning;

/// <summary>
/// What one load-driver run does; parsed from
/// <c>--ingest [--postgres CONNSTRING] [--readings N] [--clients C] [--respond-at-commit] [--breakdown]</c>.
/// </summary>
internal sealed record IngestOptions(string? PostgresAdmin, int Readings, int Clients, bool Breakdown, bool WaitForAssessment = true)
{
    public const string Flag = "--ingest";
    public const int BatchSize = 1000;
    public const int Stations = 100;

    public const string Usage =
        "Usage: --ingest [--postgres \"Host=…;Username=…;Password=…\"] [--readings N (default 400000)] [--clients C (default 4)] [--respond-at-commit] [--breakdown]";

    /// <exception cref="ArgumentException">An unknown switch, a missing value or a value out of range.</exception>
    public static IngestOptions Parse(IReadOnlyList<string> args)
    {
        string? postgres = null;
        var readings = 400_000;
        var clients = 4;
        var breakdown = false;
        var wait = true;
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case Flag:
                    break;
                case "--postgres":
                    postgres = Value();
                    break;
                case "--readings":
                    readings = Number(Value(), "--readings", BatchSize, 10_000_000);
                    break;
                case "--clients":
                    clients = Number(Value(), "--clients", 1, 64);
                    break;
                case "--breakdown":
                    breakdown = true;
                    break;
                case "--respond-at-commit":
                    wait = false;
                    break;
                default:
                    throw new ArgumentException($"Unknown argument '{args[i]}'.");
            }
        }

        return new IngestOptions(postgres, readings, clients, breakdown, wait);
    }

    private static int Number(string text, string name, int min, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new ArgumentException(FormattableString.Invariant($"{name} must be a whole number from {min:N0} to {max:N0}."));
}

/// <summary>
/// Load driver for durable reading ingest (issue 4, "Benchmark"): the real server on Kestrel at
/// 127.0.0.1, fed batches of 1,000 readings over HTTP by concurrent clients, against a raw batched
/// INSERT of as many new rows into the same database in the same run; and, during the HTTP load,
/// the decision latency: from sending a reading that crosses a tier threshold to the tier change
/// arriving on the live feed. Not a BenchmarkDotNet class: HTTP load over a real socket is one long
/// timed run, not an invocation to repeat.
/// </summary>
internal static class IngestLoadDriver
{
    public const string AdminPassword = "admin-password-for-the-ingest-bench";

    /// <summary>Untimed batches before the timed HTTP run, so JIT and connection set-up are paid first.</summary>
    private const int WarmUpBatches = 5;

    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        IngestOptions options;
        try
        {
            options = IngestOptions.Parse(args);
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message + Environment.NewLine + IngestOptions.Usage);
            return 2;
        }

        // A bound on the whole run: a stuck server or database ends it instead of hanging the machine.
        // Ctrl+C cancels too, so the server stops and the temporary database is still removed.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(30));
        ConsoleCancelEventHandler cancel = (_, e) =>
        {
            e.Cancel = true;
            timeout.Cancel();
        };
        Console.CancelKeyPress += cancel;
        try
        {
            return await RunAsync(options, timeout.Token);
        }
        finally
        {
            Console.CancelKeyPress -= cancel;
        }
    }

    private static async Task<int> RunAsync(IngestOptions options, CancellationToken ct)
    {
        await using IngestDatabase database = options.PostgresAdmin is null
            ? new SqliteIngestDatabase()
            : new PostgresIngestDatabase(options.PostgresAdmin);
        await database.CreateAsync(ct);
        var report = new StringBuilder();
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            // The breakdown times each risk round itself, so the background worker stays off there.
            ["Risk:AssessInBackground"] = options.Breakdown ? "false" : "true",
            ["Risk:IngestWaitsForAssessment"] = options.WaitForAssessment ? "true" : "false",
        };
        await using (var host = new IngestServer(database, settings))
        {
            host.StartServer();
            var address = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            using var http = await SetUpAsync(new Uri(address), options.Clients, ct);
            var queue = host.Services.GetRequiredService<RiskQueue>();
            var series = new ReadingSeries(DateTimeOffset.UtcNow.AddHours(-12));
            if (options.Breakdown)
            {
                await IngestBreakdown.RunAsync(report, options, host.Services, http, database, series, ct);
            }
            else
            {
                await LoadAsync(report, options, http, database, series, queue, ct);
            }
        }

        // The server has stopped when the report is printed.
        Console.WriteLine(report);
        return 0;
    }

    private static async Task LoadAsync(StringBuilder report, IngestOptions options, HttpClient http, IngestDatabase database, ReadingSeries series,
        RiskQueue queue, CancellationToken ct)
    {
        // HTTP first, then the raw baseline: each path meets a table that already holds the rows written before it.
        await SendAsync(http, series.Bodies('w', WarmUpBatches * IngestOptions.BatchSize), 1, ct);
        TimedRun ingest;
        TierProbe probe;
        long rounds;
        TimeSpan roundTime;
        await using (var feed = await TierFeed.ConnectAsync(http, ct))
        {
            probe = await TierProbe.StartAsync(http, feed, ct);
            var roundsBefore = queue.Rounds;
            var roundTimeBefore = queue.RoundTime;
            ingest = await SendAsync(http, series.Bodies('h', options.Readings), options.Clients, ct, probe);
            rounds = queue.Rounds - roundsBefore;
            roundTime = queue.RoundTime - roundTimeBefore;
            probe.Stop();
        }

        var receivedAt = DateTimeOffset.UtcNow;
        await RawInsert.RunAsync(database, series, 'x', IngestOptions.BatchSize, 1, receivedAt, ct);
        var raw1 = await RawInsert.RunAsync(database, series, 's', options.Readings, 1, receivedAt, ct);
        var rawC = options.Clients == 1 ? raw1 : await RawInsert.RunAsync(database, series, 'c', options.Readings, options.Clients, receivedAt, ct);

        var expected = (WarmUpBatches + 1) * IngestOptions.BatchSize + (options.Clients == 1 ? 2L : 3L) * options.Readings + probe.Sent;
        var rows = await database.ScalarAsync("SELECT COUNT(*) FROM readings", ct);
        var journaled = await database.ScalarAsync("SELECT COUNT(*) FROM journal WHERE \"Type\" = 'readings.ingested'", ct);
        var queued = await database.ScalarAsync("SELECT COUNT(*) FROM risk_queue", ct);
        if (rows != expected)
        {
            throw new InvalidOperationException(FormattableString.Invariant($"The readings table holds {rows:N0} rows; expected {expected:N0}."));
        }

        Header(report, options, database, await database.VersionAsync(ct));
        var c = options.Clients;
        var i = CultureInfo.InvariantCulture;
        report.AppendLine(i, $"Risk assessment: background worker with the durable queue; ingest responses {(options.WaitForAssessment ? "wait for the round that covers them" : "return at commit")}")
            .AppendLine()
            .AppendLine("| Path | Readings | Wall time | Readings/s | ÷ raw, 1 writer |" + (c > 1 ? $" ÷ raw, {c} writers |" : ""))
            .AppendLine("|---|---:|---:|---:|---:|" + (c > 1 ? "---:|" : ""));
        void Row(string path, TimedRun run) => report.Append(i,
            $"| {path} | {run.Readings:N0} | {run.Elapsed.TotalSeconds:F2} s | {run.PerSecond:N0} | {run.PerSecond / raw1.PerSecond:F2}× |")
            .Append(c > 1 ? string.Create(i, $" {run.PerSecond / rawC.PerSecond:F2}× |") : "").AppendLine();
        Row($"HTTP ingest, {c} client(s)", ingest);
        Row("Raw INSERT, 1 writer", raw1);
        if (c > 1)
        {
            Row($"Raw INSERT, {c} writers", rawC);
        }

        var sorted = ingest.Latencies.Order().ToArray();
        var decisions = probe.Latencies.Order().ToArray();
        var answers = probe.Answers.Order().ToArray();
        var provider = database is SqliteIngestDatabase ? "SQLite" : "PostgreSQL";
        report.AppendLine()
            .AppendLine(i, $"HTTP batch latency over {sorted.Length} batches: p50 {Percentile(sorted, 0.50):F1} ms, p99 {Percentile(sorted, 0.99):F1} ms, max {sorted[^1]:F1} ms")
            .AppendLine(i, $"Risk rounds during the HTTP run: {rounds:N0}, one per {ingest.Latencies.Length / (double)Math.Max(1, rounds):F1} batches, {roundTime.TotalMilliseconds / Math.Max(1, rounds):F1} ms each on average (take, assess, save)")
            .AppendLine(i, $"Check: the readings table holds {rows:N0} rows, as expected; {journaled:N0} readings.ingested journal entries; {queued} regions left queued")
            .AppendLine()
            .AppendLine(i, $"SUMMARY ingest {provider}: {ingest.PerSecond:N0} readings/s over HTTP ({c} clients) vs raw {raw1.PerSecond:N0}/s (1 writer) = {ingest.PerSecond / raw1.PerSecond:F2}× (goal ≥ 100,000/s and ≥ 0.5×)")
            .AppendLine(decisions.Length == 0
                ? $"SUMMARY decision latency {provider}: no crossing completed"
                : string.Create(i, $"SUMMARY decision latency {provider}: p50 {Percentile(decisions, 0.50):F1} ms, p99 {Percentile(decisions, 0.99):F1} ms, max {decisions[^1]:F1} ms over {decisions.Length} crossings{(probe.Missed > 0 ? $" ({probe.Missed} never seen within 10 s)" : "")} (reading sent → risk.tier-changed on /api/v1/feed; goal p99 ≤ 100 ms); the carrying batch itself answered in p50 {Percentile(answers, 0.50):F1} ms, p99 {Percentile(answers, 0.99):F1} ms"));
    }

    public static void Header(StringBuilder report, IngestOptions options, IngestDatabase database, string version)
    {
        ArgumentNullException.ThrowIfNull(report);
        var i = CultureInfo.InvariantCulture;
        report.AppendLine(i, $"Readings ingest over HTTP: {options.Readings:N0} readings in batches of {IngestOptions.BatchSize:N0}, {options.Clients} client(s), {IngestOptions.Stations} stations")
            .AppendLine(i, $"Database: {database.Description}; {version}")
            .AppendLine(i, $"Machine: {Environment.ProcessorCount} cores ({CpuModel()}), {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, {(GCSettings.IsServerGC ? "server" : "workstation")} GC")
            .AppendLine();
    }

    /// <summary>Imports a one-province region, signs in as the admin and registers the stations and the probe gauge.</summary>
    private static async Task<HttpClient> SetUpAsync(Uri address, int clients, CancellationToken ct)
    {
        // One more connection than clients: the live feed holds one open for the whole run.
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients + 1, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = address,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        var token = await PostAsync(http, "/api/v1/auth/tokens", new { userName = "admin", password = AdminPassword, name = "ingest-bench" }, ct);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.GetProperty("token").GetString());

        using (var import = new StringContent(ReadingSeries.RegionGeoJson, Encoding.UTF8, "application/geo+json"))
        {
            await ReadAsync(await http.PostAsync(new Uri("/api/v1/regions/import", UriKind.Relative), import, ct), ct);
        }

        for (var i = 0; i < IngestOptions.Stations; i++)
        {
            var (lat, lon) = ReadingSeries.StationLocation(i);
            await PostAsync(http, "/api/v1/stations", new
            {
                code = ReadingSeries.StationCode(i), nameZh = "基准水位站", nameEn = "Bench gauge", kind = "water-level",
                location = new { lat, lon }, unit = "m", validMin = 0.0, validMax = 100.0,
                thresholds = new { general = 60.0, attention = 70.0, warning = 80.0, emergency = 90.0 },
            }, ct);
        }

        await TierProbe.RegisterAsync(http, ct);
        return http;
    }

    public static async Task<JsonElement> PostAsync(HttpClient http, string path, object body, CancellationToken ct)
    {
        using var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, JsonSerializerOptions.Web));
        content.Headers.ContentType = Json;
        return await ReadAsync(await http.PostAsync(new Uri(path, UriKind.Relative), content, ct), ct);
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {text}");
            }

            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
    }

    /// <summary>
    /// Posts every batch, <paramref name="clients"/> at a time; the clock runs from the first send to the last response.
    /// With a <paramref name="probe"/>, a batch sent while no crossing is under way also carries the probe gauge's next reading.
    /// </summary>
    public static async Task<TimedRun> SendAsync(HttpClient http, byte[][] bodies, int clients, CancellationToken ct, TierProbe? probe = null)
    {
        var latencies = new double[bodies.Length];
        var next = -1;
        long stored = 0;
        long probes = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            int batch;
            while ((batch = Interlocked.Increment(ref next)) < bodies.Length)
            {
                var body = bodies[batch];
                var crossing = probe?.TryCross();
                if (crossing is not null)
                {
                    body = TierProbe.Splice(body, crossing);
                    Interlocked.Increment(ref probes);
                }

                var started = Stopwatch.GetTimestamp();
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = Json;
                var result = await ReadAsync(await http.PostAsync(new Uri("/api/v1/readings", UriKind.Relative), content, ct), ct);
                latencies[batch] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (crossing is not null)
                {
                    probe!.Answered(latencies[batch]);
                }
                if (result.GetProperty("rejected").GetInt32() != 0)
                {
                    throw new InvalidOperationException("The server rejected readings: " + result.GetProperty("errors")[0]);
                }

                Interlocked.Add(ref stored, result.GetProperty("stored").GetInt32());
            }
        }, ct)));
        clock.Stop();

        var readings = bodies.Length == 0 ? 0 : (bodies.Length - 1) * IngestOptions.BatchSize + ReadingSeries.CountIn(bodies[^1]);
        if (stored != readings + probes)
        {
            throw new InvalidOperationException(FormattableString.Invariant($"The responses' stored counts sum to {stored:N0}, not {readings + probes:N0}."));
        }

        return new TimedRun(stored, clock.Elapsed, latencies);
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    public static double Percentile(double[] sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static string CpuModel()
    {
        const string cpuinfo = "/proc/cpuinfo";
        var line = File.Exists(cpuinfo)
            ? File.ReadLines(cpuinfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))
            : null;
        return line is null ? RuntimeInformation.ProcessArchitecture.ToString() : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
    }

    /// <summary>The real server on Kestrel at a free 127.0.0.1 port, on the run's database, with production settings.</summary>
    private sealed class IngestServer : WebApplicationFactory<ServerProgram>
    {
        private readonly IngestDatabase _database;
        private readonly IReadOnlyDictionary<string, string> _settings;

        public IngestServer(IngestDatabase database, IReadOnlyDictionary<string, string> settings)
        {
            _database = database;
            _settings = settings;
            UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            // WebApplicationFactory looks for its manifest in the working directory, which under
            // `dotnet run --project` is wherever the command was typed; read it from the output folder instead.
            builder.UseContentRoot(ServerContentRoot());
            builder.UseEnvironment("Production");
            builder.UseSetting("Database:Provider", _database.Provider);
            builder.UseSetting("ConnectionStrings:CrisisOps", _database.ConnectionString);
            builder.UseSetting("Admin:InitialPassword", AdminPassword);
            builder.UseSetting("Deadlines:RunInBackground", "false");
            builder.UseSetting("Demo:Enabled", "false");
            foreach (var (key, value) in _settings)
            {
                builder.UseSetting(key, value);
            }
        }

        /// <summary>The server's project folder (appsettings.json, wwwroot), as the build wrote it into the manifest.</summary>
        private static string ServerContentRoot()
        {
            var manifest = Path.Combine(AppContext.BaseDirectory, "MvcTestingAppManifest.json");
            using var document = JsonDocument.Parse(File.ReadAllBytes(manifest));
            var key = typeof(ServerProgram).Assembly.FullName!;
            return document.RootElement.TryGetProperty(key, out var root) && root.GetString() is { Length: > 0 } path
                ? path
                : throw new InvalidOperationException($"{manifest} names no content root for {key}.");
        }
    }
}
