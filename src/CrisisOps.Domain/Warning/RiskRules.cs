using System.Globalization;
using System.Text.Json;
using CrisisOps.Domain.Regions;

namespace CrisisOps.Domain.Warning;

/// <summary>How a rule turns its inputs into a tier score.</summary>
public enum RuleKind
{
    /// <summary>The latest value against the station's own tier thresholds.</summary>
    Threshold = 1,

    /// <summary>How fast the value rises over a window, per hour, against four limits.</summary>
    RateOfRise,

    /// <summary>The sum of values over a window (rainfall over 1 h, 3 h, 24 h) against four limits.</summary>
    RollingSum,

    /// <summary>
    /// Official CAP warnings in force over the region whose event names one of the rule's words:
    /// the CAP severity is the score (Minor 1 … Extreme 4).
    /// </summary>
    OfficialWarning,

    /// <summary>Government records of some categories within a window (petitions per week…), counted or severity-weighted, against four limits.</summary>
    RecordCount,

    /// <summary>Posts counted by opinion monitoring within a window, optionally only some keywords, summed, against four limits.</summary>
    OpinionCount,

    /// <summary>
    /// Negative posts within a window, optionally only some keywords, summed, against four limits: the anger of a
    /// region, which the opinion pipeline measures on every post it reads (and monitoring tools may send).
    /// </summary>
    OpinionNegative,
}

/// <summary>
/// One scoring rule of a hazard. For rate-of-rise, rolling-sum, record-count and opinion-count,
/// <c>Limits</c> are the values at which the general, attention, warning and emergency tiers
/// begin. <c>StationKind</c> is the default (0) for rules that read no station.
/// </summary>
public sealed record RiskRule(string Id, RuleKind Kind, StationKind StationKind, TimeSpan Window, IReadOnlyList<double> Limits)
{
    /// <summary>official-warning: words an alert's event must contain (ignoring case), in any language.</summary>
    public IReadOnlyList<string> Events { get; init; } = [];

    /// <summary>record-count: the record categories counted.</summary>
    public IReadOnlyList<RecordCategory> Categories { get; init; } = [];

    /// <summary>record-count: each record counts its severity (1–4) instead of 1, so one grave finding weighs as much as four minor ones.</summary>
    public bool SeverityWeighted { get; init; }

    /// <summary>opinion-count and opinion-negative: the keywords summed (equal ignoring case); empty = all keywords.</summary>
    public IReadOnlyList<string> Keywords { get; init; } = [];

    /// <summary>True for the rules that read monitoring stations.</summary>
    public bool ReadsStations => Kind is RuleKind.Threshold or RuleKind.RateOfRise or RuleKind.RollingSum;
}

/// <summary>
/// How much a region's vulnerability adds to a hazard's score once the hazard scores at least
/// 1 (general): per 10,000 residents, per attribute the region carries (<c>low-lying</c>,
/// <c>old-estate</c>, …) and per vulnerable site inside it, all together at most
/// <see cref="Max"/>. A quiet region never becomes "general" for being old or crowded.
/// </summary>
public sealed record VulnerabilityRule(
    double PerTenThousand,
    IReadOnlyDictionary<string, double> Attributes,
    IReadOnlyDictionary<SiteType, double> Sites,
    double Max);

/// <summary>The rules of one hazard (flood, landslide, …), and its vulnerability bonus when it has one.</summary>
public sealed record HazardRules(string Hazard, IReadOnlyList<RiskRule> Rules)
{
    public VulnerabilityRule? Vulnerability { get; init; }

    /// <summary>How a region above takes this hazard's tier from its children; the worst child by default.</summary>
    public AggregationRule Aggregation { get; init; } = AggregationRule.Worst;
}

/// <summary>
/// How a parent region takes a hazard's tier from its children (aggregation up the tree). With
/// <see cref="Children"/> = 1 a district takes its worst township; with 2 it takes the highest tier
/// that at least two of its children have reached, so one flooded cellar street does not put a
/// whole district at emergency while two do.
/// </summary>
public sealed record AggregationRule(int Children)
{
    public static AggregationRule Worst { get; } = new(1);

