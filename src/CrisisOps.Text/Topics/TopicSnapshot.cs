namespace CrisisOps.Text.Topics;

/// <summary>The topics with posts in one window ending at <see cref="At"/>, busiest first.</summary>
public sealed record TopicSnapshot(DateTimeOffset At, TimeSpan Window, IReadOnlyList<TopicSummary> Topics);

/// <summary>
/// One topic seen through a window: its label (top terms of the posts in the window), representative posts (closest to
/// its centre, one per group of reposts), volume in the window and in the window of equal length before it, and the
/// share of negative posts in each.
/// </summary>
public sealed record TopicSummary(
    TopicId Id,
    IReadOnlyList<string> Label,
    IReadOnlyList<TopicPost> Representatives,
    int Volume,
    int PreviousVolume,
    double NegativeShare,
    double PreviousNegativeShare,
    IReadOnlyList<RegionCount> Regions,
    DateTimeOffset FirstPostAt,
    DateTimeOffset LastPostAt)
{
    /// <summary>Relative change of volume against the previous window: (now − before) / max(before, 1). 2 = tripled.</summary>
    public double Growth => (Volume - PreviousVolume) / (double)Math.Max(PreviousVolume, 1);

    /// <summary>The label as one line, terms joined by " / ".</summary>
    public string LabelText => string.Join(" / ", Label);
}

/// <summary>A post shown for a topic.</summary>
public sealed record TopicPost(string Id, DateTimeOffset At, string Text, string? Region, SentimentLabel Tone, double Similarity);

/// <summary>Posts of a topic in one region (null: posts without a location).</summary>
public sealed record RegionCount(string? Region, int Posts);
