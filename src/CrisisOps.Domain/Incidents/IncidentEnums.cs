namespace CrisisOps.Domain.Incidents;

/// <summary>The four categories of the Emergency Response Law (突发事件应对法).</summary>
public enum IncidentCategory
{
    /// <summary>自然灾害</summary>
    NaturalDisaster = 1,

    /// <summary>事故灾难</summary>
    Accident = 2,

    /// <summary>公共卫生事件</summary>
    PublicHealth = 3,

    /// <summary>社会安全事件</summary>
    SocialSecurity = 4,
}

/// <summary>What happened. Each type belongs to one category.</summary>
public enum IncidentType
{
    Flood = 1,
    Waterlogging,
    Landslide,
    Earthquake,
    Storm,
    Fire,
    TrafficAccident,
    SubwayFailure,
    HazardousChemicals,
    PowerOutage,
    WaterSupplyFailure,
    BuildingCollapse,
    Epidemic,
    FoodPoisoning,
    MassGathering,
    PublicDisorder,
    Other,
}

/// <summary>Grading of an incident: I 特别重大 is the gravest, IV 一般 the least.</summary>
public enum IncidentSeverity
{
    /// <summary>特别重大 — particularly grave.</summary>
    I = 1,

    /// <summary>重大 — grave.</summary>
    II = 2,

    /// <summary>较大 — large.</summary>
    III = 3,

    /// <summary>一般 — general.</summary>
    IV = 4,
}

/// <summary>Lifecycle: reported → verified → responding → recovering → closed.</summary>
public enum IncidentStatus
{
    Reported = 1,
    Verified,
    Responding,
    Recovering,
    Closed,
}

/// <summary>初报 first report, 续报 follow-up, 终报 final report.</summary>
public enum ReportKind
{
    Initial = 1,
    FollowUp,
    Final,
}

/// <summary>Who raised the incident: staff with a role in the region, or the public (unverified).</summary>
public enum IncidentSource
{
    Staff = 1,
    Public,
}

public static class IncidentTypes
{
    /// <summary>The category a type is filed under when nobody says (<see cref="IncidentType.Other"/>: the first, natural disaster).</summary>
    public static IncidentCategory DefaultCategory(this IncidentType type) =>
        Enum.GetValues<IncidentCategory>().First(category => type.BelongsTo(category));

    /// <summary>The category a type belongs to; <see cref="IncidentType.Other"/> fits any.</summary>
    public static bool BelongsTo(this IncidentType type, IncidentCategory category) => type switch
    {
        IncidentType.Flood or IncidentType.Waterlogging or IncidentType.Landslide or IncidentType.Earthquake
            or IncidentType.Storm => category == IncidentCategory.NaturalDisaster,
        IncidentType.Fire or IncidentType.TrafficAccident or IncidentType.SubwayFailure or IncidentType.HazardousChemicals
            or IncidentType.PowerOutage or IncidentType.WaterSupplyFailure or IncidentType.BuildingCollapse
            => category == IncidentCategory.Accident,
        IncidentType.Epidemic or IncidentType.FoodPoisoning => category == IncidentCategory.PublicHealth,
        IncidentType.MassGathering or IncidentType.PublicDisorder => category == IncidentCategory.SocialSecurity,
        _ => true,
    };
}
