using System.Globalization;
using System.Text.Json;
using CrisisOps.Domain.Warning;

namespace CrisisOps.Domain.Dispatch;

/// <summary>
/// Which ways inside a region a rule closes, when not all of them: tunnels and underpasses (<c>tunnel</c>), and/or
/// ways below ground level (<c>layerBelow</c>: OSM <c>layer</c> under this value).
/// </summary>
public sealed record WaySelector(bool? Tunnel, int? LayerBelow)
{
    public bool Matches(bool tunnel, int layer) =>
        (Tunnel is not { } t || t == tunnel) && (LayerBelow is not { } below || layer < below);
}

/// <summary>
/// A closure rule from the risk map (风险封路规则): when a region carrying <see cref="RegionAttribute"/> reaches
/// <see cref="Tier"/> or above for <see cref="Hazard"/>, its roads close (all of them, as an area closure of the region's
/// boundary, or only the ways <see cref="Ways"/> selects); when the tier falls below, they reopen.
/// </summary>
public sealed record ClosureRule(string Key, string Hazard, WarningTier Tier, string RegionAttribute, WaySelector? Ways, string ReasonZh,
    string ReasonEn)
{
    /// <summary>The key a closure made by this rule in <paramref name="regionCode"/> carries, e.g. <c>low-lying-waterlogging:KRE-02-01-004</c>.</summary>
    public string ClosureKey(string regionCode) => Key + ":" + regionCode;

    public bool AppliesTo(string hazard, IReadOnlyCollection<string> attributes) =>
        string.Equals(hazard, Hazard, StringComparison.Ordinal) && attributes.Contains(RegionAttribute, StringComparer.Ordinal);

    /// <summary>Whether the region's roads are closed at <paramref name="tier"/>.</summary>
    public bool ClosesAt(WarningTier tier) => tier >= Tier;
}

/// <summary>A closure rules file that does not hold; the message names the field (e.g. <c>rules[1].tier</c>).</summary>
public sealed class ClosureRuleException(string field, string message) : Exception($"{field}: {message}")
{
    public string Field { get; } = field;
}

/// <summary>The closure rules file: <c>{ "rules": [ { "key", "hazard", "tier", "regionAttribute", "ways"?, "reasonZh", "reasonEn" } ] }</c>.</summary>
public static class ClosureRules
{
    public const int MaxKeyLength = 100;

    private static readonly Dictionary<string, WarningTier> Tiers = new(StringComparer.OrdinalIgnoreCase)
    {
        ["general"] = WarningTier.General, ["blue"] = WarningTier.General,
        ["attention"] = WarningTier.Attention, ["yellow"] = WarningTier.Attention,
        ["warning"] = WarningTier.Warning, ["orange"] = WarningTier.Warning,
        ["emergency"] = WarningTier.Emergency, ["red"] = WarningTier.Emergency,
    };

    /// <exception cref="ClosureRuleException">The first field that does not hold.</exception>
    public static IReadOnlyList<ClosureRule> Parse(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new ClosureRuleException("(file)", $"Not JSON (line {ex.LineNumber + 1}): {ex.Message}");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("rules", out var rules)
                || rules.ValueKind != JsonValueKind.Array)
            {
                throw new ClosureRuleException("rules", "Required: an array of rules.");
            }

            var result = new List<ClosureRule>();
            var index = 0;
            foreach (var rule in rules.EnumerateArray())
            {
                var at = $"rules[{index.ToString(CultureInfo.InvariantCulture)}]";
                if (rule.ValueKind != JsonValueKind.Object)
                {
                    throw new ClosureRuleException(at, "Each rule is an object.");
                }

                var key = Text(rule, at, "key");
                if (key.Length > MaxKeyLength || !key.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
                {
                    throw new ClosureRuleException(at + ".key", $"Lower-case letters, digits and '-', at most {MaxKeyLength} characters.");
                }

                if (result.Any(r => r.Key == key))
                {
                    throw new ClosureRuleException(at + ".key", $"'{key}' is given twice.");
                }

                var hazard = Text(rule, at, "hazard");
                var tierText = Text(rule, at, "tier");
                if (!Tiers.TryGetValue(tierText, out var tier))
                {
                    throw new ClosureRuleException(at + ".tier", "One of: general, attention, warning, emergency (or blue, yellow, orange, red).");
                }

                var attribute = Text(rule, at, "regionAttribute");
                WaySelector? ways = null;
                if (rule.TryGetProperty("ways", out var w) && w.ValueKind != JsonValueKind.Null)
                {
                    ways = Selector(w, at + ".ways");
                }

                var reasonZh = Text(rule, at, "reasonZh");
                var reasonEn = Text(rule, at, "reasonEn");
                if (reasonZh.Length > RoadClosure.MaxReasonLength || reasonEn.Length > RoadClosure.MaxReasonLength)
                {
                    throw new ClosureRuleException(at + ".reasonEn", $"At most {RoadClosure.MaxReasonLength} characters each.");
                }

                result.Add(new ClosureRule(key, hazard, tier, attribute, ways, reasonZh, reasonEn));
                index++;
            }

            return result;
        }
    }

    private static WaySelector Selector(JsonElement element, string at)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new ClosureRuleException(at, "An object: { \"tunnel\": true, \"layerBelow\": 0 }.");
        }

        bool? tunnel = null;
        int? below = null;
        foreach (var property in element.EnumerateObject())
        {
            switch (property.Name)
            {
                case "tunnel" when property.Value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                    tunnel = property.Value.GetBoolean();
                    break;
                case "layerBelow" when property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetInt32(out var layer) && layer is >= -5 and <= 5:
                    below = layer;
                    break;
                case "tunnel":
                    throw new ClosureRuleException(at + ".tunnel", "true or false.");
                case "layerBelow":
                    throw new ClosureRuleException(at + ".layerBelow", "An integer from -5 to 5 (OSM layer).");
                default:
                    throw new ClosureRuleException(at + "." + property.Name, "Unknown selector; use tunnel and/or layerBelow.");
            }
        }

        if (tunnel is null && below is null)
        {
            throw new ClosureRuleException(at, "Select by tunnel and/or layerBelow, or leave ways out to close every road of the region.");
        }

        return new WaySelector(tunnel, below);
    }

    private static string Text(JsonElement rule, string at, string name) =>
        rule.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString())
            ? value.GetString()!.Trim()
            : throw new ClosureRuleException(at + "." + name, "Required text.");
}
