using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CrisisOps.Data;
using CrisisOps.Domain.Alerts.Delivery;
using CrisisOps.Domain.People;
using CrisisOps.Domain.Warning;
using CrisisOps.Server.Features.Alerts;
using CrisisOps.Server.Features.Alerts.Delivery;
using CrisisOps.Server.Features.Alerts.Delivery.Gateways;
using CrisisOps.Server.Features.Deadlines;
using CrisisOps.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CrisisOps.Server.Tests.Features;

/// <summary>
/// The public-warning issue's "done when", end to end on a real database and a real loopback gateway over HTTP:
/// a red rainstorm alert for a subdistrict (township) is composed, approved by two people as the Emergency tier
/// requires, released as a valid CAP 1.2 document and fanned out to 10,000 synthetic residents; the gateway fails
/// a fifth of the SMS; failures are retried, then escalated; elderly people living alone get door-to-door tasks;
/// coverage is reported by segment; and a server killed during fan-out is succeeded by one that completes it
/// without sending anything twice. (The golden-4-hour miss is InformationTests.FirstRelease_MissedAtFourHours_EscalatesUpTheRegionTree.)
/// </summary>
public abstract class PublicWarningScenarioTests<TDatabase> : IAsyncLifetime where TDatabase : TestDatabase, new()
{
    private readonly TDatabase _database = new();

