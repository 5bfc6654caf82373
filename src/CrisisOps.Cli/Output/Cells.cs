using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace CrisisOps.Cli.Output;

/// <summary>Markup for values coming from the server. Everything is escaped: region names may contain brackets.</summary>
internal static class Cells
{
    public const string Missing = "[grey]—[/]";

    public static string Plain(string? value) => string.IsNullOrEmpty(value) ? Missing : Markup.Escape(value);

    public static string Number(long? value) =>
        value is { } n ? n.ToString("N0", CultureInfo.CurrentCulture) : Missing;

    public static string YesNo(bool? value) => value switch
    {
        true => Strings.Yes,
        false => Strings.No,
        null => Missing,
    };

    /// <summary>Chinese and English name side by side, either may be missing.</summary>
    public static string Names(string? nameZh, string? nameEn) => (nameZh, nameEn) switch
    {
        (null or "", null or "") => Missing,
        (null or "", _) => Markup.Escape(nameEn!),
        (_, null or "") => Markup.Escape(nameZh!),
        _ => $"{Markup.Escape(nameZh!)} [grey]{Markup.Escape(nameEn!)}[/]",
    };

    /// <summary>Severity I is the gravest (特别重大) and gets the strongest colour.</summary>
    public static string Severity(string? severity) => severity switch
    {
        "I" => "[bold red]I[/]",
        "II" => "[darkorange]II[/]",
        "III" => "[yellow]III[/]",
        "IV" => "[blue]IV[/]",
        _ => Plain(severity),
    };

    /// <summary>Exercises are marked wherever they appear, so nobody mistakes one for a real incident.</summary>
    public static string ExerciseMark(bool? isExercise) =>
        isExercise == true ? $"[black on yellow]{Markup.Escape(Strings.ExerciseMark)}[/] " : "";

    /// <summary>Demo regions come with the sample data set and are marked so that nobody plans with them.</summary>
    public static string DemoMark(bool? isDemo) =>
        isDemo == true ? $"[black on aqua]{Markup.Escape(Strings.DemoMark)}[/] " : "";

    /// <summary>A JSON value shortened to one line for a table cell.</summary>
    public static string Json(JsonElement? value, int maxLength = 80)
    {
        if (value is not { } element || element.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return Missing;
        }

        var text = element.ValueKind == JsonValueKind.String ? element.GetString()! : element.GetRawText();
        text = text.ReplaceLineEndings(" ");
        return Markup.Escape(text.Length <= maxLength ? text : string.Concat(text.AsSpan(0, maxLength - 1), "…"));
    }

    public static string List(IEnumerable<JsonElement>? values) =>
        values is null
            ? Missing
            : Plain(string.Join(", ", values.Select(v => v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText())));
}
