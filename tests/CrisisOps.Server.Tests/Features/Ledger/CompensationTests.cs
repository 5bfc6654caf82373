using System.Net;
using CrisisOps.Testing;
using Microsoft.EntityFrameworkCore;
using static CrisisOps.Server.Tests.Features.Ledger.SourcesTestKit;

namespace CrisisOps.Server.Tests.Features.Ledger;

/// <summary>Compensation payments: a person as a P- pseudonym (never linkable to their donor pseudonym), a business by name, staff listing.</summary>
public abstract class CompensationTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : CrisisOpsApp
{
    private static string Key() => "cmp-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Record_WhenAPersonIsPaid_PublishesThePaymentUnderAPayeePseudonym()
    {
        var world = await app.WorldAsync();
        var commander = await app.UserAsync(("commander", world.CountyA));
        var incident = await (await commander.PostJsonAsync("/api/v1/incidents", new
        {
            title = "Lorry requisitioned 征用货车", category = "natural-disaster", type = "waterlogging", severity = "IV",
            location = new { lat = world.PointIn(world.CommunityA1).Lat, lon = world.PointIn(world.CommunityA1).Lon },
        })).OkJsonAsync(HttpStatusCode.Created);
        var incidentNumber = incident.GetProperty("number").GetString()!;

        var paid = await (await commander.PostJsonAsync("/api/v1/compensation-payments", new
        {
            payee = new { kind = "person", name = "赵强", contact = "+43 664 555 0101" },
            measure = "征用私人货车三天运送沙袋 / Lorry requisitioned for three days to carry sandbags", amount = "1800", currency = "EUR",
            region = world.CommunityA1, incident = incidentNumber,
        }, Key())).OkJsonAsync(HttpStatusCode.Created);

        var pseudonym = paid.GetProperty("party").GetString()!;
        Assert.Matches("^P-[A-Z2-7]{10}$", pseudonym);
        var entry = Assert.Single(await SearchAsync(app, $"party={pseudonym}"));
        Assert.Equal("compensation", entry.GetProperty("kind").GetString());
        var body = Body(entry);
        Assert.Equal(paid.GetProperty("number").GetString(), MemberText(body, "payment"));
        Assert.Equal("person", MemberText(body, "payee"));
        Assert.Equal("1800", MemberText(body, "amount"));
        Assert.Equal(incidentNumber, MemberText(body, "incident"));
        Assert.StartsWith("征用私人货车", MemberText(body, "measure"), StringComparison.Ordinal);
        Assert.DoesNotContain("赵强", entry.GetProperty("body").GetString()!, StringComparison.Ordinal);
        Assert.DoesNotContain("0101", entry.GetProperty("body").GetString()!, StringComparison.Ordinal);
        Assert.Equal("赵强", await ReadAsync(app, db => db.Payees.Where(p => p.Pseudonym == pseudonym).Select(p => p.Name).SingleAsync()));

        // The same person as a donor has another pseudonym: the two roles cannot be linked from the public record.
        var donated = await (await commander.PostJsonAsync("/api/v1/donations", new
        {
            gift = "money", donor = new { kind = "person", name = "赵强", contact = "+43 664 555 0101" }, amount = "20", currency = "EUR",
            region = world.CommunityA1,
        }, Key())).OkJsonAsync(HttpStatusCode.Created);
        Assert.NotEqual(pseudonym[2..], donated.GetProperty("party").GetString()![2..]);

        var list = (await commander.GetJsonAsync("/api/v1/compensation-payments")).GetProperty("items").EnumerateArray().ToList();
        var listed = Assert.Single(list, p => p.GetProperty("party").GetString() == pseudonym);
        Assert.Equal("pending", listed.GetProperty("ledger").GetProperty("state").GetString());
    }

    [Fact]
    public async Task Record_WhenABusinessIsPaidTwiceWithOneKey_RecordsOnce()
    {
        var world = await app.WorldAsync();
        var admin = await app.AdminAsync();
        var key = Key();
        var body = new
        {
            payee = new { kind = "business", name = "Krems Hotel am Fluss" }, measure = "Rooms used as a shelter for 2 nights", amount = "4200.00",
            currency = "EUR", region = world.CountyB,
        };
        var before = await EntryCountAsync(app);

        var first = await (await admin.PostJsonAsync("/api/v1/compensation-payments", body, key)).OkJsonAsync(HttpStatusCode.Created);
        var again = await admin.PostJsonAsync("/api/v1/compensation-payments", body, key);

        Assert.Equal(first.GetProperty("id").GetString(), (await again.OkJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetString());
        Assert.Equal(before + 1, await EntryCountAsync(app));
        Assert.Equal("4200", MemberText(Body(Assert.Single(await SearchAsync(app, "party=" + Uri.EscapeDataString("Krems Hotel am Fluss")))), "amount"));
        await (await admin.PostJsonAsync("/api/v1/compensation-payments", body with { amount = "4300" }, key))
            .ProblemAsync(HttpStatusCode.Conflict, "ledger-key-reused");
    }

    [Fact]
    public async Task Record_WhenInputIsBadOrOutsideTheRegion_RefusesAndStoresNothing()
    {
        var world = await app.WorldAsync();
        var commanderA = await app.UserAsync(("commander", world.CountyA));
        var logistics = await app.UserAsync(("logistics-officer", world.City));
        var before = await EntryCountAsync(app);
        var business = new { kind = "business", name = "Shop" };

        await (await commanderA.PostJsonAsync("/api/v1/compensation-payments", new { payee = business, measure = "m", amount = "5", currency = "EUR",
            region = world.CountyB }, Key())).ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");
        await (await logistics.PostJsonAsync("/api/v1/compensation-payments", new { payee = business, measure = "m", amount = "5", currency = "EUR",
            region = world.CountyA }, Key())).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await commanderA.PostJsonAsync("/api/v1/compensation-payments", new { payee = business, measure = new string('m', 501), amount = "5",
            currency = "EUR", region = world.CountyA }, Key())).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await (await commanderA.PostJsonAsync("/api/v1/compensation-payments", new { payee = business, measure = "m", amount = "0", currency = "EUR",
            region = world.CountyA }, Key())).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await (await commanderA.PostJsonAsync("/api/v1/compensation-payments", new { payee = new { kind = "person", name = "X" }, measure = "m",
            amount = "5", currency = "EUR", region = world.CountyA }, Key())).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await (await commanderA.PostJsonAsync("/api/v1/compensation-payments", new { payee = business, measure = "m", amount = "5", currency = "EUR",
            region = world.CountyA })).ProblemAsync(HttpStatusCode.BadRequest, "invalid-idempotency-key");

        Assert.Equal(before, await EntryCountAsync(app));
        await (await commanderA.GetAsync($"/api/v1/compensation-payments?region={world.CountyB}")).ProblemAsync(HttpStatusCode.Forbidden,
            "outside-jurisdiction");
    }
}

public sealed class CompensationTestsOnSqlite(SqliteApp app) : CompensationTests<SqliteApp>(app);

public sealed class CompensationTestsOnPostgres(PostgresApp app) : CompensationTests<PostgresApp>(app);
