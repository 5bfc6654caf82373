namespace CrisisOps.Text.Lexicon;

/// <summary>
/// The crisis-domain sentiment word lists the product ships, written by the project: what people say in a flood, a
/// lockdown or an outage — about rescue, supplies, fairness, water and power, the work of responders — and the
/// everyday evaluative words they use with it. Weights run 1 (mild) to 3 (a cry for help or heartfelt thanks).
/// English entries are written naturally and folded like text is (plurals, contractions) when the model is built.
/// To extend: add a word to the list of its weight; keep it unambiguous in a crisis (救援 is neutral, 救命 is not);
/// add a sentence using it to LexiconSentimentModelTests. The model's version changes with the lists by itself.
/// </summary>
public static class CrisisLexicon
{
    public static IReadOnlyList<string> ChinesePositive3 { get; } =
    [
        "感谢", "感激", "致敬", "辛苦了", "辛苦你们了", "救命恩人", "英雄", "最美逆行者", "逆行者", "暖心", "感动", "点赞",
        "了不起", "太给力", "万分感谢", "衷心感谢", "谢天谢地", "获救", "脱险", "转危为安", "得救", "平安无事", "泪目",
    ];

    public static IReadOnlyList<string> ChinesePositive2 { get; } =
    [
        "及时", "到位", "安全", "平安", "恢复", "解决", "放心", "安心", "满意", "给力", "高效", "迅速", "有序", "公平", "公正",
        "公开透明", "透明", "负责", "尽职", "尽责", "专业", "热心", "贴心", "周到", "温暖", "温馨", "帮忙", "支援", "援助",
        "顺利", "好转", "稳定", "充足", "充裕", "齐全", "保障", "好评", "赞", "棒", "优秀", "靠谱", "可靠", "信任", "谢谢",
        "多谢", "感恩", "欣慰", "开心", "高兴", "幸福", "加油", "团结", "众志成城", "守望相助", "一方有难八方支援", "无私",
        "奉献", "坚守", "担当", "负责任", "神速", "效率高", "井然有序", "有条不紊", "妥善", "安置妥当", "全覆盖", "应收尽收",
        "一个不落", "不落一人", "兜底", "保供", "供应充足", "物资充足", "恢复供电", "恢复供水", "恢复通车", "恢复正常", "来电了", "来水了",
        "通水了", "通电了", "水退了", "已退水", "已修复", "修好了", "抢通", "排除险情", "险情解除", "解除", "清零", "痊愈",
        "康复", "出院", "放晴", "雨停了", "谢谢你们", "感谢你们", "好样的", "真棒", "太好了", "非常好", "很满意", "赞赏",
        "表扬", "称赞", "佩服", "敬佩", "钦佩", "感人", "动人", "安慰", "鼓舞", "振奋", "踏实", "有保障", "值得信赖", "贴心服务",
        "热情", "耐心", "细心", "细致", "用心", "尽心", "尽力", "全力", "竭尽全力", "连夜", "第一时间", "争分夺秒", "舒适",
        "舒服", "干净", "整洁", "推荐", "喜欢", "完美", "精彩", "超值", "实惠", "划算",
    ];

    public static IReadOnlyList<string> ChinesePositive1 { get; } =
    [
        "好", "不错", "通畅", "畅通", "方便", "便利", "便捷", "快", "快速", "很快", "清楚", "明确", "礼貌", "友好",
        "合理", "值得", "准时", "免费", "足够", "够用", "有效", "改善", "改进", "进展", "积极", "主动", "认真", "坚强", "勇敢",
        "相信", "支持", "理解", "配合", "有序撤离", "及早", "提前", "预警及时", "有备无患", "缓解", "减轻",
        "好多了", "还好", "还行", "可以", "挺好", "蛮好", "放心了", "安全了", "没事", "没事了", "无恙", "幸好", "幸亏",
        "好在", "总算", "终于", "宽敞", "安静", "明亮", "新", "大方", "周全", "齐心", "协力", "互助", "志愿者", "捐赠",
        "捐款", "爱心", "善意", "好心", "好人", "暖", "笑", "微笑", "轻松", "顺畅", "便宜", "物美价廉", "性价比高", "划得来",
    ];

