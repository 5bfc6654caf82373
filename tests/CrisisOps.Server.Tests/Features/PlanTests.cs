using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CrisisOps.Server.Features.Deadlines;
using CrisisOps.Server.Features.Warning;
using CrisisOps.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CrisisOps.Server.Tests.Features;

/// <summary>
/// Tiers start plans (预案): activation through the deadline mechanism, escalation of a missed step,
/// closing on a fall, steps done by their owners, and the plans themselves as data. Plans are global,
/// so a test that writes one uses a hazard of its own and never changes the defaults others rely on.
/// </summary>
public abstract class PlanTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : CrisisOpsApp
{
    private async Task<(RegionWorld World, HttpClient Analyst, string Station)> GaugeAsync(string kind = "water-level")
    {
        var world = await app.WorldAsync();
        var analyst = await app.UserAsync(("analyst", world.City));
        var (lat, lon) = world.PointIn(world.CommunityA1);
        var code = world.Prefix + "-G-" + kind;
        (await analyst.PostJsonAsync("/api/v1/stations", new
        {
            code, nameEn = "Gauge", kind, location = new { lat, lon }, unit = "m",
            validMin = 0.0, validMax = 15.0, thresholds = new { general = 3.0, attention = 4.5, warning = 6.0, emergency = 7.5 },
        })).EnsureSuccessStatusCode();
        return (world, analyst, code);
    }

    private async Task ReadAsync(HttpClient client, string station, double value)
    {
        // An hour apart, so only the level rule speaks.
        app.Clock.Advance(TimeSpan.FromMinutes(61));
        var result = await (await client.PostJsonAsync("/api/v1/readings", new
        {
            items = new[] { new { station, readingId = Guid.NewGuid().ToString(), time = app.Clock.GetUtcNow().ToString("O", CultureInfo.InvariantCulture), value } },
        })).OkJsonAsync();
        Assert.Equal(1, result.GetProperty("stored").GetInt32());
    }

    private static async Task<List<JsonElement>> ActivationsAsync(HttpClient client, string region, string status = "active") =>
        [.. (await client.GetJsonAsync($"/api/v1/plan-activations?region={region}&status={status}")).GetProperty("items").EnumerateArray()
            .Where(a => a.GetProperty("regionCode").GetString() == region)];

    private static JsonElement Step(List<JsonElement> activations, string tier) =>
        activations.Single(a => a.GetProperty("tier").GetString() == tier).GetProperty("steps").EnumerateArray().Single();

    private static async Task<string> TierAsync(HttpClient client, string region, string hazard = "flood") =>
        (await client.GetJsonAsync($"/api/v1/risk?region={region}&hazard={hazard}")).GetProperty("items").EnumerateArray()
            .Single(r => r.GetProperty("regionCode").GetString() == region).GetProperty("tier").GetString()!;

    private Task<int> FireDueAsync() => app.Services.GetRequiredService<DeadlineRunner>().FireDueAsync(CancellationToken.None);

    private static object PlanBody(string hazard, string tier, params object[] steps) =>
        new { hazard, tier, nameZh = "测试预案", nameEn = "Test plan", steps };

    private static object StepBody(string id = "check", string owner = "duty-officer", int withinMinutes = 30, int? escalateEveryMinutes = null) =>
        new { id, titleZh = "检查", titleEn = "Check", owner, withinMinutes, expectedOutput = "A short note.", escalateEveryMinutes };

    private static string OwnHazard(RegionWorld world) => "test-" + world.Prefix.ToLowerInvariant();

    // ---- activation ------------------------------------------------------------------------------

