using CrisisOps.Domain.Regions;

namespace CrisisOps.Domain.Resources;

/// <summary>Where a resource is kept or stands by: the region it belongs to and, when known, a point.</summary>
public sealed record Placement(string RegionCode, string RegionPath, GeoPoint? Location);

/// <summary>Checks shared by the resource records (codes, names, short texts).</summary>
internal static class ResourceText
{
    public static string Required(string? text, int max, string code, string what)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Trim().Length > max)
        {
            throw new DomainException(code, $"The {what} needs 1–{max} characters.");
        }

        return text.Trim();
    }

    public static string? Optional(string? text, int max, string code, string what)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return text.Trim().Length > max ? throw new DomainException(code, $"The {what} may have at most {max} characters.") : text.Trim();
    }

    /// <summary>A list of kebab-case words (skills, specialties), de-duplicated, at most 20.</summary>
    public static IReadOnlyList<string> Words(IEnumerable<string>? words, string code, string what)
    {
        var list = (words ?? []).Select(w => w?.Trim() ?? "").Distinct(StringComparer.Ordinal).ToList();
        if (list.Count > 20 || list.Any(w => !Item.IsValidCode(w)))
        {
            throw new DomainException(code, $"The {what} are at most 20 kebab-case words, e.g. water-rescue.");
        }

        return list;
    }
}
