namespace CrisisOps.Text.Topics;

/// <summary>
/// How the tracker clusters. Defaults were tuned on the synthetic rainstorm stream (docs/opinion-topics.md).
/// </summary>
public sealed record TopicTrackerOptions
{
    /// <summary>The windows snapshots may ask for (1 h and 6 h). Posts are kept for twice the largest, for growth.</summary>
    public IReadOnlyList<TimeSpan> Windows { get; init; } = [TimeSpan.FromHours(1), TimeSpan.FromHours(6)];

    /// <summary>A post joins the most similar topic when its cosine to the topic's centre reaches this.</summary>
    public double JoinThreshold { get; init; } = 0.2;

    /// <summary>Two topics whose centres reach this cosine become one at the next maintenance.</summary>
    public double MergeThreshold { get; init; } = 0.3;

    /// <summary>How much feed time passes between maintenance rounds (expiry, merging).</summary>
    public TimeSpan MaintenanceEvery { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Terms in a topic's label.</summary>
    public int LabelTerms { get; init; } = 5;

    /// <summary>Representative posts per topic in a snapshot.</summary>
    public int RepresentativePosts { get; init; } = 3;

    /// <summary>
    /// Two posts are a repost and its source when this share of the shorter one's terms is in the other: only one of
    /// them represents a topic.
    /// </summary>
    public double RepostSimilarity { get; init; } = 0.9;

    /// <summary>The largest window: what a topic's centre and the document frequencies cover.</summary>
    public TimeSpan LargestWindow => Windows.Max();

    /// <summary>Throws <see cref="ArgumentException"/> for options that cannot work.</summary>
    public void Validate()
    {
        if (Windows.Count == 0 || Windows.Any(w => w <= TimeSpan.Zero))
        {
            throw new ArgumentException("At least one window, each longer than zero, is needed.", nameof(Windows));
        }

        if (JoinThreshold is <= 0 or > 1 || MergeThreshold is <= 0 or > 1 || RepostSimilarity is <= 0 or > 1)
        {
            throw new ArgumentException("Similarity thresholds lie in (0, 1].");
        }

        if (MaintenanceEvery <= TimeSpan.Zero || LabelTerms < 1 || RepresentativePosts < 1)
        {
            throw new ArgumentException("Maintenance interval, label terms and representative posts must be positive.");
        }
    }
}
