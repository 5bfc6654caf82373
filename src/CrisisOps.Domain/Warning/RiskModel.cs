using System.Globalization;
using CrisisOps.Domain.Regions;

namespace CrisisOps.Domain.Warning;

/// <summary>A station's recent readings, as the risk model needs them (oldest first).</summary>
public sealed record StationSeries(Station Station, IReadOnlyList<(DateTimeOffset Time, double Value)> Readings);

/// <summary>A government record as the risk model needs it.</summary>
public sealed record RecordFact(RecordCategory Category, DateTimeOffset Time, int Severity);

/// <summary>
/// One opinion count as the risk model needs it: posts on a keyword in the bucket starting at <c>BucketStart</c>, and the
/// negative ones among them (0 when the source did not judge tone).
/// </summary>
public sealed record OpinionFact(string Keyword, DateTimeOffset BucketStart, long Count, long Negative = 0);

/// <summary>
/// An official warning covering the region, as the risk model needs it. In force from
/// <c>From</c> (effective) until <c>Until</c> (expiry), unless ended earlier at <c>EndedAt</c>
/// (superseded or cancelled).
/// </summary>
public sealed record WarningFact(string Sender, string Identifier, IReadOnlyList<string> Events, CapSeverity Severity, string? Headline,
    DateTimeOffset From, DateTimeOffset Until, DateTimeOffset? EndedAt)
{
    /// <summary>Includes the start, excludes the end.</summary>
    public bool IsInForceAt(DateTimeOffset time) => From <= time && time < Until && (EndedAt is null || time < EndedAt);

    public static WarningFact Of(OfficialWarning warning)
    {
        ArgumentNullException.ThrowIfNull(warning);
        return new WarningFact(warning.Sender, warning.Identifier, warning.Events, warning.Severity, warning.HeadlineZh ?? warning.HeadlineEn,
            warning.Effective, warning.ValidUntil, warning.EndedAt);
    }
}

/// <summary>What makes a region more vulnerable: its people, its attributes (low-lying, old estates…) and the vulnerable sites in it, by kind.</summary>
public sealed record RegionVulnerability(string RegionCode, long? Population, IReadOnlyList<string> Attributes, IReadOnlyDictionary<SiteType, int> Sites);

/// <summary>
/// Everything the risk model reads about one region: its stations' readings, its government
/// records, its opinion counts, the official warnings covering it, and its vulnerability.
/// </summary>
public sealed record RiskInputs(
    IReadOnlyList<StationSeries> Stations,
    IReadOnlyList<RecordFact> Records,
    IReadOnlyList<OpinionFact> Opinion,
    IReadOnlyList<WarningFact> Warnings,
    RegionVulnerability? Vulnerability)
{
    public static RiskInputs Empty { get; } = new([], [], [], [], null);

    /// <summary>Readings only, as before records, opinion and warnings fed the model.</summary>
    public static RiskInputs FromStations(IReadOnlyList<StationSeries> stations) => Empty with { Stations = stations };

    /// <summary>True when some rule of the hazard has something of this region to read.</summary>
    public bool Concern(HazardRules hazard)
    {
        ArgumentNullException.ThrowIfNull(hazard);
        return hazard.Rules.Any(rule => rule.Kind switch
        {
            RuleKind.OfficialWarning => Warnings.Count > 0,
            RuleKind.RecordCount => Records.Count > 0,
            RuleKind.OpinionCount or RuleKind.OpinionNegative => Opinion.Count > 0,
            _ => Stations.Any(s => s.Station.Kind == rule.StationKind),
        });
    }
}

/// <summary>
/// What one rule saw and the score it gave: the explanation of a tier. <c>Station</c> names what
/// was read: the station code, or for other inputs the alert (<c>sender/identifier</c>),
/// <c>records</c>, <c>opinion</c>, or the region (vulnerability).
/// </summary>
public sealed record RuleContribution(string Rule, string Station, double Value, double Score, string Explanation);

