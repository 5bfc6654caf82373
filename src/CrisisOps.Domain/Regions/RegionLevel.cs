namespace CrisisOps.Domain.Regions;

/// <summary>Tier of the jurisdiction tree: 省 → 市 → 县/区 → 乡/街道 → 社区.</summary>
public enum RegionLevel
{
    Province = 1,
    City = 2,
    County = 3,
    Township = 4,
    Community = 5,
}

public static class RegionLevels
{
    /// <summary>Parses the import vocabulary (<c>province</c>, <c>city</c>, <c>county</c>, <c>township</c>, <c>community</c>).</summary>
    public static bool TryParse(string? text, out RegionLevel level)
    {
        level = default;
        return text is not null
            && Enum.TryParse(text, ignoreCase: true, out level)
            && Enum.IsDefined(level);
    }

    /// <summary>A child sits deeper than its parent; levels may be skipped (a city directly under a province is fine).</summary>
    public static bool MayContain(this RegionLevel parent, RegionLevel child) => child > parent;
}
