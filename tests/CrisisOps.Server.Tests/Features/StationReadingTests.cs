using System.Globalization;
using System.Net;
using System.Text;
using CrisisOps.Testing;

namespace CrisisOps.Server.Tests.Features;

public abstract class StationReadingTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : CrisisOpsApp
{
    private static string Iso(DateTimeOffset t) => t.ToString("O", CultureInfo.InvariantCulture);

    private async Task<(RegionWorld World, HttpClient Analyst, string Station)> StationAsync()
    {
        var world = await app.WorldAsync();
        var analyst = await app.UserAsync(("analyst", world.CountyA));
        var (lat, lon) = world.PointIn(world.CommunityA1);
        var code = world.Prefix + "-WL1";
        var station = await (await analyst.PostJsonAsync("/api/v1/stations", new
        {
            code, nameZh = "水位站", nameEn = "Danube gauge", kind = "water-level", location = new { lat, lon }, unit = "m",
            validMin = 0.0, validMax = 15.0, thresholds = new { general = 3.0, attention = 4.5, warning = 6.0, emergency = 7.5 },
        })).OkJsonAsync(HttpStatusCode.Created);
        Assert.Equal(world.CommunityA1, station.GetProperty("regionCode").GetString());
        return (world, analyst, code);
    }

    [Fact]
    public async Task Ingest_WhenBatchMixesGoodAndBad_StoresTheGoodAndListsEveryRejection()
    {
        var (world, analyst, station) = await StationAsync();
        var now = app.Clock.GetUtcNow();
        var items = new object[]
        {
            new { station, readingId = "r1", time = Iso(now.AddMinutes(-20)), value = 3.2 },
            new { station, readingId = "r2", time = Iso(now.AddMinutes(-10)), value = 4.8, unit = "m" },
            new { station, readingId = "r3", time = Iso(now), value = 6.1 },
            new { station = "NO-SUCH-STATION", readingId = "x1", time = Iso(now), value = 1.0 },
            new { station, readingId = "x2", time = Iso(now), value = 99.0 },
            new { station, readingId = "x3", time = Iso(now.AddHours(2)), value = 1.0 },
            new { station, readingId = "x4", time = Iso(now.AddDays(-60)), value = 1.0 },
            new { station, readingId = "x5", time = Iso(now), value = 1.0, unit = "cm" },
            new { station, readingId = "r1", time = Iso(now), value = 1.0 },
            new { station, time = Iso(now), value = 1.0 },
        };

        var result = await (await analyst.PostJsonAsync("/api/v1/readings", new { items })).OkJsonAsync();

        Assert.Equal(10, result.GetProperty("received").GetInt32());
        Assert.Equal(3, result.GetProperty("stored").GetInt32());
        Assert.Equal(7, result.GetProperty("rejected").GetInt32());
        var reasons = result.GetProperty("errors").EnumerateArray().ToDictionary(e => e.GetProperty("index").GetInt32(), e => e.GetProperty("reason").GetString()!);
        Assert.Contains("unknown station", reasons[3], StringComparison.Ordinal);
        Assert.Contains("outside the station's valid range", reasons[4], StringComparison.Ordinal);
        Assert.Contains("in the future", reasons[5], StringComparison.Ordinal);
        Assert.Contains("older than", reasons[6], StringComparison.Ordinal);
        Assert.Contains("does not match", reasons[7], StringComparison.Ordinal);
        Assert.Contains("twice in this batch", reasons[8], StringComparison.Ordinal);
        Assert.Contains("reading id", reasons[9], StringComparison.Ordinal);

        var stations = await analyst.GetJsonAsync("/api/v1/stations");
        var latest = stations.GetProperty("items").EnumerateArray().Single(s => s.GetProperty("code").GetString() == station).GetProperty("latest");
        Assert.Equal(6.1, latest.GetProperty("value").GetDouble());
        Assert.Equal("warning", latest.GetProperty("tier").GetString());
        var journal = await analyst.GetJsonAsync("/api/v1/journal?type=readings.ingested");
        var entry = Assert.Single(journal.GetProperty("items").EnumerateArray(),
            e => e.GetProperty("payload").GetProperty("stations").EnumerateArray().Any(s => s.GetProperty("station").GetString() == station));
        Assert.Equal(world.CommunityA1, entry.GetProperty("regionCode").GetString());
        Assert.Equal(3, entry.GetProperty("payload").GetProperty("count").GetInt32());
        var arrived = Assert.Single(entry.GetProperty("payload").GetProperty("stations").EnumerateArray());
        Assert.Equal(3, arrived.GetProperty("count").GetInt32());
        Assert.Equal(now.AddMinutes(-20), arrived.GetProperty("from").GetDateTimeOffset());
        Assert.Equal(now, arrived.GetProperty("to").GetDateTimeOffset());
        Assert.Equal(6.1, arrived.GetProperty("latest").GetDouble());
        Assert.Equal("m", arrived.GetProperty("unit").GetString());
    }