    public static IReadOnlyList<string> ChineseNegative3 { get; } =
    [
        "救命", "救救", "救救我们", "求救", "被困", "困住", "困在", "地铁被困", "绝望", "崩溃", "死人", "遇难", "淹死", "丧命",
        "坍塌", "等死", "见死不救", "草菅人命", "没人管", "没有人管", "无人问津", "无人管", "生命危险", "失联", "死亡", "身亡",
        "罹难", "尸体", "喘不过气", "快撑不住", "撑不住了", "活不下去", "走投无路", "求求", "人命关天", "要命", "吓死",
        "可恨", "恶心", "畜生", "丧尽天良", "伤天害理", "无耻", "骗子", "太差了", "差劲", "垃圾", "最差",
    ];

    public static IReadOnlyList<string> ChineseNegative2 { get; } =
    [
        "断水", "断电", "停水", "停电", "断网", "断粮", "断药", "物资短缺", "短缺", "缺水", "缺粮", "缺药", "缺物资", "不公平",
        "不公", "恐慌", "谣言", "淹", "被淹", "淹没", "水淹", "倒塌", "危险", "危急", "危在旦夕", "受伤", "伤亡", "失踪",
        "愤怒", "气愤", "生气", "害怕", "恐惧", "焦虑", "着急", "急死", "混乱", "踩踏", "延误", "拖延", "推诿", "踢皮球",
        "敷衍", "不作为", "乱作为", "瞒报", "隐瞒", "欺骗", "骗人", "失望", "寒心", "心寒", "糟糕", "黑心", "腐败", "贪污",
        "克扣", "截留", "哄抬", "哄抬物价", "囤积", "冷漠", "冷血", "无能", "失职", "渎职", "痛心", "悲痛", "惨", "惨烈",
        "凄惨", "无助", "挨饿", "受冻", "病倒", "漏水", "塌方", "滑坡", "决堤", "溃坝", "倒灌", "泡水", "瘫痪", "停摆",
        "投诉", "举报", "抗议", "不满", "不满意", "抱怨", "谴责", "指责", "骂", "离谱", "荒唐", "荒谬", "可恶", "可耻",
        "丢人", "耻辱", "坑人", "坑", "偏心", "插队", "走后门", "关系户", "特权", "不透明", "暗箱操作", "迟迟", "遥遥无期",
        "石沉大海", "没回音", "没人接", "打不通", "占线", "不回复", "不理", "不管不顾", "甩锅", "推卸", "推卸责任", "官僚",
        "形式主义", "作秀", "摆拍", "虚假", "假的", "造谣", "传谣", "假消息", "不实", "误导", "恶意", "歧视",
        "被遗忘", "被忽视", "没人通知", "没通知", "不知道去哪", "无家可归", "流离失所", "饿肚子", "吃不上", "喝不上",
        "买不到", "抢购", "抢不到", "涨价", "天价", "暴涨", "告急", "紧缺", "断供", "断货", "脱销", "缺货", "爆满", "挤爆",
        "溃", "急需", "急缺", "困难", "艰难", "受灾", "灾情严重", "损失惨重", "倒霉", "晦气", "窝火", "憋屈", "委屈", "冤",
        "心痛", "难过", "伤心", "痛苦", "悲伤", "哭", "哭了", "泪", "吓人", "可怕", "恐怖", "惊慌", "慌", "慌了", "发抖",
        "差", "很差", "太差", "脏", "臭", "吵", "破", "烂", "破旧", "恶劣", "失败", "无语", "郁闷", "烦", "烦人", "后悔",
        "上当", "受骗", "欺负", "刁难", "态度差", "态度恶劣", "服务差", "不负责任", "不靠谱", "不专业", "不礼貌",
    ];

