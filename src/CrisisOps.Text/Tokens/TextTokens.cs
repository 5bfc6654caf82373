using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using CrisisOps.Text.Language;
using CrisisOps.Text.Segmentation;

namespace CrisisOps.Text.Tokens;

/// <summary>
/// A text made ready for analysis: the normalised text (<see cref="TextNormalizer"/>), its language, its tokens in
/// order (words, and each punctuation mark or emoji as a token of its own, so sentiment rules see clause boundaries
/// and cues), its words, and the words without stop words (for topics). Chinese is cut by
/// <see cref="ChineseSegmenter"/>, English by <see cref="EnglishTokenizer"/>. Made only from text that passes
/// <see cref="TextCheck"/> and whose language is known.
/// </summary>
public sealed class TextTokens
{
    private TextTokens(string text, TextLanguage language, IReadOnlyList<string> tokens)
    {
        Text = text;
        Language = language;
        Tokens = tokens;
        Words = tokens.Where(IsWord).ToArray();
        ContentWords = Words.Where(w => !StopWords.Contains(w)).ToArray();
    }

    /// <summary>The normalised text.</summary>
    public string Text { get; }

    public TextLanguage Language { get; }

    /// <summary>Words and single punctuation or symbol tokens, in order.</summary>
    public IReadOnlyList<string> Tokens { get; }

    /// <summary>The tokens that hold a letter or digit.</summary>
    public IReadOnlyList<string> Words { get; }

    /// <summary>The words without stop words.</summary>
    public IReadOnlyList<string> ContentWords { get; }

    /// <summary>Analyses a text, or answers why it cannot be: invalid text (<see cref="TextCheck"/>) or an unknown language.</summary>
    public static bool TryCreate(string? text, [NotNullWhen(true)] out TextTokens? tokens, [NotNullWhen(false)] out TextProblem? problem)
    {
        tokens = null;
        problem = TextCheck.Problem(text);
        if (problem is not null)
        {
            return false;
        }

        var normalized = TextNormalizer.Normalize(text!);
        var detection = LanguageDetector.Detect(normalized);
        if (detection.Problem is not null)
        {
            problem = detection.Problem;
            return false;
        }

        var list = detection.Language == TextLanguage.Chinese ? CutChinese(normalized) : CutEnglish(normalized);
        tokens = new TextTokens(normalized, detection.Language, list);
        return true;
    }

    /// <summary>Analyses a text that is known to be good (tests, generated posts, evaluation data).</summary>
    /// <exception cref="ArgumentException">The text is invalid or its language unknown; the message is the problem's.</exception>
    public static TextTokens Create(string text)
    {
        if (!TryCreate(text, out var tokens, out var problem))
        {
            throw new ArgumentException($"{problem.Code}: {problem.MessageEn}", nameof(text));
        }

        return tokens;
    }

    /// <summary>Whether a token is a word: it holds a letter or a digit.</summary>
    public static bool IsWord(string token)
    {
        foreach (var rune in token.EnumerateRunes())
        {
            if (Rune.IsLetterOrDigit(rune))
            {
                return true;
            }
        }

        return false;
    }

    // Our tokenizer, with any run of Han characters in an English post cut by jieba rather than kept as one "word".
    private static List<string> CutEnglish(string normalized)
    {
        var tokens = new List<string>();
        foreach (var token in EnglishTokenizer.Tokenize(normalized))
        {
            if (token.Any(c => c is >= '\u3400' and <= '\u9FFF'))
            {
                tokens.AddRange(CutChinese(token));
            }
            else
            {
                tokens.Add(token);
            }
        }

        return tokens;
    }

    // jieba cuts by UTF-16 unit and splits a surrogate pair (an emoji, a rare Han character) into two broken tokens,
    // so those characters and other symbols go around it as tokens of their own.
    private static List<string> CutChinese(string normalized)
    {
        var tokens = new List<string>();
        var start = 0;
        var index = 0;
        foreach (var rune in normalized.EnumerateRunes())
        {
            var aside = rune.IsBmp
                ? Rune.GetUnicodeCategory(rune) is UnicodeCategory.OtherSymbol || EnglishTokenizer.IsJoiner(rune)
                : true;
            if (aside)
            {
                Cut(normalized, start, index, tokens);
                if (!EnglishTokenizer.IsJoiner(rune))
                {
                    tokens.Add(rune.ToString());
                }

                start = index + rune.Utf16SequenceLength;
            }

            index += rune.Utf16SequenceLength;
        }

        Cut(normalized, start, normalized.Length, tokens);
        return tokens;
    }

    private static void Cut(string text, int start, int end, List<string> tokens)
    {
        if (end <= start)
        {
            return;
        }

        // English words inside a Chinese post fold as in an English one (supplies → supply).
        foreach (var word in ChineseSegmenter.Shared.Cut(text[start..end]))
        {
            tokens.Add(EnglishTokenizer.FoldPlural(word));
        }
    }
}
