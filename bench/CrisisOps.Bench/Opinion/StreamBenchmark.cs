using System.Diagnostics;
using System.Globalization;
using CrisisOps.Text;
using CrisisOps.Text.Lexicon;
using CrisisOps.Text.Model;
using CrisisOps.Text.Posts;
using CrisisOps.Text.Segmentation;
using CrisisOps.Text.Synthetic;
using CrisisOps.Text.Tokens;
using CrisisOps.Text.Topics;

namespace CrisisOps.Bench.Opinion;

/// <summary>
/// The whole opinion pipeline on a realistic mixed stream (<c>opinion-stream [--posts N] [--rounds R] [--data F.csv]</c>):
/// the rainstorm generator's posts (Chinese and English, reposts included) interleaved with ChnSentiCorp hotel reviews,
/// over 12 simulated hours. In one run, one thread, warm, interleaved rounds (median of R): jieba segmentation alone over
/// every text; the stateless analysis (<see cref="PostAnalyser"/>: check, language, segmentation, lexicon sentiment, topic
/// words); the whole pipeline (analysis, then <see cref="OpinionStream.Add"/> and a review once per simulated minute); and
/// the analysis on two threads, as ingest runs it. Then one pass timed per stage (µs/post), which also prints what the
/// stream found: the top topics of both windows at three moments and every spike flag with its time.
/// </summary>
internal static class StreamBenchmark
{
    public const string Command = "opinion-stream";

    // Where the generator's 12 hours start (local time of the synthetic city).
    private static readonly DateTimeOffset Start = new(2026, 7, 20, 6, 0, 0, TimeSpan.FromHours(8));
    private static readonly string[] Regions = ["ZZ-01", "ZZ-02", "ZZ-03", "ZZ-04", "ZZ-05"];
    private const int Hours = 12;

    // Share of the stream that is reviews (foreign noise for the topic tracker, real texts for sentiment and jieba).
    private const double ReviewShare = 0.2;

    // How often the stream is reviewed (snapshots + spike flags), in simulated time; the server's worker reviews on every
    // turn (2 s of wall time), which on a live feed is at least this often.
    private static readonly TimeSpan ReviewEvery = TimeSpan.FromMinutes(1);

    // The moments whose topics are printed: before the subway burst (end of hour 3), the end of the burst hour, the end.
    private static readonly int[] ReportAtHours = [3, 4, 12];

    public static int Run(string[] args)
    {
        var root = BenchArgs.RepositoryRoot();
        var target = int.Parse(BenchArgs.Option(args, "--posts") ?? "20000", CultureInfo.InvariantCulture);
        var rounds = int.Parse(BenchArgs.Option(args, "--rounds") ?? "3", CultureInfo.InvariantCulture);
        var dataPath = BenchArgs.Option(args, "--data") ?? Path.GetFullPath(Path.Combine(root, "..", "shared", "data", "sentiment-zh", "chnsenticorp", "ChnSentiCorp_htl_all.csv"));
        if (target < 100 || rounds < 1)
        {
            Console.Error.WriteLine("--posts must be at least 100 and --rounds at least 1.");
            return 2;
        }

        var load = LoadAverage();
        var posts = Stream(target, dataPath);
        var texts = posts.Select(p => p.Text).ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}; load average at start {load}; {rounds} rounds, median"));
        Console.WriteLine();

