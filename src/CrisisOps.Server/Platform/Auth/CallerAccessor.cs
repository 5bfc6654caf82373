using System.Security.Claims;
using CrisisOps.Data;
using CrisisOps.Domain.Access;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Platform.Auth;

/// <summary>
/// The caller's grants, read from the database once per request (API) or on every
/// <see cref="RefreshAsync"/> (console pages, whose circuit outlives a request), so a revoked role
/// stops working at once for cookies and tokens alike. Who the caller is comes from the request, or
/// inside a console circuit from its authentication state.
/// </summary>
public sealed class CallerAccessor(IHttpContextAccessor http, IServiceProvider services,
    IDbContextFactory<CrisisOpsDbContext> factory, TimeProvider clock)
{
    private CallerAccess? _access;

    private async Task<ClaimsPrincipal?> PrincipalAsync()
    {
        if (http.HttpContext is { } context && context.WebSockets.IsWebSocketRequest == false
            && !context.Request.Path.StartsWithSegments("/_blazor", StringComparison.Ordinal))
        {
            return context.User;
        }

        var state = services.GetService<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider>();
        if (state is null)
        {
            return http.HttpContext?.User;
        }

        try
        {
            return (await state.GetAuthenticationStateAsync()).User;
        }
        catch (InvalidOperationException)
        {
            return http.HttpContext?.User;
        }
    }

    /// <summary>
    /// Reads the grants again and checks that the caller's token (if any) is still usable: for
    /// long-lived requests such as the live feed, so a revoked role or token ends them too.
    /// </summary>
    public async Task<CallerAccess> RefreshAsync(CancellationToken cancellationToken = default)
    {
        _access = null;
        var access = await GetAsync(cancellationToken);
        if (!access.IsAuthenticated)
        {
            return access;
        }

        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == access.UserId, cancellationToken);
        var tokenClaim = (await PrincipalAsync())?.FindFirstValue("token_id");
        var tokenOk = true;
        if (tokenClaim is not null)
        {
            var token = Guid.TryParse(tokenClaim, out var tokenId)
                ? await db.AccessTokens.AsNoTracking().SingleOrDefaultAsync(t => t.Id == tokenId, cancellationToken)
                : null;
            tokenOk = token?.IsUsableAt(clock.GetUtcNow()) == true;
        }

        return _access = user is null || user.IsDisabled || !tokenOk ? CallerAccess.Anonymous : access;
    }

    public async Task<CallerAccess> GetAsync(CancellationToken cancellationToken = default)
    {
        if (_access is not null)
        {
            return _access;
        }

        var user = await PrincipalAsync();
        if (user?.Identity?.IsAuthenticated != true
            || !Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var userId))
        {
            return _access = CallerAccess.Anonymous;
        }

        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        // A partner member's organisation kind narrows what the role allows (OrganisationRoles).
        var grants = await (from g in db.RoleGrants.AsNoTracking()
                            where g.UserId == userId
                            join o in db.Organisations.AsNoTracking() on g.Organisation equals o.Code into member
                            from o in member.DefaultIfEmpty()
                            select new Grant(g.Role, g.RegionCode, g.RegionPath, g.Department, g.Organisation,
                                o == null ? null : (OrganisationKind?)o.Kind))
            .ToListAsync(cancellationToken);
        return _access = new CallerAccess(userId, user.FindFirstValue(ClaimTypes.Name) ?? "?", grants);
    }

    /// <summary>Throws 403 unless the caller holds <paramref name="permission"/> over the region at <paramref name="regionPath"/>.</summary>
    /// <exception cref="ProblemException">403 outside-jurisdiction.</exception>
    public async Task<CallerAccess> RequireAsync(Permission permission, string regionPath, CancellationToken cancellationToken = default)
    {
        var access = await GetAsync(cancellationToken);
        if (!access.Can(permission, regionPath))
        {
            throw ProblemException.Forbidden(
                $"Your roles do not allow '{permission}' in region '{Domain.Regions.RegionPath.Codes(regionPath).LastOrDefault() ?? "/"}'.");
        }

        return access;
    }
}
