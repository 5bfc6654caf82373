using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CrisisOps.Server.Features.Access;
using CrisisOps.Server.Features.Warning;
using CrisisOps.Server.Platform;
using CrisisOps.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CrisisOps.Server.Tests;

/// <summary>
/// The real server, in process, on a real database, with fake time. One per test class; each
/// test makes its own <see cref="RegionWorld"/> and users, so tests never depend on each other.
/// </summary>
public abstract class CrisisOpsApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string AdminPassword = "admin-password-for-tests";
    public static readonly DateTimeOffset Start = new(2026, 7, 12, 8, 0, 0, TimeSpan.Zero);
    private readonly bool _ownsDatabase;
    private static int _users;

    private readonly IReadOnlyDictionary<string, string> _settings;

    protected CrisisOpsApp(TestDatabase database, bool ownsDatabase = true, bool backgroundDeadlines = false,
        IReadOnlyDictionary<string, string>? settings = null)
    {
        Database = database;
        _settings = settings ?? new Dictionary<string, string>();
        _ownsDatabase = ownsDatabase;
        BackgroundDeadlines = backgroundDeadlines;
    }

    public TestDatabase Database { get; }

    public FakeTimeProvider Clock { get; } = new(Start);

    public bool BackgroundDeadlines { get; }

    public static JsonSerializerOptions Json { get; } = CreateJson();

    public async ValueTask InitializeAsync()
    {
        if (_ownsDatabase)
        {
            await Database.CreateAsync();
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_ownsDatabase)
        {
            await Database.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        Database.RequireAvailable();
        builder.UseEnvironment("Testing");
        builder.UseSetting("Database:Provider", Database.Provider.ToString());
        builder.UseSetting("ConnectionStrings:CrisisOps", Database.ConnectionString);
        builder.UseSetting("Admin:InitialPassword", AdminPassword);
        builder.UseSetting("Deadlines:RunInBackground", BackgroundDeadlines ? "true" : "false");
        builder.UseSetting("Deadlines:PollInterval", "00:01:00");
        builder.UseSetting("Risk:SweepInBackground", "false");

        // The production path: the assessment worker runs, woken by each commit, and an ingest answers once
        // the round covering its batch has run, so a test reads the tier its readings made. Tests of the queue
        // itself turn the worker off and drain by hand (AssessRiskAsync).
        builder.UseSetting("Risk:AssessInBackground", "true");
        builder.UseSetting("RateLimits:SignInPerMinute", "100000");
        builder.UseSetting("RateLimits:PublicPerMinute", "100000");
        builder.UseSetting("RateLimits:PublicReadPerMinute", "100000");

        // Only the gravest incidents owe a first public release in tests, so the deadline counts of other
        // capabilities' tests stay theirs; InformationTests report severity I.
        builder.UseSetting("Information:FirstReleaseUpToSeverity", "I");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }

    /// <summary>Runs risk assessment rounds until the queue is empty, as the background worker would; returns the regions covered.</summary>
    public Task<int> AssessRiskAsync() => Services.GetRequiredService<RiskQueue>().DrainAsync(CancellationToken.None);

    /// <summary>What the periodic sweep does (every region with inputs queued), then the rounds that assess them.</summary>
    public async Task<int> SweepRiskAsync()
    {
        await Services.GetRequiredService<RiskQueue>().MarkAllWithInputsAsync(CancellationToken.None);
        return await AssessRiskAsync();
    }

    /// <summary>A client for anonymous calls. Skips or fails (CI) the test when the database is missing.</summary>
    public HttpClient Anonymous()
    {
        Database.RequireAvailable();
        return CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
    }

    public Task<HttpClient> AdminAsync() => SignInAsync("admin", AdminPassword);

    /// <summary>Creates a user holding the given roles and returns a client signed in with a bearer token.</summary>
    public async Task<HttpClient> UserAsync(params (string Role, string Region)[] roles) =>
        (await PersonAsync([.. roles.Select(r => new TestRole(r.Role, r.Region, r.Role == "department-liaison" ? "water" : null))])).Client;

    /// <summary>Creates a user holding the given roles (with department or organisation) and returns their name and a signed-in client.</summary>
    public async Task<(HttpClient Client, string Name)> PersonAsync(params TestRole[] roles)
    {
        var admin = await AdminAsync();
        var name = $"user{Interlocked.Increment(ref _users)}";
        const string password = "password-of-a-test-user";
        (await admin.PostAsJsonAsync("/api/v1/users", new { userName = name, password })).EnsureSuccessStatusCode();
        foreach (var role in roles)
        {
            var response = await admin.PostAsJsonAsync($"/api/v1/users/{name}/roles",
                new { role = role.Role, regionCode = role.Region, department = role.Department, organisation = role.Organisation });
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"Granting {role} failed: " + await response.Content.ReadAsStringAsync());
            }
        }

        return (await SignInAsync(name, password), name);
    }

    public async Task<HttpClient> SignInAsync(string userName, string password)
    {
        var client = Anonymous();
        var response = await client.PostAsJsonAsync("/api/v1/auth/tokens", new { userName, password, name = "test" });
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Imports a fresh world of regions and returns it.</summary>
    public async Task<RegionWorld> WorldAsync(RegionWorld? world = null)
    {
        world ??= RegionWorld.Next();
        var admin = await AdminAsync();
        using var content = new StringContent(world.ToGeoJson(), System.Text.Encoding.UTF8, "application/geo+json");
        var response = await admin.PostAsync("/api/v1/regions/import", content);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException("World import failed: " + await response.Content.ReadAsStringAsync());
        }

        return world;
    }

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ServerSetup.ConfigureJson(options);
        return options;
    }
}

/// <summary>A role for a test user; a department liaison names a department, a partner member an organisation code.</summary>
public sealed record TestRole(string Role, string Region, string? Department = null, string? Organisation = null);

public sealed class SqliteApp() : CrisisOpsApp(new SqliteTestDatabase());

public sealed class PostgresApp() : CrisisOpsApp(new PostgresTestDatabase());
