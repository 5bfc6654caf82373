using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CrisisOps.Domain.Tests.Warning;
using CrisisOps.Server.Features.Warning;
using Microsoft.Extensions.DependencyInjection;

namespace CrisisOps.Server.Tests.Features;

/// <summary>Official CAP warnings stored: upload, duplicates, update and cancel chains, jurisdiction, and the tiers they drive.</summary>
public abstract class OfficialWarningTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : CrisisOpsApp
{
    public static TheoryData<string> CorpusFiles => CapCorpus.Files();

    private DateTimeOffset Now => app.Clock.GetUtcNow();

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public async Task Upload_WhenCorpusFile_ClassifiesAsManifestSays(string file)
    {
        var row = CapCorpus.Manifest.Single(r => string.Equals(r.File, file, StringComparison.Ordinal));
        var admin = await app.AdminAsync();
        using var content = new ByteArrayContent(CapCorpus.Bytes(file));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/xml");

        var response = await admin.PostAsync("/api/v1/official-warnings", content);

        if (file.StartsWith("alerts/valid/", StringComparison.Ordinal))
        {
            // Two corpus files are the same alert (signed and unsigned): the second is already stored.
            var body = await response.OkJsonAsync(response.StatusCode == HttpStatusCode.OK ? HttpStatusCode.OK : HttpStatusCode.Created);
            Assert.True(body.GetProperty("accepted").GetBoolean());
            Assert.Equal("valid", body.GetProperty("kind").GetString());
            var warning = body.GetProperty("warning");
            Assert.False(string.IsNullOrEmpty(warning.GetProperty("identifier").GetString()));
            Assert.Equal(row.InfoBlocks == 0 ? "" : warning.GetProperty("event").GetString(), warning.GetProperty("event").GetString());

            // Foreign services' areas cover none of our regions: kept, and said so.
            Assert.Empty(warning.GetProperty("regions").EnumerateArray());
            if (response.StatusCode == HttpStatusCode.Created && warning.GetProperty("msgType").GetString() is "alert")
            {
                Assert.Contains(body.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.StartsWith("no region of ours", StringComparison.Ordinal));
            }

            return;
        }

        var problem = await response.ProblemAsync(HttpStatusCode.UnprocessableEntity, "cap-rejected");
        Assert.Equal(Expected(row), problem.GetProperty("kind").GetString());
        Assert.NotEmpty(problem.GetProperty("reasons").EnumerateArray());
    }

    internal static string Expected(CapManifestRow row) => row switch
    {
        _ when row.File.StartsWith("alerts/other-version/", StringComparison.Ordinal) => "other-version",
        _ when row.Notes.Contains("XXE", StringComparison.Ordinal) => "unsafe",
        _ when row.ValidityPerSource.Contains("wrong namespace", StringComparison.Ordinal) => "wrong-namespace",
        _ when row.File.StartsWith("alerts/invalid/", StringComparison.Ordinal) => "schema-invalid",
        _ => throw new InvalidOperationException($"MANIFEST row '{row.File}' is in no folder the test knows."),
    };

