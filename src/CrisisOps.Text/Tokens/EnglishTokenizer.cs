using System.Text;

namespace CrisisOps.Text.Tokens;

/// <summary>
/// English words of our own making, on normalised (lower-case) text: a word is a run of letters and digits, with
/// apostrophes and hyphens inside it. Contractions give their negation its own token ("don't" → do, n't) so negation rules see it;
/// possessives and the other clitics ('s, 're, 'll…) are dropped; plurals fold to the singular by spelling rules
/// (supplies → supply, shelters → shelter, boxes → box), with the function words that merely end in s left alone.
/// Each punctuation mark or symbol is a token of its own, so callers can find clause boundaries.
/// </summary>
public static class EnglishTokenizer
{
    private static readonly Dictionary<string, string> IrregularNegations = new(StringComparer.Ordinal)
    {
        ["can't"] = "can",
        ["won't"] = "will",
        ["shan't"] = "shall",
        ["ain't"] = "is",
    };

    private static readonly string[] Clitics = ["'s", "'re", "'ve", "'ll", "'d", "'m"];

    // Words ending in s that are not plurals (or whose singular would mislead).
    private static readonly HashSet<string> KeepFinalS = new(StringComparer.Ordinal)
    {
        "is", "was", "has", "does", "this", "his", "hers", "its", "ours", "yours", "theirs", "us", "yes", "as", "thus",
        "always", "perhaps", "towards", "afterwards", "besides", "sometimes", "whereas", "news", "series", "species",
        "less", "unless", "across", "various", "previous", "serious", "dangerous", "nervous", "anxious", "famous",
        "obvious", "numerous", "chaos", "crisis", "virus", "bus", "gas", "status", "campus", "census", "bonus",
        "plus", "minus", "analysis", "diagnosis", "basis", "christmas", "whereabouts", "thanks", "lots", "ones",
        "goes", "means", "ourselves", "themselves", "yourselves", "aids", "politics", "physics", "mathematics", "economics", "measles", "diabetes",
    };

    /// <summary>The tokens of a normalised English text: words (folded) and single punctuation or symbol tokens.</summary>
    public static IReadOnlyList<string> Tokenize(string normalized)
    {
        ArgumentNullException.ThrowIfNull(normalized);
        var tokens = new List<string>();
        var word = new StringBuilder();
        var runes = normalized.EnumerateRunes().ToArray();
        for (var i = 0; i < runes.Length; i++)
        {
            var rune = runes[i];
            // Apostrophes and hyphens inside a word keep it whole: don't, life-threatening, cover-up.
            var joinsWord = rune.Value is '\'' or '-' && word.Length > 0 && i + 1 < runes.Length && Rune.IsLetterOrDigit(runes[i + 1]);
            if (Rune.IsLetterOrDigit(rune) || joinsWord)
            {
                word.Append(rune.ToString());
                continue;
            }

            Flush(word, tokens);
            if (!Rune.IsWhiteSpace(rune) && !IsJoiner(rune))
            {
                tokens.Add(rune.ToString());
            }
        }

        Flush(word, tokens);
        return tokens;
    }

    /// <summary>A word's folded form (plural to singular); words with apostrophes are handled by the tokenizer.</summary>
    public static string FoldPlural(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        if (word.Length <= 3 || !word.EndsWith('s') || KeepFinalS.Contains(word) || !IsAsciiLetters(word))
        {
            return word;
        }

        if (word.EndsWith("ies", StringComparison.Ordinal) && word.Length > 4)
        {
            return string.Concat(word.AsSpan(0, word.Length - 3), "y");
        }

        if (word.EndsWith("sses", StringComparison.Ordinal) || word.EndsWith("shes", StringComparison.Ordinal)
            || word.EndsWith("ches", StringComparison.Ordinal) || word.EndsWith("xes", StringComparison.Ordinal)
            || word.EndsWith("zzes", StringComparison.Ordinal))
        {
            return word[..^2];
        }

        if (word.EndsWith("ss", StringComparison.Ordinal) || word.EndsWith("us", StringComparison.Ordinal)
            || word.EndsWith("is", StringComparison.Ordinal))
        {
            return word;
        }

        return word[..^1];
    }

    // Zero-width joiners and variation selectors glue emoji together; alone they are not tokens.
    internal static bool IsJoiner(Rune rune) =>
        Rune.GetUnicodeCategory(rune) is System.Globalization.UnicodeCategory.Format or System.Globalization.UnicodeCategory.NonSpacingMark
            or System.Globalization.UnicodeCategory.EnclosingMark;

    private static void Flush(StringBuilder word, List<string> tokens)
    {
        if (word.Length == 0)
        {
            return;
        }

        var text = word.ToString();
        word.Clear();
        if (IrregularNegations.TryGetValue(text, out var verb))
        {
            tokens.Add(verb);
            tokens.Add("n't");
            return;
        }

        if (text.EndsWith("n't", StringComparison.Ordinal) && text.Length > 3)
        {
            tokens.Add(text[..^3]);
            tokens.Add("n't");
            return;
        }

        foreach (var clitic in Clitics)
        {
            if (text.EndsWith(clitic, StringComparison.Ordinal) && text.Length > clitic.Length)
            {
                text = text[..^clitic.Length];
                break;
            }
        }

        tokens.Add(FoldPlural(text));
    }

    private static bool IsAsciiLetters(string word)
    {
        foreach (var c in word)
        {
            if (c is < 'a' or > 'z')
            {
                return false;
            }
        }

        return true;
    }
}
