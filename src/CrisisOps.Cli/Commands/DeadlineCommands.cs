using System.CommandLine;
using CrisisOps.Cli.Api;
using CrisisOps.Cli.Output;
using Spectre.Console;

namespace CrisisOps.Cli.Commands;

/// <summary><c>deadlines list</c>, and the deadline table that <c>incident show</c> shares.</summary>
internal static class DeadlineCommands
{
    private static readonly TimeSpan Soon = TimeSpan.FromHours(1);

    public static Command Create(CliRuntime runtime) => new("deadlines", Strings.CommandDeadlines) { List(runtime) };

    private static Command List(CliRuntime runtime)
    {
        var region = new Option<string>("--region") { Description = Strings.OptionRegionFilter, HelpName = "CODE" };
        var incident = new Option<string>("--incident") { Description = Strings.OptionIncidentFilter, HelpName = "ID" };
        var owner = new Option<string>("--owner") { Description = Strings.OptionOwner, HelpName = "ROLE" };
        var all = new Option<bool>("--all") { Description = Strings.OptionAllDeadlines };
        var command = new Command("list", Strings.CommandDeadlinesList) { region, incident, owner, all };
        runtime.SetAction(command, async (context, parseResult, cancellationToken) =>
        {
            var response = await context.Connect().GetAsync(
                "api/v1/deadlines",
                new QueryParameters
                {
                    { "region", parseResult.GetValue(region) },
                    { "owner", parseResult.GetValue(owner) },
                    { "incidentId", parseResult.GetValue(incident) },
                    { "status", parseResult.GetValue(all) ? "all" : "open" },
                },
                cancellationToken);
            if (context.Json)
            {
                context.WriteJson(response.Body);
                return ExitCodes.Success;
            }

            var deadlines = response.Read<DeadlineList>().Items ?? [];
            context.Out.Write(Table(deadlines, ServerNow(context, response), context.Environment.DisplayTimeZone));
            context.Out.MarkupLine($"[grey]{Markup.Escape(Localized.Format(Strings.DeadlineCount, deadlines.Count))}[/]");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>
    /// The server's clock from the response's <c>Date</c> header, so that "overdue" agrees with
    /// the server that escalates, even when this machine's clock is wrong.
    /// </summary>
    public static DateTimeOffset ServerNow(CliContext context, ApiResponse response) =>
        response.Date ?? context.Environment.TimeProvider.GetUtcNow();

    /// <summary>Deadlines in the server's order (overdue first) with time left relative to <paramref name="now"/>.</summary>
    public static Table Table(IEnumerable<Deadline> deadlines, DateTimeOffset now, TimeZoneInfo zone)
    {
        var table = new Table()
            .AddColumn(Strings.ColumnDue)
            .AddColumn(Strings.ColumnRemaining)
            .AddColumn(Strings.ColumnKind)
            .AddColumn(Strings.ColumnSubject)
            .AddColumn(Strings.ColumnRegion)
            .AddColumn(Strings.ColumnOwner)
            .AddColumn(Strings.ColumnStatus)
            .AddColumn(Strings.ColumnEscalation);
        foreach (var deadline in deadlines)
        {
            table.AddRow(
                Markup.Escape(TimeText.Moment(deadline.DueAt, zone)),
                Remaining(deadline, now, zone),
                Cells.Plain(deadline.Kind),
                Cells.Plain(string.Join(' ', new[] { deadline.SubjectType, deadline.SubjectId }.Where(s => !string.IsNullOrEmpty(s)))),
                Cells.Plain(deadline.RegionCode),
                Cells.Plain(deadline.OwnerRole),
                Cells.Plain(deadline.Status),
                deadline.EscalationLevel is { } level and > 0 ? $"[red]{level}[/]" : Cells.Plain(deadline.EscalationLevel?.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        return table;
    }

    private static string Remaining(Deadline deadline, DateTimeOffset now, TimeZoneInfo zone)
    {
        if (deadline.CompletedAt is { } completed)
        {
            return $"[green]{Markup.Escape(Localized.Format(Strings.DeadlineCompleted, TimeText.Moment(completed, zone)))}[/]";
        }

        if (deadline.DueAt is not { } due)
        {
            return Cells.Missing;
        }

        var text = Markup.Escape(TimeText.Remaining(due, now));
        if (deadline.IsOverdue == true || due < now)
        {
            return $"[bold red]{text}[/]";
        }

        return due - now < Soon ? $"[yellow]{text}[/]" : text;
    }
}
