using System.CommandLine.Parsing;
using System.Globalization;

namespace CrisisOps.Cli.Commands;

/// <summary>Parsers for values whose meaning must not depend on the user's locale.</summary>
internal static class Parsers
{
    /// <summary>
    /// A coordinate in decimal degrees, always with a dot, whatever the current culture: "39.9"
    /// must not become 399 on a machine set to German.
    /// </summary>
    private static double ParseDegrees(SymbolResult result, IReadOnlyList<Token> tokens, double limit, string name)
    {
        var text = tokens.Count > 0 ? tokens[0].Value : "";
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var degrees)
            || !double.IsFinite(degrees)
            || Math.Abs(degrees) > limit)
        {
            result.AddError(Localized.Format(Strings.InvalidCoordinate, name, text, limit.ToString(CultureInfo.InvariantCulture)));
        }

        return degrees;
    }

    public static double ParseLatitude(ArgumentResult result) => ParseDegrees(result, result.Tokens, 90, Strings.NameLatitude);

    public static double ParseLongitude(ArgumentResult result) => ParseDegrees(result, result.Tokens, 180, Strings.NameLongitude);

    /// <summary>Formats degrees for a query string: invariant, round-trippable.</summary>
    public static string FormatDegrees(double degrees) => degrees.ToString("R", CultureInfo.InvariantCulture);
}