/// <summary>
/// A hazard's score in a region, 0–4 on the tier scale (1 = general … 4 = emergency, fractions
/// in between), with every contribution that made it.
/// </summary>
public sealed record HazardScore(string Hazard, double Score, IReadOnlyList<RuleContribution> Contributions)
{
    public WarningTier RawTier => (WarningTier)Math.Clamp((int)Math.Floor(Score), 0, 4);
}

/// <summary>
/// The risk model (风险图谱): applies a hazard's rules to what is known of a region. A score is the
/// highest any rule gives; each rule scores a value against its four limits, linearly between them,
/// so 4.5 m between the attention (4.5) and warning (6.0) limits of a gauge scores 2.0, and 5.25 m
/// scores 2.5. An official warning scores its CAP severity. Once the hazard scores at least 1, the
/// region's vulnerability adds its bonus (at most the hazard's <see cref="VulnerabilityRule.Max"/>;
/// the score never passes 4).
/// </summary>
public static class RiskModel
{
    /// <summary>The highest score: emergency.</summary>
    public const double MaxScore = 4;

    /// <summary>Scores from station readings only (the form before other sources fed the model).</summary>
    public static HazardScore Score(HazardRules hazard, IReadOnlyList<StationSeries> stations, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(stations);
        return Score(hazard, RiskInputs.FromStations(stations), now);
    }

    /// <summary>Scores a hazard in a region as of <paramref name="asOf"/>: windows end there, warnings count when in force then.</summary>
    public static HazardScore Score(HazardRules hazard, RiskInputs inputs, DateTimeOffset asOf)
    {
        ArgumentNullException.ThrowIfNull(hazard);
        ArgumentNullException.ThrowIfNull(inputs);
        var contributions = new List<RuleContribution>();
        foreach (var rule in hazard.Rules)
        {
            switch (rule.Kind)
            {
                case RuleKind.OfficialWarning:
                    contributions.AddRange(inputs.Warnings.Where(w => w.IsInForceAt(asOf) && Matches(rule, w)).Select(w => FromWarning(rule, w)));
                    break;
                case RuleKind.RecordCount:
                    contributions.AddRange(FromRecords(rule, inputs.Records, asOf) is { } records ? [records] : []);
                    break;
                case RuleKind.OpinionCount or RuleKind.OpinionNegative:
                    contributions.AddRange(FromOpinion(rule, inputs.Opinion, asOf) is { } opinion ? [opinion] : []);
                    break;
                default:
                    foreach (var series in inputs.Stations.Where(s => s.Station.Kind == rule.StationKind && s.Readings.Count > 0))
                    {
                        if (Apply(rule, series, asOf) is { } contribution)
                        {
                            contributions.Add(contribution);
                        }
                    }

                    break;
            }
        }

        var score = contributions.Count == 0 ? 0 : contributions.Max(c => c.Score);

        // Vulnerability sharpens a risk that is there; it never makes one up (a quiet old estate stays quiet).
        if (score >= 1 && hazard.Vulnerability is { } weights && inputs.Vulnerability is { } region && Vulnerability(weights, region) is { } bonus)
        {
            contributions.Add(bonus);
            score = Math.Min(MaxScore, score + bonus.Score);
        }

        return new HazardScore(hazard.Hazard, score, [.. contributions.OrderByDescending(c => c.Score)]);
    }

    /// <summary>True when one of the alert's events contains one of the rule's words, ignoring case (暴雨红色预警 contains 暴雨).</summary>
    private static bool Matches(RiskRule rule, WarningFact warning) =>
        warning.Events.Any(e => rule.Events.Any(word => e.Contains(word, StringComparison.OrdinalIgnoreCase)));

    private static RuleContribution FromWarning(RiskRule rule, WarningFact w)
    {
        var score = OfficialWarning.SeverityScore(w.Severity);
        var colour = score switch { 4 => "red", 3 => "orange", 2 => "yellow", _ => "blue" };
        var headline = w.Headline is null ? "" : ": " + w.Headline;
        return new RuleContribution(rule.Id, $"{w.Sender}/{w.Identifier}", score, score, Invariant(
            $"official warning {w.Identifier} from {w.Sender}, '{string.Join(" / ", w.Events)}', severity {w.Severity.ToString().ToLowerInvariant()} ({colour}), in force until {w.Until:yyyy-MM-dd HH:mm} UTC{headline}"));
    }

