using System.CommandLine;
using System.Globalization;
using CrisisOps.Cli.Api;
using CrisisOps.Cli.Output;
using Spectre.Console;

namespace CrisisOps.Cli.Commands;

/// <summary>A delivery plan as the API shows it; only the fields the tables use.</summary>
internal sealed record DispatchStop(int? Number, int? Sequence, string? NeedNumber, string? Place, decimal? Quantity, string? Unit, string? PriorityName,
    DateTimeOffset? Arrival, DateTimeOffset? ServedAt);

internal sealed record DispatchRoute(int? Number, string? VehicleCode, double? Meters, double? Seconds, decimal? LoadKg, decimal? CapacityKg, string? OrderId,
    IReadOnlyList<DispatchStop>? Stops);

internal sealed record DispatchUnserved(string? NeedNumber, string? Place, string? PriorityName, string? Reason, string? ReasonZh, string? ReasonEn);

internal sealed record DispatchReplan(string? Code, string? Text);

internal sealed record DispatchPlan(string? Id, string? Number, int? Version, string? Status, string? Method, string? RoadNote,
    IReadOnlyList<DispatchReplan>? NeedsReplan, IReadOnlyList<DispatchRoute>? Routes, IReadOnlyList<DispatchUnserved>? UnservedDeliveries);

internal sealed record DispatchClosure(string? Id, string? Kind, long? WayId, string? WayName, string? ReasonZh, string? ReasonEn, string? RegionCode,
    string? Source, DateTimeOffset? ClosedAt);

internal sealed record DispatchClosureList(IReadOnlyList<DispatchClosure>? Items);

/// <summary><c>dispatch plan|show|closures|close</c>: delivery plans (配送方案) and road closures (道路封闭).</summary>
internal static class DispatchCommands
{
    public static Command Create(CliRuntime runtime) =>
        new("dispatch", Strings.Dispatch_Command) { Plan(runtime), Show(runtime), Closures(runtime), Close(runtime) };

    private static Command Plan(CliRuntime runtime)
    {
        var incident = new Option<string>("--incident") { Description = Strings.Command_OptionIncident, HelpName = "NUMBER_OR_ID", Required = true };
        var seconds = new Option<int?>("--seconds") { Description = Strings.Dispatch_OptionSeconds, HelpName = "N" };
        var command = new Command("plan", Strings.Dispatch_CommandPlan) { incident, seconds };
        runtime.SetAction(command, async (context, parseResult, cancellationToken) =>
        {
            var key = parseResult.GetValue(incident)!;
            var response = await context.Connect().PostJsonAsync($"api/v1/incidents/{Uri.EscapeDataString(key)}/dispatch-plans",
                new { seconds = parseResult.GetValue(seconds) }, cancellationToken);
            return Write(context, response);
        });
        return command;
    }

    private static Command Show(CliRuntime runtime)
    {
        var plan = new Argument<string>("PLAN") { Description = Strings.Dispatch_ArgumentPlan };
        var command = new Command("show", Strings.Dispatch_CommandShow) { plan };
        runtime.SetAction(command, async (context, parseResult, cancellationToken) =>
        {
            var response = await context.Connect().GetAsync($"api/v1/dispatch-plans/{Uri.EscapeDataString(parseResult.GetValue(plan)!)}", null,
                cancellationToken);
            return Write(context, response);
        });
        return command;
    }

