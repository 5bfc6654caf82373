using System.Security.Claims;
using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Regions;
using CrisisOps.Server.Features.Regions;
using CrisisOps.Server.Platform;
using CrisisOps.Server.Platform.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Access;

public sealed record LoginRequest(string? UserName, string? Password);

public sealed record CreateTokenRequest(string? UserName, string? Password, string? Name, int? ExpiresInDays);

public sealed record CreatedTokenResponse(Guid Id, string Name, string Token, DateTimeOffset ExpiresAt);

public sealed record TokenDto(Guid Id, string Name, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? RevokedAt);

public sealed record GrantDto(Guid Id, Role Role, string RegionCode, string? Department, string? Organisation);

public sealed record MeResponse(string UserName, string DisplayName, IReadOnlyList<GrantDto> Roles);

public sealed record CreateUserRequest(string? UserName, string? DisplayName, string? Password);

public sealed record UserDto(Guid Id, string UserName, string DisplayName, bool IsDisabled, IReadOnlyList<GrantDto> Roles);

/// <param name="Organisation">For a partner member: the code of their organisation (<c>/api/v1/organisations</c>).</param>
public sealed record GrantRoleRequest(string? Role, string? RegionCode, string? Department, string? Organisation = null);

public static class AccessEndpoints
{
    /// <summary>Region code of a grant that covers every jurisdiction.</summary>
    public const string Everywhere = "*";
    public const int MinPasswordLength = 12;

    public static IEndpointRouteBuilder MapAccessEndpoints(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/v1/auth").WithTags("Sign-in");
        auth.MapPost("/login", LoginAsync).AllowAnonymous().RequireRateLimiting(RateLimits.SignIn);
        auth.MapPost("/logout", (Delegate)LogoutAsync).RequireAuthorization(PermissionPolicies.SignedIn);
        auth.MapPost("/tokens", CreateTokenAsync).AllowAnonymous().RequireRateLimiting(RateLimits.SignIn);
        auth.MapGet("/tokens", ListTokensAsync).RequireAuthorization(PermissionPolicies.SignedIn);
        auth.MapDelete("/tokens/{id:guid}", RevokeTokenAsync).RequireAuthorization(PermissionPolicies.SignedIn);

        app.MapGet("/api/v1/me", MeAsync).WithTags("Sign-in").RequireAuthorization(PermissionPolicies.SignedIn);

        var users = app.MapGroup("/api/v1/users").WithTags("Users").RequirePermission(Permission.ManageUsers);
        users.MapGet("", ListUsersAsync);
        users.MapPost("", CreateUserAsync).Idempotent();
        users.MapPost("/{userName}/roles", GrantRoleAsync).Idempotent();
        users.MapDelete("/{userName}/roles/{grantId:guid}", RevokeRoleAsync);
        return app;
    }

