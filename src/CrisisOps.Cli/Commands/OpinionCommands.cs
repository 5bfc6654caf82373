using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CrisisOps.Cli.Api;
using CrisisOps.Text.Model;
using Spectre.Console;

namespace CrisisOps.Cli.Commands;

/// <summary>
/// <c>opinion train</c> and <c>opinion evaluate</c>: the trained sentiment model, offline on labelled <c>label,review</c>
/// files (1 = positive, 0 = negative). Neither talks to a server. A file that cannot be read or has no usable row exits
/// 2 with the reason; single bad rows are counted and listed, not fatal.
/// </summary>
internal static class OpinionCommands
{
    private const int ListedRowErrors = 5;

    public static Command Create(CliRuntime runtime)
    {
        var command = new Command("opinion", Strings.Opinion_Command);
        command.Subcommands.Add(Train(runtime));
        command.Subcommands.Add(Evaluate(runtime));
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
}
