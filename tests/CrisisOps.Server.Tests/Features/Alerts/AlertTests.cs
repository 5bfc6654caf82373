using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using CrisisOps.Data;
using CrisisOps.Domain.Alerts;
using CrisisOps.Domain.Warning;
using CrisisOps.Server.Features.Alerts;
using CrisisOps.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace CrisisOps.Server.Tests.Features.Alerts;

/// <summary>Records what a release hands to delivery (delivery itself lives on another branch).</summary>
public sealed class RecordingFanOut : IAlertFanOut
{
    public ConcurrentQueue<AlertToDeliver> Enqueued { get; } = new();

    public int Wakes;

    public void Enqueue(CrisisOpsDbContext db, AlertToDeliver alert, DateTimeOffset now) => Enqueued.Enqueue(alert);

    public void Wake() => Interlocked.Increment(ref Wakes);
}

/// <summary>An app that signs its alerts with a throw-away certificate and records the fan-out.</summary>
public abstract class AlertsApp(TestDatabase database) : CrisisOpsApp(database, settings: Settings())
{
    public const string CertificatePassword = "alerts-test-pfx";

    private static readonly Lazy<string> Pfx = new(MakePfx);

    public RecordingFanOut FanOut { get; } = new();

    public string CertificatePath => Pfx.Value;

    private static Dictionary<string, string> Settings() => new()
    {
        ["Alerts:Sender"] = "alerts@test.crisisops.example",
        ["Alerts:Signing:CertificatePath"] = Pfx.Value,
        ["Alerts:Signing:CertificatePassword"] = CertificatePassword,
    };

    private static string MakePfx()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=CrisisOps alert signing (test)", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(Start.AddDays(-1), Start.AddYears(1));
        var path = Path.Combine(Path.GetTempPath(), $"crisisops-alerts-{Guid.NewGuid():N}.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, CertificatePassword));
        return path;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<IAlertFanOut>(FanOut));
    }
}

public sealed class AlertSqliteApp() : AlertsApp(new SqliteTestDatabase());

public sealed class AlertPostgresApp() : AlertsApp(new PostgresTestDatabase());

public abstract class AlertTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : AlertsApp
{
    private static object Info(string language, string headline, string? severity = null) => new
    {
        language,
        @event = language == "en" ? "Rainstorm" : "暴雨",
        headline,
        description = language == "en" ? "Over 50 mm expected within 3 hours." : "预计3小时内降雨量将达50毫米以上。",
        instruction = language == "en" ? "Avoid underpasses." : "请勿进入下穿通道。",
        severity,
    };

    private static object Compose(string tier, string[] regions, string status = "exercise", string msgType = "alert", string[]? references = null) => new
    {
        status,
        msgType,
        tier,
        hazard = "rainstorm",
        regions,
        infos = new[] { Info("zh-CN", "暴雨预警"), Info("en", "Rainstorm warning") },
        references,
    };

    private async Task<(RegionWorld World, HttpClient Composer, HttpClient Approver, HttpClient Second)> DeskAsync()
    {
        var world = await app.WorldAsync();
        return (world, await app.UserAsync(("information-officer", world.City)), await app.UserAsync(("duty-officer", world.City)),
            await app.UserAsync(("commander", world.City)));
    }

    private static async Task<JsonElement> ComposeAsync(HttpClient client, object body) =>
        await (await client.PostJsonAsync("/api/v1/alerts", body)).OkJsonAsync(HttpStatusCode.Created);

    private static async Task<JsonElement> StepAsync(HttpClient client, JsonElement alert, string step) =>
        await (await client.PostJsonAsync($"/api/v1/alerts/{alert.GetProperty("id").GetString()}/{step}", new { })).OkJsonAsync();

    private async Task<JsonElement> ReleasedAsync(HttpClient composer, HttpClient approver, object body)
    {
        var alert = await ComposeAsync(composer, body);
        await StepAsync(composer, alert, "submit");
        return await StepAsync(approver, alert, "approve");
    }

    private RSA PublicKey()
    {
        using var certificate = X509CertificateLoader.LoadPkcs12FromFile(app.CertificatePath, AlertsApp.CertificatePassword);
        return certificate.GetRSAPublicKey()!;
    }

