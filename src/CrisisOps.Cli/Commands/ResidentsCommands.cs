using System.CommandLine;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using CrisisOps.Cli.Api;
using CrisisOps.Cli.Output;
using Spectre.Console;

namespace CrisisOps.Cli.Commands;

/// <summary><c>residents import</c> and <c>residents export</c>: community registers of residents (公民应急数字画像).</summary>
internal static class ResidentsCommands
{
    private const string XlsxMediaType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static Command Create(CliRuntime runtime) =>
        new("residents", Strings.People_CommandResidents) { Import(runtime), Export(runtime) };

    private static Command Import(CliRuntime runtime)
    {
        var file = new Argument<FileInfo>("FILE") { Description = Strings.People_ArgumentFile };
        var dryRun = new Option<bool>("--dry-run") { Description = Strings.People_OptionDryRun };
        var command = new Command("import", Strings.People_CommandImport) { file, dryRun };
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

            var dry = parseResult.GetValue(dryRun);
            using var form = new MultipartFormDataContent();
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue(path.Extension.Equals(".xlsx", StringComparison.OrdinalIgnoreCase) ? XlsxMediaType : "text/csv");
            form.Add(part, "file", path.Name);
            var response = await context.Connect().PostAsync("api/v1/residents/import" + (dry ? "?dryRun=true" : ""), null, form, cancellationToken);
            if (context.Json)
            {
                context.WriteJson(response.Body);
                using var document = JsonDocument.Parse(response.Body);
                return document.RootElement.TryGetProperty("rejected", out var rejected) && rejected.GetInt32() > 0 ? ExitCodes.Rejected : ExitCodes.Success;
            }

            var result = response.Read<ResidentImportResult>();
            context.Out.MarkupLine(Markup.Escape(Localized.Format(dry ? Strings.People_DryRunSummary : Strings.People_Summary, path.Name,
                result.Received ?? 0, result.Created ?? 0, result.Updated ?? 0, result.Unchanged ?? 0, result.Rejected ?? 0)));
            var errors = result.Errors ?? [];
            if (errors.Count > 0)
            {
                var table = new Table().AddColumn(Strings.ColumnRow).AddColumn(Strings.People_ColumnReference).AddColumn(Strings.People_ColumnColumn)
                    .AddColumn(Strings.ColumnReason);
                foreach (var error in errors)
                {
                    table.AddRow(error.Row?.ToString(CultureInfo.InvariantCulture) ?? Cells.Missing, Cells.Plain(error.Reference), Cells.Plain(error.Column),
                        Cells.Plain(error.Message));
                }

                context.Out.Write(table);
            }

            return (result.Rejected ?? 0) > 0 ? ExitCodes.Rejected : ExitCodes.Success;
        });
        return command;
    }

    private static Command Export(CliRuntime runtime)
    {
        var region = new Option<string>("--region") { Description = Strings.People_OptionRegion, HelpName = "CODE", Required = true };
        var reason = new Option<string>("--reason") { Description = Strings.People_OptionReason, HelpName = "TEXT", Required = true };
        var output = new Option<FileInfo>("--out") { Description = Strings.People_OptionOut, HelpName = "FILE", Required = true };
        var command = new Command("export", Strings.People_CommandExport) { region, reason, output };
        runtime.SetAction(command, async (context, parseResult, cancellationToken) =>
        {
            var target = parseResult.GetRequiredValue(output);
            var format = target.Extension.Equals(".xlsx", StringComparison.OrdinalIgnoreCase) ? "xlsx" : "csv";
            var bytes = await context.Connect().PostJsonForFileAsync("api/v1/residents/export",
                new { region = parseResult.GetRequiredValue(region), reason = parseResult.GetRequiredValue(reason), format }, cancellationToken);
            try
            {
                await File.WriteAllBytesAsync(target.FullName, bytes, cancellationToken);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliUsageException(Localized.Format(Strings.FileUnreadable, target.FullName, e.Message));
            }

            context.Out.MarkupLine(Markup.Escape(Localized.Format(Strings.People_Exported, target.FullName, bytes.Length)));
            return ExitCodes.Success;
        });
        return command;
    }
}