    private static RuleContribution? FromRecords(RiskRule rule, IReadOnlyList<RecordFact> records, DateTimeOffset asOf)
    {
        var counted = records.Where(r => rule.Categories.Contains(r.Category) && r.Time > asOf - rule.Window && r.Time <= asOf).ToList();
        if (counted.Count == 0)
        {
            return null;
        }

        var value = rule.SeverityWeighted ? counted.Sum(r => r.Severity) : counted.Count;
        var categories = string.Join(", ", rule.Categories.Select(c => c.Word()));
        var what = rule.SeverityWeighted
            ? Invariant($"severity-weighted {value} from {counted.Count} {categories} record(s)")
            : Invariant($"{value} {categories} record(s)");
        return new RuleContribution(rule.Id, "records", value, ScaleOf(value, [.. rule.Limits.Select(l => (double?)l)]), Invariant(
            $"{what} over {Duration(rule.Window)} (limits {string.Join('/', rule.Limits)})"));
    }

    private static RuleContribution? FromOpinion(RiskRule rule, IReadOnlyList<OpinionFact> opinion, DateTimeOffset asOf)
    {
        var counted = opinion.Where(o => o.BucketStart > asOf - rule.Window && o.BucketStart <= asOf
            && (rule.Keywords.Count == 0 || rule.Keywords.Contains(o.Keyword, StringComparer.OrdinalIgnoreCase))).ToList();
        var negative = rule.Kind == RuleKind.OpinionNegative;
        var sum = counted.Sum(o => negative ? o.Negative : o.Count);
        if (sum == 0)
        {
            return null;
        }

        var keywords = rule.Keywords.Count == 0 ? "all keywords" : string.Join(", ", counted.Select(o => o.Keyword).Distinct(StringComparer.OrdinalIgnoreCase));
        var posts = negative ? "negative posts" : "posts";
        return new RuleContribution(rule.Id, "opinion", sum, ScaleOf(sum, [.. rule.Limits.Select(l => (double?)l)]), Invariant(
            $"{sum} {posts} on {keywords} over {Duration(rule.Window)} (limits {string.Join('/', rule.Limits)})"));
    }

    private static RuleContribution? Vulnerability(VulnerabilityRule rule, RegionVulnerability region)
    {
        var parts = new List<string>();
        var total = 0.0;
        if (rule.PerTenThousand > 0 && region.Population is > 0 and { } population)
        {
            var add = population / 10_000.0 * rule.PerTenThousand;
            total += add;
            parts.Add(Invariant($"population {population:N0} (+{add:0.###})"));
        }

        foreach (var attribute in region.Attributes.Where(rule.Attributes.ContainsKey).Distinct(StringComparer.Ordinal))
        {
            var add = rule.Attributes[attribute];
            total += add;
            parts.Add(Invariant($"{attribute} (+{add:0.###})"));
        }

        foreach (var (kind, count) in region.Sites.Where(s => s.Value > 0 && rule.Sites.ContainsKey(s.Key)).OrderBy(s => s.Key))
        {
            var add = count * rule.Sites[kind];
            total += add;
            parts.Add(Invariant($"{count} {SiteWord(kind)}{(count == 1 ? "" : "s")} (+{add:0.###})"));
        }

        if (total <= 0)
        {
            return null;
        }

        var bonus = Math.Min(total, rule.Max);
        var capped = total > rule.Max ? Invariant($", capped at {rule.Max:0.###}") : "";
        return new RuleContribution("vulnerability", region.RegionCode, bonus, bonus, Invariant(
            $"vulnerability of {region.RegionCode} adds {bonus:0.###}: {string.Join(", ", parts)}{capped}"));
    }

    private static string SiteWord(SiteType kind) => kind switch
    {
        SiteType.NursingHome => "nursing home",
        SiteType.School => "school",
        SiteType.Hospital => "hospital",
        SiteType.Shelter => "shelter",
        _ => kind.ToString(),
    };

