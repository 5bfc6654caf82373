using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using CrisisOps.Cli.Api;
using CrisisOps.Text.Model;
using Spectre.Console;

namespace CrisisOps.Cli.Commands;

/// <summary>
/// <c>opinion train</c> and <c>opinion evaluate</c>: the trained sentiment model, offline on labelled <c>label,review</c>
/// files (1 = positive, 0 = negative). Neither talks to a server. A file that cannot be read or has no usable row exits
/// 2 with the reason; single bad rows are counted and listed, not fatal. <c>opinion ingest</c> sends posts from a file to
/// the server in batches (<see cref="Ingest"/>).
/// </summary>
internal static class OpinionCommands
{
    private const int ListedRowErrors = 5;

    public static Command Create(CliRuntime runtime)
    {
        var command = new Command("opinion", Strings.Opinion_Command);
        command.Subcommands.Add(Train(runtime));
        command.Subcommands.Add(Evaluate(runtime));
        command.Subcommands.Add(Ingest(runtime));
        return command;
    }

    private static Command Train(CliRuntime runtime)
    {
        var data = new Option<FileInfo>("--data") { Description = Strings.Opinion_OptionData, HelpName = "FILE.csv", Required = true };
        var output = new Option<FileInfo>("--out") { Description = Strings.Opinion_OptionOut, HelpName = "MODEL", Required = true };
        var seed = new Option<int>("--seed") { Description = Strings.Opinion_OptionSeed, HelpName = "N", DefaultValueFactory = _ => TrainingOptions.Default.Seed };
        var epochs = new Option<int>("--epochs") { Description = Strings.Opinion_OptionEpochs, HelpName = "N", DefaultValueFactory = _ => TrainingOptions.Default.Epochs };
        var words = new Option<bool>("--words") { Description = Strings.Opinion_OptionWords };
        var networks = new Option<int>("--networks") { Description = Strings.Opinion_OptionNetworks, HelpName = "N", DefaultValueFactory = _ => 0 };
        var command = new Command("train", Strings.Opinion_CommandTrain) { data, output, seed, epochs, words, networks };
        runtime.SetAction(command, async (context, parseResult, cancellationToken) =>
        {
            var options = TrainingOptions.Default with { Seed = parseResult.GetValue(seed), Epochs = parseResult.GetValue(epochs) };
            if (options.Epochs is < 1 or > 1000)
            {
                throw new CliUsageException(Localized.Format(Strings.Opinion_EpochsOutOfRange, options.Epochs));
            }

            var networkOptions = NetworkOptions.Default with { Count = parseResult.GetValue(networks) };
            if (networkOptions.Count is < 0 or > 4)
            {
                throw new CliUsageException(Localized.Format(Strings.Opinion_NetworksOutOfRange, networkOptions.Count));
            }

            var file = parseResult.GetValue(data)!;
            var target = parseResult.GetValue(output)!;
            var labelled = Read(file);
            var createdAt = context.Environment.TimeProvider.GetUtcNow();
            var model = await RunWithProgressAsync(context, Localized.Format(Strings.Opinion_Training, labelled.Rows.Count),
                progress => SentimentTrainer.Train(labelled, parseResult.GetValue(words) ? FeatureConfig.WithWords : FeatureConfig.Default, options, networkOptions,
                    createdAt, progress, cancellationToken),
                cancellationToken);
            try
            {
                ModelFile.Save(model, target.FullName);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliUsageException(Localized.Format(Strings.Opinion_CannotWriteModel, target.FullName, e.Message));
            }

            var held = model.Provenance.HeldBack;
            if (context.Json)
            {
                context.WriteJson(JsonSerializer.Serialize(new
                {
                    model = target.FullName,
                    bytes = new FileInfo(target.FullName).Length,
                    data = DataJson(file, labelled),
                    trainRows = labelled.Rows.Count - held.Total,
                    heldBack = MetricsJson(held),
                }, ApiJson.Options));
                return ExitCodes.Success;
            }

            WriteRowErrors(context, labelled);
            context.Out.MarkupLine(Markup.Escape(Localized.Format(Strings.Opinion_Trained, target.FullName,
                labelled.Rows.Count - held.Total, held.Total, Percent(held.Accuracy), Percent(held.MacroF1),
                Mebibytes(new FileInfo(target.FullName).Length))));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Evaluate(CliRuntime runtime)
    {
        var modelPath = new Option<FileInfo>("--model") { Description = Strings.Opinion_OptionModel, HelpName = "MODEL", Required = true };
        var data = new Option<FileInfo>("--data") { Description = Strings.Opinion_OptionData, HelpName = "FILE.csv", Required = true };
        var heldBack = new Option<bool>("--held-back") { Description = Strings.Opinion_OptionHeldBack };
        var command = new Command("evaluate", Strings.Opinion_CommandEvaluate) { modelPath, data, heldBack };
        runtime.SetAction(command, async (context, parseResult, cancellationToken) =>
        {
            var model = Load(parseResult.GetValue(modelPath)!);
            var file = parseResult.GetValue(data)!;
            var labelled = Read(file);
            var rows = parseResult.GetValue(heldBack) ? DataSplit.Stratified(labelled.Rows).HeldBack : labelled.Rows;
            if (rows.Count == 0)
            {
                throw new CliUsageException(Localized.Format(Strings.Opinion_NothingHeldBack, file.FullName));
            }

            var (metrics, perSecond) = await RunWithProgressAsync(context, Localized.Format(Strings.Opinion_Evaluating, rows.Count),
                progress => Measure(model, rows, progress, cancellationToken), cancellationToken);
            if (context.Json)
            {
                context.WriteJson(JsonSerializer.Serialize(new
                {
                    model = ModelJson(model),
                    data = DataJson(file, labelled),
                    evaluatedRows = rows.Count,
                    heldBackOnly = parseResult.GetValue(heldBack),
                    sentencesPerSecond = Math.Round(perSecond),
                    metrics = MetricsJson(metrics),
                }, ApiJson.Options));
                return ExitCodes.Success;
            }

            PrintEvaluation(context, model, file, labelled, rows.Count, metrics, perSecond);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>
    /// Predicts every row on this one thread, segmentation and hashing included, so the rate is per core. The first rows
    /// are predicted once before the clock starts: loading jieba's dictionary is not the model's speed.
    /// </summary>
    private static (ClassificationMetrics Metrics, double PerSecond) Measure(TrainedSentimentModel model, IReadOnlyList<LabelledText> rows,
        IProgress<double> progress, CancellationToken cancellationToken)
    {
        for (var i = 0; i < Math.Min(rows.Count, 20); i++)
        {
            model.Predict(rows[i].Text);
        }

        var predicted = new bool[rows.Count];
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < rows.Count; i++)
        {
            if ((i & 255) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress.Report((double)i / rows.Count);
            }

            predicted[i] = model.Predict(rows[i].Text) > 0.5;
        }

        var elapsed = clock.Elapsed.TotalSeconds;
        return (ClassificationMetrics.Count([.. rows.Select(r => r.Positive)], predicted), rows.Count / Math.Max(elapsed, 1e-9));
    }

    private static void PrintEvaluation(CliContext context, TrainedSentimentModel model, FileInfo file, LabelledData labelled, int evaluated,
        ClassificationMetrics m, double perSecond)
    {
        var p = model.Provenance;
        context.Out.MarkupLine(Markup.Escape(Localized.Format(Strings.Opinion_ModelLine, Kind(model), model.Features.Config,
            p.CreatedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), p.TrainingRows, p.TrainingSha256.Length > 0 ? Convert.ToHexStringLower(p.TrainingSha256)[..12] : "—",
            Percent(p.HeldBack.Accuracy))));
        context.Out.MarkupLine(Markup.Escape(Localized.Format(Strings.Opinion_DataLine, file.Name, evaluated, labelled.Rows.Count, labelled.RefusedRows)));
        WriteRowErrors(context, labelled);
        context.Out.MarkupLine(Markup.Escape(Localized.Format(Strings.Opinion_Figures, Percent(m.Accuracy), Percent(m.MacroF1),
            perSecond.ToString("N0", CultureInfo.CurrentCulture))));

        var table = new Table()
            .AddColumn(Strings.Opinion_ColumnClass)
            .AddColumn(new TableColumn(Strings.Opinion_ColumnPrecision).RightAligned())
            .AddColumn(new TableColumn(Strings.Opinion_ColumnRecall).RightAligned())
            .AddColumn(new TableColumn(Strings.Opinion_ColumnF1).RightAligned())
            .AddColumn(new TableColumn(Strings.Opinion_ColumnSupport).RightAligned());
        foreach (var (name, scores) in new[] { (Strings.Opinion_Positive, m.Positive), (Strings.Opinion_Negative, m.Negative) })
        {
            table.AddRow(Markup.Escape(name), Percent(scores.Precision), Percent(scores.Recall), Percent(scores.F1),
                scores.Support.ToString("N0", CultureInfo.CurrentCulture));
        }

        context.Out.Write(table);
        var confusion = new Table()
            .AddColumn(Markup.Escape(Strings.Opinion_ColumnTruth))
            .AddColumn(new TableColumn(Markup.Escape(Strings.Opinion_PredictedPositive)).RightAligned())
            .AddColumn(new TableColumn(Markup.Escape(Strings.Opinion_PredictedNegative)).RightAligned());
        confusion.AddRow(Markup.Escape(Strings.Opinion_Positive), Count(m.TruePositives), Count(m.FalseNegatives));
        confusion.AddRow(Markup.Escape(Strings.Opinion_Negative), Count(m.FalsePositives), Count(m.TrueNegatives));
        context.Out.Write(confusion);
    }

    private static string Count(int n) => n.ToString("N0", CultureInfo.CurrentCulture);

    private static string Percent(double value) => Markup.Escape(value.ToString("P1", CultureInfo.CurrentCulture));

    private static string Mebibytes(long bytes) => (bytes / 1024d / 1024d).ToString("F1", CultureInfo.CurrentCulture);

    private static string Kind(TrainedSentimentModel model)
    {
        var linear = model.Provenance.Kind switch
        {
            ModelKind.NaiveBayesLogisticRegression => "NB-LR",
            _ => "LR",
        };
        return model.Networks.Count == 0 ? linear
            : string.Create(CultureInfo.InvariantCulture, $"{linear} + {model.Networks.Count} char CNN (weight {model.NetworkWeight:0.##})");
    }

    private static void WriteRowErrors(CliContext context, LabelledData labelled)
    {
        if (labelled.RefusedRows == 0)
        {
            return;
        }

        context.Error.MarkupLine($"[yellow]{Markup.Escape(Localized.Format(Strings.Opinion_RowsRefused, labelled.RefusedRows))}[/]");
        foreach (var error in labelled.Errors.Take(ListedRowErrors))
        {
            context.Error.MarkupLine(Markup.Escape(Localized.Format(Strings.Opinion_RowError, error.Line, error.Reason)));
        }
    }

    private static LabelledData Read(FileInfo file)
    {
        try
        {
            return LabelledCsv.ReadFile(file.FullName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or LabelledCsvException)
        {
            throw new CliUsageException(Localized.Format(Strings.FileUnreadable, file.FullName, e.Message));
        }
    }

    private static TrainedSentimentModel Load(FileInfo file)
    {
        try
        {
            return ModelFile.Load(file.FullName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ModelFileException)
        {
            throw new CliUsageException(Localized.Format(Strings.Opinion_ModelUnreadable, file.FullName, e.Message));
        }
    }

    /// <summary>Runs off the calling thread, with a progress bar on stderr for people at a terminal.</summary>
    private static async Task<T> RunWithProgressAsync<T>(CliContext context, string description, Func<IProgress<double>, T> work,
        CancellationToken cancellationToken)
    {
        if (!context.Environment.IsRealConsole || context.Json)
        {
            return await Task.Run(() => work(new Progress<double>()), cancellationToken);
        }

        T result = default!;
        await context.Error.Progress().AutoClear(true).StartAsync(async progress =>
        {
            var task = progress.AddTask(Markup.Escape(description), maxValue: 1);
            var reporter = new Progress<double>(done => task.Value = done);
            result = await Task.Run(() => work(reporter), cancellationToken);
            task.Value = 1;
        });
        return result;
    }

    private static object DataJson(FileInfo file, LabelledData labelled) => new
    {
        file = file.FullName,
        sha256 = labelled.Sha256Hex,
        rows = labelled.Rows.Count,
        positives = labelled.Positives,
        negatives = labelled.Negatives,
        refusedRows = labelled.RefusedRows,
        errors = labelled.Errors.Select(e => new { line = e.Line, reason = e.Reason }),
    };

    private static object ModelJson(TrainedSentimentModel model) => new
    {
        kind = Kind(model),
        name = model.Name,
        version = model.Version,
        formatVersion = ModelFile.FormatVersion,
        features = new
        {
            bucketBits = model.Features.Config.BucketBits,
            charMin = model.Features.Config.CharMin,
            charMax = model.Features.Config.CharMax,
            wordMax = model.Features.Config.WordMax,
        },
        epochs = model.Provenance.Training.Epochs,
        seed = model.Provenance.Training.Seed,
        networks = new
        {
            count = model.Networks.Count,
            epochs = model.Provenance.Networks.Epochs,
            weight = model.NetworkWeight,
            filters = model.Provenance.Networks.Shape.Filters,
            dimensions = model.Provenance.Networks.Shape.Dimensions,
            minWidth = model.Provenance.Networks.Shape.MinWidth,
            maxWidth = model.Provenance.Networks.Shape.MaxWidth,
        },
        trainingSha256 = Convert.ToHexStringLower(model.Provenance.TrainingSha256),
        trainingRows = model.Provenance.TrainingRows,
        createdAt = model.Provenance.CreatedAt,
        heldBack = MetricsJson(model.Provenance.HeldBack),
    };

    private static object MetricsJson(ClassificationMetrics m) => new
    {
        rows = m.Total,
        accuracy = m.Accuracy,
        macroF1 = m.MacroF1,
        positive = ScoresJson(m.Positive),
        negative = ScoresJson(m.Negative),
        confusion = new { truePositives = m.TruePositives, falsePositives = m.FalsePositives, trueNegatives = m.TrueNegatives, falseNegatives = m.FalseNegatives },
    };

    private static object ScoresJson(ClassScores s) => new { precision = s.Precision, recall = s.Recall, f1 = s.F1, support = s.Support };

    // ---- opinion ingest: posts from a file to POST /api/v1/opinion/posts, in batches ----

    /// <summary>Rejected posts listed on stderr; <c>--json</c> lists them all.</summary>
    private const int ListedRejections = 20;

    /// <summary>
    /// <c>opinion ingest FILE [--source S] [--batch N]</c>. The whole file is read once before anything is sent, so a file
    /// that is not JSON (or not a JSON array) stores nothing and exits 2 saying where; then it is read again batch by batch,
    /// so a file of hundreds of MB never sits in memory. Posts the CLI cannot send (a line that is not JSON, not UTF-8, not
    /// an object, larger than a request) are rejected here with their line or index, and the rest goes on. Posts are
    /// idempotent by source and source id on the server, so sending a file again after a failure stores only the rest.
    /// </summary>
    private static Command Ingest(CliRuntime runtime)
    {
        var file = new Argument<FileInfo>("FILE") { Description = Strings.OpinionIngest_ArgumentFile };
        var source = new Option<string>("--source") { Description = Strings.OpinionIngest_OptionSource, HelpName = "SOURCE" };
        var batch = new Option<int>("--batch")
        {
            Description = Strings.OpinionIngest_OptionBatch, HelpName = "N", DefaultValueFactory = _ => PostFile.DefaultBatch,
        };
        var command = new Command("ingest", Strings.OpinionIngest_Command) { file, source, batch };
        runtime.SetAction(command, async (context, parseResult, cancellationToken) =>
        {
            var size = parseResult.GetValue(batch);
            if (size is < 1 or > PostFile.MaxBatch)
            {
                throw new CliUsageException(Localized.Format(Strings.OpinionIngest_BatchOutOfRange, PostFile.MaxBatch, size));
            }

            var defaultSource = parseResult.GetValue(source);
            if (defaultSource is not null && string.IsNullOrWhiteSpace(defaultSource))
            {
                throw new CliUsageException(Strings.OpinionIngest_SourceEmpty);
            }

            var path = parseResult.GetRequiredValue(file);
            var posts = await PostFile.CountAsync(path, cancellationToken);
            var client = context.Connect();
            var totals = new IngestTotals(PostFile.FormatOf(path));
            try
            {
                if (!context.Environment.IsRealConsole || context.Json)
                {
                    await IngestAsync(client, path, defaultSource?.Trim(), size, totals, _ => { }, cancellationToken);
                }
                else
                {
                    await context.Error.Progress().AutoClear(true)
                        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                        .StartAsync(async progress =>
                        {
                            var task = progress.AddTask(Markup.Escape(Localized.Format(Strings.OpinionIngest_Sending, path.Name, posts)), maxValue: posts);
                            await IngestAsync(client, path, defaultSource?.Trim(), size, totals, done => task.Increment(done), cancellationToken);
                            task.Value = posts;
                        });
                }
            }
            catch (ApiProblem) when (totals.Received > 0 && !context.Json)
            {
                // The problem itself is printed by the runtime; say first how far the file got, as those posts stay stored.
                context.Error.MarkupLine($"[yellow]{Markup.Escape(Localized.Format(Strings.OpinionIngest_Stopped, totals.Received, posts,
                    totals.Stored, totals.AlreadyHeld, totals.Rejected))}[/]");
                throw;
            }

            WriteIngestResult(context, path, totals);
            return totals.Rejected > 0 ? ExitCodes.Rejected : ExitCodes.Success;
        });
        return command;
    }

    private static async Task IngestAsync(ApiClient client, FileInfo path, string? defaultSource, int size, IngestTotals totals,
        Action<int> advanced, CancellationToken cancellationToken)
    {
        var batch = new List<PostFileEntry>(size);
        var bytes = PostFile.EnvelopeBytes;
        await foreach (var entry in PostFile.ReadAsync(path, defaultSource, cancellationToken))
        {
            if (entry.Error is { } error)
            {
                totals.Refused(error);
                advanced(1);
                continue;
            }

            // A batch ends at --batch posts or before the body would pass the server's limit, whichever comes first.
            var json = entry.Json!;
            if (batch.Count == size || bytes + 1 + json.Length > PostFile.MaxRequestBytes)
            {
                await SendBatchAsync(client, batch, bytes, totals, cancellationToken);
                advanced(batch.Count);
                batch.Clear();
                bytes = PostFile.EnvelopeBytes;
            }

            bytes += (batch.Count > 0 ? 1 : 0) + json.Length;
            batch.Add(entry);
        }

        if (batch.Count > 0)
        {
            await SendBatchAsync(client, batch, bytes, totals, cancellationToken);
            advanced(batch.Count);
        }
    }

    private static async Task SendBatchAsync(ApiClient client, List<PostFileEntry> batch, long bytes, IngestTotals totals,
        CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(RequestBody(batch, bytes));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        var response = await client.PostAsync(PostFile.Endpoint, null, content, cancellationToken);
        var result = response.Read<OpinionIngestResult>();
        totals.Answered(batch, result);
    }

    /// <summary><c>{"posts":[…]}</c> with the posts' JSON as read, in one array of exactly <paramref name="bytes"/>.</summary>
    private static byte[] RequestBody(List<PostFileEntry> batch, long bytes)
    {
        var body = new byte[bytes];
        var at = 0;
        void Put(ReadOnlySpan<byte> part)
        {
            part.CopyTo(body.AsSpan(at));
            at += part.Length;
        }

        Put("{\"posts\":["u8);
        for (var i = 0; i < batch.Count; i++)
        {
            if (i > 0)
            {
                Put(","u8);
            }

            Put(batch[i].Json);
        }

        Put("]}"u8);
        return body;
    }

    private static void WriteIngestResult(CliContext context, FileInfo path, IngestTotals totals)
    {
        var errors = totals.Errors.OrderBy(e => e.Position ?? int.MaxValue).ToList();
        var positionName = totals.Format == PostFileFormat.JsonLines ? "line" : "index";
        if (context.Json)
        {
            context.WriteJson(JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["file"] = path.FullName,
                ["format"] = totals.Format == PostFileFormat.JsonLines ? "jsonl" : "json",
                ["batches"] = totals.Batches,
                ["received"] = totals.Received,
                ["stored"] = totals.Stored,
                ["alreadyHeld"] = totals.AlreadyHeld,
                ["rejected"] = totals.Rejected,
                ["errors"] = errors.Select(e => new Dictionary<string, object?>
                {
                    [positionName] = e.Position,
                    ["sourceId"] = e.SourceId,
                    ["code"] = e.Code,
                    ["message"] = e.Message,
                    ["from"] = e.FromServer ? "server" : "cli",
                }),
            }, ApiJson.Options));
            return;
        }

        context.Out.MarkupLine(Markup.Escape(Localized.Format(Strings.OpinionIngest_Summary, path.Name, totals.Received, totals.Stored,
            totals.AlreadyHeld, totals.Rejected)));
        foreach (var error in errors.Take(ListedRejections))
        {
            var where = error.Position is not { } position ? "—"
                : Localized.Format(totals.Format == PostFileFormat.JsonLines ? Strings.OpinionIngest_AtLine : Strings.OpinionIngest_AtIndex, position);
            var id = string.IsNullOrEmpty(error.SourceId) ? "" : $" ({error.SourceId})";
            context.Error.MarkupLine(Markup.Escape($"{where}{id}: {error.Code} — {error.Message}"));
        }

        if (errors.Count > ListedRejections)
        {
            context.Error.MarkupLine($"[grey]{Markup.Escape(Localized.Format(Strings.OpinionIngest_MoreRejected, errors.Count - ListedRejections))}[/]");
        }
    }
}

/// <summary>How a posts file is laid out: a JSON array, or JSON Lines (one post per line) when named .jsonl or .ndjson.</summary>
internal enum PostFileFormat
{
    JsonArray,
    JsonLines,
}

/// <summary>
/// A post refused, by the CLI (it could not be sent) or by the server (its per-item error), with where it is in the file:
/// its line (JSON Lines, from 1) or its index in the array (from 0); null when the server named an index the CLI did not send.
/// </summary>
internal sealed record PostFileError(int? Position, string? SourceId, string Code, string Message, bool FromServer);

/// <summary>One post of the file: ready to send (its JSON, <c>source</c> filled in) or refused here.</summary>
internal sealed record PostFileEntry(int Position, string? SourceId, byte[]? Json, PostFileError? Error);

/// <summary>The server's answer to one batch (<c>POST /api/v1/opinion/posts</c>).</summary>
internal sealed record OpinionIngestResult(int? Received, int? Stored, int? AlreadyHeld, int? Rejected, IReadOnlyList<OpinionIngestError>? Errors);

/// <summary>A post of the batch the server refused; <see cref="Index"/> is its place in the batch.</summary>
internal sealed record OpinionIngestError(int? Index, string? SourceId, string? Code, string? Message);

/// <summary>What a whole file came to, summed over the batches and the posts refused before sending.</summary>
internal sealed class IngestTotals(PostFileFormat format)
{
    private readonly List<PostFileError> errors = [];

    public PostFileFormat Format => format;

    public int Received { get; private set; }

    public int Stored { get; private set; }

    public int AlreadyHeld { get; private set; }

    public int Rejected => errors.Count;

    public int Batches { get; private set; }

    public IReadOnlyList<PostFileError> Errors => errors;

    public void Refused(PostFileError error)
    {
        Received++;
        errors.Add(error);
    }

    /// <summary>Adds a batch's answer, turning the server's batch indexes into the posts' places in the file.</summary>
    /// <exception cref="UnexpectedResponseException">The counts do not add up to the batch.</exception>
    public void Answered(IReadOnlyList<PostFileEntry> batch, OpinionIngestResult result)
    {
        var listed = result.Errors ?? [];
        var (stored, held) = (result.Stored ?? 0, result.AlreadyHeld ?? 0);
        if (stored + held + listed.Count != batch.Count)
        {
            throw new UnexpectedResponseException(Localized.Format(Strings.OpinionIngest_CountsDoNotAddUp, batch.Count, stored, held, listed.Count));
        }

        Batches++;
        Received += batch.Count;
        Stored += stored;
        AlreadyHeld += held;
        foreach (var error in listed)
        {
            var entry = error.Index is { } i && i >= 0 && i < batch.Count ? batch[i] : null;
            errors.Add(new PostFileError(entry?.Position, error.SourceId ?? entry?.SourceId, error.Code ?? "rejected", error.Message ?? "", FromServer: true));
        }
    }
}

/// <summary>
/// Reads a posts file for <c>opinion ingest</c>: checks it whole (<see cref="CountAsync"/>), then hands out its posts one by
/// one (<see cref="ReadAsync"/>), streaming, so the file is never held in memory. Each post goes to the server as the file
/// has it (fields the CLI does not know included), with <c>source</c> filled in where it has none.
/// </summary>
internal static class PostFile
{
    public const string Endpoint = "api/v1/opinion/posts";

    public const long MaxFileBytes = 512L * 1024 * 1024;

    public const int DefaultBatch = 1_000;

    /// <summary>The server's limit on posts in one request (413 above).</summary>
    public const int MaxBatch = 5_000;

    /// <summary>The server's limit on a request body (16 MiB).</summary>
    public const int MaxRequestBytes = 16 * 1024 * 1024;

    /// <summary><c>{"posts":[</c> and <c>]}</c>.</summary>
    public const int EnvelopeBytes = 12;

    // Posts go out as UTF-8, not as \\u escapes: Chinese text would otherwise take twice the bytes of the request.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static PostFileFormat FormatOf(FileInfo file) =>
        file.Extension.Equals(".jsonl", StringComparison.OrdinalIgnoreCase) || file.Extension.Equals(".ndjson", StringComparison.OrdinalIgnoreCase)
            ? PostFileFormat.JsonLines
            : PostFileFormat.JsonArray;

    /// <summary>
    /// How many posts the file holds (JSON Lines: lines that are not blank), having read it whole: a JSON array must be
    /// valid JSON throughout; a JSON Lines file is checked line by line later, as a bad line spoils only itself.
    /// </summary>
    /// <exception cref="CliUsageException">The file cannot be read, is larger than 512 MB, holds no post, or is not a JSON array.</exception>
    public static async Task<int> CountAsync(FileInfo file, CancellationToken cancellationToken)
    {
        await using var stream = Open(file);
        var count = 0;
        if (FormatOf(file) == PostFileFormat.JsonLines)
        {
            await foreach (var line in ReadLinesAsync(stream, cancellationToken))
            {
                count += line.Blank ? 0 : 1;
            }
        }
        else
        {
            await CheckUtf8Async(file, stream, cancellationToken);
            stream.Position = 0;
            await foreach (var _ in ArrayItemsAsync(file, stream, cancellationToken))
            {
                count++;
            }
        }

        return count > 0 ? count : throw new CliUsageException(Localized.Format(Strings.OpinionIngest_NoPosts, file.FullName));
    }

    /// <summary>The posts in file order, each ready to send or refused with the reason.</summary>
    /// <exception cref="CliUsageException">The file cannot be read, or (a JSON array) is not valid JSON.</exception>
    public static async IAsyncEnumerable<PostFileEntry> ReadAsync(FileInfo file, string? defaultSource,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var stream = Open(file);
        if (FormatOf(file) == PostFileFormat.JsonLines)
        {
            await foreach (var line in ReadLinesAsync(stream, cancellationToken))
            {
                if (!line.Blank)
                {
                    yield return FromLine(line, defaultSource);
                }
            }

            yield break;
        }

        var index = 0;
        await foreach (var node in ArrayItemsAsync(file, stream, cancellationToken))
        {
            yield return Prepare(index++, node, defaultSource);
        }
    }

    private static FileStream Open(FileInfo file)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException(Localized.Format(Strings.FileUnreadable, file.FullName, e.Message));
        }

        if (stream.Length > MaxFileBytes)
        {
            var megabytes = stream.Length / 1024d / 1024d;
            stream.Dispose();
            throw new CliUsageException(Localized.Format(Strings.OpinionIngest_FileTooLarge, file.FullName, megabytes, MaxFileBytes / 1024 / 1024));
        }

        return stream;
    }