    [Fact]
    public async Task Ingest_WhenBatchSpansRegions_JournalsOneEntryPerRegionListingItsStations()
    {
        var (world, analyst, station) = await StationAsync();
        var (lat, lon) = world.PointIn(world.CommunityA2);
        var other = world.Prefix + "-RAIN";
        (await analyst.PostJsonAsync("/api/v1/stations", new
        {
            code = other, nameEn = "Rain gauge", kind = "rainfall", location = new { lat, lon }, unit = "mm", validMin = 0.0, validMax = 500.0,
        })).EnsureSuccessStatusCode();
        var now = app.Clock.GetUtcNow();
        var items = new object[]
        {
            new { station, readingId = "a1", time = Iso(now.AddMinutes(-10)), value = 3.0 },
            new { station = other, readingId = "b1", time = Iso(now.AddMinutes(-10)), value = 1.5 },
            new { station, readingId = "a2", time = Iso(now), value = 3.4 },
        };

        Assert.Equal(3, (await (await analyst.PostJsonAsync("/api/v1/readings", new { items })).OkJsonAsync()).GetProperty("stored").GetInt32());

        var entries = (await analyst.GetJsonAsync($"/api/v1/journal?type=readings.ingested&region={world.CountyA}")).GetProperty("items")
            .EnumerateArray().ToDictionary(e => e.GetProperty("regionCode").GetString()!);
        Assert.Equal([world.CommunityA1, world.CommunityA2], entries.Keys.Order(StringComparer.Ordinal));
        var a1 = entries[world.CommunityA1].GetProperty("payload");
        Assert.Equal(2, a1.GetProperty("count").GetInt32());
        Assert.Equal(3.4, Assert.Single(a1.GetProperty("stations").EnumerateArray()).GetProperty("latest").GetDouble());
        var a2 = Assert.Single(entries[world.CommunityA2].GetProperty("payload").GetProperty("stations").EnumerateArray());
        Assert.Equal(other, a2.GetProperty("station").GetString());
        Assert.Equal(1, a2.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Ingest_WhenBatchRetried_StoresNothingTwice()
    {
        var (_, analyst, station) = await StationAsync();
        var now = app.Clock.GetUtcNow();
        var batch = new { items = Enumerable.Range(0, 50).Select(i => new { station, readingId = $"b{i}", time = Iso(now.AddMinutes(-i)), value = 2.0 + i / 100.0 }) };

        var first = await (await analyst.PostJsonAsync("/api/v1/readings", batch)).OkJsonAsync();
        var retry = await (await analyst.PostJsonAsync("/api/v1/readings", batch)).OkJsonAsync();

        Assert.Equal(50, first.GetProperty("stored").GetInt32());
        Assert.Equal(0, retry.GetProperty("stored").GetInt32());
        Assert.Equal(50, retry.GetProperty("duplicates").GetInt32());
        Assert.Equal(50, (await analyst.GetJsonAsync($"/api/v1/stations/{station}/readings")).GetArrayLength());
    }

    [Fact]
    public async Task Ingest_WhenCsv_ReadsQuotedFieldsAndReportsMalformedRowsByLine()
    {
        var (_, analyst, station) = await StationAsync();
        var now = app.Clock.GetUtcNow();
        var csv = new StringBuilder("station,reading_id,time,value,unit\r\n")
            .Append(CultureInfo.InvariantCulture, $"{station},\"c,1\",{Iso(now.AddMinutes(-5))},3.5,m\r\n")
            .Append(CultureInfo.InvariantCulture, $"{station},c2,not-a-time,3.6,m\r\n")
            .Append(CultureInfo.InvariantCulture, $"{station},c3,{Iso(now)},NaN,m\r\n")
            .Append(CultureInfo.InvariantCulture, $"\"{station}\",c4,{Iso(now)},3.7,\r\n")
            .ToString();

        var result = await (await analyst.PostRawAsync("/api/v1/readings", csv, "text/csv")).OkJsonAsync();

        Assert.Equal(4, result.GetProperty("received").GetInt32());
        Assert.Equal(2, result.GetProperty("stored").GetInt32());
        var errors = result.GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal(2, errors.Count);
        Assert.Equal(1, errors[0].GetProperty("index").GetInt32());
        Assert.Contains("line 3", errors[0].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, errors[1].GetProperty("index").GetInt32());
        Assert.Contains("not a finite number", errors[1].GetProperty("reason").GetString(), StringComparison.Ordinal);
        var readings = await analyst.GetJsonAsync($"/api/v1/stations/{station}/readings");
        Assert.Contains(readings.EnumerateArray(), r => r.GetProperty("readingId").GetString() == "c,1");
    }

    [Fact]
    public async Task Ingest_WhenWhollyBad_AnswersProblems()
    {
        var (_, analyst, _) = await StationAsync();
        await (await analyst.PostRawAsync("/api/v1/readings", "{\"items\": 5}")).ProblemAsync(HttpStatusCode.BadRequest, "malformed-json");
        await (await analyst.PostRawAsync("/api/v1/readings", "{}")).ProblemAsync(HttpStatusCode.BadRequest, "malformed-request");
        await (await analyst.PostRawAsync("/api/v1/readings", "hello", "text/plain")).ProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
        await (await analyst.PostRawAsync("/api/v1/readings", "a,b\r\n1,2", "text/csv")).ProblemAsync(HttpStatusCode.BadRequest, "malformed-request");
        var tooMany = new { items = Enumerable.Range(0, 10_001).Select(i => new { station = "S", readingId = $"{i}", time = "2026-07-12T08:00:00Z", value = 1.0 }) };
        await (await analyst.PostJsonAsync("/api/v1/readings", tooMany)).ProblemAsync(HttpStatusCode.RequestEntityTooLarge, "batch-too-large");
    }

    [Fact]
    public async Task Stations_WhenOfAnotherCounty_CannotBeFedOrRegistered()
    {
        var (world, _, station) = await StationAsync();
        var analystB = await app.UserAsync(("analyst", world.CountyB));
        var result = await (await analystB.PostJsonAsync("/api/v1/readings", new
        {
            items = new[] { new { station, readingId = "evil", time = Iso(app.Clock.GetUtcNow()), value = 14.0 } },
        })).OkJsonAsync();
        Assert.Equal(0, result.GetProperty("stored").GetInt32());
        Assert.Contains("unknown station", result.GetProperty("errors")[0].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain((await analystB.GetJsonAsync("/api/v1/stations")).GetProperty("items").EnumerateArray(),
            s => s.GetProperty("code").GetString() == station);

        var (lat, lon) = world.PointIn(world.CommunityA2);
        await (await analystB.PostJsonAsync("/api/v1/stations", new
        {
            code = world.Prefix + "-EVIL", nameEn = "x", kind = "rainfall", location = new { lat, lon }, unit = "mm", validMin = 0.0, validMax = 500.0,
        })).ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");
    }

    [Fact]
    public async Task Register_WhenDefinitionInconsistent_Returns400()
    {
        var world = await app.WorldAsync();
        var analyst = await app.UserAsync(("analyst", world.City));
        var (lat, lon) = world.PointIn(world.CommunityB1);
        var problem = await (await analyst.PostJsonAsync("/api/v1/stations", new
        {
            code = world.Prefix + "-BAD", nameEn = "Bad", kind = "rainfall", location = new { lat, lon }, unit = "mm",
            validMin = 10.0, validMax = 5.0, thresholds = new { general = 50.0, attention = 30.0 },
        })).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.Contains("rise with the tier", problem.GetProperty("errors").GetProperty("station").GetRawText(), StringComparison.Ordinal);
        await (await analyst.PostJsonAsync("/api/v1/stations", new
        {
            code = world.Prefix + "-FAR", nameEn = "Far", kind = "rainfall", location = new { lat = 89.0, lon = 179.0 }, unit = "mm", validMin = 0.0, validMax = 5.0,
        })).ProblemAsync(HttpStatusCode.UnprocessableEntity, "outside-all-regions");
    }
}

public sealed class StationReadingTestsOnSqlite(SqliteApp app) : StationReadingTests<SqliteApp>(app);

public sealed class StationReadingTestsOnPostgres(PostgresApp app) : StationReadingTests<PostgresApp>(app);