    public async ValueTask InitializeAsync() => await _database.CreateAsync();

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task RedAlert_ToTenThousandResidents_RetriesEscalatesAndReportsCoverage()
    {
        await using var app = new Host(_database, new()
        {
            ["Delivery:RunInBackground"] = "false",
            ["Delivery:Loopback:Enabled"] = "true",
            ["Delivery:Loopback:FailShare"] = "0.2",
            ["Delivery:Loopback:ReceiptDelay"] = "00:00:00",
            ["Delivery:MaxAttempts"] = "3",
            ["Delivery:RetryBase"] = "00:00:30",
        });
        var world = await app.WorldAsync();
        var admin = await app.AdminAsync();
        var registry = app.Services.GetRequiredService<GatewayRegistry>();
        var receipts = app.CreateClient();
        registry.Loopback!.ReceiptClient = () => receipts;
        await SeedAsync(world, 10_000);

        var alert = await ReleaseRedAlertAsync(app, world);
        await DrainAsync(app);

        // Failing SMS were tried three times (30 s, then 60 s apart), then failed for good.
        for (var i = 0; i < 3; i++)
        {
            app.Clock.Advance(TimeSpan.FromMinutes(2));
            await DrainAsync(app);
        }

        await using var db = _database.NewContext();
        var deliveries = await db.Deliveries.AsNoTracking().Where(d => d.AlertId == alert.AlertId).ToListAsync();
        var sms = deliveries.Where(d => d.Channel == DeliveryChannel.Sms).ToList();
        var failedSms = sms.Where(d => d.Status == DeliveryStatus.Failed).ToList();
        Assert.InRange(failedSms.Count / (double)sms.Count, 0.17, 0.23);
        Assert.All(failedSms, d => Assert.Equal(3, d.Attempts));
        Assert.All(sms.Where(d => d.Status != DeliveryStatus.Failed), d => Assert.Equal(DeliveryStatus.Delivered, d.Status));

        // Each failed SMS whose person nothing else reached (e-mail, push) escalated them to a voice call (or the door).
        var byResident = deliveries.Where(d => d.ResidentId is not null).ToLookup(d => d.ResidentId!.Value);
        var unreachedAfterSms = failedSms.Where(d => !byResident[d.ResidentId!.Value].Any(x => x.Channel is DeliveryChannel.Email or DeliveryChannel.AppPush
            && x.Status == DeliveryStatus.Delivered)).ToList();
        Assert.NotEmpty(unreachedAfterSms);
        Assert.All(unreachedAfterSms, d => Assert.Contains(byResident[d.ResidentId!.Value],
            x => x.Channel is DeliveryChannel.VoiceCall or DeliveryChannel.DoorToDoor));

        // Nobody gets the same alert twice on the same channel; the gateway handed each key on once.
        Assert.Equal(deliveries.Count, deliveries.Select(d => (d.Channel, d.TargetKey)).Distinct().Count());
        Assert.All(registry.Loopback.HandedOn.Values, n => Assert.Equal(1, n));

        // Every elderly person living alone has a door-to-door task; cell broadcast once for the township.
        var residents = await db.Residents.AsNoTracking().Where(r => r.HomeRegionCode.StartsWith(world.Prefix)).ToListAsync();
        var alone = residents.Where(r => r.Has(SpecialNeeds.ElderlyLivingAlone)).ToList();
        Assert.NotEmpty(alone);
        Assert.All(alone, r => Assert.Contains(byResident[r.Id], d => d.Channel == DeliveryChannel.DoorToDoor));
        Assert.Single(deliveries, d => d.Channel == DeliveryChannel.CellBroadcast);

        // Coverage by segment: the living-alone segment waits for its knocks and is flagged.
        var reviewer = await app.UserAsync(("reviewer", world.City));
        var coverage = await reviewer.GetFromJsonAsync<JsonElement>($"/api/v1/alerts/{alert.AlertId}/coverage", CrisisOpsApp.Json);
        Assert.Equal(10_000, coverage.GetProperty("targeted").GetInt32());
        var segments = coverage.GetProperty("segments").EnumerateArray().ToDictionary(s => s.GetProperty("segment").GetString()!);
        Assert.True(segments["elderly-living-alone"].GetProperty("belowTarget").GetBoolean());
        Assert.True(segments.ContainsKey("region:" + world.CommunityA1));
        Assert.True(coverage.GetProperty("share").GetDouble() > 0.8);

        // The escalation deadline passes: a round is journaled and the next deadline starts.
        app.Clock.Advance(TimeSpan.FromMinutes(31));
        await app.Services.GetRequiredService<DeadlineRunner>().FireDueAsync(CancellationToken.None);
        Assert.True(await db.Journal.AnyAsync(j => j.Type == "delivery.escalated"));
        Assert.Equal(1, (await db.FanOutJobs.AsNoTracking().SingleAsync(j => j.AlertId == alert.AlertId)).EscalationRound);

        // A community officer takes and confirms a visit; the address is for them only.
        var (officer, _) = await app.PersonAsync(new TestRole("community-officer", world.CommunityA1));
        var tasks = await officer.GetFromJsonAsync<JsonElement>($"/api/v1/delivery-tasks?alertId={alert.AlertId}&region={world.CommunityA1}", CrisisOpsApp.Json);
        Assert.Contains(tasks.EnumerateArray(), t => t.GetProperty("channel").GetString() == "door-to-door");
        Assert.All(tasks.EnumerateArray(), t => Assert.False(t.TryGetProperty("address", out var hidden) && hidden.ValueKind == JsonValueKind.String));

        // A knock on the door of someone nothing else reached (most living alone also got their SMS) raises coverage.
        var taskId = await db.Deliveries.AsNoTracking()
            .Where(d => d.AlertId == alert.AlertId && d.Channel == DeliveryChannel.DoorToDoor && d.Status == DeliveryStatus.Open && d.RegionCode == world.CommunityA1)
            .Where(d => db.AlertRecipients.Any(r => r.AlertId == d.AlertId && r.ResidentId == d.ResidentId && r.ReachedAt == null))
            .OrderBy(d => d.Id).Select(d => d.Id).FirstAsync();
        var outsider = await app.UserAsync(("community-officer", world.CommunityB1));
        Assert.Equal(HttpStatusCode.Forbidden, (await outsider.PostAsync($"/api/v1/delivery-tasks/{taskId}/take", null)).StatusCode);
        (await officer.PostAsync($"/api/v1/delivery-tasks/{taskId}/take", null)).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await officer.PostAsync($"/api/v1/delivery-tasks/{taskId}/take", null)).StatusCode);
        var detail = await officer.GetFromJsonAsync<JsonElement>($"/api/v1/delivery-tasks/{taskId}", CrisisOpsApp.Json);
        Assert.False(string.IsNullOrEmpty(detail.GetProperty("address").GetString()));
        Assert.Equal(HttpStatusCode.BadRequest,
            (await officer.PostAsJsonAsync($"/api/v1/delivery-tasks/{taskId}/confirm", new { outcome = "maybe" })).StatusCode);
        (await officer.PostAsJsonAsync($"/api/v1/delivery-tasks/{taskId}/confirm", new { outcome = "reached" })).EnsureSuccessStatusCode();
        var after = await reviewer.GetFromJsonAsync<JsonElement>($"/api/v1/alerts/{alert.AlertId}/coverage", CrisisOpsApp.Json);
        Assert.True(after.GetProperty("reached").GetInt32() >= coverage.GetProperty("reached").GetInt32() + 1);
        Assert.True(await db.Journal.AnyAsync(j => j.Type == "delivery.task-address-read"));

        // The journal shows progress in aggregate: per send batch and per receipts batch, counts per alert.
        Assert.True(await db.Journal.CountAsync(j => j.Type == "delivery.batch-sent") >= 10);
        Assert.True(await db.Journal.AnyAsync(j => j.Type == "delivery.receipts-recorded"));

        // Outside the alert's area, unknown alerts, forged receipts.
        var elsewhere = await app.UserAsync(("reviewer", world.CountyB));
        Assert.Equal(HttpStatusCode.Forbidden, (await elsewhere.GetAsync($"/api/v1/alerts/{alert.AlertId}/coverage")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await reviewer.GetAsync($"/api/v1/alerts/{Guid.NewGuid()}/coverage")).StatusCode);
        using var forged = new StringContent("""{"receipts":[{"idempotencyKey":"1","status":"delivered"}]}""", System.Text.Encoding.UTF8, "application/json");
        forged.Headers.Add(ReceiptSignature.Header, "sha256=00");
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Anonymous().PostAsync("/api/v1/gateways/loopback/receipts", forged)).StatusCode);
        _ = admin;
    }

    [Fact]
    public async Task HostKilledMidFanOut_SuccessorCompletes_WithNothingSentTwice()
    {
        await using var gateway = new LoopbackGateway(new LoopbackSettings { ReceiptDelay = TimeSpan.Zero, FlakyShare = 0.1 });
        await gateway.StartAsync(CancellationToken.None);
        var settings = new Dictionary<string, string>
        {
            ["Delivery:RunInBackground"] = "true",

            // Leases long against the fake clock's steps below: a lease that lapses while its batch is still being
            // sent (a slow, loaded machine) has the batch claimed again and its answers ignored, again and again.
            ["Delivery:Lease"] = "00:10:00",
            ["Delivery:ExpandBatch"] = "100",
            ["Delivery:SendBatch"] = "50",
            ["Delivery:Gateways:loopback:Url"] = gateway.Url!.ToString(),
            ["Delivery:Gateways:loopback:ReceiptSecret"] = gateway.Settings.ReceiptSecret,
            ["Delivery:Gateways:loopback:RetryBackoff"] = "00:00:00.010",
        };
        var channels = new[] { "sms", "voice-call", "email", "app-push", "cell-broadcast", "loudspeaker" };
        for (var i = 0; i < channels.Length; i++)
        {
            settings[$"Delivery:Gateways:loopback:Channels:{i}"] = channels[i];
        }

        var alert = new ReleasedAlert(Guid.Empty);
        RegionWorld world;
        await using (var first = new Host(_database, settings))
        {
            world = await first.WorldAsync();
            var receipts = first.CreateClient();
            gateway.ReceiptClient = () => receipts;
            await SeedAsync(world, 2000);
            alert = await ReleaseRedAlertAsync(first, world);

            // Stop the host while the fan-out is part way.
            var watch = System.Diagnostics.Stopwatch.StartNew();
            while (watch.Elapsed < TimeSpan.FromSeconds(30))
            {
                await using var db = _database.NewContext();
                if (await db.FanOutJobs.AsNoTracking().AnyAsync(j => j.AlertId == alert.AlertId && j.Cursor != null))
                {
                    break;
                }

                await Task.Delay(5);
            }
        }

        await using (var db = _database.NewContext())
        {
            Assert.Null((await db.FanOutJobs.AsNoTracking().SingleAsync(j => j.AlertId == alert.AlertId)).ExpandedAt);
        }

        await using var second = new Host(_database, settings);
        var client = second.CreateClient();
        gateway.ReceiptClient = () => client;
        second.Clock.Advance(TimeSpan.FromMinutes(15)); // past the first host's leases
        second.Services.GetRequiredService<IAlertFanOut>().Wake();
        var done = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            await using var db = _database.NewContext();
            var job = await db.FanOutJobs.AsNoTracking().SingleAsync(j => j.AlertId == alert.AlertId);
            var pending = await db.Deliveries.CountAsync(d => d.AlertId == alert.AlertId && d.Status != DeliveryStatus.Delivered
                && d.Status != DeliveryStatus.Open && d.Status != DeliveryStatus.Failed);
            if (job.ExpandedAt is not null && pending == 0)
            {
                break;
            }

            Assert.True(done.Elapsed < TimeSpan.FromSeconds(60), $"{pending} deliveries still pending");
            second.Clock.Advance(TimeSpan.FromSeconds(15)); // retries of flaky answers come due
            await Task.Delay(100);
        }

        await using var check = _database.NewContext();
        var all = await check.Deliveries.AsNoTracking().Where(d => d.AlertId == alert.AlertId && d.Status != DeliveryStatus.Open).ToListAsync();
        Assert.Equal(2000, await check.AlertRecipients.CountAsync(r => r.AlertId == alert.AlertId));
        Assert.All(all, d => Assert.Equal(DeliveryStatus.Delivered, d.Status));
        Assert.Equal(all.Select(d => d.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal),
            gateway.HandedOn.Keys.Order(StringComparer.Ordinal));
        Assert.All(gateway.HandedOn.Values, n => Assert.Equal(1, n));
        _ = world;
    }

    /// <summary>
    /// The red rainstorm alert for township A, composed by the information officer and released by two different
    /// approvers (one approval does not release an Emergency alert); its public CAP document validates.
    /// </summary>
    private static async Task<ReleasedAlert> ReleaseRedAlertAsync(CrisisOpsApp app, RegionWorld world)
    {
        var composer = await app.UserAsync(("information-officer", world.City));
        var dutyOfficer = await app.UserAsync(("duty-officer", world.City));
        var commander = await app.UserAsync(("commander", world.City));
        var draft = await (await composer.PostJsonAsync("/api/v1/alerts", new
        {
            status = "actual",
            msgType = "alert",
            tier = "emergency",
            hazard = "rainstorm",
            regions = new[] { world.TownshipA },
            infos = new[]
            {
                new { language = "zh-CN", @event = "暴雨", headline = "暴雨红色预警", description = "未来3小时降雨量将达100毫米以上。", instruction = "请立即转移到安全地带。" },
                new { language = "en", @event = "Rainstorm", headline = "Red rainstorm warning", description = "Over 100 mm of rain within 3 hours.",
                    instruction = "Move to safe ground now." },
            },
        })).OkJsonAsync(HttpStatusCode.Created);
        var id = draft.GetProperty("id").GetString()!;
        await (await composer.PostJsonAsync($"/api/v1/alerts/{id}/submit", new { })).OkJsonAsync();

        var once = await (await dutyOfficer.PostJsonAsync($"/api/v1/alerts/{id}/approve", new { })).OkJsonAsync();
        Assert.Equal("submitted", once.GetProperty("status").GetString());
        await using (var db = app.Services.GetRequiredService<IDbContextFactory<CrisisOpsDbContext>>().CreateDbContext())
        {
            Assert.False(await db.FanOutJobs.AnyAsync(j => j.AlertId == Guid.Parse(id)));
        }

        var released = await (await commander.PostJsonAsync($"/api/v1/alerts/{id}/approve", new { })).OkJsonAsync();
        Assert.Equal("released", released.GetProperty("status").GetString());
        var xml = await app.Anonymous().GetStringAsync(new Uri(released.GetProperty("publicCapUrl").GetString()!, UriKind.Relative));
        var verdict = CapReader.Read(Encoding.UTF8.GetBytes(xml));
        Assert.True(verdict.Accepted, string.Join("\n", verdict.Reasons));
        Assert.Equal(CapStatus.Actual, verdict.Alert!.Status);
        Assert.Equal([world.TownshipA], verdict.Alert.Infos[0].Areas[0].Geocodes.Select(g => g.Value));
        return new ReleasedAlert(Guid.Parse(id));
    }

    /// <summary>Runs delivery rounds until nothing is due and every receipt is in.</summary>
    private async Task DrainAsync(CrisisOpsApp app)
    {
        var engine = app.Services.GetRequiredService<DeliveryEngine>();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            await engine.RunUntilIdleAsync(CancellationToken.None);
            await using var db = _database.NewContext();
            if (!await db.Deliveries.AnyAsync(d => d.Status == DeliveryStatus.Sent || d.Status == DeliveryStatus.Sending)
                && await db.FanOutJobs.AllAsync(j => j.ExpandedAt != null))
            {
                await engine.RunUntilIdleAsync(CancellationToken.None);
                return;
            }

            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), "receipts did not arrive");
            await Task.Delay(50);
        }
    }

    private async Task SeedAsync(RegionWorld world, int count)
    {
        await using var db = _database.NewContext();
        SyntheticCommunity Community(string code)
        {
            var (lat, lon) = world.PointIn(code);
            return new SyntheticCommunity(code, world.PathOf(code), lat, lon);
        }

        var residents = SyntheticResidents.Generate([Community(world.CommunityA1), Community(world.CommunityA2)], count, seed: 6,
            CrisisOpsApp.Start, firstNumber: world.Number * 100_000).ToList();
        foreach (var r in residents)
        {
            // References are unique across the test database's worlds.
            typeof(Resident).GetProperty(nameof(Resident.Reference))!.SetValue(r, world.Prefix + "-" + r.Reference);
        }

        db.Residents.AddRange(residents);
        await db.SaveChangesAsync();
    }

    private sealed record ReleasedAlert(Guid AlertId);

    private sealed class Host(TestDatabase database, Dictionary<string, string> settings) : CrisisOpsApp(database, ownsDatabase: false, settings: settings);
}

public sealed class PublicWarningScenarioTestsOnSqlite : PublicWarningScenarioTests<SqliteTestDatabase>;

public sealed class PublicWarningScenarioTestsOnPostgres : PublicWarningScenarioTests<PostgresTestDatabase>;
