namespace CrisisOps.Domain.Warning;

/// <summary>
/// The current tier of one hazard in one region, with the score and the explanation that made it.
/// A region without stations of its own takes the worst tier of its children (aggregation up the
/// tree); <see cref="IsAggregate"/> says which.
/// </summary>
public sealed class RegionRisk
{
    private RegionRisk() { }

    public RegionRisk(string regionCode, string regionPath, string hazard, DateTimeOffset now)
    {
        RegionCode = regionCode;
        RegionPath = regionPath;
        Hazard = hazard;
        UpdatedAt = now;
    }

    public string RegionCode { get; private set; } = "";

    public string RegionPath { get; private set; } = "";

    public string Hazard { get; private set; } = "";

    public WarningTier Tier { get; private set; }

    public double Score { get; private set; }

    public bool IsAggregate { get; private set; }

    /// <summary>JSON array of the rule contributions (or child tiers) behind the tier.</summary>
    public string Explanation { get; private set; } = "[]";

    public DateTimeOffset UpdatedAt { get; private set; }

    public DateTimeOffset? TierSince { get; private set; }

    public int Version { get; private set; }

    /// <summary>Records a new assessment; returns true when the tier changed.</summary>
    public bool Assess(WarningTier tier, double score, bool isAggregate, string explanation, DateTimeOffset now)
    {
        var changed = tier != Tier;
        if (changed)
        {
            TierSince = now;
        }

        Tier = tier;
        Score = score;
        IsAggregate = isAggregate;
        Explanation = explanation;
        UpdatedAt = now;
        Version++;
        return changed;
    }
}
