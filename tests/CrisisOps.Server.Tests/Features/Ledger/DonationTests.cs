using System.Net;
using System.Text.Json;
using CrisisOps.Testing;
using Microsoft.EntityFrameworkCore;
using static CrisisOps.Server.Tests.Features.Ledger.SourcesTestKit;

namespace CrisisOps.Server.Tests.Features.Ledger;

/// <summary>Donations: goods (a stock receipt too) or money, donors as organisations or pseudonyms, idempotency, the private donor lookup.</summary>
public abstract class DonationTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : CrisisOpsApp
{
    private static string Key() => "don-" + Guid.NewGuid().ToString("N");

    private static object Person(string name, string contact) => new { kind = "person", name, contact };

    [Fact]
    public async Task Record_WhenGoodsFromAPerson_ReceivesStockAndPublishesOnlyThePseudonym()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("logistics-officer", world.CountyA));
        var depot = await WarehouseAsync(officer, world, world.CommunityA1);

        var created = await (await officer.PostJsonAsync("/api/v1/donations", new
        {
            gift = "goods", donor = Person("王芳", "+43 660 111 2222"), warehouse = depot, item = "blankets", quantity = "40",
            amount = "1200.50", currency = "EUR",
        }, Key())).OkJsonAsync(HttpStatusCode.Created);

        var pseudonym = created.GetProperty("party").GetString()!;
        Assert.Matches("^D-[A-Z2-7]{10}$", pseudonym);
        Assert.Equal("person", created.GetProperty("donorKind").GetString());
        Assert.Equal(world.CommunityA1, created.GetProperty("regionCode").GetString());
        Assert.Equal("pending", created.GetProperty("ledger").GetProperty("state").GetString());
        var number = created.GetProperty("number").GetString()!;

        var stock = await officer.GetJsonAsync($"/api/v1/warehouses/{depot}/stock");
        Assert.Equal(40m, stock.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("itemCode").GetString() == "blankets")
            .GetProperty("onHand").GetDecimal());

        // Two entries: the donation and the stock receipt it made, both under the pseudonym; no name, no contact.
        var entries = await SearchAsync(app, $"party={pseudonym}");
        Assert.Equal(["donation", "stock-receipt"], entries.Select(e => e.GetProperty("kind").GetString()).Order(StringComparer.Ordinal).ToList());
        var donation = Body(entries.Single(e => e.GetProperty("kind").GetString() == "donation"));
        Assert.Equal(number, MemberText(donation, "donation"));
        Assert.Equal("goods", MemberText(donation, "gift"));
        Assert.Equal("person", MemberText(donation, "donor"));
        Assert.Equal("40", MemberText(donation, "quantity"));
        Assert.Equal("1200.5", MemberText(donation, "amount"));
        Assert.Equal("EUR", MemberText(donation, "currency"));
        Assert.Equal(number, MemberText(Body(entries.Single(e => e.GetProperty("kind").GetString() == "stock-receipt")), "donation"));
        foreach (var e in entries)
        {
            Assert.DoesNotContain("王芳", e.GetProperty("body").GetString()!, StringComparison.Ordinal);
            Assert.DoesNotContain("2222", e.GetProperty("body").GetString()!, StringComparison.Ordinal);
        }

        // The journal tells staff what happened without the name either.
        var journal = await (await app.AdminAsync()).GetJsonAsync("/api/v1/journal?type=ledger.donation-recorded&limit=500");
        var recorded = journal.GetProperty("items").EnumerateArray().Single(j => j.GetProperty("payload").GetProperty("number").GetString() == number);
        Assert.DoesNotContain("王芳", recorded.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Record_WhenTheSamePersonGivesAgainWrittenDifferently_GetsTheSamePseudonym()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("commander", world.City));
        async Task<string> GiveAsync(object donor) => (await (await officer.PostJsonAsync("/api/v1/donations", new
        {
            gift = "money", donor, amount = "50", currency = "CNY", region = world.CountyB,
        }, Key())).OkJsonAsync(HttpStatusCode.Created)).GetProperty("party").GetString()!;

        var first = await GiveAsync(Person("Li  Wei", "+43 660-123 4567"));
        var again = await GiveAsync(Person("li wei", "+436601234567"));
        var namesake = await GiveAsync(Person("Li Wei", "+43 660 999 9999"));

        Assert.Equal(first, again);
        Assert.NotEqual(first, namesake);
        Assert.Equal(2, (await SearchAsync(app, $"party={first}&kind=donation")).Count);
        Assert.Equal(1, await ReadAsync(app, db => db.Donors.CountAsync(d => d.Pseudonym == first)));
    }

    [Fact]
    public async Task PublicPage_WhenAnOrganisationNameIsHostile_ShowsItAsText()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("logistics-officer", world.CountyA));
        const string hostile = "<script>alert('x')</script><img src=x onerror=alert(1)> & Co";
        await (await officer.PostJsonAsync("/api/v1/donations", new
        {
            gift = "money", donor = new { kind = "organisation", name = hostile }, amount = "10", currency = "EUR", region = world.CountyA,
        }, Key())).OkJsonAsync(HttpStatusCode.Created);

        using var anonymous = app.Anonymous();
        var page = await anonymous.GetStringAsync("/public/ledger?party=" + Uri.EscapeDataString(hostile));

        Assert.Contains("data-testid=\"ledger-entry\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=x", page, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Record_WhenRetriedWithTheSameKey_ReturnsTheFirstAnswerAndAppendsNothing()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("logistics-officer", world.CountyA));
        var depot = await WarehouseAsync(officer, world, world.CommunityA2);
        var key = Key();
        var body = new { gift = "goods", donor = new { kind = "organisation", name = "Danube Bakery 多瑙河面包房" }, warehouse = depot, item = "food-parcel",
            quantity = "25" };

        var first = await officer.PostJsonAsync("/api/v1/donations", body, key);
        var firstJson = await first.OkJsonAsync(HttpStatusCode.Created);
        var count = await EntryCountAsync(app);
        var retry = await officer.PostJsonAsync("/api/v1/donations", body, key);
        var retryJson = await retry.OkJsonAsync(HttpStatusCode.Created);

        Assert.Equal(firstJson.GetProperty("id").GetString(), retryJson.GetProperty("id").GetString());
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(count, await EntryCountAsync(app));
        var stock = await officer.GetJsonAsync($"/api/v1/warehouses/{depot}/stock");
        Assert.Equal(25m, stock.GetProperty("items").EnumerateArray().Single().GetProperty("onHand").GetDecimal());

        // The same key with another gift is refused, and nothing is recorded.
        await (await officer.PostJsonAsync("/api/v1/donations", body with { quantity = "26" }, key)).ProblemAsync(HttpStatusCode.Conflict, "ledger-key-reused");
        Assert.Equal(count, await EntryCountAsync(app));

        // Keys are per person: someone else's identical key is their own donation.
        var colleague = await app.UserAsync(("logistics-officer", world.CountyA));
        var other = await (await colleague.PostJsonAsync("/api/v1/donations", body, key)).OkJsonAsync(HttpStatusCode.Created);
        Assert.NotEqual(firstJson.GetProperty("id").GetString(), other.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Record_WhenRequestsRaceWithOneKey_RecordsOnce()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("logistics-officer", world.CountyA));
        var key = Key();
        var body = new { gift = "money", donor = new { kind = "organisation", name = "Krems Rotary" }, amount = "999.99", currency = "EUR", region = world.CountyA };
        var count = await EntryCountAsync(app);

        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => officer.PostJsonAsync("/api/v1/donations", body, key)));

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var answer in answers)
        {
            // A loser of the race either sees the first answer or is told the first is still being recorded; never a second donation.
            if (answer.StatusCode == HttpStatusCode.Created)
            {
                ids.Add((await answer.OkJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetString()!);
            }
            else
            {
                await answer.ProblemAsync(HttpStatusCode.Conflict, "concurrent-change");
            }
        }

        Assert.Single(ids);
        Assert.Equal(count + 1, await EntryCountAsync(app));
    }

    [Fact]
    public async Task Record_WhenInputIsBad_ReturnsProblemsAndStoresNothing()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("logistics-officer", world.CountyA));
        var depot = await WarehouseAsync(officer, world, world.CommunityA1);
        var before = await EntryCountAsync(app);
        var donations = await ReadAsync(app, db => db.Donations.CountAsync());
        var org = new { kind = "organisation", name = "Good Org" };

        await (await officer.PostJsonAsync("/api/v1/donations", new { gift = "money", donor = org, amount = "5", currency = "EUR", region = world.CountyA }))
            .ProblemAsync(HttpStatusCode.BadRequest, "invalid-idempotency-key");
        async Task<JsonElement> BadAsync(object body, HttpStatusCode status, string type) =>
            await (await officer.PostJsonAsync("/api/v1/donations", body, Key())).ProblemAsync(status, type);

        var missing = await BadAsync(new { gift = "goods" }, HttpStatusCode.BadRequest, "validation-failed");
        Assert.True(missing.GetProperty("errors").TryGetProperty("donor", out _));
        Assert.True(missing.GetProperty("errors").TryGetProperty("warehouse", out _));
        Assert.True(missing.GetProperty("errors").TryGetProperty("quantity", out _));
        await BadAsync(new { gift = "money", donor = org, amount = "-5", currency = "EUR", region = world.CountyA }, HttpStatusCode.BadRequest, "validation-failed");
        await BadAsync(new { gift = "money", donor = org, amount = "1e5", currency = "EUR", region = world.CountyA }, HttpStatusCode.BadRequest, "validation-failed");
        await BadAsync(new { gift = "money", donor = org, amount = "5", currency = "euro", region = world.CountyA }, HttpStatusCode.BadRequest, "validation-failed");
        await BadAsync(new { gift = "money", donor = org, amount = "100000000000", currency = "EUR", region = world.CountyA }, HttpStatusCode.BadRequest,
            "validation-failed");
        await BadAsync(new { gift = "money", donor = new { kind = "organisation", name = new string('x', 129) }, amount = "5", currency = "EUR",
            region = world.CountyA }, HttpStatusCode.BadRequest, "validation-failed");
        await BadAsync(new { gift = "money", donor = new { kind = "organisation", name = "D-ABCDEFGHIJ" }, amount = "5", currency = "EUR",
            region = world.CountyA }, HttpStatusCode.BadRequest, "validation-failed");
        await BadAsync(new { gift = "money", donor = new { kind = "person", name = "Zhang San" }, amount = "5", currency = "EUR", region = world.CountyA },
            HttpStatusCode.BadRequest, "validation-failed");
        await BadAsync(new { gift = "money", donor = org, amount = "5", currency = "EUR", region = world.CountyA, warehouse = depot },
            HttpStatusCode.BadRequest, "validation-failed");
        await BadAsync(new { gift = "goods", donor = org, warehouse = depot, item = "tents", quantity = "2.5" }, HttpStatusCode.UnprocessableEntity,
            "invalid-quantity");
        await BadAsync(new { gift = "goods", donor = org, warehouse = "no-such-depot", item = "tents", quantity = "2" }, HttpStatusCode.UnprocessableEntity,
            "unknown-warehouse");
        await BadAsync(new { gift = "goods", donor = org, warehouse = depot, item = "no-such-item", quantity = "2" }, HttpStatusCode.UnprocessableEntity,
            "unknown-item");
        await BadAsync(new { gift = "money", donor = org, amount = "5", currency = "EUR", region = "NO-SUCH" }, HttpStatusCode.UnprocessableEntity,
            "unknown-region");
        await BadAsync(new { gift = "money", donor = org, amount = "5", currency = "EUR", region = world.CountyA, incident = "INC-NOPE" },
            HttpStatusCode.UnprocessableEntity, "unknown-incident");
        // Amounts are decimal strings: a JSON number is refused before anything else is looked at.
        await (await officer.PostJsonAsync("/api/v1/donations", new { gift = "money", donor = org, amount = 5, currency = "EUR", region = world.CountyA },
            Key())).ProblemAsync(HttpStatusCode.BadRequest, "malformed-json");

        Assert.Equal(before, await EntryCountAsync(app));
        Assert.Equal(donations, await ReadAsync(app, db => db.Donations.CountAsync()));
    }

    [Fact]
    public async Task Record_WhenOutsideTheCallersRegionOrRole_IsForbidden()
    {
        var world = await app.WorldAsync();
        var officerA = await app.UserAsync(("logistics-officer", world.CountyA));
        var depotA = await WarehouseAsync(officerA, world, world.CommunityA1);
        var officerB = await app.UserAsync(("logistics-officer", world.CountyB));
        var duty = await app.UserAsync(("duty-officer", world.City));
        var org = new { kind = "organisation", name = "Cross Region Ltd" };
        var before = await EntryCountAsync(app);

        await (await officerB.PostJsonAsync("/api/v1/donations", new { gift = "goods", donor = org, warehouse = depotA, item = "tents", quantity = "2" }, Key()))
            .ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");
        await (await officerB.PostJsonAsync("/api/v1/donations", new { gift = "money", donor = org, amount = "5", currency = "EUR", region = world.CountyA },
            Key())).ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");
        await (await duty.PostJsonAsync("/api/v1/donations", new { gift = "money", donor = org, amount = "5", currency = "EUR", region = world.CountyA },
            Key())).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(before, await EntryCountAsync(app));

        // The listing shows each officer their own regions only.
        await (await officerA.PostJsonAsync("/api/v1/donations", new { gift = "money", donor = org, amount = "5", currency = "EUR", region = world.CountyA },
            Key())).OkJsonAsync(HttpStatusCode.Created);
        Assert.Contains((await officerA.GetJsonAsync("/api/v1/donations")).GetProperty("items").EnumerateArray(),
            d => d.GetProperty("regionCode").GetString() == world.CountyA);
        Assert.DoesNotContain((await officerB.GetJsonAsync("/api/v1/donations")).GetProperty("items").EnumerateArray(),
            d => d.GetProperty("regionCode").GetString() == world.CountyA);
        await (await officerB.GetAsync($"/api/v1/donations?region={world.CountyA}")).ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");
    }

    [Fact]
    public async Task Donor_WhenReadByAnOfficerOfTheRegion_ShowsTheNameAndJournalsTheRead()
    {
        var world = await app.WorldAsync();
        var officerA = await app.UserAsync(("logistics-officer", world.CountyA));
        var (officerB, _) = await app.PersonAsync(new TestRole("logistics-officer", world.CountyB));
        var commander = await app.UserAsync(("commander", world.City));
        var (reader, readerName) = await app.PersonAsync(new TestRole("logistics-officer", world.CountyA));
        var created = await (await officerA.PostJsonAsync("/api/v1/donations", new
        {
            gift = "money", donor = Person("陈静", "chen.jing@example.org"), amount = "300", currency = "CNY", region = world.CommunityA2,
        }, Key())).OkJsonAsync(HttpStatusCode.Created);
        var pseudonym = created.GetProperty("party").GetString()!;

        var donor = await reader.GetJsonAsync($"/api/v1/donors/{pseudonym}");
        Assert.Equal("陈静", donor.GetProperty("name").GetString());
        Assert.Equal("chen.jing@example.org", donor.GetProperty("contact").GetString());
        Assert.Single(donor.GetProperty("donations").EnumerateArray());

        var journal = await (await app.AdminAsync()).GetJsonAsync("/api/v1/journal?type=ledger.donor-read&limit=500");
        var read = journal.GetProperty("items").EnumerateArray().Single(j => j.GetProperty("payload").GetProperty("pseudonym").GetString() == pseudonym);
        Assert.Equal(readerName, read.GetProperty("actor").GetString());
        Assert.Equal(world.CommunityA2, read.GetProperty("regionCode").GetString());
        Assert.DoesNotContain("陈静", read.GetRawText(), StringComparison.Ordinal);

        // Another county's officer and a commander (who records but may not read donors) are refused; bad and unknown pseudonyms too.
        await (await officerB.GetAsync($"/api/v1/donors/{pseudonym}")).ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");
        await (await commander.GetAsync($"/api/v1/donors/{pseudonym}")).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await reader.GetAsync("/api/v1/donors/D-AAAAAAAAAA")).ProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await reader.GetAsync("/api/v1/donors/P-AAAAAAAAAA")).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await (await reader.GetAsync("/api/v1/donors/robert")).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        using var anonymous = app.Anonymous();
        await (await anonymous.GetAsync($"/api/v1/donors/{pseudonym}")).ProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
    }
}

public sealed class DonationTestsOnSqlite(SqliteApp app) : DonationTests<SqliteApp>(app);

public sealed class DonationTestsOnPostgres(PostgresApp app) : DonationTests<PostgresApp>(app);
