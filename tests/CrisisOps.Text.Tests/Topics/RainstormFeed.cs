using CrisisOps.Text.Synthetic;
using CrisisOps.Text.Topics;

namespace CrisisOps.Text.Tests.Topics;

/// <summary>Plays a generated stream into a tracker, taking a 1 h snapshot every five minutes of feed time.</summary>
internal sealed class RainstormFeed
{
    public static readonly DateTimeOffset Start = new(2026, 7, 20, 6, 0, 0, TimeSpan.FromHours(8));

    public static readonly string[] Regions = ["ZZ-01", "ZZ-02", "ZZ-03", "ZZ-04", "ZZ-05"];

    public RainstormFeed(IReadOnlyList<GeneratedPost> posts, TopicTrackerOptions? options = null, SpikeDetector? detector = null,
        TimeSpan? snapshotEvery = null)
    {
        Posts = posts;
        Tracker = new TopicTracker(options);
        var every = snapshotEvery ?? TimeSpan.FromMinutes(5);
        var nextSnapshot = posts.Count > 0 ? posts[0].At + every : default;
        foreach (var post in posts)
        {
            while (detector is not null && post.At >= nextSnapshot)
            {
                Flags.AddRange(detector.Observe(Tracker.Snapshot(TimeSpan.FromHours(1), nextSnapshot)));
                nextSnapshot += every;
            }

            Assignments.Add(Tracker.Add(ForTopics(post)));
        }
    }

    public IReadOnlyList<GeneratedPost> Posts { get; }

    public TopicTracker Tracker { get; }

    public List<TopicAssignment> Assignments { get; } = [];

    public List<SpikeFlag> Flags { get; } = [];

    public DateTimeOffset End => Posts[^1].At;

    public static PostForTopics ForTopics(GeneratedPost post) => new(post.Id, post.At, post.Text, post.Tone, Region: post.Region);

    public static IReadOnlyList<GeneratedPost> Generate(int hours = 8, int postsPerHour = 600, IReadOnlyList<ExtraText>? extras = null,
        int extraPerHour = 0, int seed = 9) =>
        CrisisPostGenerator.Generate(new CrisisStreamOptions
        {
            Start = Start, Hours = hours, Regions = Regions, PostsPerHour = postsPerHour, Seed = seed,
            ExtraTexts = extras ?? [], ExtraPerHour = extraPerHour,
        });

    /// <summary>What the generator meant the posts of a topic to be about, counted over the window.</summary>
    public Dictionary<CrisisConcern, int> ConcernsOf(TopicId topic, TimeSpan window, DateTimeOffset now)
    {
        var byId = Posts.ToDictionary(p => p.Id, p => p.Concern, StringComparer.Ordinal);
        return Tracker.PostsOf(topic, window, now).GroupBy(id => byId[id]).ToDictionary(g => g.Key, g => g.Count());
    }
}
