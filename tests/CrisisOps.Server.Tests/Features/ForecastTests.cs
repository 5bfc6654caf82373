using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using CrisisOps.Cli;
using CrisisOps.Testing;

namespace CrisisOps.Server.Tests.Features;

/// <summary>The 72-hour forecast: station trends, posted rain forecasts, predicted tiers per region, and the backtest against a station's record.</summary>
public abstract class ForecastTests<TApp>(TApp app) : IClassFixture<TApp>, IDisposable where TApp : CrisisOpsApp
{
    private readonly CliRunner _cli = new(app);

    public void Dispose()
    {
        _cli.Dispose();
        GC.SuppressFinalize(this);
    }

    private static string Iso(DateTimeOffset t) => t.ToString("O", CultureInfo.InvariantCulture);

    private async Task<string> StationAsync(HttpClient client, RegionWorld world, string suffix, string kind, string unit, double max, object? thresholds)
    {
        var (lat, lon) = world.PointIn(world.CommunityA1);
        var code = world.Prefix + suffix;
        (await client.PostJsonAsync("/api/v1/stations", new
        {
            code, nameEn = code, kind, location = new { lat, lon }, unit, validMin = 0.0, validMax = max, thresholds,
        })).EnsureSuccessStatusCode();
        return code;
    }

    private Task<string> GaugeAsync(HttpClient client, RegionWorld world) =>
        StationAsync(client, world, "-WL", "water-level", "m", 15.0, new { general = 3.0, attention = 4.5, warning = 6.0, emergency = 7.5 });

    private Task<string> RainGaugeAsync(HttpClient client, RegionWorld world) =>
        StationAsync(client, world, "-RAIN", "rainfall", "mm", 300.0, null);

    private async Task ReadAsync(HttpClient client, string station, IEnumerable<(DateTimeOffset Time, double Value)> readings)
    {
        var items = readings.Select((r, i) => new { station, readingId = $"{Iso(r.Time)}-{i}", time = Iso(r.Time), value = r.Value }).ToList();
        var result = await (await client.PostJsonAsync("/api/v1/readings", new { items })).OkJsonAsync();
        Assert.Equal(items.Count, result.GetProperty("stored").GetInt32());
    }

    /// <summary>Every 15 minutes over the last 6 hours, on a straight line ending at <paramref name="last"/> now.</summary>
    private IEnumerable<(DateTimeOffset, double)> Rising(double last, double perHour) =>
        Enumerable.Range(0, 25).Select(i => (app.Clock.GetUtcNow().AddMinutes(-15 * (24 - i)), Math.Round(last - perHour * (24 - i) / 4.0, 4)));

    private static JsonElement Item(JsonElement forecast, string region, string hazard) =>
        forecast.GetProperty("items").EnumerateArray()
            .Single(i => i.GetProperty("regionCode").GetString() == region && i.GetProperty("hazard").GetString() == hazard);

    private static string[] Tiers(JsonElement item) =>
        [.. item.GetProperty("forecasts").EnumerateArray().Select(f => f.GetProperty("tier").GetString()!)];

