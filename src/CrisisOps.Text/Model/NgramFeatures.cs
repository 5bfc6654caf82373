using System.Globalization;
using System.Text;
using CrisisOps.Text.Segmentation;

namespace CrisisOps.Text.Model;

/// <summary>
/// Which n-grams a model sees and how many hash buckets they share. Stored in the model file: a model is only valid with
/// the features it was trained on.
/// </summary>
/// <param name="BucketBits">log2 of the number of buckets (20–22: 1–4 million; collisions cost little accuracy at that size).</param>
/// <param name="CharMin">Shortest character n-gram of the normalised text.</param>
/// <param name="CharMax">Longest character n-gram (3 catches 不太好, 没有问题, 很不错).</param>
/// <param name="WordMax">Longest word n-gram over the segmented words: 1 = words, 2 = words and bigrams, 0 = no words.</param>
/// <param name="HashSeed">Seed of the feature hash, so that two models can be made to disagree on collisions.</param>
public sealed record FeatureConfig(int BucketBits, int CharMin, int CharMax, int WordMax, uint HashSeed)
{
    /// <summary>
    /// The default: 2^21 buckets, characters 1–3, no words. On the validation split it ties with <see cref="WithWords"/>
    /// (docs/opinion-model.md) and is about six times as fast, because jieba alone runs below the 5,000 sentences/s goal.
    /// </summary>
    public static FeatureConfig Default { get; } = new(21, 1, 3, 0, 0x9E3779B9u);

    /// <summary>Characters 1–3 plus jieba's words and word bigrams: the same accuracy here, at jieba's speed.</summary>
    public static FeatureConfig WithWords { get; } = Default with { WordMax = 2 };

    public int Buckets => 1 << BucketBits;

    /// <exception cref="ArgumentException">A value is outside what the model file and the extractor support.</exception>
    public void Validate()
    {
        if (BucketBits is < 10 or > 24)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"BucketBits {BucketBits} is outside 10–24."));
        }

        if (CharMin < 1 || CharMax < CharMin || CharMax > 5 || WordMax is < 0 or > 3)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"n-gram ranges chars {CharMin}–{CharMax}, words 1–{WordMax} are outside chars 1–5, words 0–3."));
        }
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"chars {CharMin}-{CharMax}, {(WordMax == 0 ? "no words" : $"words 1-{WordMax}")}, 2^{BucketBits} buckets");
}

/// <summary>
/// Turns a text into the set of hashed feature buckets a linear model weighs: character n-grams of the normalised text
/// (robust to segmentation errors, typos and words jieba does not know) and word n-grams from the shared jieba segmenter
/// (which see 不 + 干净 as one unit). Features are binary — present or not — as in Wang &amp; Manning's NB-SVM, which
/// found presence better than counts for sentiment. Thread-safe; the hash is our own (FNV-1a with a final mix) so that
/// buckets are the same in every process, unlike <see cref="string.GetHashCode()"/>.
/// </summary>
public sealed class NgramFeatures
{
    // Kinds of feature are mixed into the hash, so the word 好 and the character 好 are different features.
    private const uint CharKind = 0x100;
    private const uint WordKind = 0x200;
    private const uint NextWord = 0x300;

    private readonly FeatureConfig config;
    private readonly uint mask;

    public NgramFeatures(FeatureConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        this.config = config;
        mask = (uint)config.Buckets - 1;
    }

    public FeatureConfig Config => config;

