using System.Globalization;
using CrisisOps.Cli.Api;
using Spectre.Console;

namespace CrisisOps.Cli.Output;

/// <summary>Writes a server problem for people: status and title, detail, type, field errors and rejected features.</summary>
internal static class ProblemRenderer
{
    public static void Write(IAnsiConsole console, ApiProblem problem)
    {
        var heading = Localized.Format(Strings.ProblemHeading, problem.Status.ToString(CultureInfo.InvariantCulture), problem.Title);
        console.MarkupLine($"[red]{Markup.Escape(heading)}[/]");
        if (!string.IsNullOrWhiteSpace(problem.Detail))
        {
            console.MarkupLine($"  {Markup.Escape(problem.Detail)}");
        }

        if (!string.IsNullOrWhiteSpace(problem.Type) && problem.Type != "about:blank")
        {
            console.MarkupLine($"  [grey]{Markup.Escape(Localized.Format(Strings.ProblemType, problem.Type))}[/]");
        }

        foreach (var (field, messages) in problem.Errors)
        {
            foreach (var message in messages)
            {
                console.MarkupLine($"  [yellow]{Markup.Escape(field)}[/]: {Markup.Escape(message)}");
            }
        }

        if (problem.Features.Count > 0)
        {
            var table = new Table()
                .AddColumn(Strings.ColumnFeatureIndex)
                .AddColumn(Strings.ColumnCode)
                .AddColumn(Strings.ColumnErrors);
            foreach (var feature in problem.Features)
            {
                table.AddRow(
                    feature.Index is { } index ? index.ToString(CultureInfo.InvariantCulture) : Cells.Missing,
                    Cells.Plain(feature.Code),
                    Cells.Plain(string.Join(Environment.NewLine, feature.Errors)));
            }

            console.Write(table);
        }
    }
}
