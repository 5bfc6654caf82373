using System.Globalization;
using System.Net;
using System.Text.Json;
using CrisisOps.Data;
using CrisisOps.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CrisisOps.Server.Tests.Features.Resources;

/// <summary>Warehouses, receipts, FEFO issues, transfers, reservations and the ledger; concurrency on one balance.</summary>
public abstract class StockApiTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : CrisisOpsApp
{
    private static int _next;

    private static string Code(string stem) => $"{stem}-{Interlocked.Increment(ref _next)}-{Guid.NewGuid().ToString("N")[..6]}";

    private string Day(int fromToday) =>
        DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime).AddDays(fromToday).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static async Task<string> WarehouseAsync(HttpClient client, RegionWorld world, string community)
    {
        var code = Code("depot");
        var (lat, lon) = world.PointIn(community);
        var created = await (await client.PostJsonAsync("/api/v1/warehouses",
            new { code, name = "储备库 " + code, latitude = lat, longitude = lon, @operator = "县应急管理局" })).OkJsonAsync(HttpStatusCode.Created);
        Assert.Equal(community, created.GetProperty("regionCode").GetString());
        return code;
    }

    private static async Task<JsonElement> BalanceAsync(HttpClient client, string warehouse, string item)
    {
        var stock = await client.GetJsonAsync($"/api/v1/warehouses/{warehouse}/stock");
        return stock.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("itemCode").GetString() == item);
    }

    [Fact]
    public async Task ReceiveIssueTransfer_WhenLotsHaveExpiryDates_IssuesEarliestFirstAndLedgerMatchesBalances()
    {
        var world = await app.WorldAsync();
        var keeper = await app.UserAsync(("logistics-officer", world.CountyA));
        var north = await WarehouseAsync(keeper, world, world.CommunityA1);
        var south = await WarehouseAsync(keeper, world, world.CommunityA2);

        await (await keeper.PostJsonAsync("/api/v1/stock/receive", new { warehouse = north, item = "food-parcel", quantity = 10, expires = Day(20),
            source = "红十字会捐赠 donation RC-1" })).OkJsonAsync(HttpStatusCode.Created);
        await (await keeper.PostJsonAsync("/api/v1/stock/receive", new { warehouse = north, item = "food-parcel", quantity = 5, expires = Day(5) }))
            .OkJsonAsync(HttpStatusCode.Created);
        await (await keeper.PostJsonAsync("/api/v1/stock/receive", new { warehouse = north, item = "food-parcel", quantity = 3 }))
            .OkJsonAsync(HttpStatusCode.Created);

        var issued = await (await keeper.PostJsonAsync("/api/v1/stock/issue",
            new { warehouse = north, item = "food-parcel", quantity = 7, referenceType = "order", referenceId = "o-1" })).OkJsonAsync(HttpStatusCode.Created);
        var lots = issued.GetProperty("movements").EnumerateArray().Select(m => (m.GetProperty("lotExpires").GetString(), m.GetProperty("quantity").GetDecimal())).ToList();
        Assert.Equal([(Day(5), 5m), (Day(20), 2m)], lots);

        var moved = await (await keeper.PostJsonAsync("/api/v1/stock/transfer", new { from = north, to = south, item = "food-parcel", quantity = 9 }))
            .OkJsonAsync(HttpStatusCode.Created);
        Assert.Equal(["transfer-out", "transfer-in", "transfer-out", "transfer-in"],
            moved.GetProperty("movements").EnumerateArray().Select(m => m.GetProperty("kind").GetString()).ToList());

        var northBalance = await BalanceAsync(keeper, north, "food-parcel");
        Assert.Equal(2m, northBalance.GetProperty("onHand").GetDecimal());
        Assert.Null(Assert.Single(northBalance.GetProperty("lots").EnumerateArray()).GetProperty("expires").GetString());
        var southBalance = await BalanceAsync(keeper, south, "food-parcel");
        Assert.Equal(9m, southBalance.GetProperty("available").GetDecimal());
        Assert.Equal([Day(20), null], southBalance.GetProperty("lots").EnumerateArray().Select(l => l.GetProperty("expires").GetString()).ToList());

        // The ledger sums to the balances, in increasing sequence.
        var ledger = (await keeper.GetJsonAsync($"/api/v1/stock/movements?item=food-parcel&limit=1000")).GetProperty("items").EnumerateArray()
            .Where(m => m.GetProperty("warehouse").GetString() is { } w && (w == north || w == south)).ToList();
        var sequences = ledger.Select(m => m.GetProperty("sequence").GetInt64()).ToList();
        Assert.Equal(sequences.Order(), sequences);
        decimal Net(string warehouse) => ledger.Where(m => m.GetProperty("warehouse").GetString() == warehouse).Sum(m =>
            m.GetProperty("kind").GetString() is "receive" or "transfer-in" ? m.GetProperty("quantity").GetDecimal() : -m.GetProperty("quantity").GetDecimal());
        Assert.Equal(2m, Net(north));
        Assert.Equal(9m, Net(south));
        Assert.Contains(ledger, m => m.GetProperty("source").GetString() == "红十字会捐赠 donation RC-1");
    }

    [Fact]
    public async Task Issue_WhenLotExpired_NeverIssuesItAndListsWhatExpiresSoon()
    {
        var world = await app.WorldAsync();
        var keeper = await app.UserAsync(("logistics-officer", world.CountyA));
        var depot = await WarehouseAsync(keeper, world, world.CommunityA1);
        await (await keeper.PostJsonAsync("/api/v1/stock/receive", new { warehouse = depot, item = "masks", quantity = 4, expires = Day(1) }))
            .OkJsonAsync(HttpStatusCode.Created);
        await (await keeper.PostJsonAsync("/api/v1/stock/receive", new { warehouse = depot, item = "masks", quantity = 2, expires = Day(40) }))
            .OkJsonAsync(HttpStatusCode.Created);

        var soon = (await keeper.GetJsonAsync("/api/v1/stock/expiring?days=30")).GetProperty("items").EnumerateArray()
            .Where(l => l.GetProperty("warehouse").GetString() == depot).ToList();
        Assert.Equal(4m, Assert.Single(soon).GetProperty("quantity").GetDecimal());

        // Received goods that are already past their date are refused.
        await (await keeper.PostJsonAsync("/api/v1/stock/receive", new { warehouse = depot, item = "masks", quantity = 1, expires = Day(-1) }))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity, "expired-on-receipt");

        app.Clock.Advance(TimeSpan.FromDays(2));
        await (await keeper.PostJsonAsync("/api/v1/stock/issue", new { warehouse = depot, item = "masks", quantity = 3 }))
            .ProblemAsync(HttpStatusCode.Conflict, "insufficient-stock");
        var issued = await (await keeper.PostJsonAsync("/api/v1/stock/issue", new { warehouse = depot, item = "masks", quantity = 2 }))
            .OkJsonAsync(HttpStatusCode.Created);
        Assert.All(issued.GetProperty("movements").EnumerateArray(), m => Assert.Equal(Day(38), m.GetProperty("lotExpires").GetString()));
        var balance = await BalanceAsync(keeper, depot, "masks");
        Assert.Equal(4m, balance.GetProperty("onHand").GetDecimal());
        Assert.Equal(0m, balance.GetProperty("available").GetDecimal());
        Assert.True(Assert.Single(balance.GetProperty("lots").EnumerateArray()).GetProperty("expired").GetBoolean());
    }

    [Fact]
    public async Task Movements_WhenQuantityBadOrStockShort_RefuseAndStoreNothing()
    {
        var world = await app.WorldAsync();
        var keeper = await app.UserAsync(("logistics-officer", world.CountyA));
        var depot = await WarehouseAsync(keeper, world, world.CommunityA1);
        await (await keeper.PostJsonAsync("/api/v1/stock/receive", new { warehouse = depot, item = "tents", quantity = -3 }))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid-quantity");
        await (await keeper.PostJsonAsync("/api/v1/stock/receive", new { warehouse = depot, item = "tents", quantity = 2.5 }))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid-quantity");
        await (await keeper.PostJsonAsync("/api/v1/stock/receive", new { warehouse = depot, item = "no-such-item", quantity = 1 }))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity, "unknown-item");
        await (await keeper.PostJsonAsync("/api/v1/stock/receive", new { warehouse = "no-such-depot", item = "tents", quantity = 1 }))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity, "unknown-warehouse");
        await (await keeper.PostJsonAsync("/api/v1/stock/receive", new { warehouse = depot, item = "tents" }))
            .ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await (await keeper.PostRawAsync("/api/v1/stock/receive", $$"""{"warehouse":"{{depot}}","item":"tents","quantity":"many"}"""))
            .ProblemAsync(HttpStatusCode.BadRequest, "malformed-json");
        var none = (await keeper.GetJsonAsync($"/api/v1/stock/movements?warehouse={depot}")).GetProperty("items");
        Assert.Equal(0, none.GetArrayLength());

        // Measured goods take decimals; discrete goods and the stock itself never go negative.
        await (await keeper.PostJsonAsync("/api/v1/stock/receive", new { warehouse = depot, item = "drinking-water", quantity = 12.5 }))
            .OkJsonAsync(HttpStatusCode.Created);
        await (await keeper.PostJsonAsync("/api/v1/stock/receive", new { warehouse = depot, item = "tents", quantity = 2 }))
            .OkJsonAsync(HttpStatusCode.Created);
        await (await keeper.PostJsonAsync("/api/v1/stock/issue", new { warehouse = depot, item = "tents", quantity = 3 }))
            .ProblemAsync(HttpStatusCode.Conflict, "insufficient-stock");
        await (await keeper.PostJsonAsync("/api/v1/stock/issue", new { warehouse = depot, item = "blankets", quantity = 1 }))
            .ProblemAsync(HttpStatusCode.Conflict, "insufficient-stock");
        await (await keeper.PostJsonAsync("/api/v1/stock/transfer", new { from = depot, to = depot, item = "tents", quantity = 1 }))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity, "same-warehouse");
        Assert.Equal(2m, (await BalanceAsync(keeper, depot, "tents")).GetProperty("onHand").GetDecimal());
        Assert.Equal(12.5m, (await BalanceAsync(keeper, depot, "drinking-water")).GetProperty("onHand").GetDecimal());
        Assert.Equal(2, (await keeper.GetJsonAsync($"/api/v1/stock/movements?warehouse={depot}")).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Reservations_WhenIssuedAgainstAndReleased_KeepAvailableRight()
    {
        var world = await app.WorldAsync();
        var keeper = await app.UserAsync(("logistics-officer", world.CountyA));
        var depot = await WarehouseAsync(keeper, world, world.CommunityA1);
        await (await keeper.PostJsonAsync("/api/v1/stock/receive", new { warehouse = depot, item = "blankets", quantity = 10 }))
            .OkJsonAsync(HttpStatusCode.Created);
        var reservation = await (await keeper.PostJsonAsync("/api/v1/stock/reservations",
            new { warehouse = depot, item = "blankets", quantity = 6, referenceType = "need-proposal", referenceId = "p-7" })).OkJsonAsync(HttpStatusCode.Created);
        var id = reservation.GetProperty("id").GetString();

        // Unreserved issues cannot eat into what is set aside.
        await (await keeper.PostJsonAsync("/api/v1/stock/issue", new { warehouse = depot, item = "blankets", quantity = 5 }))
            .ProblemAsync(HttpStatusCode.Conflict, "insufficient-stock");
        await (await keeper.PostJsonAsync("/api/v1/stock/reservations", new { warehouse = depot, item = "blankets", quantity = 5 }))
            .ProblemAsync(HttpStatusCode.Conflict, "insufficient-stock");
        var balance = await BalanceAsync(keeper, depot, "blankets");
        Assert.Equal((10m, 6m, 4m), (balance.GetProperty("onHand").GetDecimal(), balance.GetProperty("reserved").GetDecimal(),
            balance.GetProperty("available").GetDecimal()));

        var available = (await keeper.GetJsonAsync("/api/v1/stock/available?item=blankets")).GetProperty("items").EnumerateArray()
            .Single(a => a.GetProperty("warehouse").GetString() == depot);
        Assert.Equal(4m, available.GetProperty("available").GetDecimal());
        await (await keeper.GetAsync("/api/v1/stock/available?item=no-such-item")).ProblemAsync(HttpStatusCode.UnprocessableEntity, "unknown-item");

        await (await keeper.PostJsonAsync($"/api/v1/stock/reservations/{id}/issue", new { quantity = 7 }))
            .ProblemAsync(HttpStatusCode.Conflict, "over-reservation");
        var part = await (await keeper.PostJsonAsync($"/api/v1/stock/reservations/{id}/issue", new { quantity = 4 })).OkJsonAsync();
        Assert.Equal(2m, part.GetProperty("reservation").GetProperty("remaining").GetDecimal());
        var released = await (await keeper.PostJsonAsync($"/api/v1/stock/reservations/{id}/release", new { })).OkJsonAsync();
        Assert.Equal("released", released.GetProperty("reservation").GetProperty("status").GetString());
        await (await keeper.PostJsonAsync($"/api/v1/stock/reservations/{id}/release", new { }))
            .ProblemAsync(HttpStatusCode.Conflict, "reservation-closed");

        balance = await BalanceAsync(keeper, depot, "blankets");
        Assert.Equal((6m, 0m, 6m), (balance.GetProperty("onHand").GetDecimal(), balance.GetProperty("reserved").GetDecimal(),
            balance.GetProperty("available").GetDecimal()));
        var kinds = (await keeper.GetJsonAsync($"/api/v1/stock/movements?warehouse={depot}")).GetProperty("items").EnumerateArray()
            .Select(m => m.GetProperty("kind").GetString()).ToList();
        Assert.Equal(["receive", "reserve", "issue-reserved", "release"], kinds);
        var listed = (await keeper.GetJsonAsync("/api/v1/stock/reservations?referenceType=need-proposal&referenceId=p-7")).GetProperty("items");
        Assert.Contains(listed.EnumerateArray(), r => r.GetProperty("id").GetString() == id);
    }

    [Fact]
    public async Task Issue_When20RequestsRaceForABalanceOf10_ExactlyTenSucceedAndNothingIsOverdrawn()
    {
        var world = await app.WorldAsync();
        var keeper = await app.UserAsync(("logistics-officer", world.CountyA));
        var depot = await WarehouseAsync(keeper, world, world.CommunityA1);
        await (await keeper.PostJsonAsync("/api/v1/stock/receive", new { warehouse = depot, item = "food-parcel", quantity = 10 }))
            .OkJsonAsync(HttpStatusCode.Created);

        // Issues and reservations mixed: both spend the same available quantity.
        using var start = new SemaphoreSlim(0);
        var racers = Enumerable.Range(0, 20).Select(async i =>
        {
            await start.WaitAsync();
            return i % 2 == 0
                ? await keeper.PostJsonAsync("/api/v1/stock/issue", new { warehouse = depot, item = "food-parcel", quantity = 1 })
                : await keeper.PostJsonAsync("/api/v1/stock/reservations", new { warehouse = depot, item = "food-parcel", quantity = 1 });
        }).ToList();
        start.Release(20);
        var answers = await Task.WhenAll(racers);

        var bodies = await Task.WhenAll(answers.Select(a => a.Content.ReadAsStringAsync()));
        Assert.Equal(10, answers.Count(a => a.StatusCode == HttpStatusCode.Created));
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.Created), a => Assert.Equal(HttpStatusCode.Conflict, a.StatusCode));
        Assert.All(bodies.Where(b => b.Contains("\"status\":409", StringComparison.Ordinal)),
            b => Assert.Contains("insufficient-stock", b, StringComparison.Ordinal));

        var balance = await BalanceAsync(keeper, depot, "food-parcel");
        var onHand = balance.GetProperty("onHand").GetDecimal();
        var reserved = balance.GetProperty("reserved").GetDecimal();
        Assert.Equal(0m, balance.GetProperty("available").GetDecimal());
        Assert.Equal(reserved, onHand);
        var ledger = (await keeper.GetJsonAsync($"/api/v1/stock/movements?warehouse={depot}")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(10m - onHand, ledger.Where(m => m.GetProperty("kind").GetString() == "issue").Sum(m => m.GetProperty("quantity").GetDecimal()));
        Assert.Equal(reserved, ledger.Where(m => m.GetProperty("kind").GetString() == "reserve").Sum(m => m.GetProperty("quantity").GetDecimal()));
    }

    [Fact]
    public async Task SaveChanges_WhenTwoWritersSpendTheSameBalance_SecondFailsOnTheConcurrencyToken()
    {
        var world = await app.WorldAsync();
        var keeper = await app.UserAsync(("logistics-officer", world.CountyA));
        var depot = await WarehouseAsync(keeper, world, world.CommunityA1);
        await (await keeper.PostJsonAsync("/api/v1/stock/receive", new { warehouse = depot, item = "sandbags", quantity = 10 }))
            .OkJsonAsync(HttpStatusCode.Created);

        var factory = app.Services.GetRequiredService<IDbContextFactory<CrisisOpsDbContext>>();
        await using var first = await factory.CreateDbContextAsync();
        await using var second = await factory.CreateDbContextAsync();
        var today = DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime);
        var a = await first.StockBalances.Include(b => b.Lots).SingleAsync(b => b.ItemCode == "sandbags" && first.Warehouses.Any(w => w.Id == b.WarehouseId && w.Code == depot));
        var b = await second.StockBalances.Include(x => x.Lots).SingleAsync(x => x.Id == a.Id);
        a.Issue(8, discrete: true, today);
        b.Issue(8, discrete: true, today);
        await first.SaveChangesAsync();
        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => second.SaveChangesAsync());
        Assert.Equal(2m, (await BalanceAsync(keeper, depot, "sandbags")).GetProperty("onHand").GetDecimal());
    }

    [Fact]
    public async Task Movements_WhenOutsideJurisdiction_AreForbidden()
    {
        var world = await app.WorldAsync();
        var keeperA = await app.UserAsync(("logistics-officer", world.CountyA));
        var keeperB = await app.UserAsync(("logistics-officer", world.CountyB));
        var depotA = await WarehouseAsync(keeperA, world, world.CommunityA1);
        var depotB = await WarehouseAsync(keeperB, world, world.CommunityB1);
        await (await keeperA.PostJsonAsync("/api/v1/stock/receive", new { warehouse = depotA, item = "tents", quantity = 5 }))
            .OkJsonAsync(HttpStatusCode.Created);

        await (await keeperB.PostJsonAsync("/api/v1/stock/receive", new { warehouse = depotA, item = "tents", quantity = 5 }))
            .ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");
        await (await keeperB.PostJsonAsync("/api/v1/stock/issue", new { warehouse = depotA, item = "tents", quantity = 1 }))
            .ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");
        await (await keeperA.PostJsonAsync("/api/v1/stock/transfer", new { from = depotA, to = depotB, item = "tents", quantity = 1 }))
            .ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");
        await (await keeperB.GetAsync($"/api/v1/warehouses/{depotA}/stock")).ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");
        await (await keeperB.PostJsonAsync("/api/v1/warehouses", new { code = Code("x"), name = "X", regionCode = world.CountyA }))
            .ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");
        Assert.DoesNotContain((await keeperB.GetJsonAsync("/api/v1/warehouses")).GetProperty("items").EnumerateArray(),
            w => w.GetProperty("code").GetString() == depotA);

        // A reviewer reads but does not move stock; the city's officer moves stock in both counties.
        var reviewer = await app.UserAsync(("reviewer", world.CountyA));
        await (await reviewer.PostJsonAsync("/api/v1/stock/issue", new { warehouse = depotA, item = "tents", quantity = 1 }))
            .ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        var city = await app.UserAsync(("logistics-officer", world.City));
        await (await city.PostJsonAsync("/api/v1/stock/transfer", new { from = depotA, to = depotB, item = "tents", quantity = 2 }))
            .OkJsonAsync(HttpStatusCode.Created);
        Assert.Equal(2m, (await BalanceAsync(keeperB, depotB, "tents")).GetProperty("onHand").GetDecimal());
    }
}

public sealed class StockApiTestsOnSqlite(SqliteApp app) : StockApiTests<SqliteApp>(app);

public sealed class StockApiTestsOnPostgres(PostgresApp app) : StockApiTests<PostgresApp>(app);
