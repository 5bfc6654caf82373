namespace CrisisOps.Domain.Regions;

/// <summary>
/// Materialised path of a region, <c>/AT-3/KRE/KRE-01/</c>: root first, every code framed by
/// slashes. A region covers another when its path is a prefix of the other's, which turns
/// "role at region, covering its subtree" into one indexed <c>LIKE 'prefix%'</c>.
/// </summary>
public static class RegionPath
{
    public const string Separator = "/";

    public static string Of(IEnumerable<string> codesRootFirst)
    {
        ArgumentNullException.ThrowIfNull(codesRootFirst);
        return Separator + string.Concat(codesRootFirst.Select(c => c + Separator));
    }

    public static string Child(string parentPath, string code) =>
        (parentPath ?? Separator) + code + Separator;

    /// <summary>True when <paramref name="ancestorPath"/> is <paramref name="path"/> or one of its ancestors.</summary>
    public static bool Covers(string ancestorPath, string? path) =>
        path is not null && path.StartsWith(ancestorPath, StringComparison.Ordinal);

    /// <summary>Codes on the path, root first.</summary>
    public static IReadOnlyList<string> Codes(string path) =>
        (path ?? string.Empty).Split(Separator, StringSplitOptions.RemoveEmptyEntries);
}
