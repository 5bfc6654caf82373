using CrisisOps.Text.Synthetic;
using CrisisOps.Text.Topics;

namespace CrisisOps.Text.Tests.Topics;

public sealed class TopicTrackerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 7, 20, 8, 0, 0, TimeSpan.FromHours(8));

    private static PostForTopics Post(string id, double minutes, string text, SentimentLabel tone = SentimentLabel.Neutral, string? region = null) =>
        new(id, T0.AddMinutes(minutes), text, tone, Region: region);

    [Fact]
    public void Add_WhenPostsShareTheirKeyTerms_JoinsThemToOneTopic()
    {
        var tracker = new TopicTracker();

        var first = tracker.Add(Post("a", 0, "2号线人民广场站地铁被困，车厢进水"));
        var second = tracker.Add(Post("b", 1, "地铁车厢进水，乘客被困在人民广场站"));
        var other = tracker.Add(Post("c", 2, "新买的咖啡机真好用，早上一杯很提神"));

        Assert.Equal(AssignmentOutcome.Started, first.Outcome);
        Assert.Equal(AssignmentOutcome.Joined, second.Outcome);
        Assert.Equal(first.Topic, second.Topic);
        Assert.Equal(AssignmentOutcome.Started, other.Outcome);
        Assert.NotEqual(first.Topic, other.Topic);
    }

    [Fact]
    public void Add_WhenPostIsOnlyPunctuationOrStopWords_CountsItNowhere()
    {
        var tracker = new TopicTracker();

        var assignment = tracker.Add(Post("a", 0, "！！！……的了吗 123"));

        Assert.Equal(AssignmentOutcome.NoTerms, assignment.Outcome);
        Assert.Null(assignment.Topic);
        Assert.Empty(tracker.Snapshot(TimeSpan.FromHours(1), T0.AddMinutes(1)).Topics);
    }

    [Fact]
    public void Add_WhenIdRepeatsOrPostIsOlderThanTheLargestWindow_RefusesIt()
    {
        var tracker = new TopicTracker();
        tracker.Add(Post("a", 0, "安置点缺水"));
        tracker.Add(Post("b", 7 * 60, "安置点还是缺水"));

        Assert.Equal(AssignmentOutcome.Duplicate, tracker.Add(Post("b", 7 * 60 + 1, "安置点还是缺水")).Outcome);
        Assert.Equal(AssignmentOutcome.TooLate, tracker.Add(Post("c", 30, "安置点缺水")).Outcome);
        Assert.Equal(1, tracker.Snapshot(TimeSpan.FromHours(6), T0.AddHours(7)).Topics.Sum(t => t.Volume));
    }

    [Fact]
    public void Snapshot_CountsVolumeGrowthNegativeShareAndRegionsPerWindow()
    {
        var tracker = new TopicTracker();
        tracker.Add(Post("p1", 10, "安置点缺水，饮用水不够", SentimentLabel.Negative, "R1"));
        tracker.Add(Post("p2", 20, "安置点缺水，请求送饮用水", SentimentLabel.Neutral, "R1"));
        for (var i = 0; i < 6; i++)
        {
            tracker.Add(Post($"n{i}", 70 + i, $"安置点缺水{i + 1}天了，饮用水不够", i < 3 ? SentimentLabel.Negative : SentimentLabel.Neutral, i < 4 ? "R2" : null));
        }

        var topic = Assert.Single(tracker.Snapshot(TimeSpan.FromHours(1), T0.AddHours(2)).Topics);

        Assert.Equal(6, topic.Volume);
        Assert.Equal(2, topic.PreviousVolume);
        Assert.Equal(2.0, topic.Growth);
        Assert.Equal(0.5, topic.NegativeShare);
        Assert.Equal(0.5, topic.PreviousNegativeShare);
        Assert.Equal([new RegionCount("R2", 4), new RegionCount(null, 2)], topic.Regions);
        Assert.Contains("缺水", topic.Label);
        Assert.Contains("物资短缺", topic.Label); // the concern's own word, which 缺水 also counts as (TopicWords)
        Assert.InRange(topic.Label.Count, 3, 5);
        Assert.Equal(8, tracker.Snapshot(TimeSpan.FromHours(6), T0.AddHours(2)).Topics.Single().Volume);
    }

    [Fact]
    public void Snapshot_RepresentativesAreClosestToTheCentreAndOnePerGroupOfReposts()
    {
        var tracker = new TopicTracker();
        var original = "3号线东湖站地铁被困，车厢进水，水已经到腰了";
        tracker.Add(Post("o", 0, original));
        tracker.Add(Post("r1", 1, "转发：" + original));
        tracker.Add(Post("r2", 2, original + " 求扩散"));
        tracker.Add(Post("x", 3, "东湖站地铁停运，乘客被困车厢，求救援"));
        tracker.Add(Post("y", 4, "地铁隧道进水，我们被困在车厢里"));

        var topic = Assert.Single(tracker.Snapshot(TimeSpan.FromHours(1), T0.AddMinutes(30)).Topics);

        Assert.Equal(5, topic.Volume);
        Assert.Equal(3, topic.Representatives.Count);
        Assert.Single(topic.Representatives, r => r.Id is "o" or "r1" or "r2");
        Assert.True(topic.Representatives[0].Similarity >= topic.Representatives[1].Similarity);
    }

    [Fact]
    public void Expire_WhenPostsLeaveTheWindows_TopicsExpireAndSnapshotsEmpty()
    {
        var tracker = new TopicTracker();
        tracker.Add(Post("a", 0, "独居老人停电两天，没人上门"));
        tracker.Add(Post("b", 5, "独居老人停电了，社区没人上门"));
        Assert.Equal(1, tracker.TopicCount);

        tracker.Expire(T0.AddHours(2));
        Assert.Empty(tracker.Snapshot(TimeSpan.FromHours(1), T0.AddHours(2)).Topics);
        Assert.Equal(2, tracker.Snapshot(TimeSpan.FromHours(6), T0.AddHours(2)).Topics.Sum(t => t.Volume));

        tracker.Expire(T0.AddHours(6.5));
        Assert.Equal(0, tracker.TopicCount);
        Assert.Empty(tracker.Snapshot(TimeSpan.FromHours(6), T0.AddHours(6.5)).Topics);

        tracker.Expire(T0.AddHours(13));
        Assert.Equal(0, tracker.PostCount);
    }

    [Fact]
    public void Snapshot_WhenWindowExceedsTheLargestConfigured_Throws()
    {
        var tracker = new TopicTracker();

        Assert.Throws<ArgumentOutOfRangeException>(() => tracker.Snapshot(TimeSpan.FromHours(7), T0));
        Assert.Throws<ArgumentOutOfRangeException>(() => tracker.Snapshot(TimeSpan.Zero, T0));
        Assert.Throws<ArgumentException>(() => new TopicTracker(new TopicTrackerOptions { JoinThreshold = 0 }));
    }

    [Fact]
    public void Add_WhenTwoTopicsGrowAlike_MergesThemAndResolvesTheAbsorbedId()
    {
        // Two topics start apart (the second post shares too little with the first), then posts that join both sides
        // make their centres alike; the maintenance round merges them.
        var tracker = new TopicTracker(new TopicTrackerOptions { JoinThreshold = 0.5, MergeThreshold = 0.3 });
        var a = tracker.Add(Post("a", 0, "体育馆安置点缺水"));
        var b = tracker.Add(Post("b", 1, "饮用水短缺"));
        Assert.NotEqual(a.Topic, b.Topic);
        for (var i = 0; i < 4; i++)
        {
            tracker.Add(Post($"a{i}", 2 + i, "体育馆安置点缺水 饮用水短缺"));
            tracker.Add(Post($"b{i}", 2 + i, "饮用水短缺 体育馆安置点缺水"));
        }

        tracker.Expire(T0.AddMinutes(10));

        Assert.Equal(tracker.Resolve(a.Topic!.Value), tracker.Resolve(b.Topic!.Value));
        Assert.Equal(10, tracker.Snapshot(TimeSpan.FromHours(1), T0.AddMinutes(10)).Topics.Single().Volume);
    }

    [Fact]
    public void Add_SameStreamTwice_GivesTheSameTopics()
    {
        var posts = RainstormFeed.Generate(hours: 3, postsPerHour: 300, seed: 4);

        var first = new RainstormFeed(posts);
        var second = new RainstormFeed(posts);

        Assert.Equal(first.Assignments, second.Assignments);
        var a = first.Tracker.Snapshot(TimeSpan.FromHours(1), first.End).Topics;
        var b = second.Tracker.Snapshot(TimeSpan.FromHours(1), second.End).Topics;
        Assert.Equal(a.Select(t => (t.Id, t.LabelText, t.Volume, t.NegativeShare)), b.Select(t => (t.Id, t.LabelText, t.Volume, t.NegativeShare)));
        Assert.Equal(a.SelectMany(t => t.Representatives.Select(r => r.Id)), b.SelectMany(t => t.Representatives.Select(r => r.Id)));
    }

    [Fact]
    public void Snapshot_TakenEveryMinute_MatchesOneTakenOnlyAtTheEnd()
    {
        // Summaries of topics whose window did not change are kept between snapshots; a tracker snapshotted every
        // minute must end where one never snapshotted before does, to the last representative and region.
        var posts = RainstormFeed.Generate(hours: 4, postsPerHour: 400, seed: 11);
        var watched = new TopicTracker();
        var unwatched = new TopicTracker();
        var next = posts[0].At.AddMinutes(1);
        var kept = 0;
        foreach (var post in posts)
        {
            while (post.At >= next)
            {
                kept += watched.Snapshot(TimeSpan.FromHours(1), next).Topics.Count + watched.Snapshot(TimeSpan.FromHours(6), next).Topics.Count;
                next = next.AddMinutes(1);
            }

            watched.Add(RainstormFeed.ForTopics(post));
            unwatched.Add(RainstormFeed.ForTopics(post));
        }

        Assert.True(kept > 1000);
        foreach (var window in new[] { TimeSpan.FromHours(1), TimeSpan.FromHours(6) })
        {
            foreach (var now in new[] { posts[^1].At, posts[^1].At.AddMinutes(30) })
            {
                Assert.Equal(Describe(unwatched.Snapshot(window, now)), Describe(watched.Snapshot(window, now)));
            }
        }

        static List<string> Describe(TopicSnapshot snapshot) => [.. snapshot.Topics.Select(t => string.Join(" | ",
            t.Id, t.LabelText, t.Volume, t.PreviousVolume, t.NegativeShare, t.PreviousNegativeShare, t.FirstPostAt, t.LastPostAt,
            string.Join(",", t.Representatives.Select(r => $"{r.Id}:{r.Similarity}")),
            string.Join(",", t.Regions.Select(r => $"{r.Region}:{r.Posts}"))))];
    }
}
