using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CrisisOps.Text.Language;
using CrisisOps.Text.Tokens;

namespace CrisisOps.Text.Lexicon;

/// <summary>
/// Sentiment from the project's crisis word lists (<see cref="CrisisLexicon"/>), with the rules a reader applies:
/// <list type="bullet">
/// <item>A negation within the three words before a sentiment word turns it (不及时, not safe); two negations cancel
/// (不是不及时). Negations that speak of people (没人, nobody) with no sentiment word to turn are a complaint of their own.</item>
/// <item>A degree word scales it (非常及时 ×1.7, 有点慢 ×0.6). A negation before a degree word softens instead of
/// turning fully (不太及时, not very safe: half, turned); a degree before a negation strengthens (很不及时).</item>
/// <item>After "but" (但是, however) a sentence counts what follows at 1.5 and what came before at 0.5.</item>
/// <item>An exclamation mark makes its sentence count 1.3 (two or more: 1.5). A question does not assert what it
/// asks about: positive words in a question count nothing ("安全吗？" is a worry, not reassurance). Nor does a wish
/// or request: after 希望, 尽快, please, hope… positive words in the rest of the sentence count nothing (希望尽快恢复供电).</item>
/// </list>
/// Words are matched as runs of one to four tokens (so 辛苦了 matches though jieba cuts 辛苦/了), longest first; a token
/// the lists do not know is also tried as a negation or degree prefix plus a listed word (不好 → 不 + 好).
/// The sum <c>s</c> becomes a score <c>s / √(s² + 4)</c> in (-1, 1): one mild word scores ±0.45, one strong word ±0.83.
/// Scores within ±<see cref="NeutralBand"/> are neutral, as is a text with no sentiment words.
/// The model is immutable and safe to share between threads.
/// </summary>
public sealed class LexiconSentimentModel : ISentimentModel
{
    /// <summary>Scores closer to zero than this are <see cref="SentimentLabel.Neutral"/>.</summary>
    public const double NeutralBand = 0.2;

    private const int Window = 3;
    private const int MaxPhraseTokens = 4;
    private const double PersonNegationWeight = -1.5;

    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    private LexiconSentimentModel()
    {
        AddSentiment(CrisisLexicon.ChinesePositive3, 3);
        AddSentiment(CrisisLexicon.ChinesePositive2, 2);
        AddSentiment(CrisisLexicon.ChinesePositive1, 1);
        AddSentiment(CrisisLexicon.ChineseNegative3, -3);
        AddSentiment(CrisisLexicon.ChineseNegative2, -2);
        AddSentiment(CrisisLexicon.ChineseNegative1, -1);
        AddSentiment(CrisisLexicon.EnglishPositive3, 3);
        AddSentiment(CrisisLexicon.EnglishPositive2, 2);
        AddSentiment(CrisisLexicon.EnglishPositive1, 1);
        AddSentiment(CrisisLexicon.EnglishNegative3, -3);
        AddSentiment(CrisisLexicon.EnglishNegative2, -2);
        AddSentiment(CrisisLexicon.EnglishNegative1, -1);
        foreach (var (emoji, weight) in CrisisLexicon.Emoji)
        {
            Get(emoji).Weight = weight;
        }

        foreach (var word in CrisisLexicon.ChineseNegations.Concat(CrisisLexicon.EnglishNegations))
        {
            Get(word).Negation = true;
        }

        foreach (var word in CrisisLexicon.PersonNegations)
        {
            Get(word).PersonNegation = true;
        }

        foreach (var (word, degree) in CrisisLexicon.ChineseDegrees.Concat(CrisisLexicon.EnglishDegrees))
        {
            Get(word).Degree = degree;
        }

        foreach (var word in CrisisLexicon.NegatedDegrees)
        {
            Get(word).NegatedDegree = true;
        }

        foreach (var word in CrisisLexicon.NotSentiment)
        {
            Get(word);
        }

        foreach (var word in CrisisLexicon.Wishes)
        {
            Get(word).Wish = true;
        }

        foreach (var word in CrisisLexicon.Contrasts)
        {
            Get(word).Contrast = true;
        }

        Version = "1." + Fingerprint();
    }

    /// <summary>The model built from the shipped lists.</summary>
    public static LexiconSentimentModel Default { get; } = new();

    public string Name => "lexicon";

    /// <summary>"1." and the first 8 hex digits of a SHA-256 over the word lists: it changes whenever a list does.</summary>
    public string Version { get; }

    public Sentiment Score(TextTokens text) => Read(text).Sentiment;

