using System.Globalization;
using System.Net;
using System.Text.Json;
using CrisisOps.Server.Features.Deadlines;
using CrisisOps.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CrisisOps.Server.Tests.Features;

/// <summary>
/// The epidemic example of MISSION.md §2–3, end to end through the API (issue 5, "done when"): an HQ formed from
/// the epidemic template with health, CDC, police and transport; orders to each, acknowledged, a late one
/// escalating; "community X needs 500 food parcels" claimed 300 + 200 by two NGOs, delivered and confirmed; a
/// pharmacy chain's agreement activated for masks, directly and through a matching proposal that also draws on
/// our stock — with stock, board and journal agreeing at the end.
/// </summary>
public abstract class EpidemicScenarioTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : CrisisOpsApp
{
    private DateTimeOffset Now => app.Clock.GetUtcNow();

    private string In(TimeSpan span) => (Now + span).ToString("O", CultureInfo.InvariantCulture);

    private sealed record People(RegionWorld World, HttpClient Officer, HttpClient Commander, string CommanderName,
        Dictionary<string, HttpClient> Liaisons, HttpClient Community, HttpClient Logistics, string NgoA, HttpClient MemberA, string NgoB,
        HttpClient MemberB, string Pharmacy, HttpClient Pharmacist);

    private async Task<People> PeopleAsync()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("duty-officer", world.City));
        var (commander, commanderName) = await app.PersonAsync(new TestRole("commander", world.City));
        var liaisons = new Dictionary<string, HttpClient>(StringComparer.Ordinal);
        foreach (var department in new[] { "health", "cdc", "police", "transport" })
        {
            liaisons[department] = (await app.PersonAsync(new TestRole("department-liaison", world.City, Department: department))).Client;
        }

        var community = await app.UserAsync(("community-officer", world.CommunityA1));
        var logistics = await app.UserAsync(("logistics-officer", world.City));
        async Task<(string, HttpClient)> OrganisationAsync(string stem, string kind)
        {
            var code = $"{stem}-{world.Prefix.ToLowerInvariant()}";
            (await logistics.PostJsonAsync("/api/v1/organisations", new { code, name = stem, kind, regionCode = world.City })).EnsureSuccessStatusCode();
            return (code, (await app.PersonAsync(new TestRole("partner-member", world.City, Organisation: code))).Client);
        }

        var (ngoA, memberA) = await OrganisationAsync("red-cross", "ngo");
        var (ngoB, memberB) = await OrganisationAsync("blue-sky-rescue", "ngo");
        var (pharmacy, pharmacist) = await OrganisationAsync("kangjian-pharmacy", "enterprise");
        return new People(world, officer, commander, commanderName, liaisons, community, logistics, ngoA, memberA, ngoB, memberB, pharmacy, pharmacist);
    }

    private Task<int> FireDueAsync() => app.Services.GetRequiredService<DeadlineRunner>().FireDueAsync(CancellationToken.None);

    private static string Id(JsonElement e) => e.GetProperty("id").GetString()!;

    private static async Task<List<JsonElement>> JournalAsync(HttpClient client, string incidentId, string type) =>
        [.. (await client.GetJsonAsync($"/api/v1/journal?incidentId={incidentId}&type={type}&limit=1000")).GetProperty("items").EnumerateArray()];

    private static async Task<JsonElement> BalanceAsync(HttpClient client, string warehouse, string item) =>
        (await client.GetJsonAsync($"/api/v1/warehouses/{warehouse}/stock")).GetProperty("items").EnumerateArray()
            .Single(i => i.GetProperty("itemCode").GetString() == item);

    private async Task<JsonElement> PublishAsync(HttpClient community, People p, string incidentId, string what, string item, decimal quantity,
        string unit) =>
        await (await community.PostJsonAsync("/api/v1/needs", new
        {
            what, itemCode = item, quantity, unit, discrete = true, regionCode = p.World.CommunityA1, priority = "urgent",
            neededBy = In(TimeSpan.FromHours(8)), incidentId,
        })).OkJsonAsync(HttpStatusCode.Created);

    private async Task<string> AgreementAsync(People p, int masks)
    {
        var agreement = await (await p.Logistics.PostJsonAsync("/api/v1/agreements", new
        {
            organisation = p.Pharmacy, title = "口罩药品储备协议 Masks and medicine held for us", activationLeadMinutes = 120,
            lines = new object[] { new { item = "masks", quantity = masks }, new { item = "medicine-kit", quantity = 2000 } },
            contacts = "康健大药房 duty desk", validFrom = "2026-01-01", validTo = "2027-12-31", regionCode = p.World.City,
        })).OkJsonAsync(HttpStatusCode.Created);
        return Id(agreement);
    }

    [Fact]
    public async Task Epidemic_HqOrdersNeedsAndAgreements_WorkTogether()
    {
        var p = await PeopleAsync();
        var (lat, lon) = p.World.PointIn(p.World.CommunityA1);
        var incident = await (await p.Officer.PostJsonAsync("/api/v1/incidents", new
        {
            title = "Cluster of cases 聚集性疫情", category = "public-health", type = "epidemic", severity = "II", location = new { lat, lon },
        })).OkJsonAsync(HttpStatusCode.Created);
        var incidentId = Id(incident);

        // 1. The HQ forms from the epidemic template, within the hour its formation duty allows.
        var hq = await (await p.Commander.PostJsonAsync($"/api/v1/incidents/{incidentId}/headquarters",
            new { template = "epidemic", commander = p.CommanderName })).OkJsonAsync(HttpStatusCode.Created);
        var units = hq.GetProperty("units").EnumerateArray()
            .Where(u => u.GetProperty("department").ValueKind == JsonValueKind.String)
            .ToDictionary(u => u.GetProperty("department").GetString()!, Id, StringComparer.Ordinal);
        Assert.True(new[] { "health", "cdc", "police", "transport" }.All(units.ContainsKey));
        var formation = (await p.Officer.GetJsonAsync($"/api/v1/deadlines?incidentId={incidentId}&status=all")).GetProperty("items").EnumerateArray()
            .Single(d => d.GetProperty("kind").GetString() == "headquarters-formation");
        Assert.Equal("met", formation.GetProperty("status").GetString());

        // 2. Orders go straight to each department: tracing, control and supply within 4 hours.
        var orders = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (department, what) in new[] { ("health", "救治与流调 Treat and trace"), ("cdc", "密接追踪 Trace contacts"),
                     ("police", "封控区秩序 Order at the control zone"), ("transport", "保供运输 Supply transport") })
        {
            var order = await (await p.Commander.PostJsonAsync($"/api/v1/headquarters/{Id(hq)}/orders", new
            {
                unitId = units[department], what, where = new { regionCode = p.World.CommunityA1 }, dueBy = In(TimeSpan.FromHours(4)), priority = "high",
            })).OkJsonAsync(HttpStatusCode.Created);
            orders[department] = Id(order);
        }

        foreach (var department in new[] { "health", "cdc", "police" })
        {
            (await p.Liaisons[department].PostJsonAsync($"/api/v1/orders/{orders[department]}/acknowledge", new { })).EnsureSuccessStatusCode();
        }

        // The transport liaison may not acknowledge the health order; their own one they leave too long.
        await (await p.Liaisons["transport"].PostJsonAsync($"/api/v1/orders/{orders["health"]}/acknowledge", new { }))
            .ProblemAsync(HttpStatusCode.Forbidden, "not-your-order");
        app.Clock.Advance(TimeSpan.FromMinutes(16));
        await FireDueAsync();

        var escalated = Assert.Single(await JournalAsync(p.Commander, incidentId, "order.escalated"));
        Assert.Equal(orders["transport"], escalated.GetProperty("payload").GetProperty("orderId").GetString());
        Assert.Equal(p.CommanderName, escalated.GetProperty("payload").GetProperty("to").GetString());
        var board = await p.Commander.GetJsonAsync($"/api/v1/incidents/{incidentId}/orders");
        var boardOrders = board.GetProperty("orders").EnumerateArray().ToDictionary(Id, o => o, StringComparer.Ordinal);
        Assert.True(boardOrders[orders["transport"]].GetProperty("late").GetBoolean());
        Assert.Equal(orders["transport"], Id(board.GetProperty("orders")[0]));
        Assert.All(new[] { "health", "cdc", "police" },
            d => Assert.Equal("acknowledged", boardOrders[orders[d]].GetProperty("status").GetString()));
        (await p.Liaisons["transport"].PostJsonAsync($"/api/v1/orders/{orders["transport"]}/acknowledge", new { })).EnsureSuccessStatusCode();

        // 3. "Community X needs 500 food parcels": two NGOs claim 300 and 200, deliver, and the community confirms.
        var parcels = await PublishAsync(p.Community, p, incidentId, "食品包 Food parcels", "food-parcel", 500, "parcels");
        var claimA = await (await p.MemberA.PostJsonAsync($"/api/v1/needs/{Id(parcels)}/claims", new { quantity = 300, promisedBy = In(TimeSpan.FromHours(3)) }))
            .OkJsonAsync(HttpStatusCode.Created);
        await (await p.MemberB.PostJsonAsync($"/api/v1/needs/{Id(parcels)}/claims", new { quantity = 201, promisedBy = In(TimeSpan.FromHours(3)) }))
            .ProblemAsync(HttpStatusCode.Conflict, "claim-exceeds-remaining");
        var claimB = await (await p.MemberB.PostJsonAsync($"/api/v1/needs/{Id(parcels)}/claims", new { quantity = 200, promisedBy = In(TimeSpan.FromHours(3)) }))
            .OkJsonAsync(HttpStatusCode.Created);
        var claimIdA = Id(claimA.GetProperty("claim"));
        var claimIdB = Id(claimB.GetProperty("claim"));
        (await p.MemberA.PostJsonAsync($"/api/v1/claims/{claimIdA}/delivered", new { })).EnsureSuccessStatusCode();
        (await p.MemberB.PostJsonAsync($"/api/v1/claims/{claimIdB}/delivered", new { })).EnsureSuccessStatusCode();
        await (await p.Community.PostJsonAsync($"/api/v1/claims/{claimIdA}/receipt", new { quantity = 300 })).OkJsonAsync();
        await (await p.Community.PostJsonAsync($"/api/v1/claims/{claimIdA}/receipt", new { quantity = 300 }))
            .ProblemAsync(HttpStatusCode.Conflict, "receipt-already-confirmed");
        await (await p.Community.PostJsonAsync($"/api/v1/claims/{claimIdB}/receipt", new { quantity = 200 })).OkJsonAsync();
        var closed = (await p.Community.GetJsonAsync($"/api/v1/needs/{Id(parcels)}")).GetProperty("need");
        Assert.Equal(("closed", 500m, 0m), (closed.GetProperty("status").GetString(), closed.GetProperty("received").GetDecimal(),
            closed.GetProperty("remaining").GetDecimal()));
        var receipts = await JournalAsync(p.Commander, incidentId, "need.receipt-confirmed");
        Assert.Equal(500m, receipts.Where(r => r.GetProperty("payload").GetProperty("number").GetString() == parcels.GetProperty("number").GetString())
            .Sum(r => r.GetProperty("payload").GetProperty("received").GetDecimal()));
        Assert.Single(await JournalAsync(p.Commander, incidentId, "need.closed"));

        // 4. The pharmacy chain's agreement is activated for 2,000 masks for the hospitals: an order to the partner.
        var agreementId = await AgreementAsync(p, 20_000);
        var activation = await (await p.Commander.PostJsonAsync($"/api/v1/agreements/{agreementId}/activate", new
        {
            incident = incidentId, lines = new[] { new { item = "masks", quantity = 2000 } }, deliverTo = new { regionCode = p.World.CommunityA1, text = "社区卫生服务中心 community health centre" },
        })).OkJsonAsync(HttpStatusCode.Created);
        Assert.Equal(18_000m, activation.GetProperty("agreementLines")[0].GetProperty("remaining").GetDecimal());
        var partnerOrder = Assert.Single((await p.Pharmacist.GetJsonAsync("/api/v1/orders/mine")).GetProperty("items").EnumerateArray());
        Assert.Equal(activation.GetProperty("orderId").GetString(), Id(partnerOrder));
        Assert.Equal(Now.AddMinutes(120), partnerOrder.GetProperty("dueBy").GetDateTimeOffset());
        (await p.Pharmacist.PostJsonAsync($"/api/v1/orders/{Id(partnerOrder)}/acknowledge", new { })).EnsureSuccessStatusCode();
        Assert.Single(await JournalAsync(p.Commander, incidentId, "agreement.activated"));

        // 5. The community needs 10,000 masks: matching proposes our 4,000 in stock first, the agreement for the rest;
        //    the commander accepts, and stock is reserved, the agreement drawn and both deliveries ordered at once.
        var depot = $"depot-{p.World.Prefix.ToLowerInvariant()}";
        var (dLat, dLon) = p.World.PointIn(p.World.CommunityA2);
        (await p.Logistics.PostJsonAsync("/api/v1/warehouses", new { code = depot, name = "区应急物资储备库", latitude = dLat, longitude = dLon }))
            .EnsureSuccessStatusCode();
        (await p.Logistics.PostJsonAsync("/api/v1/stock/receive", new { warehouse = depot, item = "masks", quantity = 4000, expires = "2028-06-30" }))
            .EnsureSuccessStatusCode();
        var masks = await PublishAsync(p.Community, p, incidentId, "口罩 Masks", "masks", 10_000, "pieces");
        var proposal = await (await p.Commander.PostJsonAsync($"/api/v1/needs/{Id(masks)}/proposals", new { })).OkJsonAsync(HttpStatusCode.Created);
        var lines = proposal.GetProperty("lines").EnumerateArray().ToList();
        Assert.Equal([("stock", depot, 4000m), ("agreement", agreementId, 6000m)],
            lines.Select(l => (l.GetProperty("kind").GetString(), l.GetProperty("reference").GetString(), l.GetProperty("quantity").GetDecimal())));
        Assert.True(proposal.GetProperty("meetsDeadline").GetBoolean());

        await (await p.Commander.PostJsonAsync($"/api/v1/proposals/{Id(proposal)}/accept", new { }))
            .ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        var accepted = await (await p.Commander.PostJsonAsync($"/api/v1/proposals/{Id(proposal)}/accept", new { deliveryUnit = units["transport"] }))
            .OkJsonAsync();
        Assert.Equal("accepted", accepted.GetProperty("status").GetString());
        await (await p.Commander.PostJsonAsync($"/api/v1/proposals/{Id(proposal)}/accept", new { deliveryUnit = units["transport"] }))
            .ProblemAsync(HttpStatusCode.Conflict, "proposal-not-open");

        var reserved = await BalanceAsync(p.Logistics, depot, "masks");
        Assert.Equal((4000m, 4000m, 0m), (reserved.GetProperty("onHand").GetDecimal(), reserved.GetProperty("reserved").GetDecimal(),
            reserved.GetProperty("available").GetDecimal()));
        var agreement = await p.Logistics.GetJsonAsync($"/api/v1/agreements/{agreementId}");
        Assert.Equal(12_000m, agreement.GetProperty("lines")[0].GetProperty("remaining").GetDecimal());
        var detail = await p.Community.GetJsonAsync($"/api/v1/needs/{Id(masks)}");
        Assert.Equal(0m, detail.GetProperty("need").GetProperty("remaining").GetDecimal());
        var allocations = detail.GetProperty("claims").EnumerateArray().OrderByDescending(c => c.GetProperty("sourceType").GetString(), StringComparer.Ordinal)
            .ToList();
        Assert.Equal(["stock-reservation", "agreement-activation"], allocations.Select(c => c.GetProperty("sourceType").GetString()));
        Assert.Equal([depot, null], allocations.Select(c => c.GetProperty("warehouse").GetString()));
        Assert.Equal(["", p.Pharmacy], allocations.Select(c => c.GetProperty("organisation").GetString()));
        var transportOrders = (await p.Liaisons["transport"].GetJsonAsync("/api/v1/orders/mine")).GetProperty("items").EnumerateArray().ToList();
        Assert.Contains(transportOrders, o => o.GetProperty("source").ValueKind == JsonValueKind.Object
            && o.GetProperty("source").GetProperty("type").GetString() == "need-proposal");
        Assert.Equal(2, (await p.Pharmacist.GetJsonAsync("/api/v1/orders/mine")).GetProperty("items").GetArrayLength());

        // 6. The community receives 3,990 of our masks (10 lost) and all 6,000 of the partner's: the warehouse issues
        //    what arrived, takes back the rest, and the need closes.
        await (await p.Community.PostJsonAsync($"/api/v1/claims/{Id(allocations[0])}/receipt", new { quantity = 3990 })).OkJsonAsync();
        var settled = await BalanceAsync(p.Logistics, depot, "masks");
        Assert.Equal((10m, 0m, 10m), (settled.GetProperty("onHand").GetDecimal(), settled.GetProperty("reserved").GetDecimal(),
            settled.GetProperty("available").GetDecimal()));
        var movements = (await p.Logistics.GetJsonAsync($"/api/v1/stock/movements?warehouse={depot}")).GetProperty("items").EnumerateArray()
            .Select(m => (m.GetProperty("kind").GetString(), m.GetProperty("quantity").GetDecimal())).ToList();
        Assert.Equal([("receive", 4000m), ("reserve", 4000m), ("issue-reserved", 3990m), ("release", 10m)], movements.OrderBy(m => m.Item1 switch
        {
            "receive" => 0, "reserve" => 1, "issue-reserved" => 2, _ => 3,
        }));
        var stillOpen = (await p.Community.GetJsonAsync($"/api/v1/needs/{Id(masks)}")).GetProperty("need");
        Assert.Equal(10m, stillOpen.GetProperty("remaining").GetDecimal());
        await (await p.Community.PostJsonAsync($"/api/v1/claims/{Id(allocations[1])}/receipt", new { quantity = 6000 })).OkJsonAsync();
        Assert.Equal(9990m, (await p.Community.GetJsonAsync($"/api/v1/needs/{Id(masks)}")).GetProperty("need").GetProperty("received").GetDecimal());

        // The journal tells the same story: every allocation, every order and the proposal's acceptance, under the incident.
        Assert.Equal(2, (await JournalAsync(p.Commander, incidentId, "need.allocated")).Count);
        Assert.Single(await JournalAsync(p.Commander, incidentId, "proposal.accepted"));
        Assert.Equal(2, (await JournalAsync(p.Commander, incidentId, "agreement.activated")).Count);
        Assert.Equal(7, (await JournalAsync(p.Commander, incidentId, "order.issued")).Count);
    }

    [Fact]
    public async Task ActivateAndMatch_WhenOutOfRuleOrOutsideOrUnready_RefuseAndChangeNothing()
    {
        var p = await PeopleAsync();
        var agreementId = await AgreementAsync(p, 1000);
        var (lat, lon) = p.World.PointIn(p.World.CommunityA1);
        var incident = Id(await (await p.Officer.PostJsonAsync("/api/v1/incidents", new
        {
            title = "Cases in a school 学校病例", category = "public-health", type = "epidemic", severity = "III", location = new { lat, lon },
        })).OkJsonAsync(HttpStatusCode.Created));
        var body = new { incident, lines = new[] { new { item = "masks", quantity = 500 } } };

        // No headquarters yet: nothing to give the order.
        await (await p.Commander.PostJsonAsync($"/api/v1/agreements/{agreementId}/activate", body)).ProblemAsync(HttpStatusCode.Conflict, "no-headquarters");
        (await p.Commander.PostJsonAsync($"/api/v1/incidents/{incident}/headquarters", new { template = "epidemic", commander = p.CommanderName }))
            .EnsureSuccessStatusCode();

        // More than remains, fractional masks, an item the agreement lacks, no lines and no words, a logistics officer without the power.
        await (await p.Commander.PostJsonAsync($"/api/v1/agreements/{agreementId}/activate",
            new { incident, lines = new[] { new { item = "masks", quantity = 1001 } } })).ProblemAsync(HttpStatusCode.Conflict, "over-commitment");
        await (await p.Commander.PostJsonAsync($"/api/v1/agreements/{agreementId}/activate",
            new { incident, lines = new[] { new { item = "masks", quantity = 2.5 } } })).ProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid-quantity");
        await (await p.Commander.PostJsonAsync($"/api/v1/agreements/{agreementId}/activate",
            new { incident, lines = new[] { new { item = "tents", quantity = 1 } } })).ProblemAsync(HttpStatusCode.UnprocessableEntity, "not-in-agreement");
        await (await p.Commander.PostJsonAsync($"/api/v1/agreements/{agreementId}/activate", new { incident }))
            .ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await (await p.Logistics.PostJsonAsync($"/api/v1/agreements/{agreementId}/activate", body)).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        // A commander of another county cannot activate for this incident.
        var other = await app.UserAsync(("commander", p.World.CountyB));
        await (await other.PostJsonAsync($"/api/v1/agreements/{agreementId}/activate", body)).ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");

        var untouched = await p.Logistics.GetJsonAsync($"/api/v1/agreements/{agreementId}");
        Assert.Equal(0m, untouched.GetProperty("lines")[0].GetProperty("drawn").GetDecimal());
        Assert.Empty(await JournalAsync(p.Commander, incident, "agreement.activated"));
        Assert.Empty(await JournalAsync(p.Commander, incident, "order.issued"));

        // Matching: a need without a catalogue item cannot be matched; a stale proposal cannot be accepted.
        var freeText = await (await p.Community.PostJsonAsync("/api/v1/needs", new
        {
            what = "心理疏导志愿者 Counsellors", quantity = 5, unit = "people", discrete = true, regionCode = p.World.CommunityA1,
            priority = "high", neededBy = In(TimeSpan.FromHours(8)), incidentId = incident,
        })).OkJsonAsync(HttpStatusCode.Created);
        await (await p.Commander.PostJsonAsync($"/api/v1/needs/{Id(freeText)}/proposals", new { }))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity, "need-without-item");

        var masks = await PublishAsync(p.Community, p, incident, "口罩 Masks", "masks", 800, "pieces");
        var proposal = await (await p.Commander.PostJsonAsync($"/api/v1/needs/{Id(masks)}/proposals", new { })).OkJsonAsync(HttpStatusCode.Created);
        Assert.Equal(800m, proposal.GetProperty("proposed").GetDecimal());
        await (await p.MemberA.PostJsonAsync($"/api/v1/needs/{Id(masks)}/claims", new { quantity = 100, promisedBy = In(TimeSpan.FromHours(2)) }))
            .OkJsonAsync(HttpStatusCode.Created);
        await (await p.Commander.PostJsonAsync($"/api/v1/proposals/{Id(proposal)}/accept", new { }))
            .ProblemAsync(HttpStatusCode.Conflict, "proposal-stale");
        await (await other.PostJsonAsync($"/api/v1/needs/{Id(masks)}/proposals", new { })).ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");

        // A fresh proposal covers what remains (700) and supersedes nothing accepted; the earlier one is no longer open.
        var fresh = await (await p.Commander.PostJsonAsync($"/api/v1/needs/{Id(masks)}/proposals", new { })).OkJsonAsync(HttpStatusCode.Created);
        Assert.Equal(700m, fresh.GetProperty("wanted").GetDecimal());
        Assert.Equal("superseded", (await p.Commander.GetJsonAsync($"/api/v1/proposals/{Id(proposal)}")).GetProperty("status").GetString());
        Assert.Equal(0m, (await p.Logistics.GetJsonAsync($"/api/v1/agreements/{agreementId}")).GetProperty("lines")[0].GetProperty("drawn").GetDecimal());
    }
}

public sealed class EpidemicScenarioTestsOnSqlite(SqliteApp app) : EpidemicScenarioTests<SqliteApp>(app);

public sealed class EpidemicScenarioTestsOnPostgres(PostgresApp app) : EpidemicScenarioTests<PostgresApp>(app);
