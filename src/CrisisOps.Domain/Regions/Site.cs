namespace CrisisOps.Domain.Regions;

/// <summary>Kinds of vulnerable site that plans serve first.</summary>
public enum SiteType
{
    NursingHome = 1,
    School = 2,
    Hospital = 3,
    Shelter = 4,
}

/// <summary>A vulnerable site inside a region (nursing home, school, hospital, shelter), as a point.</summary>
public sealed class Site
{
    private Site() { }

    public Site(SiteDefinition definition, string regionCode, string regionPath)
    {
        ArgumentNullException.ThrowIfNull(definition);
        Code = definition.Code.Value;
        Apply(definition, regionCode, regionPath);
    }

    public string Code { get; private set; } = "";

    public SiteType Type { get; private set; }

    public string NameZh { get; private set; } = "";

    public string NameEn { get; private set; } = "";

    public GeoPoint Location { get; private set; }

    public string RegionCode { get; private set; } = "";

    public string RegionPath { get; private set; } = "";

    public int? Capacity { get; private set; }

    /// <summary>Where the site comes from, e.g. <c>osm:node/123</c> or <c>demo</c>.</summary>
    public string? Source { get; private set; }

    public bool IsDemo { get; private set; }

    public void Apply(SiteDefinition definition, string regionCode, string regionPath)
    {
        ArgumentNullException.ThrowIfNull(definition);
        Type = definition.Type;
        NameZh = definition.NameZh;
        NameEn = definition.NameEn;
        Location = definition.Location;
        Capacity = definition.Capacity;
        Source = definition.Source;
        IsDemo = definition.IsDemo;
        RegionCode = regionCode;
        RegionPath = regionPath;
    }
}

public sealed record SiteDefinition(
    RegionCode Code,
    SiteType Type,
    string NameZh,
    string NameEn,
    GeoPoint Location,
    int? Capacity,
    string? Source,
    bool IsDemo);
