using CrisisOps.Domain.Regions;
using CrisisOps.Domain.Warning;

namespace CrisisOps.Domain.Tests.Warning;

/// <summary>The rule kinds that read official warnings, government records and opinion counts, and the vulnerability bonus.</summary>
public sealed class RiskSourceRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 7, 12, 8, 0, 0, TimeSpan.Zero);

    private const string Rules = """
        {
          "version": 7,
          "hazards": {
            "waterlogging": {
              "rules": [
                { "id": "rain-1h", "kind": "rolling-sum", "station": "rainfall", "window": "01:00:00", "limits": [10, 20, 35, 50] },
                { "id": "rainstorm", "kind": "official-warning", "events": ["暴雨", "Rainstorm"] }
              ],
              "vulnerability": {
                "perTenThousand": 0.1,
                "attributes": { "low-lying": 0.3, "old-estate": 0.2 },
                "sites": { "nursing-home": 0.1 },
                "max": 0.5
              }
            },
            "social": {
              "rules": [
                { "id": "petitions", "kind": "record-count", "categories": ["petition"], "window": "7.00:00:00", "limits": [3, 6, 10, 20] },
                { "id": "findings", "kind": "record-count", "categories": ["hazard-finding", "relief-request"], "window": "30.00:00:00", "severityWeighted": true, "limits": [4, 8, 12, 20] },
                { "id": "posts", "kind": "opinion-count", "keywords": ["维权", "protest"], "window": "1.00:00:00", "limits": [50, 200, 500, 1000] }
              ]
            }
          }
        }
        """;

    private static HazardRules Hazard(string name) => RiskRuleSet.Parse(Rules).Hazards.Single(h => h.Hazard == name);

    private static WarningFact Warning(CapSeverity severity, string @event = "暴雨红色预警", int fromHoursAgo = 1, int untilHoursAhead = 5,
        DateTimeOffset? endedAt = null) =>
        new("cma@example", "CMA-1", [@event, "Rainstorm Red Warning"], severity, "暴雨红色预警", Now.AddHours(-fromHoursAgo), Now.AddHours(untilHoursAhead),
            endedAt);

    private static RegionVulnerability Vulnerable(long population = 20_000, string[]? attributes = null, int nursingHomes = 0) =>
        new("C1", population, attributes ?? ["low-lying"], new Dictionary<SiteType, int> { [SiteType.NursingHome] = nursingHomes });

    [Fact]
    public void Parse_WhenNewKinds_ReadsEveryField()
    {
        var set = RiskRuleSet.Parse(Rules);

        var waterlogging = set.Hazards[0];
        Assert.Equal(RuleKind.OfficialWarning, waterlogging.Rules[1].Kind);
        Assert.Equal(["暴雨", "Rainstorm"], waterlogging.Rules[1].Events);
        Assert.False(waterlogging.Rules[1].ReadsStations);
        Assert.Equal(0.5, waterlogging.Vulnerability!.Max);
        Assert.Equal(0.3, waterlogging.Vulnerability.Attributes["low-lying"]);
        Assert.Equal(0.1, waterlogging.Vulnerability.Sites[SiteType.NursingHome]);
        var social = set.Hazards[1];
        Assert.Equal([RecordCategory.Petition], social.Rules[0].Categories);
        Assert.Equal(TimeSpan.FromDays(7), social.Rules[0].Window);
        Assert.True(social.Rules[1].SeverityWeighted);
        Assert.Equal([RecordCategory.HazardFinding, RecordCategory.ReliefRequest], social.Rules[1].Categories);
        Assert.Equal(["维权", "protest"], social.Rules[2].Keywords);
        Assert.Equal(TimeSpan.FromDays(30), set.RecordLookback);
        Assert.Equal(TimeSpan.FromDays(1), set.OpinionLookback);
    }

    [Theory]
    [InlineData("\"categories\": [\"petition\"]", "\"categories\": [\"gossip\"]", 18, "unknown record category 'gossip'")]
    [InlineData("\"events\": [\"暴雨\", \"Rainstorm\"]", "\"events\": []", 7, "'events' needs at least one word")]
    [InlineData("\"events\": [\"暴雨\", \"Rainstorm\"]", "\"events\": [\"暴雨\", 3]", 7, "'events' must be a list of non-empty strings")]
    [InlineData("\"window\": \"7.00:00:00\"", "\"window\": \"100.00:00:00\"", 18, "up to 90 days")]
    [InlineData("\"low-lying\": 0.3", "\"low-lying\": -1", 11, "attribute 'low-lying' must be a number from 0 to 4")]
    [InlineData("\"nursing-home\": 0.1", "\"kindergarten\": 0.1", 12, "unknown site kind 'kindergarten'")]
    [InlineData("\"max\": 0.5", "\"maximum\": 0.5", 9, "vulnerability needs 'max'")]
    [InlineData("\"severityWeighted\": true", "\"severityWeighted\": \"yes\"", 19, "severityWeighted must be true or false")]
    [InlineData("\"id\": \"findings\"", "\"id\": \"petitions\"", 19, "two rules with the id 'petitions'")]
    public void Parse_WhenNewFieldInvalid_NamesTheLine(string original, string broken, int line, string expected)
    {
        var json = Rules.Replace(original, broken, StringComparison.Ordinal);
        Assert.NotEqual(Rules, json);

        var ex = Assert.Throws<RiskRuleException>(() => RiskRuleSet.Parse(json));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.StartsWith($"line {line}:", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(CapSeverity.Minor, 1.0)]
    [InlineData(CapSeverity.Moderate, 2.0)]
    [InlineData(CapSeverity.Severe, 3.0)]
    [InlineData(CapSeverity.Extreme, 4.0)]
    [InlineData(CapSeverity.Unknown, 1.0)]
    public void Score_WhenWarningInForce_ScoresItsSeverity(CapSeverity severity, double expected)
    {
        var score = RiskModel.Score(Hazard("waterlogging"), RiskInputs.Empty with { Warnings = [Warning(severity)] }, Now);

        Assert.Equal(expected, score.Score);
        var because = Assert.Single(score.Contributions);
        Assert.Equal("rainstorm", because.Rule);
        Assert.Contains("CMA-1", because.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Score_WhenWarningExpiredEndedNotYetInForceOrOtherEvent_IgnoresIt()
    {
        var waterlogging = Hazard("waterlogging");
        WarningFact[] quiet =
        [
            Warning(CapSeverity.Extreme, fromHoursAgo: 10, untilHoursAhead: 0),
            Warning(CapSeverity.Extreme, endedAt: Now.AddMinutes(-1)),
            Warning(CapSeverity.Extreme, fromHoursAgo: -1),
            new("cma@example", "CMA-2", ["大风蓝色预警", "Gale"], CapSeverity.Extreme, null, Now.AddHours(-1), Now.AddHours(5), null),
        ];

        Assert.Equal(0, RiskModel.Score(waterlogging, RiskInputs.Empty with { Warnings = quiet }, Now).Score);

        // Matching ignores case and finds the word inside the event (暴雨红色预警 contains 暴雨).
        var lower = new WarningFact("cma@example", "CMA-3", ["heavy RAINSTORM"], CapSeverity.Severe, null, Now.AddHours(-1), Now.AddHours(1), null);
        Assert.Equal(3, RiskModel.Score(waterlogging, RiskInputs.Empty with { Warnings = [lower] }, Now).Score);
    }

    [Fact]
    public void Score_WhenRecordsInWindow_CountsOrWeighsThem()
    {
        var social = Hazard("social");
        RecordFact[] records =
        [
            .. Enumerable.Range(0, 5).Select(i => new RecordFact(RecordCategory.Petition, Now.AddDays(-i), 1)),
            new(RecordCategory.Petition, Now.AddDays(-8), 4), // outside the week
            new(RecordCategory.HazardFinding, Now.AddDays(-3), 4),
            new(RecordCategory.ReliefRequest, Now.AddDays(-20), 3),
        ];

        var score = RiskModel.Score(social, RiskInputs.Empty with { Records = records }, Now);

        var petitions = score.Contributions.Single(c => c.Rule == "petitions");
        Assert.Equal(5, petitions.Value);
        Assert.Equal(1 + 2.0 / 3, petitions.Score, 6);
        Assert.Contains("5 petition record(s) over 7 d", petitions.Explanation, StringComparison.Ordinal);
        var findings = score.Contributions.Single(c => c.Rule == "findings");
        Assert.Equal(7, findings.Value); // severities 4 + 3
        Assert.Equal(1.75, findings.Score, 6);
        Assert.Equal(1.75, score.Score, 6);
    }

    [Fact]
    public void Score_WhenOpinionCounted_SumsOnlyTheKeywordsInTheWindow()
    {
        OpinionFact[] posts =
        [
            new("维权", Now.AddHours(-2), 120),
            new("PROTEST", Now.AddHours(-1), 80),
            new("天气", Now.AddHours(-1), 5000),
            new("维权", Now.AddHours(-30), 900),
        ];

        var score = RiskModel.Score(Hazard("social"), RiskInputs.Empty with { Opinion = posts }, Now);

        var because = Assert.Single(score.Contributions);
        Assert.Equal(200, because.Value);
        Assert.Equal(2.0, because.Score, 6);
    }

    [Fact]
    public void Score_WhenHazardScores_AddsVulnerabilityAsItsOwnContributionUpToTheMax()
    {
        var inputs = RiskInputs.Empty with { Warnings = [Warning(CapSeverity.Moderate)], Vulnerability = Vulnerable(20_000, ["low-lying"], 1) };

        var score = RiskModel.Score(Hazard("waterlogging"), inputs, Now);

        // 2 from the yellow warning + 0.2 (2 × 10,000 residents) + 0.3 (low-lying) + 0.1 (one nursing home) = 2.6, capped at +0.5.
        Assert.Equal(2.5, score.Score, 6);
        var bonus = score.Contributions.Single(c => c.Rule == "vulnerability");
        Assert.Equal(0.5, bonus.Score, 6);
        Assert.Contains("low-lying (+0.3)", bonus.Explanation, StringComparison.Ordinal);
        Assert.Contains("1 nursing home (+0.1)", bonus.Explanation, StringComparison.Ordinal);
        Assert.Contains("capped at 0.5", bonus.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Score_WhenHazardQuietOrBelowGeneral_VulnerabilityNeverLiftsIt()
    {
        var waterlogging = Hazard("waterlogging");
        var rain = new Station(new StationDefinition(new RegionCode("R1"), "雨量", "Rain", StationKind.Rainfall, new GeoPoint(48.4, 15.6), "mm",
            new ValidRange(0, 300), new TierThresholds(null, null, null, null), false), "C1", "/P/C1/", Now);
        var drizzle = new StationSeries(rain, [(Now.AddMinutes(-10), 8.0)]); // 0.8: below general

        Assert.Equal(0, RiskModel.Score(waterlogging, RiskInputs.Empty with { Vulnerability = Vulnerable(900_000, ["low-lying", "old-estate"], 9) }, Now).Score);
        var below = RiskModel.Score(waterlogging, RiskInputs.Empty with { Stations = [drizzle], Vulnerability = Vulnerable() }, Now);
        Assert.Equal(0.8, below.Score, 6);
        Assert.DoesNotContain(below.Contributions, c => c.Rule == "vulnerability");
    }

    [Fact]
    public void Score_WhenAtEmergency_VulnerabilityStopsAtFour()
    {
        var inputs = RiskInputs.Empty with { Warnings = [Warning(CapSeverity.Extreme)], Vulnerability = Vulnerable() };

        Assert.Equal(RiskModel.MaxScore, RiskModel.Score(Hazard("waterlogging"), inputs, Now).Score);
    }

    [Fact]
    public void Score_WhenGivenStationsOnly_TheOldOverloadAgreesWithInputs()
    {
        var rain = new Station(new StationDefinition(new RegionCode("R1"), "雨量", "Rain", StationKind.Rainfall, new GeoPoint(48.4, 15.6), "mm",
            new ValidRange(0, 300), new TierThresholds(null, null, null, null), false), "C1", "/P/C1/", Now);
        StationSeries[] stations = [new(rain, [(Now.AddMinutes(-30), 12.0), (Now.AddMinutes(-5), 14.0)])];

        var old = RiskModel.Score(Hazard("waterlogging"), stations, Now);
        var fresh = RiskModel.Score(Hazard("waterlogging"), RiskInputs.FromStations(stations), Now);

        Assert.Equal(old.Score, fresh.Score);
        Assert.Equal(2.4, old.Score, 6);
    }

    [Fact]
    public void ShippedRules_WhenParsed_AreValidAndFeedEverySource()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "CrisisOps.slnx")))
        {
            folder = folder.Parent;
        }

        var set = RiskRuleSet.Parse(File.ReadAllText(Path.Combine(folder!.FullName, "src", "CrisisOps.Server", "Features", "Warning", "risk-rules.json")));

        var kinds = set.Hazards.SelectMany(h => h.Rules).Select(r => r.Kind).ToHashSet();
        Assert.Contains(RuleKind.OfficialWarning, kinds);
        Assert.Contains(RuleKind.RecordCount, kinds);
        Assert.Contains(RuleKind.OpinionCount, kinds);
        Assert.NotNull(set.Hazards.Single(h => h.Hazard == "waterlogging").Vulnerability);
        Assert.Contains(set.Hazards.Single(h => h.Hazard == "social").Rules, r => r.Categories.Contains(RecordCategory.Petition));
    }
}