        Warm(posts);
        var jieba = new List<double>();
        var analysis = new List<double>();
        var analysisTwo = new List<double>();
        var pipeline = new List<double>();
        var noReviews = new List<double>();
        var reviewMs = new List<double>();
        var ingestShaped = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            // Interleaved, so that a noisy neighbour on the shared machine hits every rate alike.
            jieba.Add(Rate(texts.Length, () => JiebaAlone(texts)));
            analysis.Add(Rate(texts.Length, () => AnalyseAll(posts)));
            analysisTwo.Add(Rate(texts.Length, () => AnalyseParallel(posts, 2)));
            var reviewed = 0L;
            pipeline.Add(Rate(texts.Length, () => reviewed = Pipeline(posts)));
            reviewMs.Add(reviewed * 1e3 / Stopwatch.Frequency / ReviewsPerRun);
            noReviews.Add(Rate(texts.Length, () => Pipeline(posts, reviews: false)));
            ingestShaped.Add(Rate(texts.Length, () => PipelineInBatches(posts, 1_000, 2)));
        }

        var jiebaRate = Median(jieba);
        Console.WriteLine("| Path (same posts, same run) | Posts/s | ÷ jieba alone |");
        Console.WriteLine("|---|---:|---:|");
        Row("jieba segmentation alone (`ChineseSegmenter.Shared.Cut`), 1 thread", Median(jieba), jiebaRate);
        Row("analysis (`PostAnalyser.Default.TryAnalyse`: check, language, segmentation, lexicon sentiment, topic words), 1 thread", Median(analysis), jiebaRate);
        Row("whole pipeline: analysis + `OpinionStream.Add` + `Review` each simulated minute, 1 thread", Median(pipeline), jiebaRate);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"|   of which reviews: {ReviewsPerRun} in the run, {Median(reviewMs):F1} ms each (snapshots of the 1 h and 6 h windows + spike detection) | | |"));
        Row("analysis + `OpinionStream.Add`, no reviews (what a flood of posts costs per post), 1 thread", Median(noReviews), jiebaRate);
        Row("analysis on 2 threads (`Parallel.For`)", Median(analysisTwo), jiebaRate);
        Row("whole pipeline as ingest runs it: batches of 1,000 analysed on 2 threads, then the stream on 1", Median(ingestShaped), jiebaRate);
        Console.WriteLine();

        Breakdown(posts);
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Load average at end: {LoadAverage()}"));
        return 0;
    }

    /// <summary>The mixed stream: generated posts and about <see cref="ReviewShare"/> reviews, about <paramref name="target"/> in all.</summary>
    private static IReadOnlyList<GeneratedPost> Stream(int target, string dataPath)
    {
        List<ExtraText> reviews = [];
        if (File.Exists(dataPath))
        {
            var data = LabelledCsv.ReadFile(dataPath);
            reviews = [.. data.Rows.Select(r => new ExtraText(r.Text, r.Positive ? SentimentLabel.Positive : SentimentLabel.Negative))];
            Console.WriteLine($"{Path.GetFileName(dataPath)}: {data.Rows.Count:N0} reviews ({data.RefusedRows} refused), SHA-256 {data.Sha256Hex[..16]}…");
        }
        else
        {
            Console.WriteLine($"{dataPath} is missing: the stream has no reviews, only generated posts (pass --data F.csv to add a labelled file).");
        }

        // The generator's hour has 1 + (burst extra) of its ordinary volume on average: the subway concern (4 % of an hour)
        // runs 8× in the burst hour and 4× in the hour after, 0.4 hours' worth over the 12 hours.
        var reviewShare = reviews.Count > 0 ? ReviewShare : 0;
        var perHour = (int)Math.Round(target * (1 - reviewShare) / (Hours + 0.4));
        var reviewsPerHour = (int)Math.Round(target * reviewShare / Hours);
        var posts = CrisisPostGenerator.Generate(new CrisisStreamOptions
        {
            Start = Start, Hours = Hours, Regions = Regions, PostsPerHour = perHour, ExtraTexts = reviews, ExtraPerHour = reviewsPerHour,
        });

        var generated = posts.Where(p => p.Concern != CrisisConcern.Extra).ToList();
        var extra = posts.Count - generated.Count;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Stream: {posts.Count:N0} posts over {Hours} h from {Start:yyyy-MM-dd HH:mm zzz}: {generated.Count:N0} generated "
            + $"({generated.Count(p => p.Language == "en"):N0} English, {generated.Count(p => p.RepostOf is not null):N0} reposts with edits; "
            + $"mean {generated.Average(p => p.Text.Length):F0} characters) + {extra:N0} reviews "
            + $"(mean {(extra > 0 ? posts.Where(p => p.Concern == CrisisConcern.Extra).Average(p => p.Text.Length) : 0):F0} characters)"));
        return posts;
    }

    private static void JiebaAlone(string[] texts)
    {
        var words = 0L;
        foreach (var text in texts)
        {
            words += ChineseSegmenter.Shared.Cut(text).Count;
        }

        GC.KeepAlive(words);
    }

    private static PostAnalysis?[] AnalyseAll(IReadOnlyList<GeneratedPost> posts)
    {
        var analyses = new PostAnalysis?[posts.Count];
        for (var i = 0; i < posts.Count; i++)
        {
            analyses[i] = PostAnalyser.Default.TryAnalyse(posts[i].Text, posts[i].Language, out var analysis, out _) ? analysis : null;
        }

        return analyses;
    }

    private static PostAnalysis?[] AnalyseParallel(IReadOnlyList<GeneratedPost> posts, int threads)
    {
        var analyses = new PostAnalysis?[posts.Count];
        Parallel.For(0, posts.Count, new ParallelOptions { MaxDegreeOfParallelism = threads }, i =>
            analyses[i] = PostAnalyser.Default.TryAnalyse(posts[i].Text, posts[i].Language, out var analysis, out _) ? analysis : null);
        return analyses;
    }

    private static int ReviewsPerRun => (int)(TimeSpan.FromHours(Hours) / ReviewEvery);

    /// <summary>
    /// Each post analysed and added in turn, the stream reviewed each simulated minute (unless not), on one thread; answers
    /// the time spent in reviews, in <see cref="Stopwatch"/> ticks.
    /// </summary>
    private static long Pipeline(IReadOnlyList<GeneratedPost> posts, bool reviews = true)
    {
        var stream = new OpinionStream();
        var feed = new Reviews(stream);
        foreach (var post in posts)
        {
            if (reviews)
            {
                feed.Until(post.At);
            }

            if (PostAnalyser.Default.TryAnalyse(post.Text, post.Language, out var analysis, out _))
            {
                stream.Add(StreamedPost.Of(post.Id, post.At, analysis, post.Region));
            }
        }

        if (reviews)
        {
            feed.Until(Start.AddHours(Hours).AddTicks(1));
        }

        return feed.ReviewTicks;
    }

    /// <summary>As ingest does it: a batch analysed in parallel (stateless), then added to the stream in order (stateful).</summary>
    private static int PipelineInBatches(IReadOnlyList<GeneratedPost> posts, int batch, int threads)
    {
        var stream = new OpinionStream();
        var feed = new Reviews(stream);
        var analyses = new PostAnalysis?[batch];
        for (var from = 0; from < posts.Count; from += batch)
        {
            var count = Math.Min(batch, posts.Count - from);
            var offset = from;
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = threads }, i =>
                analyses[i] = PostAnalyser.Default.TryAnalyse(posts[offset + i].Text, posts[offset + i].Language, out var a, out _) ? a : null);
            for (var i = 0; i < count; i++)
            {
                var post = posts[offset + i];
                feed.Until(post.At);
                if (analyses[i] is { } analysis)
                {
                    stream.Add(StreamedPost.Of(post.Id, post.At, analysis, post.Region));
                }
            }
        }

        feed.Until(Start.AddHours(Hours).AddTicks(1));
        return feed.Spikes.Count;
    }

    /// <summary>
    /// One more pass, each stage timed call by call (the same steps <see cref="PostAnalyser"/> takes, then the stream's), and
    /// what the stream found printed: top topics at <see cref="ReportAtHours"/> and every spike flag.
    /// </summary>
    private static void Breakdown(IReadOnlyList<GeneratedPost> posts)
    {
        long tokens = 0, sentiment = 0, topicWords = 0, add = 0, reposts = 0;
        var refused = new Dictionary<string, int>(StringComparer.Ordinal);
        var stream = new OpinionStream();
        var grouper = new Text.Duplicates.RepostGrouper();
        var byId = posts.ToDictionary(p => p.Id, StringComparer.Ordinal);
        var feed = new Reviews(stream) { ById = byId };
        var reportAt = ReportAtHours.Select(h => Start.AddHours(h)).ToHashSet();
        var reports = new List<(StreamReview Review, List<string> Lines)>();
        feed.Reviewed += r =>
        {
            if (reportAt.Contains(r.At))
            {
                reports.Add((r, Describe(r, stream, byId)));
            }
        };

        foreach (var post in posts)
        {
            feed.Until(post.At);
            var t1 = Stopwatch.GetTimestamp();
            if (!TextTokens.TryCreate(post.Text, out var postTokens, out var problem))
            {
                refused[problem.Code] = refused.GetValueOrDefault(problem.Code) + 1;
                continue;
            }

            var t2 = Stopwatch.GetTimestamp();
            var score = LexiconSentimentModel.Default.Score(postTokens);
            var t3 = Stopwatch.GetTimestamp();
            var words = TopicWords.Of(postTokens.Tokens);
            var t4 = Stopwatch.GetTimestamp();
            var analysis = new PostAnalysis(postTokens, score, words, "lexicon");
            stream.Add(StreamedPost.Of(post.Id, post.At, analysis, post.Region));
            var t5 = Stopwatch.GetTimestamp();
            grouper.Add(post.Id, postTokens.Text, post.At);
            var t6 = Stopwatch.GetTimestamp();
            tokens += t2 - t1;
            sentiment += t3 - t2;
            topicWords += t4 - t3;
            add += t5 - t4;
            reposts += t6 - t5;
        }

        feed.Until(Start.AddHours(Hours).AddTicks(1));
        var review = feed.ReviewTicks;

        double PerPost(long ticks) => ticks * 1e6 / Stopwatch.Frequency / posts.Count;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Per stage, one pass, µs/post over all {posts.Count:N0} posts ({(refused.Count == 0 ? "none refused" : "refused: " + string.Join(", ", refused.Select(r => $"{r.Key} {r.Value}")))}):"));
        Console.WriteLine();
        Console.WriteLine("| Stage | µs/post |");
        Console.WriteLine("|---|---:|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| check + language + segmentation (`TextTokens.TryCreate`; jieba for Chinese) | {PerPost(tokens):F1} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| lexicon sentiment (`LexiconSentimentModel.Score`) | {PerPost(sentiment):F1} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| topic words (`TopicWords.Of` the tokens) | {PerPost(topicWords):F1} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| `OpinionStream.Add` (repost grouping + topic assignment) | {PerPost(add):F1} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"|   of which repost grouping (`RepostGrouper.Add` alone, same posts) | {PerPost(reposts):F1} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| `OpinionStream.Review` each simulated minute ({feed.Count} reviews), spread over the posts | {PerPost(review):F1} |"));
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"One review (snapshots of both windows + spike detection): {review * 1e3 / Stopwatch.Frequency / feed.Count:F1} ms on average; topics alive at the end: {stream.Topics.TopicCount:N0}."));
        Console.WriteLine();

        foreach (var (_, lines) in reports)
        {
            foreach (var line in lines)
            {
                Console.WriteLine(line);
            }

            Console.WriteLine();
        }

        Console.WriteLine($"Spike flags ({feed.Spikes.Count}; default thresholds: volume ≥ 50 and tripled, or negative share ≥ 60 % of ≥ 20 posts):");
        Console.WriteLine();
        Console.WriteLine("| Time | Window | Kind | Topic | Label | Volume (before) | Growth | Negative share (before) | Mostly (generator's intent) |");
        Console.WriteLine("|---|---|---|---:|---|---:|---:|---:|---|");
        foreach (var (flag, mostly) in feed.Spikes)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {flag.At:HH:mm} | {Window(flag.Window)} | {flag.Kind} | {flag.Topic.Value} | {string.Join(" / ", flag.Label)} | {flag.Volume} ({flag.PreviousVolume}) | {Signed(flag.Growth)} | {flag.NegativeShare:P0} ({flag.PreviousNegativeShare:P0}) | {mostly} |"));
        }
    }

    private static List<string> Describe(StreamReview review, OpinionStream stream, Dictionary<string, GeneratedPost> byId)
    {
        var lines = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture, $"Topics at {review.At:HH:mm} (end of hour {(int)(review.At - Start).TotalHours}): ")
                + string.Join("; ", review.Snapshots.Select(s => string.Create(CultureInfo.InvariantCulture,
                    $"{Window(s.Window)} window {s.Topics.Count} topics, {s.Topics.Sum(t => t.Volume)} posts"))),
            string.Empty,
            "| Window | Topic | Label | Volume (before) | Growth | Negative share (before) | Mostly (generator's intent) |",
            "|---|---:|---|---:|---:|---:|---|",
        };
        foreach (var snapshot in review.Snapshots)
        {
            foreach (var topic in snapshot.Topics.Take(6))
            {
                lines.Add(string.Create(CultureInfo.InvariantCulture,
                    $"| {Window(snapshot.Window)} | {topic.Id.Value} | {topic.LabelText} | {topic.Volume} ({topic.PreviousVolume}) | {Signed(topic.Growth)} | {topic.NegativeShare:P0} ({topic.PreviousNegativeShare:P0}) | {Intent(stream, topic.Id, snapshot.Window, review.At, byId)} |"));
            }
        }

        return lines;
    }

    /// <summary>The concern the generator meant most of a topic's posts in the window to be about, with its share.</summary>
    private static string Intent(OpinionStream stream, TopicId topic, TimeSpan window, DateTimeOffset now, Dictionary<string, GeneratedPost> byId)
    {
        var ids = stream.Topics.PostsOf(topic, window, now);
        if (ids.Count == 0)
        {
            return "—";
        }

        var top = ids.GroupBy(id => byId[id].Concern).OrderByDescending(g => g.Count()).First();
        return string.Create(CultureInfo.InvariantCulture, $"{top.Key} {top.Count() / (double)ids.Count:P0}");
    }

    // Growth rounded first, so that a small decline prints as 0.0 and not as a signed zero.
    private static string Signed(double value) => Math.Round(value, 1).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture);

    private static string Window(TimeSpan window) => window.TotalHours.ToString("0", CultureInfo.InvariantCulture) + " h";

    private static void Warm(IReadOnlyList<GeneratedPost> posts)
    {
        // The jieba dictionary loads once per process and the JIT warms up: neither is part of any rate.
        var sample = posts.Take(1_000).ToList();
        JiebaAlone([.. sample.Select(p => p.Text)]);
        AnalyseAll(sample);
        AnalyseParallel(sample, 2);
        Pipeline(sample);
    }

    private static double Rate(int count, Action pass)
    {
        var clock = Stopwatch.StartNew();
        pass();
        return count / clock.Elapsed.TotalSeconds;
    }

    private static void Row(string name, double rate, double jiebaRate) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {rate:N0} | {rate / jiebaRate:F2} |"));

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
        catch (UnauthorizedAccessException)
        {
            return "unknown";
        }
    }


    /// <summary>
    /// Reviews a stream each simulated minute from the stream's start, collecting the spike flags (with the generator's
    /// intent for their topic when <see cref="ById"/> is set: the tracker must be asked at the time of the flag).
    /// </summary>
    private sealed class Reviews(OpinionStream stream)
    {
        private DateTimeOffset _next = Start + ReviewEvery;

        public event Action<StreamReview>? Reviewed;

        public List<(SpikeFlag Flag, string Mostly)> Spikes { get; } = [];

        public Dictionary<string, GeneratedPost>? ById { get; set; }

        public int Count { get; private set; }

        /// <summary>Time spent in <see cref="OpinionStream.Review"/> alone, in <see cref="Stopwatch"/> ticks.</summary>
        public long ReviewTicks { get; private set; }

        /// <summary>Runs every review due before <paramref name="at"/> (a post at the review's instant comes after it).</summary>
        public void Until(DateTimeOffset at)
        {
            while (_next <= at)
            {
                var before = Stopwatch.GetTimestamp();
                var review = stream.Review(_next);
                ReviewTicks += Stopwatch.GetTimestamp() - before;
                Count++;
                foreach (var flag in review.Spikes)
                {
                    Spikes.Add((flag, ById is null ? string.Empty : Intent(stream, flag.Topic, flag.Window, _next, ById)));
                }

                Reviewed?.Invoke(review);
                _next += ReviewEvery;
            }
        }
    }
}
