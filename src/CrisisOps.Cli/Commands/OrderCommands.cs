using System.CommandLine;
using CrisisOps.Cli.Api;
using CrisisOps.Cli.Output;
using Spectre.Console;

namespace CrisisOps.Cli.Commands;

/// <summary>Orders (指令) as the API shows them; only the fields the tables use.</summary>
internal sealed record CommandOrder(string? Id, string? UnitName, string? What, string? Status, string? Priority, DateTimeOffset? DueBy,
    DateTimeOffset? AcknowledgeBy, bool? Unacknowledged, bool? Overdue, bool? Late);

internal sealed record OrderBoardHq(string? NameZh, string? NameEn, string? Commander);

internal sealed record CommandOrderBoard(string? IncidentNumber, OrderBoardHq? Headquarters, IReadOnlyList<CommandOrder>? Orders, int? Late);

internal sealed record CommandOrderList(IReadOnlyList<CommandOrder>? Items);

/// <summary><c>orders board --incident</c> (who holds what, late first) and <c>orders mine</c>.</summary>
internal static class OrderCommands
{
    public static Command Create(CliRuntime runtime) => new("orders", Strings.Command_Orders) { Board(runtime), Mine(runtime) };

    private static Command Board(CliRuntime runtime)
    {
        var incident = new Option<string>("--incident") { Description = Strings.Command_OptionIncident, HelpName = "NUMBER_OR_ID", Required = true };
        var command = new Command("board", Strings.Command_OrdersBoard) { incident };
        runtime.SetAction(command, async (context, parseResult, cancellationToken) =>
        {
            var key = parseResult.GetValue(incident)!;
            var response = await context.Connect().GetAsync($"api/v1/incidents/{Uri.EscapeDataString(key)}/orders", null, cancellationToken);
            if (context.Json)
            {
                context.WriteJson(response.Body);
                return ExitCodes.Success;
            }

            var board = response.Read<CommandOrderBoard>();
            if (board.Headquarters is null)
            {
                context.Out.MarkupLine(Markup.Escape(Localized.Format(Strings.Command_NoHeadquarters, board.IncidentNumber ?? key)));
                return ExitCodes.Success;
            }

            context.Out.MarkupLine($"[bold]{Cells.Names(board.Headquarters.NameZh, board.Headquarters.NameEn)}[/] — {Markup.Escape(board.Headquarters.Commander ?? "")}");
            var orders = board.Orders ?? [];
            context.Out.Write(Table(orders, DeadlineCommands.ServerNow(context, response), context.Environment.DisplayTimeZone));
            context.Out.MarkupLine($"[grey]{Markup.Escape(Localized.Format(Strings.Command_OrderCount, orders.Count, board.Late ?? 0))}[/]");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Mine(CliRuntime runtime)
    {
        var command = new Command("mine", Strings.Command_OrdersMine);
        runtime.SetAction(command, async (context, parseResult, cancellationToken) =>
        {
            var response = await context.Connect().GetAsync("api/v1/orders/mine", null, cancellationToken);
            if (context.Json)
            {
                context.WriteJson(response.Body);
                return ExitCodes.Success;
            }

            var orders = response.Read<CommandOrderList>().Items ?? [];
            context.Out.Write(Table(orders, DeadlineCommands.ServerNow(context, response), context.Environment.DisplayTimeZone));
            context.Out.MarkupLine($"[grey]{Markup.Escape(Localized.Format(Strings.Command_OrderCount, orders.Count, orders.Count(o => o.Late == true)))}[/]");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>One row per order, in the server's order (late first): unit, order, status, due, late.</summary>
    private static Table Table(IEnumerable<CommandOrder> orders, DateTimeOffset now, TimeZoneInfo zone)
    {
        var table = new Table()
            .AddColumn(Strings.Command_ColumnUnit)
            .AddColumn(Strings.Command_ColumnOrder)
            .AddColumn(Strings.ColumnStatus)
            .AddColumn(Strings.ColumnDue)
            .AddColumn(Strings.Command_ColumnLate)
            .AddColumn("ID");
        foreach (var order in orders)
        {
            var late = new List<string>();
            if (order.Unacknowledged == true)
            {
                late.Add(Strings.Command_Unacknowledged);
            }

            if (order.Overdue == true)
            {
                late.Add(Strings.Command_Overdue);
            }

            var due = order.DueBy is { } d ? $"{TimeText.Moment(d, zone)} ({TimeText.Remaining(d, now)})" : null;
            table.AddRow(
                Cells.Plain(order.UnitName),
                Cells.Plain(order.What),
                Cells.Plain(order.Status),
                Cells.Plain(due),
                late.Count > 0 ? $"[bold red]{Markup.Escape(string.Join(", ", late))}[/]" : Cells.Missing,
                Cells.Plain(order.Id));
        }

        return table;
    }
}