    /// <summary>
    /// NFKC (full-width letters and digits become ASCII), lower case, and runs of white space become one space: the
    /// same review typed on a phone or a PC gives the same features.
    /// </summary>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var normalized = text.Normalize(NormalizationForm.FormKC);
        var builder = new StringBuilder(normalized.Length);
        var space = false;
        foreach (var c in normalized)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                space = builder.Length > 0;
                continue;
            }

            if (space)
            {
                builder.Append(' ');
                space = false;
            }

            builder.Append(char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }

    /// <summary>The distinct buckets of a text, sorted ascending; empty for a text with nothing in it.</summary>
    public int[] Extract(string text) => ExtractNormalized(Normalize(text));

    /// <summary>As <see cref="Extract"/>, for a text already normalised with <see cref="Normalize"/>.</summary>
    public int[] ExtractNormalized(string normalized)
    {
        ArgumentNullException.ThrowIfNull(normalized);
        var buckets = new List<int>(normalized.Length * (config.CharMax - config.CharMin + 2));
        AddCharacterNgrams(normalized, buckets);
        if (config.WordMax > 0 && normalized.Length > 0)
        {
            AddWordNgrams(Words(normalized), buckets);
        }

        return Distinct(buckets);
    }

    /// <summary>
    /// The words of a normalised text: jieba's when it has any CJK character, otherwise runs of letters and digits
    /// (English needs no dictionary, and skipping jieba for it is much faster).
    /// </summary>
    public static IReadOnlyList<string> Words(string normalized)
    {
        foreach (var c in normalized)
        {
            if (IsCjk(c))
            {
                return ChineseSegmenter.Shared.Cut(normalized);
            }
        }

        var words = new List<string>();
        var start = -1;
        for (var i = 0; i <= normalized.Length; i++)
        {
            var letter = i < normalized.Length && (char.IsLetterOrDigit(normalized[i]) || normalized[i] == '\'');
            if (letter && start < 0)
            {
                start = i;
            }
            else if (!letter && start >= 0)
            {
                words.Add(normalized[start..i]);
                start = -1;
            }

            // Punctuation that carries feeling (!, ?) is a token of its own, as jieba makes it for Chinese.
            if (i < normalized.Length && normalized[i] is '!' or '?')
            {
                words.Add(normalized[i].ToString());
            }
        }

        return words;
    }

    private static bool IsCjk(char c) => c is >= '\u4E00' and <= '\u9FFF' or >= '\u3400' and <= '\u4DBF' or >= '\uF900' and <= '\uFAFF';

    private void AddCharacterNgrams(string s, List<int> buckets)
    {
        for (var i = 0; i < s.Length; i++)
        {
            var hash = Start(CharKind);
            for (var n = 1; n <= config.CharMax && i + n <= s.Length; n++)
            {
                hash = Mix(hash, s[i + n - 1]);
                if (n >= config.CharMin)
                {
                    buckets.Add(Bucket(Mix(hash, (uint)n)));
                }
            }
        }
    }

    private void AddWordNgrams(IReadOnlyList<string> words, List<int> buckets)
    {
        var hashes = new uint[words.Count];
        for (var i = 0; i < words.Count; i++)
        {
            var hash = Start(WordKind);
            foreach (var c in words[i])
            {
                hash = Mix(hash, c);
            }

            hashes[i] = hash;
        }

        for (var i = 0; i < hashes.Length; i++)
        {
            var hash = hashes[i];
            buckets.Add(Bucket(hash));
            for (var n = 2; n <= config.WordMax && i + n <= hashes.Length; n++)
            {
                hash = Mix(Mix(hash, NextWord), hashes[i + n - 1]);
                buckets.Add(Bucket(Mix(hash, (uint)n)));
            }
        }
    }

    private uint Start(uint kind) => Mix(2166136261u ^ config.HashSeed, kind);

    // FNV-1a step over a 32-bit value.
    private static uint Mix(uint hash, uint value) => (hash ^ value) * 16777619u;

    // murmur3's finaliser spreads FNV's weak low bits before masking.
    private int Bucket(uint h)
    {
        h ^= h >> 16;
        h *= 0x85EBCA6Bu;
        h ^= h >> 13;
        h *= 0xC2B2AE35u;
        h ^= h >> 16;
        return (int)(h & mask);
    }

    private static int[] Distinct(List<int> buckets)
    {
        if (buckets.Count == 0)
        {
            return [];
        }

        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(buckets);
        span.Sort();
        var count = 1;
        for (var i = 1; i < span.Length; i++)
        {
            if (span[i] != span[count - 1])
            {
                span[count++] = span[i];
            }
        }

        return span[..count].ToArray();
    }
}
