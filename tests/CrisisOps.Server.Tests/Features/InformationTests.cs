using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Xml.Linq;
using CrisisOps.Server.Features.Deadlines;
using CrisisOps.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CrisisOps.Server.Tests.Features;

/// <summary>Releases (drafts, four-eyes approval, public pages and feed), the golden-4-hour deadlines and cadence, the hotline.</summary>
public abstract class InformationTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : CrisisOpsApp
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0];

    private const string Hostile = "<script>window.pwned=1</script><img src=x onerror=alert(1)> & \"quotes\"";

    private sealed record Scene(RegionWorld World, HttpClient Officer, HttpClient Drafter, string DrafterName, HttpClient Commander, string IncidentId);

    private DateTimeOffset Now => app.Clock.GetUtcNow();

    private Task<int> FireDueAsync() => app.Services.GetRequiredService<DeadlineRunner>().FireDueAsync(CancellationToken.None);

    private async Task<Scene> SceneAsync(string severity = "I")
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("duty-officer", world.City));
        var (drafter, drafterName) = await app.PersonAsync(new TestRole("information-officer", world.CountyA));
        var commander = await app.UserAsync(("commander", world.City));
        var (lat, lon) = world.PointIn(world.CommunityA1);
        var incident = await (await officer.PostJsonAsync("/api/v1/incidents", new
        {
            title = "Underpass flooded 地下通道积水", category = "natural-disaster", type = "waterlogging", severity, location = new { lat, lon },
        })).OkJsonAsync(HttpStatusCode.Created);
        return new Scene(world, officer, drafter, drafterName, commander, incident.GetProperty("id").GetString()!);
    }

    private static MultipartFormDataContent Form(string? titleZh, string? textZh, string? figures = null, string? titleEn = null, string? textEn = null,
        params (string Name, string Type, byte[] Bytes)[] pictures)
    {
        var form = new MultipartFormDataContent();
        void Add(string name, string? value)
        {
            if (value is not null)
            {
                form.Add(new StringContent(value), name);
            }
        }

        Add("titleZh", titleZh);
        Add("textZh", textZh);
        Add("titleEn", titleEn);
        Add("textEn", textEn);
        Add("figures", figures);
        foreach (var (name, type, bytes) in pictures)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue(type);
            form.Add(part, "pictures", name);
        }

        return form;
    }

    private static async Task<JsonElement> DraftAsync(Scene s, string title = "暴雨通报", string text = "全市转移安置群众。", params (string, string, byte[])[] pictures) =>
        await (await s.Drafter.PostAsync($"/api/v1/incidents/{s.IncidentId}/releases",
            Form(title, text, "[{\"label\":\"转移安置\",\"value\":1203,\"unit\":\"人\"}]", "Rainstorm update", "People moved to shelters.", pictures)))
            .OkJsonAsync(HttpStatusCode.Created);

    private async Task<List<JsonElement>> ReleaseDeadlinesAsync(Scene s, string status = "all") =>
        [.. (await s.Officer.GetJsonAsync($"/api/v1/deadlines?incidentId={s.IncidentId}&status={status}")).GetProperty("items").EnumerateArray()
            .Where(d => d.GetProperty("kind").GetString() == "release-due")];

    private static async Task<List<JsonElement>> JournalAsync(HttpClient client, string query) =>
        [.. (await client.GetJsonAsync($"/api/v1/journal?{query}")).GetProperty("items").EnumerateArray()];

    [Fact]
    public async Task FirstRelease_MissedAtFourHours_EscalatesUpTheRegionTree()
    {
        var s = await SceneAsync();
        var duty = Assert.Single(await ReleaseDeadlinesAsync(s));
        Assert.Equal(Now.AddHours(4), duty.GetProperty("dueAt").GetDateTimeOffset());

        app.Clock.Advance(TimeSpan.FromHours(4) + TimeSpan.FromMinutes(1));
        Assert.True(await FireDueAsync() >= 1);
        var missed = Assert.Single(await ReleaseDeadlinesAsync(s));
        Assert.Equal(s.World.TownshipA, missed.GetProperty("regionCode").GetString());
        Assert.Single(await JournalAsync(s.Officer, $"incidentId={s.IncidentId}&type=release.overdue"));
    }

    [Fact]
    public async Task Publish_MeetsTheDutyAndArmsTheCadence_AndAMinorIncidentOwesNone()
    {
        var s = await SceneAsync();
        await (await s.Commander.PutAsJsonAsync($"/api/v1/incidents/{s.IncidentId}/release-cadence", new { minutes = 30 })).OkJsonAsync();
        var draft = await DraftAsync(s, pictures: ("p.png", "image/png", Png));
        Assert.Equal("draft", draft.GetProperty("status").GetString());

        // The drafter may not approve their own; another person at a region covering the incident may.
        var id = draft.GetProperty("id").GetString();
        await (await s.Drafter.PostAsync($"/api/v1/releases/{id}/publish", null)).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        var published = await (await s.Commander.PostAsync($"/api/v1/releases/{id}/publish", null)).OkJsonAsync();
        Assert.Equal("published", published.GetProperty("status").GetString());

        var duties = await ReleaseDeadlinesAsync(s);
        Assert.Contains(duties, d => d.GetProperty("status").GetString() == "met");
        var next = Assert.Single(duties, d => d.GetProperty("status").GetString() == "open");
        Assert.Equal(Now.AddMinutes(30), next.GetProperty("dueAt").GetDateTimeOffset());
        var board = await s.Officer.GetJsonAsync($"/api/v1/incidents/{s.IncidentId}/releases");
        Assert.Equal(30, board.GetProperty("cadenceMinutes").GetInt32());
        Assert.Equal(Now.AddMinutes(30), board.GetProperty("nextDueAt").GetDateTimeOffset());

        // Closing the incident cancels the open update duty.
        foreach (var status in new[] { "verified", "closed" })
        {
            await (await s.Officer.PostJsonAsync($"/api/v1/incidents/{s.IncidentId}/status", new { status })).OkJsonAsync();
        }

        Assert.DoesNotContain(await ReleaseDeadlinesAsync(s), d => d.GetProperty("status").GetString() == "open");

        var minor = await SceneAsync("II");
        Assert.Empty(await ReleaseDeadlinesAsync(minor));
    }

    [Fact]
    public async Task PublicPage_ShowsAHostileStringAsText_AndTheFeedIsAtom()
    {
        var s = await SceneAsync();
        var draft = await DraftAsync(s, Hostile, "正文 " + Hostile, ("p.png", "image/png", Png));
        var number = draft.GetProperty("number").GetString()!;
        var anonymous = app.Anonymous();
        
        Assert.DoesNotContain("window.pwned", await anonymous.GetStringAsync($"/public/releases/{number}"), StringComparison.Ordinal);

        await (await s.Commander.PostAsync($"/api/v1/releases/{draft.GetProperty("id").GetString()}/publish", null)).OkJsonAsync();
        var html = await anonymous.GetStringAsync($"/public/releases/{number}");
        Assert.DoesNotContain("<script>window.pwned", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;window.pwned=1&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("1,203", html, StringComparison.Ordinal);
        var picture = draft.GetProperty("pictures")[0].GetProperty("id").GetString();
        var image = await anonymous.GetAsync($"/public/releases/{number}/pictures/{picture}");
        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        Assert.Equal("image/png", image.Content.Headers.ContentType!.MediaType);
        Assert.Contains(number, await anonymous.GetStringAsync("/public/releases"), StringComparison.Ordinal);

        var feed = await anonymous.GetAsync("/public/releases.atom");
        Assert.Equal("application/atom+xml", feed.Content.Headers.ContentType!.MediaType);
        var atom = XDocument.Parse(await feed.Content.ReadAsStringAsync());
        XNamespace a = "http://www.w3.org/2005/Atom";
        Assert.Equal(a + "feed", atom.Root!.Name);
        var entry = atom.Root.Elements(a + "entry").Single(e => e.Element(a + "link")!.Attribute("href")!.Value.EndsWith(number, StringComparison.Ordinal));
        Assert.StartsWith(Hostile, entry.Element(a + "title")!.Value, StringComparison.Ordinal);
        Assert.NotNull(entry.Element(a + "id"));
        Assert.NotNull(entry.Element(a + "updated"));

        var safety = await anonymous.GetStringAsync("/public/safety");
        Assert.Contains("safety-earthquake", safety, StringComparison.Ordinal);
        var withdrawn = await (await s.Commander.PostJsonAsync($"/api/v1/releases/{draft.GetProperty("id").GetString()}/withdraw", new { reason = "superseded" }))
            .OkJsonAsync();
        Assert.Equal("withdrawn", withdrawn.GetProperty("status").GetString());
        Assert.DoesNotContain("window.pwned", await anonymous.GetStringAsync($"/public/releases/{number}"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Draft_WhenBadInput_RefusesWithProblemsAndStoresNothing()
    {
        var s = await SceneAsync();
        var url = $"/api/v1/incidents/{s.IncidentId}/releases";
        var empty = await (await s.Drafter.PostAsync(url, Form("", ""))).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.True(empty.GetProperty("errors").TryGetProperty("textZh", out _));
        await (await s.Drafter.PostAsync(url, Form("t", new string('x', 10_001)))).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        var figures = await (await s.Drafter.PostAsync(url, Form("t", "x", "[{\"label\":\"\",\"value\":-1,\"unit\":\"人\"}]")))
            .ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.True(figures.GetProperty("errors").TryGetProperty("figures[0]", out _));
        await (await s.Drafter.PostAsync(url, Form("t", "x", "not json"))).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await (await s.Drafter.PostAsync(url, Form("t", "x", pictures: ("x.png", "image/png", "GIF89a..."u8.ToArray()))))
            .ProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported-photo-type");
        await (await s.Drafter.PostAsync(url, Form("t", "x", pictures: ("x.pdf", "application/pdf", Png))))
            .ProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported-photo-type");
        var big = new byte[5 * 1024 * 1024 + 1];
        Png.CopyTo(big, 0);
        await (await s.Drafter.PostAsync(url, Form("t", "x", pictures: ("big.png", "image/png", big)))).ProblemAsync(HttpStatusCode.RequestEntityTooLarge, "photo-too-large");
        await (await s.Drafter.PostAsJsonAsync(url, new { titleZh = "t" })).ProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");

        var (outsider, _) = await app.PersonAsync(new TestRole("information-officer", s.World.CountyB));
        await (await outsider.PostAsync(url, Form("t", "x"))).ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");

        foreach (var minutes in new[] { 5, 24 * 60 + 1 })
        {
            await (await s.Commander.PutAsJsonAsync($"/api/v1/incidents/{s.IncidentId}/release-cadence", new { minutes }))
                .ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        }

        var (ownDraftApprover, name) = await app.PersonAsync(new TestRole("commander", s.World.City));
        var own = await (await ownDraftApprover.PostAsync(url, Form("t", "x"))).OkJsonAsync(HttpStatusCode.Created);
        await (await ownDraftApprover.PostAsync($"/api/v1/releases/{own.GetProperty("id").GetString()}/publish", null))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity, "approve-own-release");
        var board = await s.Officer.GetJsonAsync($"/api/v1/incidents/{s.IncidentId}/releases");
        var only = Assert.Single(board.GetProperty("items").EnumerateArray());
        Assert.Equal(name, only.GetProperty("draftedBy").GetString());
        Assert.Equal("draft", only.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Hotline_TicketAnsweredFromTheAnswerBase_MeetsItsSla_AndContactReadsAreJournaled()
    {
        var world = await app.WorldAsync();
        var (op, opName) = await app.PersonAsync(new TestRole("hotline-operator", world.CountyA));
        var officer = await app.UserAsync(("information-officer", world.City));
        var answer = await (await officer.PostJsonAsync("/api/v1/hotline/answers", new
        {
            regionCode = world.City, topic = "shelter", title = "最近的安置点", text = "请前往第一中学体育馆安置点。",
        })).OkJsonAsync(HttpStatusCode.Created);
        var ticket = await (await op.PostJsonAsync("/api/v1/hotline/tickets", new
        {
            callerName = "张三", callerPhone = "+86 138 0000 0000", topic = "shelter", regionCode = world.CommunityA1, text = "哪里可以避雨？",
        })).OkJsonAsync(HttpStatusCode.Created);
        var id = ticket.GetProperty("id").GetString();
        Assert.False(ticket.TryGetProperty("callerPhone", out var hidden) && hidden.ValueKind == JsonValueKind.String);

        var found = await op.GetJsonAsync("/api/v1/hotline/answers?q=" + Uri.EscapeDataString("安置点"));
        Assert.Contains(found.GetProperty("items").EnumerateArray(), a => a.GetProperty("id").GetString() == answer.GetProperty("id").GetString());
        var queue = await op.GetJsonAsync("/api/v1/hotline/tickets?open=true");
        var queued = Assert.Single(queue.GetProperty("items").EnumerateArray(), t => t.GetProperty("id").GetString() == id);
        Assert.Equal(Now.AddHours(2), queued.GetProperty("dueAt").GetDateTimeOffset());

        await (await op.PostJsonAsync($"/api/v1/hotline/tickets/{id}/assign", new { })).OkJsonAsync();
        var answered = await (await op.PostJsonAsync($"/api/v1/hotline/tickets/{id}/answer", new { answerId = answer.GetProperty("id").GetString() })).OkJsonAsync();
        Assert.Equal("answered", answered.GetProperty("status").GetString());
        Assert.Equal("请前往第一中学体育馆安置点。", answered.GetProperty("answer").GetString());
        await (await op.PostJsonAsync($"/api/v1/hotline/tickets/{id}/close", new { })).OkJsonAsync();

        var full = await op.GetJsonAsync($"/api/v1/hotline/tickets/{id}");
        Assert.Equal("+86 138 0000 0000", full.GetProperty("callerPhone").GetString());
        var admin = await app.AdminAsync();
        var entries = await JournalAsync(admin, $"type=ticket.contact-read&region={world.City}");
        Assert.Contains(entries, e => e.GetProperty("actor").GetString() == opName);
        var all = await JournalAsync(admin, $"region={world.City}&limit=500");
        Assert.DoesNotContain(all, e => e.GetRawText().Contains("138 0000", StringComparison.Ordinal) || e.GetRawText().Contains("张三", StringComparison.Ordinal));

        var deadlines = (await admin.GetJsonAsync("/api/v1/deadlines?status=all")).GetProperty("items").EnumerateArray()
            .Where(d => d.GetProperty("kind").GetString() == "hotline-ticket" && d.GetProperty("subjectId").GetString() == id).ToList();
        Assert.Equal("met", Assert.Single(deadlines).GetProperty("status").GetString());

        var topics = await op.GetJsonAsync($"/api/v1/hotline/topics-per-hour?region={world.CountyA}");
        Assert.Contains(topics.GetProperty("items").EnumerateArray(), c => c.GetProperty("topic").GetString() == "shelter" && c.GetProperty("count").GetInt32() == 1);
    }

    [Fact]
    public async Task Hotline_WhenBadInputOrLateOrFlooded_RefusesEscalatesAndLimits()
    {
        var world = await app.WorldAsync();
        var (op, _) = await app.PersonAsync(new TestRole("hotline-operator", world.CountyA));
        await (await op.PostJsonAsync("/api/v1/hotline/tickets", new { topic = "dragons", regionCode = world.CommunityA1, text = "?" }))
            .ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await (await op.PostJsonAsync("/api/v1/hotline/tickets", new { topic = "other", regionCode = world.CommunityA1, text = "" }))
            .ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await (await op.PostJsonAsync("/api/v1/hotline/tickets", new { topic = "other", regionCode = world.CommunityB1, text = "far away" }))
            .ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");
        Assert.Empty((await op.GetJsonAsync("/api/v1/hotline/tickets")).GetProperty("items").EnumerateArray());

        var late = await (await op.PostJsonAsync("/api/v1/hotline/tickets", new { topic = "flooding", urgency = "urgent", regionCode = world.CommunityA1, text = "水进屋了" }))
            .OkJsonAsync(HttpStatusCode.Created);
        app.Clock.Advance(TimeSpan.FromMinutes(31));
        await FireDueAsync();
        var flagged = await op.GetJsonAsync($"/api/v1/hotline/tickets/{late.GetProperty("id").GetString()}");
        Assert.True(flagged.GetProperty("overdue").GetBoolean());
        var admin = await app.AdminAsync();
        Assert.NotEmpty(await JournalAsync(admin, $"type=ticket.overdue&region={world.City}"));

        // The public form: anonymous, honeypot, then the flood is stopped (5 an hour per address by default).
        app.Clock.Advance(TimeSpan.FromHours(2));
        var anonymous = app.Anonymous();
        var receipt = await (await anonymous.PostJsonAsync("/api/v1/public/hotline-tickets", new { topic = "evacuation", regionCode = world.CommunityA2, text = "怎么转移？" }))
            .OkJsonAsync(HttpStatusCode.Created);
        Assert.StartsWith("H-", receipt.GetProperty("number").GetString(), StringComparison.Ordinal);
        await (await anonymous.PostJsonAsync("/api/v1/public/hotline-tickets", new { topic = "nope", regionCode = world.CommunityA2, text = "x" }))
            .ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await (await anonymous.PostJsonAsync("/api/v1/public/hotline-tickets", new { topic = "other", regionCode = world.CommunityA2, text = "spam", website = "http://spam" }))
            .OkJsonAsync(HttpStatusCode.Created);
        HttpResponseMessage last = null!;
        for (var i = 0; i < 4; i++)
        {
            last = await anonymous.PostJsonAsync("/api/v1/public/hotline-tickets", new { topic = "other", regionCode = world.CommunityA2, text = "again" });
        }

        await last.ProblemAsync(HttpStatusCode.TooManyRequests, "too-many-requests");
        var tickets = (await op.GetJsonAsync("/api/v1/hotline/tickets")).GetProperty("items").EnumerateArray().ToList();
        Assert.DoesNotContain(tickets, t => t.GetProperty("text").GetString() == "spam");
        Assert.Equal(2, tickets.Count(t => t.GetProperty("text").GetString() == "again"));
        app.Clock.Advance(TimeSpan.FromHours(1));
    }
}

public sealed class InformationTestsOnSqlite(SqliteApp app) : InformationTests<SqliteApp>(app);

public sealed class InformationTestsOnPostgres(PostgresApp app) : InformationTests<PostgresApp>(app);
