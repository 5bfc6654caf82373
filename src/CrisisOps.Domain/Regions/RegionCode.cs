using System.Text.RegularExpressions;

namespace CrisisOps.Domain.Regions;

/// <summary>
/// Stable code of a region: 1–64 characters from <c>A–Z a–z 0–9 . _ -</c>. Codes are compared
/// ordinally; the character set keeps them safe inside a materialised path and a URL.
/// </summary>
public readonly partial record struct RegionCode
{
    public RegionCode(string value)
    {
        if (!IsValid(value))
        {
            throw new DomainException("invalid-region-code",
                $"'{value}' is not a region code: use 1–64 characters from A–Z, a–z, 0–9, '.', '_', '-'.");
        }

        Value = value;
    }

    public string Value { get; }

    public static bool IsValid(string? value) => value is not null && Pattern().IsMatch(value);

    public override string ToString() => Value;

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