    [Fact]
    public async Task Upload_WhenDtdWithExternalEntity_RefusesUnreadAndStoresNothing()
    {
        var officer = await app.UserAsync(("duty-officer", (await app.WorldAsync()).City));
        const string xxe = """
            <?xml version="1.0"?>
            <!DOCTYPE alert [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
            <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&xxe;</identifier></alert>
            """;

        var response = await officer.UploadAsync(xxe);

        var problem = await response.ProblemAsync(HttpStatusCode.UnprocessableEntity, "cap-rejected");
        Assert.Equal("unsafe", problem.GetProperty("kind").GetString());
        Assert.DoesNotContain("root:", problem.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upload_WhenSameAlertTwiceOrAsMultipart_StoresItOnce()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("duty-officer", world.City));
        var cap = RiskSources.Cap(world.Prefix + "-ONCE", Now, [world.CommunityA1]);

        var first = await (await officer.UploadAsync(cap)).OkJsonAsync(HttpStatusCode.Created);
        using var form = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes(cap)), "file", "alert.xml" } };
        var again = await (await officer.PostAsync("/api/v1/official-warnings", form)).OkJsonAsync();

        Assert.True(first.GetProperty("stored").GetBoolean());
        Assert.True(again.GetProperty("duplicate").GetBoolean());
        Assert.Equal(first.GetProperty("warning").GetProperty("id").GetString(), again.GetProperty("warning").GetProperty("id").GetString());
        var listed = (await officer.GetJsonAsync($"/api/v1/official-warnings?region={world.City}")).GetProperty("items").EnumerateArray().ToList();
        var warning = Assert.Single(listed);
        Assert.Equal([world.CommunityA1], warning.GetProperty("regions").EnumerateArray().Select(r => r.GetString()).ToArray());
        Assert.Equal("暴雨红色预警", warning.GetProperty("event").GetString());
        Assert.Equal(["暴雨红色预警", "Rainstorm"], warning.GetProperty("events").EnumerateArray().Select(e => e.GetString()).ToArray());
        Assert.Equal("upload", warning.GetProperty("source").GetString());
        Assert.Single(await officer.JournalAsync("official-warning.received", world.CommunityA1));

        var raw = await officer.GetAsync($"/api/v1/official-warnings/{warning.GetProperty("id").GetString()}/cap");
        Assert.Equal(cap, await raw.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task UpdateAndCancel_WhenReferencingEarlierAlerts_SupersedeThenEndTheChain()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("duty-officer", world.City));
        var sentA = Now;
        var sentB = sentA.AddMinutes(30);
        var a = world.Prefix + "-A";
        var b = world.Prefix + "-B";
        await (await officer.UploadAsync(RiskSources.Cap(a, sentA, [world.CommunityA1], "Severe"))).OkJsonAsync(HttpStatusCode.Created);
        Assert.Equal("warning", await officer.TierAsync(world.CommunityA1, "waterlogging"));

        app.Clock.Advance(TimeSpan.FromMinutes(30));
        var update = await (await officer.UploadAsync(RiskSources.Cap(b, sentB, [world.CommunityA1], "Extreme", msgType: "Update",
            references: RiskSources.Reference(a, sentA) + " " + RiskSources.Reference("NEVER-SEEN", sentA)))).OkJsonAsync(HttpStatusCode.Created);

        Assert.Equal([a], update.GetProperty("ended").EnumerateArray().Select(e => e.GetProperty("identifier").GetString()).ToArray());
        Assert.Equal("superseded", update.GetProperty("ended")[0].GetProperty("state").GetString());
        Assert.Contains(update.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.Contains("NEVER-SEEN", StringComparison.Ordinal));
        Assert.Equal("emergency", await officer.TierAsync(world.CommunityA1, "waterlogging"));

        // A cancel carries no area: it covers what it cancels, and the tier falls at once.
        app.Clock.Advance(TimeSpan.FromMinutes(10));
        var cancel = await (await officer.UploadAsync(RiskSources.Cancel(world.Prefix + "-C", sentB.AddMinutes(10), RiskSources.Reference(b, sentB))))
            .OkJsonAsync(HttpStatusCode.Created);
        Assert.Equal([world.CommunityA1], cancel.GetProperty("warning").GetProperty("regions").EnumerateArray().Select(r => r.GetString()).ToArray());
        Assert.Equal("cancelled", cancel.GetProperty("ended")[0].GetProperty("state").GetString());
        Assert.Equal("none", await officer.TierAsync(world.CommunityA1, "waterlogging"));

        var states = (await officer.GetJsonAsync($"/api/v1/official-warnings?region={world.City}")).GetProperty("items").EnumerateArray()
            .ToDictionary(w => w.GetProperty("identifier").GetString()!, w => w.GetProperty("state").GetString());
        Assert.Equal("superseded", states[a]);
        Assert.Equal("cancelled", states[b]);
        Assert.Empty((await officer.GetJsonAsync($"/api/v1/official-warnings?region={world.City}&active=true")).GetProperty("items").EnumerateArray());
        Assert.Single(await officer.JournalAsync("official-warning.superseded", world.CommunityA1));
        Assert.Single(await officer.JournalAsync("official-warning.cancelled", world.CommunityA1));
    }

    [Fact]
    public async Task Upload_WhenUpdateArrivesBeforeItsAlert_TheAlertStartsSuperseded()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("duty-officer", world.City));
        var sentA = Now;
        var a = world.Prefix + "-LATE";
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        var early = await (await officer.UploadAsync(RiskSources.Cap(world.Prefix + "-UPD", sentA.AddMinutes(5), [world.CommunityB1], "Moderate",
            msgType: "Update", references: RiskSources.Reference(a, sentA)))).OkJsonAsync(HttpStatusCode.Created);
        Assert.Contains(early.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.StartsWith("references an alert not stored here", StringComparison.Ordinal));

        var late = await (await officer.UploadAsync(RiskSources.Cap(a, sentA, [world.CommunityB1], "Extreme"))).OkJsonAsync(HttpStatusCode.Created);

        Assert.Equal("superseded", late.GetProperty("warning").GetProperty("state").GetString());
        Assert.Equal("attention", await officer.TierAsync(world.CommunityB1, "waterlogging")); // the update's yellow, not the stale red
    }

    [Fact]
    public async Task RedRainstorm_WhenItsPolygonCoversACommunity_RaisesWaterloggingToEmergencyAndExpiryLowersIt()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("duty-officer", world.City));
        var identifier = world.Prefix + "-RED";

        var stored = await (await officer.UploadAsync(RiskSources.Cap(identifier, Now, [], polygon: RiskSources.NorthOfCountyA(world),
            expiresIn: TimeSpan.FromHours(3)))).OkJsonAsync(HttpStatusCode.Created);

        Assert.Equal([world.CommunityA1], stored.GetProperty("warning").GetProperty("regions").EnumerateArray().Select(r => r.GetString()).ToArray());
        var risk = (await officer.RiskAsync(world.CommunityA1, "waterlogging"))!.Value;
        Assert.Equal("emergency", risk.GetProperty("tier").GetString());
        var because = risk.GetProperty("explanation").EnumerateArray().First();
        Assert.Equal("rainstorm-warning", because.GetProperty("rule").GetString());
        Assert.Contains(identifier, because.GetProperty("explanation").GetString(), StringComparison.Ordinal);
        Assert.Equal("emergency", await officer.TierAsync(world.City, "waterlogging"));
        Assert.Equal("none", await officer.TierAsync(world.CommunityA2, "waterlogging"));
        var change = (await officer.JournalAsync("risk.tier-changed", world.CommunityA1))
            .Last(e => e.GetProperty("regionCode").GetString() == world.CommunityA1);
        Assert.Contains(identifier, change.GetProperty("payload").GetProperty("because").GetRawText(), StringComparison.Ordinal);

        app.Clock.Advance(TimeSpan.FromHours(3) + TimeSpan.FromMinutes(1));
        await app.SweepRiskAsync();

        Assert.Equal("none", await officer.TierAsync(world.CommunityA1, "waterlogging"));
        Assert.Equal("none", await officer.TierAsync(world.City, "waterlogging"));
    }

    [Fact]
    public async Task Vulnerability_WhenAWarningScores_AddsItsBonusAsItsOwnContribution()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("duty-officer", world.City));

        // Yellow (moderate) over A1 — low-lying, with a nursing home — and over B1, which has neither.
        await (await officer.UploadAsync(RiskSources.Cap(world.Prefix + "-YEL", Now, [world.CommunityA1, world.CommunityB1], "Moderate")))
            .OkJsonAsync(HttpStatusCode.Created);

        var a1 = (await officer.RiskAsync(world.CommunityA1, "waterlogging"))!.Value;
        var b1 = (await officer.RiskAsync(world.CommunityB1, "waterlogging"))!.Value;
        Assert.Equal(2 + 0.3 + 0.1 + 0.002, a1.GetProperty("score").GetDouble(), 3); // low-lying, one nursing home, 1,000 residents
        var bonus = a1.GetProperty("explanation").EnumerateArray().Single(c => c.GetProperty("rule").GetString() == "vulnerability");
        Assert.Contains("low-lying (+0.3)", bonus.GetProperty("explanation").GetString(), StringComparison.Ordinal);
        Assert.Contains("1 nursing home (+0.1)", bonus.GetProperty("explanation").GetString(), StringComparison.Ordinal);
        Assert.Equal(2.002, b1.GetProperty("score").GetDouble(), 3);

        // A2 is as vulnerable as ever but has no warning: it gets no tier at all.
        Assert.Equal("none", await officer.TierAsync(world.CommunityA2, "waterlogging"));
    }

    [Fact]
    public async Task Upload_WhenExerciseOrTest_StoresItMarkedButMovesNoTier()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("duty-officer", world.City));

        var drill = await (await officer.UploadAsync(RiskSources.Cap(world.Prefix + "-DRILL", Now, [world.CommunityA2], status: "Exercise")))
            .OkJsonAsync(HttpStatusCode.Created);
        await (await officer.UploadAsync(RiskSources.Cap(world.Prefix + "-TEST", Now, [world.CommunityA2], status: "Test"))).OkJsonAsync(HttpStatusCode.Created);

        Assert.True(drill.GetProperty("warning").GetProperty("isExercise").GetBoolean());
        Assert.False(drill.GetProperty("warning").GetProperty("feedsRisk").GetBoolean());
        Assert.Equal("none", await officer.TierAsync(world.CommunityA2, "waterlogging"));
        var journaled = (await officer.JournalAsync("official-warning.received", world.CommunityA2))
            .Single(e => e.GetProperty("payload").GetProperty("identifier").GetString() == world.Prefix + "-DRILL");
        Assert.True(journaled.GetProperty("isExercise").GetBoolean());
    }

    [Fact]
    public async Task Upload_WhenAlertCoversOnlyAnotherCounty_IsRefusedButOneSharedRegionSuffices()
    {
        var world = await app.WorldAsync();
        var officerB = await app.UserAsync(("duty-officer", world.CountyB));

        await (await officerB.UploadAsync(RiskSources.Cap(world.Prefix + "-AONLY", Now, [world.CommunityA1])))
            .ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");
        await (await officerB.UploadAsync(RiskSources.Cap(world.Prefix + "-BOTH", Now, [world.CommunityA1, world.CommunityB2])))
            .OkJsonAsync(HttpStatusCode.Created);

        // B's officer sees the shared warning; nobody in B sees an alert over A alone, even by asking for A.
        var officerA = await app.UserAsync(("duty-officer", world.CountyA));
        await (await officerA.UploadAsync(RiskSources.Cap(world.Prefix + "-AOWN", Now, [world.CommunityA2]))).OkJsonAsync(HttpStatusCode.Created);
        var seenByB = (await officerB.GetJsonAsync("/api/v1/official-warnings")).GetProperty("items").EnumerateArray()
            .Select(w => w.GetProperty("identifier").GetString()).ToList();
        Assert.Contains(world.Prefix + "-BOTH", seenByB);
        Assert.DoesNotContain(world.Prefix + "-AOWN", seenByB);
        await (await officerB.GetAsync($"/api/v1/official-warnings?region={world.CountyA}")).ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");
        var own = (await officerA.GetJsonAsync($"/api/v1/official-warnings?region={world.CountyA}")).GetProperty("items").EnumerateArray()
            .Single(w => w.GetProperty("identifier").GetString() == world.Prefix + "-AOWN");
        await (await officerB.GetAsync($"/api/v1/official-warnings/{own.GetProperty("id").GetString()}")).ProblemAsync(HttpStatusCode.NotFound, "not-found");

        // A reviewer may read but not import.
        var reviewer = await app.UserAsync(("reviewer", world.City));
        await (await reviewer.UploadAsync(RiskSources.Cap(world.Prefix + "-REV", Now, [world.CommunityA1]))).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Upload_WhenBodyTooLargeOrNotXml_IsRefused()
    {
        var officer = await app.UserAsync(("duty-officer", (await app.WorldAsync()).City));

        await (await officer.UploadAsync(new string('x', (int)OfficialWarningEndpoints.UploadBodyLimit + 1))).ProblemAsync(HttpStatusCode.RequestEntityTooLarge, "body-too-large");
        await (await officer.PostRawAsync("/api/v1/official-warnings", "{}")).ProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
        var notCap = await (await officer.UploadAsync("<feed xmlns=\"http://www.w3.org/2005/Atom\"/>")).ProblemAsync(HttpStatusCode.UnprocessableEntity, "cap-rejected");
        Assert.Equal("not-cap", notCap.GetProperty("kind").GetString());
    }
}

public sealed class OfficialWarningTestsOnSqlite(SqliteApp app) : OfficialWarningTests<SqliteApp>(app);

public sealed class OfficialWarningTestsOnPostgres(PostgresApp app) : OfficialWarningTests<PostgresApp>(app);
