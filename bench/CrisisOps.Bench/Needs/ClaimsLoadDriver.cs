extern alias server;

using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using CrisisOps.Bench.Warning;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using NeedBoard = server::CrisisOps.Server.Features.Needs.NeedBoard;
using ServerProgram = server::Program;

namespace CrisisOps.Bench.Needs;

/// <summary>
/// Load driver for the needs board (<c>--claims</c>): the real server on Kestrel at 127.0.0.1 with 1,000 published
/// needs and 50 partner members claiming in parallel over HTTP, on SQLite and (when
/// <c>CRISISOPS_BENCH_POSTGRES</c> or <c>CRISISOPS_TEST_POSTGRES</c> names a server) on PostgreSQL. The claimers move
/// through the needs in step, five on each need at the same moment, and the later claims on a need find too little left. Afterwards the database is checked: no need has more claimed than it asks for.
/// The baseline, measured in the same run on the same database, is the bare concurrency rule: a single-row
/// <c>UPDATE … SET remaining = remaining − q WHERE id = … AND remaining ≥ q</c> with the same pattern of attempts.
/// </summary>
internal static class ClaimsLoadDriver
{
    public const string Flag = "--claims";
    private const string AdminPassword = "admin-password-for-the-claims-bench";
    private const string Region = ReadingSeries.RegionCode;
    private const int Needs = 1000;
    private const int Claimers = 50;
    private const int Organisations = 10;
    private const int AttemptsPerClaimer = 100;
    private const int NeedQuantity = 100;
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public static async Task<int> RunAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(20));
        var report = new StringBuilder();
        await using (var sqlite = new SqliteIngestDatabase())
        {
            await RunOnAsync(report, sqlite, timeout.Token);
        }

        var postgres = Environment.GetEnvironmentVariable("CRISISOPS_BENCH_POSTGRES") is { Length: > 0 } bench
            ? bench
            : Environment.GetEnvironmentVariable("CRISISOPS_TEST_POSTGRES");
        if (!string.IsNullOrEmpty(postgres))
        {
            await using var pg = new PostgresIngestDatabase(postgres);
            await RunOnAsync(report, pg, timeout.Token);
        }
        else
        {
            report.AppendLine("PostgreSQL: skipped (set CRISISOPS_BENCH_POSTGRES to a server's admin connection string)");
        }

        Console.WriteLine(report);
        return 0;
    }

    /// <summary>The need (0-based) and quantity of claimer <paramref name="claimer"/>'s attempt <paramref name="n"/>: the same for HTTP and the baseline.</summary>
    /// <remarks>At step n the 50 claimers are on needs 10n … 10n+9, five on each at the same moment, so they race for the
    /// same rows; five claims of 5–40 average 112 units, so the later ones on a need of 100 find too little left.</remarks>
    private static (int Need, int Quantity) Attempt(int claimer, int n) =>
        ((n * 10 + claimer % 10) % Needs, 5 + (((claimer * 7919) + (n * 104729)) % 36));

    private static async Task RunOnAsync(StringBuilder report, IngestDatabase database, CancellationToken ct)
    {
        await database.CreateAsync(ct);
        var provider = database is SqliteIngestDatabase ? "SQLite" : "PostgreSQL";
        Run http;
        long retries;
        long claimRows;
        long overCommitted;
        long mismatched;
        await using (var host = new ClaimsServer(database))
        {
            host.StartServer();
            var address = new Uri(host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
            using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Claimers + 1 }) { BaseAddress = address, Timeout = Timeout.InfiniteTimeSpan };
            var (needIds, tokens) = await SetUpAsync(client, ct);
            var board = host.Services.GetRequiredService<NeedBoard>();
            var retriesBefore = board.Retries;
            http = await ClaimOverHttpAsync(client, needIds, tokens, ct);
            retries = board.Retries - retriesBefore;
        }

        // Checked in the database itself, after the server stopped: the sum of open and received claims per need.
        claimRows = await database.ScalarAsync("SELECT COUNT(*) FROM need_claims", ct);
        overCommitted = await database.ScalarAsync(
            "SELECT COUNT(*) FROM needs n WHERE (SELECT COALESCE(SUM(c.\"Quantity\"), 0) FROM need_claims c WHERE c.\"NeedId\" = n.\"Id\") > n.\"Quantity\"", ct);
        mismatched = await database.ScalarAsync(
            "SELECT COUNT(*) FROM needs n WHERE ABS((SELECT COALESCE(SUM(c.\"Quantity\"), 0) FROM need_claims c WHERE c.\"NeedId\" = n.\"Id\" AND c.\"Status\" IN ('Active', 'Delivered')) - n.\"Committed\") > 0.0005", ct);
        if (claimRows != http.Accepted || overCommitted != 0 || mismatched != 0)
        {
            throw new InvalidOperationException(FormattableString.Invariant(
                $"{provider}: {claimRows} claim rows for {http.Accepted} accepted claims; {overCommitted} needs over-committed; {mismatched} needs whose total disagrees with their claims."));
        }

        var raw = await RawUpdateAsync(database, ct);
        var i = CultureInfo.InvariantCulture;
        report.AppendLine(i, $"Needs board, parallel claims on {provider}: {Needs:N0} needs of {NeedQuantity} units, {Claimers} claimers × {AttemptsPerClaimer} attempts, quantities 5–40")
            .AppendLine(i, $"Database: {database.Description}; {await database.VersionAsync(ct)}")
            .AppendLine(i, $"Machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}")
            .AppendLine()
            .AppendLine("| Path | Attempts | Accepted | Refused (409) | Retries | Wall time | Attempts/s | p50 | p99 |")
            .AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
            .AppendLine(i, $"| HTTP claims, {Claimers} claimers | {http.Attempts:N0} | {http.Accepted:N0} | {http.Refused:N0} | {retries:N0} | {http.Elapsed.TotalSeconds:F2} s | {http.PerSecond:N0} | {http.P(0.5):F1} ms | {http.P(0.99):F1} ms |")
            .AppendLine(i, $"| Raw UPDATE … WHERE remaining ≥ q, {Claimers} writers | {raw.Attempts:N0} | {raw.Accepted:N0} | {raw.Refused:N0} | — | {raw.Elapsed.TotalSeconds:F2} s | {raw.PerSecond:N0} | {raw.P(0.5):F1} ms | {raw.P(0.99):F1} ms |")
            .AppendLine()
            .AppendLine(i, $"Check: {claimRows:N0} claim rows = accepted claims; needs over-committed: {overCommitted}; needs whose committed total disagrees with their claims: {mismatched}")
            .AppendLine(i, $"SUMMARY claims {provider}: {http.PerSecond:N0} attempts/s over HTTP ({http.Accepted:N0} accepted, {http.Refused:N0} refused, {retries:N0} retries) vs raw UPDATE {raw.PerSecond:N0}/s = {http.PerSecond / raw.PerSecond:F2}×; over-commit 0")
            .AppendLine();
    }

    private static async Task<(string[] Needs, string[] Tokens)> SetUpAsync(HttpClient http, CancellationToken ct)
    {
        var admin = (await PostAsync(http, null, "/api/v1/auth/tokens", new { userName = "admin", password = AdminPassword, name = "claims-bench" }, ct))
            .GetProperty("token").GetString()!;
        using (var import = new StringContent(ReadingSeries.RegionGeoJson, Encoding.UTF8, "application/geo+json"))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/regions/import") { Content = import };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin);
            (await http.SendAsync(request, ct)).EnsureSuccessStatusCode();
        }

        for (var o = 0; o < Organisations; o++)
        {
            await PostAsync(http, admin, "/api/v1/organisations",
                new { code = $"bench-ngo-{o}", name = $"Bench NGO {o}", kind = "ngo", regionCode = Region }, ct);
        }

        var tokens = new string[Claimers];
        for (var c = 0; c < Claimers; c++)
        {
            var name = $"claimer{c}";
            await PostAsync(http, admin, "/api/v1/users", new { userName = name, password = "password-of-a-bench-claimer" }, ct);
            await PostAsync(http, admin, $"/api/v1/users/{name}/roles",
                new { role = "partner-member", regionCode = Region, organisation = $"bench-ngo-{c % Organisations}" }, ct);
            tokens[c] = (await PostAsync(http, null, "/api/v1/auth/tokens", new { userName = name, password = "password-of-a-bench-claimer", name = "bench" }, ct))
                .GetProperty("token").GetString()!;
        }

        var neededBy = DateTimeOffset.UtcNow.AddDays(2);
        var needs = new string[Needs];
        for (var n = 0; n < Needs; n++)
        {
            needs[n] = (await PostAsync(http, admin, "/api/v1/needs", new
            {
                what = "Bench parcels 物资包", itemCode = "bench-parcel", quantity = NeedQuantity, unit = "parcels", discrete = true,
                regionCode = Region, priority = "normal", neededBy,
            }, ct)).GetProperty("id").GetString()!;
        }

        return (needs, tokens);
    }

    private static async Task<Run> ClaimOverHttpAsync(HttpClient http, string[] needs, string[] tokens, CancellationToken ct)
    {
        var latencies = new double[Claimers * AttemptsPerClaimer];
        long accepted = 0;
        long refused = 0;
        var promisedBy = DateTimeOffset.UtcNow.AddDays(1);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Claimers).Select(c => Task.Run(async () =>
        {
            for (var n = 0; n < AttemptsPerClaimer; n++)
            {
                var (need, quantity) = Attempt(c, n);
                var started = Stopwatch.GetTimestamp();
                using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/needs/{needs[need]}/claims")
                {
                    Content = Body(new { quantity, promisedBy }),
                };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens[c]);
                using var response = await http.SendAsync(request, ct);
                latencies[c * AttemptsPerClaimer + n] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    Interlocked.Increment(ref accepted);
                    continue;
                }

                var text = await response.Content.ReadAsStringAsync(ct);
                if (response.StatusCode != HttpStatusCode.Conflict || !text.Contains("claim-exceeds-remaining", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"A claim was refused other than cleanly: {(int)response.StatusCode} {text}");
                }

                Interlocked.Increment(ref refused);
            }
        }, ct)));
        clock.Stop();
        return new Run(latencies.Length, accepted, refused, clock.Elapsed, latencies);
    }

    /// <summary>The same attempts as bare single-row conditional UPDATEs, each its own transaction, 50 connections at once.</summary>
    private static async Task<Run> RawUpdateAsync(IngestDatabase database, CancellationToken ct)
    {
        await using (var setup = database.NewConnection())
        {
            await setup.OpenAsync(ct);
            await Execute(setup, "CREATE TABLE bench_remaining (id INTEGER PRIMARY KEY, remaining NUMERIC(15,3) NOT NULL)", ct);
            await using var tx = await setup.BeginTransactionAsync(ct);
            for (var n = 0; n < Needs; n++)
            {
                await Execute(setup, FormattableString.Invariant($"INSERT INTO bench_remaining VALUES ({n}, {NeedQuantity})"), ct, tx);
            }

            await tx.CommitAsync(ct);
        }

        var latencies = new double[Claimers * AttemptsPerClaimer];
        long accepted = 0;
        long refused = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Claimers).Select(c => Task.Run(async () =>
        {
            await using var connection = database.NewConnection();
            await connection.OpenAsync(ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE bench_remaining SET remaining = remaining - @q WHERE id = @id AND remaining >= @q";
            var q = command.CreateParameter();
            q.ParameterName = "@q";
            var id = command.CreateParameter();
            id.ParameterName = "@id";
            command.Parameters.Add(q);
            command.Parameters.Add(id);
            for (var n = 0; n < AttemptsPerClaimer; n++)
            {
                var (need, quantity) = Attempt(c, n);
                q.Value = quantity;
                id.Value = need;
                var started = Stopwatch.GetTimestamp();
                var rows = await command.ExecuteNonQueryAsync(ct);
                latencies[c * AttemptsPerClaimer + n] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                Interlocked.Increment(ref rows == 1 ? ref accepted : ref refused);
            }
        }, ct)));
        clock.Stop();
        var negative = await database.ScalarAsync("SELECT COUNT(*) FROM bench_remaining WHERE remaining < 0", ct);
        if (negative != 0)
        {
            throw new InvalidOperationException("The raw baseline over-committed: the database itself is not doing what we assume.");
        }

        return new Run(latencies.Length, accepted, refused, clock.Elapsed, latencies);
    }

    private static async Task Execute(DbConnection connection, string sql, CancellationToken ct, DbTransaction? tx = null)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(ct);
    }

    private static ByteArrayContent Body(object body)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, JsonSerializerOptions.Web));
        content.Headers.ContentType = Json;
        return content;
    }

    private static async Task<JsonElement> PostAsync(HttpClient http, string? token, string path, object body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Body(body) };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{path} answered {(int)response.StatusCode}: {text}");
        }

        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    private sealed record Run(long Attempts, long Accepted, long Refused, TimeSpan Elapsed, double[] Latencies)
    {
        public double PerSecond => Attempts / Elapsed.TotalSeconds;

        public double P(double p)
        {
            var sorted = Latencies.Order().ToArray();
            return IngestLoadDriver.Percentile(sorted, p);
        }
    }

    /// <summary>The real server on Kestrel at a free 127.0.0.1 port on the run's database, with production settings.</summary>
    private sealed class ClaimsServer : WebApplicationFactory<ServerProgram>
    {
        private readonly IngestDatabase _database;

        public ClaimsServer(IngestDatabase database)
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
            builder.UseSetting("Admin:InitialPassword", AdminPassword);
            builder.UseSetting("Deadlines:RunInBackground", "false");
            builder.UseSetting("Demo:Enabled", "false");
            builder.UseSetting("Risk:AssessInBackground", "false");
            builder.UseSetting("Risk:SweepInBackground", "false");

            // 50 claimers sign in within the set-up: more than the sign-in limit for one address allows.
            builder.UseSetting("RateLimits:SignInPerMinute", "1000");
        }
    }
}
