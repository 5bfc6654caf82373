using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace CrisisOps.Server.Tests.Features;

public abstract class AccessApiTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : CrisisOpsApp
{
    [Fact]
    public async Task Request_WhenNoCredentials_Returns401Problem()
    {
        var anonymous = app.Anonymous();
        foreach (var url in new[] { "/api/v1/incidents", "/api/v1/regions", "/api/v1/journal", "/api/v1/deadlines", "/api/v1/me" })
        {
            await (await anonymous.GetAsync(url)).ProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
        }

        await (await anonymous.PostJsonAsync("/api/v1/incidents", new { title = "x" })).ProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Token_WhenPasswordWrong_Returns401AndCreatesNothing()
    {
        await (await app.Anonymous().PostJsonAsync("/api/v1/auth/tokens", new { userName = "admin", password = "wrong-password-123" }))
            .ProblemAsync(HttpStatusCode.Unauthorized, "invalid-credentials");
        await (await app.Anonymous().PostJsonAsync("/api/v1/auth/tokens", new { userName = "nobody", password = "wrong-password-123" }))
            .ProblemAsync(HttpStatusCode.Unauthorized, "invalid-credentials");
    }

    [Fact]
    public async Task Token_WhenRevoked_NoLongerAuthenticates()
    {
        var client = app.Anonymous();
        var created = await (await client.PostJsonAsync("/api/v1/auth/tokens", new { userName = "admin", password = CrisisOpsApp.AdminPassword }))
            .OkJsonAsync(HttpStatusCode.Created);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", created.GetProperty("token").GetString());
        Assert.Equal("admin", (await client.GetJsonAsync("/api/v1/me")).GetProperty("userName").GetString());
        Assert.Contains((await client.GetJsonAsync("/api/v1/auth/tokens")).EnumerateArray(),
            t => t.GetProperty("id").GetString() == created.GetProperty("id").GetString());

        (await client.DeleteAsync($"/api/v1/auth/tokens/{created.GetProperty("id").GetString()}")).EnsureSuccessStatusCode();

        await (await client.GetAsync("/api/v1/me")).ProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Token_WhenExpired_NoLongerAuthenticates()
    {
        var client = app.Anonymous();
        var created = await (await client.PostJsonAsync("/api/v1/auth/tokens", new
        {
            userName = "admin", password = CrisisOpsApp.AdminPassword, name = "short", expiresInDays = 1,
        })).OkJsonAsync(HttpStatusCode.Created);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", created.GetProperty("token").GetString());
        (await client.GetAsync("/api/v1/me")).EnsureSuccessStatusCode();

        app.Clock.Advance(TimeSpan.FromDays(1).Add(TimeSpan.FromSeconds(1)));

        await (await client.GetAsync("/api/v1/me")).ProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Token_WhenStored_IsOnlyAHash()
    {
        var created = await (await app.Anonymous().PostJsonAsync("/api/v1/auth/tokens", new
        {
            userName = "admin", password = CrisisOpsApp.AdminPassword,
        })).OkJsonAsync(HttpStatusCode.Created);
        var secret = created.GetProperty("token").GetString()!;

        await using var db = app.Database.NewContext();
        var id = Guid.Parse(created.GetProperty("id").GetString()!);
        var stored = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(db.AccessTokens, t => t.Id == id);
        Assert.NotEqual(secret, stored.SecretHash);
        Assert.DoesNotContain(secret[4..], stored.SecretHash, StringComparison.Ordinal);
        Assert.Equal(64, stored.SecretHash.Length);
    }

    [Fact]
    public async Task Login_WhenCookie_AuthenticatesLaterRequests()
    {
        var client = app.Anonymous();
        (await client.PostAsJsonAsync("/api/v1/auth/login", new { userName = "admin", password = CrisisOpsApp.AdminPassword })).EnsureSuccessStatusCode();

        var me = await client.GetJsonAsync("/api/v1/me");

        Assert.Equal("admin", me.GetProperty("userName").GetString());
        (await client.PostAsync("/api/v1/auth/logout", null)).EnsureSuccessStatusCode();
        await (await client.GetAsync("/api/v1/me")).ProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Grant_WhenRoleRevoked_AccessEndsAtOnce()
    {
        var world = await app.WorldAsync();
        var admin = await app.AdminAsync();
        var user = await app.UserAsync(("analyst", world.City));
        var me = await user.GetJsonAsync("/api/v1/me");
        var grant = Assert.Single(me.GetProperty("roles").EnumerateArray());
        Assert.Equal("analyst", grant.GetProperty("role").GetString());
        (await user.GetAsync("/api/v1/incidents")).EnsureSuccessStatusCode();

        (await admin.DeleteAsync($"/api/v1/users/{me.GetProperty("userName").GetString()}/roles/{grant.GetProperty("id").GetString()}")).EnsureSuccessStatusCode();

        await (await user.GetAsync("/api/v1/incidents")).ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task CreateUser_WhenInvalidOrDuplicate_AnswersProblems()
    {
        var admin = await app.AdminAsync();
        var problem = await (await admin.PostJsonAsync("/api/v1/users", new { userName = "bad name!", password = "short" }))
            .ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("userName", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("password", out _));
        await (await admin.PostJsonAsync("/api/v1/users", new { userName = "admin", password = "a-long-enough-password" }))
            .ProblemAsync(HttpStatusCode.Conflict, "user-exists");
        await (await admin.PostJsonAsync("/api/v1/users/admin/roles", new { role = "emperor", regionCode = "*" }))
            .ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await (await admin.PostJsonAsync("/api/v1/users/admin/roles", new { role = "analyst", regionCode = "NOWHERE" }))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity, "unknown-region");
        await (await admin.PostJsonAsync("/api/v1/users/admin/roles", new { role = "department-liaison", regionCode = "*" }))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity, "department-required");
        var unknown = await (await admin.PostJsonAsync("/api/v1/users/admin/roles",
            new { role = "department-liaison", regionCode = "*", department = "ministry-of-magic" })).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.Contains("health", unknown.GetProperty("errors").GetProperty("department")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UserChanges_WhenMade_AreJournaled()
    {
        var world = await app.WorldAsync();
        await app.UserAsync(("commander", world.City));
        var admin = await app.AdminAsync();

        var journal = await admin.GetJsonAsync($"/api/v1/journal?type=user.role-granted&region={world.City}");

        var entry = journal.GetProperty("items").EnumerateArray().Last();
        Assert.Equal("commander", entry.GetProperty("payload").GetProperty("role").GetString());
        Assert.Equal(JsonValueKind.String, entry.GetProperty("payload").GetProperty("user").ValueKind);
    }
}

public sealed class AccessApiTestsOnSqlite(SqliteApp app) : AccessApiTests<SqliteApp>(app);

public sealed class AccessApiTestsOnPostgres(PostgresApp app) : AccessApiTests<PostgresApp>(app);
