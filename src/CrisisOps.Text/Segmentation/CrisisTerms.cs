namespace CrisisOps.Text.Segmentation;

/// <summary>
/// Words of emergency work that jieba's general dictionary splits (内涝 → 内/涝, 转移安置 → 转移/安置), written by the
/// project for the segmenter's user dictionary, so a topic about waterlogging is about 内涝 and not about 内.
/// </summary>
public static class CrisisTerms
{
    public static IReadOnlyList<string> All { get; } =
    [
        "内涝", "积水", "暴雨", "红色预警", "橙色预警", "黄色预警", "蓝色预警", "防汛", "排涝", "泄洪", "山洪", "泥石流",
        "封控", "封控区", "管控区", "防范区", "核酸检测", "隔离点", "密接",
        "物资", "救灾物资", "物资发放", "物资短缺", "转移安置", "安置点", "避难场所", "应急避难场所",
        "被困", "地铁被困", "救援队", "消防救援", "应急管理局", "指挥部", "停水", "停电", "断网",
        "孤寡老人", "独居老人", "弱势群体", "特殊群体", "谣言", "辟谣", "热线",
    ];
}