    /// <summary>The child whose tier and score the parent takes, from the children's rows for the hazard; null without any.</summary>
    public RegionRisk? Pick(IEnumerable<RegionRisk> children) => Pick(children, r => r.Tier, r => r.Score);

    /// <summary>The child the parent follows, ranked by tier then score; with fewer children than <see cref="Children"/>, the least of them.</summary>
    public T? Pick<T>(IEnumerable<T> children, Func<T, WarningTier> tier, Func<T, double> score)
    {
        ArgumentNullException.ThrowIfNull(children);
        var ranked = children.OrderByDescending(tier).ThenByDescending(score).ToList();
        return ranked.Count == 0 ? default : ranked[Math.Min(Children, ranked.Count) - 1];
    }
}

/// <summary>
/// The risk model's configuration: versioned, validated when loaded (errors name the line), so a
/// bad edit is refused and the running rules stay in force. <c>Hysteresis</c> is how far (in tier
/// units) a score must fall below a tier's start before the tier drops: it stops flapping.
/// </summary>
public sealed record RiskRuleSet(int Version, double Hysteresis, IReadOnlyList<HazardRules> Hazards)
{
    /// <summary>Longest window of station rules are read over: readings older than this never count.</summary>
    public static readonly TimeSpan MaxStationWindow = TimeSpan.FromDays(3);

    /// <summary>Longest window of record and opinion rules: petitions are weighed by the week or the month.</summary>
    public static readonly TimeSpan MaxCountWindow = TimeSpan.FromDays(90);

    /// <summary>How far back records must be read to apply every record-count rule (zero when there is none).</summary>
    public TimeSpan RecordLookback => Longest(RuleKind.RecordCount);

    /// <summary>How far back opinion counts must be read to apply every opinion-count rule (zero when there is none).</summary>
    public TimeSpan OpinionLookback => Longest(RuleKind.OpinionCount) > Longest(RuleKind.OpinionNegative)
        ? Longest(RuleKind.OpinionCount)
        : Longest(RuleKind.OpinionNegative);

    private TimeSpan Longest(RuleKind kind) =>
        Hazards.SelectMany(h => h.Rules).Where(r => r.Kind == kind).Select(r => r.Window).DefaultIfEmpty(TimeSpan.Zero).Max();