    /// <summary>The judgement with its workings: the sum and each term that counted with its value.</summary>
    public LexiconReading Read(TextTokens text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var units = Units(text);
        var hits = new List<LexiconHit>();
        double total = 0;
        var start = 0;
        while (start < units.Count)
        {
            var end = start;
            while (end < units.Count && units[end].Kind != UnitKind.SentenceEnd)
            {
                end++;
            }

            // The marks that end the sentence: "!!", "?!", "。" count together.
            var exclamations = 0;
            var question = false;
            var next = end;
            while (next < units.Count && units[next].Kind == UnitKind.SentenceEnd)
            {
                exclamations += units[next].Token == "!" ? 1 : 0;
                question |= units[next].Token == "?";
                next++;
            }

            total += ScoreSentence(units, start, end, exclamations, question, hits);
            start = next;
        }

        var score = Math.Clamp(total / Math.Sqrt(total * total + 4), -1, 1);
        var label = score >= NeutralBand ? SentimentLabel.Positive : score <= -NeutralBand ? SentimentLabel.Negative : SentimentLabel.Neutral;
        return new LexiconReading(new Sentiment(label, score), total, hits);
    }

    // A sentence's terms with their final values (after contrast, question and exclamation), so the hits add up to the sum.
    private static double ScoreSentence(List<Unit> units, int start, int end, int exclamations, bool question, List<LexiconHit> hits)
    {
        var terms = new List<(string Term, double Value)>();
        double contrast = 1;
        var wish = false;
        for (var i = start; i < end; i++)
        {
            var unit = units[i];
            // A request runs on over commas ("请尽快送物资，保障老人安全"), so a wish lasts to the end of the sentence.
            if (unit.Kind == UnitKind.Wish)
            {
                wish = true;
            }
            else if (unit.Kind == UnitKind.Contrast)
            {
                for (var k = 0; k < terms.Count; k++)
                {
                    terms[k] = (terms[k].Term, terms[k].Value * 0.5);
                }

                contrast = 1.5;
            }
            else if (unit.Kind == UnitKind.Sentiment)
            {
                var value = unit.Weight * Modifier(units, start, i) * contrast;
                terms.Add((unit.Token, wish && value > 0 ? 0 : value));
            }
            else if (unit.Kind == UnitKind.Modifier && unit.Entry!.PersonNegation && !TurnsAWord(units, i, end))
            {
                terms.Add((unit.Token, PersonNegationWeight * contrast));
            }
        }

        var emphasis = exclamations >= 2 ? 1.5 : exclamations == 1 ? 1.3 : 1;
        double sum = 0;
        foreach (var (term, value) in terms)
        {
            var final = (question && value > 0 ? 0 : value) * emphasis;
            hits.Add(new LexiconHit(term, final));
            sum += final;
        }

        return sum;
    }

    // The product of the modifiers within the window before a sentiment word, read from the nearest outwards.
    private static double Modifier(List<Unit> units, int start, int at)
    {
        double multiplier = 1;
        var negations = 0;
        var degreeNearer = false;
        var words = 0;
        for (var j = at - 1; j >= start && words < Window; j--)
        {
            var unit = units[j];
            if (unit.Kind is UnitKind.ClauseBreak or UnitKind.Sentiment or UnitKind.Contrast)
            {
                break;
            }

            words++;
            if (unit.Kind != UnitKind.Modifier)
            {
                continue;
            }

            var entry = unit.Entry!;
            if (entry.NegatedDegree)
            {
                multiplier *= 0.5;
                negations++;
            }
            else if (entry.Negation)
            {
                // "not very timely": a negation outside a degree word softens it instead of turning fully.
                if (degreeNearer && negations == 0)
                {
                    multiplier = 0.5;
                }

                negations++;
            }
            else if (entry.Degree > 0)
            {
                multiplier *= entry.Degree;
                degreeNearer |= negations == 0;
            }
        }

        return negations % 2 == 1 ? -multiplier : multiplier;
    }

    private static bool TurnsAWord(List<Unit> units, int at, int end)
    {
        var words = 0;
        for (var j = at + 1; j < end && words < Window; j++)
        {
            if (units[j].Kind is UnitKind.ClauseBreak or UnitKind.Contrast)
            {
                return false;
            }

            if (units[j].Kind == UnitKind.Sentiment)
            {
                return true;
            }

            words++;
        }

        return false;
    }

    private List<Unit> Units(TextTokens text)
    {
        var tokens = text.Tokens;
        var separator = text.Language == TextLanguage.English ? " " : string.Empty;
        var units = new List<Unit>(tokens.Count);
        var i = 0;
        while (i < tokens.Count)
        {
            var token = tokens[i];
            if (!TextTokens.IsWord(token))
            {
                units.Add(Punctuation(token));
                i++;
                continue;
            }

            var (entry, length, phrase) = LongestMatch(tokens, i, separator);
            if (entry is not null)
            {
                units.Add(FromEntry(phrase, entry));
                i += length;
                continue;
            }

            // A token the lists do not know may be a modifier fused with a listed word: 不好, 太慢, 很满意.
            if (SplitPrefix(token) is { } split)
            {
                units.Add(FromEntry(split.Prefix, split.PrefixEntry));
                units.Add(FromEntry(split.Word, split.WordEntry));
            }
            else
            {
                units.Add(new Unit(UnitKind.Other, token, null, 0));
            }

            i++;
        }

        // A word that is both a degree and a sentiment word (好, 太) is a degree when a sentiment word follows it.
        for (var k = 0; k < units.Count; k++)
        {
            if (units[k] is { Kind: UnitKind.Sentiment, Entry.Degree: > 0 } both && k + 1 < units.Count && units[k + 1].Kind == UnitKind.Sentiment)
            {
                units[k] = both with { Kind = UnitKind.Modifier };
            }
        }

        return units;
    }

