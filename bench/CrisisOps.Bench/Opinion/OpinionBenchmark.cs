using System.Diagnostics;
using System.Globalization;
using CrisisOps.Text;
using CrisisOps.Text.Lexicon;
using CrisisOps.Text.Model;
using CrisisOps.Text.Segmentation;
using CrisisOps.Text.Tokens;

namespace CrisisOps.Bench.Opinion;

/// <summary>
/// The trained sentiment model (<c>opinion [--data F.csv] [--rounds N]</c>): trains on the documented 80 % of ChnSentiCorp
/// (or any <c>label,review</c> file), reports accuracy and macro-F1 on the held-back 20 % (<see cref="DataSplit"/>), then
/// sentences/s on one thread, warm, over the held-back sentences — the model's whole path (normalise, hash, sum, the
/// character network; jieba too with words) next to jieba segmentation alone on the same sentences in the same run — for
/// the default (NB-LR over characters), the same with a character CNN averaged in (<c>--networks 1</c>) and the variant
/// with jieba's words (<c>--words</c>). Ends with accuracy on the project's own crisis posts (another domain), Chinese and English apart,
/// beside the lexicon model's. Rates are medians of N rounds.
/// </summary>
internal static class OpinionBenchmark
{
    public const string Command = "opinion";

    public static int Run(string[] args)
    {
        var root = BenchArgs.RepositoryRoot();
        var dataPath = BenchArgs.Option(args, "--data") ?? Path.GetFullPath(Path.Combine(root, "..", "shared", "data", "sentiment-zh", "chnsenticorp", "ChnSentiCorp_htl_all.csv"));
        var rounds = int.Parse(BenchArgs.Option(args, "--rounds") ?? "5", CultureInfo.InvariantCulture);
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
            ("NB-LR chars 1-3 (default)", FeatureConfig.Default, NetworkOptions.None),
            ("NB-LR chars 1-3 + char CNN (--networks 1)", FeatureConfig.Default, NetworkOptions.Default),
            ("NB-LR chars 1-3 + jieba words 1-2 (--words)", FeatureConfig.WithWords, NetworkOptions.None),
        };

        var (chinesePosts, englishPosts) = (posts.Rows.Where(r => HasCjk(r.Text)).ToArray(), posts.Rows.Where(r => !HasCjk(r.Text)).ToArray());
        var postLines = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture, $"| lexicon (LexiconSentimentModel.Default; neutral counts as wrong) | {Lexicon(posts.Rows)} | {Lexicon(chinesePosts)} | {Lexicon(englishPosts)} |"),
        };
        Console.WriteLine("| Model | Held-back accuracy | Macro-F1 | Crisis posts accuracy | Train s | Sentences/s per core | jieba alone, same sentences | Model ÷ jieba |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (name, config, networks) in variants)
        {
            var clock = Stopwatch.StartNew();
            var model = SentimentTrainer.Train(data, config, TrainingOptions.Default, networks, DateTimeOffset.UnixEpoch);
            var trainSeconds = clock.Elapsed.TotalSeconds;
            var held = model.Provenance.HeldBack;
            var postsMetrics = Trained(model, posts.Rows);
            postLines.Add(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {postsMetrics} | {Trained(model, chinesePosts)} | {Trained(model, englishPosts)} |"));

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
                $"| {name} | {held.Accuracy:P2} | {held.MacroF1:P2} | {postsMetrics} | {trainSeconds:F1} | {modelRate:N0} | {jiebaRate:N0} | {modelRate / jiebaRate:F2} |"));
            GC.KeepAlive(sink);
        }

        Console.WriteLine();
        Console.WriteLine($"Training options: {TrainingOptions.Default}; networks (--networks 1): {NetworkOptions.Default}");
        Console.WriteLine();
        Console.WriteLine($"Crisis posts (tests/CrisisOps.Text.Tests/Model/crisis-posts.csv): {posts.Rows.Count} posts, {chinesePosts.Length} Chinese, {englishPosts.Length} English; accuracy (right of all)");
        Console.WriteLine();
        Console.WriteLine("| Model | All | Chinese | English |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var line in postLines)
        {
            Console.WriteLine(line);
        }

        return 0;
    }

    private static bool HasCjk(string text) => text.Any(c => c is >= '\u4E00' and <= '\u9FFF');

    private static string Trained(TrainedSentimentModel model, IReadOnlyList<LabelledText> rows) => Figure(rows.Count(r => model.Predict(r.Text) > 0.5 == r.Positive), rows.Count);

    /// <summary>The lexicon model's label mapped onto the file's: negative → 0, positive → 1; neutral (and text it cannot read) counts as wrong.</summary>
    private static string Lexicon(IReadOnlyList<LabelledText> rows)
    {
        var right = 0;
        var neutral = 0;
        foreach (var row in rows)
        {
            var label = TextTokens.TryCreate(row.Text, out var tokens, out _) ? LexiconSentimentModel.Default.Score(tokens).Label : SentimentLabel.Neutral;
            neutral += label == SentimentLabel.Neutral ? 1 : 0;
            right += label == (row.Positive ? SentimentLabel.Positive : SentimentLabel.Negative) ? 1 : 0;
        }

        return Figure(right, rows.Count) + string.Create(CultureInfo.InvariantCulture, $" ({neutral} neutral)");
    }

    private static string Figure(int right, int total) => string.Create(CultureInfo.InvariantCulture, $"{(double)right / Math.Max(total, 1):P1} ({right}/{total})");

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
}