    /// <exception cref="RiskRuleException">The text is not a valid rule set; the message names the line.</exception>
    public static RiskRuleSet Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new RiskRuleException($"line {(ex.LineNumber ?? 0) + 1}: {ex.Message}");
        }

        using (document)
        {
            var lines = new LineFinder(json);
            var root = document.RootElement;
            var version = Required(root, "version", lines, lines.Of("version"), JsonValueKind.Number).GetInt32();
            var hysteresis = root.TryGetProperty("hysteresis", out var h) ? h.GetDouble() : 0.5;
            if (hysteresis is < 0 or > 1)
            {
                throw new RiskRuleException($"line {lines.Line(lines.Of("hysteresis"))}: hysteresis must lie within [0, 1] tier.");
            }

            var hazards = new List<HazardRules>();
            var hazardsAt = lines.Of("hazards");
            foreach (var hazard in Required(root, "hazards", lines, hazardsAt, JsonValueKind.Object).EnumerateObject())
            {
                var at = lines.Of(hazard.Name, hazardsAt);
                var rules = new List<RiskRule>();
                var ruleAt = at;
                foreach (var rule in Required(hazard.Value, "rules", lines, at, JsonValueKind.Array).EnumerateArray())
                {
                    var parsed = ReadRule(hazard.Name, rule, lines, ruleAt);
                    if (rules.Any(r => r.Id == parsed.Rule.Id))
                    {
                        throw new RiskRuleException($"line {lines.Line(parsed.At)}: hazard '{hazard.Name}' has two rules with the id '{parsed.Rule.Id}'.");
                    }

                    rules.Add(parsed.Rule);
                    ruleAt = parsed.At + 1;
                }

                if (rules.Count == 0)
                {
                    throw new RiskRuleException($"line {lines.Line(at)}: hazard '{hazard.Name}' has no rules.");
                }

                var vulnerability = hazard.Value.TryGetProperty("vulnerability", out var v)
                    ? ReadVulnerability(hazard.Name, v, lines, lines.Of("vulnerability", at))
                    : null;
                var aggregation = hazard.Value.TryGetProperty("aggregate", out var g)
                    ? ReadAggregation(hazard.Name, g, lines.Line(lines.Of("aggregate", at)))
                    : AggregationRule.Worst;
                hazards.Add(new HazardRules(hazard.Name, rules) { Vulnerability = vulnerability, Aggregation = aggregation });
            }

            return new RiskRuleSet(version, hysteresis, hazards);
        }
    }

    private static (RiskRule Rule, int At) ReadRule(string hazard, JsonElement rule, LineFinder lines, int from)
    {
        var id = Required(rule, "id", lines, lines.Of("id", from), JsonValueKind.String).GetString()!;
        var at = lines.Of(id, from);
        var line = lines.Line(at);
        var kindText = Required(rule, "kind", lines, lines.Of("kind", at), JsonValueKind.String).GetString();
        var kind = kindText switch
        {
            "threshold" => RuleKind.Threshold,
            "rate-of-rise" => RuleKind.RateOfRise,
            "rolling-sum" => RuleKind.RollingSum,
            "official-warning" => RuleKind.OfficialWarning,
            "record-count" => RuleKind.RecordCount,
            "opinion-count" => RuleKind.OpinionCount,
            "opinion-negative" => RuleKind.OpinionNegative,
            _ => throw new RiskRuleException(
                $"line {line}: rule '{id}' of '{hazard}': unknown kind '{kindText}' (threshold, rate-of-rise, rolling-sum, official-warning, record-count, opinion-count, opinion-negative)."),
        };

        StationKind stationKind = default;
        if (kind is RuleKind.Threshold or RuleKind.RateOfRise or RuleKind.RollingSum)
        {
            var stationText = Required(rule, "station", lines, lines.Of("station", at), JsonValueKind.String).GetString();
            stationKind = stationText switch
            {
                "water-level" => StationKind.WaterLevel,
                "rainfall" => StationKind.Rainfall,
                "river-flow" => StationKind.RiverFlow,
                "soil-moisture" => StationKind.SoilMoisture,
                "crowd-count" => StationKind.CrowdCount,
                "pipe-pressure" => StationKind.PipePressure,
                _ => throw new RiskRuleException($"line {lines.Line(lines.Of("station", at))}: rule '{id}': unknown station kind '{stationText}'."),
            };
        }

        var window = TimeSpan.Zero;
        var limits = new List<double>();
        if (kind is not (RuleKind.Threshold or RuleKind.OfficialWarning))
        {
            var longest = kind is RuleKind.RecordCount or RuleKind.OpinionCount or RuleKind.OpinionNegative ? MaxCountWindow : MaxStationWindow;
            var windowAt = lines.Of("window", at);
            var windowText = Required(rule, "window", lines, windowAt, JsonValueKind.String).GetString()!;
            if (!TimeSpan.TryParse(windowText, CultureInfo.InvariantCulture, out window) || window <= TimeSpan.Zero || window > longest)
            {
                throw new RiskRuleException(string.Create(CultureInfo.InvariantCulture,
                    $"line {lines.Line(windowAt)}: rule '{id}': window '{windowText}' must be a duration such as 01:00:00 or 7.00:00:00, up to {longest.TotalDays:0} days."));
            }

            var limitsAt = lines.Of("limits", at);
            limits.AddRange(Required(rule, "limits", lines, limitsAt, JsonValueKind.Array).EnumerateArray()
                .Select(l => l.ValueKind == JsonValueKind.Number ? l.GetDouble() : double.NaN));
            if (limits.Count != 4 || limits.Any(l => !double.IsFinite(l)) || limits.Zip(limits.Skip(1)).Any(p => p.Second < p.First))
            {
                throw new RiskRuleException($"line {lines.Line(limitsAt)}: rule '{id}': limits must be four rising numbers (general, attention, warning, emergency).");
            }
        }

        var result = new RiskRule(id, kind, stationKind, window, limits);
        switch (kind)
        {
            case RuleKind.OfficialWarning:
                result = result with { Events = Words(rule, "events", id, lines, at, required: true) };
                break;
            case RuleKind.RecordCount:
            {
                var categoriesAt = lines.Of("categories", at);
                var categories = new List<RecordCategory>();
                foreach (var word in Words(rule, "categories", id, lines, at, required: true))
                {
                    categories.Add(RecordCategories.TryParse(word, out var category)
                        ? category
                        : throw new RiskRuleException(
                            $"line {lines.Line(categoriesAt)}: rule '{id}': unknown record category '{word}' ({string.Join(", ", RecordCategories.Words)})."));
                }

                var weighted = false;
                if (rule.TryGetProperty("severityWeighted", out var w))
                {
                    weighted = w.ValueKind switch
                    {
                        JsonValueKind.True => true,
                        JsonValueKind.False => false,
                        _ => throw new RiskRuleException($"line {lines.Line(lines.Of("severityWeighted", at))}: rule '{id}': severityWeighted must be true or false."),
                    };
                }

                result = result with { Categories = categories, SeverityWeighted = weighted };
                break;
            }

            case RuleKind.OpinionCount or RuleKind.OpinionNegative:
                result = result with { Keywords = Words(rule, "keywords", id, lines, at, required: false) };
                break;
        }

        return (result, at);
    }

    private static List<string> Words(JsonElement rule, string name, string id, LineFinder lines, int at, bool required)
    {
        var line = lines.Line(lines.Of(name, at));
        if (!rule.TryGetProperty(name, out var array))
        {
            return required
                ? throw new RiskRuleException($"line {lines.Line(at)}: rule '{id}': '{name}' is required (a list of words).")
                : [];
        }

        if (array.ValueKind != JsonValueKind.Array || array.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(e.GetString())))
        {
            throw new RiskRuleException($"line {line}: rule '{id}': '{name}' must be a list of non-empty strings.");
        }

        var words = array.EnumerateArray().Select(e => e.GetString()!.Trim()).ToList();
        return required && words.Count == 0
            ? throw new RiskRuleException($"line {line}: rule '{id}': '{name}' needs at least one word.")
            : words;
    }

    /// <summary><c>"aggregate": "worst"</c> or <c>{ "rule": "at-least", "children": 2 }</c>.</summary>
    private static AggregationRule ReadAggregation(string hazard, JsonElement g, int line)
    {
        if (g.ValueKind == JsonValueKind.String && g.GetString() == "worst")
        {
            return AggregationRule.Worst;
        }

        if (g.ValueKind == JsonValueKind.Object && g.TryGetProperty("rule", out var rule) && rule.ValueKind == JsonValueKind.String)
        {
            switch (rule.GetString())
            {
                case "worst":
                    return AggregationRule.Worst;
                case "at-least" when g.TryGetProperty("children", out var n) && n.ValueKind == JsonValueKind.Number && n.TryGetInt32(out var count)
                    && count is >= 1 and <= 100:
                    return new AggregationRule(count);
                case "at-least":
                    throw new RiskRuleException($"line {line}: hazard '{hazard}': 'aggregate' \"at-least\" needs \"children\": a whole number from 1 to 100.");
            }
        }

        throw new RiskRuleException(
            $"line {line}: hazard '{hazard}': 'aggregate' must be \"worst\" or {{ \"rule\": \"at-least\", \"children\": N }}.");
    }

    private static VulnerabilityRule ReadVulnerability(string hazard, JsonElement v, LineFinder lines, int at)
    {
        var line = lines.Line(at);
        if (v.ValueKind != JsonValueKind.Object)
        {
            throw new RiskRuleException($"line {line}: hazard '{hazard}': 'vulnerability' must be an object.");
        }

        double Weight(JsonElement value, string what, int whereAt)
        {
            return value.ValueKind == JsonValueKind.Number && value.GetDouble() is var d && double.IsFinite(d) && d is >= 0 and <= 4
                ? d
                : throw new RiskRuleException($"line {lines.Line(whereAt)}: hazard '{hazard}': vulnerability {what} must be a number from 0 to 4 (tier units).");
        }

        var maxAt = lines.Of("max", at);
        var max = v.TryGetProperty("max", out var m)
            ? Weight(m, "'max'", maxAt)
            : throw new RiskRuleException($"line {line}: hazard '{hazard}': vulnerability needs 'max', the most it may add (e.g. 0.5).");
        var perTenThousand = v.TryGetProperty("perTenThousand", out var p) ? Weight(p, "'perTenThousand'", lines.Of("perTenThousand", at)) : 0;

        var attributes = new Dictionary<string, double>(StringComparer.Ordinal);
        if (v.TryGetProperty("attributes", out var a))
        {
            var attributesAt = lines.Of("attributes", at);
            if (a.ValueKind != JsonValueKind.Object)
            {
                throw new RiskRuleException($"line {lines.Line(attributesAt)}: hazard '{hazard}': vulnerability 'attributes' must map attribute names to weights.");
            }

            foreach (var attribute in a.EnumerateObject())
            {
                attributes[attribute.Name] = Weight(attribute.Value, $"attribute '{attribute.Name}'", lines.Of(attribute.Name, attributesAt));
            }
        }

        var sites = new Dictionary<SiteType, double>();
        if (v.TryGetProperty("sites", out var s))
        {
            var sitesAt = lines.Of("sites", at);
            if (s.ValueKind != JsonValueKind.Object)
            {
                throw new RiskRuleException($"line {lines.Line(sitesAt)}: hazard '{hazard}': vulnerability 'sites' must map site kinds to weights per site.");
            }

            foreach (var site in s.EnumerateObject())
            {
                var siteAt = lines.Of(site.Name, sitesAt);
                SiteType kind = site.Name switch
                {
                    "nursing-home" => SiteType.NursingHome,
                    "school" => SiteType.School,
                    "hospital" => SiteType.Hospital,
                    "shelter" => SiteType.Shelter,
                    _ => throw new RiskRuleException(
                        $"line {lines.Line(siteAt)}: hazard '{hazard}': unknown site kind '{site.Name}' (nursing-home, school, hospital, shelter)."),
                };
                sites[kind] = Weight(site.Value, $"site '{site.Name}'", siteAt);
            }
        }

        return new VulnerabilityRule(perTenThousand, attributes, sites, max);
    }

    private static JsonElement Required(JsonElement element, string name, LineFinder lines, int at, JsonValueKind kind)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value) || value.ValueKind != kind)
        {
            throw new RiskRuleException($"line {lines.Line(at)}: '{name}' is required and must be a {kind.ToString().ToLowerInvariant()}.");
        }

        return value;
    }

    /// <summary>
    /// Finds where a name is mentioned, searching from a position (the hazard's, the rule's), so
    /// an error in the third rule names the third rule's line, not the first mention in the file.
    /// Positions are character offsets; <see cref="Line"/> turns one into a line number.
    /// </summary>
    private sealed class LineFinder(string text)
    {
        private readonly string _text = text;

        /// <summary>Offset of the first mention of <c>"name"</c> at or after <paramref name="from"/>; <paramref name="from"/> when there is none.</summary>
        public int Of(string name, int from = 0)
        {
            var start = Math.Clamp(from, 0, _text.Length);
            var at = _text.IndexOf("\"" + name + "\"", start, StringComparison.Ordinal);
            return at < 0 ? start : at;
        }

        public int Line(int offset) => _text.AsSpan(0, Math.Clamp(offset, 0, _text.Length)).Count('\n') + 1;
    }
}

/// <summary>A rule file could not be loaded; the message says where.</summary>
public sealed class RiskRuleException : Exception
{
    public RiskRuleException(string message) : base(message) { }

    public RiskRuleException() { }

    public RiskRuleException(string message, Exception innerException) : base(message, innerException) { }
}
