namespace CrisisOps.Text.Tokens;

/// <summary>
/// Function words that say nothing about what a post is about: pronouns, particles, auxiliaries, conjunctions,
/// prepositions, negation and degree words, fillers. Written by the project (not taken from a published list), and
/// kept to function words only, so a content word a topic could need — 物资, 救援, water, shelter — is never dropped.
/// English entries are in the tokenizer's folded forms ("n't", singular).
/// </summary>
public static class StopWords
{
    public static IReadOnlySet<string> Chinese { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        // pronouns and demonstratives
        "我", "我们", "咱", "咱们", "你", "你们", "您", "他", "他们", "她", "她们", "它", "它们", "自己", "大家", "人家", "别人",
        "这", "那", "这个", "那个", "这些", "那些", "这里", "那里", "这儿", "那儿", "这样", "那样", "这么", "那么", "这种", "那种",
        "这边", "那边", "此", "其", "其他", "其它", "其中", "某", "某些", "每", "每个", "各", "各个", "各位", "本", "该",
        "什么", "谁", "哪", "哪里", "哪儿", "哪个", "哪些", "怎么", "怎样", "怎么样", "如何", "为什么", "为何", "多少", "几",
        // structural, aspect and modal particles
        "的", "地", "得", "之", "了", "着", "过", "吗", "呢", "吧", "啊", "呀", "哇", "嘛", "哦", "噢", "哈", "啦", "咯", "呗",
        "么", "罢了", "而已", "似的", "一样", "等", "等等", "之类",
        // auxiliaries and copulas
        "是", "有", "在", "会", "能", "能够", "可以", "可能", "应该", "应当", "要", "想", "得以", "需", "须", "便", "就是",
        "成为", "作为", "为", "乃", "即", "即是",
        // prepositions and coverbs
        "把", "被", "给", "让", "叫", "对", "对于", "关于", "向", "往", "从", "自", "自从", "到", "于", "以", "用", "按", "按照",
        "根据", "依据", "通过", "经过", "由", "由于", "因", "跟", "和", "与", "同", "及", "以及", "比", "除了", "除", "沿着",
        "随着", "为了", "替", "朝", "离", "趁", "凭",
        // conjunctions
        "而", "而且", "并且", "并", "或", "或者", "还是", "但", "但是", "可是", "不过", "然而", "却", "因为", "所以", "因此",
        "于是", "如果", "假如", "要是", "只要", "只有", "即使", "虽然", "虽", "尽管", "既然", "然后", "接着", "而是",
        "不但", "不仅", "甚至", "以便", "以免", "否则", "无论", "不管", "况且", "何况", "总之", "例如", "比如",
        // adverbs of time, scope, frequency and tone
        "也", "都", "还", "又", "再", "才", "就", "只", "仅", "已", "已经", "曾", "曾经", "正", "正在", "将", "将要", "刚",
        "刚刚", "马上", "立即", "一直", "总是", "常常", "经常", "往往", "又是", "一起", "一共", "共", "全", "全部", "所有",
        "一切", "一些", "有些", "一点", "一下", "一个", "一种", "一次", "些", "个", "种", "次", "们", "时", "时候", "后",
        "以后", "之后", "以前", "之前", "现在", "当时", "目前", "今天", "昨天", "明天", "其实", "当然", "毕竟", "反正",
        "究竟", "到底", "难道", "居然", "竟然", "果然", "简直", "几乎", "大概", "大约", "也许", "或许", "似乎", "好像",
        "恐怕", "只是", "就算", "还有", "另外", "此外", "同时", "随时", "然", "啥", "咋", "嗯", "哎", "唉", "喂",
        // negation and degree words: they shape sentiment, not topics
        "不", "没", "没有", "未", "别", "无", "非", "莫", "勿", "并非", "不是", "很", "太", "非常", "特别", "十分", "极",
        "极其", "最", "更", "更加", "比较", "较", "挺", "蛮", "有点", "稍", "稍微", "略", "相当", "真", "真的", "好",
    };

    public static IReadOnlySet<string> English { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        // articles, pronouns, determiners
        "a", "an", "the", "i", "me", "my", "mine", "myself", "we", "u", "our", "ours", "ourselves", "you", "your", "yours",
        "yourself", "yourselves", "he", "him", "his", "himself", "she", "her", "hers", "herself", "it", "its", "itself",
        "they", "them", "their", "theirs", "themselves", "this", "that", "these", "those", "who", "whom", "whose", "which",
        "what", "whatever", "whoever", "each", "every", "either", "neither", "some", "any", "all", "both", "few", "many",
        "much", "more", "most", "other", "another", "such", "own", "same", "one", "someone", "something", "anyone",
        "anything", "everyone", "everything", "somebody", "everybody", "anybody",
        // auxiliaries and modals
        "be", "am", "is", "are", "was", "were", "been", "being", "have", "has", "had", "having", "do", "does", "did",
        "doing", "done", "will", "would", "shall", "should", "can", "could", "may", "might", "must", "ought", "get", "got",
        "let", "ca", "wo", "sha",
        // prepositions
        "of", "in", "on", "at", "to", "from", "by", "with", "about", "into", "onto", "over", "under", "above", "below",
        "between", "among", "through", "during", "before", "after", "since", "until", "till", "against", "for", "toward",
        "towards", "upon", "within", "across", "along", "around", "behind", "beside", "besides", "near", "off", "out",
        "up", "down", "via", "per", "than", "like", "as",
        // conjunctions
        "and", "or", "but", "nor", "so", "yet", "if", "then", "else", "because", "while", "when", "whenever", "where",
        "wherever", "why", "how", "although", "though", "unless", "whether", "once", "also", "however", "therefore",
        "thus", "hence", "meanwhile", "otherwise", "instead",
        // adverbs and fillers
        "here", "there", "now", "just", "only", "even", "still", "already", "again", "ever", "always", "often",
        "sometimes", "soon", "ago", "today", "yesterday", "tomorrow", "too", "very", "really", "quite",
        "rather", "somewhat", "pretty", "extremely", "almost", "maybe", "perhaps", "actually", "anyway", "well",
        "oh", "ok", "okay", "yes", "yeah", "please", "etc", "s", "t", "d", "ll", "m", "re", "ve",
        // negation: it shapes sentiment, not topics
        "not", "no", "n't", "never", "none", "nothing", "without", "hardly", "barely",
    };

    /// <summary>Whether a word is a stop word in the given language's list (Latin words inside Chinese text use the English list).</summary>
    public static bool Contains(string word) => Chinese.Contains(word) || English.Contains(word);
}
