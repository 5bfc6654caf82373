using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using CrisisOps.Cli.Api;
using CrisisOps.Cli.Output;
using Spectre.Console;

namespace CrisisOps.Cli.Commands;

/// <summary><c>needs list</c> and <c>needs claim</c>: the needs board (应急协作平台) for staff and partner organisations.</summary>
internal static class NeedsCommands
{
    public static Command Create(CliRuntime runtime) => new("needs", Strings.Needs_Command) { List(runtime), Claim(runtime) };

    private static Command List(CliRuntime runtime)
    {
        var status = new Option<string>("--status") { Description = Strings.Needs_OptionStatus, HelpName = "STATUS" };
        status.AcceptOnlyFromAmong("open", "closed", "cancelled");
        var region = new Option<string>("--region") { Description = Strings.OptionRegionFilter, HelpName = "CODE" };
        var incident = new Option<string>("--incident") { Description = Strings.OptionIncidentFilter, HelpName = "ID" };
        var command = new Command("list", Strings.Needs_CommandList) { status, region, incident };
        runtime.SetAction(command, async (context, parseResult, cancellationToken) =>
        {
            var response = await context.Connect().GetAsync("api/v1/needs", new QueryParameters
            {
                { "status", parseResult.GetValue(status) },
                { "region", parseResult.GetValue(region) },
                { "incident", parseResult.GetValue(incident) },
            }, cancellationToken);
            if (context.Json)
            {
                context.WriteJson(response.Body);
                return ExitCodes.Success;
            }

            var needs = response.Read<NeedList>().Items ?? [];
            var table = new Table()
                .AddColumn(Strings.Needs_ColumnNumber)
                .AddColumn(Strings.Needs_ColumnWhat)
                .AddColumn(new TableColumn(Strings.Needs_ColumnQuantity).RightAligned())
                .AddColumn(new TableColumn(Strings.Needs_ColumnRemaining).RightAligned())
                .AddColumn(Strings.Needs_ColumnUnit)
                .AddColumn(Strings.ColumnRegion)
                .AddColumn(Strings.Needs_ColumnPriority)
                .AddColumn(Strings.Needs_ColumnNeededBy)
                .AddColumn(Strings.ColumnStatus);
            foreach (var need in needs)
            {
                table.AddRow(Cells.Plain(need.Number), Cells.Plain(need.What), Amount(need.Quantity), Remaining(need), Cells.Plain(need.Unit),
                    Cells.Plain(need.RegionCode), Priority(need.Priority),
                    need.NeededBy is { } by ? Markup.Escape(TimeText.Moment(by, context.Environment.DisplayTimeZone)) : Cells.Missing,
                    Cells.Plain(need.Status));
            }

            context.Out.Write(table);
            context.Out.MarkupLine($"[grey]{Markup.Escape(Localized.Format(Strings.Needs_Count, needs.Count))}[/]");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Claim(CliRuntime runtime)
    {
        var need = new Argument<string>("NEED") { Description = Strings.Needs_ArgumentNeed };
        var quantity = new Option<decimal>("--quantity") { Description = Strings.Needs_OptionQuantity, HelpName = "Q", Required = true };
        var promisedBy = new Option<string>("--promised-by") { Description = Strings.Needs_OptionPromisedBy, HelpName = "TIME", Required = true };
        var organisation = new Option<string>("--organisation") { Description = Strings.Needs_OptionOrganisation, HelpName = "CODE" };
        var command = new Command("claim", Strings.Needs_CommandClaim) { need, quantity, promisedBy, organisation };
        runtime.SetAction(command, async (context, parseResult, cancellationToken) =>
        {
            var by = PromisedBy(parseResult.GetRequiredValue(promisedBy), context.Environment.TimeProvider.GetUtcNow());
            var client = context.Connect();
            var id = await ResolveAsync(client, parseResult.GetRequiredValue(need), cancellationToken);
            var response = await client.PostJsonAsync($"api/v1/needs/{id}/claims",
                new { quantity = parseResult.GetValue(quantity), promisedBy = by, organisation = parseResult.GetValue(organisation) }, cancellationToken);
            if (context.Json)
            {
                context.WriteJson(response.Body);
                return ExitCodes.Success;
            }

            var result = response.Read<ClaimResult>();
            context.Out.MarkupLine(Markup.Escape(Localized.Format(Strings.Needs_Claimed, result.Claim?.Organisation, Amount(result.Claim?.Quantity),
                result.Need?.Unit, result.Need?.Number, Amount(result.Need?.Remaining), result.Claim?.Id)));
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>A need by id, or by its number (NEED-…) as shown on the board.</summary>
    private static async Task<string> ResolveAsync(ApiClient client, string need, CancellationToken ct)
    {
        if (Guid.TryParse(need, out var id))
        {
            return id.ToString();
        }

        var board = (await client.GetAsync("api/v1/needs", null, ct)).Read<NeedList>().Items ?? [];
        return board.FirstOrDefault(n => string.Equals(n.Number, need, StringComparison.OrdinalIgnoreCase))?.Id
            ?? throw new CliUsageException(Localized.Format(Strings.Needs_NotOnBoard, need));
    }

    /// <summary>ISO 8601 (<c>2026-07-12T18:00+08:00</c>) or a time from now (<c>+4h</c>, <c>+90m</c>, <c>+2d</c>).</summary>
    internal static DateTimeOffset PromisedBy(string text, DateTimeOffset now)
    {
        if (text.Length > 2 && text[0] == '+' && int.TryParse(text.AsSpan(1, text.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            switch (text[^1])
            {
                case 'm': return now.AddMinutes(n);
                case 'h': return now.AddHours(n);
                case 'd': return now.AddDays(n);
            }
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : throw new CliUsageException(Localized.Format(Strings.Needs_BadTime, text));
    }

    private static string Amount(decimal? value) => value is { } v ? v.ToString("0.###", CultureInfo.CurrentCulture) : Cells.Missing;

    private static string Remaining(Need need) => need.Remaining is 0m ? $"[green]{Amount(0)}[/]" : Amount(need.Remaining);

    private static string Priority(string? priority) => priority switch
    {
        "urgent" => "[bold red]urgent[/]",
        "high" => "[yellow]high[/]",
        _ => Cells.Plain(priority),
    };
}
