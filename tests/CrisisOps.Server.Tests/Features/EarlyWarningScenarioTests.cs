using System.Globalization;
using System.Net;
using System.Text.Json;
using CrisisOps.Cli;
using CrisisOps.Server.Features.Deadlines;
using Microsoft.Extensions.DependencyInjection;

namespace CrisisOps.Server.Tests.Features;

public sealed class EarlyWarningDemoApp() : CrisisOpsApp(new CrisisOps.Testing.SqliteTestDatabase(), settings: new Dictionary<string, string>
{
    ["Demo:Enabled"] = "true",
    ["Demo:Password"] = DemoCityTests.DemoPassword,
});

/// <summary>
/// Issue 4's "done when", on the demo city: the Danube rises at the Stein gauge and the weather
/// service issues a red rainstorm warning; the subdistrict climbs attention → warning → emergency
/// with its reasons, the plans start with their deadlines, a missed step climbs the tree, and the
/// backtest of the gauge's record shows the forecast saw the warning tier coming.
/// </summary>
public sealed class EarlyWarningScenarioTests(EarlyWarningDemoApp app) : IClassFixture<EarlyWarningDemoApp>, IDisposable
{
    private const string Gauge = "KRE-WL-STEIN";
    private readonly CliRunner _cli = new(app);

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task RisingDanubeAndRedRainstorm_ClimbTheTiersStartPlansEscalateAndWereForeseen()
    {
        var analyst = await app.SignInAsync("analyst.krems", DemoCityTests.DemoPassword);
        var community = (await analyst.GetJsonAsync("/api/v1/stations")).GetProperty("items").EnumerateArray()
            .Single(s => s.GetProperty("code").GetString() == Gauge).GetProperty("regionCode").GetString()!;
        var subdistrict = (await analyst.GetJsonAsync($"/api/v1/regions/{community}")).GetProperty("region").GetProperty("parentCode").GetString()!;
        var district = (await analyst.GetJsonAsync($"/api/v1/regions/{subdistrict}")).GetProperty("region").GetProperty("parentCode").GetString()!;

        // Every 15 minutes a reading, the river rising 0.4 m an hour from 4.0 m: attention (4.5 m)
        // after 1¼ h, warning (6.0 m) after 5 h. Each reading is sent as it is taken.
        for (var i = 0; i <= 22; i++)
        {
            await ReadAsync(analyst, i, 4.0 + 0.1 * i);
        }

        // Then the weather service's red rainstorm warning (暴雨红色预警) for the community.
        var red = RiskSources.Cap("CMA-KRE-RED-1", app.Clock.GetUtcNow(), [community], "Extreme", expiresIn: TimeSpan.FromHours(24));
        await (await analyst.UploadAsync(red)).OkJsonAsync(HttpStatusCode.Created);

        // The subdistrict's tier in force (the worst over hazards) went attention → warning → emergency, in that order.
        var changes = await TierChangesAsync(analyst, subdistrict);
        var worst = new Dictionary<string, int>(StringComparer.Ordinal);
        var climbed = new List<string>();
        foreach (var change in changes)
        {
            worst[change.GetProperty("payload").GetProperty("hazard").GetString()!] = Rank(change.GetProperty("payload").GetProperty("to").GetString()!);
            var now = Names[worst.Values.Max()];
            if (climbed.Count == 0 || climbed[^1] != now)
            {
                climbed.Add(now);
            }
        }

        Assert.Equal(["attention", "warning", "emergency"], climbed.Where(t => t is "attention" or "warning" or "emergency"));
        Assert.Equal("emergency", await analyst.TierAsync(subdistrict, "waterlogging"));
        Assert.Equal("warning", await analyst.TierAsync(subdistrict, "flood"));

        // With explanations: the community's flood warning names the gauge and its level; its
        // emergency names the red warning; the subdistrict's tier names the community it came from.
        var own = await TierChangesAsync(analyst, community);
        var floodWarning = own.Single(c => Is(c, "flood", "warning"));
        Assert.Contains(floodWarning.GetProperty("payload").GetProperty("because").EnumerateArray(),
            b => b.GetProperty("rule").GetString() == "river-level" && b.GetProperty("station").GetString() == Gauge);
        var rainEmergency = own.Single(c => Is(c, "waterlogging", "emergency"));
        Assert.Contains("CMA-KRE-RED-1", rainEmergency.GetProperty("payload").GetProperty("because").GetRawText(), StringComparison.Ordinal);
        var carried = changes.Single(c => Is(c, "waterlogging", "emergency"));
        Assert.Contains(carried.GetProperty("payload").GetProperty("because").EnumerateArray(),
            b => b.TryGetProperty("region", out var r) && r.GetString() == community);

        // Plans started for the subdistrict with the mechanism's deadlines: special analysis within
        // 4 h of attention, emergency preparation within 12 h of warning, full response at once (15 min).
        var plans = (await analyst.GetJsonAsync($"/api/v1/plan-activations?region={subdistrict}")).GetProperty("items").EnumerateArray()
            .Where(a => a.GetProperty("regionCode").GetString() == subdistrict).ToList();
        AssertStep(plans, "flood", "attention", TimeSpan.FromHours(4));
        AssertStep(plans, "flood", "warning", TimeSpan.FromHours(12));
        var fullResponse = AssertStep(plans, "waterlogging", "emergency", TimeSpan.FromMinutes(15));

        // Nobody marks the full response done: 16 minutes later it is missed and climbs to the district.
        app.Clock.Advance(TimeSpan.FromMinutes(16));
        await app.Services.GetRequiredService<DeadlineRunner>().FireDueAsync(CancellationToken.None);
        var escalated = (await analyst.GetJsonAsync($"/api/v1/plan-activations/{fullResponse.Activation}")).GetProperty("steps")
            .EnumerateArray().Single(s => s.GetProperty("stepId").GetString() == fullResponse.Step);
        Assert.True(escalated.GetProperty("isOverdue").GetBoolean());
        Assert.Equal(1, escalated.GetProperty("escalationLevel").GetInt32());
        Assert.Equal(district, escalated.GetProperty("owedByRegionCode").GetString());
        var journal = (await analyst.GetJsonAsync($"/api/v1/journal?type=deadline.escalated&region={subdistrict}")).GetProperty("items").EnumerateArray();
        Assert.Contains(journal, e => e.GetProperty("payload").GetProperty("to").GetString() == district);

        // The river levels off just above the warning mark for the rest of the day.
        for (var i = 24; i <= 50; i++)
        {
            await ReadAsync(analyst, i, 6.2 + 0.05 * Math.Sin(i));
        }

        // Replaying the gauge's record: six hours ahead, the forecast said "warning" before it came.
        await _cli.LoginAsync("analyst.krems", DemoCityTests.DemoPassword);
        var (exit, output, err) = await _cli.RunAsync("--json", "warning", "backtest", "--station", Gauge, "--target", "warning", "--horizon", "6h");
        Assert.True(exit == ExitCodes.Success, err);
        var six = JsonDocument.Parse(output).RootElement.GetProperty("horizons")[0];
        Assert.True(six.GetProperty("hits").GetInt32() > 0, six.GetRawText());
        var arrival = six.GetProperty("arrivals")[0];
        Assert.True(arrival.GetProperty("leadHours").GetDouble() >= 2, six.GetRawText());
    }

