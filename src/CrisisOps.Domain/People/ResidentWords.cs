namespace CrisisOps.Domain.People;

/// <summary>
/// Special needs as registers write them: the API's kebab-case words (<c>elderly-living-alone</c>) or the
/// Chinese terms community officers use (独居老人, 听障). Lists are separated by ; ； , ， 、 or |.
/// </summary>
public static class SpecialNeedsWords
{
    private static readonly (SpecialNeeds Need, string Word, string[] Aliases)[] Table =
    [
        (SpecialNeeds.HearingImpaired, "hearing-impaired", ["听障", "听力障碍", "聋哑", "聋人"]),
        (SpecialNeeds.VisuallyImpaired, "visually-impaired", ["视障", "视力障碍", "盲人"]),
        (SpecialNeeds.Elderly, "elderly", ["老人", "老年人", "高龄", "高龄老人"]),
        (SpecialNeeds.ElderlyLivingAlone, "elderly-living-alone", ["独居老人", "独居"]),
        (SpecialNeeds.MobilityImpaired, "mobility-impaired", ["行动不便", "肢体残疾", "行动障碍"]),
        (SpecialNeeds.PowerDependentDevice, "power-dependent-device", ["依赖医疗设备", "用电医疗设备", "居家医疗设备"]),
        (SpecialNeeds.NonChineseSpeaker, "non-chinese-speaker", ["外籍", "不懂中文", "非中文使用者"]),
    ];

    private static readonly char[] Separators = [';', '；', ',', '，', '、', '|'];

    /// <summary>Every single need, in a stable order.</summary>
    public static IReadOnlyList<SpecialNeeds> All { get; } = [.. Table.Select(t => t.Need)];

    public static IReadOnlyList<string> Words { get; } = [.. Table.Select(t => t.Word)];

    /// <summary>The kebab-case word of one need.</summary>
    public static string Word(SpecialNeeds need) => Table.First(t => t.Need == need).Word;

    /// <summary>The words of every need set in <paramref name="needs"/>.</summary>
    public static IReadOnlyList<string> WordsOf(SpecialNeeds needs) => [.. Table.Where(t => (needs & t.Need) == t.Need).Select(t => t.Word)];

    /// <summary>One need by word or Chinese term (case-insensitive).</summary>
    public static bool TryParseOne(string text, out SpecialNeeds need)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        foreach (var (n, word, aliases) in Table)
        {
            if (string.Equals(word, trimmed, StringComparison.OrdinalIgnoreCase) || aliases.Contains(trimmed, StringComparer.Ordinal))
            {
                need = n;
                return true;
            }
        }

        need = SpecialNeeds.None;
        return false;
    }

    /// <summary>A list such as "独居老人;听障"; the terms it does not know come back in <paramref name="unknown"/>.</summary>
    public static SpecialNeeds Parse(string? text, out IReadOnlyList<string> unknown)
    {
        var needs = SpecialNeeds.None;
        var bad = new List<string>();
        foreach (var part in (text ?? "").Split(Separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (TryParseOne(part, out var need))
            {
                needs |= need;
            }
            else
            {
                bad.Add(part);
            }
        }

        unknown = bad;
        return Normalised(needs);
    }

    /// <summary>Living alone as an elderly person implies being elderly: fan-out selects the elderly segment by one flag.</summary>
    public static SpecialNeeds Normalised(SpecialNeeds needs) =>
        (needs & SpecialNeeds.ElderlyLivingAlone) != 0 ? needs | SpecialNeeds.Elderly : needs;
}

/// <summary>How a resident's name is shown where contact data is not: the family name and a star (张*).</summary>
public static class ResidentNames
{
    public static string Masked(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var text = name.Trim();
        if (text.Length == 0)
        {
            return "*";
        }

        // Surrogate pairs (rare characters outside the BMP) stay whole.
        var first = char.IsHighSurrogate(text[0]) && text.Length > 1 ? text[..2] : text[..1];
        return first + "*";
    }
}
