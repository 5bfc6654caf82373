using System.Net;
using CrisisOps.Server.Features.Deadlines;
using CrisisOps.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace CrisisOps.Server.Tests.Features;

public abstract class DeadlineTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : CrisisOpsApp
{
    private async Task<(RegionWorld World, HttpClient Officer, string IncidentId)> ReportAsync(string community = "")
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("duty-officer", world.City));
        var (lat, lon) = world.PointIn(community.Length > 0 ? community : world.CommunityA1);
        var incident = await (await officer.PostJsonAsync("/api/v1/incidents", new
        {
            // An earthquake has no headquarters template, so the first report is the only duty these tests watch.
            title = "Rockfall on the vineyard road", category = "natural-disaster", type = "earthquake", severity = "III",
            location = new { lat, lon },
        })).OkJsonAsync(HttpStatusCode.Created);
        return (world, officer, incident.GetProperty("id").GetString()!);
    }

    private Task<int> FireDueAsync() => app.Services.GetRequiredService<DeadlineRunner>().FireDueAsync(CancellationToken.None);

    [Fact]
    public async Task FirstReport_WhenHourPassesUnmet_EscalatesToParentRegionAndFlagsIncident()
    {
        var (world, officer, id) = await ReportAsync();

        app.Clock.Advance(TimeSpan.FromMinutes(59));
        await FireDueAsync();
        Assert.Empty((await officer.GetJsonAsync($"/api/v1/journal?incidentId={id}&type=deadline.missed")).GetProperty("items").EnumerateArray());

        app.Clock.Advance(TimeSpan.FromMinutes(2));
        await FireDueAsync();

        var deadline = Assert.Single((await officer.GetJsonAsync($"/api/v1/deadlines?incidentId={id}")).GetProperty("items").EnumerateArray());
        Assert.True(deadline.GetProperty("isOverdue").GetBoolean());
        Assert.Equal(1, deadline.GetProperty("escalationLevel").GetInt32());
        Assert.Equal(world.TownshipA, deadline.GetProperty("regionCode").GetString());
        Assert.Equal(world.CommunityA1, deadline.GetProperty("originRegionCode").GetString());

        var journal = await officer.GetJsonAsync($"/api/v1/journal?incidentId={id}");
        var types = journal.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToList();
        Assert.Equal(["incident.reported", "deadline.created", "deadline.missed", "incident.flagged", "deadline.escalated"], types);
        var escalated = journal.GetProperty("items").EnumerateArray().Last();
        Assert.Equal(world.CommunityA1, escalated.GetProperty("payload").GetProperty("from").GetString());
        Assert.Equal(world.TownshipA, escalated.GetProperty("payload").GetProperty("to").GetString());

        var incident = (await officer.GetJsonAsync($"/api/v1/incidents/{id}")).GetProperty("incident");
        Assert.Contains("first-report-overdue", incident.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
    }

    [Fact]
    public async Task FirstReport_WhenStillUnmet_ClimbsOneLevelPerHourToTheRoot()
    {
        var (world, officer, id) = await ReportAsync();

        for (var hour = 1; hour <= 6; hour++)
        {
            app.Clock.Advance(TimeSpan.FromHours(1).Add(TimeSpan.FromSeconds(1)));
            await FireDueAsync();
        }

        var escalations = (await officer.GetJsonAsync($"/api/v1/journal?incidentId={id}&type=deadline.escalated"))
            .GetProperty("items").EnumerateArray().Select(e => e.GetProperty("payload").GetProperty("to").GetString()).ToList();
        Assert.Equal([world.TownshipA, world.CountyA, world.City, world.Province], escalations);
        Assert.Single((await officer.GetJsonAsync($"/api/v1/journal?incidentId={id}&type=deadline.missed")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task FirstReport_WhenFiledAfterEscalation_IsMetLate()
    {
        var (_, officer, id) = await ReportAsync();
        app.Clock.Advance(TimeSpan.FromMinutes(61));
        await FireDueAsync();
        app.Clock.Advance(TimeSpan.FromMinutes(14));

        await (await officer.PostJsonAsync($"/api/v1/incidents/{id}/reports", new { kind = "initial", text = "初报 (late)" }))
            .OkJsonAsync(HttpStatusCode.Created);

        var met = Assert.Single((await officer.GetJsonAsync($"/api/v1/journal?incidentId={id}&type=deadline.met")).GetProperty("items").EnumerateArray());
        Assert.True(met.GetProperty("payload").GetProperty("late").GetBoolean());
        Assert.Equal(75 * 60, met.GetProperty("payload").GetProperty("timeTakenSeconds").GetInt64());
        Assert.Empty((await officer.GetJsonAsync($"/api/v1/deadlines?incidentId={id}")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Runners_WhenTwoReplicasRaceOnTheSameDeadlines_EachFiresExactlyOnce()
    {
        var (_, _, id) = await ReportAsync();
        var (_, _, id2) = await ReportAsync();
        app.Clock.Advance(TimeSpan.FromMinutes(61));

        // Two runners with their own contexts and connections: two replicas on one database.
        var factory = app.Services.GetRequiredService<IDbContextFactory<Data.CrisisOpsDbContext>>();
        var metrics = app.Services.GetRequiredService<CrisisOpsMetrics>();
        var replicas = Enumerable.Range(0, 4)
            .Select(_ => new DeadlineRunner(factory, app.Clock, metrics, app.Services.GetServices<IDeadlineMissHandler>(),
                NullLogger<DeadlineRunner>.Instance)).ToList();
        var fired = await Task.WhenAll(replicas.Select(r => Task.Run(() => r.FireDueAsync(CancellationToken.None))));

        Assert.True(fired.Sum() >= 2);
        var admin = await app.AdminAsync();
        foreach (var incident in new[] { id, id2 })
        {
            var missed = (await admin.GetJsonAsync($"/api/v1/journal?incidentId={incident}&type=deadline."))
                .GetProperty("items").EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToList();
            Assert.Equal(1, missed.Count(t => t == "deadline.missed"));
            Assert.Equal(1, missed.Count(t => t == "deadline.escalated"));
        }
    }

    [Fact]
    public async Task List_WhenSeveralOpen_ShowsOverdueFirst()
    {
        var (world, officer, late) = await ReportAsync();
        app.Clock.Advance(TimeSpan.FromMinutes(90));
        var (lat, lon) = world.PointIn(world.CommunityB1);
        var fresh = (await (await officer.PostJsonAsync("/api/v1/incidents", new
        {
            title = "Second", category = "accident", type = "fire", severity = "IV", location = new { lat, lon },
        })).OkJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetString();

        var items = (await officer.GetJsonAsync($"/api/v1/deadlines?region={world.City}")).GetProperty("items").EnumerateArray().ToList();

        Assert.Equal([late, fresh], items.Select(i => i.GetProperty("incidentId").GetString()).ToArray());
        Assert.True(items[0].GetProperty("isOverdue").GetBoolean());
        Assert.False(items[1].GetProperty("isOverdue").GetBoolean());
    }

    [Fact]
    public async Task List_WhenOwnerFilterIsNotARole_Returns400()
    {
        var admin = await app.AdminAsync();
        await (await admin.GetAsync("/api/v1/deadlines?owner=king")).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
    }
}

public sealed class DeadlineTestsOnSqlite(SqliteApp app) : DeadlineTests<SqliteApp>(app);

public sealed class DeadlineTestsOnPostgres(PostgresApp app) : DeadlineTests<PostgresApp>(app);

/// <summary>Durability: a deadline made by one server process fires in the next one, driven by its background timer.</summary>
public abstract class DeadlineRestartTests<TDatabase> : IAsyncLifetime where TDatabase : TestDatabase, new()
{
    private readonly TDatabase _database = new();

    public async ValueTask InitializeAsync() => await _database.CreateAsync();

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Deadline_WhenServerRestarts_FiresFromTheBackgroundWorkerOfTheNewProcess()
    {
        string id;
        RegionWorld world;
        await using (var first = new SharedDatabaseApp(_database, backgroundDeadlines: false))
        {
            world = await first.WorldAsync();
            var officer = await first.UserAsync(("duty-officer", world.City));
            var (lat, lon) = world.PointIn(world.CommunityB2);
            id = (await (await officer.PostJsonAsync("/api/v1/incidents", new
            {
                title = "Pipe burst", category = "accident", type = "water-supply-failure", severity = "IV", location = new { lat, lon },
            })).OkJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetString()!;
        }

        await using var second = new SharedDatabaseApp(_database, backgroundDeadlines: true);
        var admin = await second.AdminAsync();
        second.Clock.Advance(TimeSpan.FromMinutes(61));

        // The worker's PeriodicTimer runs on the fake clock; give its round a moment of real time.
        var types = new List<string?>();
        for (var attempt = 0; attempt < 100 && !types.Contains("deadline.escalated"); attempt++)
        {
            await Task.Delay(100);
            types = [.. (await admin.GetJsonAsync($"/api/v1/journal?incidentId={id}")).GetProperty("items").EnumerateArray()
                .Select(e => e.GetProperty("type").GetString())];
            if (!types.Contains("deadline.escalated"))
            {
                second.Clock.Advance(TimeSpan.FromMinutes(1));
            }
        }

        Assert.Contains("deadline.missed", types);
        Assert.Contains("deadline.escalated", types);
    }

    private sealed class SharedDatabaseApp(TestDatabase database, bool backgroundDeadlines)
        : CrisisOpsApp(database, ownsDatabase: false, backgroundDeadlines: backgroundDeadlines);
}

public sealed class DeadlineRestartTestsOnSqlite : DeadlineRestartTests<SqliteTestDatabase>;

public sealed class DeadlineRestartTestsOnPostgres : DeadlineRestartTests<PostgresTestDatabase>;
