using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ClosedXML.Excel;
using CrisisOps.Server.Features.People;

namespace CrisisOps.Server.Tests.Features.People;

/// <summary>The residents' register: imports with per-row errors, access by home or work community, journaled reads, export.</summary>
public abstract class ResidentRegisterApiTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : CrisisOpsApp
{
    private static async Task<HttpResponseMessage> ImportAsync(HttpClient client, byte[] file, string name, bool dryRun = false)
    {
        using var form = new MultipartFormDataContent { { new ByteArrayContent(file), "file", name } };
        return await client.PostAsync("/api/v1/residents/import" + (dryRun ? "?dryRun=true" : ""), form);
    }

    private static Task<HttpResponseMessage> ImportCsvAsync(HttpClient client, string csv, bool dryRun = false) =>
        ImportAsync(client, Encoding.UTF8.GetBytes(csv), "register.csv", dryRun);

    private static (int Received, int Created, int Updated, int Unchanged, int Rejected) Counts(JsonElement r) =>
        (r.GetProperty("received").GetInt32(), r.GetProperty("created").GetInt32(), r.GetProperty("updated").GetInt32(),
            r.GetProperty("unchanged").GetInt32(), r.GetProperty("rejected").GetInt32());

    private static List<(int Row, string Column, string Message)> Errors(JsonElement r) =>
        [.. r.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("row").GetInt32(), e.GetProperty("column").GetString()!,
            e.GetProperty("message").GetString()!))];

    private static async Task<List<JsonElement>> ListAsync(HttpClient client, string query = "") =>
        [.. (await client.GetJsonAsync("/api/v1/residents?pageSize=200" + query)).GetProperty("items").EnumerateArray()];

    private static async Task<Guid> IdOfAsync(HttpClient client, string reference) =>
        (await ListAsync(client)).Single(r => r.GetProperty("reference").GetString() == reference).GetProperty("id").GetGuid();

    [Fact]
    public async Task Import_WhenChineseHeadersAndBadRows_ImportsTheGoodRowsAndListsEveryBadOne()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("community-officer", world.TownshipA));
        var p = world.Prefix;
        var csv = $"""
            姓名,证件号或编号,住址,所在社区,手机,固定电话,邮箱,语言,特殊需求,出生年份,培训
            张秀英,{p}-1,幸福路1号,{world.CommunityA1},138 0013 8000,010-5555 0000,,zh-CN,独居老人;听障,1940,急救@2023-05-01
            李伟,{p}-2,幸福路2号,{world.CommunityA2},+49 1512 3456789,,li@example.org,de,non-chinese-speaker,1990,
            王芳,{p}-3,幸福路3号,{world.CommunityA1},12345,,,,,,
            赵军,{p}-4,,NO-SUCH-REGION,,,,,,,
            周杰,{p}-5,,{world.CommunityB1},,,,,,,
            陈明,{p}-6,,{world.CommunityA1},,,,klingon,,,
            吴涛,{p}-1,,{world.CommunityA1},,,,,,,
            ,{p}-7,,{world.CommunityA1},,,not-an-address,,会飞,1850,急救
            孙娟,{p}-8,,{world.CommunityA1},010-5555 0001,,,,,,
            """;

        var result = await (await ImportCsvAsync(officer, csv)).OkJsonAsync();

        Assert.Equal((9, 2, 0, 0, 7), Counts(result));
        var errors = Errors(result);
        Assert.Contains(errors, e => e is (4, "mobile", _) && e.Message.Contains("'12345' is not a valid phone number", StringComparison.Ordinal));
        Assert.Contains(errors, e => e is (5, "community", _) && e.Message.Contains("unknown region 'NO-SUCH-REGION'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e is (6, "community", _) && e.Message.Contains("outside your jurisdiction", StringComparison.Ordinal));
        Assert.Contains(errors, e => e is (7, "language", _) && e.Message.Contains("'klingon'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e is (8, "reference", _) && e.Message.Contains("appears twice in the file (first on row 2)", StringComparison.Ordinal));
        Assert.Equal(["birth_year", "email", "name", "needs", "training"], errors.Where(e => e.Row == 9).Select(e => e.Column).Order(StringComparer.Ordinal));
        Assert.Contains(errors, e => e is (10, "mobile", _) && e.Message.Contains("landline number", StringComparison.Ordinal));
        Assert.DoesNotContain(errors, e => e.Row is 2 or 3);

        var zhang = await (await officer.GetAsync($"/api/v1/residents/{await IdOfAsync(officer, $"{p}-1")}")).OkJsonAsync();
        Assert.Equal(("张秀英", "+8613800138000", "+861055550000", world.CommunityA1, 1940), (zhang.GetProperty("name").GetString(),
            zhang.GetProperty("mobile").GetString(), zhang.GetProperty("landline").GetString(),
            zhang.GetProperty("home").GetProperty("regionCode").GetString(), zhang.GetProperty("birthYear").GetInt32()));
        Assert.Equal(["hearing-impaired", "elderly", "elderly-living-alone"], zhang.GetProperty("needs").EnumerateArray().Select(n => n.GetString()));
        Assert.Equal("急救", zhang.GetProperty("trainings")[0].GetProperty("course").GetString());
        var li = await (await officer.GetAsync($"/api/v1/residents/{await IdOfAsync(officer, $"{p}-2")}")).OkJsonAsync();
        Assert.Equal(("+4915123456789", "de"), (li.GetProperty("mobile").GetString(), li.GetProperty("language").GetString()));

        var admin = await app.AdminAsync();
        var imported = await admin.JournalAsync("residents.imported", world.TownshipA);
        Assert.Equal(2, imported.Count);
        Assert.All(imported, e => Assert.DoesNotContain("张", e.GetRawText(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Import_WhenSameFileAgainOrChanged_CountsUnchangedAndUpdated_AndDryRunStoresNothing()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("community-officer", world.CommunityA1));
        var p = world.Prefix;
        string Csv(string mobile) => $"""
            reference,name,community,mobile,needs
            {p}-1,张三,{world.CommunityA1},{mobile},elderly-living-alone
            {p}-2,李四,{world.CommunityA1},,
            """;

        var dry = await (await ImportCsvAsync(officer, Csv("13800138000"), dryRun: true)).OkJsonAsync();
        Assert.True(dry.GetProperty("dryRun").GetBoolean());
        Assert.Equal((2, 2, 0, 0, 0), Counts(dry));
        Assert.Empty(await ListAsync(officer));

        Assert.Equal((2, 2, 0, 0, 0), Counts(await (await ImportCsvAsync(officer, Csv("13800138000"))).OkJsonAsync()));
        Assert.Equal((2, 0, 0, 2, 0), Counts(await (await ImportCsvAsync(officer, Csv("138 0013 8000"))).OkJsonAsync()));
        Assert.Equal((2, 0, 1, 1, 0), Counts(await (await ImportCsvAsync(officer, Csv("13900139000"))).OkJsonAsync()));
        var list = await ListAsync(officer);
        Assert.Equal(2, list.Count);
        var zhang = list.Single(r => r.GetProperty("reference").GetString() == $"{p}-1");
        Assert.Equal("张*", zhang.GetProperty("maskedName").GetString());
        Assert.True(zhang.GetProperty("hasMobile").GetBoolean());
        Assert.False(zhang.TryGetProperty("mobile", out _));
        Assert.False(zhang.TryGetProperty("name", out _));
        var full = await (await officer.GetAsync($"/api/v1/residents/{zhang.GetProperty("id").GetGuid()}")).OkJsonAsync();
        Assert.Equal(("+8613900139000", 1), (full.GetProperty("mobile").GetString(), full.GetProperty("version").GetInt32()));
    }

    [Fact]
    public async Task ImportXlsx_WhenEnglishHeadersAndNumericCells_ReadsThem()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("community-officer", world.CommunityB2));
        using var workbook = new XLWorkbook();
        var sheet = workbook.AddWorksheet("居民");
        object[][] rows =
        [
            ["Reference", "Name", "Community", "Mobile", "Birth Year", "Language", "Special Needs"],
            [$"{world.Prefix}-X1", "Olga", world.CommunityB2, 13800138000d, 1950, "ru", "visually-impaired, non-chinese-speaker"],
            [$"{world.Prefix}-X2", "王五", world.CommunityB2, "bad", 1980, "zh-CN", ""],
        ];
        for (var r = 0; r < rows.Length; r++)
        {
            for (var c = 0; c < rows[r].Length; c++)
            {
                sheet.Cell(r + 1, c + 1).Value = rows[r][c];
            }
        }

        using var buffer = new MemoryStream();
        workbook.SaveAs(buffer);

        var result = await (await ImportAsync(officer, buffer.ToArray(), "register.xlsx")).OkJsonAsync();

        Assert.Equal((2, 1, 0, 0, 1), Counts(result));
        Assert.Equal((3, "mobile"), (Errors(result).Single().Row, Errors(result).Single().Column));
        var olga = (await ListAsync(officer)).Single();
        Assert.Equal(["visually-impaired", "elderly", "non-chinese-speaker"], olga.GetProperty("needs").EnumerateArray().Select(n => n.GetString()));
        Assert.Equal("ru", olga.GetProperty("language").GetString());
    }

    [Fact]
    public async Task Import_WhenFileUnusable_ImportsNothingAndAnswersProblem()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("community-officer", world.CommunityA1));
        var good = $"{world.Prefix}-G,张三,{world.CommunityA1}";

        (await (await ImportCsvAsync(officer, $"姓名,住址\n张三,幸福路")).ProblemAsync(HttpStatusCode.BadRequest, "missing-columns")).ToString();
        await (await ImportAsync(officer, [0x50, 0x4B, 3, 4, 1, 2, 3], "register.xlsx")).ProblemAsync(HttpStatusCode.BadRequest, "unreadable-file");
        await (await officer.PostAsync("/api/v1/residents/import", new StringContent("reference,name,community\n" + good, Encoding.UTF8, "application/json")))
            .ProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
        var many = new StringBuilder("reference,name,community\n").Append(good).Append('\n');
        for (var i = 0; i < ResidentEndpoints.MaxFileRows; i++)
        {
            many.Append(world.Prefix).Append("-M").Append(i).Append(",李四,").Append(world.CommunityA1).Append('\n');
        }

        await (await ImportCsvAsync(officer, many.ToString())).ProblemAsync(HttpStatusCode.RequestEntityTooLarge, "batch-too-large");
        var huge = new byte[ResidentEndpoints.FileBodyLimit + 1];
        huge.AsSpan().Fill((byte)'a');
        using var body = new ByteArrayContent(huge);
        body.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await officer.PostAsync("/api/v1/residents/import", body)).StatusCode);
        Assert.Empty(await ListAsync(officer));

        // Without the permission anywhere: 403, whatever the file.
        var analyst = await app.UserAsync(("analyst", world.City));
        Assert.Equal(HttpStatusCode.Forbidden, (await ImportCsvAsync(analyst, "reference,name,community\n" + good)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await analyst.GetAsync("/api/v1/residents")).StatusCode);
    }

    [Fact]
    public async Task Read_WhenCommunityOfficerOfNeighbour_SeesOnlyTheirCommunity_AndEveryProfileReadIsJournaled()
    {
        var world = await app.WorldAsync();
        var township = await app.UserAsync(("community-officer", world.TownshipA));
        var p = world.Prefix;
        var csv = $"""
            reference,name,community,work_community,mobile
            {p}-A1,张一,{world.CommunityA1},,13800138001
            {p}-A2,张二,{world.CommunityA2},,13800138002
            {p}-A2W,张三,{world.CommunityA2},{world.CommunityA1},13800138003
            """;
        Assert.Equal(3, (await (await ImportCsvAsync(township, csv)).OkJsonAsync()).GetProperty("created").GetInt32());
        var (a1, a1Name) = await app.PersonAsync(new TestRole("community-officer", world.CommunityA1));
        var a2 = await app.UserAsync(("community-officer", world.CommunityA2));

        Assert.Equal([$"{p}-A1", $"{p}-A2W"], (await ListAsync(a1)).Select(r => r.GetProperty("reference").GetString()));
        Assert.Equal([$"{p}-A2", $"{p}-A2W"], (await ListAsync(a2)).Select(r => r.GetProperty("reference").GetString()));
        var neighbour = await IdOfAsync(a2, $"{p}-A2");
        await (await a1.GetAsync($"/api/v1/residents/{neighbour}")).ProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await a1.GetAsync($"/api/v1/residents/{Guid.NewGuid()}")).ProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await a1.PutAsJsonAsync($"/api/v1/residents/{neighbour}", new { name = "x", community = world.CommunityA1 }))
            .ProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await a1.DeleteAsync($"/api/v1/residents/{neighbour}")).ProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await a1.GetAsync($"/api/v1/residents?region={world.CommunityA2}")).ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");

        // Working in A1 makes the A2 resident readable there, but not editable: the home community keeps the register.
        var commuter = await IdOfAsync(a1, $"{p}-A2W");
        var profile = await (await a1.GetAsync($"/api/v1/residents/{commuter}")).OkJsonAsync();
        Assert.Equal(("张三", "+8613800138003"), (profile.GetProperty("name").GetString(), profile.GetProperty("mobile").GetString()));
        await (await a1.PutAsJsonAsync($"/api/v1/residents/{commuter}", new { name = "张三", community = world.CommunityA2 }))
            .ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");

        var reads = await (await app.AdminAsync()).JournalAsync("profile.read", world.CommunityA2);
        var read = Assert.Single(reads);
        Assert.Equal(a1Name, read.GetProperty("actor").GetString());
        Assert.Contains(commuter.ToString(), read.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain("张三", read.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain("138", read.GetProperty("payload").GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutAndDelete_WhenOwnCommunity_ChangeTheProfileWithJournal_AndBadFieldsAre400()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("community-officer", world.CommunityB1));
        await (await ImportCsvAsync(officer, $"reference,name,community\n{world.Prefix}-E,赵六,{world.CommunityB1}")).OkJsonAsync();
        var id = await IdOfAsync(officer, $"{world.Prefix}-E");

        var bad = await (await officer.PutAsJsonAsync($"/api/v1/residents/{id}",
            new { name = "赵六", community = world.CommunityB1, mobile = "999", language = "xx-nowhere" })).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.True(bad.GetProperty("errors").TryGetProperty("mobile", out _));
        Assert.True(bad.GetProperty("errors").TryGetProperty("language", out _));
        await (await officer.PutAsJsonAsync($"/api/v1/residents/{id}", new { name = "赵六", community = world.CommunityA1 }))
            .ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");

        var edited = await (await officer.PutAsJsonAsync($"/api/v1/residents/{id}", new
        {
            name = "赵六", community = world.CommunityB1, mobile = "13800138000", needs = new[] { "mobility-impaired" }, version = 0,
            trainings = new[] { new { course = "first-aid", completedOn = "2024-03-01" } },
        })).OkJsonAsync();
        Assert.Equal(("+8613800138000", 1), (edited.GetProperty("mobile").GetString(), edited.GetProperty("version").GetInt32()));
        await (await officer.PutAsJsonAsync($"/api/v1/residents/{id}", new { name = "赵六", community = world.CommunityB1, version = 0 }))
            .ProblemAsync(HttpStatusCode.Conflict, "stale-version");

        Assert.Equal(HttpStatusCode.NoContent, (await officer.DeleteAsync($"/api/v1/residents/{id}")).StatusCode);
        await (await officer.GetAsync($"/api/v1/residents/{id}")).ProblemAsync(HttpStatusCode.NotFound, "not-found");
        var admin = await app.AdminAsync();
        Assert.Single(await admin.JournalAsync("resident.updated", world.CommunityB1));
        Assert.Single(await admin.JournalAsync("resident.deleted", world.CommunityB1));
    }

    [Fact]
    public async Task SegmentsAndExport_WhenRegion_CountWithoutPersonalData_AndExportNeedsAReasonAndRoundTrips()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("community-officer", world.TownshipB));
        var p = world.Prefix;
        var csv = $"""
            reference,name,community,mobile,landline,language,needs,birth_year,training,address
            {p}-S1,张一,{world.CommunityB1},13800138001,,zh-CN,独居老人,1941,first-aid@2022-01-02,"幸福路1号, 2单元"
            {p}-S2,Tom,{world.CommunityB1},,010-5555 0000,en,non-chinese-speaker;hearing-impaired,,,
            {p}-S3,王三,{world.CommunityB2},13800138003,,zh-CN,,2001,,=HYPERLINK("x")
            """;
        await (await ImportCsvAsync(officer, csv)).OkJsonAsync();

        var segments = await officer.GetJsonAsync($"/api/v1/residents/segments?region={world.TownshipB}");
        Assert.Equal((3, 2, 1), (segments.GetProperty("total").GetInt32(), segments.GetProperty("withMobile").GetInt32(),
            segments.GetProperty("withoutMobile").GetInt32()));
        Assert.Equal((1, 1, 1, 0), (segments.GetProperty("byNeed").GetProperty("elderly-living-alone").GetInt32(),
            segments.GetProperty("byNeed").GetProperty("elderly").GetInt32(), segments.GetProperty("byNeed").GetProperty("hearing-impaired").GetInt32(),
            segments.GetProperty("byNeed").GetProperty("visually-impaired").GetInt32()));
        Assert.Equal((2, 1), (segments.GetProperty("byLanguage").GetProperty("zh-CN").GetInt32(), segments.GetProperty("byLanguage").GetProperty("en").GetInt32()));
        Assert.Equal((2, 1), (segments.GetProperty("byCommunity").GetProperty(world.CommunityB1).GetInt32(),
            segments.GetProperty("byCommunity").GetProperty(world.CommunityB2).GetInt32()));
        var b2 = await app.UserAsync(("community-officer", world.CommunityB2));
        await (await b2.GetAsync($"/api/v1/residents/segments?region={world.CommunityB1}")).ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");

        await (await officer.PostJsonAsync("/api/v1/residents/export", new { region = world.TownshipB, reason = "too short" }))
            .ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await (await b2.PostJsonAsync("/api/v1/residents/export", new { region = world.TownshipB, reason = "door-to-door list for the storm" }))
            .ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");

        foreach (var format in new[] { "csv", "xlsx" })
        {
            var response = await officer.PostJsonAsync("/api/v1/residents/export", new { region = world.TownshipB, reason = "台风前入户走访名单核对", format });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var bytes = await response.Content.ReadAsByteArrayAsync();
            if (format == "csv")
            {
                var text = Encoding.UTF8.GetString(bytes);
                Assert.Contains("+8613800138001", text, StringComparison.Ordinal);
                Assert.Contains("\"幸福路1号, 2单元\"", text, StringComparison.Ordinal);
                Assert.Contains("'=HYPERLINK", text, StringComparison.Ordinal);
            }

            // What left the system comes back unchanged (the formula guard aside, which a re-import keeps as text).
            var again = await (await ImportAsync(officer, bytes, "export." + format)).OkJsonAsync();
            Assert.Equal(0, again.GetProperty("rejected").GetInt32());
            Assert.Equal(0, again.GetProperty("created").GetInt32());
            Assert.True(again.GetProperty("unchanged").GetInt32() >= 2, again.ToString());
        }

        var exports = await (await app.AdminAsync()).JournalAsync("residents.exported", world.TownshipB);
        Assert.Equal(2, exports.Count);
        Assert.All(exports, e =>
        {
            Assert.Equal("台风前入户走访名单核对", e.GetProperty("payload").GetProperty("reason").GetString());
            Assert.Equal(3, e.GetProperty("payload").GetProperty("count").GetInt32());
            Assert.DoesNotContain("张一", e.GetRawText(), StringComparison.Ordinal);
        });
    }
}

public sealed class ResidentRegisterApiTestsOnSqlite(SqliteApp app) : ResidentRegisterApiTests<SqliteApp>(app);

public sealed class ResidentRegisterApiTestsOnPostgres(PostgresApp app) : ResidentRegisterApiTests<PostgresApp>(app);
