using CrisisOps.Text.Topics;

namespace CrisisOps.Text.Synthetic;

/// <summary>
/// The sentences of the synthetic rainstorm, written for this project. Slots in braces are filled per post:
/// {district} {place} {shelter} {station} {station2} {line} {item} {hours} and their English forms {placeEn}
/// {stationEn}. Each concern has templates per tone, so the tone a post carries matches what it says.
/// </summary>
internal static class CrisisPhrases
{
    public static readonly string[] Districts = ["东城区", "西城区", "南湖区", "北站片区", "老城区", "滨江新区", "高新区"];

    public static readonly string[] Places = ["幸福小区", "和平里社区", "新村三巷", "东湖花园", "光明路", "建设街", "红旗村", "翠苑小区"];

    public static readonly string[] Shelters = ["第三小学安置点", "体育馆安置点", "会展中心安置点", "区文化馆安置点", "实验中学安置点"];

    public static readonly string[] Stations = ["人民广场", "滨江路", "东湖", "科技园", "火车站", "体育中心", "大学城", "中心医院", "五一路"];

    public static readonly string[] StationsEn = ["People's Square", "Riverside Road", "East Lake", "Science Park", "Railway Station", "Sports Centre"];

    public static readonly string[] PlacesEn = ["Harmony Estate", "East Lake Gardens", "the stadium shelter", "Guangming Road", "the school shelter"];

    public static readonly string[] Items = ["矿泉水", "方便面", "面包", "蜡烛", "充电宝", "婴儿奶粉", "尿不湿", "药品", "饮用水"];

    public static readonly string[] Hashtags = ["#暴雨#", "#暴雨互助#", "#城市内涝#", "#平安度汛#", ""];

    public static readonly string[] RepostPrefixes = ["转发：", "转：", "求扩散！", "//@热心市民：", "//@雨夜守望：转发 ", "帮转 "];

    public static readonly string[] RepostSuffixes = [" 转发扩散", "！！", " 帮帮忙", " +1", " 同问"];