    [Fact]
    public async Task TierRise_WhenRiverClimbs_ActivatesEachTiersDefaultPlanWithItsDeadlineAndOwner()
    {
        var (world, analyst, station) = await GaugeAsync();

        await ReadAsync(analyst, station, 3.2);
        var risenAt = app.Clock.GetUtcNow();
        var general = Step(await ActivationsAsync(analyst, world.CommunityA1), "general");
        Assert.Equal("information-report", general.GetProperty("stepId").GetString());
        Assert.Equal("duty-officer", general.GetProperty("owner").GetString());
        Assert.Equal(risenAt.AddHours(2), general.GetProperty("dueAt").GetDateTimeOffset());
        Assert.Equal("open", general.GetProperty("status").GetString());

        await ReadAsync(analyst, station, 4.7);
        var attention = Step(await ActivationsAsync(analyst, world.CommunityA1), "attention");
        Assert.Equal(("special-analysis", "analyst"), (attention.GetProperty("stepId").GetString(), attention.GetProperty("owner").GetString()));
        Assert.Equal(app.Clock.GetUtcNow().AddHours(4), attention.GetProperty("dueAt").GetDateTimeOffset());

        await ReadAsync(analyst, station, 6.2);
        var warning = Step(await ActivationsAsync(analyst, world.CommunityA1), "warning");
        Assert.Equal(("emergency-preparation", "commander"), (warning.GetProperty("stepId").GetString(), warning.GetProperty("owner").GetString()));
        Assert.Equal(app.Clock.GetUtcNow().AddHours(12), warning.GetProperty("dueAt").GetDateTimeOffset());

        await ReadAsync(analyst, station, 7.8);
        var emergency = Step(await ActivationsAsync(analyst, world.CommunityA1), "emergency");
        Assert.Equal(("full-response", "commander"), (emergency.GetProperty("stepId").GetString(), emergency.GetProperty("owner").GetString()));
        Assert.Equal(app.Clock.GetUtcNow().AddMinutes(15), emergency.GetProperty("dueAt").GetDateTimeOffset());

        // Each tier started once, the lower ones stay active; the aggregate rows start theirs too.
        Assert.Equal(4, (await ActivationsAsync(analyst, world.CommunityA1)).Count);
        Assert.Equal(["general", "attention", "warning", "emergency"],
            (await ActivationsAsync(analyst, world.CountyA)).Select(a => a.GetProperty("tier").GetString()).Reverse().ToArray());

        // The owners were told on the feed: one plan.activated per plan, with the steps and their due times.
        var told = (await analyst.GetJsonAsync($"/api/v1/journal?type=plan.activated&region={world.CommunityA1}")).GetProperty("items").EnumerateArray()
            .Where(e => e.GetProperty("regionCode").GetString() == world.CommunityA1).ToList();
        Assert.Equal(4, told.Count);
        var step = told[^1].GetProperty("payload").GetProperty("steps")[0];
        Assert.Equal("commander", step.GetProperty("owner").GetString());
        Assert.Equal(emergency.GetProperty("dueAt").GetDateTimeOffset(), step.GetProperty("dueAt").GetDateTimeOffset());

        // The deadline board lists plan steps with their titles.
        var deadlines = (await analyst.GetJsonAsync($"/api/v1/deadlines?region={world.CommunityA1}")).GetProperty("items").EnumerateArray()
            .Where(d => d.GetProperty("originRegionCode").GetString() == world.CommunityA1).ToList();
        Assert.Contains(deadlines, d => d.GetProperty("kind").GetString() == "plan-step" && d.GetProperty("titleEn").GetString() == "Full response"
            && d.GetProperty("subjectType").GetString() == "plan-activation" && d.GetProperty("escalateEverySeconds").GetInt64() == 15 * 60);
    }

