using System.Globalization;
using System.Net;
using CrisisOps.Domain.Warning;
using CrisisOps.Server.Features.Warning;
using CrisisOps.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CrisisOps.Server.Tests.Features;

public abstract class RiskTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : CrisisOpsApp
{
    private async Task<(RegionWorld World, HttpClient Analyst, string Station)> GaugeAsync()
    {
        var world = await app.WorldAsync();
        var analyst = await app.UserAsync(("analyst", world.City));
        var (lat, lon) = world.PointIn(world.CommunityA1);
        var code = world.Prefix + "-GAUGE";
        (await analyst.PostJsonAsync("/api/v1/stations", new
        {
            code, nameEn = "River gauge", kind = "water-level", location = new { lat, lon }, unit = "m",
            validMin = 0.0, validMax = 15.0, thresholds = new { general = 3.0, attention = 4.5, warning = 6.0, emergency = 7.5 },
        })).EnsureSuccessStatusCode();
        return (world, analyst, code);
    }

    private async Task ReadAsync(HttpClient client, string station, double value)
    {
        // An hour apart, so only the level rule speaks (the rate-of-rise window holds one reading).
        app.Clock.Advance(TimeSpan.FromMinutes(61));
        var result = await (await client.PostJsonAsync("/api/v1/readings", new
        {
            items = new[] { new { station, readingId = Guid.NewGuid().ToString(), time = app.Clock.GetUtcNow().ToString("O", CultureInfo.InvariantCulture), value } },
        })).OkJsonAsync();
        Assert.Equal(1, result.GetProperty("stored").GetInt32());

        // The ingest answered after the worker's round covering it: nothing is left in the queue.
        Assert.Equal(0, await app.AssessRiskAsync());
    }

    private static async Task<string> TierAsync(HttpClient client, string region) =>
        (await client.GetJsonAsync($"/api/v1/risk?region={region}&hazard=flood")).GetProperty("items").EnumerateArray()
            .Single(r => r.GetProperty("regionCode").GetString() == region).GetProperty("tier").GetString()!;

