using System.Globalization;
using System.Net;
using System.Text.Json;
using CrisisOps.Data;
using CrisisOps.Domain.Needs;
using CrisisOps.Server.Features.Deadlines;
using CrisisOps.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CrisisOps.Server.Tests.Features;

/// <summary>The needs board: publishing, claims by partner organisations, deliveries, receipts, expiry — and parallel claims that never over-commit.</summary>
public abstract class NeedsBoardApiTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : CrisisOpsApp
{
    private sealed record Board(RegionWorld World, HttpClient Officer, HttpClient Hq, string NgoA, HttpClient MemberA, string NgoB, HttpClient MemberB);

    private string In(TimeSpan after) => (app.Clock.GetUtcNow() + after).ToString("O", CultureInfo.InvariantCulture);

    private async Task<string> OrganisationAsync(RegionWorld world, string name, string kind, string region)
    {
        var logistics = await app.UserAsync(("logistics-officer", world.City));
        var code = $"{name}-{world.Prefix.ToLowerInvariant()}";
        (await logistics.PostJsonAsync("/api/v1/organisations", new { code, name, kind, regionCode = region })).EnsureSuccessStatusCode();
        return code;
    }

    private async Task<Board> BoardAsync()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("community-officer", world.CommunityA1));
        var hq = await app.UserAsync(("duty-officer", world.CountyA));
        var ngoA = await OrganisationAsync(world, "red-cross", "ngo", world.CountyA);
        var ngoB = await OrganisationAsync(world, "kangjian-pharmacy", "enterprise", world.CountyA);
        var (memberA, _) = await app.PersonAsync(new TestRole("partner-member", world.CountyA, Organisation: ngoA));
        var (memberB, _) = await app.PersonAsync(new TestRole("partner-member", world.CountyA, Organisation: ngoB));
        return new Board(world, officer, hq, ngoA, memberA, ngoB, memberB);
    }

    private async Task<JsonElement> PublishAsync(HttpClient client, string region, decimal quantity, bool discrete = true, Guid? incidentId = null) =>
        await (await client.PostJsonAsync("/api/v1/needs", new
        {
            what = "Bottled water 瓶装水", itemCode = "water-bottled", quantity, unit = "boxes", discrete, regionCode = region,
            priority = "urgent", neededBy = In(TimeSpan.FromHours(12)), incidentId,
        })).OkJsonAsync(HttpStatusCode.Created);

    private async Task<HttpResponseMessage> ClaimAsync(HttpClient client, string needId, decimal quantity, TimeSpan? within = null,
        string? organisation = null) =>
        await client.PostJsonAsync($"/api/v1/needs/{needId}/claims",
            new { quantity, promisedBy = In(within ?? TimeSpan.FromHours(4)), organisation });

    private static string Id(JsonElement e) => e.GetProperty("id").GetString()!;

    private static string ClaimId(JsonElement result) => result.GetProperty("claim").GetProperty("id").GetString()!;

    private static decimal Remaining(JsonElement need) => need.GetProperty("remaining").GetDecimal();

    private async Task<JsonElement> NeedAsync(HttpClient client, string id) => (await client.GetJsonAsync($"/api/v1/needs/{id}")).GetProperty("need");

    [Fact]
    public async Task Claims_WhenTwoOrganisationsCoverTheNeedAndReceiptsConfirm_NeedCloses()
    {
        var b = await BoardAsync();
        var incident = await (await b.Hq.PostJsonAsync("/api/v1/incidents", new
        {
            title = "Underpass flooded 地下通道积水", category = "natural-disaster", type = "waterlogging", severity = "IV",
            location = new { lat = b.World.PointIn(b.World.CommunityA1).Lat, lon = b.World.PointIn(b.World.CommunityA1).Lon },
        })).OkJsonAsync(HttpStatusCode.Created);
        var incidentId = Guid.Parse(Id(incident));
        var need = await PublishAsync(b.Hq, b.World.CommunityA1, 500, incidentId: incidentId);
        Assert.Equal("hq", need.GetProperty("publisherKind").GetString());
        Assert.StartsWith("NEED-", need.GetProperty("number").GetString(), StringComparison.Ordinal);

        var first = await (await ClaimAsync(b.MemberA, Id(need), 300)).OkJsonAsync(HttpStatusCode.Created);
        Assert.Equal(200m, Remaining(first.GetProperty("need")));
        var second = await (await ClaimAsync(b.MemberB, Id(need), 200)).OkJsonAsync(HttpStatusCode.Created);
        Assert.Equal(0m, Remaining(second.GetProperty("need")));

        // Nothing left: a third claim is refused, naming what remains.
        var refused = await (await ClaimAsync(b.MemberA, Id(need), 1)).ProblemAsync(HttpStatusCode.Conflict, "claim-exceeds-remaining");
        Assert.Contains("Only 0 boxes remain", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);

        (await b.MemberA.PostJsonAsync($"/api/v1/claims/{ClaimId(first)}/delivered", new { })).EnsureSuccessStatusCode();
        (await b.MemberB.PostJsonAsync($"/api/v1/claims/{ClaimId(second)}/delivered", new { })).EnsureSuccessStatusCode();
        var mine = (await b.MemberA.GetJsonAsync("/api/v1/claims/mine")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal("delivered", Assert.Single(mine).GetProperty("claim").GetProperty("status").GetString());

        await (await b.Officer.PostJsonAsync($"/api/v1/claims/{ClaimId(first)}/receipt", new { quantity = 300 })).OkJsonAsync();
        Assert.Equal("open", (await NeedAsync(b.Officer, Id(need))).GetProperty("status").GetString());
        var last = await (await b.Officer.PostJsonAsync($"/api/v1/claims/{ClaimId(second)}/receipt", new { quantity = 200 })).OkJsonAsync();
        Assert.Equal("closed", last.GetProperty("need").GetProperty("status").GetString());
        Assert.Equal(500m, last.GetProperty("need").GetProperty("received").GetDecimal());

        // Every change is journaled under the incident.
        var types = (await b.Hq.GetJsonAsync($"/api/v1/journal?incidentId={incidentId}&limit=200")).GetProperty("items").EnumerateArray()
            .Select(e => e.GetProperty("type").GetString()).ToList();
        Assert.Contains("need.published", types);
        Assert.Equal(2, types.Count(t => t == "need.claimed"));
        Assert.Equal(2, types.Count(t => t == "need.claim-delivered"));
        Assert.Equal(2, types.Count(t => t == "need.receipt-confirmed"));
        Assert.Contains("need.closed", types);

        // A closed need takes no more claims, and each receipt is confirmed once.
        await (await ClaimAsync(b.MemberA, Id(need), 1)).ProblemAsync(HttpStatusCode.Conflict, "need-not-open");
        await (await b.Officer.PostJsonAsync($"/api/v1/claims/{ClaimId(first)}/receipt", new { quantity = 300 }))
            .ProblemAsync(HttpStatusCode.Conflict, "receipt-already-confirmed");
    }

    [Fact]
    public async Task Receipt_WhenLessThanClaimed_ReturnsTheShortfallToTheBoard()
    {
        var b = await BoardAsync();
        var need = await PublishAsync(b.Officer, b.World.CommunityA1, 100);
        var claim = await (await ClaimAsync(b.MemberA, Id(need), 100)).OkJsonAsync(HttpStatusCode.Created);
        (await b.MemberA.PostJsonAsync($"/api/v1/claims/{ClaimId(claim)}/delivered", new { })).EnsureSuccessStatusCode();

        await (await b.Officer.PostJsonAsync($"/api/v1/claims/{ClaimId(claim)}/receipt", new { quantity = 101 }))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity, "receipt-exceeds-claim");
        var result = await (await b.Officer.PostJsonAsync($"/api/v1/claims/{ClaimId(claim)}/receipt", new { quantity = 70 })).OkJsonAsync();
        Assert.Equal(30m, Remaining(result.GetProperty("need")));
        Assert.Equal("open", result.GetProperty("need").GetProperty("status").GetString());

        // The shortfall can be claimed again.
        await (await ClaimAsync(b.MemberB, Id(need), 31)).ProblemAsync(HttpStatusCode.Conflict, "claim-exceeds-remaining");
        await (await ClaimAsync(b.MemberB, Id(need), 30)).OkJsonAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Claim_WhenUndeliveredByThePromisedTime_ExpiresAndReturnsItsQuantity()
    {
        var b = await BoardAsync();
        var need = await PublishAsync(b.Officer, b.World.CommunityA1, 80);
        var claim = await (await ClaimAsync(b.MemberA, Id(need), 50, TimeSpan.FromHours(2))).OkJsonAsync(HttpStatusCode.Created);
        var kept = await (await ClaimAsync(b.MemberB, Id(need), 30, TimeSpan.FromHours(2))).OkJsonAsync(HttpStatusCode.Created);
        (await b.MemberB.PostJsonAsync($"/api/v1/claims/{ClaimId(kept)}/delivered", new { })).EnsureSuccessStatusCode();
        Assert.Equal(0m, Remaining(await NeedAsync(b.Officer, Id(need))));

        app.Clock.Advance(TimeSpan.FromHours(1));
        await app.Services.GetRequiredService<DeadlineRunner>().FireDueAsync(CancellationToken.None);
        Assert.Equal(0m, Remaining(await NeedAsync(b.Officer, Id(need))));

        app.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));
        await app.Services.GetRequiredService<DeadlineRunner>().FireDueAsync(CancellationToken.None);
        var after = await b.Officer.GetJsonAsync($"/api/v1/needs/{Id(need)}");
        Assert.Equal(50m, Remaining(after.GetProperty("need")));
        var statuses = after.GetProperty("claims").EnumerateArray().ToDictionary(c => c.GetProperty("id").GetString()!, c => c.GetProperty("status").GetString());
        Assert.Equal("expired", statuses[ClaimId(claim)]);
        Assert.Equal("delivered", statuses[ClaimId(kept)]);

        await (await b.MemberA.PostJsonAsync($"/api/v1/claims/{ClaimId(claim)}/delivered", new { }))
            .ProblemAsync(HttpStatusCode.Conflict, "claim-not-active");
        var journal = (await b.Officer.GetJsonAsync($"/api/v1/journal?type=need.claim-expired&region={b.World.CommunityA1}")).GetProperty("items");
        Assert.Equal(ClaimId(claim), Assert.Single(journal.EnumerateArray()).GetProperty("payload").GetProperty("claimId").GetString());

        // The expired claim's duty is closed (its miss kept), so it does not stay overdue in the open deadlines for ever.
        var duties = (await b.Officer.GetJsonAsync("/api/v1/deadlines?status=all&limit=500")).GetProperty("items").EnumerateArray()
            .Where(d => d.GetProperty("kind").GetString() == "claim-delivery").ToList();
        var expired = duties.Single(d => d.GetProperty("subjectId").GetString() == ClaimId(claim));
        Assert.Equal("cancelled", expired.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.String, expired.GetProperty("missedAt").ValueKind);
    }

    [Fact]
    public async Task Withdraw_WhenTheOrganisationTakesItBack_QuantityReturnsAndDeadlineIsCancelled()
    {
        var b = await BoardAsync();
        var need = await PublishAsync(b.Officer, b.World.CommunityA1, 40);
        var claim = await (await ClaimAsync(b.MemberA, Id(need), 25)).OkJsonAsync(HttpStatusCode.Created);

        await (await b.MemberB.PostJsonAsync($"/api/v1/claims/{ClaimId(claim)}/withdraw", new { }))
            .ProblemAsync(HttpStatusCode.Forbidden, "not-your-organisation");
        var result = await (await b.MemberA.PostJsonAsync($"/api/v1/claims/{ClaimId(claim)}/withdraw", new { })).OkJsonAsync();
        Assert.Equal("withdrawn", result.GetProperty("claim").GetProperty("status").GetString());
        Assert.Equal(40m, Remaining(result.GetProperty("need")));
        await (await b.MemberA.PostJsonAsync($"/api/v1/claims/{ClaimId(claim)}/withdraw", new { }))
            .ProblemAsync(HttpStatusCode.Conflict, "claim-not-active");

        await using var db = await app.Services.GetRequiredService<IDbContextFactory<CrisisOpsDbContext>>().CreateDbContextAsync();
        var id = Guid.Parse(ClaimId(claim));
        Assert.Equal(Domain.Deadlines.DeadlineStatus.Cancelled, (await db.Deadlines.SingleAsync(d => d.SubjectId == id)).Status);
    }

    [Fact]
    public async Task Board_WhenPartnersAndStaffLook_EachSeesTheirArea()
    {
        var b = await BoardAsync();
        var mine = await PublishAsync(b.Officer, b.World.CommunityA1, 10);
        var officerB = await app.UserAsync(("community-officer", b.World.CommunityB1));
        var elsewhere = await PublishAsync(officerB, b.World.CommunityB1, 10);
        var cancelled = await PublishAsync(b.Officer, b.World.CommunityA1, 10);
        await (await b.Officer.PostJsonAsync($"/api/v1/needs/{Id(cancelled)}/cancel", new { })).ProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid-reason");
        (await b.Officer.PostJsonAsync($"/api/v1/needs/{Id(cancelled)}/cancel", new { reason = "Supplied by the district" })).EnsureSuccessStatusCode();

        var partnerSees = (await b.MemberA.GetJsonAsync("/api/v1/needs")).GetProperty("items").EnumerateArray().Select(Id).ToList();
        Assert.Contains(Id(mine), partnerSees);
        Assert.DoesNotContain(Id(elsewhere), partnerSees);
        Assert.DoesNotContain(Id(cancelled), partnerSees);
        await (await b.MemberA.GetAsync($"/api/v1/needs/{Id(elsewhere)}")).ProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await b.MemberA.GetAsync($"/api/v1/needs?region={b.World.CountyB}")).ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");

        var staffSees = (await b.Hq.GetJsonAsync($"/api/v1/needs?region={b.World.CommunityA1}")).GetProperty("items").EnumerateArray().Select(Id).ToList();
        Assert.Contains(Id(cancelled), staffSees);
        Assert.DoesNotContain(Id(elsewhere), staffSees);
        var open = (await b.Hq.GetJsonAsync("/api/v1/needs?status=open")).GetProperty("items").EnumerateArray().Select(Id).ToList();
        Assert.Contains(Id(mine), open);
        Assert.DoesNotContain(Id(cancelled), open);
        await (await b.Hq.GetAsync("/api/v1/needs?status=maybe")).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
    }

    [Fact]
    public async Task BadInput_WhenClaimsPublishingOrReceiptsBreakTheRules_RefusesAndStoresNothing()
    {
        var b = await BoardAsync();

        // Publishing: missing fields, fractional discrete quantity, someone else's region, a community officer naming an incident.
        var bad = await (await b.Officer.PostJsonAsync("/api/v1/needs", new { what = "", quantity = (decimal?)null, itemCode = "Bad Code!" }))
            .ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.True(bad.GetProperty("errors").TryGetProperty("itemCode", out _));
        Assert.True(bad.GetProperty("errors").TryGetProperty("neededBy", out _));
        await (await b.Officer.PostJsonAsync("/api/v1/needs", new
        {
            what = "Tents", quantity = 2.5m, unit = "tents", discrete = true, regionCode = b.World.CommunityA1, neededBy = In(TimeSpan.FromHours(2)),
        })).ProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid-quantity");
        await (await b.Officer.PostJsonAsync("/api/v1/needs", new
        {
            what = "Tents", quantity = 2, unit = "tents", discrete = true, regionCode = b.World.CommunityA1, neededBy = In(TimeSpan.FromHours(-1)),
        })).ProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid-need");
        await (await b.Officer.PostJsonAsync("/api/v1/needs", new
        {
            what = "Tents", quantity = 2, unit = "tents", discrete = true, regionCode = b.World.CommunityA2, neededBy = In(TimeSpan.FromHours(2)),
        })).ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");
        await (await b.MemberA.PostJsonAsync("/api/v1/needs", new
        {
            what = "Tents", quantity = 2, unit = "tents", regionCode = b.World.CommunityA1, neededBy = In(TimeSpan.FromHours(2)),
        })).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        var need = await PublishAsync(b.Officer, b.World.CommunityA1, 50);

        // Claims: negative, fractional of a discrete item, more than remains, in the past, too far ahead.
        await (await ClaimAsync(b.MemberA, Id(need), -5)).ProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid-quantity");
        await (await ClaimAsync(b.MemberA, Id(need), 1.5m)).ProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid-quantity");
        var over = await (await ClaimAsync(b.MemberA, Id(need), 51)).ProblemAsync(HttpStatusCode.Conflict, "claim-exceeds-remaining");
        Assert.Contains("Only 50 boxes remain", over.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await (await ClaimAsync(b.MemberA, Id(need), 5, TimeSpan.FromMinutes(-5))).ProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid-promise");
        await (await ClaimAsync(b.MemberA, Id(need), 5, TimeSpan.FromDays(31))).ProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid-promise");
        await (await b.MemberA.PostJsonAsync($"/api/v1/needs/{Id(need)}/claims", new { quantity = 5 }))
            .ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");

        // Claiming for another organisation, as the public, or from outside the organisation's area.
        await (await ClaimAsync(b.MemberA, Id(need), 5, organisation: b.NgoB)).ProblemAsync(HttpStatusCode.Forbidden, "not-your-organisation");
        var publicGroup = await OrganisationAsync(b.World, "residents", "public", b.World.CountyA);
        var (resident, _) = await app.PersonAsync(new TestRole("partner-member", b.World.CountyA, Organisation: publicGroup));
        await (await ClaimAsync(resident, Id(need), 5)).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        var ngoB = await OrganisationAsync(b.World, "volunteers", "ngo", b.World.CountyB);
        var (outsider, _) = await app.PersonAsync(new TestRole("partner-member", b.World.CountyB, Organisation: ngoB));
        await (await ClaimAsync(outsider, Id(need), 5)).ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");
        await (await ClaimAsync(b.Hq, Id(need), 5)).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        // Nothing was stored by the refusals.
        Assert.Equal(50m, Remaining(await NeedAsync(b.Officer, Id(need))));

        // Delivering someone else's claim, confirming outside one's region, a second confirmation.
        var claim = await (await ClaimAsync(b.MemberA, Id(need), 20)).OkJsonAsync(HttpStatusCode.Created);
        await (await b.MemberB.PostJsonAsync($"/api/v1/claims/{ClaimId(claim)}/delivered", new { }))
            .ProblemAsync(HttpStatusCode.Forbidden, "not-your-organisation");
        var officerB = await app.UserAsync(("community-officer", b.World.CommunityB1));
        await (await officerB.PostJsonAsync($"/api/v1/claims/{ClaimId(claim)}/receipt", new { quantity = 20 }))
            .ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");
        await (await b.Officer.PostJsonAsync($"/api/v1/claims/{ClaimId(claim)}/receipt", new { quantity = 19.5m }))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid-quantity");
        await (await b.Officer.PostJsonAsync($"/api/v1/claims/{ClaimId(claim)}/receipt", new { quantity = 20 })).OkJsonAsync();
        await (await b.Officer.PostJsonAsync($"/api/v1/claims/{ClaimId(claim)}/receipt", new { quantity = 20 }))
            .ProblemAsync(HttpStatusCode.Conflict, "receipt-already-confirmed");
        await (await b.MemberA.PostJsonAsync($"/api/v1/claims/{Guid.NewGuid()}/delivered", new { })).ProblemAsync(HttpStatusCode.NotFound, "not-found");

        // Cancelled: no more claims.
        (await b.Officer.PostJsonAsync($"/api/v1/needs/{Id(need)}/cancel", new { reason = "Duplicate" })).EnsureSuccessStatusCode();
        await (await ClaimAsync(b.MemberA, Id(need), 1)).ProblemAsync(HttpStatusCode.Conflict, "need-not-open");
    }

    [Fact]
    public async Task Claims_WhenTwentyClaimersRaceForOneNeed_NeverOverCommit()
    {
        var b = await BoardAsync();
        var need = await PublishAsync(b.Officer, b.World.CommunityA1, 500);

        // 20 claimers from two organisations, 35 each: 14 fit (490), 6 must be refused cleanly.
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => ClaimAsync(i % 2 == 0 ? b.MemberA : b.MemberB, Id(need), 35))));
        var accepted = responses.Count(r => r.StatusCode == HttpStatusCode.Created);
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            await refused.ProblemAsync(HttpStatusCode.Conflict, "claim-exceeds-remaining");
        }

        Assert.Equal(14, accepted);
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<CrisisOpsDbContext>>().CreateDbContextAsync();
        var id = Guid.Parse(Id(need));
        var claims = await db.NeedClaims.AsNoTracking().Where(c => c.NeedId == id).ToListAsync();
        var row = await db.Needs.AsNoTracking().SingleAsync(n => n.Id == id);
        Assert.Equal(14, claims.Count);
        Assert.Equal(490m, claims.Sum(c => c.Quantity));
        Assert.Equal(490m, row.Committed);
        Assert.True(row.Committed + row.Received <= row.Quantity);
        Assert.Equal(14, await db.Journal.CountAsync(e => e.Type == "need.claimed" && e.RegionCode == b.World.CommunityA1));
    }
}

public sealed class NeedsBoardApiTestsOnSqlite(SqliteApp app) : NeedsBoardApiTests<SqliteApp>(app);

public sealed class NeedsBoardApiTestsOnPostgres(PostgresApp app) : NeedsBoardApiTests<PostgresApp>(app);