    [Fact]
    public async Task Approve_WhenLastApprovalArrives_ReleasesSignedValidCapFeedAndHandsToDelivery()
    {
        var (world, composer, approver, _) = await DeskAsync();
        var alert = await ComposeAsync(composer, Compose("warning", [world.CommunityA1, world.CommunityB1]));
        Assert.Equal("draft", alert.GetProperty("status").GetString());
        Assert.Equal("exercise", alert.GetProperty("capStatus").GetString());
        Assert.Equal("severe", alert.GetProperty("infos")[0].GetProperty("severity").GetString()); // warning tier → Severe by default

        var submitted = await StepAsync(composer, alert, "submit");
        Assert.Equal(1, submitted.GetProperty("approvalsRequired").GetInt32());
        app.Clock.Advance(TimeSpan.FromMinutes(3));
        var released = await StepAsync(approver, alert, "approve");

        Assert.Equal("released", released.GetProperty("status").GetString());
        var id = Guid.Parse(released.GetProperty("id").GetString()!);
        var handed = Assert.Single(app.FanOut.Enqueued, a => a.AlertId == id);
        Assert.Equal([world.CommunityA1, world.CommunityB1], handed.RegionCodes);
        Assert.True(handed.IsExercise);
        Assert.Equal(WarningTier.Warning, handed.Tier);
        Assert.Equal(["zh-CN", "en"], handed.Messages.Select(m => m.Language));
        Assert.True(app.FanOut.Wakes > 0);

        // The public CAP document: anonymous, cacheable, valid CAP 1.2, signed, and read back by our own importer.
        var url = released.GetProperty("publicCapUrl").GetString()!;
        var response = await app.Anonymous().GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/cap+xml", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("public", response.Headers.CacheControl?.ToString() ?? "", StringComparison.Ordinal);
        var xml = await response.Content.ReadAsStringAsync();
        var verdict = CapReader.Read(Encoding.UTF8.GetBytes(xml));
        Assert.True(verdict.Accepted, string.Join("\n", verdict.Reasons));
        Assert.Equal(released.GetProperty("identifier").GetString(), verdict.Alert!.Identifier);
        Assert.Equal("alerts@test.crisisops.example", verdict.Alert.Sender);
        Assert.Equal(CapStatus.Exercise, verdict.Alert.Status);
        Assert.Equal(app.Clock.GetUtcNow().AddTicks(-(app.Clock.GetUtcNow().UtcTicks % TimeSpan.TicksPerSecond)), verdict.Alert.Sent);
        var area = verdict.Alert.Infos[0].Areas[0];
        Assert.Equal([world.CommunityA1, world.CommunityB1], area.Geocodes.Select(g => g.Value));
        Assert.NotEmpty(area.Polygons);
        using (var key = PublicKey())
        {
            Assert.True(CapSigner.Verify(xml, key));
            Assert.False(CapSigner.Verify(xml.Replace("Avoid underpasses.", "Go out.", StringComparison.Ordinal), key));
        }

        // The feed links to it.
        var feed = XDocument.Parse(await (await app.Anonymous().GetAsync("/public/alerts.atom")).Content.ReadAsStringAsync());
        XNamespace atom = "http://www.w3.org/2005/Atom";
        Assert.NotNull(feed.Root!.Element(atom + "id"));
        Assert.NotNull(feed.Root.Element(atom + "updated"));
        var entry = Assert.Single(feed.Root.Elements(atom + "entry"),
            e => e.Elements(atom + "link").Any(l => l.Attribute("href")!.Value.EndsWith(url, StringComparison.Ordinal)));
        Assert.Contains("暴雨预警", entry.Element(atom + "title")!.Value, StringComparison.Ordinal);
        Assert.NotNull(entry.Element(atom + "updated"));

        // Every step journaled, and the journal names no person's details beyond the acting user.
        var journal = await composer.GetJsonAsync($"/api/v1/journal?type=alert.released&region={world.City}");
        Assert.Contains(journal.GetProperty("items").EnumerateArray(),
            e => e.GetProperty("payload").GetProperty("alertId").GetString() == id.ToString());
    }