    private static readonly string[] Names = ["none", "general", "attention", "warning", "emergency"];

    private static int Rank(string tier) => Array.IndexOf(Names, tier);

    private static bool Is(JsonElement change, string hazard, string to) =>
        change.GetProperty("payload").GetProperty("hazard").GetString() == hazard && change.GetProperty("payload").GetProperty("to").GetString() == to;

    private async Task ReadAsync(HttpClient client, int step, double value)
    {
        if (step > 0)
        {
            app.Clock.Advance(TimeSpan.FromMinutes(15));
        }

        var result = await (await client.PostJsonAsync("/api/v1/readings", new
        {
            items = new[]
            {
                new
                {
                    station = Gauge, readingId = $"stein-{step}",
                    time = app.Clock.GetUtcNow().ToString("O", CultureInfo.InvariantCulture), value = Math.Round(value, 3),
                },
            },
        })).OkJsonAsync();
        Assert.Equal(1, result.GetProperty("stored").GetInt32());
    }

    /// <summary>The region's own tier changes, oldest first.</summary>
    private static async Task<List<JsonElement>> TierChangesAsync(HttpClient client, string region) =>
        [.. (await client.GetJsonAsync($"/api/v1/journal?type=risk.tier-changed&region={region}&limit=500")).GetProperty("items").EnumerateArray()
            .Where(e => e.GetProperty("regionCode").GetString() == region)
            .OrderBy(e => e.GetProperty("id").GetInt64())];

    /// <summary>The hazard's plan for the tier has a step due the given time after activation; returns it.</summary>
    private static (string Activation, string Step) AssertStep(List<JsonElement> plans, string hazard, string tier, TimeSpan within)
    {
        var plan = plans.Single(a => a.GetProperty("hazard").GetString() == hazard && a.GetProperty("tier").GetString() == tier);
        var activatedAt = plan.GetProperty("activatedAt").GetDateTimeOffset();
        var step = plan.GetProperty("steps")[0];
        Assert.Equal(within, step.GetProperty("dueAt").GetDateTimeOffset() - activatedAt);
        return (plan.GetProperty("id").GetString()!, step.GetProperty("stepId").GetString()!);
    }
}
