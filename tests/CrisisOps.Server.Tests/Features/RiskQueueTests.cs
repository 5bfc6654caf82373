using System.Globalization;
using System.Net;
using CrisisOps.Data;
using CrisisOps.Domain.Warning;
using CrisisOps.Server.Features.Warning;
using CrisisOps.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CrisisOps.Server.Tests.Features;

/// <summary>
/// The durable risk queue: ingest marks regions in its own transaction, a round removes only the marks
/// it covered, marks survive a restart, and two replicas assessing at once lose none. Each test starts
/// its own server processes on one database, as a restart or a second replica would.
/// </summary>
public abstract class RiskQueueTests<TDatabase> : IAsyncLifetime where TDatabase : TestDatabase, new()
{
    private static readonly object Thresholds = new { general = 3.0, attention = 4.5, warning = 6.0, emergency = 7.5 };
    private readonly TDatabase _database = new();

    public async ValueTask InitializeAsync() => await _database.CreateAsync();

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Ingest_WhenReadingsStored_MarksTheirRegionAndLeavesTheTierToTheRound()
    {
        await using var app = new Replica(_database, background: false);
        var (world, analyst, station) = await GaugeAsync(app, await app.WorldAsync());

        await PostAsync(analyst, station, "r1", app.Clock.GetUtcNow(), 6.5);
        Assert.Equal(1, (await MarkAsync(world.CommunityA1))?.Marks);
        Assert.Equal("none", await TierAsync(analyst, world.CommunityA1));

        await PostAsync(analyst, station, "r2", app.Clock.GetUtcNow(), 6.6);
        await PostAsync(analyst, station, "r2", app.Clock.GetUtcNow(), 6.6); // a retry stores nothing and marks nothing
        Assert.Equal(2, (await MarkAsync(world.CommunityA1))?.Marks);

        Assert.True(await app.AssessRiskAsync() >= 1);
        Assert.Null(await MarkAsync(world.CommunityA1));
        Assert.Equal("warning", await TierAsync(analyst, world.CommunityA1));
        Assert.Equal("warning", await TierAsync(analyst, world.City));
    }

    [Fact]
    public async Task Ingest_WhenItsTransactionRollsBack_LeavesNoMark()
    {
        await using var app = new Replica(_database, background: false);
        var (world, analyst, station) = await GaugeAsync(app, await app.WorldAsync());

        // The journal refuses this region's entries, so the ingest fails after its readings and its mark were written.
        var trigger = "refuse_" + world.Prefix.ToLowerInvariant().Replace('-', '_');
        await using (var db = _database.NewContext())
        {
            await db.Database.ExecuteSqlRawAsync(db.Database.IsSqlite()
                ? $"""CREATE TRIGGER {trigger} BEFORE INSERT ON journal WHEN NEW."RegionCode" = '{world.CommunityA1}' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;"""
                : $"""
                   CREATE FUNCTION {trigger}() RETURNS trigger LANGUAGE plpgsql AS $$
                   BEGIN IF NEW."RegionCode" = '{world.CommunityA1}' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$;
                   CREATE TRIGGER {trigger} BEFORE INSERT ON journal FOR EACH ROW EXECUTE FUNCTION {trigger}();
                   """);
        }

        var response = await analyst.PostJsonAsync("/api/v1/readings", Batch(station, "doomed", app.Clock.GetUtcNow(), 7.9));

        await using (var db = _database.NewContext())
        {
            await db.Database.ExecuteSqlRawAsync(db.Database.IsSqlite() ? $"DROP TRIGGER {trigger};" : $"DROP TRIGGER {trigger} ON journal; DROP FUNCTION {trigger}();");
            Assert.Equal(0, await db.Readings.CountAsync(r => r.StationCode == station));
        }

        await response.ProblemAsync(HttpStatusCode.Conflict, "concurrent-change");
        Assert.Null(await MarkAsync(world.CommunityA1));
        Assert.Equal(0, await app.AssessRiskAsync());
    }

    [Fact]
    public async Task Round_WhenRegionMarkedAgainWhileItRuns_KeepsTheMarkForTheNextRound()
    {
        await using var app = new Replica(_database, background: false);
        var (world, analyst, station) = await GaugeAsync(app, await app.WorldAsync());
        var queue = app.Services.GetRequiredService<RiskQueue>();
        await PostAsync(analyst, station, "r1", app.Clock.GetUtcNow(), 4.7);

        var round = await queue.TakeAsync(CancellationToken.None);
        Assert.Contains(round.Regions, r => r.RegionCode == world.CommunityA1 && r.Marks == 1);
        await PostAsync(analyst, station, "r2", app.Clock.GetUtcNow(), 7.9);
        await queue.CompleteAsync(round, CancellationToken.None);

        Assert.Equal(2, (await MarkAsync(world.CommunityA1))?.Marks);
        var next = await queue.TakeAsync(CancellationToken.None);
        Assert.Contains(next.Regions, r => r.RegionCode == world.CommunityA1 && r.Marks == 2);
        await queue.CompleteAsync(next, CancellationToken.None);
        Assert.Null(await MarkAsync(world.CommunityA1));
        Assert.Equal("emergency", await TierAsync(analyst, world.CommunityA1));
    }

