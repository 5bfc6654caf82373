using System.CommandLine;
using System.Net.Http.Headers;
using System.Text.Json;
using CrisisOps.Cli.Api;
using CrisisOps.Cli.Output;
using Spectre.Console;

namespace CrisisOps.Cli.Commands;

/// <summary>
/// <c>warning import-cap</c> stores CAP files as official warnings; <c>warning check-cap</c> is its
/// dry run: what the server makes of a file, storing nothing; <c>warning backtest</c> (see <see cref="BacktestCommand"/>).
/// </summary>
internal static class WarningCommands
{
    public static Command Create(CliRuntime runtime) =>
        new("warning", Strings.CommandWarning) { ImportCap(runtime), CheckCap(runtime), BacktestCommand.Create(runtime) };

    private static Command ImportCap(CliRuntime runtime)
    {
        var files = new Argument<FileInfo[]>("FILE") { Description = Strings.ArgumentCapFiles, Arity = ArgumentArity.OneOrMore };
        var command = new Command("import-cap", Strings.CommandImportCap) { files };
        runtime.SetAction(command, async (context, parseResult, cancellationToken) =>
        {
            // Every file is read before anything is sent: a typo in the third name should not leave two stored.
            var documents = new List<(FileInfo File, byte[] Bytes)>();
            foreach (var path in parseResult.GetRequiredValue(files))
            {
                try
                {
                    documents.Add((path, await File.ReadAllBytesAsync(path.FullName, cancellationToken)));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new CliUsageException(Localized.Format(Strings.FileUnreadable, path.FullName, e.Message));
                }
            }

            var client = context.Connect();
            var (stored, known, rejected) = (0, 0, 0);
            foreach (var (file, bytes) in documents)
            {
                using var content = new ByteArrayContent(bytes);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/cap+xml");
                try
                {
                    var response = await client.PostAsync("api/v1/official-warnings", null, content, cancellationToken);
                    using var body = JsonDocument.Parse(response.Body);
                    var created = response.Status == 201;
                    (stored, known) = created ? (stored + 1, known) : (stored, known + 1);
                    if (context.Json)
                    {
                        WriteJsonLine(context, file, response.Status, response.Body);
                        continue;
                    }

                    WriteStored(context, file, body.RootElement, created);
                }
                catch (ApiProblem problem) when (problem.Status is >= 400 and < 500 and not 401)
                {
                    // The server read the file and refused it (invalid CAP, outside your jurisdiction, too large): say so and go on.
                    rejected++;
                    if (context.Json)
                    {
                        WriteJsonLine(context, file, problem.Status, problem.IsJson ? problem.RawBody : JsonSerializer.Serialize(problem.Title));
                        continue;
                    }

                    WriteRefused(context, file, problem);
                }
            }

            if (!context.Json)
            {
                context.Out.MarkupLine($"[grey]{Markup.Escape(Localized.Format(Strings.ImportCapSummary, documents.Count, stored, known, rejected))}[/]");
            }

            return rejected > 0 ? ExitCodes.Rejected : ExitCodes.Success;
        });
        return command;
    }

    private static void WriteJsonLine(CliContext context, FileInfo file, int status, string body)
    {
        using var parsed = JsonDocument.Parse(string.IsNullOrWhiteSpace(body) ? "null" : body);
        context.Environment.Stdout.WriteLine(JsonSerializer.Serialize(new { file = file.Name, status, response = parsed.RootElement }));
    }

    private static void WriteStored(CliContext context, FileInfo file, JsonElement root, bool created)
    {
        var warning = root.GetProperty("warning");
        var identifier = warning.GetProperty("identifier").GetString() ?? "";
        context.Out.MarkupLine(created
            ? $"[green]{Markup.Escape(Localized.Format(Strings.CapStored, file.Name, root.GetProperty("kind").GetString() ?? "", identifier,
                warning.GetProperty("event").GetString() ?? "", warning.GetProperty("severity").GetString() ?? ""))}[/]"
            : $"[green]{Markup.Escape(Localized.Format(Strings.CapAlreadyStored, file.Name, identifier))}[/]");
        var regions = warning.GetProperty("regions").EnumerateArray().Select(r => r.GetString()).ToList();
        if (regions.Count > 0)
        {
            context.Out.MarkupLine(Markup.Escape(Localized.Format(Strings.CapCoversRegions, string.Join(", ", regions))));
        }

        foreach (var ended in root.GetProperty("ended").EnumerateArray())
        {
            context.Out.MarkupLine(Markup.Escape(Localized.Format(Strings.CapEnds, ended.GetProperty("identifier").GetString() ?? "",
                ended.GetProperty("state").GetString() ?? "")));
        }

        foreach (var note in root.GetProperty("warnings").EnumerateArray())
        {
            context.Out.MarkupLine("  [yellow]" + Markup.Escape(note.GetString() ?? "") + "[/]");
        }
    }

    private static void WriteRefused(CliContext context, FileInfo file, ApiProblem problem)
    {
        var kind = "";
        var reasons = new List<string>();
        if (problem.IsJson)
        {
            using var body = JsonDocument.Parse(problem.RawBody);
            if (body.RootElement.ValueKind == JsonValueKind.Object)
            {
                kind = body.RootElement.TryGetProperty("kind", out var k) ? k.GetString() ?? "" : "";
                reasons = body.RootElement.TryGetProperty("reasons", out var r) && r.ValueKind == JsonValueKind.Array
                    ? [.. r.EnumerateArray().Select(x => x.GetString() ?? "")]
                    : [];
            }
        }

        if (kind.Length > 0)
        {
            context.Out.MarkupLine($"[red]{Markup.Escape(Localized.Format(Strings.CapRejected, file.Name, kind))}[/]");
            foreach (var reason in reasons)
            {
                context.Out.MarkupLine("  " + Markup.Escape(reason));
            }
        }
        else
        {
            context.Out.MarkupLine($"[red]{Markup.Escape(Localized.Format(Strings.CapRefused, file.Name, problem.Type?.Split(':')[^1] ?? problem.Title))}[/]");
            ProblemRenderer.Write(context.Out, problem);
        }
    }

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
