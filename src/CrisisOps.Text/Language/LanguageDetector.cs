using System.Text;

namespace CrisisOps.Text.Language;

/// <summary>
/// Tells Chinese from English by script, which is all the two need: Han characters against Latin letters.
/// A Han character carries about a word's worth of text and an English word several letters, so Han counts per
/// character and Latin per word, a word weighing two (a Chinese word is about two characters): "我在用WeChat求助" is
/// Chinese, "stuck at 人民广场 please help" is English. Other scripts weigh the same way (kana and hangul per
/// character, alphabets per word); when they outweigh Han and Latin, or when there are no letters at all, the
/// language is unknown and the detection says why.
/// </summary>
public static class LanguageDetector
{
    private const double WordWeight = 2;

    /// <summary>Detects the language of a text; null or empty text is unknown with no letters.</summary>
    public static LanguageDetection Detect(string? text)
    {
        double han = 0, latin = 0, other = 0;
        var run = Script.None;
        foreach (var rune in (text ?? string.Empty).EnumerateRunes())
        {
            var script = ScriptOf(rune);
            switch (script)
            {
                case Script.Han:
                    han++;
                    break;
                case Script.Syllabic:
                    other++;
                    break;
                case Script.Latin when run != Script.Latin:
                    latin += WordWeight;
                    break;
                case Script.OtherAlphabet when run != Script.OtherAlphabet:
                    other += WordWeight;
                    break;
            }

            // Digits and apostrophes inside a word do not end it ("covid19", "don't").
            var insideWord = script == Script.None && (Rune.IsDigit(rune) || rune.Value == '\'')
                && run is Script.Latin or Script.OtherAlphabet;
            if (!insideWord)
            {
                run = script;
            }
        }

        var total = han + latin + other;
        if (total == 0)
        {
            return new LanguageDetection(TextLanguage.Unknown, 0, 0, TextProblem.NoLetters());
        }

        var hanShare = han / total;
        var latinShare = latin / total;
        if (other > han && other > latin)
        {
            return new LanguageDetection(TextLanguage.Unknown, hanShare, latinShare, TextProblem.UnsupportedScript());
        }

        // A tie goes to Chinese, the platform's first language.
        var language = han >= latin ? TextLanguage.Chinese : TextLanguage.English;
        return new LanguageDetection(language, hanShare, latinShare, null);
    }

    private enum Script
    {
        None,
        Han,
        Latin,
        Syllabic,
        OtherAlphabet,
    }

    private static Script ScriptOf(Rune rune)
    {
        var v = rune.Value;
        if (IsHan(v))
        {
            return Script.Han;
        }

        if (!Rune.IsLetter(rune))
        {
            return Script.None;
        }

        // Basic Latin, Latin-1, Latin Extended A/B, IPA, Latin Extended Additional, full-width Latin.
        if (v <= 0x024F || (v >= 0x1E00 && v <= 0x1EFF) || (v >= 0xFF21 && v <= 0xFF5A))
        {
            return Script.Latin;
        }

        // Kana, hangul, Yi: a character is a syllable, about a Han character's worth.
        if ((v >= 0x3040 && v <= 0x30FF) || (v >= 0x31F0 && v <= 0x31FF) || (v >= 0xAC00 && v <= 0xD7AF)
            || (v >= 0x1100 && v <= 0x11FF) || (v >= 0x3130 && v <= 0x318F) || (v >= 0xFF66 && v <= 0xFF9F)
            || (v >= 0xA000 && v <= 0xA4CF))
        {
            return Script.Syllabic;
        }

        return Script.OtherAlphabet;
    }

    private static bool IsHan(int v) =>
        (v >= 0x4E00 && v <= 0x9FFF) || (v >= 0x3400 && v <= 0x4DBF) || (v >= 0xF900 && v <= 0xFAFF)
        || (v >= 0x20000 && v <= 0x323AF) || v == 0x3007;
}