    private static async Task<NoContent> LoginAsync(LoginRequest body, HttpContext http, CrisisOpsDbContext db,
        PasswordHasher<User> hasher, CancellationToken ct)
    {
        var user = await VerifyAsync(body.UserName, body.Password, db, hasher, ct);
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, user.Id.ToString()), new Claim(ClaimTypes.Name, user.UserName)],
            AuthSchemes.Cookie);
        await http.SignInAsync(AuthSchemes.Cookie, new ClaimsPrincipal(identity));
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> LogoutAsync(HttpContext http)
    {
        await http.SignOutAsync(AuthSchemes.Cookie);
        return TypedResults.NoContent();
    }

    private static async Task<Created<CreatedTokenResponse>> CreateTokenAsync(CreateTokenRequest body, CrisisOpsDbContext db,
        PasswordHasher<User> hasher, TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Check(body.ExpiresInDays is null or (>= 1 and <= 366), "expiresInDays", "Between 1 and 366 days.");
        errors.Check(body.Name is null || body.Name.Length <= 100, "name", "At most 100 characters.");
        errors.ThrowIfAny();

        var user = await VerifyAsync(body.UserName, body.Password, db, hasher, ct);
        var now = clock.GetUtcNow();
        var secret = TokenSecrets.NewSecret();
        var token = new AccessToken(Guid.CreateVersion7(now), user.Id, body.Name ?? "cli", TokenSecrets.Hash(secret), now,
            now.AddDays(body.ExpiresInDays ?? 90));
        db.AccessTokens.Add(token);
        db.Append(new JournalRecord(now, user.UserName, JournalTypes.TokenCreated, null, null, null,
            new { tokenId = token.Id, user = user.UserName, token.Name, token.ExpiresAt }));
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/auth/tokens/{token.Id}",
            new CreatedTokenResponse(token.Id, token.Name, secret, token.ExpiresAt));
    }

    private static async Task<Ok<TokenDto[]>> ListTokensAsync(CrisisOpsDbContext db, CallerAccessor caller, CancellationToken ct)
    {
        var access = await caller.GetAsync(ct);
        var tokens = await db.AccessTokens.AsNoTracking().Where(t => t.UserId == access.UserId).ToListAsync(ct);
        return TypedResults.Ok(tokens.OrderByDescending(t => t.CreatedAt)
            .Select(t => new TokenDto(t.Id, t.Name, t.CreatedAt, t.ExpiresAt, t.RevokedAt)).ToArray());
    }

    private static async Task<NoContent> RevokeTokenAsync(Guid id, CrisisOpsDbContext db, CallerAccessor caller, TimeProvider clock, CancellationToken ct)
    {
        var access = await caller.GetAsync(ct);
        var token = await db.AccessTokens.SingleOrDefaultAsync(t => t.Id == id, ct);
        if (token is null || (token.UserId != access.UserId && !access.Can(Permission.ManageUsers, RegionPath.Separator)))
        {
            throw ProblemException.NotFound($"Token '{id}'");
        }

        var now = clock.GetUtcNow();
        token.Revoke(now);
        db.Append(new JournalRecord(now, access.Name, JournalTypes.TokenRevoked, null, null, null, new { tokenId = id }));
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<MeResponse>> MeAsync(CrisisOpsDbContext db, CallerAccessor caller, CancellationToken ct)
    {
        var access = await caller.GetAsync(ct);
        var user = await db.Users.AsNoTracking().Include(u => u.Grants).SingleAsync(u => u.Id == access.UserId, ct);
        return TypedResults.Ok(new MeResponse(user.UserName, user.DisplayName, [.. user.Grants.Select(ToDto)]));
    }

    private static async Task<Ok<UserDto[]>> ListUsersAsync(CrisisOpsDbContext db, CallerAccessor caller, CancellationToken ct)
    {
        var access = await caller.GetAsync(ct);
        var scopes = access.ScopesFor(Permission.ManageUsers);
        var users = await db.Users.AsNoTracking().Include(u => u.Grants).OrderBy(u => u.UserName).ToListAsync(ct);

        // A user administrator sees the people holding roles in their jurisdictions (and, at the root, everyone).
        var visible = users.Where(u => scopes.Contains(RegionPath.Separator)
            || u.Grants.Any(g => scopes.Any(s => RegionPath.Covers(s, g.RegionPath))));
        return TypedResults.Ok(visible.Select(u => new UserDto(u.Id, u.UserName, u.DisplayName, u.IsDisabled,
            [.. u.Grants.Where(g => scopes.Any(s => RegionPath.Covers(s, g.RegionPath))).Select(ToDto)])).ToArray());
    }

    private static async Task<Created<UserDto>> CreateUserAsync(CreateUserRequest body, CrisisOpsDbContext db, CallerAccessor caller,
        PasswordHasher<User> hasher, TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Check(body.UserName is { Length: >= 1 and <= 64 } && body.UserName.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'),
            "userName", "1–64 characters from A–Z, a–z, 0–9, '.', '_', '-'.");
        errors.Check(body.Password is { Length: >= MinPasswordLength and <= 200 }, "password", $"{MinPasswordLength}–200 characters.");
        errors.Check(body.DisplayName is null || body.DisplayName.Length <= 200, "displayName", "At most 200 characters.");
        errors.ThrowIfAny();
        if (await db.Users.AnyAsync(u => u.UserName == body.UserName, ct))
        {
            throw new ProblemException(StatusCodes.Status409Conflict, "user-exists", "User exists", $"'{body.UserName}' is taken.");
        }

        var access = await caller.GetAsync(ct);
        var now = clock.GetUtcNow();
        var user = new User(Guid.CreateVersion7(now), body.UserName!, body.DisplayName ?? body.UserName!, "", now);
        user.ChangePasswordHash(hasher.HashPassword(user, body.Password!));
        db.Users.Add(user);
        db.Append(new JournalRecord(now, access.Name, JournalTypes.UserCreated, null, null, null, new { user = user.UserName }));
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/users/{user.UserName}", new UserDto(user.Id, user.UserName, user.DisplayName, false, []));
    }

    private static async Task<Created<GrantDto>> GrantRoleAsync(string userName, GrantRoleRequest body, CrisisOpsDbContext db,
        CallerAccessor caller, RegionDirectory directory, TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Check(Roles.TryParse(body.Role, out var role), "role",
            "One of: " + string.Join(", ", Enum.GetValues<Role>().Select(r => r.Name())) + ".");
        errors.Check(body.RegionCode is not null, "regionCode", "Required: a region code, or '*' for every jurisdiction.");
        errors.Check(body.Department is null || Domain.Command.Departments.IsKnown(body.Department), "department",
            "One of: " + string.Join(", ", Domain.Command.Departments.All.Select(d => d.Code)) + " (GET /api/v1/hq-templates lists them with names).");
        errors.Check(role != Role.PartnerMember || !string.IsNullOrWhiteSpace(body.Organisation), "organisation",
            "Required for a partner member: the code of their organisation.");
        errors.Check(role == Role.PartnerMember || body.Organisation is null, "organisation", "Only a partner member belongs to an organisation.");
        errors.ThrowIfAny();

        if (body.Organisation is not null && !await db.Organisations.AnyAsync(o => o.Code == body.Organisation, ct))
        {
            throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "unknown-organisation", "Unknown organisation",
                $"No organisation has the code '{body.Organisation}'; register it first (POST /api/v1/organisations).");
        }

        var path = RegionPath.Separator;
        if (body.RegionCode != Everywhere)
        {
            path = (await directory.NamedAsync(body.RegionCode, ct)).Path;
        }

        var access = await caller.RequireAsync(Permission.ManageUsers, path, ct);
        var user = await db.Users.SingleOrDefaultAsync(u => u.UserName == userName, ct)
            ?? throw ProblemException.NotFound($"User '{userName}'");
        var now = clock.GetUtcNow();
        var grant = new RoleGrant(Guid.CreateVersion7(now), user.Id, role, body.RegionCode!, path, body.Department, now, body.Organisation);
        db.RoleGrants.Add(grant);
        db.Append(new JournalRecord(now, access.Name, JournalTypes.RoleGranted, body.RegionCode == Everywhere ? null : body.RegionCode,
            path == RegionPath.Separator ? null : path, null,
            new { user = user.UserName, role = role.Name(), region = body.RegionCode, department = grant.Department, organisation = grant.Organisation }));
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/users/{userName}/roles/{grant.Id}", ToDto(grant));
    }

    private static async Task<NoContent> RevokeRoleAsync(string userName, Guid grantId, CrisisOpsDbContext db,
        CallerAccessor caller, TimeProvider clock, CancellationToken ct)
    {
        var grant = await db.RoleGrants
            .Join(db.Users, g => g.UserId, u => u.Id, (g, u) => new { Grant = g, u.UserName })
            .SingleOrDefaultAsync(x => x.Grant.Id == grantId && x.UserName == userName, ct)
            ?? throw ProblemException.NotFound($"Role grant '{grantId}' of '{userName}'");
        var access = await caller.RequireAsync(Permission.ManageUsers, grant.Grant.RegionPath, ct);
        db.RoleGrants.Remove(grant.Grant);
        var now = clock.GetUtcNow();
        db.Append(new JournalRecord(now, access.Name, JournalTypes.RoleRevoked,
            grant.Grant.RegionPath == RegionPath.Separator ? null : grant.Grant.RegionCode,
            grant.Grant.RegionPath == RegionPath.Separator ? null : grant.Grant.RegionPath, null,
            new { user = userName, role = grant.Grant.Role.Name(), region = grant.Grant.RegionCode }));
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    private static async Task<User> VerifyAsync(string? userName, string? password, CrisisOpsDbContext db,
        PasswordHasher<User> hasher, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Check(!string.IsNullOrEmpty(userName) && userName.Length <= 64, "userName", "Required.");
        errors.Check(!string.IsNullOrEmpty(password) && password.Length <= 200, "password", "Required.");
        errors.ThrowIfAny();

        var user = await db.Users.SingleOrDefaultAsync(u => u.UserName == userName, ct);
        var result = user is null || user.IsDisabled
            ? PasswordVerificationResult.Failed
            : hasher.VerifyHashedPassword(user, user.PasswordHash, password!);
        if (result == PasswordVerificationResult.Failed)
        {
            throw new ProblemException(StatusCodes.Status401Unauthorized, "invalid-credentials", "Sign-in failed",
                "The user name or password is wrong.");
        }

        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user!.ChangePasswordHash(hasher.HashPassword(user, password!));
            await db.SaveChangesAsync(ct);
        }

        return user!;
    }

    private static GrantDto ToDto(RoleGrant g) => new(g.Id, g.Role, g.RegionCode, g.Department, g.Organisation);
}
