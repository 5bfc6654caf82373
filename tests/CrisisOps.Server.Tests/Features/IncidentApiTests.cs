using System.Net;
using CrisisOps.Testing;

namespace CrisisOps.Server.Tests.Features;

public abstract class IncidentApiTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : CrisisOpsApp
{
    private static object Waterlogging((double Lat, double Lon) at, object? extra = null) => new
    {
        title = "Underpass flooded 地下通道积水",
        description = "Water 40 cm deep",
        category = "natural-disaster",
        type = "waterlogging",
        severity = "IV",
        location = new { lat = at.Lat, lon = at.Lon },
    };

    [Fact]
    public async Task Report_WhenLocated_CreatesIncidentInDeepestRegionWithFirstReportDeadline()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("duty-officer", world.CountyA));

        var incident = await (await officer.PostJsonAsync("/api/v1/incidents", Waterlogging(world.PointIn(world.CommunityA1))))
            .OkJsonAsync(HttpStatusCode.Created);

        Assert.Equal(world.CommunityA1, incident.GetProperty("regionCode").GetString());
        Assert.Equal("reported", incident.GetProperty("status").GetString());
        Assert.Contains("unverified", incident.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        var id = incident.GetProperty("id").GetString();
        var detail = await officer.GetJsonAsync($"/api/v1/incidents/{id}");
        var deadline = Assert.Single(detail.GetProperty("deadlines").EnumerateArray());
        Assert.Equal("first-report", deadline.GetProperty("kind").GetString());
        Assert.Equal("duty-officer", deadline.GetProperty("ownerRole").GetString());
        Assert.Equal(world.CommunityA1, deadline.GetProperty("regionCode").GetString());
        Assert.Equal(app.Clock.GetUtcNow().AddHours(1), deadline.GetProperty("dueAt").GetDateTimeOffset());

        var journal = await officer.GetJsonAsync($"/api/v1/journal?incidentId={id}");
        Assert.Equal(["incident.reported", "deadline.created"],
            journal.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToArray());
    }

    [Fact]
    public async Task FileReport_WhenInitialWithinHour_MeetsDeadlineWithTimeTaken()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("duty-officer", world.CountyA));
        var id = (await (await officer.PostJsonAsync("/api/v1/incidents", Waterlogging(world.PointIn(world.CommunityA2))))
            .OkJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetString();

        app.Clock.Advance(TimeSpan.FromMinutes(25));
        await (await officer.PostJsonAsync($"/api/v1/incidents/{id}/reports", new { kind = "initial", text = "初报: 3 cars stuck" }))
            .OkJsonAsync(HttpStatusCode.Created);

        var detail = await officer.GetJsonAsync($"/api/v1/incidents/{id}");
        var deadline = Assert.Single(detail.GetProperty("deadlines").EnumerateArray());
        Assert.Equal("met", deadline.GetProperty("status").GetString());
        Assert.Equal(25 * 60, deadline.GetProperty("timeTakenSeconds").GetInt64());
        Assert.Single(detail.GetProperty("reports").EnumerateArray());
        var met = await officer.GetJsonAsync($"/api/v1/journal?incidentId={id}&type=deadline.met");
        Assert.False(Assert.Single(met.GetProperty("items").EnumerateArray()).GetProperty("payload").GetProperty("late").GetBoolean());
    }

    [Fact]
    public async Task FileReport_WhenFollowUpBeforeInitial_Returns409AndStoresNothing()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("duty-officer", world.CountyA));
        var id = (await (await officer.PostJsonAsync("/api/v1/incidents", Waterlogging(world.PointIn(world.CommunityA2))))
            .OkJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetString();

        await (await officer.PostJsonAsync($"/api/v1/incidents/{id}/reports", new { kind = "follow-up", text = "续报" }))
            .ProblemAsync(HttpStatusCode.Conflict, "initial-report-missing");

        var detail = await officer.GetJsonAsync($"/api/v1/incidents/{id}");
        Assert.Empty(detail.GetProperty("reports").EnumerateArray());
    }

    [Fact]
    public async Task ChangeStatus_WhenIllegal_Returns409AndLeavesStatus()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("duty-officer", world.CountyA));
        var id = (await (await officer.PostJsonAsync("/api/v1/incidents", Waterlogging(world.PointIn(world.CommunityA2))))
            .OkJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetString();

        var problem = await (await officer.PostJsonAsync($"/api/v1/incidents/{id}/status", new { status = "recovering" }))
            .ProblemAsync(HttpStatusCode.Conflict, "illegal-status-change");
        Assert.Contains("Reported", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var incident = (await officer.GetJsonAsync($"/api/v1/incidents/{id}")).GetProperty("incident");
        Assert.Equal("reported", incident.GetProperty("status").GetString());
        var journal = await officer.GetJsonAsync($"/api/v1/journal?incidentId={id}&type=incident.status-changed");
        Assert.Empty(journal.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task ChangeStatus_WhenFollowingLifecycle_VerifiesAndClosesAndCancelsDuty()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("duty-officer", world.CountyA));
        var id = (await (await officer.PostJsonAsync("/api/v1/incidents", Waterlogging(world.PointIn(world.CommunityA2))))
            .OkJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetString();

        var verified = await (await officer.PostJsonAsync($"/api/v1/incidents/{id}/status", new { status = "verified" })).OkJsonAsync();
        Assert.DoesNotContain("unverified", verified.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        await (await officer.PostJsonAsync($"/api/v1/incidents/{id}/status", new { status = "closed", note = "false alarm" })).OkJsonAsync();

        var deadlines = await officer.GetJsonAsync($"/api/v1/deadlines?incidentId={id}&status=all");
        Assert.Equal("cancelled", Assert.Single(deadlines.GetProperty("items").EnumerateArray()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Report_WhenSameIdempotencyKeyRepeated_ReturnsFirstResultAndCreatesOne()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("duty-officer", world.CountyB));
        var body = Waterlogging(world.PointIn(world.CommunityB1));
        var key = Guid.NewGuid().ToString();

        var first = await (await officer.PostJsonAsync("/api/v1/incidents", body, key)).OkJsonAsync(HttpStatusCode.Created);
        var retry = await officer.PostJsonAsync("/api/v1/incidents", body, key);
        var second = await retry.OkJsonAsync(HttpStatusCode.Created);

        Assert.Equal(first.GetProperty("id").GetString(), second.GetProperty("id").GetString());
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        var list = await officer.GetJsonAsync($"/api/v1/incidents?region={world.CommunityB1}");
        Assert.Equal(1, list.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Report_WhenIdempotencyKeyReusedForOtherBody_Returns422()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("duty-officer", world.CountyB));
        var key = Guid.NewGuid().ToString();
        await (await officer.PostJsonAsync("/api/v1/incidents", Waterlogging(world.PointIn(world.CommunityB1)), key)).OkJsonAsync(HttpStatusCode.Created);

        await (await officer.PostJsonAsync("/api/v1/incidents", Waterlogging(world.PointIn(world.CommunityB2)), key))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency-key-reused");
        var list = await officer.GetJsonAsync($"/api/v1/incidents?region={world.CountyB}");
        Assert.Equal(1, list.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Report_WhenFailedFirstAttempt_RetryWithSameKeySucceeds()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("duty-officer", world.CountyB));
        var key = Guid.NewGuid().ToString();
        await (await officer.PostJsonAsync("/api/v1/incidents", new { title = "x" }, key)).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await (await officer.PostJsonAsync("/api/v1/incidents", new { title = "x" }, key)).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
    }

    [Fact]
    public async Task Report_WhenCoordinatesOutOfRange_Returns400WithFieldErrors()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("duty-officer", world.CountyA));

        var problem = await (await officer.PostJsonAsync("/api/v1/incidents", Waterlogging((91.5, 200))))
            .ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");

        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("location.lat", out _));
        Assert.True(errors.TryGetProperty("location.lon", out _));
    }

    [Fact]
    public async Task Report_WhenFieldsMissing_ListsEveryMissingField()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("duty-officer", world.CountyA));

        var problem = await (await officer.PostJsonAsync("/api/v1/incidents", new { description = "?" }))
            .ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");

        var fields = problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "title", "category", "type", "severity", "location" }, fields);
    }

    [Fact]
    public async Task Report_WhenJsonMalformed_Returns400()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("duty-officer", world.CountyA));

        await (await officer.PostRawAsync("/api/v1/incidents", "{\"title\": \"x\", "))
            .ProblemAsync(HttpStatusCode.BadRequest, "malformed-json");
        await (await officer.PostRawAsync("/api/v1/incidents", "{\"title\":\"x\",\"category\":\"alien-invasion\"}"))
            .ProblemAsync(HttpStatusCode.BadRequest, "malformed-json");
    }

    [Fact]
    public async Task Report_WhenRegionUnknown_Returns422()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("duty-officer", world.CountyA));

        await (await officer.PostJsonAsync("/api/v1/incidents", new
        {
            title = "x", category = "accident", type = "fire", severity = "III", regionCode = "NO-SUCH-REGION",
        })).ProblemAsync(HttpStatusCode.UnprocessableEntity, "unknown-region");
    }

    [Fact]
    public async Task Report_WhenTypeNotOfCategory_Returns422()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("duty-officer", world.CountyA));

        await (await officer.PostJsonAsync("/api/v1/incidents", new
        {
            title = "x", category = "public-health", type = "fire", severity = "III", regionCode = world.CommunityA1,
        })).ProblemAsync(HttpStatusCode.UnprocessableEntity, "type-category-mismatch");
    }

    [Fact]
    public async Task Report_WhenLocationOutsideEveryRegion_Returns422()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("duty-officer", world.CountyA));

        await (await officer.PostJsonAsync("/api/v1/incidents", Waterlogging((89.9, 179.9))))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity, "outside-all-regions");
    }

    [Fact]
    public async Task PublicReport_WhenAnonymous_ArrivesUnverifiedWithDeadline()
    {
        var world = await app.WorldAsync();
        var (lat, lon) = world.PointIn(world.CommunityB2);

        var answer = await (await app.Anonymous().PostJsonAsync("/api/v1/public/incident-reports", new
        {
            title = "Tree fell on <script>alert(1)</script> road", type = "storm", location = new { lat, lon },
        })).OkJsonAsync(HttpStatusCode.Accepted);

        var officer = await app.UserAsync(("duty-officer", world.CountyB));
        var list = await officer.GetJsonAsync($"/api/v1/incidents?region={world.CommunityB2}");
        var incident = Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.Equal(answer.GetProperty("number").GetString(), incident.GetProperty("number").GetString());
        Assert.Equal("public", incident.GetProperty("source").GetString());
        Assert.Equal("public", incident.GetProperty("reportedBy").GetString());
        Assert.Contains("unverified", incident.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        var deadlines = await officer.GetJsonAsync($"/api/v1/deadlines?incidentId={incident.GetProperty("id").GetString()}");
        Assert.Single(deadlines.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Report_WhenUnderExerciseEvent_MarksIncidentJournalAndDeadline()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("duty-officer", world.City));
        var exercise = await (await officer.PostJsonAsync("/api/v1/events", new { name = "Flood drill 防汛演练", regionCode = world.City, isExercise = true }))
            .OkJsonAsync(HttpStatusCode.Created);
        var (lat, lon) = world.PointIn(world.CommunityA1);

        var incident = await (await officer.PostJsonAsync("/api/v1/incidents", new
        {
            title = "Drill: dyke breach", category = "natural-disaster", type = "flood", severity = "II",
            location = new { lat, lon }, eventId = exercise.GetProperty("id").GetString(),
        })).OkJsonAsync(HttpStatusCode.Created);

        Assert.True(incident.GetProperty("isExercise").GetBoolean());
        Assert.Contains("exercise", incident.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        var journal = await officer.GetJsonAsync($"/api/v1/journal?incidentId={incident.GetProperty("id").GetString()}");
        Assert.All(journal.GetProperty("items").EnumerateArray(), e => Assert.True(e.GetProperty("isExercise").GetBoolean()));
        var deadlines = await officer.GetJsonAsync($"/api/v1/deadlines?incidentId={incident.GetProperty("id").GetString()}");
        // The first report and, for a grave flood, the headquarters to form: both duties carry the exercise mark.
        Assert.Equal(["first-report", "headquarters-formation"],
            deadlines.GetProperty("items").EnumerateArray().Select(d => d.GetProperty("kind").GetString()).Order(StringComparer.Ordinal));
        Assert.All(deadlines.GetProperty("items").EnumerateArray(), d => Assert.True(d.GetProperty("isExercise").GetBoolean()));
    }

    [Fact]
    public async Task List_WhenFilteredByStatusWord_ReturnsMatches()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("duty-officer", world.CountyA));
        var id = (await (await officer.PostJsonAsync("/api/v1/incidents", Waterlogging(world.PointIn(world.CommunityA1))))
            .OkJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetString();
        await (await officer.PostJsonAsync($"/api/v1/incidents/{id}/status", new { status = "verified" })).OkJsonAsync();

        Assert.Equal(1, (await officer.GetJsonAsync($"/api/v1/incidents?region={world.CountyA}&status=verified")).GetProperty("total").GetInt32());
        Assert.Equal(0, (await officer.GetJsonAsync($"/api/v1/incidents?region={world.CountyA}&status=responding")).GetProperty("total").GetInt32());
        await (await officer.GetAsync("/api/v1/incidents?status=pending")).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
    }

    [Fact]
    public async Task Get_WhenAskedByNumber_ReturnsTheIncident()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("duty-officer", world.CountyA));
        var created = await (await officer.PostJsonAsync("/api/v1/incidents", Waterlogging(world.PointIn(world.CommunityA1))))
            .OkJsonAsync(HttpStatusCode.Created);

        var detail = await officer.GetJsonAsync($"/api/v1/incidents/{created.GetProperty("number").GetString()}");

        Assert.Equal(created.GetProperty("id").GetString(), detail.GetProperty("incident").GetProperty("id").GetString());
    }

    [Fact]
    public async Task FileReport_WhenSameKeyOnAnotherIncident_IsANewRequest()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("duty-officer", world.CountyA));
        var first = (await (await officer.PostJsonAsync("/api/v1/incidents", Waterlogging(world.PointIn(world.CommunityA1))))
            .OkJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetString();
        var second = (await (await officer.PostJsonAsync("/api/v1/incidents", Waterlogging(world.PointIn(world.CommunityA2))))
            .OkJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetString();
        var key = Guid.NewGuid().ToString();
        var report = new { kind = "initial", text = "初报" };

        await (await officer.PostJsonAsync($"/api/v1/incidents/{first}/reports", report, key)).OkJsonAsync(HttpStatusCode.Created);
        await (await officer.PostJsonAsync($"/api/v1/incidents/{second}/reports", report, key))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency-key-reused");
        Assert.Empty((await officer.GetJsonAsync($"/api/v1/incidents/{second}")).GetProperty("reports").EnumerateArray());
    }

    [Fact]
    public async Task FileReport_WhenIncidentClosed_AcceptsOnlyTheFinalReport()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("duty-officer", world.CountyA));
        var id = (await (await officer.PostJsonAsync("/api/v1/incidents", Waterlogging(world.PointIn(world.CommunityA1))))
            .OkJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetString();
        await (await officer.PostJsonAsync($"/api/v1/incidents/{id}/reports", new { kind = "initial", text = "初报" })).OkJsonAsync(HttpStatusCode.Created);
        await (await officer.PostJsonAsync($"/api/v1/incidents/{id}/status", new { status = "closed" })).OkJsonAsync();

        await (await officer.PostJsonAsync($"/api/v1/incidents/{id}/reports", new { kind = "follow-up", text = "续报" }))
            .ProblemAsync(HttpStatusCode.Conflict, "incident-closed");
        await (await officer.PostJsonAsync($"/api/v1/incidents/{id}/reports", new { kind = "final", text = "终报" })).OkJsonAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Get_WhenIncidentUnknown_Returns404()
    {
        var admin = await app.AdminAsync();
        await (await admin.GetAsync($"/api/v1/incidents/{Guid.NewGuid()}")).ProblemAsync(HttpStatusCode.NotFound, "not-found");
    }
}

public sealed class IncidentApiTestsOnSqlite(SqliteApp app) : IncidentApiTests<SqliteApp>(app);

public sealed class IncidentApiTestsOnPostgres(PostgresApp app) : IncidentApiTests<PostgresApp>(app);