    /// <summary>The elements of the top-level array; anything else, or JSON that breaks off, is the whole file's error.</summary>
    private static async IAsyncEnumerable<JsonNode?> ArrayItemsAsync(FileInfo file, FileStream stream,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!await StartsWithArrayAsync(stream, cancellationToken))
        {
            throw new CliUsageException(Localized.Format(Strings.OpinionIngest_NotAnArray, file.FullName));
        }

        stream.Position = 0;
        var items = JsonSerializer.DeserializeAsyncEnumerable<JsonNode?>(stream, cancellationToken: cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                JsonNode? node;
                try
                {
                    if (!await items.MoveNextAsync())
                    {
                        yield break;
                    }

                    node = items.Current;
                }
                catch (JsonException e)
                {
                    throw new CliUsageException(Localized.Format(Strings.OpinionIngest_NotJson, file.FullName, (e.LineNumber ?? 0) + 1,
                        (e.BytePositionInLine ?? 0) + 1, Reason(e)));
                }
                catch (Exception e) when (e is InvalidOperationException or DecoderFallbackException)
                {
                    // Invalid UTF-8 inside a string is reported when the string is read, without a position.
                    throw new CliUsageException(Localized.Format(Strings.FileUnreadable, file.FullName, e.Message));
                }

                yield return node;
            }
        }
        finally
        {
            await items.DisposeAsync();
        }
    }

    /// <summary>
    /// A JSON document is UTF-8 throughout (RFC 8259), and System.Text.Json reads strings without decoding them: bytes
    /// that are not UTF-8 would go to the server as U+FFFD. The whole file is refused instead, saying where.
    /// </summary>
    private static async Task CheckUtf8Async(FileInfo file, FileStream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        var chars = new char[buffer.Length];
        var (carried, line, column) = (0, 1L, 1L);
        int read;
        while ((read = await stream.ReadAsync(buffer.AsMemory(carried), cancellationToken)) > 0 || carried > 0)
        {
            var length = carried + read;
            var status = Utf8.ToUtf16(buffer.AsSpan(0, length), chars, out var consumed, out _, replaceInvalidSequences: false, isFinalBlock: read == 0);
            foreach (var b in buffer.AsSpan(0, consumed))
            {
                (line, column) = b == (byte)'\n' ? (line + 1, 1) : (line, column + 1);
            }

            if (status == System.Buffers.OperationStatus.InvalidData)
            {
                throw new CliUsageException(Localized.Format(Strings.OpinionIngest_FileNotUtf8, file.FullName, line, column));
            }

            carried = length - consumed;
            buffer.AsSpan(consumed, carried).CopyTo(buffer);
            if (read == 0)
            {
                break;
            }
        }
    }

    /// <summary>Whether the first character after a byte order mark and white space opens an array.</summary>
    private static async Task<bool> StartsWithArrayAsync(FileStream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        int read;
        var first = true;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            var span = buffer.AsSpan(0, read);
            if (first && span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
            {
                span = span[3..];
            }

            first = false;
            var at = span.IndexOfAnyExcept(" \t\r\n"u8);
            if (at >= 0)
            {
                return span[at] == (byte)'[';
            }
        }

        // Nothing but white space: an empty file, which holds no posts rather than being malformed.
        throw new CliUsageException(Localized.Format(Strings.OpinionIngest_NoPosts, stream.Name));
    }

    private static PostFileEntry FromLine(RawLine line, string? defaultSource)
    {
        if (line.Bytes is null)
        {
            return Refused(line.Number, null, "post-too-large", Localized.Format(Strings.OpinionIngest_PostTooLarge, line.Length, MaxRequestBytes - EnvelopeBytes));
        }

        if (!Utf8.IsValid(line.Bytes))
        {
            return Refused(line.Number, null, "json-not-utf8", Strings.OpinionIngest_LineNotUtf8);
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(line.Bytes);
        }
        catch (JsonException e)
        {
            return Refused(line.Number, null, "json-malformed", Localized.Format(Strings.OpinionIngest_LineNotJson, (e.BytePositionInLine ?? 0) + 1, Reason(e)));
        }

        return Prepare(line.Number, node, defaultSource);
    }

    /// <summary>A post as it will be sent: an object, with <c>source</c> filled in where it has none, small enough for a request.</summary>
    private static PostFileEntry Prepare(int position, JsonNode? node, string? defaultSource)
    {
        if (node is not JsonObject post)
        {
            return Refused(position, null, "post-not-object", Strings.OpinionIngest_NotAnObject);
        }

        string? sourceId;
        byte[] json;
        try
        {
            if (FieldProblem(post) is { } problem)
            {
                return Refused(position, post["sourceId"] is JsonValue given && given.TryGetValue<string>(out var named) ? named : null,
                    "post-field-type", problem);
            }

            sourceId = post["sourceId"] is JsonValue id ? (id.TryGetValue<string>(out var text) ? text : id.ToJsonString()) : null;
            if (post["sourceId"] is JsonValue { } number && number.GetValueKind() == JsonValueKind.Number)
            {
                // Platforms' ids are often numbers (a weibo mid); the API takes text. The number's own digits, not a double.
                post["sourceId"] = sourceId;
            }

            if (defaultSource is not null && (post["source"] is null || (post["source"] is JsonValue source && source.TryGetValue<string>(out var stated)
                && string.IsNullOrWhiteSpace(stated))))
            {
                post["source"] = defaultSource;
            }

            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
            {
                post.WriteTo(writer);
            }

            json = buffer.ToArray();
        }
        catch (ArgumentException e)
        {
            // A property named twice: System.Text.Json refuses the object when it is first looked into.
            return Refused(position, null, "post-malformed", e.Message);
        }


        return json.Length > MaxRequestBytes - EnvelopeBytes
            ? Refused(position, sourceId, "post-too-large", Localized.Format(Strings.OpinionIngest_PostTooLarge, json.Length, MaxRequestBytes - EnvelopeBytes))
            : new PostFileEntry(position, sourceId, json, null);
    }

    // The API's post fields and the JSON they must be (its names are read regardless of case). A field of the wrong type
    // makes the server refuse the whole request as malformed JSON, so such a post is refused here, alone.
    private static readonly Dictionary<string, JsonValueKind> Fields = new(StringComparer.OrdinalIgnoreCase)
    {
        ["source"] = JsonValueKind.String,
        ["sourceId"] = JsonValueKind.String,
        ["kind"] = JsonValueKind.String,
        ["author"] = JsonValueKind.String,
        ["time"] = JsonValueKind.String,
        ["text"] = JsonValueKind.String,
        ["language"] = JsonValueKind.String,
        ["region"] = JsonValueKind.String,
        ["latitude"] = JsonValueKind.Number,
        ["longitude"] = JsonValueKind.Number,
    };

    /// <summary>Why a field of the post would not bind on the server (wrong JSON type, a time that is not ISO 8601), or null.</summary>
    private static string? FieldProblem(JsonObject post)
    {
        foreach (var (name, value) in post)
        {
            if (value is null || !Fields.TryGetValue(name, out var kind))
            {
                continue;
            }

            var actual = value.GetValueKind();
            var fits = actual == kind
                || (actual == JsonValueKind.Number && name.Equals("sourceId", StringComparison.OrdinalIgnoreCase) && value.AsValue().TryGetValue<long>(out _));
            if (fits && name.Equals("time", StringComparison.OrdinalIgnoreCase) && !value.AsValue().TryGetValue<DateTimeOffset>(out _))
            {
                return Localized.Format(Strings.OpinionIngest_FieldNotTime, name, value.ToJsonString());
            }

            if (fits && kind == JsonValueKind.Number && !(value.AsValue().TryGetValue<double>(out var number) && double.IsFinite(number)))
            {
                fits = false;
            }

            if (!fits)
            {
                return Localized.Format(kind == JsonValueKind.String ? Strings.OpinionIngest_FieldNotText : Strings.OpinionIngest_FieldNotNumber, name);
            }
        }

        return null;
    }

    private static PostFileEntry Refused(int position, string? sourceId, string code, string message) =>
        new(position, sourceId, null, new PostFileError(position, sourceId, code, message, FromServer: false));

    // System.Text.Json ends its messages with where it was ("Path: $ | LineNumber: 0 | …"); the CLI says where itself.
    private static string Reason(JsonException e)
    {
        var message = e.Message;
        foreach (var marker in (string[])[" Path: ", " LineNumber: ", "\n"])
        {
            var at = message.IndexOf(marker, StringComparison.Ordinal);
            message = at > 0 ? message[..at] : message;
        }

        return message.TrimEnd();
    }

    /// <summary>A line of the file without its line break; <see cref="Bytes"/> is null for a line longer than a request may be.</summary>
    private sealed record RawLine(int Number, byte[]? Bytes, long Length, bool Blank);

    /// <summary>
    /// The file's lines as bytes, so that a line that is not UTF-8 is refused by itself (a text decoder would have put
    /// U+FFFD in its place and carried on, or stopped the whole file). A line longer than a request may be is skipped
    /// without being held.
    /// </summary>
    private static async IAsyncEnumerable<RawLine> ReadLinesAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        using var line = new MemoryStream();
        var number = 1;
        long length = 0;
        var tooLong = false;
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            var start = 0;
            while (true)
            {
                var newline = Array.IndexOf(buffer, (byte)'\n', start, read - start);
                var end = newline < 0 ? read : newline;
                length += end - start;
                if (length > MaxRequestBytes)
                {
                    tooLong = true;
                    line.SetLength(0);
                }
                else
                {
                    line.Write(buffer, start, end - start);
                }

                if (newline < 0)
                {
                    break;
                }

                yield return Complete(number++, line, length, tooLong);
                (length, tooLong) = (0, false);
                line.SetLength(0);
                start = newline + 1;
            }
        }

        if (length > 0)
        {
            yield return Complete(number, line, length, tooLong);
        }
    }

    private static RawLine Complete(int number, MemoryStream line, long length, bool tooLong)
    {
        if (tooLong)
        {
            return new RawLine(number, null, length, Blank: false);
        }

        var bytes = line.GetBuffer().AsSpan(0, (int)line.Length);
        if (number == 1 && bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            bytes = bytes[3..];
        }

        if (bytes.EndsWith((ReadOnlySpan<byte>)[(byte)'\r']))
        {
            bytes = bytes[..^1];
        }

        return new RawLine(number, bytes.ToArray(), length, Blank: bytes.IndexOfAnyExcept(" \t"u8) < 0);
    }
}
