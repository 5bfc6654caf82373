using System.Globalization;

namespace CrisisOps.Routing.Roads;

/// <summary>Reads OSM <c>maxspeed</c> values: numbers in km/h, "mph", "knots", and country zone codes.</summary>
internal static class MaxSpeed
{
    private const double KmhPerMph = 1.609344;

    // Implicit limits by zone (https://wiki.openstreetmap.org/wiki/Default_speed_limits); "urban" is 50 nearly
    // everywhere. Countries missing here fall back to the zone's common value below.
    private static readonly Dictionary<string, double> Zones = new(StringComparer.OrdinalIgnoreCase)
    {
        ["AT:rural"] = 100, ["AT:motorway"] = 130, ["AT:trunk"] = 100,
        ["DE:rural"] = 100, ["DE:motorway"] = double.PositiveInfinity, ["DE:trunk"] = 100,
        ["CH:rural"] = 80, ["CH:motorway"] = 120, ["CH:trunk"] = 100,
        ["CZ:rural"] = 90, ["CZ:motorway"] = 130, ["CZ:trunk"] = 110,
        ["FR:rural"] = 80, ["FR:motorway"] = 130, ["FR:trunk"] = 110,
        ["IT:rural"] = 90, ["IT:motorway"] = 130, ["IT:trunk"] = 110,
        ["PL:rural"] = 90, ["PL:motorway"] = 140, ["PL:trunk"] = 120,
        ["GB:nsl_single"] = 60 * KmhPerMph, ["GB:nsl_dual"] = 70 * KmhPerMph, ["GB:motorway"] = 70 * KmhPerMph,
        ["RU:urban"] = 60, ["RU:rural"] = 90, ["RU:motorway"] = 110,
        ["CN:urban"] = 50, ["CN:rural"] = 70, ["CN:motorway"] = 120,
    };

    private static readonly Dictionary<string, double> ZoneFallback = new(StringComparer.OrdinalIgnoreCase)
    {
        ["urban"] = 50, ["rural"] = 90, ["trunk"] = 100, ["motorway"] = 120,
        ["living_street"] = 7, ["walk"] = 7, ["bicycle_road"] = 30, ["school"] = 30,
    };

    /// <summary>The limit in km/h; +∞ for "none" (no limit); null when absent or not understood (then the highway default applies).</summary>
    public static double? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        // "50;30" (lanes or times differ): the lower is the one a vehicle can count on.
        var parts = value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        double? lowest = null;
        foreach (var part in parts)
        {
            if (ParseOne(part) is { } speed && (lowest is null || speed < lowest))
            {
                lowest = speed;
            }
        }

        return lowest;
    }

    private static double? ParseOne(string value)
    {
        var text = value.Trim();
        if (text.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return double.PositiveInfinity;
        }

        if (text.Equals("walk", StringComparison.OrdinalIgnoreCase))
        {
            return 7;
        }

        if (Zones.TryGetValue(text, out var zoned))
        {
            return zoned;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0)
        {
            var zone = text[(colon + 1)..];
            // "DE:zone30", "DE:zone:30", "AT:zone30".
            var digits = new string([.. zone.Where(char.IsAsciiDigit)]);
            if (zone.StartsWith("zone", StringComparison.OrdinalIgnoreCase) && digits.Length > 0)
            {
                return double.Parse(digits, CultureInfo.InvariantCulture);
            }

            return ZoneFallback.TryGetValue(zone, out var fallback) ? fallback : null;
        }

        var factor = 1.0;
        if (text.EndsWith("mph", StringComparison.OrdinalIgnoreCase))
        {
            factor = KmhPerMph;
            text = text[..^3];
        }
        else if (text.EndsWith("knots", StringComparison.OrdinalIgnoreCase))
        {
            factor = 1.852;
            text = text[..^5];
        }
        else if (text.EndsWith("km/h", StringComparison.OrdinalIgnoreCase))
        {
            text = text[..^4];
        }
        else if (text.EndsWith("kmh", StringComparison.OrdinalIgnoreCase))
        {
            text = text[..^3];
        }

        return double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && number > 0 && double.IsFinite(number)
            ? number * factor
            : null;
    }
}
