using CrisisOps.Testing;
using System.Globalization;
using CrisisOps.Text.Synthetic;
using CrisisOps.Text.Topics;

namespace CrisisOps.Text.Tests.Topics;

/// <summary>
/// The generated rainstorm (8 hours, 600 posts an hour, subway burst in hour 3) with 200 ChnSentiCorp hotel reviews an
/// hour as foreign noise, fed through the tracker with a 1 h snapshot every five minutes into a spike detector. Without
/// ../shared (a laptop) the stream runs without the reviews; under CI=true the reviews are required.
/// </summary>
public sealed class RainstormTopicsTests(ITestOutputHelper output)
{
    // Volume: 60 posts in the hour, tripled. Negativity: 60 % negative among 10 posts, up 30 points on the hour before.
    private static readonly SpikeThresholds Thresholds = new()
    {
        MinimumVolume = 60, MinimumGrowth = 2, NegativeShare = 0.6, MinimumVolumeForNegativity = 10, MinimumNegativeRise = 0.3,
    };

    private static readonly Lazy<RainstormFeed> Feed = new(() => new RainstormFeed(
        RainstormFeed.Generate(extras: ChnSentiCorpReviews.Available ? ChnSentiCorpReviews.Load() : [], extraPerHour: 200),
        detector: new SpikeDetector(Thresholds)));

    public static TheoryData<CrisisConcern, string> Concerns => new()
    {
        { CrisisConcern.DistributionFairness, "分配 公平 不公 物资发放 发放" },
        { CrisisConcern.VulnerablePeople, "老人 独居老人 孤寡老人 残疾人 特殊群体" },
        { CrisisConcern.TrappedInSubway, "地铁 被困 地铁被困 车厢" },
        { CrisisConcern.SuppliesShort, "缺水 物资短缺 短缺 饮用水 矿泉水 断水" },
    };

    [Theory]
    [MemberData(nameof(Concerns))]
    public void Snapshot_OnTheRainstormWithReviewNoise_SurfacesEachConcernAsAPureLabelledTopic(CrisisConcern concern, string keyTerms)
    {
        var feed = LoadFeed();
        var window = TimeSpan.FromHours(6);
        var keys = keyTerms.Split(' ');
        var concernPosts = feed.Posts.Count(p => p.Concern == concern && p.At > feed.End - window);

        var candidates = feed.Tracker.Snapshot(window, feed.End).Topics
            .Where(t => t.Label.Any(keys.Contains))
            .Select(t => (Topic: t, Count: feed.ConcernsOf(t.Id, window, feed.End).GetValueOrDefault(concern)))
            .Where(x => x.Count >= 0.8 * x.Topic.Volume)
            .OrderByDescending(x => x.Count)
            .ToList();

        Assert.NotEmpty(candidates);
        var (topic, count) = candidates[0];
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{concern}: [{topic.LabelText}] {count}/{topic.Volume} posts of the concern, {count * 100 / concernPosts}% of its {concernPosts}; {candidates.Count} labelled pure topics"));
        // The biggest such topic is a real hot topic, not a handful of reposts.
        Assert.True(topic.Volume >= 80, $"{concern}: the best topic has {topic.Volume} posts");
        Assert.True(count >= 0.2 * concernPosts, $"{concern}: the best topic holds {count} of {concernPosts} posts");
    }

    [Fact]
    public void SpikeDetector_OnTheRainstorm_FlagsTheSubwayBurstInHourThreeAndNotBefore()
    {
        var feed = LoadFeed();
        var burstStart = RainstormFeed.Start.AddHours(3);

        var subwayFlags = feed.Flags
            .Where(f => f.Kind == SpikeKind.Volume)
            .Where(f => feed.ConcernsOf(f.Topic, TimeSpan.FromHours(1), f.At).MaxBy(p => p.Value).Key == CrisisConcern.TrappedInSubway)
            .ToList();

        var first = Assert.Single(subwayFlags);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"subway spike at +{(first.At - RainstormFeed.Start).TotalHours:F2} h: {first.Volume} posts (before {first.PreviousVolume}), [{string.Join(" / ", first.Label)}]"));
        Assert.InRange(first.At, burstStart, burstStart.AddHours(1));
        Assert.Contains(first.Label, t => t is "地铁" or "被困" or "地铁被困");
        Assert.DoesNotContain(feed.Flags, f => f.Kind == SpikeKind.Volume && f.At < burstStart && f.Label.Any(t => t is "地铁" or "地铁被困"));
    }

    [Fact]
    public void SpikeDetector_OnTheRainstorm_FlagsDistributionTurningNegativeOnlyAfterItTurns()
    {
        var feed = LoadFeed();
        var turn = RainstormFeed.Start.AddHours(4);

        var distribution = feed.Flags
            .Where(f => f.Kind == SpikeKind.Negativity)
            .Where(f =>
            {
                var concerns = feed.ConcernsOf(f.Topic, TimeSpan.FromHours(1), f.At);
                return concerns.GetValueOrDefault(CrisisConcern.DistributionFairness) >= 0.8 * concerns.Values.Sum();
            })
            .ToList();

        Assert.NotEmpty(distribution);
        foreach (var flag in distribution)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"negativity at +{(flag.At - RainstormFeed.Start).TotalHours:F2} h: {flag.NegativeShare:P0} of {flag.Volume} (before {flag.PreviousNegativeShare:P0} of {flag.PreviousVolume}), [{string.Join(" / ", flag.Label)}]"));
            Assert.True(flag.At >= turn, $"flagged at {flag.At}, before distribution posts turned negative");
        }
    }

    [Fact]
    public void Add_TwentyThousandPosts_CountsEveryAssignedPostOnceInTheWindows()
    {
        // A day of posts at benchmark volume (speed is bench/ work: `opinion-stream`): topics start, grow, merge and
        // expire many times over, and every post the tracker took must still count once in each window it falls in.
        var posts = RainstormFeed.Generate(hours: 24, postsPerHour: 860, seed: 20);
        Assert.InRange(posts.Count, 20_000, 22_000);
        var tracker = new TopicTracker();
        var taken = new List<DateTimeOffset>();
        foreach (var post in posts)
        {
            var assignment = tracker.Add(RainstormFeed.ForTopics(post));
            if (assignment.Outcome is AssignmentOutcome.Joined or AssignmentOutcome.Started)
            {
                taken.Add(post.At);
            }
        }

        var end = posts[^1].At;
        foreach (var window in new[] { TimeSpan.FromHours(1), TimeSpan.FromHours(6) })
        {
            var snapshot = tracker.Snapshot(window, end);
            Assert.Equal(taken.Count(at => at > end - window), snapshot.Topics.Sum(t => t.Volume));
        }

        Assert.InRange(taken.Count, posts.Count * 9 / 10, posts.Count);
    }

    private static RainstormFeed LoadFeed()
    {
        if (TestEnvironment.IsCi)
        {
            ChnSentiCorpReviews.Require();
        }

        return Feed.Value;
    }
}