    public static IReadOnlyList<string> ChineseNegative1 { get; } =
    [
        "问题", "麻烦", "担心", "担忧", "紧张", "难受", "累", "疲惫", "不便", "不方便", "乱", "冷", "贵", "少", "不够", "缺",
        "坏", "旧", "错", "错误", "风险", "隐患", "严重", "难", "怕", "可惜", "遗憾", "凭什么", "为啥", "怎么还",
        "还没", "还没有", "迟", "慢", "太慢", "很慢", "等了", "一直等", "排队", "拥挤", "堵", "堵塞", "积水严重", "漏", "潮湿",
        "发霉", "噪音", "简陋", "狭小", "小", "贵了", "不值", "不划算", "一般", "凑合", "勉强", "将就", "怀疑", "质疑",
        "疑惑", "不解", "不明白", "搞不懂", "看不懂", "不清楚", "不知道", "没消息", "没动静", "求助", "求帮忙", "帮帮",
        "饿", "渴", "冻", "发烧", "生病", "受损", "损坏", "损失", "被毁", "毁了", "泡了", "淹了", "停运", "停课", "封路",
        "绕路", "中断", "延迟", "滞留", "困", "困扰", "折腾", "白跑", "无奈", "心累", "崩", "糟", "差评", "失误", "不对",
        "不行", "不合理", "不正常", "异常",
    ];

    public static IReadOnlyList<string> EnglishPositive3 { get; } =
    [
        "thank", "thanks", "thank you", "grateful", "hero", "lifesaver", "rescued", "amazing", "heroic", "saved",
        "so grateful", "god bless", "outstanding",
    ];

    public static IReadOnlyList<string> EnglishPositive2 { get; } =
    [
        "safe", "safely", "restored", "resolved", "relieved", "helpful", "efficient", "quick", "quickly", "prompt", "promptly",
        "timely", "fair", "organized", "organised", "professional", "reliable", "supportive", "appreciate", "appreciated",
        "great", "excellent", "wonderful", "fantastic", "recovered", "reopened", "secure", "calm", "kind", "caring", "brave",
        "well done", "good job", "great job", "awesome", "brilliant", "impressive", "thoughtful", "generous", "responsive",
        "on time", "back on", "power is back", "water is back", "fixed", "repaired", "evacuated safely", "all safe", "unharmed",
        "love", "perfect", "superb", "transparent", "trust", "reassured", "reassuring", "comfortable", "clean", "friendly",
        "welcoming", "heartwarming", "touching", "proud", "bless", "blessed", "delighted", "pleased", "satisfied",
    ];

    public static IReadOnlyList<string> EnglishPositive1 { get; } =
    [
        "good", "fine", "better", "improving", "improved", "working", "enough", "sufficient", "available", "hopeful",
        "glad", "happy", "nice", "smooth", "fast", "helped", "helping", "support", "clear", "easy", "okay now", "recovering",
        "stable", "open again", "volunteer", "donation", "donated", "free", "cheap", "quiet", "spacious", "convenient",
        "useful", "effective", "polite", "patient", "careful", "ready", "prepared", "finally", "luckily", "fortunately",
    ];

    public static IReadOnlyList<string> EnglishNegative3 { get; } =
    [
        "trapped", "stranded", "sos", "dying", "dead", "died", "drowned", "drowning", "collapsed", "abandoned", "desperate",
        "nobody care", "no one care", "help us", "save us", "please help", "killed", "death", "bodies", "horrific",
        "disgusting", "worst", "life-threatening", "cannot breathe", "can't breathe",
    ];