    [Fact]
    public async Task Approve_WhenEmergencyTier_NeedsTwoDifferentApproversNotTheComposer()
    {
        var (world, composer, approver, second) = await DeskAsync();
        var alert = await ComposeAsync(composer, Compose("emergency", [world.CommunityA1]));
        var submitted = await StepAsync(composer, alert, "submit");
        Assert.Equal(2, submitted.GetProperty("approvalsRequired").GetInt32());
        var url = $"/api/v1/alerts/{alert.GetProperty("id").GetString()}/approve";

        var first = await StepAsync(approver, alert, "approve");
        Assert.Equal("submitted", first.GetProperty("status").GetString());
        await (await approver.PostJsonAsync(url, new { })).ProblemAsync(HttpStatusCode.Conflict, "already-approved");

        // A composer who may also approve still cannot approve their own alert.
        var (both, _) = await app.PersonAsync(new TestRole("commander", world.City));
        var own = await ComposeAsync(both, Compose("emergency", [world.CommunityA1]));
        await StepAsync(both, own, "submit");
        await (await both.PostJsonAsync($"/api/v1/alerts/{own.GetProperty("id").GetString()}/approve", new { }))
            .ProblemAsync(HttpStatusCode.Conflict, "own-alert");
        Assert.DoesNotContain(app.FanOut.Enqueued, a => a.AlertId == Guid.Parse(alert.GetProperty("id").GetString()!));

        var released = await StepAsync(second, alert, "approve");
        Assert.Equal("released", released.GetProperty("status").GetString());
        Assert.Equal(2, released.GetProperty("approvals").GetArrayLength());
        Assert.Single(app.FanOut.Enqueued, a => a.AlertId == Guid.Parse(alert.GetProperty("id").GetString()!));
    }

    [Fact]
    public async Task Compose_WhenRegionOutsideScope_IsForbiddenAndOthersCannotSeeOrApprove()
    {
        var (world, composer, approver, _) = await DeskAsync();
        var countyComposer = await app.UserAsync(("information-officer", world.CountyA));
        await (await countyComposer.PostJsonAsync("/api/v1/alerts", Compose("warning", [world.CommunityA1, world.CommunityB1])))
            .ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");

        var alert = await ComposeAsync(composer, Compose("warning", [world.CommunityA1, world.CommunityB1]));
        await StepAsync(composer, alert, "submit");
        var id = alert.GetProperty("id").GetString();

        // An approver of county A alone does not cover B1.
        var countyApprover = await app.UserAsync(("duty-officer", world.CountyA));
        await (await countyApprover.PostJsonAsync($"/api/v1/alerts/{id}/approve", new { })).ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");

        // A reader of another city sees nothing of it.
        var elsewhere = await app.WorldAsync();
        var stranger = await app.UserAsync(("duty-officer", elsewhere.City));
        await (await stranger.GetAsync($"/api/v1/alerts/{id}")).ProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await stranger.PostJsonAsync($"/api/v1/alerts/{id}/approve", new { })).ProblemAsync(HttpStatusCode.NotFound, "not-found");
        Assert.DoesNotContain((await stranger.GetJsonAsync("/api/v1/alerts")).GetProperty("items").EnumerateArray(),
            a => a.GetProperty("id").GetString() == id);

