namespace CrisisOps.Text.Language;

/// <summary>The languages the text pipeline analyses. Everything else is <see cref="Unknown"/> and is reported, not guessed.</summary>
public enum TextLanguage
{
    Unknown,
    Chinese,
    English,
}

public static class TextLanguageTags
{
    /// <summary>The BCP 47 tag: <c>zh</c>, <c>en</c>, or <c>und</c> (undetermined) for <see cref="TextLanguage.Unknown"/>.</summary>
    public static string Tag(this TextLanguage language) => language switch
    {
        TextLanguage.Chinese => "zh",
        TextLanguage.English => "en",
        _ => "und",
    };

    /// <summary>
    /// Reads a language a source states: <c>zh</c>, <c>en</c> and their regional or script forms (<c>zh-CN</c>,
    /// <c>zh-Hans</c>, <c>en-GB</c>; case and <c>_</c> tolerated). Anything else is <see cref="TextLanguage.Unknown"/>.
    /// </summary>
    public static TextLanguage FromTag(string? tag)
    {
        if (string.IsNullOrWhiteSpace(tag))
        {
            return TextLanguage.Unknown;
        }

        var primary = tag.Trim().Replace('_', '-').Split('-')[0];
        if (primary.Equals("zh", StringComparison.OrdinalIgnoreCase))
        {
            return TextLanguage.Chinese;
        }

        return primary.Equals("en", StringComparison.OrdinalIgnoreCase) ? TextLanguage.English : TextLanguage.Unknown;
    }
}
