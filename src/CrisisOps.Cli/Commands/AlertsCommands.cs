using System.CommandLine;
using CrisisOps.Cli.Api;
using CrisisOps.Cli.Output;
using Spectre.Console;

namespace CrisisOps.Cli.Commands;

/// <summary><c>alerts list|show|cap|approve</c>: public alerts (CAP 1.2) for scripts and duty officers.</summary>
internal static class AlertsCommands
{
    public static Command Create(CliRuntime runtime) =>
        new("alerts", Strings.Alerts_Command) { List(runtime), Show(runtime), Cap(runtime), Approve(runtime), DeliveryCommands.Coverage(runtime) };

    private static Command List(CliRuntime runtime)
    {
        var status = new Option<string>("--status") { Description = Strings.Alerts_OptionStatus, HelpName = "STATUS" };
        status.AcceptOnlyFromAmong("draft", "submitted", "released", "withdrawn");
        var region = new Option<string>("--region") { Description = Strings.OptionRegionFilter, HelpName = "CODE" };
        var command = new Command("list", Strings.Alerts_CommandList) { status, region };
        runtime.SetAction(command, async (context, parseResult, cancellationToken) =>
        {
            var response = await context.Connect().GetAsync("api/v1/alerts", new QueryParameters
            {
                { "status", parseResult.GetValue(status) },
                { "region", parseResult.GetValue(region) },
            }, cancellationToken);
            if (context.Json)
            {
                context.WriteJson(response.Body);
                return ExitCodes.Success;
            }

            var alerts = response.Read<AlertList>().Items ?? [];
            var table = new Table()
                .AddColumn(Strings.Alerts_ColumnIdentifier)
                .AddColumn(Strings.Alerts_ColumnHeadline)
                .AddColumn(Strings.Alerts_ColumnTier)
                .AddColumn(Strings.ColumnRegion)
                .AddColumn(Strings.ColumnStatus)
                .AddColumn(Strings.Alerts_ColumnSent);
            foreach (var alert in alerts)
            {
                table.AddRow(Cells.Plain(alert.Identifier), Cells.Plain(Headline(alert)), Cells.Plain($"{alert.Tier} · {alert.MsgType}"),
                    Cells.Plain(string.Join(", ", alert.Regions ?? [])), Cells.Plain(alert.Status),
                    alert.Sent is { } sent ? Markup.Escape(TimeText.Moment(sent, context.Environment.DisplayTimeZone)) : Cells.Missing);
            }

            context.Out.Write(table);
            context.Out.MarkupLine($"[grey]{Markup.Escape(Localized.Format(Strings.Alerts_Count, alerts.Count))}[/]");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Show(CliRuntime runtime)
    {
        var alert = new Argument<string>("ALERT") { Description = Strings.Alerts_ArgumentAlert };
        var command = new Command("show", Strings.Alerts_CommandShow) { alert };
        runtime.SetAction(command, async (context, parseResult, cancellationToken) =>
        {
            var client = context.Connect();
            var id = await ResolveAsync(client, parseResult.GetRequiredValue(alert), cancellationToken);
            var response = await client.GetAsync($"api/v1/alerts/{id}", null, cancellationToken);
            if (context.Json)
            {
                context.WriteJson(response.Body);
                return ExitCodes.Success;
            }

            Describe(context, response.Read<Alert>());
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Cap(CliRuntime runtime)
    {
        var alert = new Argument<string>("ALERT") { Description = Strings.Alerts_ArgumentAlert };
        var output = new Option<FileInfo>("--out") { Description = Strings.Alerts_OptionOut, HelpName = "FILE" };
        var command = new Command("cap", Strings.Alerts_CommandCap) { alert, output };
        runtime.SetAction(command, async (context, parseResult, cancellationToken) =>
        {
            var client = context.Connect();
            var id = await ResolveAsync(client, parseResult.GetRequiredValue(alert), cancellationToken);
            var response = await client.GetAsync($"api/v1/alerts/{id}/cap", null, cancellationToken);
            if (parseResult.GetValue(output) is { } file)
            {
                // Written byte for byte as served: a signed document must not be re-encoded or reformatted.
                await File.WriteAllTextAsync(file.FullName, response.Body, new System.Text.UTF8Encoding(false), cancellationToken);
                context.Out.MarkupLine(Markup.Escape(Localized.Format(Strings.Alerts_CapWritten, file.FullName)));
            }
            else
            {
                context.WriteJson(response.Body); // raw text to stdout, as served (the name says JSON; it writes any body verbatim)
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Approve(CliRuntime runtime)
    {
        var alert = new Argument<string>("ALERT") { Description = Strings.Alerts_ArgumentAlert };
        var command = new Command("approve", Strings.Alerts_CommandApprove) { alert };
        runtime.SetAction(command, async (context, parseResult, cancellationToken) =>
        {
            var client = context.Connect();
            var id = await ResolveAsync(client, parseResult.GetRequiredValue(alert), cancellationToken);
            var response = await client.PostJsonAsync($"api/v1/alerts/{id}/approve", new { }, cancellationToken);
            if (context.Json)
            {
                context.WriteJson(response.Body);
                return ExitCodes.Success;
            }

            var approved = response.Read<Alert>();
            context.Out.MarkupLine(Markup.Escape(approved.Status == "released"
                ? Localized.Format(Strings.Alerts_Released, approved.Identifier)
                : Localized.Format(Strings.Alerts_Approved, approved.Identifier, approved.Approvals?.Count ?? 0, approved.ApprovalsRequired)));
            return ExitCodes.Success;
        });
        return command;
    }

    private static void Describe(CliContext context, Alert alert)
    {
        var grid = new Grid().AddColumn().AddColumn();
        grid.AddRow(Strings.Alerts_ColumnIdentifier, Cells.Plain(alert.Identifier));
        grid.AddRow(Strings.ColumnStatus, Cells.Plain($"{alert.Status} · {alert.CapStatus} · {alert.MsgType}"));
        grid.AddRow(Strings.Alerts_ColumnTier, Cells.Plain(alert.Tier));
        grid.AddRow(Strings.ColumnRegion, Cells.Plain(string.Join(", ", alert.Regions ?? [])));
        grid.AddRow(Strings.Alerts_ColumnApprovals, Cells.Plain(
            $"{alert.Approvals?.Count ?? 0}/{alert.ApprovalsRequired} {string.Join(", ", (alert.Approvals ?? []).Select(a => a.By))}"));
        grid.AddRow(Strings.Alerts_ColumnSent, alert.Sent is { } sent ? Markup.Escape(TimeText.Moment(sent, context.Environment.DisplayTimeZone)) : Cells.Missing);
        foreach (var info in alert.Infos ?? [])
        {
            grid.AddRow(Cells.Plain(info.Language), Cells.Plain($"{info.Headline}\n{info.Description}"));
        }

        context.Out.Write(grid);
    }

    private static string? Headline(Alert alert) => (alert.Infos ?? []).FirstOrDefault()?.Headline;

    /// <summary>An alert by id, or by its CAP identifier as the list shows it.</summary>
    private static async Task<string> ResolveAsync(ApiClient client, string alert, CancellationToken ct)
    {
        if (Guid.TryParse(alert, out var id))
        {
            return id.ToString();
        }

        var all = (await client.GetAsync("api/v1/alerts", null, ct)).Read<AlertList>().Items ?? [];
        return all.FirstOrDefault(a => string.Equals(a.Identifier, alert, StringComparison.Ordinal))?.Id
            ?? throw new CliUsageException(Localized.Format(Strings.Alerts_NotFound, alert));
    }
}
