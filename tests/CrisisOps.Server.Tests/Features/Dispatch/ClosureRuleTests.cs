using System.Net;
using System.Text.Json;
using CrisisOps.Data;
using CrisisOps.Domain.Dispatch;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Regions;
using CrisisOps.Routing.Roads;
using CrisisOps.Server.Features.Dispatch;
using CrisisOps.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CrisisOps.Server.Tests.Features.Dispatch;

public sealed class ClosureRuleSqliteApp() : CrisisOpsApp(new SqliteTestDatabase(), settings: DispatchScenario.Settings);

public sealed class ClosureRulePostgresApp() : CrisisOpsApp(new PostgresTestDatabase(), settings: DispatchScenario.Settings);

/// <summary>
/// The closure rule of the demo: a low-lying community at Emergency (red) for waterlogging has its roads closed by rule,
/// journaled, and they reopen when it falls back to yellow; a community that is not low-lying closes nothing.
/// </summary>
public abstract class ClosureRuleTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : CrisisOpsApp
{
    private const string LowLying = "KRE-02-01-004";
    private const string NotLowLying = "KRE-01-01-001";

    private async Task<HttpClient> CommanderAsync()
    {
        await app.Services.GetRequiredService<RoadNetworkHost>().WhenLoaded.WaitAsync(TimeSpan.FromMinutes(2));
        return await app.SignInAsync("commander.krems", DemoCityTests.DemoPassword);
    }

    private static async Task SetTierAsync(HttpClient client, string region, string tier) =>
        await (await client.PostJsonAsync($"/api/v1/risk/{region}/waterlogging/override", new { tier, reason = "内涝 test" })).OkJsonAsync();

    private static async Task<List<JsonElement>> RuleClosuresAsync(HttpClient client, string region) =>
        [.. (await client.GetJsonAsync("/api/v1/road-closures?status=all")).GetProperty("items").EnumerateArray()
            .Where(c => c.GetProperty("ruleKey").GetString() is { } key && key.EndsWith(":" + region, StringComparison.Ordinal))];

    [Fact]
    public async Task LowLyingCommunity_RedForWaterlogging_ClosesItsRoads_YellowReopens()
    {
        var commander = await CommanderAsync();
        await SetTierAsync(commander, LowLying, "emergency");

        var closures = await RuleClosuresAsync(commander, LowLying);
        var closure = Assert.Single(closures);
        Assert.Equal("rule", closure.GetProperty("source").GetString());
        Assert.Equal("area", closure.GetProperty("kind").GetString());
        Assert.Equal("active", closure.GetProperty("status").GetString());
        Assert.Equal("low-lying-waterlogging:" + LowLying, closure.GetProperty("ruleKey").GetString());

        // The area shuts real roads inside the community, so routing (which reads the active closures) avoids them.
        var desk = app.Services.GetRequiredService<RoadClosureDesk>();
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<CrisisOpsDbContext>>().CreateDbContextAsync())
        {
            var active = await db.RoadClosures.Where(c => c.RuleKey == "low-lying-waterlogging:" + LowLying && c.Status == ClosureStatus.Active).ToListAsync();
            var ways = desk.ClosedWays(active);
            Assert.NotEmpty(ways);
            var ring = active.Single().Area;
            Assert.All(ways, w => Assert.Contains(w.Geometry, c => RouteGeometry.Inside(new GeoPoint(c.Latitude, c.Longitude), ring)));
            var network = app.Services.GetRequiredService<RoadNetworkHost>().Network!;
            var inside = network.Snap(ways[0].Geometry[ways[0].Geometry.Count / 2])!;
            var outside = network.Snap(new Coordinate(48.4105, 15.6140))!; // Krems old town, outside the community
            var matrix = network.Router(TravelTimes.ToRoadClosures(active)).Matrix([outside, inside]);
            Assert.True(network.Router(RoadClosures.None).Matrix([outside, inside]).IsReachable(0, 1));
            Assert.False(matrix.IsReachable(0, 1));

            var journaled = await db.Journal.Where(j => j.Type == JournalTypes.RoadClosed && j.RegionCode == LowLying).ToListAsync();
            Assert.Single(journaled);
        }