    [Fact]
    public async Task Trend_WhenGaugeRises_GivesSlopeBandTimeToEachThresholdAndProjections()
    {
        var world = await app.WorldAsync();
        var analyst = await app.UserAsync(("analyst", world.City));
        var gauge = await GaugeAsync(analyst, world);
        await ReadAsync(analyst, gauge, Rising(5.0, 0.25));

        var trend = await analyst.GetJsonAsync($"/api/v1/stations/{gauge}/trend");

        Assert.Equal("trend", trend.GetProperty("basis").GetString());
        var line = trend.GetProperty("trend");
        Assert.Equal(0.25, line.GetProperty("slopePerHour").GetDouble(), 6);
        Assert.Equal("rising", line.GetProperty("direction").GetString());
        Assert.Equal(25, line.GetProperty("points").GetInt32());
        Assert.Equal(6, line.GetProperty("windowHours").GetDouble());
        var crossings = trend.GetProperty("crossings").EnumerateArray().ToDictionary(c => c.GetProperty("tier").GetString()!);
        Assert.Equal("reached", crossings["attention"].GetProperty("outlook").GetString());
        Assert.Equal("expected", crossings["warning"].GetProperty("outlook").GetString());
        Assert.Equal(4, crossings["warning"].GetProperty("likelyHours").GetDouble());
        Assert.Equal(app.Clock.GetUtcNow().AddHours(4), crossings["warning"].GetProperty("likelyAt").GetDateTimeOffset());
        Assert.Equal(10, crossings["emergency"].GetProperty("likelyHours").GetDouble());
        var projections = trend.GetProperty("projections").EnumerateArray().ToList();
        Assert.Equal([6.0, 24.0, 72.0], projections.Select(p => p.GetProperty("hours").GetDouble()).ToArray());
        Assert.Equal(6.5, projections[0].GetProperty("likely").GetDouble());
        Assert.Equal("warning", projections[0].GetProperty("tier").GetString());
        Assert.Equal(15, projections[2].GetProperty("likely").GetDouble());

        // A 1-hour window sees 5 readings; still the same line.
        var short1 = await analyst.GetJsonAsync($"/api/v1/stations/{gauge}/trend?window=1h");
        Assert.Equal(5, short1.GetProperty("trend").GetProperty("points").GetInt32());
    }

