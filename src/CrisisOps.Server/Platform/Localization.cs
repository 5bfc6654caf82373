using System.Globalization;
using Microsoft.AspNetCore.Localization;

namespace CrisisOps.Server.Platform;

/// <summary>The interface speaks Chinese (zh-CN) and English; the choice lives in the culture cookie.</summary>
public static class Localization
{
    public static readonly string[] Cultures = ["zh-CN", "en"];

    public static RequestLocalizationOptions Options()
    {
        var options = new RequestLocalizationOptions()
            .SetDefaultCulture("zh-CN")
            .AddSupportedCultures(Cultures)
            .AddSupportedUICultures(Cultures);
        options.FallBackToParentCultures = true;
        options.FallBackToParentUICultures = true;
        return options;
    }

    /// <summary>
    /// Remembers the language a browser was first served in, as the culture cookie: the console's
    /// live connection (a WebSocket) may arrive without Accept-Language, and must not switch language.
    /// </summary>
    public static IApplicationBuilder UseCultureCookie(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (HttpMethods.IsGet(context.Request.Method)
            && !context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal)
            && !context.Request.Path.StartsWithSegments("/_blazor", StringComparison.Ordinal)
            && !context.Request.Cookies.ContainsKey(CookieRequestCultureProvider.DefaultCookieName)
            && context.Features.Get<IRequestCultureFeature>()?.RequestCulture.UICulture.Name is { } culture
            && IsSupported(culture))
        {
            context.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName, CookieValue(culture),
                new CookieOptions { MaxAge = TimeSpan.FromDays(365), IsEssential = true, SameSite = SameSiteMode.Lax, HttpOnly = true });
        }

        await next(context);
    });

    public static bool IsSupported(string? culture) => culture is not null && Cultures.Contains(culture, StringComparer.Ordinal);

    public static string CookieValue(string culture) =>
        CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(CultureInfo.GetCultureInfo(culture)));
}