    private static string Duration(TimeSpan window) =>
        window.TotalHours >= 48 && window.TotalDays == Math.Floor(window.TotalDays)
            ? Invariant($"{window.TotalDays:0} d")
            : Invariant($"{window.TotalHours:0.#} h");

    /// <summary>
    /// The tier to show, given the one shown before: a rise takes effect at once; a fall only once
    /// the score is <paramref name="hysteresis"/> below the start of the tier shown, so a value
    /// hovering at a threshold does not flap.
    /// </summary>
    public static WarningTier WithHysteresis(WarningTier previous, double score, double hysteresis)
    {
        var raw = (WarningTier)Math.Clamp((int)Math.Floor(score), 0, 4);
        if (raw >= previous)
        {
            return raw;
        }

        for (var tier = previous; tier > raw; tier--)
        {
            if (score >= (int)tier - hysteresis)
            {
                return tier;
            }
        }

        return raw;
    }

    /// <summary>Position of a value on the tier scale given the four limits where tiers 1–4 begin.</summary>
    public static double ScaleOf(double value, IReadOnlyList<double?> limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var points = new List<(int Tier, double Limit)>();
        for (var i = 0; i < limits.Count; i++)
        {
            if (limits[i] is { } limit)
            {
                points.Add((i + 1, limit));
            }
        }

        if (points.Count == 0 || value < points[0].Limit)
        {
            // Below the first limit: the fraction of the way from zero to it (under 1), so a trend shows
            // before any tier is reached.
            return points.Count == 0 || points[0].Limit <= 0 ? 0 : Math.Clamp(value / points[0].Limit, 0, 0.99);
        }

        for (var i = 0; i < points.Count - 1; i++)
        {
            var (tier, low) = points[i];
            var (nextTier, high) = points[i + 1];
            if (value < high)
            {
                return high > low ? tier + (value - low) / (high - low) * (nextTier - tier) : tier;
            }
        }

        return points[^1].Tier;
    }

    private static RuleContribution? Apply(RiskRule rule, StationSeries series, DateTimeOffset now)
    {
        var station = series.Station;
        var latest = series.Readings[^1];
        switch (rule.Kind)
        {
            case RuleKind.Threshold:
            {
                var t = station.Thresholds;
                var score = ScaleOf(latest.Value, [t.General, t.Attention, t.Warning, t.Emergency]);
                return new RuleContribution(rule.Id, station.Code, latest.Value, score, Invariant(
                    $"{station.Code} latest {latest.Value} {station.Unit} at {latest.Time:HH:mm} (thresholds {t.General}/{t.Attention}/{t.Warning}/{t.Emergency})"));
            }

            case RuleKind.RateOfRise:
            {
                var window = series.Readings.Where(r => r.Time > now - rule.Window && r.Time <= now).ToList();
                if (window.Count < 2 || window[^1].Time - window[0].Time < TimeSpan.FromMinutes(10))
                {
                    return null;
                }

                var perHour = (window[^1].Value - window[0].Value) / (window[^1].Time - window[0].Time).TotalHours;
                var score = ScaleOf(perHour, [.. rule.Limits.Select(l => (double?)l)]);
                return new RuleContribution(rule.Id, station.Code, perHour, score, Invariant(
                    $"{station.Code} rising {perHour:0.###} {station.Unit}/h over {rule.Window.TotalHours:0.#} h (limits {string.Join('/', rule.Limits)})"));
            }

            case RuleKind.RollingSum:
            {
                var sum = series.Readings.Where(r => r.Time > now - rule.Window && r.Time <= now).Sum(r => r.Value);
                var score = ScaleOf(sum, [.. rule.Limits.Select(l => (double?)l)]);
                return new RuleContribution(rule.Id, station.Code, sum, score, Invariant(
                    $"{station.Code} {sum:0.#} {station.Unit} over {rule.Window.TotalHours:0.#} h (limits {string.Join('/', rule.Limits)})"));
            }

            default:
                return null;
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