    private static Command Closures(CliRuntime runtime)
    {
        var command = new Command("closures", Strings.Dispatch_CommandClosures);
        runtime.SetAction(command, async (context, parseResult, cancellationToken) =>
        {
            var response = await context.Connect().GetAsync("api/v1/road-closures", null, cancellationToken);
            if (context.Json)
            {
                context.WriteJson(response.Body);
                return ExitCodes.Success;
            }

            var table = new Table().AddColumn("ID").AddColumn(Strings.Dispatch_ColumnRoad).AddColumn(Strings.Dispatch_ColumnReason)
                .AddColumn(Strings.Dispatch_ColumnSource).AddColumn(Strings.Dispatch_ColumnRegion);
            var items = response.Read<DispatchClosureList>().Items ?? [];
            foreach (var c in items)
            {
                var road = c.WayId is { } way ? $"way {way.ToString(CultureInfo.InvariantCulture)} {c.WayName}".Trim() : c.Kind;
                table.AddRow(Cells.Plain(c.Id), Cells.Plain(road), Cells.Names(c.ReasonZh, c.ReasonEn), Cells.Plain(c.Source), Cells.Plain(c.RegionCode));
            }

            context.Out.Write(table);
            context.Out.MarkupLine($"[grey]{Markup.Escape(Localized.Format(Strings.Dispatch_ClosureCount, items.Count))}[/]");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Close(CliRuntime runtime)
    {
        var way = new Option<long>("--way") { Description = Strings.Dispatch_OptionWay, HelpName = "ID", Required = true };
        var reason = new Option<string>("--reason") { Description = Strings.Dispatch_OptionReason, HelpName = "TEXT", Required = true };
        var reasonEn = new Option<string>("--reason-en") { Description = Strings.Dispatch_OptionReasonEn, HelpName = "TEXT" };
        var incident = new Option<string>("--incident") { Description = Strings.Command_OptionIncident, HelpName = "ID" };
        var command = new Command("close", Strings.Dispatch_CommandClose) { way, reason, reasonEn, incident };
        runtime.SetAction(command, async (context, parseResult, cancellationToken) =>
        {
            var text = parseResult.GetValue(reason)!;
            var response = await context.Connect().PostJsonAsync("api/v1/road-closures", new
            {
                wayId = parseResult.GetValue(way), reasonZh = text, reasonEn = parseResult.GetValue(reasonEn) ?? text,
                incident = parseResult.GetValue(incident),
            }, cancellationToken);
            if (context.Json)
            {
                context.WriteJson(response.Body);
                return ExitCodes.Success;
            }

            var closure = response.Read<DispatchClosure>();
            context.Out.MarkupLine(Markup.Escape(Localized.Format(Strings.Dispatch_Closed, closure.WayId, closure.RegionCode, closure.Id)));
            return ExitCodes.Success;
        });
        return command;
    }

    private static int Write(CliContext context, ApiResponse response)
    {
        if (context.Json)
        {
            context.WriteJson(response.Body);
            return ExitCodes.Success;
        }

        var plan = response.Read<DispatchPlan>();
        context.Out.MarkupLine($"[bold]{Markup.Escape($"{plan.Number} v{plan.Version}")}[/] {Markup.Escape(plan.Status ?? "")} · {Markup.Escape(plan.Method ?? "")} · {Markup.Escape(plan.Id ?? "")}");
        if (plan.RoadNote is { } note)
        {
            context.Out.MarkupLine($"[yellow]{Markup.Escape(note)}[/]");
        }

        foreach (var replan in plan.NeedsReplan ?? [])
        {
            context.Out.MarkupLine($"[bold red]{Markup.Escape(Strings.Dispatch_NeedsReplan)}[/] {Markup.Escape(replan.Text ?? replan.Code ?? "")}");
        }

        var table = new Table().AddColumn(Strings.Dispatch_ColumnRoute).AddColumn("#").AddColumn(Strings.Dispatch_ColumnPlace)
            .AddColumn(Strings.Dispatch_ColumnNeed).AddColumn(Strings.Dispatch_ColumnPriority).AddColumn(Strings.Dispatch_ColumnArrival);
        foreach (var route in plan.Routes ?? [])
        {
            var head = string.Create(CultureInfo.InvariantCulture,
                $"{route.Number} {route.VehicleCode} ({route.Meters / 1000:0.0} km, {route.Seconds / 60:0} min, {route.LoadKg:0}/{route.CapacityKg:0} kg)");
            foreach (var stop in route.Stops ?? [])
            {
                table.AddRow(Cells.Plain(stop.Sequence == 1 ? head : ""), Cells.Plain(stop.Number?.ToString(CultureInfo.InvariantCulture)),
                    Cells.Plain(stop.Place), Cells.Plain(string.Create(CultureInfo.InvariantCulture, $"{stop.NeedNumber} {stop.Quantity:0.###} {stop.Unit}")),
                    Cells.Plain(stop.PriorityName),
                    Cells.Plain((stop.Arrival?.ToString("HH:mm", CultureInfo.InvariantCulture) ?? "") + (stop.ServedAt is null ? "" : " ✓")));
            }
        }

        context.Out.Write(table);
        var unserved = plan.UnservedDeliveries ?? [];
        if (unserved.Count > 0)
        {
            var left = new Table().AddColumn(Strings.Dispatch_ColumnNeed).AddColumn(Strings.Dispatch_ColumnPlace).AddColumn(Strings.Dispatch_ColumnPriority)
                .AddColumn(Strings.Dispatch_ColumnReason);
            var zh = CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.Ordinal);
            foreach (var u in unserved)
            {
                left.AddRow(Cells.Plain(u.NeedNumber), Cells.Plain(u.Place), Cells.Plain(u.PriorityName), Cells.Plain($"{u.Reason}: {(zh ? u.ReasonZh : u.ReasonEn)}"));
            }

            context.Out.MarkupLine($"[bold]{Markup.Escape(Localized.Format(Strings.Dispatch_Unserved, unserved.Count))}[/]");
            context.Out.Write(left);
        }

        return ExitCodes.Success;
    }
}
