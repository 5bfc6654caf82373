using CrisisOps.Text.Duplicates;
using CrisisOps.Text.Topics;

namespace CrisisOps.Text.Posts;

/// <summary>A post as the stream takes it: analysed already (<see cref="PostAnalyser"/>), with the region its location gave.</summary>
public sealed record StreamedPost(
    string Id,
    DateTimeOffset At,
    string Text,
    SentimentLabel Tone,
    double Score,
    string? Region,
    IReadOnlyList<string> TopicWords)
{
    public static StreamedPost Of(string id, DateTimeOffset at, PostAnalysis analysis, string? region)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        return new(id, at, analysis.Tokens.Text, analysis.Sentiment.Label, analysis.Sentiment.Score, region, analysis.TopicWords);
    }
}

/// <summary>Where one post went: its repost group and its topic.</summary>
public sealed record StreamAssignment(string PostId, RepostAssignment Repost, TopicAssignment Topic);

/// <summary>The stream as of <see cref="At"/>: a snapshot per window and the spikes that began since the last review.</summary>
public sealed record StreamReview(DateTimeOffset At, IReadOnlyList<TopicSnapshot> Snapshots, IReadOnlyList<SpikeFlag> Spikes)
{
    /// <summary>The snapshot of one of the configured windows.</summary>
    public TopicSnapshot Window(TimeSpan window) => Snapshots.First(s => s.Window == window);
}

/// <summary>
/// The stateful half of the opinion pipeline: groups reposts (<see cref="RepostGrouper"/>), assigns topics
/// (<see cref="TopicTracker"/>) and flags spikes (<see cref="SpikeDetector"/>, one per window). Posts go in in the order
/// they are to be counted; <see cref="Review"/> takes stock on the live clock. One thread at a time: the server runs one
/// stream per process that holds the worker's turn, the benchmark one per run.
/// </summary>
public sealed class OpinionStream
{
    private readonly RepostGrouper _reposts = new();
    private readonly TopicTracker _topics;
    private readonly TopicTrackerOptions _options;
    private readonly Dictionary<TimeSpan, SpikeDetector> _spikes;

    public OpinionStream(TopicTrackerOptions? options = null, SpikeThresholds? thresholds = null)
    {
        _options = options ?? new TopicTrackerOptions();
        _topics = new TopicTracker(_options);
        _spikes = _options.Windows.Distinct().ToDictionary(w => w, _ => new SpikeDetector(thresholds));
    }

    /// <summary>The topic tracker, for reading (resolving merged topics, posts of a topic).</summary>
    public TopicTracker Topics => _topics;

    public IReadOnlyList<TimeSpan> Windows => _options.Windows;

    /// <summary>Adds a post: its repost group, then its topic (reposts count in a topic's volume, as each was read by someone).</summary>
    public StreamAssignment Add(StreamedPost post)
    {
        ArgumentNullException.ThrowIfNull(post);
        var repost = _reposts.Add(post.Id, post.Text, post.At);
        var topic = _topics.Add(new PostForTopics(post.Id, post.At, post.Text, post.Tone, post.Score, post.Region, post.TopicWords));
        return new StreamAssignment(post.Id, repost, topic);
    }

    /// <summary>
    /// Takes stock as of <paramref name="now"/>: drops what has left the windows (topics, and repost groups quiet for
    /// twice the largest window), snapshots each window, and flags the spikes that begin now. Call it in time order.
    /// </summary>
    public StreamReview Review(DateTimeOffset now, int minimumVolume = 1)
    {
        _topics.Expire(now);
        _reposts.Expire(now - (2 * _options.LargestWindow));
        var snapshots = _options.Windows.Distinct().Select(w => _topics.Snapshot(w, now, minimumVolume)).ToList();
        var spikes = snapshots.SelectMany(s => _spikes[s.Window].Observe(s)).ToList();
        return new StreamReview(now, snapshots, spikes);
    }
}