    private (Entry? Entry, int Length, string Phrase) LongestMatch(IReadOnlyList<string> tokens, int at, string separator)
    {
        // Phrases of up to four word tokens, built once from the left and tried longest first.
        Span<int> ends = stackalloc int[MaxPhraseTokens];
        var builder = new StringBuilder();
        var count = 0;
        for (var n = 0; n < MaxPhraseTokens && at + n < tokens.Count && TextTokens.IsWord(tokens[at + n]); n++)
        {
            if (n > 0)
            {
                builder.Append(separator);
            }

            builder.Append(tokens[at + n]);
            ends[n] = builder.Length;
            count++;
        }

        var text = builder.ToString();
        var lookup = _entries.GetAlternateLookup<ReadOnlySpan<char>>();
        for (var n = count; n >= 1; n--)
        {
            if (lookup.TryGetValue(text.AsSpan(0, ends[n - 1]), out var phrase, out var entry))
            {
                return (entry, n, phrase);
            }
        }

        return (null, 0, string.Empty);
    }

    private (string Prefix, Entry PrefixEntry, string Word, Entry WordEntry)? SplitPrefix(string token)
    {
        for (var p = Math.Min(2, token.Length - 1); p >= 1; p--)
        {
            var prefix = token[..p];
            var rest = token[p..];
            if (_entries.TryGetValue(prefix, out var prefixEntry) && prefixEntry.IsModifier
                && _entries.TryGetValue(rest, out var restEntry) && restEntry.Weight != 0)
            {
                return (prefix, prefixEntry, rest, restEntry);
            }
        }

        return null;
    }

    private static Unit FromEntry(string token, Entry entry)
    {
        if (entry.Contrast)
        {
            return new Unit(UnitKind.Contrast, token, entry, 0);
        }

        if (entry.Weight != 0)
        {
            return new Unit(UnitKind.Sentiment, token, entry, entry.Weight);
        }

        if (entry.Wish)
        {
            return new Unit(UnitKind.Wish, token, entry, 0);
        }

        return new Unit(entry.IsModifier ? UnitKind.Modifier : UnitKind.Other, token, entry, 0);
    }

    private Unit Punctuation(string token)
    {
        if (_entries.TryGetValue(token, out var entry) && entry.Weight != 0)
        {
            return new Unit(UnitKind.Sentiment, token, entry, entry.Weight);
        }

        return token switch
        {
            "!" or "?" => new Unit(UnitKind.SentenceEnd, token, null, 0),
            "。" or "." or "…" or ";" or "；" => new Unit(UnitKind.SentenceEnd, ".", null, 0),
            _ => new Unit(UnitKind.ClauseBreak, token, null, 0),
        };
    }

    private void AddSentiment(IReadOnlyList<string> words, int weight)
    {
        foreach (var word in words)
        {
            var entry = Get(word);
            if (entry.Weight != 0 && entry.Weight != weight)
            {
                throw new InvalidOperationException($"The lexicon lists '{word}' with two weights, {entry.Weight} and {weight}.");
            }

            entry.Weight = weight;
        }
    }

    // Entries are keyed as text is tokenised: normalised, and English folded and joined by spaces.
    private Entry Get(string word)
    {
        var normalized = TextNormalizer.Normalize(word);
        var key = LanguageDetector.Detect(normalized).Language == TextLanguage.English
            ? string.Join(' ', EnglishTokenizer.Tokenize(normalized))
            : normalized;
        if (!_entries.TryGetValue(key, out var entry))
        {
            entry = new Entry();
            _entries[key] = entry;
        }

        return entry;
    }

    private string Fingerprint()
    {
        var text = new StringBuilder();
        foreach (var (key, e) in _entries.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"{key}\t{e.Weight}\t{e.Negation}\t{e.PersonNegation}\t{e.Degree}\t{e.NegatedDegree}\t{e.Contrast}\t{e.Wish}\n");
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..8];
    }

    private enum UnitKind
    {
        Other,
        Sentiment,
        Modifier,
        Contrast,
        Wish,
        ClauseBreak,
        SentenceEnd,
    }

    private sealed record Unit(UnitKind Kind, string Token, Entry? Entry, int Weight);

    private sealed class Entry
    {
        public int Weight { get; set; }

        public bool Negation { get; set; }

        public bool PersonNegation { get; set; }

        public double Degree { get; set; }

        public bool NegatedDegree { get; set; }

        public bool Contrast { get; set; }

        public bool Wish { get; set; }

        public bool IsModifier => Negation || Degree > 0 || NegatedDegree;
    }
}

/// <summary>A lexicon judgement with its workings: the raw sum and each term that counted (with its signed value).</summary>
public sealed record LexiconReading(Sentiment Sentiment, double Total, IReadOnlyList<LexiconHit> Hits);

/// <summary>A term that counted and its value after negation, degree, contrast and punctuation rules.</summary>
public sealed record LexiconHit(string Term, double Value);
