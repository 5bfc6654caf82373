using System.CommandLine;
using System.Globalization;
using CrisisOps.Cli.Api;
using CrisisOps.Cli.Output;
using Spectre.Console;

namespace CrisisOps.Cli.Commands;

/// <summary><c>alerts coverage ID</c>: how far an alert's delivery has reached, by segment, with the segments below target flagged.</summary>
internal static class DeliveryCommands
{
    /// <summary><c>alerts coverage</c>: a subcommand of <see cref="AlertsCommands"/>.</summary>
    public static Command Coverage(CliRuntime runtime)
    {
        var alert = new Argument<string>("ALERT") { Description = Strings.Delivery_ArgumentAlert };
        var command = new Command("coverage", Strings.Delivery_CommandCoverage) { alert };
        runtime.SetAction(command, async (context, parseResult, cancellationToken) =>
        {
            if (!Guid.TryParse(parseResult.GetRequiredValue(alert), out var id))
            {
                throw new CliUsageException(Strings.Delivery_AlertNotAnId);
            }

            var response = await context.Connect().GetAsync($"api/v1/alerts/{id}/coverage", null, cancellationToken);
            if (context.Json)
            {
                context.WriteJson(response.Body);
                return ExitCodes.Success;
            }

            var report = response.Read<CoverageReport>();
            var table = new Table()
                .AddColumn(Strings.Delivery_ColumnSegment)
                .AddColumn(new TableColumn(Strings.Delivery_ColumnTargeted).RightAligned())
                .AddColumn(new TableColumn(Strings.Delivery_ColumnReached).RightAligned())
                .AddColumn(new TableColumn(Strings.Delivery_ColumnShare).RightAligned())
                .AddColumn(Strings.Delivery_ColumnFlag);
            table.AddRow(Markup.Escape(Strings.Delivery_All), Cells.Number(report.Targeted), Cells.Number(report.Reached), Share(report.Share),
                Flag(report.Targeted > 0 && report.Share < report.Target));
            foreach (var s in report.Segments ?? [])
            {
                table.AddRow(Cells.Plain(s.Segment), Cells.Number(s.Targeted), Cells.Number(s.Reached), Share(s.Share), Flag(s.BelowTarget));
            }

            context.Out.Write(table);
            context.Out.MarkupLine($"[grey]{Markup.Escape(Localized.Format(Strings.Delivery_CoverageSummary, report.Identifier, Share(report.Target), report.Round))}[/]");
            return ExitCodes.Success;
        });
        return command;
    }

    private static string Share(double share) => share.ToString("P1", CultureInfo.InvariantCulture);

    private static string Flag(bool below) => below ? $"[bold red]{Markup.Escape(Strings.Delivery_BelowTarget)}[/]" : "";

    private sealed record CoverageReport(string? Identifier, int Round, int Targeted, int Reached, double Share, double Target,
        IReadOnlyList<SegmentCoverage>? Segments);

    private sealed record SegmentCoverage(string? Segment, int Targeted, int Reached, double Share, bool BelowTarget);
}
