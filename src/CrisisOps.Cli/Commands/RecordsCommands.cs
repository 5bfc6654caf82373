using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CrisisOps.Cli.Api;
using CrisisOps.Cli.Output;
using Spectre.Console;

namespace CrisisOps.Cli.Commands;

/// <summary><c>records import</c>: government records from an office's CSV or xlsx file.</summary>
internal static class RecordsCommands
{
    public static Command Create(CliRuntime runtime) =>
        new("records", Strings.CommandRecords) { Import(runtime) };

    private static Command Import(CliRuntime runtime)
    {
        var file = new Argument<FileInfo>("FILE") { Description = Strings.ArgumentRecordsFile };
        var source = new Option<string>("--source") { Description = Strings.OptionSource, HelpName = "NAME" };
        var command = new Command("import", Strings.CommandRecordsImport) { file, source };
        runtime.SetAction(command, async (context, parseResult, cancellationToken) =>
        {
            var path = parseResult.GetRequiredValue(file);
            FileStream stream;
            try
            {
                stream = path.OpenRead();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliUsageException(Localized.Format(Strings.FileUnreadable, path.FullName, e.Message));
            }

            await using (stream)
            {
                var client = context.Connect();
                using var form = new MultipartFormDataContent();
                ApiResponse? response = null;

                // A progress bar on stderr while the file goes up (offices' files run to tens of MiB), then a spinner while the server checks it.
                await context.Error.Progress().AutoClear(true)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
                    .StartAsync(async progress =>
                    {
                        var upload = progress.AddTask(Markup.Escape(Localized.Format(Strings.RecordsUploading, path.Name)), maxValue: Math.Max(1, stream.Length));
                        var part = new ProgressContent(stream, stream.Length, sent =>
                        {
                            upload.Value = sent;
                            if (sent >= stream.Length)
                            {
                                upload.Description = Markup.Escape(Localized.Format(Strings.RecordsChecking, path.Name));
                                upload.IsIndeterminate = true;
                            }
                        });
                        part.Headers.ContentType = new MediaTypeHeaderValue(path.Extension.Equals(".xlsx", StringComparison.OrdinalIgnoreCase)
                            ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                            : "text/csv");
                        form.Add(part, "file", path.Name);
                        if (parseResult.GetValue(source) is { Length: > 0 } office)
                        {
                            form.Add(new StringContent(office), "source");
                        }

                        response = await client.PostAsync("api/v1/records/import", null, form, cancellationToken);
                        upload.StopTask();
                    });

                if (context.Json)
                {
                    context.WriteJson(response!.Body);
                    return Rejected(response.Body) > 0 ? ExitCodes.Rejected : ExitCodes.Success;
                }

                var result = response!.Read<RecordImportResult>();
                context.Out.MarkupLine(Markup.Escape(Localized.Format(Strings.RecordsSummary, path.Name, result.Received ?? 0, result.Stored ?? 0,
                    result.Duplicates ?? 0, result.Rejected ?? 0)));
                var errors = result.Errors ?? [];
                if (errors.Count > 0)
                {
                    var table = new Table().AddColumn(Strings.ColumnRow).AddColumn(Strings.ColumnRecordNumber).AddColumn(Strings.ColumnReason);
                    foreach (var error in errors)
                    {
                        table.AddRow((error.Row ?? error.Index)?.ToString(CultureInfo.InvariantCulture) ?? Cells.Missing, Cells.Plain(error.SourceId),
                            Cells.Plain(error.Reason));
                    }

                    context.Out.Write(table);
                }

                return errors.Count > 0 ? ExitCodes.Rejected : ExitCodes.Success;
            }
        });
        return command;
    }

    private static int Rejected(string body)
    {
        using var document = JsonDocument.Parse(body);
        return document.RootElement.TryGetProperty("rejected", out var rejected) && rejected.TryGetInt32(out var count) ? count : 0;
    }

    /// <summary>Streams a file into the request in chunks and reports how much has gone.</summary>
    private sealed class ProgressContent(Stream source, long length, Action<long> sent) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            await SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            var buffer = new byte[64 * 1024];
            long total = 0;
            int read;
            while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                total += read;
                sent(total);
            }

            sent(Math.Max(total, length));
        }

        protected override bool TryComputeLength(out long size)
        {
            size = length;
            return true;
        }
    }
}