        // Red again (no change of tier) closes nothing more.
        await SetTierAsync(commander, LowLying, "emergency");
        Assert.Single(await RuleClosuresAsync(commander, LowLying));

        await SetTierAsync(commander, LowLying, "attention");
        closure = Assert.Single(await RuleClosuresAsync(commander, LowLying));
        Assert.Equal("reopened", closure.GetProperty("status").GetString());
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<CrisisOpsDbContext>>().CreateDbContextAsync())
        {
            Assert.Single(await db.Journal.Where(j => j.Type == JournalTypes.RoadReopened && j.RegionCode == LowLying).ToListAsync());
        }

        // Red once more closes anew (the state is read from the database, not remembered).
        await SetTierAsync(commander, LowLying, "emergency");
        var again = await RuleClosuresAsync(commander, LowLying);
        Assert.Equal(2, again.Count);
        Assert.Single(again, c => c.GetProperty("status").GetString() == "active");
    }

    [Fact]
    public async Task NotLowLyingCommunity_RedForWaterlogging_ClosesNothing()
    {
        var commander = await CommanderAsync();
        await SetTierAsync(commander, NotLowLying, "emergency");
        Assert.Empty(await RuleClosuresAsync(commander, NotLowLying));
    }
}

public sealed class ClosureRuleTestsOnSqlite(ClosureRuleSqliteApp app) : ClosureRuleTests<ClosureRuleSqliteApp>(app);

public sealed class ClosureRuleTestsOnPostgres(ClosureRulePostgresApp app) : ClosureRuleTests<ClosureRulePostgresApp>(app);

/// <summary>The closure rules file is validated field by field, and the shipped one holds.</summary>
public sealed class ClosureRuleFileTests
{
    [Fact]
    public void ShippedFile_Parses()
    {
        var rules = ClosureRules.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Dispatch", "closure-rules.json")));
        Assert.Contains(rules, r => r.Key == "low-lying-waterlogging" && r.Tier == Domain.Warning.WarningTier.Emergency && r.Ways is null);
        Assert.Contains(rules, r => r.Ways is { Tunnel: true, LayerBelow: 0 });
    }

    [Theory]
    [InlineData("""{ "rules": [ { "key": "a", "hazard": "flood", "tier": "purple", "regionAttribute": "low-lying", "reasonZh": "z", "reasonEn": "e" } ] }""", "rules[0].tier")]
    [InlineData("""{ "rules": [ { "key": "A B", "hazard": "flood", "tier": "red", "regionAttribute": "low-lying", "reasonZh": "z", "reasonEn": "e" } ] }""", "rules[0].key")]
    [InlineData("""{ "rules": [ { "key": "a", "tier": "red", "regionAttribute": "low-lying", "reasonZh": "z", "reasonEn": "e" } ] }""", "rules[0].hazard")]
    [InlineData("""{ "rules": [ { "key": "a", "hazard": "flood", "tier": "red", "regionAttribute": "x", "reasonZh": "z", "reasonEn": "e", "ways": { "bridge": true } } ] }""", "rules[0].ways.bridge")]
    [InlineData("""{ "rules": [ { "key": "a", "hazard": "flood", "tier": "red", "regionAttribute": "x", "reasonZh": "z", "reasonEn": "e" }, { "key": "a", "hazard": "flood", "tier": "red", "regionAttribute": "x", "reasonZh": "z", "reasonEn": "e" } ] }""", "rules[1].key")]
    [InlineData("""{ "rule": [] }""", "rules")]
    public void BadFile_NamesTheField(string json, string field) =>
        Assert.Equal(field, Assert.Throws<ClosureRuleException>(() => ClosureRules.Parse(json)).Field);

    [Fact]
    public void BadFile_StopsTheStart()
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, """{ "rules": [ { "key": "a", "hazard": "flood", "tier": "purple", "regionAttribute": "x", "reasonZh": "z", "reasonEn": "e" } ] }""");
        try
        {
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["Dispatch:ClosureRulesFile"] = path }).Build();
            var error = Assert.Throws<InvalidOperationException>(() => _ = new ClosureRuleBook(configuration));
            Assert.Contains("rules[0].tier", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
