using System.CommandLine;
using System.Net.Http.Headers;
using System.Text.Json;
using CrisisOps.Cli.Api;
using CrisisOps.Cli.Output;
using Spectre.Console;

namespace CrisisOps.Cli.Commands;

/// <summary><c>warning check-cap</c>: what the server makes of a CAP file; <c>warning backtest</c> (see <see cref="BacktestCommand"/>).</summary>
internal static class WarningCommands
{
    public static Command Create(CliRuntime runtime) =>
        new("warning", Strings.CommandWarning) { CheckCap(runtime), BacktestCommand.Create(runtime) };

    private static Command CheckCap(CliRuntime runtime)
    {
        var file = new Argument<FileInfo>("FILE") { Description = Strings.ArgumentCapFile };
        var command = new Command("check-cap", Strings.CommandCheckCap) { file };
        runtime.SetAction(command, async (context, parseResult, cancellationToken) =>
        {
            var path = parseResult.GetRequiredValue(file);
            byte[] bytes;
            try
            {
                bytes = await File.ReadAllBytesAsync(path.FullName, cancellationToken);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliUsageException(Localized.Format(Strings.FileUnreadable, path.FullName, e.Message));
            }

            using var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/xml");
            var response = await context.Connect().PostAsync("api/v1/warnings/cap/verdict", null, content, cancellationToken);
            using var verdict = JsonDocument.Parse(response.Body);
            var root = verdict.RootElement;
            var accepted = root.GetProperty("accepted").GetBoolean();
            if (context.Json)
            {
                context.WriteJson(response.Body);
                return accepted ? ExitCodes.Success : ExitCodes.Rejected;
            }

            var kind = root.GetProperty("kind").GetString() ?? "";
            context.Out.MarkupLine(accepted
                ? $"[green]{Markup.Escape(Localized.Format(Strings.CapAccepted, path.Name, kind))}[/]"
                : $"[red]{Markup.Escape(Localized.Format(Strings.CapRejected, path.Name, kind))}[/]");
            foreach (var reason in root.GetProperty("reasons").EnumerateArray())
            {
                context.Out.MarkupLine("  " + Markup.Escape(reason.GetString() ?? ""));
            }

            foreach (var warning in root.GetProperty("warnings").EnumerateArray())
            {
                context.Out.MarkupLine("  [yellow]" + Markup.Escape(warning.GetString() ?? "") + "[/]");
            }

            if (accepted)
            {
                var table = new Table().AddColumn(Strings.ColumnLanguage).AddColumn(Strings.ColumnEvent).AddColumn(Strings.ColumnSeverity)
                    .AddColumn(Strings.ColumnArea).AddColumn(Strings.ColumnRegions);
                foreach (var info in root.GetProperty("infos").EnumerateArray())
                {
                    foreach (var area in info.GetProperty("areas").EnumerateArray())
                    {
                        var regions = area.GetProperty("regions").EnumerateArray().Select(r => r.GetString()).ToList();
                        table.AddRow(Cells.Plain(info.GetProperty("language").GetString()), Cells.Plain(info.GetProperty("event").GetString()),
                            Markup.Escape($"{info.GetProperty("severity").GetString()} / {info.GetProperty("urgency").GetString()} / {info.GetProperty("certainty").GetString()}"),
                            Cells.Plain(area.GetProperty("areaDesc").GetString()),
                            Markup.Escape(regions.Count == 0 ? "—" : string.Join(", ", regions)));
                    }
                }

                context.Out.Write(table);
            }

            return accepted ? ExitCodes.Success : ExitCodes.Rejected;
        });
        return command;
    }
}