    [Fact]
    public async Task Restart_WhenMarksWereLeftBehind_TheNewProcessesWorkerAssessesThem()
    {
        RegionWorld world;
        DateTimeOffset time;
        await using (var crashed = new Replica(_database, background: false))
        {
            // Stored and marked, then the process is gone before any round covered the region.
            (world, var analyst, var station) = await GaugeAsync(crashed, await crashed.WorldAsync());
            time = crashed.Clock.GetUtcNow();
            await PostAsync(analyst, station, "r1", time, 6.5);
            Assert.NotNull(await MarkAsync(world.CommunityA1));
        }

        await using var restarted = new Replica(_database, background: true);
        restarted.Clock.SetUtcNow(time);
        var admin = await restarted.AdminAsync();
        var tier = "none";
        for (var attempt = 0; attempt < 100 && tier != "warning"; attempt++)
        {
            await Task.Delay(100);
            tier = await TierAsync(admin, world.CommunityA1);
        }

        Assert.Equal("warning", tier);
        Assert.Equal("warning", await TierAsync(admin, world.Province));
        Assert.Null(await MarkAsync(world.CommunityA1));
    }

    [Fact]
    public async Task Ingest_WhenTheWorkerRuns_AnswersOnceTheTierReflectsTheBatch()
    {
        await using var app = new Replica(_database, background: true);
        var (world, analyst, station) = await GaugeAsync(app, await app.WorldAsync());

        // No draining here: the answer itself waits for the round that covers the batch (group commit).
        await PostAsync(analyst, station, "r1", app.Clock.GetUtcNow(), 6.5);
        Assert.Equal("warning", await TierAsync(analyst, world.CommunityA1));
        await PostAsync(analyst, station, "r2", app.Clock.GetUtcNow() + TimeSpan.FromMinutes(1), 7.9);
        Assert.Equal("emergency", await TierAsync(analyst, world.CommunityA1));
        Assert.Null(await MarkAsync(world.CommunityA1));
    }

    [Fact]
    public async Task Ingest_WhenTheRoundFails_StillAnswersAndTheMarkWaitsForTheNextRound()
    {
        await using var app = new Replica(_database, background: true);
        var (world, analyst, station) = await GaugeAsync(app, await app.WorldAsync());

        // The tier table refuses this region's rows, so every round that covers it fails.
        var trigger = "refuse_risk_" + world.Prefix.ToLowerInvariant().Replace('-', '_');
        await using (var db = _database.NewContext())
        {
            await db.Database.ExecuteSqlRawAsync(db.Database.IsSqlite()
                ? $"""CREATE TRIGGER {trigger} BEFORE INSERT ON region_risks WHEN NEW."RegionCode" = '{world.CommunityA1}' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;"""
                : $"""
                   CREATE FUNCTION {trigger}() RETURNS trigger LANGUAGE plpgsql AS $$
                   BEGIN IF NEW."RegionCode" = '{world.CommunityA1}' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$;
                   CREATE TRIGGER {trigger} BEFORE INSERT ON region_risks FOR EACH ROW EXECUTE FUNCTION {trigger}();
                   """);
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await PostAsync(analyst, station, "r1", app.Clock.GetUtcNow(), 6.5);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"the answer waited {clock.Elapsed} for a failing round");
        Assert.NotNull(await MarkAsync(world.CommunityA1));
        Assert.Equal("none", await TierAsync(analyst, world.CommunityA1));

        await using (var db = _database.NewContext())
        {
            await db.Database.ExecuteSqlRawAsync(db.Database.IsSqlite() ? $"DROP TRIGGER {trigger};" : $"DROP TRIGGER {trigger} ON region_risks; DROP FUNCTION {trigger}();");
        }

        // After a failure the worker waits a full poll interval (on the fake clock) before it tries again.
        var tier = "none";
        for (var attempt = 0; attempt < 100 && tier != "warning"; attempt++)
        {
            app.Clock.Advance(TimeSpan.FromSeconds(5));
            await Task.Delay(100);
            tier = await TierAsync(analyst, world.CommunityA1);
        }

        Assert.Equal("warning", tier);
        Assert.Null(await MarkAsync(world.CommunityA1));
    }

