using CrisisOps.Domain.Access;
using Microsoft.AspNetCore.Authorization;

namespace CrisisOps.Server.Platform.Auth;

/// <summary>
/// One authorisation policy per <see cref="Permission"/>: the caller holds it somewhere. Each
/// endpoint then checks the region of what it touches with <see cref="CallerAccessor.RequireAsync"/>.
/// </summary>
public static class PermissionPolicies
{
    public const string SignedIn = "signed-in";

    public static string Name(Permission permission) => "permission:" + permission;

    public static AuthorizationBuilder AddPermissionPolicies(this AuthorizationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddPolicy(SignedIn, p => p.RequireAuthenticatedUser());
        foreach (var permission in Enum.GetValues<Permission>())
        {
            builder.AddPolicy(Name(permission), p => p.RequireAuthenticatedUser().AddRequirements(new PermissionRequirement(permission)));
        }

        return builder;
    }

    /// <summary>Requires <paramref name="permission"/> somewhere in the caller's jurisdictions.</summary>
    public static TBuilder RequirePermission<TBuilder>(this TBuilder builder, Permission permission)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(Name(permission));
}

public sealed record PermissionRequirement(Permission Permission) : IAuthorizationRequirement;

internal sealed class PermissionHandler(CallerAccessor caller) : AuthorizationHandler<PermissionRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, PermissionRequirement requirement)
    {
        var access = await caller.GetAsync();
        if (access.HasAnywhere(requirement.Permission))
        {
            context.Succeed(requirement);
        }
    }
}
