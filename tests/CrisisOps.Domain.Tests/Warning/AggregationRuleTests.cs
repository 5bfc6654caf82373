using CrisisOps.Domain.Warning;

namespace CrisisOps.Domain.Tests.Warning;

/// <summary>How a parent takes a hazard's tier from its children, as configured per hazard in the rule file.</summary>
public sealed class AggregationRuleTests
{
    private static readonly DateTimeOffset Now = new(2026, 7, 12, 8, 0, 0, TimeSpan.Zero);

    private static string Rules(string aggregate) => $$"""
        {
          "version": 1,
          "hazards": {
            "flood": {
              "rules": [ { "id": "level", "kind": "threshold", "station": "water-level" } ],
              {{aggregate}}
            }
          }
        }
        """;

    private static RegionRisk Child(string code, WarningTier tier, double score)
    {
        var row = new RegionRisk(code, "/" + code + "/", "flood", Now);
        row.Assess(tier, score, false, "[]", Now);
        return row;
    }

    private static readonly RegionRisk[] Children =
        [Child("A", WarningTier.Attention, 2.2), Child("B", WarningTier.Emergency, 4.0), Child("C", WarningTier.Warning, 3.1)];

    [Fact]
    public void Worst_WhenNotConfigured_TakesTheWorstChild()
    {
        var flood = RiskRuleSet.Parse(Rules("\"note\": 0")).Hazards.Single();

        Assert.Equal(AggregationRule.Worst, flood.Aggregation);
        Assert.Equal("B", flood.Aggregation.Pick(Children)!.RegionCode);
    }

    [Fact]
    public void AtLeastTwo_TakesTheHighestTierTwoChildrenReached()
    {
        var flood = RiskRuleSet.Parse(Rules("\"aggregate\": { \"rule\": \"at-least\", \"children\": 2 }")).Hazards.Single();

        Assert.Equal(2, flood.Aggregation.Children);
        Assert.Equal("C", flood.Aggregation.Pick(Children)!.RegionCode);
        Assert.Equal("A", new AggregationRule(5).Pick(Children)!.RegionCode);
        Assert.Null(flood.Aggregation.Pick([]));
    }

    [Theory]
    [InlineData("\"aggregate\": \"mean\"")]
    [InlineData("\"aggregate\": { \"rule\": \"at-least\" }")]
    [InlineData("\"aggregate\": { \"rule\": \"at-least\", \"children\": 0 }")]
    [InlineData("\"aggregate\": { \"rule\": \"at-least\", \"children\": 1.5 }")]
    public void BadAggregate_IsRefusedNamingItsLine(string aggregate)
    {
        var ex = Assert.Throws<RiskRuleException>(() => RiskRuleSet.Parse(Rules(aggregate)));

        Assert.StartsWith("line 6:", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'aggregate'", ex.Message, StringComparison.Ordinal);
    }
}
