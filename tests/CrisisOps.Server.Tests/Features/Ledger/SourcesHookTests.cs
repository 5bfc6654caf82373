using System.Globalization;
using System.Net;
using System.Text.Json;
using CrisisOps.Domain.Ledger;
using CrisisOps.Server.Features.Ledger;
using CrisisOps.Testing;
using Microsoft.Extensions.DependencyInjection;
using static CrisisOps.Server.Tests.Features.Ledger.SourcesTestKit;

namespace CrisisOps.Server.Tests.Features.Ledger;

/// <summary>Every movement of goods lands on the ledger in the same transaction: stock receipts, issues, transfers, confirmed deliveries.</summary>
public abstract class SourcesHookTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : CrisisOpsApp
{
    private string Day(int fromToday) =>
        DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime).AddDays(fromToday).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private string In(TimeSpan after) => (app.Clock.GetUtcNow() + after).ToString("O", CultureInfo.InvariantCulture);

    [Fact]
    public async Task StockMovements_WhenGoodsMove_EachIsOneEntryAndReservationsAreNone()
    {
        var world = await app.WorldAsync();
        var keeper = await app.UserAsync(("logistics-officer", world.CountyA));
        var north = await WarehouseAsync(keeper, world, world.CommunityA1);
        var south = await WarehouseAsync(keeper, world, world.CommunityA2);
        var before = await EntryCountAsync(app);

        // The free-text source may name a person; it stays in the stock ledger and never reaches the public one.
        await (await keeper.PostJsonAsync("/api/v1/stock/receive", new { warehouse = north, item = "drinking-water", quantity = 12.5, expires = Day(30),
            source = "张伟 private donor +43 660 1234567" })).OkJsonAsync(HttpStatusCode.Created);
        await (await keeper.PostJsonAsync("/api/v1/stock/issue", new { warehouse = north, item = "drinking-water", quantity = 2,
            referenceType = "order", referenceId = "secret-order-text" })).OkJsonAsync(HttpStatusCode.Created);
        await (await keeper.PostJsonAsync("/api/v1/stock/transfer", new { from = north, to = south, item = "drinking-water", quantity = 4 }))
            .OkJsonAsync(HttpStatusCode.Created);
        var reservation = await (await keeper.PostJsonAsync("/api/v1/stock/reservations", new { warehouse = north, item = "drinking-water", quantity = 3 }))
            .OkJsonAsync(HttpStatusCode.Created);
        await (await keeper.PostJsonAsync($"/api/v1/stock/reservations/{reservation.GetProperty("id").GetString()}/release", new { })).OkJsonAsync();

        Assert.Equal(before + 3, await EntryCountAsync(app));
        var atNorth = await SearchAsync(app, $"warehouse={north}");
        Assert.Equal(["transfer", "stock-issue", "stock-receipt"], atNorth.Select(e => e.GetProperty("kind").GetString()).ToList());
        var receipt = Body(atNorth[2]);
        Assert.Equal(world.CommunityA1, MemberText(receipt, "region"));
        Assert.Equal("drinking-water", MemberText(receipt, "item"));
        Assert.Equal("12.5", MemberText(receipt, "quantity"));
        Assert.Equal(Day(30), MemberText(receipt, "expires"));
        Assert.False(string.IsNullOrEmpty(MemberText(receipt, "unit")));
        Assert.Equal(1, receipt["v"]!.GetValue<int>());
        Assert.Equal("2", MemberText(Body(atNorth[1]), "quantity"));
        Assert.Null(Body(atNorth[1])["need"]);
        var transfer = Body(atNorth[0]);
        Assert.Equal(south, MemberText(transfer, "to"));
        Assert.Equal(world.CommunityA2, MemberText(transfer, "toRegion"));
        Assert.Equal("4", MemberText(transfer, "quantity"));

        // The receiving warehouse finds the transfer too, filed under the sender.
        var atSouth = await SearchAsync(app, $"warehouse={south}");
        Assert.Equal(atNorth[0].GetProperty("entryId").GetInt64(), Assert.Single(atSouth).GetProperty("entryId").GetInt64());

        foreach (var item in atNorth)
        {
            var text = item.GetProperty("body").GetString()!;
            Assert.DoesNotContain("张伟", text, StringComparison.Ordinal);
            Assert.DoesNotContain("1234567", text, StringComparison.Ordinal);
            Assert.DoesNotContain("secret-order-text", text, StringComparison.Ordinal);
            Assert.DoesNotContain("user", text, StringComparison.Ordinal);
            Assert.Equal("pending", item.GetProperty("status").GetProperty("state").GetString());
            Assert.Equal(44, item.GetProperty("leafHash").GetString()!.Length);
        }
    }

    [Fact]
    public async Task StockMovement_WhenRefused_AppendsNothing()
    {
        var world = await app.WorldAsync();
        var keeper = await app.UserAsync(("logistics-officer", world.CountyA));
        var north = await WarehouseAsync(keeper, world, world.CommunityA1);
        var before = await EntryCountAsync(app);

        await (await keeper.PostJsonAsync("/api/v1/stock/issue", new { warehouse = north, item = "food-parcel", quantity = 1 }))
            .ProblemAsync(HttpStatusCode.Conflict, "insufficient-stock");
        await (await keeper.PostJsonAsync("/api/v1/stock/receive", new { warehouse = north, item = "food-parcel", quantity = 1, expires = Day(-1) }))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity, "expired-on-receipt");

        Assert.Equal(before, await EntryCountAsync(app));
        Assert.Empty(await SearchAsync(app, $"warehouse={north}"));
    }

    [Fact]
    public async Task IssueReserved_WhenTheReservationServesANeed_EntryNamesTheNeed()
    {
        var world = await app.WorldAsync();
        var keeper = await app.UserAsync(("logistics-officer", world.CountyA));
        var officer = await app.UserAsync(("community-officer", world.CommunityA1));
        var north = await WarehouseAsync(keeper, world, world.CommunityA1);
        var need = await (await officer.PostJsonAsync("/api/v1/needs", new
        {
            what = "Food parcels 食品包", itemCode = "food-parcel", quantity = 40, unit = "parcels", discrete = true, regionCode = world.CommunityA1,
            priority = "urgent", neededBy = In(TimeSpan.FromHours(12)),
        })).OkJsonAsync(HttpStatusCode.Created);
        var number = need.GetProperty("number").GetString()!;
        await (await keeper.PostJsonAsync("/api/v1/stock/receive", new { warehouse = north, item = "food-parcel", quantity = 50 }))
            .OkJsonAsync(HttpStatusCode.Created);
        var reservation = await (await keeper.PostJsonAsync("/api/v1/stock/reservations", new
        {
            warehouse = north, item = "food-parcel", quantity = 10, referenceType = "need", referenceId = number,
        })).OkJsonAsync(HttpStatusCode.Created);

        await (await keeper.PostJsonAsync($"/api/v1/stock/reservations/{reservation.GetProperty("id").GetString()}/issue", new { quantity = 6 }))
            .OkJsonAsync();
        await (await keeper.PostJsonAsync("/api/v1/stock/issue", new
        {
            warehouse = north, item = "food-parcel", quantity = 1, referenceType = "need", referenceId = need.GetProperty("id").GetString(),
        })).OkJsonAsync(HttpStatusCode.Created);

        var forNeed = await SearchAsync(app, $"need={number}");
        Assert.Equal(["stock-issue", "stock-issue"], forNeed.Select(e => e.GetProperty("kind").GetString()).ToList());
        Assert.Equal(["1", "6"], forNeed.Select(e => MemberText(Body(e), "quantity")).ToList());
        Assert.All(forNeed, e => Assert.Equal(north, e.GetProperty("warehouse").GetString()));
    }

    [Fact]
    public async Task ConfirmReceipt_WhenTheCommunityConfirms_DeliveryIsPublishedOnceWithTheOrganisationAndNoNames()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("community-officer", world.CommunityA1));
        var logistics = await app.UserAsync(("logistics-officer", world.City));
        var ngo = $"river-aid-{world.Prefix.ToLowerInvariant()}";
        (await logistics.PostJsonAsync("/api/v1/organisations", new { code = ngo, name = "河流互助 River Aid", kind = "ngo", regionCode = world.CountyA }))
            .EnsureSuccessStatusCode();
        var (member, memberName) = await app.PersonAsync(new TestRole("partner-member", world.CountyA, Organisation: ngo));
        var need = await (await officer.PostJsonAsync("/api/v1/needs", new
        {
            what = "Bottled water 瓶装水", itemCode = "water-bottled", quantity = 100, unit = "boxes", discrete = true, regionCode = world.CommunityA1,
            priority = "urgent", neededBy = In(TimeSpan.FromHours(12)),
        })).OkJsonAsync(HttpStatusCode.Created);
        var number = need.GetProperty("number").GetString()!;
        var claim = await (await member.PostJsonAsync($"/api/v1/needs/{need.GetProperty("id").GetString()}/claims",
            new { quantity = 30, promisedBy = In(TimeSpan.FromHours(3)) })).OkJsonAsync(HttpStatusCode.Created);
        var claimId = claim.GetProperty("claim").GetProperty("id").GetString()!;
        (await member.PostJsonAsync($"/api/v1/claims/{claimId}/delivered", new { })).EnsureSuccessStatusCode();
        Assert.Empty(await SearchAsync(app, $"need={number}"));

        await (await officer.PostJsonAsync($"/api/v1/claims/{claimId}/receipt", new { quantity = 28 })).OkJsonAsync();
        await (await officer.PostJsonAsync($"/api/v1/claims/{claimId}/receipt", new { quantity = 28 }))
            .ProblemAsync(HttpStatusCode.Conflict, "receipt-already-confirmed");

        var found = Assert.Single(await SearchAsync(app, $"need={number}"));
        Assert.Equal("delivery-confirmed", found.GetProperty("kind").GetString());
        Assert.Equal(ngo, found.GetProperty("party").GetString());
        Assert.Equal("water-bottled", found.GetProperty("item").GetString());
        var body = Body(found);
        Assert.Equal("28", MemberText(body, "quantity"));
        Assert.Equal("30", MemberText(body, "claimed"));
        Assert.Equal("boxes", MemberText(body, "unit"));
        Assert.Equal(world.CommunityA1, MemberText(body, "region"));
        Assert.Equal(claimId, MemberText(body, "claim"));
        Assert.DoesNotContain(memberName, found.GetProperty("body").GetString()!, StringComparison.Ordinal);
        Assert.Equal(found.GetProperty("entryId").GetInt64(), Assert.Single(await SearchAsync(app, $"party={ngo}")).GetProperty("entryId").GetInt64());
        Assert.Single(await SearchAsync(app, $"need={number}&kind=delivery-confirmed"));
        Assert.Empty(await SearchAsync(app, $"need={number}&kind=donation"));
    }

    [Fact]
    public async Task Search_WhenIntegrated_ShowsTheFirstCheckpointThatIncludesEachEntry()
    {
        var world = await app.WorldAsync();
        var keeper = await app.UserAsync(("logistics-officer", world.CountyA));
        var north = await WarehouseAsync(keeper, world, world.CommunityA1);
        var integrator = app.Services.GetRequiredService<LedgerIntegrator>();
        await (await keeper.PostJsonAsync("/api/v1/stock/receive", new { warehouse = north, item = "masks", quantity = 100 }))
            .OkJsonAsync(HttpStatusCode.Created);
        Assert.Equal("pending", Assert.Single(await SearchAsync(app, $"warehouse={north}")).GetProperty("status").GetProperty("state").GetString());

        var first = await integrator.IntegrateNowAsync(CancellationToken.None);
        await (await keeper.PostJsonAsync("/api/v1/stock/issue", new { warehouse = north, item = "masks", quantity = 30 }))
            .OkJsonAsync(HttpStatusCode.Created);
        app.Clock.Advance(TimeSpan.FromSeconds(1));
        var second = await integrator.IntegrateNowAsync(CancellationToken.None);

        var found = await SearchAsync(app, $"warehouse={north}");
        var issue = found[0].GetProperty("status");
        var receipt = found[1].GetProperty("status");
        Assert.Equal(["included", "included"], new[] { issue, receipt }.Select(s => s.GetProperty("state").GetString()).ToList());
        Assert.Equal(first.Size, receipt.GetProperty("checkpointSize").GetInt64());
        Assert.Equal(first.Size - 1, receipt.GetProperty("index").GetInt64());
        Assert.Equal(second.Size, issue.GetProperty("checkpointSize").GetInt64());
        Assert.True(issue.GetProperty("checkpointTime").GetDateTimeOffset() > receipt.GetProperty("checkpointTime").GetDateTimeOffset());

        // The log serves the same leaf at that index, and a proof against the checkpoint the search named.
        using var anonymous = app.Anonymous();
        var index = receipt.GetProperty("index").GetInt64();
        var leaf = await anonymous.GetJsonAsync($"/api/v1/public/ledger/entries/{index}");
        Assert.Equal(found[1].GetProperty("entryId").GetInt64(), leaf.GetProperty("entryId").GetInt64());
        Assert.Equal(found[1].GetProperty("body").GetString(), leaf.GetProperty("body").GetString());
        var proof = await anonymous.GetJsonAsync($"/api/v1/public/ledger/proof/inclusion?index={index}&size={first.Size}");
        Assert.Equal(found[1].GetProperty("leafHash").GetString(), proof.GetProperty("leafHash").GetString());

        // The public page says so in words, with the proof element for the browser to check.
        var page = await anonymous.GetStringAsync($"/public/ledger/entries/{found[1].GetProperty("entryId").GetInt64()}");
        Assert.Contains($"data-index=\"{index}\"", page, StringComparison.Ordinal);
        Assert.Contains($"data-size=\"{first.Size}\"", page, StringComparison.Ordinal);
        Assert.Contains($"crisisops ledger prove {index}", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_WhenParametersAreBad_Returns400AndAnswersAnonymously()
    {
        using var anonymous = app.Anonymous();
        foreach (var query in new[] { "limit=0", "limit=201", "kind=gift", "before=0", "need=" + new string('x', 129), "need=" })
        {
            await (await anonymous.GetAsync("/api/v1/public/ledger/search?" + query)).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        }

        await (await anonymous.GetAsync("/api/v1/public/ledger/search?limit=abc")).ProblemAsync(HttpStatusCode.BadRequest, "malformed-request");
        var empty = await anonymous.GetJsonAsync("/api/v1/public/ledger/search?need=NEED-NOT-THERE");
        Assert.Equal(JsonValueKind.Null, empty.GetProperty("next").ValueKind);
        Assert.Empty(empty.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Search_WhenMoreThanAPage_PagesNewestFirstWithTheCursor()
    {
        var world = await app.WorldAsync();
        var keeper = await app.UserAsync(("logistics-officer", world.CountyA));
        var north = await WarehouseAsync(keeper, world, world.CommunityA1);
        for (var i = 1; i <= 5; i++)
        {
            await (await keeper.PostJsonAsync("/api/v1/stock/receive", new { warehouse = north, item = "masks", quantity = i }))
                .OkJsonAsync(HttpStatusCode.Created);
        }

        using var anonymous = app.Anonymous();
        var first = await anonymous.GetJsonAsync($"/api/v1/public/ledger/search?warehouse={north}&limit=2");
        var next = first.GetProperty("next").GetInt64();
        var second = await anonymous.GetJsonAsync($"/api/v1/public/ledger/search?warehouse={north}&limit=2&before={next}");
        var third = await anonymous.GetJsonAsync($"/api/v1/public/ledger/search?warehouse={north}&limit=2&before={second.GetProperty("next").GetInt64()}");

        var quantities = new[] { first, second, third }.SelectMany(p => p.GetProperty("items").EnumerateArray()).Select(e => MemberText(Body(e), "quantity")).ToList();
        Assert.Equal(["5", "4", "3", "2", "1"], quantities);
        Assert.Equal(JsonValueKind.Null, third.GetProperty("next").ValueKind);
    }

    [Fact]
    public async Task Search_WhenSomeEntriesAreIntegratedAndSomePending_PagesAcrossBothAndFindsATransferAtBothEnds()
    {
        var world = await app.WorldAsync();
        var keeper = await app.UserAsync(("logistics-officer", world.CountyA));
        var north = await WarehouseAsync(keeper, world, world.CommunityA1);
        var south = await WarehouseAsync(keeper, world, world.CommunityA2);
        var integrator = app.Services.GetRequiredService<LedgerIntegrator>();
        for (var i = 1; i <= 3; i++)
        {
            await (await keeper.PostJsonAsync("/api/v1/stock/receive", new { warehouse = north, item = "masks", quantity = i }))
                .OkJsonAsync(HttpStatusCode.Created);
        }

        await (await keeper.PostJsonAsync("/api/v1/stock/transfer", new { from = north, to = south, item = "masks", quantity = 2 }))
            .OkJsonAsync(HttpStatusCode.Created);
        app.Clock.Advance(TimeSpan.FromSeconds(1));
        await integrator.IntegrateNowAsync(CancellationToken.None);
        for (var i = 4; i <= 5; i++)
        {
            await (await keeper.PostJsonAsync("/api/v1/stock/receive", new { warehouse = north, item = "masks", quantity = i }))
                .OkJsonAsync(HttpStatusCode.Created);
        }

        // Newest first across the pending tail (5, 4) and the integrated part found through the postings (transfer, 3, 2, 1).
        using var anonymous = app.Anonymous();
        var items = new List<JsonElement>();
        long? before = null;
        do
        {
            var page = await anonymous.GetJsonAsync($"/api/v1/public/ledger/search?warehouse={north}&limit=2" + (before is { } b ? $"&before={b}" : ""));
            items.AddRange(page.GetProperty("items").EnumerateArray());
            before = page.GetProperty("next").ValueKind == JsonValueKind.Null ? null : page.GetProperty("next").GetInt64();
        }
        while (before is not null);

        Assert.Equal(["5", "4", "2", "3", "2", "1"], items.Select(e => MemberText(Body(e), "quantity")).ToList());
        Assert.Equal(["pending", "pending", "included", "included", "included", "included"],
            items.Select(e => e.GetProperty("status").GetProperty("state").GetString()).ToList());
        Assert.Equal(LedgerEntryKinds.Transfer, items[2].GetProperty("kind").GetString());

        // The receiving warehouse finds the integrated transfer too, through its own posting.
        var atSouth = Assert.Single(await SearchAsync(app, $"warehouse={south}"));
        Assert.Equal(items[2].GetProperty("entryId").GetInt64(), atSouth.GetProperty("entryId").GetInt64());
        Assert.Equal("included", atSouth.GetProperty("status").GetProperty("state").GetString());
    }
}

public sealed class SourcesHookTestsOnSqlite(SqliteApp app) : SourcesHookTests<SqliteApp>(app);

public sealed class SourcesHookTestsOnPostgres(PostgresApp app) : SourcesHookTests<PostgresApp>(app);
