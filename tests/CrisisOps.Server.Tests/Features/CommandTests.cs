using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CrisisOps.Server.Features.Deadlines;
using CrisisOps.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CrisisOps.Server.Tests.Features;

/// <summary>Headquarters formed from templates, units, orders and their deadlines, progress reports with photos, the order board.</summary>
public abstract class CommandTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : CrisisOpsApp
{
    /// <summary>The smallest valid PNG signature plus an IHDR start: enough for the magic-byte check.</summary>
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0];

    private sealed record Scene(RegionWorld World, HttpClient Officer, HttpClient Commander, string CommanderName, string IncidentId,
        HttpClient Water, string WaterName, HttpClient Fire, string FireName);

    private Task<int> FireDueAsync() => app.Services.GetRequiredService<DeadlineRunner>().FireDueAsync(CancellationToken.None);

    private static async Task<string> ReportAsync(HttpClient officer, RegionWorld world, string type = "waterlogging", string severity = "II",
        string? community = null)
    {
        var (lat, lon) = world.PointIn(community ?? world.CommunityA1);
        var category = type is "epidemic" or "food-poisoning" ? "public-health" : "natural-disaster";
        var incident = await (await officer.PostJsonAsync("/api/v1/incidents", new
        {
            title = "Underpass flooded 地下通道积水", category, type, severity, location = new { lat, lon },
        })).OkJsonAsync(HttpStatusCode.Created);
        return incident.GetProperty("id").GetString()!;
    }

    private async Task<Scene> SceneAsync()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("duty-officer", world.City));
        var (commander, commanderName) = await app.PersonAsync(new TestRole("commander", world.City));
        var (water, waterName) = await app.PersonAsync(new TestRole("department-liaison", world.CountyA, Department: "water"));
        var (fire, fireName) = await app.PersonAsync(new TestRole("department-liaison", world.City, Department: "fire"));
        var id = await ReportAsync(officer, world);
        return new Scene(world, officer, commander, commanderName, id, water, waterName, fire, fireName);
    }

    private static async Task<JsonElement> FormAsync(Scene s, object? members = null) =>
        await (await s.Commander.PostJsonAsync($"/api/v1/incidents/{s.IncidentId}/headquarters",
            new { template = "rainstorm", commander = s.CommanderName, members })).OkJsonAsync(HttpStatusCode.Created);

    private static string UnitOf(JsonElement hq, string department) =>
        hq.GetProperty("units").EnumerateArray().Single(u => u.GetProperty("department").GetString() == department).GetProperty("id").GetString()!;

    // The app (and its clock) is shared by the tests of the class: every time is taken relative to "now".
    private DateTimeOffset Now => app.Clock.GetUtcNow();

    private async Task<JsonElement> IssueAsync(HttpClient client, string hqId, string unitId, string priority = "high",
        DateTimeOffset? dueBy = null, string what = "Pump out the underpass") =>
        await (await client.PostJsonAsync($"/api/v1/headquarters/{hqId}/orders", new
        {
            unitId, what, where = new { text = "Jiefang Road underpass" }, dueBy = dueBy ?? Now.AddHours(3), priority,
        })).OkJsonAsync(HttpStatusCode.Created);

    private static async Task<List<JsonElement>> JournalAsync(HttpClient client, string incidentId, string type) =>
        [.. (await client.GetJsonAsync($"/api/v1/journal?incidentId={incidentId}&type={type}")).GetProperty("items").EnumerateArray()];

    [Fact]
    public async Task Form_FromTemplate_MakesDepartmentTeamsWithTheirLiaisonsAndMeetsTheFormationDuty()
    {
        var s = await SceneAsync();
        var (_, lead) = await app.PersonAsync(new TestRole("team-leader", s.World.CountyA));
        var (_, farLiaison) = await app.PersonAsync(new TestRole("department-liaison", s.World.CountyB, Department: "water"));

        var duty = (await s.Officer.GetJsonAsync($"/api/v1/deadlines?incidentId={s.IncidentId}")).GetProperty("items").EnumerateArray()
            .Single(d => d.GetProperty("kind").GetString() == "headquarters-formation");
        Assert.Equal(Now.AddHours(1), duty.GetProperty("dueAt").GetDateTimeOffset());

        var templates = await s.Commander.GetJsonAsync("/api/v1/hq-templates");
        Assert.Contains(templates.GetProperty("items").EnumerateArray(), t => t.GetProperty("code").GetString() == "epidemic");

        var hq = await FormAsync(s, new[] { new { department = "water", person = lead } });
        Assert.Equal("rainstorm", hq.GetProperty("template").GetString());
        var departments = hq.GetProperty("units").EnumerateArray().Select(u => u.GetProperty("department").GetString()).ToList();
        Assert.Contains("water", departments);
        Assert.Contains("fire", departments);
        Assert.Contains("municipal", departments);
        Assert.All(hq.GetProperty("units").EnumerateArray(), u => Assert.Equal("department-team", u.GetProperty("kind").GetString()));

        // The named person and the water liaison over the incident's county act for the water team; a liaison of another county does not.
        var water = hq.GetProperty("units").EnumerateArray().Single(u => u.GetProperty("department").GetString() == "water");
        var members = water.GetProperty("members").EnumerateArray().Select(m => m.GetString()).ToList();
        Assert.Contains(lead, members);
        Assert.Contains(s.WaterName, members);
        Assert.DoesNotContain(farLiaison, members);

        var met = (await s.Officer.GetJsonAsync($"/api/v1/deadlines?incidentId={s.IncidentId}&status=all")).GetProperty("items").EnumerateArray()
            .Single(d => d.GetProperty("kind").GetString() == "headquarters-formation");
        Assert.Equal("met", met.GetProperty("status").GetString());
        Assert.Single(await JournalAsync(s.Officer, s.IncidentId, "headquarters.formed"));

        var read = await s.Officer.GetJsonAsync($"/api/v1/incidents/{s.IncidentId}/headquarters");
        Assert.Equal(hq.GetProperty("id").GetString(), read.GetProperty("id").GetString());

        await (await s.Commander.PostJsonAsync($"/api/v1/incidents/{s.IncidentId}/headquarters", new { template = "rainstorm", commander = s.CommanderName }))
            .ProblemAsync(HttpStatusCode.Conflict, "headquarters-exists");
    }

    [Fact]
    public async Task Form_WhenBadOrOutsideJurisdiction_RefusesAndStoresNothing()
    {
        var s = await SceneAsync();
        var (outsider, outsiderName) = await app.PersonAsync(new TestRole("commander", s.World.CountyB));
        await (await outsider.PostJsonAsync($"/api/v1/incidents/{s.IncidentId}/headquarters", new { template = "rainstorm", commander = outsiderName }))
            .ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");
        var bad = await (await s.Commander.PostJsonAsync($"/api/v1/incidents/{s.IncidentId}/headquarters",
            new { template = "", commander = s.CommanderName, members = new[] { new { department = "ministry-of-magic", person = "x" } } }))
            .ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.True(bad.GetProperty("errors").TryGetProperty("members[0].department", out _));
        await (await s.Commander.PostJsonAsync($"/api/v1/incidents/{s.IncidentId}/headquarters", new { template = "epidemic", commander = s.CommanderName }))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity, "template-not-for-incident");
        await (await s.Commander.PostJsonAsync($"/api/v1/incidents/{s.IncidentId}/headquarters", new { template = "rainstorm", commander = "nobody-here" }))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity, "unknown-user");
        var partner = await app.UserAsync(("department-liaison", s.World.City));
        await (await partner.PostJsonAsync($"/api/v1/incidents/{s.IncidentId}/headquarters", new { template = "rainstorm", commander = s.CommanderName }))
            .ProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        await (await s.Officer.GetAsync($"/api/v1/incidents/{s.IncidentId}/headquarters")).ProblemAsync(HttpStatusCode.NotFound, "not-found");
        Assert.Empty(await JournalAsync(s.Officer, s.IncidentId, "headquarters.formed"));
    }

    [Fact]
    public async Task FormationDuty_OnlyForTemplatedGraveIncidents_AndCancelledWhenClosed()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("duty-officer", world.City));
        var minor = await ReportAsync(officer, world, severity: "IV");
        var untemplated = await ReportAsync(officer, world, type: "earthquake", severity: "I");
        foreach (var id in new[] { minor, untemplated })
        {
            Assert.DoesNotContain((await officer.GetJsonAsync($"/api/v1/deadlines?incidentId={id}")).GetProperty("items").EnumerateArray(),
                d => d.GetProperty("kind").GetString() == "headquarters-formation");
        }

        var epidemic = await ReportAsync(officer, world, type: "epidemic", severity: "III");
        (await officer.PostJsonAsync($"/api/v1/incidents/{epidemic}/status", new { status = "closed", note = "false alarm" })).EnsureSuccessStatusCode();
        var duty = (await officer.GetJsonAsync($"/api/v1/deadlines?incidentId={epidemic}&status=all")).GetProperty("items").EnumerateArray()
            .Single(d => d.GetProperty("kind").GetString() == "headquarters-formation");
        Assert.Equal("cancelled", duty.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Orders_ToEachUnit_AreAcknowledgedByThoseActingForIt_AndTheBoardShowsIt()
    {
        var s = await SceneAsync();
        var hq = await FormAsync(s);
        var hqId = hq.GetProperty("id").GetString()!;
        var issuedAt = Now;
        var toWater = await IssueAsync(s.Commander, hqId, UnitOf(hq, "water"));
        var toFire = await IssueAsync(s.Commander, hqId, UnitOf(hq, "fire"), priority: "urgent", what: "Rescue people from cars");
        Assert.Equal("issued", toWater.GetProperty("status").GetString());
        Assert.Equal(issuedAt.AddMinutes(15), toWater.GetProperty("acknowledgeBy").GetDateTimeOffset());
        Assert.Equal(issuedAt.AddMinutes(10), toFire.GetProperty("acknowledgeBy").GetDateTimeOffset());
        var waterOrder = toWater.GetProperty("id").GetString()!;
        var fireOrder = toFire.GetProperty("id").GetString()!;

        // Someone else's order: the fire liaison may act on orders, but not for the water team.
        await (await s.Fire.PostJsonAsync($"/api/v1/orders/{waterOrder}/acknowledge", new { })).ProblemAsync(HttpStatusCode.Forbidden, "not-your-order");
        await (await s.Commander.PostJsonAsync($"/api/v1/orders/{waterOrder}/acknowledge", new { })).ProblemAsync(HttpStatusCode.Forbidden, "not-your-order");

        app.Clock.Advance(TimeSpan.FromMinutes(3));
        var acked = await (await s.Water.PostJsonAsync($"/api/v1/orders/{waterOrder}/acknowledge", new { })).OkJsonAsync();
        Assert.Equal("acknowledged", acked.GetProperty("status").GetString());
        Assert.Equal(s.WaterName, acked.GetProperty("acknowledgedBy").GetString());
        await (await s.Fire.PostJsonAsync($"/api/v1/orders/{fireOrder}/acknowledge", new { })).OkJsonAsync();

        // Wrong steps and a refusal without a reason.
        await (await s.Water.PostJsonAsync($"/api/v1/orders/{waterOrder}/acknowledge", new { })).ProblemAsync(HttpStatusCode.Conflict, "order-wrong-step");
        await (await s.Water.PostJsonAsync($"/api/v1/orders/{waterOrder}/done", new { })).ProblemAsync(HttpStatusCode.Conflict, "order-wrong-step");
        await (await s.Fire.PostJsonAsync($"/api/v1/orders/{fireOrder}/cannot-do", new { reason = " " }))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity, "reason-required");

        await (await s.Water.PostJsonAsync($"/api/v1/orders/{waterOrder}/start", new { })).OkJsonAsync();
        var done = await (await s.Water.PostJsonAsync($"/api/v1/orders/{waterOrder}/done", new { })).OkJsonAsync();
        Assert.Equal("done", done.GetProperty("status").GetString());
        var refused = await (await s.Fire.PostJsonAsync($"/api/v1/orders/{fireOrder}/cannot-do", new { reason = "All crews at the chemical fire" })).OkJsonAsync();
        Assert.Equal("cannot-do", refused.GetProperty("status").GetString());
        await (await s.Fire.PostJsonAsync($"/api/v1/orders/{fireOrder}/cannot-do", new { reason = "again" })).ProblemAsync(HttpStatusCode.Conflict, "order-wrong-step");

        var board = await s.Officer.GetJsonAsync($"/api/v1/incidents/{s.IncidentId}/orders");
        var statuses = board.GetProperty("orders").EnumerateArray().ToDictionary(o => o.GetProperty("id").GetString()!, o => o.GetProperty("status").GetString());
        Assert.Equal("done", statuses[waterOrder]);
        Assert.Equal("cannot-do", statuses[fireOrder]);

        var journal = (await s.Officer.GetJsonAsync($"/api/v1/journal?incidentId={s.IncidentId}")).GetProperty("items").EnumerateArray()
            .Select(e => e.GetProperty("type").GetString()).ToList();
        Assert.Contains("order.issued", journal);
        Assert.Contains("order.acknowledged", journal);
        Assert.Contains("order.done", journal);
        Assert.Contains("order.cannot-do", journal);

        // Both deadlines of the done order are met, the refused order's are cancelled.
        var deadlines = (await s.Officer.GetJsonAsync($"/api/v1/deadlines?incidentId={s.IncidentId}&status=all")).GetProperty("items").EnumerateArray()
            .Where(d => d.GetProperty("subjectType").GetString() == "order").ToList();
        Assert.All(deadlines.Where(d => d.GetProperty("subjectId").GetString() == waterOrder), d => Assert.Equal("met", d.GetProperty("status").GetString()));
        Assert.Contains(deadlines.Where(d => d.GetProperty("subjectId").GetString() == fireOrder), d => d.GetProperty("status").GetString() == "cancelled");

        var mine = await s.Water.GetJsonAsync("/api/v1/orders/mine");
        Assert.Equal(waterOrder, Assert.Single(mine.GetProperty("items").EnumerateArray()).GetProperty("id").GetString());
    }

    [Fact]
    public async Task Deadlines_WhenAcknowledgementLate_EscalatesToCommander_AndWhenOverdue_ToIssuer()
    {
        var s = await SceneAsync();
        var hq = await FormAsync(s);
        var (deputy, deputyName) = await app.PersonAsync(new TestRole("duty-officer", s.World.CountyA));
        var order = await IssueAsync(deputy, hq.GetProperty("id").GetString()!, UnitOf(hq, "water"), priority: "urgent",
            dueBy: Now.AddHours(1));
        var id = order.GetProperty("id").GetString()!;

        app.Clock.Advance(TimeSpan.FromMinutes(9));
        await FireDueAsync();
        Assert.Empty(await JournalAsync(s.Officer, s.IncidentId, "order.escalated"));

        app.Clock.Advance(TimeSpan.FromMinutes(2));
        await FireDueAsync();
        var escalated = Assert.Single(await JournalAsync(s.Officer, s.IncidentId, "order.escalated"));
        Assert.Equal(s.CommanderName, escalated.GetProperty("payload").GetProperty("to").GetString());
        Assert.Equal("unacknowledged", escalated.GetProperty("payload").GetProperty("reason").GetString());

        var board = await s.Officer.GetJsonAsync($"/api/v1/incidents/{s.IncidentId}/orders");
        var late = board.GetProperty("orders").EnumerateArray().Single(o => o.GetProperty("id").GetString() == id);
        Assert.True(late.GetProperty("late").GetBoolean());
        Assert.True(late.GetProperty("unacknowledged").GetBoolean());
        Assert.True(late.GetProperty("flaggedUnacknowledged").GetBoolean());
        Assert.Equal(1, board.GetProperty("late").GetInt32());
        Assert.Equal(UnitOf(hq, "water"), board.GetProperty("units")[0].GetProperty("unit").GetProperty("id").GetString());

        // Acknowledged late: the flag stays as a record, the order is no longer late until it passes its due time.
        await (await s.Water.PostJsonAsync($"/api/v1/orders/{id}/acknowledge", new { })).OkJsonAsync();
        Assert.False((await s.Water.GetJsonAsync($"/api/v1/orders/{id}")).GetProperty("order").GetProperty("late").GetBoolean());

        app.Clock.Advance(TimeSpan.FromMinutes(50));
        await FireDueAsync();
        var both = await JournalAsync(s.Officer, s.IncidentId, "order.escalated");
        Assert.Equal(2, both.Count);
        var overdue = both.Single(e => e.GetProperty("payload").GetProperty("reason").GetString() == "overdue");
        Assert.Equal(deputyName, overdue.GetProperty("payload").GetProperty("to").GetString());
        var detail = (await s.Officer.GetJsonAsync($"/api/v1/orders/{id}")).GetProperty("order");
        Assert.True(detail.GetProperty("overdue").GetBoolean());
        Assert.True(detail.GetProperty("flaggedOverdue").GetBoolean());
    }

    [Fact]
    public async Task Issue_WhenUnitOfAnotherIncidentOrOutsideJurisdictionOrBad_Refuses()
    {
        var s = await SceneAsync();
        var hq = await FormAsync(s);
        var hqId = hq.GetProperty("id").GetString()!;
        var other = await ReportAsync(s.Officer, s.World, community: s.World.CommunityA2);
        var otherHq = await (await s.Commander.PostJsonAsync($"/api/v1/incidents/{other}/headquarters",
            new { template = "rainstorm", commander = s.CommanderName })).OkJsonAsync(HttpStatusCode.Created);

        await (await s.Commander.PostJsonAsync($"/api/v1/headquarters/{hqId}/orders", new
        {
            unitId = UnitOf(otherHq, "water"), what = "Pump", dueBy = Now.AddHours(2), priority = "normal",
        })).ProblemAsync(HttpStatusCode.UnprocessableEntity, "unit-not-in-headquarters");

        var outsider = await app.UserAsync(("commander", s.World.CountyB));
        await (await outsider.PostJsonAsync($"/api/v1/headquarters/{hqId}/orders", new
        {
            unitId = UnitOf(hq, "water"), what = "Pump", dueBy = Now.AddHours(2), priority = "normal",
        })).ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");
        await (await outsider.GetAsync($"/api/v1/incidents/{s.IncidentId}/orders")).ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");

        var bad = await (await s.Commander.PostJsonAsync($"/api/v1/headquarters/{hqId}/orders", new
        {
            unitId = UnitOf(hq, "water"), what = "", dueBy = Now.AddHours(-1), priority = "whenever", acknowledgeWithinMinutes = 0,
        })).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        foreach (var field in new[] { "what", "dueBy", "priority", "acknowledgeWithinMinutes" })
        {
            Assert.True(bad.GetProperty("errors").TryGetProperty(field, out _), field);
        }

        await (await s.Commander.PostJsonAsync($"/api/v1/headquarters/{hqId}/orders", new
        {
            unitId = UnitOf(hq, "water"), what = "Pump", where = new { regionCode = s.World.CountyB }, dueBy = Now.AddHours(2), priority = "low",
        })).ProblemAsync(HttpStatusCode.UnprocessableEntity, "place-outside-incident");

        Assert.Empty(await JournalAsync(s.Officer, s.IncidentId, "order.issued"));
    }

    [Fact]
    public async Task Units_TaskForceAndPartner_ActForTheirOrders()
    {
        var s = await SceneAsync();
        var hq = await FormAsync(s);
        var hqId = hq.GetProperty("id").GetString()!;
        var (leader, leaderName) = await app.PersonAsync(new TestRole("team-leader", s.World.CountyA));
        var (stranger, strangerName) = await app.PersonAsync(new TestRole("team-leader", s.World.CountyA));

        var force = await (await s.Commander.PostJsonAsync($"/api/v1/headquarters/{hqId}/units",
            new { name = "排涝突击队 Pumping task force", kind = "task-force", regionCode = s.World.CommunityA1, members = new[] { leaderName } }))
            .OkJsonAsync(HttpStatusCode.Created);
        var forceOrder = (await IssueAsync(s.Commander, hqId, force.GetProperty("id").GetString()!)).GetProperty("id").GetString()!;
        await (await stranger.PostJsonAsync($"/api/v1/orders/{forceOrder}/acknowledge", new { })).ProblemAsync(HttpStatusCode.Forbidden, "not-your-order");
        await (await leader.PostJsonAsync($"/api/v1/orders/{forceOrder}/acknowledge", new { })).OkJsonAsync();

        // Adding and removing a member: the stranger may act once added, and not after.
        var unitUrl = $"/api/v1/headquarters/{hqId}/units/{force.GetProperty("id").GetString()}/members";
        await (await s.Commander.PostJsonAsync(unitUrl, new { userName = strangerName })).OkJsonAsync();
        await (await stranger.PostJsonAsync($"/api/v1/orders/{forceOrder}/start", new { })).OkJsonAsync();
        (await s.Commander.DeleteAsync($"{unitUrl}/{strangerName}")).EnsureSuccessStatusCode();
        await (await stranger.PostJsonAsync($"/api/v1/orders/{forceOrder}/done", new { })).ProblemAsync(HttpStatusCode.Forbidden, "not-your-order");
        await (await s.Commander.DeleteAsync($"{unitUrl}/{strangerName}")).ProblemAsync(HttpStatusCode.Conflict, "not-a-member");

        var logistics = await app.UserAsync(("logistics-officer", s.World.City));
        var code = "blue-sky-" + s.World.Prefix.ToLowerInvariant();
        await (await logistics.PostJsonAsync("/api/v1/organisations", new { code, name = "蓝天救援队 Blue Sky Rescue", kind = "ngo", regionCode = s.World.City }))
            .OkJsonAsync(HttpStatusCode.Created);
        var (member, _) = await app.PersonAsync(new TestRole("partner-member", s.World.City, Organisation: code));
        var partnerUnit = await (await s.Commander.PostJsonAsync($"/api/v1/headquarters/{hqId}/units", new { kind = "partner", organisation = code }))
            .OkJsonAsync(HttpStatusCode.Created);
        await (await s.Commander.PostJsonAsync($"/api/v1/headquarters/{hqId}/units", new { kind = "partner", organisation = code }))
            .ProblemAsync(HttpStatusCode.Conflict, "unit-exists");
        var partnerOrder = (await IssueAsync(s.Commander, hqId, partnerUnit.GetProperty("id").GetString()!, what: "Boats to the underpass"))
            .GetProperty("id").GetString()!;

        var mine = await member.GetJsonAsync("/api/v1/orders/mine");
        Assert.Equal(partnerOrder, Assert.Single(mine.GetProperty("items").EnumerateArray()).GetProperty("id").GetString());
        await (await member.PostJsonAsync($"/api/v1/orders/{partnerOrder}/acknowledge", new { })).OkJsonAsync();
        await (await member.PostJsonAsync($"/api/v1/orders/{forceOrder}/done", new { })).ProblemAsync(HttpStatusCode.Forbidden, "not-your-order");
    }

    [Fact]
    public async Task Reports_WithPhotos_AreStoredAndServed_AndBadUploadsAreRefused()
    {
        var s = await SceneAsync();
        var hq = await FormAsync(s);
        var id = (await IssueAsync(s.Commander, hq.GetProperty("id").GetString()!, UnitOf(hq, "water"))).GetProperty("id").GetString()!;
        var url = $"/api/v1/orders/{id}/reports";

        await (await s.Water.PostAsync(url, Form("Pumps arriving", "{}", ("a.png", "image/png", Png)))).ProblemAsync(HttpStatusCode.Conflict, "order-wrong-step");
        await (await s.Water.PostJsonAsync($"/api/v1/orders/{id}/acknowledge", new { })).OkJsonAsync();

        await (await s.Water.PostAsync(url, Form("x", "{}", ("a.gif", "image/png", "GIF89a-not-really-a-png"u8.ToArray()))))
            .ProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported-photo-type");
        await (await s.Water.PostAsync(url, Form("x", "{}", ("a.txt", "text/plain", "hello"u8.ToArray()))))
            .ProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported-photo-type");
        var huge = new byte[5 * 1024 * 1024 + 1];
        Png.CopyTo(huge, 0);
        await (await s.Water.PostAsync(url, Form("x", "{}", ("big.png", "image/png", huge)))).ProblemAsync(HttpStatusCode.RequestEntityTooLarge, "photo-too-large");
        var six = Enumerable.Range(0, 6).Select(i => ($"p{i}.png", "image/png", Png)).ToArray();
        await (await s.Water.PostAsync(url, Form("x", "{}", six))).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        var badFigures = await (await s.Water.PostAsync(url, Form("x", "{\"pumps\": \"many\"}"))).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.True(badFigures.GetProperty("errors").TryGetProperty("figures.pumps", out _));
        await (await s.Water.PostJsonAsync(url, new { text = "json is not a form" })).ProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
        await (await s.Fire.PostAsync(url, Form("not mine", "{}"))).ProblemAsync(HttpStatusCode.Forbidden, "not-your-order");
        Assert.Equal("acknowledged", (await s.Water.GetJsonAsync($"/api/v1/orders/{id}")).GetProperty("order").GetProperty("status").GetString());

        var report = await (await s.Water.PostAsync(url, Form("Two pumps running 两台泵运行中", "{\"pumps\": 2, \"waterDepthCm\": 35.5}",
            ("site.png", "image/png", Png)))).OkJsonAsync(HttpStatusCode.Created);
        var photo = Assert.Single(report.GetProperty("photos").EnumerateArray());
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Png)), photo.GetProperty("sha256").GetString());
        Assert.Equal(35.5m, report.GetProperty("figures").GetProperty("waterDepthCm").GetDecimal());

        var detail = await s.Officer.GetJsonAsync($"/api/v1/orders/{id}");
        Assert.Equal("in-progress", detail.GetProperty("order").GetProperty("status").GetString());
        Assert.Single(detail.GetProperty("reports").EnumerateArray());

        var served = await s.Officer.GetAsync(photo.GetProperty("url").GetString());
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal("image/png", served.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Png, await served.Content.ReadAsByteArrayAsync());

        var outsider = await app.UserAsync(("duty-officer", s.World.CountyB));
        await (await outsider.GetAsync(photo.GetProperty("url").GetString())).ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");
        await (await outsider.GetAsync($"/api/v1/orders/{id}")).ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");
        Assert.Single(await JournalAsync(s.Officer, s.IncidentId, "order.reported"));
    }

    private static MultipartFormDataContent Form(string text, string figures, params (string Name, string Type, byte[] Bytes)[] photos)
    {
        var form = new MultipartFormDataContent { { new StringContent(text), "text" }, { new StringContent(figures), "figures" } };
        foreach (var (name, type, bytes) in photos)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue(type);
            form.Add(part, "photos", name);
        }

        return form;
    }
}

public sealed class CommandTestsOnSqlite(SqliteApp app) : CommandTests<SqliteApp>(app);

public sealed class CommandTestsOnPostgres(PostgresApp app) : CommandTests<PostgresApp>(app);