    [Fact]
    public async Task RisingRiver_WhenReadingsArrive_ClimbsTiersWithExplanationsAndCarriesThemUpTheTree()
    {
        var (world, analyst, station) = await GaugeAsync();

        await ReadAsync(analyst, station, 4.7);
        Assert.Equal("attention", await TierAsync(analyst, world.CommunityA1));
        Assert.Equal("attention", await TierAsync(analyst, world.CountyA));
        Assert.Equal("attention", await TierAsync(await app.AdminAsync(), world.Province));

        await ReadAsync(analyst, station, 6.3);
        Assert.Equal("warning", await TierAsync(analyst, world.CommunityA1));
        await ReadAsync(analyst, station, 7.9);
        Assert.Equal("emergency", await TierAsync(analyst, world.CommunityA1));
        Assert.Equal("emergency", await TierAsync(analyst, world.City));

        var changes = (await analyst.GetJsonAsync($"/api/v1/journal?type=risk.tier-changed&region={world.CommunityA1}"))
            .GetProperty("items").EnumerateArray().Where(e => e.GetProperty("regionCode").GetString() == world.CommunityA1).ToList();
        Assert.Equal(["attention", "warning", "emergency"], changes.Select(c => c.GetProperty("payload").GetProperty("to").GetString()).ToArray());
        var because = changes[^1].GetProperty("payload").GetProperty("because")[0];
        Assert.Equal("river-level", because.GetProperty("rule").GetString());
        Assert.Equal(station, because.GetProperty("station").GetString());
        Assert.Contains("latest 7.9 m", because.GetProperty("explanation").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FallingRiver_WhenJustBelowThreshold_HoldsTheTierUntilPastTheBand()
    {
        var (world, analyst, station) = await GaugeAsync();
        await ReadAsync(analyst, station, 6.5);
        Assert.Equal("warning", await TierAsync(analyst, world.CommunityA1));

        await ReadAsync(analyst, station, 5.7); // score 2.8: inside the band below warning
        Assert.Equal("warning", await TierAsync(analyst, world.CommunityA1));

        // Score 2.07, plus 0.302 for A1's flood vulnerability (low-lying, a nursing home, 1,000 residents) = 2.37: past the band.
        await ReadAsync(analyst, station, 4.6);
        Assert.Equal("attention", await TierAsync(analyst, world.CommunityA1));
    }

    [Fact]
    public async Task Aggregate_WhenOneCommunityCalms_KeepsTheWorstSiblingsTier()
    {
        var (world, analyst, station) = await GaugeAsync();
        var (lat, lon) = world.PointIn(world.CommunityA2);
        var quiet = world.Prefix + "-GAUGE2";
        (await analyst.PostJsonAsync("/api/v1/stations", new
        {
            code = quiet, nameEn = "Quiet gauge", kind = "water-level", location = new { lat, lon }, unit = "m",
            validMin = 0.0, validMax = 15.0, thresholds = new { general = 3.0, attention = 4.5, warning = 6.0, emergency = 7.5 },
        })).EnsureSuccessStatusCode();

        await ReadAsync(analyst, station, 8.0);
        await ReadAsync(analyst, quiet, 3.1);

        Assert.Equal("general", await TierAsync(analyst, world.CommunityA2));
        Assert.Equal("emergency", await TierAsync(analyst, world.TownshipA));
        Assert.Equal("emergency", await TierAsync(analyst, world.CountyA));
    }

    [Fact]
    public async Task Sweep_WhenReadingsStop_LetsTheTierFall()
    {
        var (world, analyst, station) = await GaugeAsync();
        await ReadAsync(analyst, station, 6.5);
        Assert.Equal("warning", await TierAsync(analyst, world.CommunityA1));

        app.Clock.Advance(TimeSpan.FromHours(26));
        await app.SweepRiskAsync();

        Assert.Equal("none", await TierAsync(analyst, world.CommunityA1));
        Assert.Equal("none", await TierAsync(analyst, world.CountyA));
    }

    [Fact]
    public async Task LoadSeries_WhenKindsHaveWindowsOfTheirOwn_ScoresEveryHazardAsTheWholeLookbackDoes()
    {
        var world = await app.WorldAsync();
        var analyst = await app.UserAsync(("analyst", world.City));
        var (lat, lon) = world.PointIn(world.CommunityA1);
        var now = app.Clock.GetUtcNow();
        var random = new Random(4);
        var stations = new (string Kind, string Unit, double Max, TimeSpan Every, TimeSpan Span)[]
        {
            ("water-level", "m", 15, TimeSpan.FromMinutes(7), TimeSpan.FromHours(30)),  // rate of rise over 1 h
            ("rainfall", "mm", 500, TimeSpan.FromMinutes(20), TimeSpan.FromHours(30)),  // sums over 1, 3 and 24 h
            ("soil-moisture", "%", 100, TimeSpan.FromHours(21), TimeSpan.FromHours(20)), // threshold only; one reading, 20 h old
            ("pipe-pressure", "kPa", 900, TimeSpan.FromHours(31), TimeSpan.FromHours(30)), // one reading, 30 h old: outside the lookback
        };
        foreach (var (kind, unit, max, every, span) in stations)
        {
            var code = $"{world.Prefix}-{kind}";
            (await analyst.PostJsonAsync("/api/v1/stations", new
            {
                code, nameEn = kind, kind, location = new { lat, lon }, unit, validMin = 0.0, validMax = max,
                thresholds = new { general = max * 0.2, attention = max * 0.4, warning = max * 0.6, emergency = max * 0.8 },
            })).EnsureSuccessStatusCode();
            var items = new List<object>();
            for (var t = now - span; t <= now; t += every)
            {
                items.Add(new { station = code, readingId = $"x{items.Count}", time = t.ToString("O", CultureInfo.InvariantCulture), value = Math.Round(random.NextDouble() * max * 0.9, 2) });
            }

            Assert.Equal(items.Count, (await (await analyst.PostJsonAsync("/api/v1/readings", new { items })).OkJsonAsync()).GetProperty("stored").GetInt32());
        }

        var rules = app.Services.GetRequiredService<RiskRulesProvider>().Current;
        await using var db = app.Database.NewContext();
        var registered = await db.Stations.AsNoTracking().Where(s => s.RegionCode == world.CommunityA1).ToListAsync();
        var loaded = await RiskEvaluator.LoadSeriesAsync(db, registered, rules, now, CancellationToken.None);
        var since = now - rules.Hazards.SelectMany(h => h.Rules).Where(r => r.ReadsStations).Select(r => r.Window).Max();
        var codes = registered.Select(s => s.Code).ToList();
        var whole = (await db.Readings.AsNoTracking().Where(r => codes.Contains(r.StationCode) && r.Time > since).ToListAsync())
            .GroupBy(r => r.StationCode).ToDictionary(g => g.Key, g => g.OrderBy(r => r.Time).Select(r => (r.Time, r.Value)).ToList());

        Assert.True(loaded.Values.Sum(v => v.Count) < whole.Values.Sum(v => v.Count) / 2, "the windows should load far fewer readings");
        Assert.DoesNotContain($"{world.Prefix}-pipe-pressure", loaded.Keys);
        foreach (var hazard in rules.Hazards)
        {
            HazardScore Score(Dictionary<string, List<(DateTimeOffset Time, double Value)>> series)
            {
                var list = registered.Select(s => new StationSeries(s, series.GetValueOrDefault(s.Code) ?? [])).ToList();
                return RiskModel.Score(hazard, list, list.SelectMany(x => x.Readings).Select(r => r.Time).Append(now).Max());
            }

            var (expected, actual) = (Score(whole), Score(loaded));
            Assert.Equal(expected.Score, actual.Score);
            Assert.Equal(expected.Contributions, actual.Contributions);
        }
    }

    [Fact]
    public async Task RiskMap_WhenAsked_GivesGeoJsonWithTiersInScope()
    {
        var (world, analyst, station) = await GaugeAsync();
        await ReadAsync(analyst, station, 6.1);
        var userB = await app.UserAsync(("analyst", world.CountyB));

        var map = await (await analyst.GetAsync("/api/v1/risk/map")).OkJsonAsync();
        var a1 = map.GetProperty("features").EnumerateArray().Single(f => f.GetProperty("properties").GetProperty("code").GetString() == world.CommunityA1);
        Assert.Equal("warning", a1.GetProperty("properties").GetProperty("tier").GetString());
        Assert.Equal("warning", a1.GetProperty("properties").GetProperty("hazards").GetProperty("flood").GetProperty("tier").GetString());

        var mapB = await (await userB.GetAsync("/api/v1/risk/map")).OkJsonAsync();
        Assert.DoesNotContain(mapB.GetProperty("features").EnumerateArray(), f => f.GetProperty("properties").GetProperty("code").GetString() == world.CommunityA1);
        Assert.DoesNotContain((await userB.GetJsonAsync($"/api/v1/risk?hazard=flood")).GetProperty("items").EnumerateArray(),
            r => r.GetProperty("regionCode").GetString()!.StartsWith(world.CountyA, StringComparison.Ordinal));
    }
}

public sealed class RiskTestsOnSqlite(SqliteApp app) : RiskTests<SqliteApp>(app);

public sealed class RiskTestsOnPostgres(PostgresApp app) : RiskTests<PostgresApp>(app);
