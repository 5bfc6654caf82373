using System.Globalization;
using CrisisOps.Domain.Warning;
using Microsoft.Extensions.Localization;

namespace CrisisOps.Server.Components.Shared;

/// <summary>Tier and hazard names in the console's language (一般/关注/预警/紧急, 内涝, …).</summary>
public static class RiskWords
{
    public static string Tier(this IStringLocalizer<ConsoleText> text, WarningTier tier)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text["Tier" + tier];
    }

    /// <summary>A hazard of the rule file by its name; one the console has no words for shows as written there.</summary>
    public static string Hazard(this IStringLocalizer<ConsoleText> text, string hazard)
    {
        ArgumentNullException.ThrowIfNull(text);
        var name = text["Hazard-" + hazard];
        return name.ResourceNotFound ? hazard : name.Value;
    }

    /// <summary>Whether to show Chinese names (of regions, plans, steps) rather than English ones.</summary>
    public static bool Chinese => CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.Ordinal);
}
