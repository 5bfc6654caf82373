using CrisisOps.Domain.Regions;
using CrisisOps.Domain.Warning;

namespace CrisisOps.Domain.Tests.Warning;

public sealed class RiskModelTests
{
    private static readonly DateTimeOffset Now = new(2026, 7, 12, 8, 0, 0, TimeSpan.Zero);

    private const string Rules = """
        {
          // Flood: the gauge itself, how fast it rises, and rain upstream.
          "version": 3,
          "hysteresis": 0.5,
          "hazards": {
            "flood": {
              "rules": [
                { "id": "level", "kind": "threshold", "station": "water-level" },
                { "id": "rise", "kind": "rate-of-rise", "station": "water-level", "window": "01:00:00", "limits": [0.1, 0.2, 0.4, 0.8] },
                { "id": "rain-3h", "kind": "rolling-sum", "station": "rainfall", "window": "03:00:00", "limits": [20, 40, 60, 90] }
              ]
            }
          }
        }
        """;

    private static Station Gauge() => new(new StationDefinition(new RegionCode("G1"), "水位", "Gauge", StationKind.WaterLevel,
        new GeoPoint(48.4, 15.6), "m", new ValidRange(0, 15), new TierThresholds(3.0, 4.5, 6.0, 7.5), false), "C1", "/P/C1/", Now);

    private static Station RainGauge() => new(new StationDefinition(new RegionCode("R1"), "雨量", "Rain", StationKind.Rainfall,
        new GeoPoint(48.4, 15.6), "mm", new ValidRange(0, 300), new TierThresholds(null, null, null, null), false), "C1", "/P/C1/", Now);

    private static StationSeries Series(Station station, params (int MinutesAgo, double Value)[] readings) =>
        new(station, [.. readings.Select(r => (Now.AddMinutes(-r.MinutesAgo), r.Value)).OrderBy(r => r.Item1)]);

    [Fact]
    public void Parse_WhenValid_ReadsEveryRule()
    {
        var set = RiskRuleSet.Parse(Rules);
        Assert.Equal(3, set.Version);
        var flood = Assert.Single(set.Hazards);
        Assert.Equal(["level", "rise", "rain-3h"], flood.Rules.Select(r => r.Id).ToArray());
        Assert.Equal(TimeSpan.FromHours(3), flood.Rules[2].Window);
    }

    [Theory]
    [InlineData("{\"version\": 1, \"hazards\": {\"flood\": {\"rules\": [{\"id\": \"x\", \"kind\": \"magic\", \"station\": \"rainfall\"}]}}}", "unknown kind 'magic'")]
    [InlineData("{\"version\": 1, \"hazards\": {\"flood\": {\"rules\": [{\"id\": \"x\", \"kind\": \"rolling-sum\", \"station\": \"rainfall\", \"window\": \"01:00:00\", \"limits\": [3, 2, 1, 0]}]}}}", "four rising numbers")]
    [InlineData("{\"version\": 1, \"hazards\": {\"flood\": {\"rules\": []}}}", "has no rules")]
    [InlineData("{\"hazards\": {}}", "'version' is required")]
    public void Parse_WhenInvalid_SaysWhatAndWhere(string json, string expected)
    {
        var ex = Assert.Throws<RiskRuleException>(() => RiskRuleSet.Parse(json));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.StartsWith("line ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WhenJsonBroken_NamesTheLine()
    {
        var ex = Assert.Throws<RiskRuleException>(() => RiskRuleSet.Parse("{\n  \"version\": 1,\n  \"hazards\": {\n    oops\n}"));
        Assert.StartsWith("line 4", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1.5, 0.5)]
    [InlineData(3.0, 1.0)]
    [InlineData(4.5, 2.0)]
    [InlineData(5.25, 2.5)]
    [InlineData(7.5, 4.0)]
    [InlineData(12.0, 4.0)]
    public void ScaleOf_WhenBetweenLimits_Interpolates(double value, double expected) =>
        Assert.Equal(expected, RiskModel.ScaleOf(value, [3.0, 4.5, 6.0, 7.5]), 6);

    [Fact]
    public void Score_WhenGaugeRisesFast_TakesTheHighestRuleAndExplainsIt()
    {
        var flood = RiskRuleSet.Parse(Rules).Hazards[0];

        // 4.0 m now (score 1.67), but +0.6 m in the last hour (score 3.5).
        var score = RiskModel.Score(flood, [Series(Gauge(), (60, 3.4), (30, 3.7), (0, 4.0))], Now);

        Assert.Equal(3.5, score.Score, 6);
        Assert.Equal(WarningTier.Warning, score.RawTier);
        Assert.Equal("rise", score.Contributions[0].Rule);
        Assert.Contains("rising 0.6 m/h", score.Contributions[0].Explanation, StringComparison.Ordinal);
        Assert.Equal("level", score.Contributions[1].Rule);
    }

    [Fact]
    public void Score_WhenRainfallSumsOverWindow_CountsOnlyTheWindow()
    {
        var flood = RiskRuleSet.Parse(Rules).Hazards[0];

        var score = RiskModel.Score(flood, [Series(RainGauge(), (240, 100), (150, 20), (90, 15), (10, 15))], Now);

        Assert.Equal(50, score.Contributions.Single().Value);
        Assert.Equal(WarningTier.Attention, score.RawTier);
    }

    [Theory]
    [InlineData(WarningTier.None, 2.2, WarningTier.Attention)]
    [InlineData(WarningTier.Attention, 1.6, WarningTier.Attention)]
    [InlineData(WarningTier.Attention, 1.4, WarningTier.General)]
    [InlineData(WarningTier.Warning, 2.6, WarningTier.Warning)]
    [InlineData(WarningTier.Emergency, 0.2, WarningTier.None)]
    [InlineData(WarningTier.General, 3.9, WarningTier.Warning)]
    public void WithHysteresis_WhenScoreFalls_DropsOnlyPastTheBand(WarningTier previous, double score, WarningTier expected) =>
        Assert.Equal(expected, RiskModel.WithHysteresis(previous, score, 0.5));

    [Fact]
    public void Thresholds_WhenNotRising_AreRefused()
    {
        var bad = new StationDefinition(new RegionCode("B"), "x", "x", StationKind.WaterLevel, new GeoPoint(0, 0), "m",
            new ValidRange(0, 10), new TierThresholds(5, 4, null, 9), false);
        Assert.NotEmpty(bad.Problems());
        Assert.Equal(WarningTier.Emergency, new TierThresholds(1, 2, 3, 4).TierOf(4));
        Assert.Equal(WarningTier.None, new TierThresholds(1, 2, 3, 4).TierOf(0.5));
    }
}
