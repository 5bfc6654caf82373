namespace CrisisOps.Domain.Regions;

/// <summary>
/// A jurisdiction (属地): one node of the province → community tree. Every incident, deadline,
/// role and journal entry belongs to one, and authorisation covers a region's subtree.
/// </summary>
public sealed class Region
{
    private Region() { }

    public Region(RegionDefinition definition, string path)
    {
        ArgumentNullException.ThrowIfNull(definition);
        Code = definition.Code.Value;
        Apply(definition, path);
    }

    public string Code { get; private set; } = "";

    public string? ParentCode { get; private set; }

    public RegionLevel Level { get; private set; }

    public string NameZh { get; private set; } = "";

    public string NameEn { get; private set; } = "";

    /// <summary>Resident population, when known.</summary>
    public long? Population { get; private set; }

    /// <summary>Free labels that risk rules read: <c>low-lying</c>, <c>old-estate</c>, <c>riverside</c>, …</summary>
    public List<string> Attributes { get; private set; } = [];

    /// <summary>Boundary as an RFC 7946 GeoJSON geometry (Polygon or MultiPolygon), or null when none is known.</summary>
    public string? BoundaryGeoJson { get; private set; }

    /// <summary>Materialised path, see <see cref="RegionPath"/>.</summary>
    public string Path { get; private set; } = "";

    /// <summary>Depth in the tree: 1 for a root.</summary>
    public int Depth { get; private set; }

    /// <summary>Demo data is labelled so nobody mistakes it for a real jurisdiction.</summary>
    public bool IsDemo { get; private set; }

    /// <summary>Re-importing a region updates it in place; its code never changes.</summary>
    public void Apply(RegionDefinition definition, string path)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ParentCode = definition.ParentCode?.Value;
        Level = definition.Level;
        NameZh = definition.NameZh;
        NameEn = definition.NameEn;
        Population = definition.Population;
        Attributes = [.. definition.Attributes];
        BoundaryGeoJson = definition.BoundaryGeoJson;
        IsDemo = definition.IsDemo;
        Path = path;
        Depth = RegionPath.Codes(path).Count;
    }
}

/// <summary>What an import says about one region, already validated field by field.</summary>
public sealed record RegionDefinition(
    RegionCode Code,
    RegionCode? ParentCode,
    RegionLevel Level,
    string NameZh,
    string NameEn,
    long? Population,
    IReadOnlyList<string> Attributes,
    string? BoundaryGeoJson,
    bool IsDemo);
