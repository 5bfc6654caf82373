using CrisisOps.Text.Synthetic;
using CrisisOps.Text.Topics;

namespace CrisisOps.Text.Tests.Topics;

public sealed class TopicExplorationTests
{
    [Fact]
    public void Explore()
    {
        var output = new Out();
        var extras = ChnSentiCorpReviews.Load();
        var seg = System.Diagnostics.Stopwatch.StartNew();
        var gen = RainstormFeed.Generate(extras: extras, extraPerHour: 200);
        output.WriteLine($"generate {seg.ElapsedMilliseconds} ms");
        seg.Restart();
        foreach (var p in gen) { TopicWords.Of(p.Text); }
        output.WriteLine($"words {seg.ElapsedMilliseconds} ms");
        var posts = RainstormFeed.Generate(extras: extras, extraPerHour: 200);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var join = double.Parse(Environment.GetEnvironmentVariable("TOPIC_JOIN") ?? "0.3", System.Globalization.CultureInfo.InvariantCulture);
        var merge = double.Parse(Environment.GetEnvironmentVariable("TOPIC_MERGE") ?? "0.5", System.Globalization.CultureInfo.InvariantCulture);
        output.WriteLine($"join {join} merge {merge}");
        var feed = new RainstormFeed(posts, new TopicTrackerOptions { JoinThreshold = join, MergeThreshold = merge }, detector: new SpikeDetector(new SpikeThresholds { MinimumVolume = 60, MinimumGrowth = 2, NegativeShare = 0.6, MinimumNegativeRise = 0.2 }));
        output.WriteLine($"{posts.Count} posts in {watch.ElapsedMilliseconds} ms; topics {feed.Tracker.TopicCount}");
        foreach (var window in new[] { TimeSpan.FromHours(1), TimeSpan.FromHours(6) })
        {
            var snap = feed.Tracker.Snapshot(window, feed.End);
            output.WriteLine($"--- window {window} topics {snap.Topics.Count}");
            foreach (var t in snap.Topics.Take(12))
            {
                var c = feed.ConcernsOf(t.Id, window, feed.End);
                var top = c.OrderByDescending(p => p.Value).First();
                output.WriteLine($"#{t.Id} v={t.Volume} prev={t.PreviousVolume} neg={t.NegativeShare:F2} [{t.LabelText}] {top.Key} {top.Value * 100 / t.Volume}% | {t.Representatives[0].Text}");
            }

            foreach (var concern in new[] { CrisisConcern.DistributionFairness, CrisisConcern.VulnerablePeople, CrisisConcern.TrappedInSubway, CrisisConcern.SuppliesShort })
            {
                var total = posts.Count(p => p.Concern == concern && p.At > feed.End - window);
                var best = snap.Topics.Select(t => (t, n: feed.ConcernsOf(t.Id, window, feed.End).GetValueOrDefault(concern))).OrderByDescending(x => x.n).First();
                output.WriteLine($"{concern}: total {total}, best topic #{best.t.Id} holds {best.n} purity {best.n * 100 / best.t.Volume}% [{best.t.LabelText}]");
            }
        }

        foreach (var f in feed.Flags)
        {
            output.WriteLine($"FLAG {f.Kind} {(f.At - RainstormFeed.Start).TotalHours:F2}h #{f.Topic} v={f.Volume} prev={f.PreviousVolume} neg={f.NegativeShare:F2}/{f.PreviousNegativeShare:F2} [{string.Join("/", f.Label)}]");
        }
    }

    private sealed class Out
    {
        public void WriteLine(string line) => File.AppendAllText("/tmp/topics-explore.txt", line + "\n");
    }
}
