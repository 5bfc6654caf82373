using CrisisOps.Domain.Warning;

namespace CrisisOps.Domain.Alerts;

/// <summary>What CAP says by default about an alert announcing one of our tiers (docs/alerts.md has the table).</summary>
public sealed record TierMeaning(CapSeverity Severity, CapUrgency Urgency, CapCertainty Certainty);

/// <summary>
/// Our four warning tiers in CAP's words. The tiers grade how bad and how close the hazard is, so they map
/// onto severity and urgency together; certainty defaults to Likely because a tier is a forecast, and a
/// composer who knows better (an observed flood) says so. The composer may override each field.
/// </summary>
public static class AlertTiers
{
    public static TierMeaning Meaning(WarningTier tier) => tier switch
    {
        WarningTier.Emergency => new(CapSeverity.Extreme, CapUrgency.Immediate, CapCertainty.Likely),
        WarningTier.Warning => new(CapSeverity.Severe, CapUrgency.Expected, CapCertainty.Likely),
        WarningTier.Attention => new(CapSeverity.Moderate, CapUrgency.Expected, CapCertainty.Likely),
        WarningTier.General => new(CapSeverity.Minor, CapUrgency.Future, CapCertainty.Possible),
        _ => new(CapSeverity.Minor, CapUrgency.Unknown, CapCertainty.Unknown),
    };

    /// <summary>The tier's name as the public reads it, per language (红/橙/黄/蓝 colours follow national practice).</summary>
    public static string Name(WarningTier tier, string language) => language.StartsWith("zh", StringComparison.Ordinal)
        ? tier switch
        {
            WarningTier.Emergency => "红色预警（紧急）",
            WarningTier.Warning => "橙色预警",
            WarningTier.Attention => "黄色预警",
            WarningTier.General => "蓝色预警",
            _ => "提示",
        }
        : tier switch
        {
            WarningTier.Emergency => "Red warning (emergency)",
            WarningTier.Warning => "Orange warning",
            WarningTier.Attention => "Yellow warning",
            WarningTier.General => "Blue warning",
            _ => "Notice",
        };

    /// <summary>The CAP category of a hazard word used by the risk rules; Other when unknown.</summary>
    public static CapCategory Category(string? hazard) => hazard switch
    {
        "flood" or "rainstorm" or "typhoon" or "heat" or "cold" or "storm" or "wind" or "snow" => CapCategory.Met,
        "landslide" or "earthquake" or "geo" => CapCategory.Geo,
        "fire" or "wildfire" => CapCategory.Fire,
        "epidemic" or "health" => CapCategory.Health,
        "chemical" => CapCategory.CBRNE,
        _ => CapCategory.Other,
    };
}
