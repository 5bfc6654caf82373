namespace CrisisOps.Domain.Command;

/// <summary>A government department that sends a team to a headquarters, e.g. <c>water</c> (水务局).</summary>
public sealed record Department(string Code, string NameZh, string NameEn);

/// <summary>
/// The departments a headquarters may draw on. Department liaisons' grants name these codes, so a
/// department team knows who acts for it.
/// </summary>
public static class Departments
{
    public static IReadOnlyList<Department> All { get; } =
    [
        new("emergency", "应急管理局", "Emergency management"),
        new("health", "卫生健康委", "Health commission"),
        new("cdc", "疾控中心", "Centre for disease control"),
        new("police", "公安局", "Public security"),
        new("transport", "交通运输局", "Transport"),
        new("water", "水务局", "Water affairs"),
        new("fire", "消防救援支队", "Fire and rescue"),
        new("municipal", "城市管理局", "Municipal administration"),
        new("civil-affairs", "民政局", "Civil affairs"),
        new("power", "供电公司", "Power supply"),
        new("education", "教育局", "Education"),
        new("market-regulation", "市场监管局", "Market regulation"),
        new("housing", "住房城乡建设局", "Housing and construction"),
        new("propaganda", "宣传部", "Publicity"),
    ];

    private static readonly Dictionary<string, Department> ByCode = All.ToDictionary(d => d.Code, StringComparer.Ordinal);

    public static bool IsKnown(string? code) => code is not null && ByCode.ContainsKey(code);

    /// <summary>The department with this code, or null.</summary>
    public static Department? Find(string? code) => code is not null && ByCode.TryGetValue(code, out var d) ? d : null;
}
