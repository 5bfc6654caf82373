using System.Security.Claims;
using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Server.Platform;
using CrisisOps.Server.Platform.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Access;

/// <summary>
/// The browser's side of signing in: a plain HTML form posts here (with its antiforgery token), we
/// set the cookie and go back where the user was heading. Also the language switch.
/// </summary>
public static class ConsoleAccountEndpoints
{
    public static IEndpointRouteBuilder MapConsoleAccountEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/account/signin", SignInAsync).AllowAnonymous().RequireRateLimiting(RateLimits.SignIn).ExcludeFromDescription();
        app.MapPost("/account/signout", (Delegate)SignOutAsync).RequireAuthorization(PermissionPolicies.SignedIn).ExcludeFromDescription();
        app.MapGet("/culture", SetCulture).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> SignInAsync([FromForm] string? userName, [FromForm] string? password, [FromForm] string? returnUrl,
        HttpContext http, CrisisOpsDbContext db, PasswordHasher<User> hasher)
    {
        var target = LocalOnly(returnUrl, "/console");
        var user = userName is { Length: > 0 and <= 64 } ? await db.Users.SingleOrDefaultAsync(u => u.UserName == userName) : null;
        var ok = user is { IsDisabled: false } && password is { Length: > 0 and <= 200 }
            && hasher.VerifyHashedPassword(user, user.PasswordHash, password) != PasswordVerificationResult.Failed;
        if (!ok)
        {
            return TypedResults.LocalRedirect("/signin?failed=1&returnUrl=" + Uri.EscapeDataString(target));
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, user!.Id.ToString()), new Claim(ClaimTypes.Name, user.UserName)],
            AuthSchemes.Cookie);
        await http.SignInAsync(AuthSchemes.Cookie, new ClaimsPrincipal(identity));
        return TypedResults.LocalRedirect(target);
    }

    private static async Task<IResult> SignOutAsync(HttpContext http)
    {
        await http.SignOutAsync(AuthSchemes.Cookie);
        return TypedResults.LocalRedirect("/signin");
    }

    private static IResult SetCulture(string? c, string? returnUrl, HttpContext http)
    {
        if (Localization.IsSupported(c))
        {
            http.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName, Localization.CookieValue(c!),
                new CookieOptions { MaxAge = TimeSpan.FromDays(365), IsEssential = true, SameSite = SameSiteMode.Lax, HttpOnly = true });
        }

        return TypedResults.LocalRedirect(LocalOnly(returnUrl, "/console"));
    }

    /// <summary>Only same-site paths: a sign-in link must not become an open redirect.</summary>
    private static string LocalOnly(string? url, string fallback) =>
        url is { Length: > 0 } && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
            ? url
            : fallback;
}