    [Fact]
    public async Task DeadlineBoard_WhenPlanStepsAreOpen_ShowsThemWithTheirTitles()
    {
        var (world, analyst, station) = await GaugeAsync();
        await ReadAsync(analyst, station, 7.7);
        var commander = await app.UserAsync(("commander", world.CommunityA1));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/console/deadlines");
        request.Headers.AcceptLanguage.ParseAdd("zh-CN");
        var html = WebUtility.HtmlDecode(await (await commander.SendAsync(request)).Content.ReadAsStringAsync());

        Assert.Contains("plan-step: 全员响应", html, StringComparison.Ordinal);
        Assert.Contains("plan-step: 信息报送", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TierJump_WhenStraightToEmergency_StartsThePlansOfEveryTierPassed()
    {
        var (world, analyst, station) = await GaugeAsync();

        await ReadAsync(analyst, station, 8.1);

        var activations = await ActivationsAsync(analyst, world.CommunityA1);
        Assert.Equal(["emergency", "general", "attention", "warning"],
            activations.Select(a => a.GetProperty("tier").GetString()).OrderBy(t => t == "emergency" ? 0 : 1).ThenBy(t => t switch
            {
                "general" => 1, "attention" => 2, _ => 3,
            }).ToArray());
        var now = app.Clock.GetUtcNow();
        Assert.Equal(now.AddMinutes(15), Step(activations, "emergency").GetProperty("dueAt").GetDateTimeOffset());
        Assert.Equal(now.AddHours(2), Step(activations, "general").GetProperty("dueAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task MissedStep_WhenDuePasses_EscalatesOneLevelThenAgainAfterItsOwnInterval()
    {
        var (world, analyst, station) = await GaugeAsync();
        await ReadAsync(analyst, station, 7.9);
        var step = Step(await ActivationsAsync(analyst, world.CommunityA1), "emergency");
        var deadlineId = step.GetProperty("deadlineId").GetString();

        app.Clock.Advance(TimeSpan.FromMinutes(14));
        await FireDueAsync();
        Assert.Equal(0, Step(await ActivationsAsync(analyst, world.CommunityA1), "emergency").GetProperty("escalationLevel").GetInt32());

        app.Clock.Advance(TimeSpan.FromMinutes(2));
        await FireDueAsync();
        step = Step(await ActivationsAsync(analyst, world.CommunityA1), "emergency");
        Assert.True(step.GetProperty("isOverdue").GetBoolean());
        Assert.Equal((1, world.TownshipA), (step.GetProperty("escalationLevel").GetInt32(), step.GetProperty("owedByRegionCode").GetString()));

        // The full-response step climbs every 15 minutes, not every hour like a first report.
        app.Clock.Advance(TimeSpan.FromMinutes(15));
        await FireDueAsync();
        step = Step(await ActivationsAsync(analyst, world.CommunityA1), "emergency");
        Assert.Equal((2, world.CountyA), (step.GetProperty("escalationLevel").GetInt32(), step.GetProperty("owedByRegionCode").GetString()));

        var escalated = (await analyst.GetJsonAsync($"/api/v1/journal?type=deadline.escalated&region={world.CommunityA1}")).GetProperty("items")
            .EnumerateArray().Where(e => e.GetProperty("payload").GetProperty("deadlineId").GetString() == deadlineId).ToList();
        Assert.Equal([world.TownshipA, world.CountyA], escalated.Select(e => e.GetProperty("payload").GetProperty("to").GetString()).ToArray());
        Assert.Equal("full-response", escalated[0].GetProperty("payload").GetProperty("stepId").GetString());
    }

    [Fact]
    public async Task TierDrop_WhenRiverFalls_ClosesThePlansAboveAndReRiseStartsThemAgain()
    {
        var (world, analyst, station) = await GaugeAsync();
        await ReadAsync(analyst, station, 6.5);
        var warning = (await ActivationsAsync(analyst, world.CommunityA1)).Single(a => a.GetProperty("tier").GetString() == "warning");

        await ReadAsync(analyst, station, 4.0); // score 1.67: past the band below attention's start, so attention
        Assert.Equal("attention", await TierAsync(analyst, world.CommunityA1));

        var active = await ActivationsAsync(analyst, world.CommunityA1);
        Assert.Equal(["attention", "general"], active.Select(a => a.GetProperty("tier").GetString()).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal("open", Step(active, "attention").GetProperty("status").GetString());
        var closed = Assert.Single(await ActivationsAsync(analyst, world.CommunityA1, "closed"));
        Assert.Equal(warning.GetProperty("id").GetString(), closed.GetProperty("id").GetString());
        Assert.Equal("tier fell to attention", closed.GetProperty("closedReason").GetString());
        Assert.Equal("cancelled", closed.GetProperty("steps")[0].GetProperty("status").GetString());
        var journal = (await analyst.GetJsonAsync($"/api/v1/journal?type=plan.closed&region={world.CommunityA1}")).GetProperty("items").EnumerateArray()
            .Single(e => e.GetProperty("regionCode").GetString() == world.CommunityA1);
        Assert.Equal("tier fell to attention", journal.GetProperty("payload").GetProperty("reason").GetString());

        await ReadAsync(analyst, station, 6.5);
        var again = (await ActivationsAsync(analyst, world.CommunityA1)).Single(a => a.GetProperty("tier").GetString() == "warning");
        Assert.NotEqual(warning.GetProperty("id").GetString(), again.GetProperty("id").GetString());
        Assert.Equal("open", again.GetProperty("steps")[0].GetProperty("status").GetString());
    }

    [Fact]
    public async Task StepDone_WhenItsOwnerSaysSo_MeetsTheDeadlineAndOthersMayNot()
    {
        var (world, analyst, station) = await GaugeAsync();
        await ReadAsync(analyst, station, 4.8);
        var activation = (await ActivationsAsync(analyst, world.CommunityA1)).Single(a => a.GetProperty("tier").GetString() == "attention");
        var url = $"/api/v1/plan-activations/{activation.GetProperty("id").GetString()}/steps/special-analysis/done";

        var officer = await app.UserAsync(("duty-officer", world.City));
        await (await officer.PostJsonAsync(url, new { note = "x" })).ProblemAsync(HttpStatusCode.Forbidden, "not-step-owner");
        var otherCounty = await app.UserAsync(("analyst", world.CountyB));
        await (await otherCounty.PostJsonAsync(url, new { note = "x" })).ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");
        var reviewer = await app.UserAsync(("reviewer", world.City));
        await (await reviewer.PostJsonAsync(url, new { note = "x" })).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await analyst.PostJsonAsync(url, new { note = new string('n', 2001) })).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");

        app.Clock.Advance(TimeSpan.FromMinutes(90));
        var done = await (await analyst.PostJsonAsync(url, new { note = "Trend rising 0.2 m/h; pumps to Altstadt." })).OkJsonAsync();
        var step = done.GetProperty("steps")[0];
        Assert.Equal("met", step.GetProperty("status").GetString());
        Assert.Equal(app.Clock.GetUtcNow(), step.GetProperty("completedAt").GetDateTimeOffset());

        var met = (await analyst.GetJsonAsync($"/api/v1/journal?type=deadline.met&region={world.CommunityA1}")).GetProperty("items").EnumerateArray()
            .Single(e => e.GetProperty("payload").GetProperty("deadlineId").GetString() == step.GetProperty("deadlineId").GetString());
        Assert.Equal("special-analysis", met.GetProperty("payload").GetProperty("stepId").GetString());
        Assert.Equal(90 * 60, met.GetProperty("payload").GetProperty("timeTakenSeconds").GetInt64());
        Assert.False(met.GetProperty("payload").GetProperty("late").GetBoolean());

        await (await analyst.PostJsonAsync(url, new { })).ProblemAsync(HttpStatusCode.Conflict, "deadline-closed");
        await (await analyst.PostJsonAsync(url.Replace("special-analysis", "no-such-step", StringComparison.Ordinal), new { }))
            .ProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Activations_WhenReadFromAnotherCounty_AreNotShown()
    {
        var (world, analyst, station) = await GaugeAsync();
        await ReadAsync(analyst, station, 6.4);
        var countyB = await app.UserAsync(("commander", world.CountyB));

        var seen = (await countyB.GetJsonAsync("/api/v1/plan-activations?status=all")).GetProperty("items").EnumerateArray();
        Assert.DoesNotContain(seen, a => a.GetProperty("regionCode").GetString()!.StartsWith(world.CountyA, StringComparison.Ordinal));
        await (await countyB.GetAsync($"/api/v1/plan-activations?region={world.CommunityA1}")).ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");
        var id = (await ActivationsAsync(analyst, world.CommunityA1))[0].GetProperty("id").GetString();
        await (await countyB.GetAsync($"/api/v1/plan-activations/{id}")).ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");
        await (await analyst.GetAsync("/api/v1/plan-activations?status=open")).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
    }

    // ---- plans as data ---------------------------------------------------------------------------

    [Fact]
    public async Task Plans_WhenListed_HoldTheMechanismsDefaultForEveryTier()
    {
        var admin = await app.AdminAsync();

        var plans = (await admin.GetJsonAsync("/api/v1/plans?hazard=*")).GetProperty("items").EnumerateArray().ToList();

        var steps = plans.ToDictionary(p => p.GetProperty("tier").GetString()!, p => p.GetProperty("steps")[0]);
        Assert.Equal(["general", "attention", "warning", "emergency"], plans.Select(p => p.GetProperty("tier").GetString()).ToArray());
        Assert.Equal(("信息报送", "duty-officer", 120), (steps["general"].GetProperty("titleZh").GetString(), steps["general"].GetProperty("owner").GetString(), steps["general"].GetProperty("withinMinutes").GetInt32()));
        Assert.Equal(("专项研判", "analyst", 240), (steps["attention"].GetProperty("titleZh").GetString(), steps["attention"].GetProperty("owner").GetString(), steps["attention"].GetProperty("withinMinutes").GetInt32()));
        Assert.Equal(("应急准备", "commander", 720), (steps["warning"].GetProperty("titleZh").GetString(), steps["warning"].GetProperty("owner").GetString(), steps["warning"].GetProperty("withinMinutes").GetInt32()));
        Assert.Equal(("全员响应", "commander", 15), (steps["emergency"].GetProperty("titleZh").GetString(), steps["emergency"].GetProperty("owner").GetString(), steps["emergency"].GetProperty("withinMinutes").GetInt32()));
        Assert.All(plans, p => Assert.True(p.GetProperty("isBuiltIn").GetBoolean()));
        Assert.Single((await admin.GetJsonAsync("/api/v1/journal?type=plan.created")).GetProperty("items").EnumerateArray(),
            e => e.GetProperty("payload").GetProperty("tier").GetString() == "emergency" && e.GetProperty("payload").GetProperty("hazard").GetString() == "*");
    }

    [Fact]
    public async Task HazardPlan_WhenItsHazardRises_IsStartedInsteadOfTheDefault()
    {
        // Pipe pressure scores the "infrastructure" hazard; no other test here uses it, so its plan stays private to this test.
        var (world, analyst, station) = await GaugeAsync("pipe-pressure");
        var planner = await app.UserAsync(("analyst", "*"));
        var plan = await (await planner.PostJsonAsync("/api/v1/plans", PlanBody("infrastructure", "attention",
            StepBody("isolate-main", "commander", 45, 20), StepBody("tell-utility", "department-liaison", 90)))).OkJsonAsync(HttpStatusCode.Created);

        await ReadAsync(analyst, station, 4.8);

        var activations = (await analyst.GetJsonAsync($"/api/v1/plan-activations?region={world.CommunityA1}&hazard=infrastructure")).GetProperty("items")
            .EnumerateArray().Where(a => a.GetProperty("regionCode").GetString() == world.CommunityA1).ToList();
        var attention = activations.Single(a => a.GetProperty("tier").GetString() == "attention");
        Assert.Equal(plan.GetProperty("id").GetString(), attention.GetProperty("planId").GetString());
        Assert.Equal(1, attention.GetProperty("planVersion").GetInt32());
        Assert.Equal(["isolate-main", "tell-utility"], attention.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("stepId").GetString()).ToArray());
        Assert.Equal(app.Clock.GetUtcNow().AddMinutes(45), attention.GetProperty("steps")[0].GetProperty("dueAt").GetDateTimeOffset());

        // The tier below had no plan of its own for this hazard: the default answered it.
        Assert.Equal("information-report", activations.Single(a => a.GetProperty("tier").GetString() == "general").GetProperty("steps")[0].GetProperty("stepId").GetString());
    }

    [Fact]
    public async Task PlanEdit_WhenVersionIsCurrent_RaisesItAndStaleOrMissingVersionsAreRefused()
    {
        var world = RegionWorld.Next();
        var planner = await app.UserAsync(("commander", "*"));
        var created = await (await planner.PostJsonAsync("/api/v1/plans", PlanBody(OwnHazard(world), "warning", StepBody()))).OkJsonAsync(HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString();
        Assert.Equal(1, created.GetProperty("version").GetInt32());
        Assert.Equal(60, created.GetProperty("steps")[0].GetProperty("escalateEveryMinutes").GetInt32());

        var edit = new { nameEn = "Test plan, revised", version = 1, steps = new[] { StepBody("check", "commander", 0), StepBody("report", "duty-officer", 60, 30) } };
        var revised = await (await planner.PutAsJsonAsync($"/api/v1/plans/{id}", edit)).OkJsonAsync();
        Assert.Equal(2, revised.GetProperty("version").GetInt32());
        Assert.Equal(0, revised.GetProperty("steps")[0].GetProperty("withinMinutes").GetInt32());
        Assert.Equal("warning", revised.GetProperty("tier").GetString());

        await (await planner.PutAsJsonAsync($"/api/v1/plans/{id}", edit)).ProblemAsync(HttpStatusCode.Conflict, "stale-version");
        await (await planner.PutAsJsonAsync($"/api/v1/plans/{id}", new { nameEn = "No version", steps = new[] { StepBody() } }))
            .ProblemAsync((HttpStatusCode)428, "version-required");

        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/plans/{id}") { Content = JsonContent.Create(new { nameEn = "By ETag", steps = new[] { StepBody() } }) };
        request.Headers.IfMatch.Add(new EntityTagHeaderValue("\"2\""));
        var response = await planner.SendAsync(request);
        Assert.Equal(3, (await response.OkJsonAsync()).GetProperty("version").GetInt32());
        Assert.Equal("\"3\"", response.Headers.ETag?.Tag);

        var got = await planner.GetAsync($"/api/v1/plans/{id}");
        Assert.Equal("\"3\"", got.Headers.ETag?.Tag);
        var journal = (await planner.GetJsonAsync("/api/v1/journal?type=plan.updated")).GetProperty("items").EnumerateArray()
            .Where(e => e.GetProperty("payload").GetProperty("planId").GetString() == id).ToList();
        Assert.Equal([2, 3], journal.Select(e => e.GetProperty("payload").GetProperty("version").GetInt32()).ToArray());

        await (await planner.PostJsonAsync("/api/v1/plans", PlanBody(OwnHazard(world), "warning", StepBody()))).ProblemAsync(HttpStatusCode.Conflict, "plan-exists");
        await (await planner.PutAsJsonAsync($"/api/v1/plans/{id}", new { tier = "emergency", version = 3, steps = new[] { StepBody() } }))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity, "plan-identity-fixed");
    }

    [Fact]
    public async Task PlanCreate_WhenInvalid_NamesEveryBadField()
    {
        var world = RegionWorld.Next();
        var planner = await app.UserAsync(("commander", "*"));

        var problem = await (await planner.PostJsonAsync("/api/v1/plans", new
        {
            hazard = "Not A Hazard", tier = "severe", nameZh = new string('名', 201),
            steps = new object[]
            {
                StepBody("a", "janitor", 30),
                StepBody("a", "reviewer", -5, 0),
                new { id = "", titleZh = "", titleEn = "", owner = "analyst", withinMinutes = 60 * 24 * 31, expectedOutput = new string('x', 2001) },
                new { id = "no-time", titleEn = "t", owner = "analyst" },
            },
        })).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");

        var errors = problem.GetProperty("errors");
        foreach (var field in new[]
        {
            "hazard", "tier", "nameZh", "steps[0].owner", "steps[1].id", "steps[1].owner", "steps[1].withinMinutes", "steps[1].escalateEveryMinutes",
            "steps[2].id", "steps[2].titleZh", "steps[2].withinMinutes", "steps[2].expectedOutput", "steps[3].withinMinutes",
        })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"no error for {field}: {errors}");
        }

        await (await planner.PostJsonAsync("/api/v1/plans", PlanBody(OwnHazard(world), "general"))).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        var tooMany = Enumerable.Range(0, 51).Select(i => StepBody("s" + i.ToString(CultureInfo.InvariantCulture))).ToArray();
        var many = await (await planner.PostJsonAsync("/api/v1/plans", PlanBody(OwnHazard(world), "general", tooMany))).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.True(many.GetProperty("errors").TryGetProperty("steps", out _));
        Assert.Empty((await planner.GetJsonAsync($"/api/v1/plans?hazard={OwnHazard(world)}")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task PlanEdit_WhenCallerLacksTheWholeTree_IsRefused()
    {
        var world = await app.WorldAsync();
        await app.WorldAsync();
        var body = PlanBody(OwnHazard(world), "general", StepBody());

        // A commander of one province, with another province beside it: plans apply in both.
        var provincial = await app.UserAsync(("commander", world.Province));
        await (await provincial.PostJsonAsync("/api/v1/plans", body)).ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");
        var officer = await app.UserAsync(("duty-officer", "*"));
        await (await officer.PostJsonAsync("/api/v1/plans", body)).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await app.Anonymous().GetAsync("/api/v1/plans")).ProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");

        // Reading is for all staff.
        Assert.NotEmpty((await provincial.GetJsonAsync("/api/v1/plans")).GetProperty("items").EnumerateArray());

        var planner = await app.UserAsync(("analyst", "*"));
        var plan = await (await planner.PostJsonAsync("/api/v1/plans", body)).OkJsonAsync(HttpStatusCode.Created);
        var id = plan.GetProperty("id").GetString();
        await (await provincial.PutAsJsonAsync($"/api/v1/plans/{id}", new { version = 1, steps = new[] { StepBody() } }))
            .ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");
        await (await provincial.DeleteAsync($"/api/v1/plans/{id}")).ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");

        Assert.Equal(HttpStatusCode.NoContent, (await planner.DeleteAsync($"/api/v1/plans/{id}")).StatusCode);
        await (await planner.GetAsync($"/api/v1/plans/{id}")).ProblemAsync(HttpStatusCode.NotFound, "not-found");
        Assert.Contains((await planner.GetJsonAsync("/api/v1/journal?type=plan.retired")).GetProperty("items").EnumerateArray(),
            e => e.GetProperty("payload").GetProperty("planId").GetString() == id);

        var fallback = (await planner.GetJsonAsync("/api/v1/plans?hazard=*&tier=general")).GetProperty("items")[0];
        await (await planner.DeleteAsync($"/api/v1/plans/{fallback.GetProperty("id").GetString()}"))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity, "default-plan-required");
    }

    // ---- people decide over the model ---------------------------------------------------------------

    [Fact]
    public async Task Override_WhenReasonGiven_HoldsAgainstTheModelUntilItRisesPast()
    {
        var (world, analyst, station) = await GaugeAsync();
        await ReadAsync(analyst, station, 4.7);
        var commander = await app.UserAsync(("commander", world.City));
        var url = $"/api/v1/risk/{world.CommunityA1}/flood/override";

        var row = await (await commander.PostJsonAsync(url, new { tier = "warning", reason = "Levee seeping at Stein; the gauge lags." })).OkJsonAsync();
        Assert.Equal(("warning", "attention"), (row.GetProperty("tier").GetString(), row.GetProperty("modelTier").GetString()));
        Assert.Equal("warning", row.GetProperty("override").GetProperty("tier").GetString());
        var warning = (await ActivationsAsync(analyst, world.CommunityA1)).Single(a => a.GetProperty("tier").GetString() == "warning");
        Assert.NotEqual("system", warning.GetProperty("activatedBy").GetString());
        Assert.Equal("warning", await TierAsync(analyst, world.CountyA)); // carried up the tree at once

        var entry = (await analyst.GetJsonAsync($"/api/v1/journal?type=risk.tier-overridden&region={world.CommunityA1}")).GetProperty("items")
            .EnumerateArray().Single(e => e.GetProperty("regionCode").GetString() == world.CommunityA1).GetProperty("payload");
        Assert.Equal(("attention", "warning", "Levee seeping at Stein; the gauge lags."),
            (entry.GetProperty("from").GetString(), entry.GetProperty("to").GetString(), entry.GetProperty("reason").GetString()));

        // The next assessments respect it: the model stays at attention, or even falls.
        await ReadAsync(analyst, station, 4.9);
        Assert.Equal("warning", await TierAsync(analyst, world.CommunityA1));
        await ReadAsync(analyst, station, 3.1);
        Assert.Equal("warning", await TierAsync(analyst, world.CommunityA1));

        // A rise past it takes effect and ends it.
        await ReadAsync(analyst, station, 7.9);
        var risk = (await analyst.GetJsonAsync($"/api/v1/risk?region={world.CommunityA1}&hazard=flood")).GetProperty("items")[0];
        Assert.Equal("emergency", risk.GetProperty("tier").GetString());
        Assert.Equal(JsonValueKind.Null, risk.GetProperty("override").ValueKind);
        var cleared = (await analyst.GetJsonAsync($"/api/v1/journal?type=risk.override-cleared&region={world.CommunityA1}")).GetProperty("items")
            .EnumerateArray().Single(e => e.GetProperty("regionCode").GetString() == world.CommunityA1);
        Assert.Equal("system", cleared.GetProperty("actor").GetString());
    }

    [Fact]
    public async Task Override_WhenDownwardsAndCleared_ClosesPlansThenHandsTheTierBackToTheModel()
    {
        var (world, analyst, station) = await GaugeAsync();
        await ReadAsync(analyst, station, 6.6);
        var officer = await app.UserAsync(("duty-officer", world.CountyA));
        var url = $"/api/v1/risk/{world.CommunityA1}/flood/override";

        await (await officer.PostJsonAsync(url, new { tier = "general", reason = "Gauge KRE-WL fouled by driftwood; river normal on camera." })).OkJsonAsync();
        Assert.Equal("general", await TierAsync(analyst, world.CommunityA1));
        Assert.Equal(["general"], (await ActivationsAsync(analyst, world.CommunityA1)).Select(a => a.GetProperty("tier").GetString()).ToArray());

        await ReadAsync(analyst, station, 6.6); // the same reading again: no rise, the override holds
        Assert.Equal("general", await TierAsync(analyst, world.CommunityA1));

        var back = await (await officer.DeleteAsync(url + "?reason=Gauge%20cleaned")).OkJsonAsync();
        Assert.Equal("warning", back.GetProperty("tier").GetString());
        Assert.Equal(3, (await ActivationsAsync(analyst, world.CommunityA1)).Count);
        var cleared = (await analyst.GetJsonAsync($"/api/v1/journal?type=risk.override-cleared&region={world.CommunityA1}")).GetProperty("items")
            .EnumerateArray().Single(e => e.GetProperty("regionCode").GetString() == world.CommunityA1).GetProperty("payload");
        Assert.Equal("Gauge cleaned", cleared.GetProperty("reason").GetString());

        await (await officer.DeleteAsync(url)).ProblemAsync(HttpStatusCode.UnprocessableEntity, "no-override");
    }

    [Fact]
    public async Task Override_WithoutReasonOrWithBadTier_IsRefusedAndChangesNothing()
    {
        var (world, analyst, station) = await GaugeAsync();
        await ReadAsync(analyst, station, 4.7);
        var commander = await app.UserAsync(("commander", world.City));
        var url = $"/api/v1/risk/{world.CommunityA1}/flood/override";

        var problem = await (await commander.PostJsonAsync(url, new { tier = "warning" })).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("reason", out _));
        await (await commander.PostJsonAsync(url, new { tier = "warning", reason = "   " })).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await (await commander.PostJsonAsync(url, new { tier = "warning", reason = new string('r', 1001) })).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await (await commander.PostJsonAsync(url, new { tier = "purple", reason = "why" })).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await (await commander.PostJsonAsync($"/api/v1/risk/{world.CommunityA1}/meteor/override", new { tier = "warning", reason = "why" }))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity, "unknown-hazard");
        await (await commander.PostJsonAsync("/api/v1/risk/NO-SUCH-REGION/flood/override", new { tier = "warning", reason = "why" }))
            .ProblemAsync(HttpStatusCode.NotFound, "not-found");

        Assert.Equal("attention", await TierAsync(analyst, world.CommunityA1));
        Assert.Empty((await analyst.GetJsonAsync($"/api/v1/journal?type=risk.tier-overridden&region={world.CommunityA1}")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Escalate_WhenAboveTheTierInForce_StartsThatPlanAndOtherwiseIsRefused()
    {
        var (world, analyst, station) = await GaugeAsync();
        await ReadAsync(analyst, station, 6.3);
        var commander = await app.UserAsync(("commander", world.CountyA));
        var url = $"/api/v1/risk/{world.CommunityA1}/flood/escalate";

        await (await commander.PostJsonAsync(url, new { tier = "warning", reason = "same" })).ProblemAsync(HttpStatusCode.UnprocessableEntity, "not-an-escalation");
        var row = await (await commander.PostJsonAsync(url, new { tier = "emergency", reason = "Dam operator reports spillway failure." })).OkJsonAsync();

        Assert.Equal("emergency", row.GetProperty("tier").GetString());
        var emergency = Step(await ActivationsAsync(analyst, world.CommunityA1), "emergency");
        Assert.Equal(app.Clock.GetUtcNow().AddMinutes(15), emergency.GetProperty("dueAt").GetDateTimeOffset());
        Assert.Equal("emergency", await TierAsync(analyst, world.City));
        Assert.Contains(await ActivationsAsync(analyst, world.City), a => a.GetProperty("tier").GetString() == "emergency");
        var entry = (await analyst.GetJsonAsync($"/api/v1/journal?type=risk.tier-overridden&region={world.CommunityA1}")).GetProperty("items")
            .EnumerateArray().Single(e => e.GetProperty("regionCode").GetString() == world.CommunityA1).GetProperty("payload");
        Assert.True(entry.GetProperty("escalation").GetBoolean());
    }

    [Fact]
    public async Task Confirm_WhenTierInForce_IsJournaledAndLapsesWhenTheTierChanges()
    {
        var (world, analyst, station) = await GaugeAsync();
        var officer = await app.UserAsync(("duty-officer", world.TownshipA));
        var url = $"/api/v1/risk/{world.CommunityA1}/flood/confirm";
        await ReadAsync(analyst, station, 1.0);
        await (await officer.PostJsonAsync(url, new { })).ProblemAsync(HttpStatusCode.UnprocessableEntity, "nothing-to-confirm");

        await ReadAsync(analyst, station, 4.7);
        var row = await (await officer.PostJsonAsync(url, new { })).OkJsonAsync();
        Assert.Equal(app.Clock.GetUtcNow(), row.GetProperty("confirmedAt").GetDateTimeOffset());
        var entry = (await analyst.GetJsonAsync($"/api/v1/journal?type=risk.tier-confirmed&region={world.CommunityA1}")).GetProperty("items")
            .EnumerateArray().Single(e => e.GetProperty("regionCode").GetString() == world.CommunityA1);
        Assert.Equal("attention", entry.GetProperty("payload").GetProperty("tier").GetString());

        await ReadAsync(analyst, station, 6.2);
        var risk = (await analyst.GetJsonAsync($"/api/v1/risk?region={world.CommunityA1}&hazard=flood")).GetProperty("items")[0];
        Assert.Equal(JsonValueKind.Null, risk.GetProperty("confirmedBy").ValueKind);

        await (await officer.PostJsonAsync($"/api/v1/risk/{world.CommunityA2}/flood/confirm", new { })).ProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Decisions_WhenFromAnotherCountyOrWithoutThePermission_AreRefused()
    {
        var (world, analyst, station) = await GaugeAsync();
        await ReadAsync(analyst, station, 4.7);
        var countyB = await app.UserAsync(("commander", world.CountyB));
        var body = new { tier = "emergency", reason = "not mine to say" };

        await (await countyB.PostJsonAsync($"/api/v1/risk/{world.CommunityA1}/flood/override", body)).ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");
        await (await countyB.PostJsonAsync($"/api/v1/risk/{world.CommunityA1}/flood/escalate", body)).ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");
        await (await countyB.PostJsonAsync($"/api/v1/risk/{world.CommunityA1}/flood/confirm", new { })).ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");
        await (await countyB.DeleteAsync($"/api/v1/risk/{world.CommunityA1}/flood/override")).ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");
        await (await analyst.PostJsonAsync($"/api/v1/risk/{world.CommunityA1}/flood/override", body)).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        Assert.Equal("attention", await TierAsync(analyst, world.CommunityA1));
    }
}

public sealed class PlanTestsOnSqlite(SqliteApp app) : PlanTests<SqliteApp>(app);

public sealed class PlanTestsOnPostgres(PostgresApp app) : PlanTests<PostgresApp>(app);