    public static IReadOnlyList<string> EnglishNegative2 { get; } =
    [
        "unfair", "shortage", "shortages", "ignored", "neglected", "panic", "panicking", "rumor", "rumour", "fake", "lie",
        "lied", "lying", "flooded", "outage", "blackout", "scared", "afraid", "terrified", "angry", "furious", "outraged",
        "disappointed", "disappointing", "terrible", "horrible", "awful", "useless", "incompetent", "corrupt", "chaos",
        "chaotic", "injured", "missing", "danger", "dangerous", "unsafe", "delayed", "hungry", "sick", "ran out", "run out",
        "running out", "no water", "no power", "no electricity", "no food", "without water", "without power", "cut off",
        "left behind", "forgotten", "discrimination", "cover-up", "cover up", "scam", "fraud", "price gouging", "gouging",
        "looting", "stuck", "homeless", "hopeless", "helpless", "unacceptable", "shameful", "disgrace", "ridiculous",
        "negligent", "negligence", "failed", "failure", "mess", "nightmare", "suffering",
        "devastated", "destroyed", "frightened", "worried sick", "filthy", "rude", "hate", "horrendous",
    ];

    public static IReadOnlyList<string> EnglishNegative1 { get; } =
    [
        "problem", "issue", "worried", "worry", "concern", "concerned", "bad", "poor", "dirty", "crowded", "waiting",
        "difficult", "hard", "tired", "exhausted", "confused", "confusing", "broken", "leak", "leaking", "damage", "damaged",
        "lost", "loss", "risk", "risky", "slow", "late", "delay", "cold", "lack", "lacking", "short", "flooding", "unclear",
        "why", "still no", "still waiting", "complaint", "complain", "expensive", "noisy", "uncomfortable",
        "annoying", "annoyed", "upset", "sad", "cry", "crying", "tears", "fear", "nervous", "anxious", "stress", "stressed",
        "closed", "cancelled", "canceled", "blocked", "inconvenient", "wrong", "mistake", "error", "doubt", "suspicious",
    ];

    /// <summary>Words that turn the sentiment of a word within the next three words: 不及时 is not timely.</summary>
    public static IReadOnlyList<string> ChineseNegations { get; } =
    [
        "不", "没", "没有", "未", "别", "无", "并非", "并不", "并没有", "并未", "从不", "从未", "从没", "决不", "绝不", "毫不",
        "毫无", "不是", "非", "勿", "莫", "不曾", "未曾", "不用", "不必", "无需", "无须", "甭", "没能", "未能", "不能", "不会",
        "难以", "缺乏", "缺少", "免", "不再", "没人", "无人", "没有人",
    ];

    public static IReadOnlyList<string> EnglishNegations { get; } =
    [
        "not", "no", "never", "n't", "none", "nothing", "neither", "nor", "without", "hardly", "barely", "cannot", "nobody",
        "no one", "lack of", "no longer", "not at all", "far from",
    ];

    /// <summary>
    /// Negations that speak of people (没人, nobody): "没人受伤" turns 受伤, but alone — "没人来", "nobody came" — they
    /// are a complaint of their own, counted as negative.
    /// </summary>
    public static IReadOnlyList<string> PersonNegations { get; } = ["没人", "无人", "没有人", "nobody", "no one"];

    /// <summary>Degree words and how much they scale the next sentiment word: 非常及时 is more timely than 及时.</summary>
    public static IReadOnlyDictionary<string, double> ChineseDegrees { get; } = new Dictionary<string, double>(StringComparer.Ordinal)
    {
        ["极其"] = 2.0, ["极度"] = 2.0, ["极为"] = 2.0, ["极"] = 2.0, ["万分"] = 2.0, ["无比"] = 2.0, ["超级"] = 1.8,
        ["非常"] = 1.7, ["特别"] = 1.7, ["十分"] = 1.7, ["格外"] = 1.7, ["分外"] = 1.7, ["太"] = 1.7, ["超"] = 1.6,
        ["最"] = 1.8, ["实在"] = 1.5, ["真"] = 1.4, ["真是"] = 1.4, ["真的"] = 1.4, ["相当"] = 1.5,
        ["很"] = 1.3, ["挺"] = 1.2, ["蛮"] = 1.2, ["好"] = 1.2, ["越来越"] = 1.3, ["更"] = 1.3, ["更加"] = 1.3, ["还"] = 1.1,
        ["比较"] = 0.9, ["较"] = 0.9, ["还算"] = 0.8, ["有点"] = 0.6, ["有点儿"] = 0.6, ["有些"] = 0.6, ["有一点"] = 0.6,
        ["一点"] = 0.6, ["稍微"] = 0.5, ["稍"] = 0.5, ["略"] = 0.5, ["略微"] = 0.5, ["些许"] = 0.5,
    };

