using System.Text;
using System.Text.RegularExpressions;
using CrisisOps.Text.Tokens;

namespace CrisisOps.Text.Duplicates;

/// <summary>
/// What a repost has in common with its original once the reposting is taken away: links, repost chains
/// (<c>//@someone:</c>), mentions, a leading 转发/转发微博/RT, emoji, punctuation and spaces are dropped, leaving the
/// letters and digits of the normalised text. A bare "转发" with a link and two emoji is the post it forwards.
/// </summary>
public static partial class RepostText
{
    /// <summary>The canonical form of a text (normalised first), possibly empty when it had no letters or digits.</summary>
    public static string Canonical(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var s = TextNormalizer.Normalize(text);
        s = Links().Replace(s, " ");
        s = RepostChain().Replace(s, " ");
        s = Mention().Replace(s, " ");
        s = LeadingRepost().Replace(s, string.Empty);

        var builder = new StringBuilder(s.Length);
        foreach (var rune in s.EnumerateRunes())
        {
            if (Rune.IsLetterOrDigit(rune))
            {
                builder.Append(rune.ToString());
            }
        }

        return builder.ToString();
    }

    [GeneratedRegex(@"(?:https?|ftp)://\S+|www\.\S+|\bt\.cn/\S+", RegexOptions.CultureInvariant)]
    private static partial Regex Links();

    // "//@name:" is how a repost chain quotes the previous poster; the quoted text after it is kept.
    [GeneratedRegex(@"//\s*@[^\s:：]{1,30}\s*[:：]?", RegexOptions.CultureInvariant)]
    private static partial Regex RepostChain();

    [GeneratedRegex(@"@[^\s:：,，。!?！？@]{1,30}[:：]?", RegexOptions.CultureInvariant)]
    private static partial Regex Mention();

    [GeneratedRegex(@"^\s*(?:(?:转发微博|转发理由|转发|轉發|转|repost|rt|fwd|fw)\s*[:：]?\s*)+", RegexOptions.CultureInvariant)]
    private static partial Regex LeadingRepost();
}