        // A county-A reader sees it (it covers A1).
        var readerA = await app.UserAsync(("reviewer", world.CountyA));
        Assert.Contains((await readerA.GetJsonAsync("/api/v1/alerts")).GetProperty("items").EnumerateArray(), a => a.GetProperty("id").GetString() == id);
        Assert.Equal("submitted", (await approver.GetJsonAsync($"/api/v1/alerts/{id}")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Compose_WhenInputIsBad_AnswersProblemsAndStoresNothing()
    {
        var (world, composer, _, _) = await DeskAsync();
        async Task Bad(object body, HttpStatusCode status, string type, string? field = null)
        {
            var problem = await (await composer.PostJsonAsync("/api/v1/alerts", body)).ProblemAsync(status, type);
            if (field is not null)
            {
                Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
            }
        }

        var infos = new[] { Info("zh-CN", "暴雨预警") };
        await Bad(new { tier = "warning", regions = Array.Empty<string>(), infos }, HttpStatusCode.BadRequest, "validation-failed", "regions");
        await Bad(new { tier = "warning", regions = new[] { world.CommunityA1 }, infos = Array.Empty<object>() }, HttpStatusCode.BadRequest, "validation-failed", "infos");
        await Bad(new { tier = "purple", regions = new[] { world.CommunityA1 }, infos }, HttpStatusCode.BadRequest, "validation-failed", "tier");
        await Bad(new { tier = "warning", status = "real", regions = new[] { world.CommunityA1 }, infos }, HttpStatusCode.BadRequest, "validation-failed", "status");
        await Bad(new { tier = "warning", msgType = "ack", regions = new[] { world.CommunityA1 }, infos }, HttpStatusCode.BadRequest, "validation-failed", "msgType");
        await Bad(new { tier = "warning", regions = new[] { world.CommunityA1 }, infos = new[] { Info("zh-CN", "h", "awful") } },
            HttpStatusCode.BadRequest, "validation-failed", "infos[0].severity");
        await Bad(new { tier = "warning", regions = new[] { world.CommunityA1 }, infos = new[] { Info("zh-CN", new string('雨', 161)) } },
            HttpStatusCode.BadRequest, "validation-failed", "infos[0].headline");
        await Bad(new { tier = "warning", regions = new[] { world.CommunityA1 }, infos = new[] { Info("fr", "h") } },
            HttpStatusCode.BadRequest, "validation-failed", "infos[0].language");
        await Bad(new { tier = "warning", regions = new[] { world.CommunityA1 }, infos = new[] { Info("zh-CN", "a\u0001b") } },
            HttpStatusCode.BadRequest, "validation-failed", "infos[0].headline");
        await Bad(new { tier = "warning", regions = new[] { world.Prefix + "-NOWHERE" }, infos }, HttpStatusCode.UnprocessableEntity, "unknown-region");
        await Bad(Compose("warning", [world.CommunityA1], msgType: "cancel", references: ["CRISISOPS-NO-SUCH-ALERT"]),
            HttpStatusCode.UnprocessableEntity, "unknown-referenced-alert");
        await Bad(Compose("warning", [world.CommunityA1], msgType: "cancel"), HttpStatusCode.BadRequest, "validation-failed", "references");

        // A cancel of an alert that has not gone out yet is refused too.
        var pending = await ComposeAsync(composer, Compose("warning", [world.CommunityA1]));
        await Bad(Compose("warning", [world.CommunityA1], msgType: "cancel", references: [pending.GetProperty("identifier").GetString()!]),
            HttpStatusCode.UnprocessableEntity, "unknown-referenced-alert");

        var stored = (await composer.GetJsonAsync($"/api/v1/alerts?region={world.City}")).GetProperty("items");
        Assert.Equal(pending.GetProperty("id").GetString(), Assert.Single(stored.EnumerateArray()).GetProperty("id").GetString());
    }

    [Fact]
    public async Task Cancel_WhenReferencingReleasedAlert_CarriesTheTripleAndShowsInTheFeed()
    {
        var (world, composer, approver, _) = await DeskAsync();
        var first = await ReleasedAsync(composer, approver, Compose("warning", [world.CommunityA2]));
        app.Clock.Advance(TimeSpan.FromMinutes(40));
        var cancel = await ReleasedAsync(composer, approver,
            Compose("warning", [world.CommunityA2], msgType: "cancel", references: [first.GetProperty("id").GetString()!]));

        var triple = $"{first.GetProperty("sender").GetString()},{first.GetProperty("identifier").GetString()},";
        Assert.StartsWith(triple, cancel.GetProperty("references")[0].GetString(), StringComparison.Ordinal);
        var xml = await (await app.Anonymous().GetAsync(cancel.GetProperty("publicCapUrl").GetString())).Content.ReadAsStringAsync();
        var verdict = CapReader.Read(Encoding.UTF8.GetBytes(xml));
        Assert.True(verdict.Accepted, string.Join("\n", verdict.Reasons));
        Assert.Equal(CapMessageType.Cancel, verdict.Alert!.MsgType);
        var reference = Assert.Single(verdict.Alert.References);
        Assert.Equal(first.GetProperty("identifier").GetString(), reference.Identifier);
        Assert.Equal(first.GetProperty("sent").GetDateTimeOffset(), reference.Sent);

        var feed = await (await app.Anonymous().GetAsync("/public/alerts.atom")).Content.ReadAsStringAsync();
        Assert.Contains("[解除 Cancel]", feed, StringComparison.Ordinal);
        Assert.Contains("rel=\"related\"", feed, StringComparison.Ordinal);

        // Released alerts are final: withdrawing one is a conflict (a Cancel is the way).
        await (await composer.PostJsonAsync($"/api/v1/alerts/{first.GetProperty("id").GetString()}/withdraw", new { reason = "oops" }))
            .ProblemAsync(HttpStatusCode.Conflict, "alert-not-withdrawable");
    }

    [Fact]
    public async Task FromTier_WhenRegionHasATier_PrefillsADraftAndWithoutOneRefuses()
    {
        var (world, composer, _, _) = await DeskAsync();
        var commander = await app.UserAsync(("commander", world.City));
        (await commander.PostJsonAsync($"/api/v1/risk/{world.CommunityB2}/flood/escalate", new { tier = "warning", reason = "dyke seeping" }))
            .EnsureSuccessStatusCode();

        var draft = await (await composer.PostJsonAsync("/api/v1/alerts/from-tier", new { regionCode = world.CommunityB2 })).OkJsonAsync(HttpStatusCode.Created);

        Assert.Equal("draft", draft.GetProperty("status").GetString());
        Assert.Equal("warning", draft.GetProperty("tier").GetString());
        Assert.Equal("flood", draft.GetProperty("hazard").GetString());
        Assert.Equal([world.CommunityB2], draft.GetProperty("regions").EnumerateArray().Select(r => r.GetString()));
        var infos = draft.GetProperty("infos");
        Assert.Equal(2, infos.GetArrayLength());
        Assert.Equal("severe", infos[0].GetProperty("severity").GetString());
        Assert.Contains("洪涝", infos[0].GetProperty("headline").GetString(), StringComparison.Ordinal);

        await (await composer.PostJsonAsync("/api/v1/alerts/from-tier", new { regionCode = world.CommunityA2 }))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity, "no-tier");
        await (await composer.PostJsonAsync("/api/v1/alerts/from-tier", new { regionCode = world.Prefix + "-X" }))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity, "unknown-region");

        // A draft may be withdrawn; then it cannot be submitted.
        var withdrawn = await StepAsync(composer, draft, "withdraw");
        Assert.Equal("withdrawn", withdrawn.GetProperty("status").GetString());
        await (await composer.PostJsonAsync($"/api/v1/alerts/{draft.GetProperty("id").GetString()}/submit", new { }))
            .ProblemAsync(HttpStatusCode.Conflict, "alert-stage");
    }