    [Fact]
    public async Task TwoReplicas_WhenBothIngestAndAssessAtOnce_LoseNoMark()
    {
        // Both replicas run their background worker, woken by their own commits, while readings arrive through both.
        await using var first = new Replica(_database, background: true);
        await using var second = new Replica(_database, background: true);
        var worlds = new[] { await first.WorldAsync(), await first.WorldAsync() };
        var start = first.Clock.GetUtcNow();
        second.Clock.SetUtcNow(start);
        var gauges = new List<(string Station, string Region, HttpClient Client)>();
        foreach (var world in worlds)
        {
            var analysts = new[] { await first.UserAsync(("analyst", world.City)), await second.UserAsync(("analyst", world.City)) };
            foreach (var community in new[] { world.CommunityA1, world.CommunityA2, world.CommunityB1, world.CommunityB2 })
            {
                var station = await RegisterAsync(analysts[0], world, community);
                gauges.Add((station, community, analysts[gauges.Count % 2]));
            }
        }

        // Each gauge rises through every tier, an hour and a half apart (so only the level rule speaks); only the
        // last reading is an emergency, so a region whose last mark got lost is left at a lower tier.
        double[] levels = [3.1, 4.7, 6.3, 7.9];
        await Task.WhenAll(gauges.Select(async gauge =>
        {
            for (var i = 0; i < levels.Length; i++)
            {
                var time = start - TimeSpan.FromMinutes(90 * (levels.Length - 1 - i));
                await PostAsync(gauge.Client, gauge.Station, $"r{i}", time, levels[i]);
            }
        }));

        // Whatever the workers left queued (a round may have lost a race and wait for its next tick) is drained here;
        // a mark that was wrongly removed is not in the table any more and would show as a stale tier below.
        await first.AssessRiskAsync();
        await using (var db = _database.NewContext())
        {
            var codes = gauges.Select(g => g.Region).ToList();
            Assert.Empty(await db.RiskQueue.Where(e => codes.Contains(e.RegionCode)).ToListAsync());
        }

        var admin = await first.AdminAsync();
        foreach (var gauge in gauges)
        {
            Assert.Equal("emergency", await TierAsync(admin, gauge.Region));
        }
    }

    private async Task<RiskQueueEntry?> MarkAsync(string region)
    {
        await using var db = _database.NewContext();
        return await db.RiskQueue.AsNoTracking().SingleOrDefaultAsync(e => e.RegionCode == region);
    }

    private static async Task<(RegionWorld World, HttpClient Analyst, string Station)> GaugeAsync(CrisisOpsApp app, RegionWorld world)
    {
        var analyst = await app.UserAsync(("analyst", world.City));
        return (world, analyst, await RegisterAsync(analyst, world, world.CommunityA1));
    }

    private static async Task<string> RegisterAsync(HttpClient analyst, RegionWorld world, string community)
    {
        var (lat, lon) = world.PointIn(community);
        var code = community + "-GAUGE";
        (await analyst.PostJsonAsync("/api/v1/stations", new
        {
            code, nameEn = "River gauge", kind = "water-level", location = new { lat, lon }, unit = "m", validMin = 0.0, validMax = 15.0,
            thresholds = Thresholds,
        })).EnsureSuccessStatusCode();
        return code;
    }

    private static object Batch(string station, string readingId, DateTimeOffset time, double value) =>
        new { items = new[] { new { station, readingId, time = time.ToString("O", CultureInfo.InvariantCulture), value } } };

    private static async Task PostAsync(HttpClient client, string station, string readingId, DateTimeOffset time, double value) =>
        await (await client.PostJsonAsync("/api/v1/readings", Batch(station, readingId, time, value))).OkJsonAsync();

    private static async Task<string> TierAsync(HttpClient client, string region) =>
        (await client.GetJsonAsync($"/api/v1/risk?region={region}&hazard=flood")).GetProperty("items").EnumerateArray()
            .Where(r => r.GetProperty("regionCode").GetString() == region).Select(r => r.GetProperty("tier").GetString()!)
            .SingleOrDefault() ?? "none";

    /// <summary>One server process on the test's database; <c>background</c> runs its risk assessment worker.</summary>
    private sealed class Replica(TestDatabase database, bool background) : CrisisOpsApp(database, ownsDatabase: false,
        settings: new Dictionary<string, string> { ["Risk:AssessInBackground"] = background ? "true" : "false" });
}

public sealed class RiskQueueTestsOnSqlite : RiskQueueTests<SqliteTestDatabase>;

public sealed class RiskQueueTestsOnPostgres : RiskQueueTests<PostgresTestDatabase>;
