using System.Diagnostics;
using System.Globalization;
using CrisisOps.Text.Model;
using CrisisOps.Text.Segmentation;

namespace CrisisOps.Bench.Opinion;

/// <summary>
/// The trained sentiment model (<c>opinion [--data F.csv] [--rounds N]</c>): trains on the documented 80 % of ChnSentiCorp
/// (or any <c>label,review</c> file), reports accuracy and macro-F1 on the held-back 20 % (<see cref="DataSplit"/>), then
/// sentences/s on one thread, warm, over the held-back sentences — the model's whole path (normalise, hash, sum; jieba too with words)
/// next to jieba segmentation alone on the same sentences in the same run — and the same for the variant with jieba's
/// words (<c>opinion train --words</c>). Ends with accuracy on the project's own crisis posts (another domain). Rates are medians of N rounds.
/// </summary>
internal static class OpinionBenchmark
{
    public const string Command = "opinion";

    public static int Run(string[] args)
    {
        var root = RepositoryRoot();
        var dataPath = Option(args, "--data") ?? Path.GetFullPath(Path.Combine(root, "..", "shared", "data", "sentiment-zh", "chnsenticorp", "ChnSentiCorp_htl_all.csv"));
        var rounds = int.Parse(Option(args, "--rounds") ?? "5", CultureInfo.InvariantCulture);
        if (!File.Exists(dataPath))
        {
            Console.Error.WriteLine($"{dataPath} does not exist: pass --data F.csv or place ../shared/data beside the repository.");
            return 2;
        }

        var data = LabelledCsv.ReadFile(dataPath);
        var posts = LabelledCsv.ReadFile(Path.Combine(root, "tests", "CrisisOps.Text.Tests", "Model", "crisis-posts.csv"));
        var (train, heldBack) = DataSplit.Stratified(data.Rows);
        Console.WriteLine($"{Path.GetFileName(dataPath)}: {data.Rows.Count:N0} usable rows ({data.Positives:N0} positive, {data.Negatives:N0} negative), "
            + $"{data.RefusedRows} refused; SHA-256 {data.Sha256Hex[..16]}…; train {train.Count:N0}, held back {heldBack.Count:N0}");
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}; one thread; {rounds} rounds, median");
        Console.WriteLine();

        var sentences = heldBack.Select(r => r.Text).ToArray();
        ChineseSegmenter.Shared.Cut("预热"); // the dictionary loads once per process; not part of any rate
        var variants = new[]
        {
            ("chars 1-3 (default, no jieba)", FeatureConfig.Default),
            ("chars 1-3 + jieba words 1-2 (--words)", FeatureConfig.WithWords),
        };

        Console.WriteLine("| Model | Held-back accuracy | Macro-F1 | Crisis posts accuracy | Train s | Sentences/s per core | jieba alone, same sentences | Model ÷ jieba |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (name, config) in variants)
        {
            var clock = Stopwatch.StartNew();
            var model = SentimentTrainer.Train(data, config, TrainingOptions.Default, DateTimeOffset.UnixEpoch);
            var trainSeconds = clock.Elapsed.TotalSeconds;
            var held = model.Provenance.HeldBack;
            var postsMetrics = ClassificationMetrics.Count([.. posts.Rows.Select(r => r.Positive)], [.. posts.Rows.Select(r => model.Predict(r.Text) > 0.5)]);

            // Interleaved rounds, so that a noisy neighbour on the machine hits both rates alike.
            var modelRates = new List<double>();
            var jiebaRates = new List<double>();
            var sink = 0.0;
            Warm(model, sentences);
            for (var round = 0; round < rounds; round++)
            {
                clock.Restart();
                foreach (var s in sentences)
                {
                    sink += ChineseSegmenter.Shared.Cut(s).Count;
                }

                jiebaRates.Add(sentences.Length / clock.Elapsed.TotalSeconds);
                clock.Restart();
                foreach (var s in sentences)
                {
                    sink += model.Predict(s);
                }

                modelRates.Add(sentences.Length / clock.Elapsed.TotalSeconds);
            }

            var modelRate = Median(modelRates);
            var jiebaRate = Median(jiebaRates);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {held.Accuracy:P2} | {held.MacroF1:P2} | {postsMetrics.Accuracy:P1} | {trainSeconds:F1} | {modelRate:N0} | {jiebaRate:N0} | {modelRate / jiebaRate:F2} |"));
            GC.KeepAlive(sink);
        }

        Console.WriteLine();
        Console.WriteLine($"Training options: {TrainingOptions.Default}");
        return 0;
    }

    private static void Warm(TrainedSentimentModel model, string[] sentences)
    {
        foreach (var s in sentences.Take(200))
        {
            model.Predict(s);
            ChineseSegmenter.Shared.Cut(s);
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CrisisOps.slnx")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
