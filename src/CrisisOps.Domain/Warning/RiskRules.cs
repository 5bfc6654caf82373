using System.Globalization;
using System.Text.Json;

namespace CrisisOps.Domain.Warning;

/// <summary>How a rule turns readings into a tier score.</summary>
public enum RuleKind
{
    /// <summary>The latest value against the station's own tier thresholds.</summary>
    Threshold = 1,

    /// <summary>How fast the value rises over a window, per hour, against four limits.</summary>
    RateOfRise,

    /// <summary>The sum of values over a window (rainfall over 1 h, 3 h, 24 h) against four limits.</summary>
    RollingSum,
}

/// <summary>
/// One scoring rule of a hazard. For rate-of-rise and rolling-sum, <c>Limits</c> are the values at
/// which the general, attention, warning and emergency tiers begin.
/// </summary>
public sealed record RiskRule(string Id, RuleKind Kind, StationKind StationKind, TimeSpan Window, IReadOnlyList<double> Limits);

/// <summary>The rules of one hazard (flood, landslide, …).</summary>
public sealed record HazardRules(string Hazard, IReadOnlyList<RiskRule> Rules);

/// <summary>
/// The risk model's configuration: versioned, validated when loaded (errors name the line), so a
/// bad edit is refused and the running rules stay in force. <c>Hysteresis</c> is how far (in tier
/// units) a score must fall below a tier's start before the tier drops: it stops flapping.
/// </summary>
public sealed record RiskRuleSet(int Version, double Hysteresis, IReadOnlyList<HazardRules> Hazards)
{
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
            var version = Required(root, "version", lines, JsonValueKind.Number).GetInt32();
            var hysteresis = root.TryGetProperty("hysteresis", out var h) ? h.GetDouble() : 0.5;
            if (hysteresis is < 0 or > 1)
            {
                throw new RiskRuleException($"line {lines.Of("hysteresis")}: hysteresis must lie within [0, 1] tier.");
            }

            var hazards = new List<HazardRules>();
            foreach (var hazard in Required(root, "hazards", lines, JsonValueKind.Object).EnumerateObject())
            {
                var rules = new List<RiskRule>();
                foreach (var rule in Required(hazard.Value, "rules", lines, JsonValueKind.Array).EnumerateArray())
                {
                    rules.Add(ReadRule(hazard.Name, rule, lines));
                }

                if (rules.Count == 0)
                {
                    throw new RiskRuleException($"line {lines.Of(hazard.Name)}: hazard '{hazard.Name}' has no rules.");
                }

                hazards.Add(new HazardRules(hazard.Name, rules));
            }

            return new RiskRuleSet(version, hysteresis, hazards);
        }
    }

    private static RiskRule ReadRule(string hazard, JsonElement rule, LineFinder lines)
    {
        var id = Required(rule, "id", lines, JsonValueKind.String).GetString()!;
        var line = lines.Of(id);
        var kindText = Required(rule, "kind", lines, JsonValueKind.String).GetString();
        var kind = kindText switch
        {
            "threshold" => RuleKind.Threshold,
            "rate-of-rise" => RuleKind.RateOfRise,
            "rolling-sum" => RuleKind.RollingSum,
            _ => throw new RiskRuleException($"line {line}: rule '{id}' of '{hazard}': unknown kind '{kindText}' (threshold, rate-of-rise, rolling-sum)."),
        };
        var stationText = Required(rule, "station", lines, JsonValueKind.String).GetString();
        var stationKind = stationText switch
        {
            "water-level" => StationKind.WaterLevel,
            "rainfall" => StationKind.Rainfall,
            "river-flow" => StationKind.RiverFlow,
            "soil-moisture" => StationKind.SoilMoisture,
            "crowd-count" => StationKind.CrowdCount,
            "pipe-pressure" => StationKind.PipePressure,
            _ => throw new RiskRuleException($"line {line}: rule '{id}': unknown station kind '{stationText}'."),
        };
        var window = TimeSpan.Zero;
        var limits = new List<double>();
        if (kind != RuleKind.Threshold)
        {
            var windowText = Required(rule, "window", lines, JsonValueKind.String).GetString()!;
            if (!TimeSpan.TryParse(windowText, CultureInfo.InvariantCulture, out window) || window <= TimeSpan.Zero || window > TimeSpan.FromDays(3))
            {
                throw new RiskRuleException($"line {line}: rule '{id}': window '{windowText}' must be a duration such as 01:00:00, up to 3 days.");
            }

            limits.AddRange(Required(rule, "limits", lines, JsonValueKind.Array).EnumerateArray().Select(l => l.GetDouble()));
            if (limits.Count != 4 || limits.Any(l => !double.IsFinite(l)) || limits.Zip(limits.Skip(1)).Any(p => p.Second < p.First))
            {
                throw new RiskRuleException($"line {line}: rule '{id}': limits must be four rising numbers (general, attention, warning, emergency).");
            }
        }

        return new RiskRule(id, kind, stationKind, window, limits);
    }

    private static JsonElement Required(JsonElement element, string name, LineFinder lines, JsonValueKind kind)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value) || value.ValueKind != kind)
        {
            throw new RiskRuleException($"line {lines.Of(name)}: '{name}' is required and must be a {kind.ToString().ToLowerInvariant()}.");
        }

        return value;
    }

    /// <summary>Finds the line of the first mention of a name, for error messages people can act on.</summary>
    private sealed class LineFinder(string text)
    {
        public int Of(string name)
        {
            var at = text.IndexOf("\"" + name + "\"", StringComparison.Ordinal);
            return at < 0 ? 1 : text.AsSpan(0, at).Count('\n') + 1;
        }
    }
}

/// <summary>A rule file could not be loaded; the message says where.</summary>
public sealed class RiskRuleException : Exception
{
    public RiskRuleException(string message) : base(message) { }

    public RiskRuleException() { }

    public RiskRuleException(string message, Exception innerException) : base(message, innerException) { }
}
