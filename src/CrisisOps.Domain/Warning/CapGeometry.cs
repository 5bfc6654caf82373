using System.Globalization;
using CrisisOps.Domain.Regions;

namespace CrisisOps.Domain.Warning;

/// <summary>
/// A CAP <c>polygon</c>: a closed ring of WGS 84 points, at least four, the first repeated as the
/// last. CAP writes it as space-separated <c>latitude,longitude</c> pairs (latitude first, unlike
/// GeoJSON).
/// </summary>
public sealed record CapPolygon
{
    public const int MinPoints = 4;

    /// <exception cref="DomainException">Fewer than <see cref="MinPoints"/> points, or the ring is not closed.</exception>
    public CapPolygon(IReadOnlyList<GeoPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (Problem(points) is { } problem)
        {
            throw new DomainException("invalid-cap-polygon", problem);
        }

        Points = points;
    }

    /// <summary>The ring, first point equal to the last.</summary>
    public IReadOnlyList<GeoPoint> Points { get; }

    /// <summary>
    /// Reads CAP's text form. On failure <paramref name="problem"/> says what is wrong, for a
    /// person (e.g. "has 3 points; …").
    /// </summary>
    public static bool TryParse(string text, out CapPolygon? polygon, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        polygon = null;
        var points = new List<GeoPoint>(Math.Max(MinPoints, text.Length / 16));
        var rest = text.AsSpan();
        while (CapCoordinates.NextToken(ref rest) is { IsEmpty: false } pair)
        {
            if (!CapCoordinates.TryParsePoint(pair, out var point, out problem))
            {
                problem = string.Create(CultureInfo.InvariantCulture, $"point {points.Count + 1} {problem}");
                return false;
            }

            points.Add(point);
        }

        problem = Problem(points);
        if (problem is not null)
        {
            return false;
        }

        polygon = new CapPolygon(points);
        return true;
    }

    private static string? Problem(IReadOnlyList<GeoPoint> points)
    {
        if (points.Count < MinPoints)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"has {points.Count} point(s); a CAP polygon needs at least {MinPoints}, the first repeated as the last.");
        }

        return points[0] == points[^1]
            ? null
            : "is not closed: its first and last points differ.";
    }
}

/// <summary>
/// A CAP <c>circle</c>: a centre and a radius in kilometres (0 for a point). CAP writes it as
/// <c>latitude,longitude radius</c>.
/// </summary>
public sealed record CapCircle
{
    /// <exception cref="DomainException">The radius is negative or not a finite number.</exception>
    public CapCircle(GeoPoint center, double radiusKm)
    {
        if (!double.IsFinite(radiusKm) || radiusKm < 0)
        {
            throw new DomainException("invalid-cap-circle", "A CAP circle's radius must be a finite number of kilometres ≥ 0.");
        }

        Center = center;
        RadiusKm = radiusKm;
    }

    public GeoPoint Center { get; }

    /// <summary>Radius in kilometres; 0 denotes the centre point alone.</summary>
    public double RadiusKm { get; }

    /// <summary>Reads CAP's text form; on failure <paramref name="problem"/> says what is wrong.</summary>
    public static bool TryParse(string text, out CapCircle? circle, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        circle = null;
        var parts = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2)
        {
            problem = "is not 'latitude,longitude radius'.";
            return false;
        }

        if (!CapCoordinates.TryParsePoint(parts[0], out var center, out problem))
        {
            problem = $"centre {problem}";
            return false;
        }

        if (!CapCoordinates.TryParseNumber(parts[1], out var radius) || radius < 0)
        {
            problem = $"radius '{parts[1]}' is not a number of kilometres ≥ 0.";
            return false;
        }

        problem = null;
        circle = new CapCircle(center, radius);
        return true;
    }
}

internal static class CapCoordinates
{
    /// <summary>The next whitespace-separated token of <paramref name="rest"/>, which moves past it; empty at the end.</summary>
    public static ReadOnlySpan<char> NextToken(ref ReadOnlySpan<char> rest)
    {
        rest = rest.TrimStart();
        var end = 0;
        while (end < rest.Length && !char.IsWhiteSpace(rest[end]))
        {
            end++;
        }

        var token = rest[..end];
        rest = rest[end..];
        return token;
    }

    public static bool TryParsePoint(ReadOnlySpan<char> pair, out GeoPoint point, out string? problem)
    {
        point = default;
        var comma = pair.IndexOf(',');
        if (comma < 0 || pair[(comma + 1)..].Contains(',')
            || !TryParseNumber(pair[..comma], out var latitude)
            || !TryParseNumber(pair[(comma + 1)..], out var longitude))
        {
            problem = $"'{pair}' is not 'latitude,longitude'.";
            return false;
        }

        if (!GeoPoint.IsValid(latitude, longitude))
        {
            problem = $"'{pair}' is out of range (latitude −90…90, longitude −180…180).";
            return false;
        }

        problem = null;
        point = new GeoPoint(latitude, longitude);
        return true;
    }

    // Exact powers of ten for the fast path below (10^22 is the largest exactly representable one).
    private static readonly double[] PowersOfTen =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];

    /// <summary>
    /// Reads <c>[+-]digits[.digits]</c> (invariant culture, no exponent, no spaces): CAP's
    /// coordinates and radii. Polygons carry thousands of them, so the common case of at most 15
    /// significant digits is computed directly as digits ÷ 10^decimals, which is exact and rounds
    /// exactly like <see cref="double.Parse(string)"/> (both operands are exact doubles and IEEE
    /// division rounds correctly); longer numbers go to <see cref="double.TryParse(ReadOnlySpan{char}, NumberStyles, IFormatProvider, out double)"/>.
    /// </summary>
    public static bool TryParseNumber(ReadOnlySpan<char> text, out double value)
    {
        const int MaxExactDigits = 15; // 10^15 < 2^53: every such integer is an exact double
        var i = 0;
        var negative = false;
        if (i < text.Length && text[i] is '-' or '+')
        {
            negative = text[i] == '-';
            i++;
        }

        ulong digits = 0;
        var significant = 0;
        var decimals = 0;
        var anyDigit = false;
        var afterPoint = false;
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (c is >= '0' and <= '9')
            {
                anyDigit = true;
                if (significant > 0 || c != '0')
                {
                    significant++;
                }

                digits = (digits * 10) + (uint)(c - '0');
                decimals += afterPoint ? 1 : 0;
            }
            else if (c == '.' && !afterPoint)
            {
                afterPoint = true;
            }
            else
            {
                value = 0;
                return false;
            }
        }

        if (!anyDigit)
        {
            value = 0;
            return false;
        }

        if (significant > MaxExactDigits || decimals >= PowersOfTen.Length)
        {
            return double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value)
                && double.IsFinite(value);
        }

        value = digits / PowersOfTen[decimals];
        value = negative ? -value : value;
        return true;
    }
}
