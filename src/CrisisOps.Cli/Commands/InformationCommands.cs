using System.CommandLine;
using CrisisOps.Cli.Api;
using CrisisOps.Cli.Output;
using Spectre.Console;

namespace CrisisOps.Cli.Commands;

/// <summary>
/// <c>releases list</c> (an incident's official releases and when the next is due, 黄金4小时) and <c>hotline tickets</c>
/// (the 24-hour hotline queue, without callers' contacts).
/// </summary>
internal static class InformationCommands
{
    public static Command CreateReleases(CliRuntime runtime) => new("releases", Strings.Info_ReleasesCommand) { ReleasesList(runtime) };

    public static Command CreateHotline(CliRuntime runtime) => new("hotline", Strings.Info_HotlineCommand) { Tickets(runtime) };

    private static Command ReleasesList(CliRuntime runtime)
    {
        var incident = new Option<string>("--incident") { Description = Strings.Info_OptionIncident, HelpName = "NUMBER", Required = true };
        var command = new Command("list", Strings.Info_ReleasesList) { incident };
        runtime.SetAction(command, async (context, parseResult, cancellationToken) =>
        {
            var key = Uri.EscapeDataString(parseResult.GetRequiredValue(incident));
            var response = await context.Connect().GetAsync($"api/v1/incidents/{key}/releases", null, cancellationToken);
            if (context.Json)
            {
                context.WriteJson(response.Body);
                return ExitCodes.Success;
            }

            var board = response.Read<ReleaseBoard>();
            var zone = context.Environment.DisplayTimeZone;
            var table = new Table()
                .AddColumn(Strings.Info_ColumnNumber)
                .AddColumn(Strings.ColumnStatus)
                .AddColumn(Strings.Info_ColumnTitle)
                .AddColumn(Strings.Info_ColumnDraftedBy)
                .AddColumn(Strings.Info_ColumnApprovedBy)
                .AddColumn(Strings.Info_ColumnPublished);
            foreach (var release in board.Items ?? [])
            {
                table.AddRow(Cells.Plain(release.Number), Status(release.Status), Cells.Plain(release.TitleZh), Cells.Plain(release.DraftedBy),
                    Cells.Plain(release.ApprovedBy), release.PublishedAt is { } at ? Markup.Escape(TimeText.Moment(at, zone)) : Cells.Missing);
            }

            context.Out.Write(table);
            var cadence = board.CadenceMinutes is { } minutes ? Localized.Format(Strings.Info_EveryMinutes, minutes) : Strings.Info_NoCadence;
            context.Out.MarkupLine(Markup.Escape(Localized.Format(Strings.Info_Cadence, cadence)));
            if (board.NextDueAt is { } due)
            {
                var line = Markup.Escape(Localized.Format(board.NextDueStep == "first-release" ? Strings.Info_FirstDue : Strings.Info_NextDue,
                    $"{TimeText.Moment(due, zone)} ({TimeText.Remaining(due, context.Environment.TimeProvider.GetUtcNow())})"));
                context.Out.MarkupLine(board.NextDueOverdue == true ? $"[bold red]{line}[/]" : line);
            }
            else
            {
                context.Out.MarkupLine($"[grey]{Markup.Escape(Strings.Info_NoneDue)}[/]");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Tickets(CliRuntime runtime)
    {
        var open = new Option<bool>("--open") { Description = Strings.Info_OptionOpen };
        var region = new Option<string>("--region") { Description = Strings.OptionRegionFilter, HelpName = "CODE" };
        var command = new Command("tickets", Strings.Info_TicketsCommand) { open, region };
        runtime.SetAction(command, async (context, parseResult, cancellationToken) =>
        {
            var response = await context.Connect().GetAsync("api/v1/hotline/tickets", new QueryParameters
            {
                { "open", parseResult.GetValue(open) ? "true" : null },
                { "region", parseResult.GetValue(region) },
            }, cancellationToken);
            if (context.Json)
            {
                context.WriteJson(response.Body);
                return ExitCodes.Success;
            }

            var tickets = response.Read<TicketList>().Items ?? [];
            var zone = context.Environment.DisplayTimeZone;
            var now = context.Environment.TimeProvider.GetUtcNow();
            var table = new Table()
                .AddColumn(Strings.Info_ColumnNumber)
                .AddColumn(Strings.Info_ColumnTopic)
                .AddColumn(Strings.Info_ColumnUrgency)
                .AddColumn(Strings.ColumnRegion)
                .AddColumn(Strings.ColumnStatus)
                .AddColumn(Strings.Info_ColumnAssignedTo)
                .AddColumn(Strings.Info_ColumnDue);

            // Late first, then what falls due soonest: the order an operator works the queue in.
            foreach (var ticket in tickets.OrderByDescending(t => Late(t, now)).ThenBy(t => t.DueAt ?? DateTimeOffset.MaxValue))
            {
                var due = ticket.DueAt is { } at ? Markup.Escape($"{TimeText.Moment(at, zone)} ({TimeText.Remaining(at, now)})") : Cells.Missing;
                table.AddRow(Cells.Plain(ticket.Number), Cells.Plain(ticket.Topic),
                    ticket.Urgency == "urgent" ? "[bold red]urgent[/]" : Cells.Plain(ticket.Urgency), Cells.Plain(ticket.RegionCode),
                    Cells.Plain(ticket.Status), Cells.Plain(ticket.AssignedTo), Late(ticket, now) ? $"[bold red]{due}[/]" : due);
            }

            context.Out.Write(table);
            context.Out.MarkupLine($"[grey]{Markup.Escape(Localized.Format(Strings.Info_TicketCount, tickets.Count))}[/]");
            return ExitCodes.Success;
        });
        return command;
    }

    private static bool Late(TicketItem ticket, DateTimeOffset now) => ticket.Overdue == true || (ticket.DueAt is { } due && now > due);

    private static string Status(string? status) => status switch
    {
        "published" => "[green]published[/]",
        "draft" => "[yellow]draft[/]",
        _ => Cells.Plain(status),
    };
}
