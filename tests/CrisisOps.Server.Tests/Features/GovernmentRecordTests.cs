using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ClosedXML.Excel;
using CrisisOps.Server.Features.Warning;

namespace CrisisOps.Server.Tests.Features;

/// <summary>Government records from CSV, xlsx and JSON, with per-row errors, and the tiers petitions drive.</summary>
public abstract class GovernmentRecordTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : CrisisOpsApp
{
    private DateTimeOffset Now => app.Clock.GetUtcNow();

    private string Ago(TimeSpan span) => (Now - span).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static async Task<HttpResponseMessage> ImportAsync(HttpClient client, byte[] file, string name, string? source = null)
    {
        using var form = new MultipartFormDataContent { { new ByteArrayContent(file), "file", name } };
        if (source is not null)
        {
            form.Add(new StringContent(source), "source");
        }

        return await client.PostAsync("/api/v1/records/import", form);
    }

    private static Dictionary<int, string> ErrorsByRow(JsonElement result) =>
        result.GetProperty("errors").EnumerateArray().ToDictionary(e => e.GetProperty("row").GetInt32(), e => e.GetProperty("reason").GetString()!);

    [Fact]
    public async Task ImportCsv_WhenChineseHeadersAndBadRows_StoresTheGoodAndListsEveryBadRow()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("duty-officer", world.City));
        var csv = $"""
            编号,类别,地区编码,时间,等级,摘要
            P-1,信访,{world.CommunityA1},{Ago(TimeSpan.FromHours(5))},2,拆迁补偿
            P-2,petition,{world.CommunityA1},{Ago(TimeSpan.FromHours(4))},1,
            P-3,信访,NO-SUCH-REGION,{Ago(TimeSpan.FromHours(3))},1,
            P-4,gossip,{world.CommunityA1},{Ago(TimeSpan.FromHours(3))},1,
            P-5,信访,{world.CommunityA1},last tuesday,1,
            P-6,信访,{world.CommunityA1},{Ago(TimeSpan.FromHours(-2))},1,
            P-7,信访,{world.CommunityA1},{Ago(TimeSpan.FromHours(2))},9,
            P-1,信访,{world.CommunityA1},{Ago(TimeSpan.FromHours(1))},1,
            P-8,隐患排查,{world.CommunityA2},{Ago(TimeSpan.FromHours(1))},4,"{new string('长', 2001)}"
            ,信访,{world.CommunityA1},{Ago(TimeSpan.FromHours(1))},1,
            P-9,救助诉求,{world.CommunityB1},{Ago(TimeSpan.FromHours(1))},特别重大,"低保, 住房"
            """;

        var result = await (await ImportAsync(officer, Encoding.UTF8.GetBytes(csv), "信访.csv", "KRE-petitions")).OkJsonAsync();

        Assert.Equal((11, 3, 0, 8), (result.GetProperty("received").GetInt32(), result.GetProperty("stored").GetInt32(),
            result.GetProperty("duplicates").GetInt32(), result.GetProperty("rejected").GetInt32()));
        var errors = ErrorsByRow(result);
        Assert.Contains("unknown region 'NO-SUCH-REGION'", errors[4], StringComparison.Ordinal);
        Assert.Contains("unknown category 'gossip'", errors[5], StringComparison.Ordinal);
        Assert.Contains("'last tuesday' is not readable", errors[6], StringComparison.Ordinal);
        Assert.Contains("in the future", errors[7], StringComparison.Ordinal);
        Assert.Contains("severity '9'", errors[8], StringComparison.Ordinal);
        Assert.Contains("appears twice", errors[9], StringComparison.Ordinal);
        Assert.Contains("summary has 2,001 characters", errors[10], StringComparison.Ordinal);
        Assert.Contains("missing record number", errors[11], StringComparison.Ordinal);
        Assert.StartsWith("row 4: ", errors[4], StringComparison.Ordinal);

        var stored = (await officer.GetJsonAsync($"/api/v1/records?region={world.City}")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["P-1", "P-2", "P-9"], stored.Select(r => r.GetProperty("sourceId").GetString()).Order(StringComparer.Ordinal).ToArray());
        Assert.All(stored, r => Assert.Equal("KRE-petitions", r.GetProperty("source").GetString()));
        var relief = stored.Single(r => r.GetProperty("sourceId").GetString() == "P-9");
        Assert.Equal(("relief-request", 4, "低保, 住房"), (relief.GetProperty("category").GetString(), relief.GetProperty("severity").GetInt32(),
            relief.GetProperty("summary").GetString()));
        Assert.Single(await officer.JournalAsync("records.imported", world.CommunityA1), e => e.GetProperty("regionCode").GetString() == world.CommunityA1);

        // The same file again: nothing new.
        var again = await (await ImportAsync(officer, Encoding.UTF8.GetBytes(csv), "信访.csv", "KRE-petitions")).OkJsonAsync();
        Assert.Equal((0, 3), (again.GetProperty("stored").GetInt32(), again.GetProperty("duplicates").GetInt32()));
    }

    [Fact]
    public async Task ImportXlsx_WhenMadeByClosedXml_ReadsDatesNumbersAndChineseWords()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("community-officer", world.CommunityA2));
        using var workbook = new XLWorkbook();
        var sheet = workbook.AddWorksheet("隐患排查");
        string[] header = ["source_id", "category", "region_code", "time", "severity", "summary"];
        for (var c = 0; c < header.Length; c++)
        {
            sheet.Cell(1, c + 1).Value = header[c];
        }

        var found = (Now - TimeSpan.FromDays(2)).UtcDateTime;
        object[][] rows =
        [
            ["H-1", "隐患排查", world.CommunityA2, found, 3, "挡土墙开裂"],
            ["H-2", "hazard-finding", world.CommunityA2, found, "较大", "排水泵故障"],
            ["H-3", "hazard-finding", world.CommunityA1, found, 2, "not my community"],
            ["H-4", "hazard-finding", world.CommunityA2, found, 0, "severity 0"],
        ];
        for (var r = 0; r < rows.Length; r++)
        {
            for (var c = 0; c < rows[r].Length; c++)
            {
                sheet.Cell(r + 2, c + 1).Value = rows[r][c];
            }
        }

        using var buffer = new MemoryStream();
        workbook.SaveAs(buffer);

        var result = await (await ImportAsync(officer, buffer.ToArray(), "findings.xlsx", "KRE-inspections")).OkJsonAsync();

        Assert.Equal((4, 2, 2), (result.GetProperty("received").GetInt32(), result.GetProperty("stored").GetInt32(), result.GetProperty("rejected").GetInt32()));
        var errors = ErrorsByRow(result);
        Assert.Contains($"unknown region '{world.CommunityA1}' (or outside your jurisdiction)", errors[4], StringComparison.Ordinal);
        Assert.Contains("severity '0'", errors[5], StringComparison.Ordinal);
        var stored = (await officer.GetJsonAsync($"/api/v1/records?region={world.CommunityA2}")).GetProperty("items").EnumerateArray().ToList();
        Assert.All(stored, r => Assert.Equal(found, r.GetProperty("time").GetDateTimeOffset().UtcDateTime)); // no Records:TimeZone: UTC
        Assert.Equal([2, 3], stored.Select(r => r.GetProperty("severity").GetInt32()).Order().ToArray());
    }

    [Fact]
    public async Task PostJson_WhenSomeItemsBad_StoresTheGoodAndListsTheRest()
    {
        var world = await app.WorldAsync();
        var analyst = await app.UserAsync(("analyst", world.CountyB));

        var result = await (await analyst.PostJsonAsync("/api/v1/records", new
        {
            source = "KRE-civil-affairs",
            items = new object?[]
            {
                new { sourceId = "R-1", category = "relief-request", region = world.CommunityB2, time = Ago(TimeSpan.FromHours(1)), severity = 2 },
                new { sourceId = "R-2", category = "relief-request", region = world.CommunityA1, time = Ago(TimeSpan.FromHours(1)), severity = 2 },
                new { sourceId = "R-3", category = "relief-request", region = world.CommunityB2, time = (string?)null, severity = 2 },
                new { sourceId = "R-4", category = "relief-request", region = world.CommunityB2, time = Ago(TimeSpan.FromHours(1)), severity = "4" },
                null,
            },
        })).OkJsonAsync();

        Assert.Equal((5, 2, 3), (result.GetProperty("received").GetInt32(), result.GetProperty("stored").GetInt32(), result.GetProperty("rejected").GetInt32()));
        var reasons = result.GetProperty("errors").EnumerateArray().ToDictionary(e => e.GetProperty("index").GetInt32(), e => e.GetProperty("reason").GetString()!);
        Assert.Contains("outside your jurisdiction", reasons[1], StringComparison.Ordinal);
        Assert.Contains("missing time", reasons[2], StringComparison.Ordinal);
        Assert.Contains("missing record number", reasons[4], StringComparison.Ordinal);
        Assert.Empty((await (await app.AdminAsync()).GetJsonAsync($"/api/v1/records?region={world.CountyA}")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Import_WhenWholeFileUnusable_IsRefusedWithAProblem()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("duty-officer", world.City));

        var noHeader = await (await ImportAsync(officer, Encoding.UTF8.GetBytes("name,phone\nZhang San,13800000000\n"), "people.csv"))
            .ProblemAsync(HttpStatusCode.BadRequest, "missing-columns");
        Assert.Contains("region", noHeader.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await (await ImportAsync(officer, [0x50, 0x4B, 0x03, 0x04, 1, 2, 3, 4, 5], "broken.xlsx")).ProblemAsync(HttpStatusCode.BadRequest, "unreadable-file");
        await (await officer.PostRawAsync("/api/v1/records/import", "x", "application/pdf")).ProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
        await (await ImportAsync(officer, new byte[RecordEndpoints.FileBodyLimit + 1], "huge.csv")).ProblemAsync(HttpStatusCode.RequestEntityTooLarge, "body-too-large");
        await (await officer.PostRawAsync("/api/v1/records", "{\"items\": 3}")).ProblemAsync(HttpStatusCode.BadRequest, "malformed-json");
        await (await (await app.UserAsync(("reviewer", world.City))).PostJsonAsync("/api/v1/records", new { items = Array.Empty<object>() }))
            .ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await (await app.UserAsync(("analyst", world.CountyB))).GetAsync($"/api/v1/records?region={world.CountyA}"))
            .ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");
    }

    [Fact]
    public async Task Petitions_WhenTheyPileUpInAWeek_RaiseTheSocialTier()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("duty-officer", world.City));
        object Petition(int i, int daysAgo) => new
        {
            sourceId = $"{world.Prefix}-P{i}", category = "petition", region = world.CommunityB1, time = Ago(TimeSpan.FromDays(daysAgo)), severity = 2,
        };

        (await officer.PostJsonAsync("/api/v1/records", new { source = "KRE-letters", items = Enumerable.Range(0, 4).Select(i => Petition(i, 1)).ToArray() }))
            .EnsureSuccessStatusCode();
        Assert.Equal("general", await officer.TierAsync(world.CommunityB1, "social"));

        (await officer.PostJsonAsync("/api/v1/records", new { source = "KRE-letters", items = Enumerable.Range(4, 3).Select(i => Petition(i, 2)).ToArray() }))
            .EnsureSuccessStatusCode();
        var risk = (await officer.RiskAsync(world.CommunityB1, "social"))!.Value;
        Assert.Equal("attention", risk.GetProperty("tier").GetString()); // 7 petitions: between 6 (attention) and 10 (warning)
        var because = risk.GetProperty("explanation").EnumerateArray().First();
        Assert.Equal("petitions-7d", because.GetProperty("rule").GetString());
        Assert.Contains("7 petition record(s) over 7 d", because.GetProperty("explanation").GetString(), StringComparison.Ordinal);
        Assert.Equal("attention", await officer.TierAsync(world.CountyB, "social"));

        // A week on, the petitions have left the window and the sweep lets the tier fall.
        app.Clock.Advance(TimeSpan.FromDays(7));
        await app.SweepRiskAsync();
        Assert.Equal("none", await officer.TierAsync(world.CommunityB1, "social"));
    }

    [Fact]
    public async Task CountyRecords_WhenTheCountyHasItsOwnInputs_TakesTheWorseOfItsOwnAndItsChildren()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("duty-officer", world.City));

        // Eleven petitions filed with the county itself (warning), two in one of its communities (none yet).
        var items = Enumerable.Range(0, 11).Select(i => new
        {
            sourceId = $"{world.Prefix}-C{i}", category = "petition", region = world.CountyA, time = Ago(TimeSpan.FromHours(i + 1)), severity = 1,
        }).Append(new { sourceId = $"{world.Prefix}-X", category = "petition", region = world.CommunityA1, time = Ago(TimeSpan.FromHours(1)), severity = 1 });
        (await officer.PostJsonAsync("/api/v1/records", new { source = "KRE-letters", items })).EnsureSuccessStatusCode();

        var county = (await officer.RiskAsync(world.CountyA, "social"))!.Value;
        Assert.Equal("warning", county.GetProperty("tier").GetString());
        Assert.False(county.GetProperty("isAggregate").GetBoolean());
        Assert.Equal("warning", await officer.TierAsync(world.City, "social"));
        Assert.Equal("none", await officer.TierAsync(world.CommunityA1, "social"));
    }
}

public sealed class GovernmentRecordTestsOnSqlite(SqliteApp app) : GovernmentRecordTests<SqliteApp>(app);

public sealed class GovernmentRecordTestsOnPostgres(PostgresApp app) : GovernmentRecordTests<PostgresApp>(app);
