using System.Globalization;

namespace CrisisOps.Cli;

/// <summary>Fills a message template from <see cref="Strings"/> in the user's culture.</summary>
internal static class Localized
{
    public static string Format(string template, params object?[] args) =>
        string.Format(CultureInfo.CurrentCulture, template, args);
}