    public static IReadOnlyDictionary<string, double> EnglishDegrees { get; } = new Dictionary<string, double>(StringComparer.Ordinal)
    {
        ["extremely"] = 2.0, ["incredibly"] = 2.0, ["absolutely"] = 1.8, ["totally"] = 1.6, ["completely"] = 1.6,
        ["utterly"] = 1.8, ["super"] = 1.6, ["so"] = 1.5, ["too"] = 1.5, ["very"] = 1.5, ["really"] = 1.4, ["truly"] = 1.4,
        ["deeply"] = 1.5, ["seriously"] = 1.4, ["most"] = 1.6, ["more"] = 1.2, ["quite"] = 1.2, ["pretty"] = 1.2,
        ["fairly"] = 0.8, ["rather"] = 0.9, ["somewhat"] = 0.7, ["slightly"] = 0.5, ["a bit"] = 0.6, ["a little"] = 0.6,
        ["kind of"] = 0.7, ["sort of"] = 0.7, ["kinda"] = 0.7,
    };

    /// <summary>A negation fused with a degree — "not very": it turns the word and halves it (不太及时 is mildly negative).</summary>
    public static IReadOnlyList<string> NegatedDegrees { get; } = ["不太", "不大", "不很", "不怎么", "不那么", "没那么", "没怎么", "不算"];

    /// <summary>
    /// Words that look like a modifier fused with a sentiment word but are neither: 不少 is "many", not "not few";
    /// 好多 is "a lot of". Listed so the prefix rule leaves them alone.
    /// </summary>
    public static IReadOnlyList<string> NotSentiment { get; } = ["不少", "不久", "好多", "好几", "不断", "差不多", "不一定", "不管", "不得不", "无论"];

    /// <summary>
    /// Words that make the rest of their clause a wish, a request or a condition, not a fact: "希望尽快恢复供电" and
    /// "hope power is restored soon" do not say power is back, so positive words after them in the sentence count nothing.
    /// </summary>
    public static IReadOnlyList<string> Wishes { get; } =
    [
        "希望", "盼望", "期盼", "期待", "请求", "恳请", "请", "能不能", "可不可以", "能否", "什么时候", "何时",
        "啥时候", "如果", "要是", "假如", "但愿", "祈祷", "尽快", "赶紧", "赶快", "早日",
        "hope", "hopefully", "wish", "when will", "if", "please", "pray", "praying", "need", "asap",
    ];

    /// <summary>"But": what follows it in the sentence counts more than what came before.</summary>
    public static IReadOnlyList<string> Contrasts { get; } = ["但", "但是", "可是", "不过", "然而", "可", "只是", "but", "however", "yet", "though"];

    /// <summary>Emoji that carry a feeling in posts; weights as for words.</summary>
    public static IReadOnlyDictionary<string, int> Emoji { get; } = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["👍"] = 2, ["❤"] = 2, ["💪"] = 1, ["😊"] = 1, ["😄"] = 1, ["🙂"] = 1, ["🥰"] = 2, ["👏"] = 2, ["🌹"] = 1,
        ["😭"] = -2, ["😡"] = -2, ["😠"] = -2, ["😢"] = -2, ["😱"] = -2, ["😰"] = -2, ["💔"] = -2, ["😞"] = -1, ["😩"] = -1,
        ["😤"] = -1, ["🆘"] = -3,
    };
}