    [Fact]
    public async Task Trend_WhenTooFewReadingsOrBadQuery_SaysWhy()
    {
        var world = await app.WorldAsync();
        var analyst = await app.UserAsync(("analyst", world.City));
        var gauge = await GaugeAsync(analyst, world);
        var now = app.Clock.GetUtcNow();
        await ReadAsync(analyst, gauge, [(now.AddMinutes(-20), 4.0), (now, 4.1)]);

        var trend = await analyst.GetJsonAsync($"/api/v1/stations/{gauge}/trend");
        Assert.Equal("none", trend.GetProperty("basis").GetString());
        Assert.Contains("needs at least 4", trend.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, trend.GetProperty("trend").ValueKind);

        var bad = await (await analyst.GetAsync($"/api/v1/stations/{gauge}/trend?window=forever&horizons=6,100")).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.True(bad.GetProperty("errors").TryGetProperty("window", out _));
        Assert.True(bad.GetProperty("errors").TryGetProperty("horizons", out _));
        await (await analyst.GetAsync("/api/v1/stations/NO-SUCH/trend")).ProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task RiskForecast_WhenAnOfficialWarningStartsTomorrow_PredictsItsTierFromWhenItTakesEffect()
    {
        var world = await app.WorldAsync();
        var analyst = await app.UserAsync(("analyst", world.City));
        var now = app.Clock.GetUtcNow();

        // A red rainstorm warning issued now, in effect from 12 h to 36 h from now (a forecast warning).
        var cap = RiskSources.Cap($"{world.Prefix}-RED-TOMORROW", now, [world.CommunityA1], "Extreme", expiresIn: TimeSpan.FromHours(36))
            .Replace("<expires>", $"<effective>{RiskSources.Time(now.AddHours(12))}</effective><expires>", StringComparison.Ordinal);
        await (await analyst.UploadAsync(cap)).OkJsonAsync(HttpStatusCode.Created);

        var forecast = await analyst.GetJsonAsync($"/api/v1/risk/forecast?region={world.CountyA}&hazard=waterlogging");
        var community = Item(forecast, world.CommunityA1, "waterlogging");
        Assert.Equal(["none", "emergency", "none"], Tiers(community));
        Assert.Contains($"{world.Prefix}-RED-TOMORROW", community.GetProperty("forecasts")[1].GetProperty("contributions").GetRawText(),
            StringComparison.Ordinal);
        Assert.Equal(["none", "emergency", "none"], Tiers(Item(forecast, world.CountyA, "waterlogging")));
        Assert.Equal("none", await analyst.TierAsync(world.CommunityA1, "waterlogging"));
    }

    [Fact]
    public async Task RiskForecast_WhenGaugeRises_PredictsWarningAt6HoursAndCarriesItUpTheTree()
    {
        var world = await app.WorldAsync();
        var analyst = await app.UserAsync(("analyst", world.City));
        var gauge = await GaugeAsync(analyst, world);
        await ReadAsync(analyst, gauge, Rising(5.0, 0.25));

        var forecast = await analyst.GetJsonAsync($"/api/v1/risk/forecast?region={world.CountyA}");

        Assert.Equal([6.0, 24.0, 72.0], forecast.GetProperty("horizons").EnumerateArray().Select(h => h.GetDouble()).ToArray());
        var community = Item(forecast, world.CommunityA1, "flood");
        Assert.Equal("attention", community.GetProperty("tierNow").GetString());
        Assert.False(community.GetProperty("isAggregate").GetBoolean());
        Assert.Equal(["warning", "emergency", "emergency"], Tiers(community));
        var at6 = community.GetProperty("forecasts")[0];
        Assert.Equal(3.333, at6.GetProperty("score").GetDouble());
        var level = at6.GetProperty("contributions").EnumerateArray().Single(c => c.GetProperty("rule").GetString() == "river-level");
        Assert.Equal(6.5, level.GetProperty("value").GetDouble(), 6);
        Assert.Contains("latest 6.5 m", level.GetProperty("explanation").GetString(), StringComparison.Ordinal);

        var county = Item(forecast, world.CountyA, "flood");
        Assert.True(county.GetProperty("isAggregate").GetBoolean());
        Assert.Equal(["warning", "emergency", "emergency"], Tiers(county));
        Assert.Equal(world.TownshipA, county.GetProperty("forecasts")[0].GetProperty("children")[0].GetProperty("region").GetString());
        Assert.DoesNotContain(forecast.GetProperty("items").EnumerateArray(), i => i.GetProperty("regionCode").GetString() == world.City);
        var station = forecast.GetProperty("stations").EnumerateArray().Single();
        Assert.Equal("trend", station.GetProperty("basis").GetString());
        Assert.Equal(0.25, station.GetProperty("slopePerHour").GetDouble());

        // The risk map shows the trend: six hours ahead the tier lies above the one in force.
        var map = await analyst.GetJsonAsync("/api/v1/risk/map");
        var flood = map.GetProperty("features").EnumerateArray()
            .Single(f => f.GetProperty("properties").GetProperty("code").GetString() == world.CommunityA1)
            .GetProperty("properties").GetProperty("hazards").GetProperty("flood");
        Assert.Equal("rising", flood.GetProperty("trend").GetString());
        Assert.Equal("warning", flood.GetProperty("in6h").GetString());
    }

    [Fact]
    public async Task PostedRainForecast_RaisesWaterloggingAt6HoursButNotNow_AndANewerIssueReplacesIt()
    {
        var world = await app.WorldAsync();
        var analyst = await app.UserAsync(("analyst", world.City));
        var rain = await RainGaugeAsync(analyst, world);
        var now = app.Clock.GetUtcNow();
        await ReadAsync(analyst, rain, [(now.AddHours(-1), 0.0), (now, 0.0)]);

        var posted = await (await analyst.PostJsonAsync($"/api/v1/stations/{rain}/forecast", new
        {
            issuedAt = Iso(now.AddMinutes(-30)), source = "test QPF",
            points = new[] { new { time = Iso(now.AddHours(4)), value = 20.0 }, new { time = Iso(now.AddHours(5)), value = 20.0 }, new { time = Iso(now.AddHours(6)), value = 20.0 } },
        })).OkJsonAsync();
        Assert.Equal(3, posted.GetProperty("stored").GetInt32());
        Assert.Equal(0, posted.GetProperty("replaced").GetInt32());

        // +6 h: 20 mm in the last hour (attention), 60 mm in three (warning); +72 h: it has left every window.
        var forecast = await analyst.GetJsonAsync($"/api/v1/risk/forecast?region={world.CommunityA1}&horizons=0,6,72");
        var waterlogging = Item(forecast, world.CommunityA1, "waterlogging");
        Assert.Equal(["none", "warning", "none"], Tiers(waterlogging));
        Assert.Equal("none", waterlogging.GetProperty("tierNow").GetString());
        Assert.Equal("posted-forecast", forecast.GetProperty("stations")[0].GetProperty("basis").GetString());
        Assert.Equal("none", (await analyst.GetJsonAsync($"/api/v1/risk?region={world.CommunityA1}&hazard=waterlogging"))
            .GetProperty("items")[0].GetProperty("tier").GetString());

        var trend = await analyst.GetJsonAsync($"/api/v1/stations/{rain}/trend");
        Assert.Equal("posted-forecast", trend.GetProperty("basis").GetString());
        Assert.Equal(60, trend.GetProperty("projections")[0].GetProperty("likely").GetDouble());
        Assert.Equal("total", trend.GetProperty("projections")[0].GetProperty("kind").GetString());

        // A later issue (CSV this time) sees the rain gone: it replaces the older points it overlaps.
        var csv = $"time,value\r\n{Iso(now.AddHours(4))},0\r\n{Iso(now.AddHours(5))},0\r\n{Iso(now.AddHours(6))},0.5\r\n";
        var newer = await (await analyst.PostRawAsync($"/api/v1/stations/{rain}/forecast?issuedAt={Uri.EscapeDataString(Iso(now))}&source=update",
            csv, "text/csv")).OkJsonAsync();
        Assert.Equal(3, newer.GetProperty("replaced").GetInt32());
        Assert.Equal(["none", "none", "none"], Tiers(Item(await analyst.GetJsonAsync($"/api/v1/risk/forecast?region={world.CommunityA1}&horizons=0,6,72"),
            world.CommunityA1, "waterlogging")));
        var inForce = await analyst.GetJsonAsync($"/api/v1/stations/{rain}/forecast");
        Assert.Equal([0.0, 0.0, 0.5], inForce.EnumerateArray().Select(p => p.GetProperty("value").GetDouble()).ToArray());
        Assert.All(inForce.EnumerateArray(), p => Assert.Equal("update", p.GetProperty("source").GetString()));

        // The first issue arriving late must not overwrite the newer one.
        await (await analyst.PostJsonAsync($"/api/v1/stations/{rain}/forecast", new
        {
            issuedAt = Iso(now.AddMinutes(-30)), points = new[] { new { time = Iso(now.AddHours(5)), value = 20.0 } },
        })).ProblemAsync(HttpStatusCode.Conflict, "forecast-superseded");

        var journal = await analyst.GetJsonAsync($"/api/v1/journal?type=forecast.posted&region={world.CommunityA1}");
        Assert.Equal(2, journal.GetProperty("items").EnumerateArray().Count(e => e.GetProperty("payload").GetProperty("station").GetString() == rain));
    }

    [Fact]
    public async Task PostForecast_WhenBad_RefusesTheWholeIssueAndSaysWhy()
    {
        var world = await app.WorldAsync();
        var analyst = await app.UserAsync(("analyst", world.City));
        var rain = await RainGaugeAsync(analyst, world);
        var gauge = await GaugeAsync(analyst, world);
        var now = app.Clock.GetUtcNow();
        var url = $"/api/v1/stations/{rain}/forecast";

        var problem = await (await analyst.PostJsonAsync(url, new
        {
            points = new object[]
            {
                new { time = Iso(now.AddHours(1)), value = 5.0 },
                new { time = Iso(now.AddHours(2)), value = 999.0 },
                new { time = Iso(now.AddHours(-1)), value = 5.0 },
                new { time = Iso(now.AddHours(73)), value = 5.0 },
                new { time = Iso(now.AddHours(1)), value = 6.0 },
                new { time = Iso(now.AddHours(3)) },
            },
        })).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        var errors = problem.GetProperty("errors");
        Assert.False(errors.TryGetProperty("points[0]", out _));
        Assert.Contains("outside the station's valid range", errors.GetProperty("points[1]")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("in the past", errors.GetProperty("points[2]")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("more than 72 h ahead", errors.GetProperty("points[3]")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("appears twice", errors.GetProperty("points[4]")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("missing or not a finite number", errors.GetProperty("points[5]")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(0, (await analyst.GetJsonAsync(url)).GetArrayLength());

        var csv = await (await analyst.PostRawAsync(url, $"time,value\n{Iso(now.AddHours(1))},NaN\nlater,3\n", "text/csv"))
            .ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.StartsWith("line 2:", csv.GetProperty("errors").GetProperty("points[0]")[0].GetString(), StringComparison.Ordinal);
        Assert.StartsWith("line 3:", csv.GetProperty("errors").GetProperty("points[1]")[0].GetString(), StringComparison.Ordinal);

        var future = await (await analyst.PostJsonAsync(url, new { issuedAt = Iso(now.AddHours(2)), unit = "m", points = Array.Empty<object>() }))
            .ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.Equal(["issuedAt", "points", "unit"], future.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal).ToArray());

        await (await analyst.PostRawAsync(url, "{\"points\": 5}")).ProblemAsync(HttpStatusCode.BadRequest, "malformed-json");
        await (await analyst.PostRawAsync(url, "{}")).ProblemAsync(HttpStatusCode.BadRequest, "malformed-request");
        await (await analyst.PostRawAsync(url, "rain", "text/plain")).ProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
        await (await analyst.PostRawAsync(url, "when,how much\n", "text/csv")).ProblemAsync(HttpStatusCode.BadRequest, "malformed-request");
        var tooMany = new { points = Enumerable.Range(0, 10_001).Select(i => new { time = Iso(now.AddSeconds(i + 60)), value = 1.0 }) };
        await (await analyst.PostJsonAsync(url, tooMany)).ProblemAsync(HttpStatusCode.RequestEntityTooLarge, "batch-too-large");
        await (await analyst.PostJsonAsync($"/api/v1/stations/{gauge}/forecast", new { points = new[] { new { time = Iso(now.AddHours(1)), value = 5.0 } } }))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity, "forecast-not-accepted");
        await (await analyst.PostJsonAsync("/api/v1/stations/NO-SUCH/forecast", new { points = Array.Empty<object>() }))
            .ProblemAsync(HttpStatusCode.NotFound, "not-found");
        Assert.Equal(0, (await analyst.GetJsonAsync(url)).GetArrayLength());
    }

    [Fact]
    public async Task Forecast_WhenOfAnotherCounty_IsDenied()
    {
        var world = await app.WorldAsync();
        var analyst = await app.UserAsync(("analyst", world.City));
        var gauge = await GaugeAsync(analyst, world);
        var rain = await RainGaugeAsync(analyst, world);
        await ReadAsync(analyst, gauge, Rising(5.0, 0.25));
        var analystB = await app.UserAsync(("analyst", world.CountyB));
        var reviewer = await app.UserAsync(("reviewer", world.City));
        var point = new { points = new[] { new { time = Iso(app.Clock.GetUtcNow().AddHours(1)), value = 50.0 } } };

        await (await analystB.GetAsync($"/api/v1/stations/{gauge}/trend")).ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");
        await (await analystB.GetAsync($"/api/v1/stations/{rain}/forecast")).ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");
        await (await analystB.PostJsonAsync($"/api/v1/stations/{rain}/forecast", point)).ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");
        await (await analystB.GetAsync($"/api/v1/risk/forecast?region={world.CountyA}")).ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");
        var own = await analystB.GetJsonAsync("/api/v1/risk/forecast");
        Assert.DoesNotContain(own.GetProperty("items").EnumerateArray(), i => i.GetProperty("regionCode").GetString()!.StartsWith(world.CountyA, StringComparison.Ordinal));
        Assert.DoesNotContain(own.GetProperty("stations").EnumerateArray(), s => s.GetProperty("code").GetString() == gauge);

        // A reviewer may read the forecast but not post one.
        Assert.Equal("trend", (await reviewer.GetJsonAsync($"/api/v1/stations/{gauge}/trend")).GetProperty("basis").GetString());
        await (await reviewer.PostJsonAsync($"/api/v1/stations/{rain}/forecast", point)).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await app.Anonymous().GetAsync("/api/v1/risk/forecast")).ProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Readings_WhenPagedFromATime_GivesOldestFirstFromThere()
    {
        var world = await app.WorldAsync();
        var analyst = await app.UserAsync(("analyst", world.City));
        var gauge = await GaugeAsync(analyst, world);
        var readings = Rising(5.0, 0.25).ToList();
        await ReadAsync(analyst, gauge, readings);

        var page = await analyst.GetJsonAsync($"/api/v1/stations/{gauge}/readings?from={Uri.EscapeDataString(Iso(readings[10].Item1))}&limit=5");
        Assert.Equal(readings.Skip(10).Take(5).Select(r => r.Item1).ToArray(), page.EnumerateArray().Select(r => r.GetProperty("time").GetDateTimeOffset()).ToArray());
        var until = await analyst.GetJsonAsync($"/api/v1/stations/{gauge}/readings?to={Uri.EscapeDataString(Iso(readings[3].Item1))}");
        Assert.Equal(4, until.GetArrayLength());
        await (await analyst.GetAsync($"/api/v1/stations/{gauge}/readings?from={Uri.EscapeDataString(Iso(readings[3].Item1))}&to={Uri.EscapeDataString(Iso(readings[1].Item1))}"))
            .ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
    }

    [Fact]
    public async Task BacktestCommand_WhenStationGiven_ReplaysItsRecordAndForesawTheWarning()
    {
        var world = await app.WorldAsync();
        var analyst = await app.UserAsync(("analyst", world.City));
        var gauge = await GaugeAsync(analyst, world);

        // The synthetic flood, shifted so its last reading is now.
        var flood = SyntheticHydrograph.Flood();
        var shift = app.Clock.GetUtcNow() - flood[^1].Time;
        await ReadAsync(analyst, gauge, flood.Select(r => (r.Time + shift, r.Value)));
        await _cli.LoginAsync("admin", CrisisOpsApp.AdminPassword);

        var (exit, output, err) = await _cli.RunAsync("warning", "backtest", "--station", gauge, "--horizon", "6h", "--json");

        Assert.True(exit == ExitCodes.Success, err);
        var report = JsonDocument.Parse(output).RootElement;
        Assert.Equal(flood.Count, report.GetProperty("readings").GetInt32());
        Assert.Equal(6, report.GetProperty("threshold").GetDouble());
        var six = report.GetProperty("horizons")[0];
        Assert.True(six.GetProperty("hits").GetInt32() > 0);
        Assert.True(six.GetProperty("arrivals")[0].GetProperty("leadHours").GetDouble() > 1);

        var unknown = await _cli.RunAsync("warning", "backtest", "--station", "NO-SUCH");
        Assert.Equal(ExitCodes.ServerError, unknown.Exit);
    }
}

public sealed class ForecastTestsOnSqlite(SqliteApp app) : ForecastTests<SqliteApp>(app);

public sealed class ForecastTestsOnPostgres(PostgresApp app) : ForecastTests<PostgresApp>(app);