    [Fact]
    public async Task PublicPage_WhenAskedForAPoint_ShowsAlertsInForceEscapedAndHidesWhatWasUpdated()
    {
        var (world, composer, approver, _) = await DeskAsync();
        const string hostile = "<img src=x onerror=alert(1)>Flash flood";
        var first = await ReleasedAsync(composer, approver, new
        {
            status = "exercise", tier = "warning", hazard = "flood", regions = new[] { world.TownshipB },
            infos = new[] { Info("zh-CN", "山洪预警"), Info("en", hostile) },
        });
        var restricted = await ReleasedAsync(composer, approver, new
        {
            status = "exercise", tier = "warning", scope = "restricted", restriction = "Emergency services only", regions = new[] { world.CommunityB1 },
            infos = new[] { Info("en", "Responders only") },
        });
        var (lat, lon) = world.PointIn(world.CommunityB1);
        var anonymous = app.Anonymous();
        anonymous.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");

        var page = await anonymous.GetStringAsync(FormattableString.Invariant($"/public/alerts?lat={lat}&lon={lon}"));
        Assert.Contains(first.GetProperty("identifier").GetString()!, page, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;Flash flood", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=x", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Responders only", page, StringComparison.Ordinal); // not public
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(PublicPath(restricted))).StatusCode);

        // An update replaces the first alert on the page.
        app.Clock.Advance(TimeSpan.FromMinutes(30));
        var update = await ReleasedAsync(composer, approver, new
        {
            status = "exercise", msgType = "update", tier = "emergency", hazard = "flood", regions = new[] { world.TownshipB },
            infos = new[] { Info("en", "Flash flood: evacuate") }, references = new[] { first.GetProperty("identifier").GetString() },
        });
        Assert.Equal("submitted", update.GetProperty("status").GetString()); // emergency: a second approver is needed
        var second = await app.UserAsync(("commander", world.City));
        await StepAsync(second, update, "approve");
        page = await anonymous.GetStringAsync($"/public/alerts?region={world.CommunityB1}");
        Assert.Contains("Flash flood: evacuate", page, StringComparison.Ordinal);
        Assert.DoesNotContain(first.GetProperty("identifier").GetString()!, page, StringComparison.Ordinal);

        var nowhere = await anonymous.GetStringAsync("/public/alerts?lat=0&lon=0");
        Assert.Contains("public-alerts-unknown", nowhere, StringComparison.Ordinal);
    }

    private static string PublicPath(JsonElement alert) => $"/public/alerts/{Uri.EscapeDataString(alert.GetProperty("identifier").GetString()!)}.xml";
}

public sealed class AlertTestsOnSqlite(AlertSqliteApp app) : AlertTests<AlertSqliteApp>(app);

public sealed class AlertTestsOnPostgres(AlertPostgresApp app) : AlertTests<AlertPostgresApp>(app);
