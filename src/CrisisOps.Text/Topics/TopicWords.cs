using CrisisOps.Text.Segmentation;

namespace CrisisOps.Text.Topics;

/// <summary>
/// The words of a post that can say what it is about: jieba's words, lower-cased, without punctuation, numbers or
/// stop words. Kept to this one function so the shared tokeniser (stop words for Chinese and English) can replace the
/// stand-in list below without touching the tracker.
/// </summary>
public static class TopicWords
{
    // A stand-in, written by us: function words, pronouns and fillers of everyday posts that occur in every topic.
    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "的", "了", "是", "在", "我", "你", "他", "她", "它", "们", "我们", "你们", "他们", "她们", "大家", "这", "那", "这个", "那个",
        "这些", "那些", "这里", "那里", "这样", "那样", "都", "也", "就", "还", "又", "再", "才", "有", "和", "与", "跟", "及", "或",
        "吗", "呢", "吧", "啊", "呀", "哦", "哈", "嘛", "啦", "么", "很", "太", "真", "更", "最", "要", "会", "能", "可以", "把",
        "给", "让", "从", "到", "对", "为", "为了", "被", "着", "过", "得", "地", "一个", "一下", "一些", "什么", "怎么", "怎么办",
        "为什么", "没有", "没", "不", "不是", "已经", "还是", "但是", "但", "而且", "所以", "因为", "如果", "就是", "自己", "现在",
        "今天", "一直", "真的", "还有", "知道", "觉得", "个", "上", "下", "里", "中", "去", "来", "说", "看", "好", "多",
        "the", "a", "an", "is", "are", "was", "were", "be", "been", "am", "to", "of", "in", "on", "at", "by", "for", "with",
        "and", "or", "but", "not", "no", "it", "its", "this", "that", "these", "those", "i", "we", "you", "he", "she",
        "they", "me", "us", "our", "my", "your", "their", "his", "her", "have", "has", "had", "do", "does", "did",
        "so", "just", "still", "from", "up", "out", "all", "any", "some", "can", "will", "would", "please", "there",
        "here", "what", "who", "how", "why", "when", "since", "over", "about", "than", "too", "very", "get", "got",
    };

    // Four-character crisis terms are kept whole by the segmenter (独居老人, 地铁被困) but say two words each: counting
    // the halves too lets 独居老人, 孤寡老人 and 老人 meet on 老人, and 地铁被困 meet 地铁 … 被困.
    private static readonly Dictionary<string, string[]> CompoundHalves = CrisisTerms.All
        .Where(t => t.Length == 4)
        .ToDictionary(t => t, t => new[] { t[..2], t[2..] }, StringComparer.Ordinal);

    // A concern the crisis brings is put in many ways — those owed special care (老弱病残孕) as 独居老人, 瘫痪在床, 坐轮椅,
    // 行动不便; supplies running short as 缺水, 断货, 买不到, 抢光 — and each way would make a topic of its own, too small to
    // be seen. Each such word also counts as the concern's own word, so the ways meet on it and the concern is one topic.
    // A bare 老人 is not one of them: posts of other concerns mention the elderly too (车厢里有老人和孩子, 家里老人孩子等着用).
    private static readonly Dictionary<string, string> ConcernOf = Concerns(
        ("弱势群体", ["独居老人", "孤寡老人", "空巢老人", "卧床", "瘫痪", "残疾", "残疾人", "轮椅", "行动不便",
            "盲人", "孕妇", "特殊群体", "elderly", "disabled", "wheelchair", "wheelchairs"]),
        ("物资短缺", ["缺水", "断水", "缺粮", "缺药", "短缺", "买不到", "断货", "抢光", "shortage"]));

    /// <summary>The topic words of a text, in order, repeats kept (they count as term frequency).</summary>
    public static IReadOnlyList<string> Of(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Of(ChineseSegmenter.Shared.Cut(text));
    }

    /// <summary>The topic words among tokens already cut (a post's <c>TextTokens.Tokens</c>), so a post is segmented once.</summary>
    public static IReadOnlyList<string> Of(IEnumerable<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var words = new List<string>();
        foreach (var token in tokens)
        {
            if (!token.Any(char.IsLetter))
            {
                continue;
            }

            var word = token.ToLowerInvariant();
            // A lone Latin letter ("s" of "it's") says nothing; a lone Chinese character (水, 雨) may.
            if (StopWords.Contains(word) || (word.Length == 1 && word[0] < 128))
            {
                continue;
            }

            words.Add(word);
            if (CompoundHalves.TryGetValue(word, out var halves))
            {
                words.AddRange(halves);
            }

            if (ConcernOf.TryGetValue(word, out var concern))
            {
                words.Add(concern);
            }
        }

        return words;
    }

    private static Dictionary<string, string> Concerns(params (string Concern, string[] Words)[] concerns)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (concern, words) in concerns)
        {
            foreach (var word in words)
            {
                map.Add(word, concern);
            }
        }

        return map;
    }
}
