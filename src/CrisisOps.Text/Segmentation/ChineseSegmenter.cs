using JiebaNet.Segmenter;

namespace CrisisOps.Text.Segmentation;

/// <summary>
/// Chinese word segmentation with jieba (精确模式 with HMM for words not in the dictionary). The 18 MB dictionary takes
/// most of a second to load, so there is one segmenter per process (<see cref="Shared"/>), loaded on first use, and
/// the crisis terms the project owns are added to it once (<see cref="CrisisTerms"/>).
/// </summary>
public sealed class ChineseSegmenter
{
    private static readonly Lazy<ChineseSegmenter> Instance = new(() => new ChineseSegmenter(), LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly JiebaSegmenter _jieba;

    private ChineseSegmenter()
    {
        _jieba = new JiebaSegmenter();
        foreach (var term in CrisisTerms.All)
        {
            _jieba.AddWord(term);
        }
    }

    /// <summary>The process's segmenter; the first call loads the dictionary.</summary>
    public static ChineseSegmenter Shared => Instance.Value;

    /// <summary>The words of a text in order, spaces and line breaks dropped; punctuation stays as its own tokens.</summary>
    public IReadOnlyList<string> Cut(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = new List<string>();
        foreach (var word in _jieba.Cut(text, cutAll: false, hmm: true))
        {
            if (!string.IsNullOrWhiteSpace(word))
            {
                words.Add(word);
            }
        }

        return words;
    }
}