    public static IReadOnlyList<string> Templates(CrisisConcern concern, SentimentLabel tone, bool english) => (concern, tone, english) switch
    {
        (CrisisConcern.DistributionFairness, SentimentLabel.Negative, false) =>
        [
            "{district}的物资发放太不公平了，有人领了好几份，我们排了两个小时什么都没领到",
            "安置点物资分配不公，关系户先拿，普通居民排队也领不到",
            "{shelter}发物资只给有本地户口的，外来务工人员就不管了？这分配公平吗",
            "社区发物资先发给熟人，分配不公，希望有关部门查一查",
            "{district}物资发放按楼栋来，我们楼被漏掉了，分配明显不均，没人解释",
            "物资发放现场没人登记，有人一箱一箱往车上搬，老实排队的反而领不到",
            "救灾物资到底发给谁了？{place}一份都没见到，隔壁小区却发了两轮，太不公平",
            "凭什么{shelter}的物资优先发给工作人员家属？分配不公开不透明",
            "物资发放名单不公示，谁领了谁没领全凭一句话，这种分配方式让人寒心",
        ],
        (CrisisConcern.DistributionFairness, _, false) =>
        [
            "请问{district}的救灾物资是怎么分配的？发放名单会公示吗",
            "{shelter}今天几点开始物资发放？需要带身份证登记吗",
            "{place}的物资发放点在哪里，按户领取还是按人领取",
            "想了解一下物资分配的规则，老人和孩子多的家庭能多领一些吗",
            "{district}物资发放第二轮什么时候开始，有没有通知",
            "建议物资发放按户登记、名单公示，这样分配才公平",
        ],
        (CrisisConcern.DistributionFairness, SentimentLabel.Negative, true) =>
        [
            "Relief supplies at {placeEn} are handed out unfairly, some families took several boxes and we got nothing",
            "Who decides the distribution of relief supplies? Locals first, migrant workers last, this is not fair",
        ],
        (CrisisConcern.DistributionFairness, _, true) =>
        [
            "When does the next distribution of relief supplies start at {placeEn}? Do we need ID to register",
            "Will the list of who received relief supplies be published? A fair distribution needs it",
        ],

        (CrisisConcern.VulnerablePeople, SentimentLabel.Negative, false) =>
        [
            "我们楼里有位独居老人，停电两天了没人上门看过，谁来管管",
            "{district}的孤寡老人有人照顾吗？积水这么深他们根本出不了门",
            "残疾人怎么去安置点？轮椅过不了积水，社区一直没人来接",
            "我奶奶一个人住在{place}，电话打不通，求社区去看看老人",
            "转移安置的时候把独居老人漏掉了，楼上的老人家还困在家里",
            "{place}一位行动不便的老人在家困了三天，没人送饭送药",
            "孤寡老人没有智能手机，看不到预警信息，也没人上门通知，太让人担心了",
            "瘫痪在床的老人和残疾人被落下了，转移的时候根本没人管他们",
        ],
        (CrisisConcern.VulnerablePeople, _, false) =>
        [
            "盲人、残疾人、卧床老人这些特殊群体有没有专人对接？",
            "请问{district}有没有给独居老人上门送物资的安排",
            "建议网格员挨家挨户排查独居老人和孤寡老人，登记需要帮助的残疾人",
            "{shelter}有没有适合老人和残疾人的床位和无障碍通道",
            "家里有位坐轮椅的老人，转移安置要联系谁",
        ],
        (CrisisConcern.VulnerablePeople, SentimentLabel.Negative, true) =>
        [
            "Elderly neighbours living alone at {placeEn} have not been checked on since the flood started",
            "Nobody is helping disabled residents reach the shelter, wheelchairs cannot get through the water",
        ],
        (CrisisConcern.VulnerablePeople, _, true) =>
        [
            "Is anyone visiting elderly people who live alone? Some have no phone to get the warnings",
        ],

        (CrisisConcern.TrappedInSubway, SentimentLabel.Negative, false) =>
        [
            "{line}号线{station}站进水了，车厢里的人都被困住了，水已经到腰了",
            "地铁被困在{station}站和{station2}站之间，已经{hours}个小时了，没人来救",
            "我在{line}号线地铁上，列车停在隧道里，水越来越深，好害怕",
            "{station}站地铁被困乘客求救！车厢断电了，手机快没电了",
            "家人被困在{line}号线地铁车厢里，电话打不通，求救援",
            "地铁隧道灌水，我们被困在车厢里，空气越来越闷，有人开始头晕",
            "{line}号线地铁停在{station}站外面不动了，车厢进水，乘客被困，求求快来人",
            "被困地铁{hours}个小时了，车厢里有老人和孩子，水还在涨",
        ],
        (CrisisConcern.TrappedInSubway, _, false) =>
        [
            "{line}号线{station}站附近地铁停运，听说有乘客被困，有没有最新消息",
            "地铁{line}号线被困乘客救出来了吗？{station}站现在什么情况",
            "消防救援已经到{station}站了，地铁被困的乘客正在转移",
        ],
        (CrisisConcern.TrappedInSubway, SentimentLabel.Negative, true) =>
        [
            "Trapped on Line {line} near {stationEn}, water rising in the carriage, please send help",
            "Passengers stuck in the subway tunnel at {stationEn} for over an hour, no power, no rescue yet",
        ],
        (CrisisConcern.TrappedInSubway, _, true) =>
        [
            "Any news on the subway passengers trapped near {stationEn} on Line {line}?",
        ],

        (CrisisConcern.SuppliesShort, SentimentLabel.Negative, false) =>
        [
            "{district}停水第二天了，超市矿泉水都被抢光了，家里快断水了",
            "安置点物资短缺，没有饮用水，没有吃的，孩子一直哭",
            "缺水缺粮，{place}附近买不到{item}，再这样下去撑不住了",
            "我们小区被水围了，物资送不进来，缺水缺药",
            "{shelter}的食物和饮用水都不够，物资短缺，请求补给",
            "附近超市全部断货，{item}和饮用水都买不到，缺水已经一整天",
            "{district}{item}短缺，跑了三家店都没有，家里老人孩子等着用",
            "停水停电，物资短缺，{place}的居民只能接雨水喝",
        ],
        (CrisisConcern.SuppliesShort, _, false) =>
        [
            "{district}哪里还能买到{item}和饮用水？求告知",
            "{shelter}还缺{item}吗？我们想捐一些物资",
            "缺水的小区可以去{place}领饮用水，每户两箱",
            "请问物资短缺的安置点怎么登记需求，{item}和饮用水去哪里申请",
        ],
        (CrisisConcern.SuppliesShort, SentimentLabel.Negative, true) =>
        [
            "No drinking water left in any shop near {placeEn}, we are running out of water and food",
            "The shelter at {placeEn} is short of drinking water and food, kids are hungry",
        ],
        (CrisisConcern.SuppliesShort, _, true) =>
        [
            "Where can we still buy drinking water near {placeEn}? Shops are out of stock",
        ],

        (CrisisConcern.Weather, SentimentLabel.Negative, false) =>
        [
            "雨太大了，{district}的路全淹了，车都泡在水里",
            "积水没过膝盖，{place}门口成了河，这雨什么时候停",
            "一夜暴雨，{district}内涝严重，上班的路全断了",
            "暴雨下了一整夜，窗外全是水，心慌",
        ],
        (CrisisConcern.Weather, _, false) =>
        [
            "暴雨红色预警，今天大家别出门了，注意安全",
            "气象台说雨还要下{hours}个小时，{district}的朋友注意防范",
            "{place}积水开始退了，路面还是很滑",
            "雨小一点了，天空终于亮了一些",
            "今天的雨量据说破了纪录，{district}注意防汛",
        ],
        (CrisisConcern.Weather, _, true) =>
        [
            "The rain has not stopped all night, streets around {placeEn} are flooded",
            "Red rainstorm warning today, stay at home if you can",
        ],

        (CrisisConcern.Thanks, _, false) =>
        [
            "感谢消防救援人员连夜转移群众，你们辛苦了",
            "为救援队点赞，他们在{place}蹚着齐腰深的水救人",
            "谢谢{shelter}的志愿者，热饭热水都准备好了，很温暖",
            "向冲在一线的救援人员致敬，平安回家",
            "致敬逆行者！{district}的救援队员一夜没合眼",
        ],
        (CrisisConcern.Thanks, _, true) =>
        [
            "Huge thanks to the rescue teams working all night in {placeEn}",
        ],

        (CrisisConcern.Rumour, SentimentLabel.Negative, false) =>
        [
            "听说{station}站淹死了很多人，官方在隐瞒，大家小心",
            "水库马上要决堤了，赶紧往高处跑！转给家人",
            "网传{district}今晚要泄洪，所有人必须连夜撤离",
            "内部消息：自来水被污染了，千万别喝",
            "有人说明天全市停电一周，赶紧囤货",
        ],
        (CrisisConcern.Rumour, _, false) =>
        [
            "网上说{district}要泄洪是真的吗？有没有官方消息",
            "自来水被污染的说法有人核实过吗",
        ],
        (CrisisConcern.Rumour, _, true) =>
        [
            "Someone says the dam upstream will break tonight, is that true?",
        ],

        (CrisisConcern.Noise, SentimentLabel.Positive, false) =>
        [
            "周末终于吃到了心心念念的火锅，太满足了",
            "新买的咖啡机真好用，早上一杯很提神",
            "猫咪今天学会了开门，又好气又好笑",
            "追的剧终于更新了，结局很精彩",
        ],
        (CrisisConcern.Noise, _, false) =>
        [
            "今天加班到很晚，明天还要开会",
            "有没有推荐的手机壳，最近想换一个",
            "晚上看球赛，主队加油",
            "孩子的作业越来越难，数学题我都不会了",
            "楼下新开了一家面馆，味道一般",
            "公司年会节目还没想好，头疼",
        ],
        (CrisisConcern.Noise, _, true) =>
        [
            "Finally finished the book I started last month, great ending",
            "Anyone watching the football tonight?",
        ],
        _ => [],
    };
}
