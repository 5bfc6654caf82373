using System.Text.Json;
using CrisisOps.Domain.People;

namespace CrisisOps.Domain.Alerts.Delivery;

/// <summary>A rule for people with a special need: the channels they get, and whether these replace the default.</summary>
public sealed record NeedRule(SpecialNeeds Need, IReadOnlyList<DeliveryChannel> Channels, IReadOnlyList<DeliveryChannel> AreaChannels,
    bool ReplacesDefault);

/// <summary>What a person can be reached on: the contact points of their profile, without the profile.</summary>
public sealed record Reachability(bool Mobile, bool Landline, bool Email, bool Push)
{
    public bool Has(DeliveryChannel channel) => channel switch
    {
        DeliveryChannel.Sms => Mobile,
        DeliveryChannel.VoiceCall => Mobile || Landline,
        DeliveryChannel.Email => Email,
        DeliveryChannel.AppPush => Push,
        _ => true,
    };
}

/// <summary>The channels one person gets, the area channels their presence adds, and where they start on the escalation ladder.</summary>
public sealed record ChannelChoice(IReadOnlyList<DeliveryChannel> Personal, IReadOnlyList<DeliveryChannel> Area, int Rung);

/// <summary>
/// Which channels reach whom (channel-rules.json), as validated data: the default for everyone, more (or
/// other) channels by special need, channels used whenever the person has the contact point, the area
/// channels of every alert, the escalation ladder and the language fallbacks. A bad file stops the server
/// with the field it found wrong.
/// </summary>
public sealed record ChannelRules(
    int Version,
    IReadOnlyList<DeliveryChannel> Default,
    IReadOnlyList<DeliveryChannel> WhenPresent,
    IReadOnlyList<DeliveryChannel> Area,
    IReadOnlyList<NeedRule> Needs,
    IReadOnlyList<DeliveryChannel> Escalation,
    IReadOnlyList<string> FallbackLanguages)
{
    /// <summary>
    /// The channels for a person with these needs and contact points. A channel they have no address for is
    /// dropped; someone left with no channel a gateway or a person can use gets a knock on the door.
    /// </summary>
    public ChannelChoice Choose(SpecialNeeds needs, Reachability reach)
    {
        ArgumentNullException.ThrowIfNull(reach);
        var personal = new List<DeliveryChannel>();
        var area = new List<DeliveryChannel>();
        var replaces = false;
        foreach (var rule in Needs)
        {
            if ((needs & rule.Need) == rule.Need)
            {
                personal.AddRange(rule.Channels);
                area.AddRange(rule.AreaChannels);
                replaces |= rule.ReplacesDefault;
            }
        }

        if (!replaces)
        {
            personal.AddRange(Default);
        }

        personal.AddRange(WhenPresent);
        var usable = personal.Distinct().Where(reach.Has).Order().ToList();
        if (!usable.Any(c => Escalation.Contains(c) || c.IsTask()))
        {
            // Nothing on the ladder reaches them (e.g. no phone at all): start where the ladder ends.
            usable.Add(Escalation[^1]);
        }

        var rung = usable.Select(c => IndexOf(c)).Max();
        return new ChannelChoice(usable, [.. area.Distinct()], Math.Max(rung, 0));
    }

    /// <summary>The next channel up the ladder after <paramref name="rung"/> that the person can be reached on; null at the top.</summary>
    public (DeliveryChannel Channel, int Rung)? Next(int rung, Reachability reach)
    {
        ArgumentNullException.ThrowIfNull(reach);
        for (var i = rung + 1; i < Escalation.Count; i++)
        {
            if (reach.Has(Escalation[i]))
            {
                return (Escalation[i], i);
            }
        }

        return null;
    }

    /// <summary>The alert text's language for a person: theirs when the alert has it, else the fallbacks in order, else the first.</summary>
    public string LanguageFor(string language, IReadOnlyCollection<string> available)
    {
        ArgumentNullException.ThrowIfNull(available);
        if (available.Contains(language, StringComparer.OrdinalIgnoreCase))
        {
            return available.First(a => string.Equals(a, language, StringComparison.OrdinalIgnoreCase));
        }

        foreach (var fallback in FallbackLanguages)
        {
            if (available.Contains(fallback, StringComparer.OrdinalIgnoreCase))
            {
                return available.First(a => string.Equals(a, fallback, StringComparison.OrdinalIgnoreCase));
            }
        }

        return available.FirstOrDefault() ?? "zh-CN";
    }

    private int IndexOf(DeliveryChannel channel)
    {
        for (var i = 0; i < Escalation.Count; i++)
        {
            if (Escalation[i] == channel)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Reads and validates the rules file.</summary>
    /// <exception cref="DomainException">invalid-channel-rules, naming the field.</exception>
    public static ChannelRules Parse(string json)
    {
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(json).RootElement;
        }
        catch (JsonException ex)
        {
            throw Invalid("(file)", "is not JSON: " + ex.Message);
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("(file)", "must be a JSON object.");
        }

        var version = root.TryGetProperty("version", out var v) && v.TryGetInt32(out var n) && n > 0
            ? n
            : throw Invalid("version", "must be a positive integer.");
        var needs = new List<NeedRule>();
        if (root.TryGetProperty("needs", out var needsElement))
        {
            if (needsElement.ValueKind != JsonValueKind.Array)
            {
                throw Invalid("needs", "must be an array of rules.");
            }

            var i = 0;
            foreach (var rule in needsElement.EnumerateArray())
            {
                var field = $"needs[{i++}]";
                if (rule.ValueKind != JsonValueKind.Object || !rule.TryGetProperty("need", out var needName)
                    || needName.ValueKind != JsonValueKind.String
                    || !Enum.TryParse<SpecialNeeds>(needName.GetString(), ignoreCase: false, out var need) || need == SpecialNeeds.None
                    || !Enum.IsDefined(need))
                {
                    throw Invalid(field + ".need", "must name one special need: " + string.Join(", ", Enum.GetNames<SpecialNeeds>().Skip(1)) + ".");
                }

                needs.Add(new NeedRule(need, Channels(rule, field + ".channels", required: false), Channels(rule, field + ".area", required: false),
                    rule.TryGetProperty("replacesDefault", out var r) && r.ValueKind == JsonValueKind.True));
            }
        }

        var escalation = Channels(root, "escalation", required: true);
        if (escalation.Count == 0 || escalation.Any(c => c.IsArea()))
        {
            throw Invalid("escalation", "must list at least one personal channel, no area channels.");
        }

        var area = Channels(root, "area", required: false);
        if (area.Any(c => !c.IsArea()) || needs.SelectMany(r => r.AreaChannels).Any(c => !c.IsArea()))
        {
            throw Invalid("area", "may only hold area channels (cell-broadcast, loudspeaker).");
        }

        var defaults = Channels(root, "default", required: true);
        var whenPresent = Channels(root, "whenPresent", required: false);
        if (defaults.Concat(whenPresent).Concat(needs.SelectMany(r => r.Channels)).Any(c => c.IsArea()))
        {
            throw Invalid("default", "personal channel lists may not hold area channels.");
        }

        var languages = new List<string>();
        if (root.TryGetProperty("fallbackLanguages", out var langs))
        {
            if (langs.ValueKind != JsonValueKind.Array || langs.EnumerateArray().Any(l => l.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(l.GetString())))
            {
                throw Invalid("fallbackLanguages", "must be an array of language tags.");
            }

            languages.AddRange(langs.EnumerateArray().Select(l => l.GetString()!));
        }

        return new ChannelRules(version, defaults, whenPresent, area, needs, escalation, languages);
    }

    private static List<DeliveryChannel> Channels(JsonElement parent, string field, bool required)
    {
        var name = field[(field.LastIndexOf('.') + 1)..];
        if (!parent.TryGetProperty(name, out var list))
        {
            return required ? throw Invalid(field, "is required.") : [];
        }

        if (list.ValueKind != JsonValueKind.Array)
        {
            throw Invalid(field, "must be an array of channel names.");
        }

        var channels = new List<DeliveryChannel>();
        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || !DeliveryChannels.TryParse(item.GetString(), out var channel))
            {
                throw Invalid(field, $"holds '{item}', not a channel ({string.Join(", ", Enum.GetValues<DeliveryChannel>().Select(c => c.Name()))}).");
            }

            channels.Add(channel);
        }

        return channels;
    }

    private static DomainException Invalid(string field, string problem) =>
        new("invalid-channel-rules", $"channel-rules.json: '{field}' {problem}");
}
