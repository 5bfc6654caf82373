using System.Net;

namespace CrisisOps.Server.Tests.Features;

/// <summary>Partner organisations, their members, and the roles list (角色清单) enforced on every check.</summary>
public abstract class OrganisationTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : CrisisOpsApp
{
    [Fact]
    public async Task Register_WhenMembersSignIn_TheyHoldWhatTheirKindAllows()
    {
        var world = await app.WorldAsync();
        var logistics = await app.UserAsync(("logistics-officer", world.CountyA));
        var code = "red-cross-" + world.CountyA.ToLowerInvariant();
        var created = await (await logistics.PostJsonAsync("/api/v1/organisations",
            new { code, name = "红十字会 Red Cross", kind = "ngo", regionCode = world.CountyA, contact = "duty desk 0371-1234" }))
            .OkJsonAsync(HttpStatusCode.Created);
        Assert.Equal("ngo", created.GetProperty("kind").GetString());

        var (member, _) = await app.PersonAsync(new TestRole("partner-member", world.CountyA, Organisation: code));
        var mine = await member.GetJsonAsync("/api/v1/organisations");
        Assert.Equal(code, Assert.Single(mine.GetProperty("items").EnumerateArray()).GetProperty("code").GetString());

        // The roles list says what each kind may do: NGOs claim needs, the public only follows the board.
        var roles = (await member.GetJsonAsync("/api/v1/organisations/roles")).GetProperty("items").EnumerateArray()
            .ToDictionary(r => r.GetProperty("kind").GetString()!, r => r.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()).ToList());
        Assert.Contains("claim-needs", roles["ngo"]);
        Assert.DoesNotContain("claim-needs", roles["public"]);
        Assert.Contains("read-needs", roles["public"]);
    }

    [Fact]
    public async Task Register_WhenBadOrDuplicateOrOutside_RefusesAndStoresNothing()
    {
        var world = await app.WorldAsync();
        var logistics = await app.UserAsync(("logistics-officer", world.CountyA));
        var code = "pharmacy-" + world.CountyA.ToLowerInvariant();

        var bad = await (await logistics.PostJsonAsync("/api/v1/organisations", new { code = "Bad Code!", name = "", kind = "church", regionCode = world.CountyA }))
            .ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.True(bad.GetProperty("errors").TryGetProperty("code", out _));
        Assert.True(bad.GetProperty("errors").TryGetProperty("kind", out _));

        await (await logistics.PostJsonAsync("/api/v1/organisations", new { code, name = "Pharmacy", kind = "enterprise", regionCode = world.CountyB }))
            .ProblemAsync(HttpStatusCode.Forbidden, "outside-jurisdiction");
        await (await logistics.PostJsonAsync("/api/v1/organisations", new { code, name = "Pharmacy", kind = "enterprise", regionCode = world.CountyA }))
            .OkJsonAsync(HttpStatusCode.Created);
        await (await logistics.PostJsonAsync("/api/v1/organisations", new { code, name = "Again", kind = "enterprise", regionCode = world.CountyA }))
            .ProblemAsync(HttpStatusCode.Conflict, "duplicate-organisation");

        var partner = await app.UserAsync(("duty-officer", world.CountyA));
        await (await partner.PostJsonAsync("/api/v1/organisations", new { code = code + "-x", name = "X", kind = "ngo", regionCode = world.CountyA }))
            .ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Grant_WhenPartnerMemberWithoutOrUnknownOrganisation_Refuses()
    {
        var world = await app.WorldAsync();
        var admin = await app.AdminAsync();
        await admin.PostJsonAsync("/api/v1/users", new { userName = "partner-" + world.CountyA.ToLowerInvariant(), password = "password-of-a-test-user" });
        var url = $"/api/v1/users/partner-{world.CountyA.ToLowerInvariant()}/roles";

        await (await admin.PostJsonAsync(url, new { role = "partner-member", regionCode = world.CountyA }))
            .ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await (await admin.PostJsonAsync(url, new { role = "partner-member", regionCode = world.CountyA, organisation = "nobody-at-all" }))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity, "unknown-organisation");
        await (await admin.PostJsonAsync(url, new { role = "duty-officer", regionCode = world.CountyA, organisation = "nobody-at-all" }))
            .ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
    }
}

public sealed class OrganisationTestsOnSqlite(SqliteApp app) : OrganisationTests<SqliteApp>(app);

public sealed class OrganisationTestsOnPostgres(PostgresApp app) : OrganisationTests<PostgresApp>(app);
