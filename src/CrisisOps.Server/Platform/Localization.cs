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

    public static bool IsSupported(string? culture) => culture is not null && Cultures.Contains(culture, StringComparer.Ordinal);

    public static string CookieValue(string culture) =>
        CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(CultureInfo.GetCultureInfo(culture)));
}
