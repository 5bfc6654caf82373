namespace CrisisOps.Text.Topics;

/// <summary>
/// One post as the topic tracker needs it. <see cref="Words"/> may carry the caller's tokens (already segmented for
/// sentiment); when null the tracker takes <see cref="TopicWords.Of(string)"/> of the text. <see cref="Region"/> is the region
/// code the caller resolved, or null when the post has no location.
/// </summary>
public sealed record PostForTopics(
    string Id,
    DateTimeOffset At,
    string Text,
    SentimentLabel Tone,
    double SentimentScore = 0,
    string? Region = null,
    IReadOnlyList<string>? Words = null);

/// <summary>A topic's number within one tracker; numbers are not reused.</summary>
public readonly record struct TopicId(long Value)
{
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>What happened to a post given to <see cref="TopicTracker.Add"/>.</summary>
public enum AssignmentOutcome
{
    /// <summary>Joined the most similar topic.</summary>
    Joined,

    /// <summary>Was like no topic and started one.</summary>
    Started,

    /// <summary>Had no topic words (only punctuation, numbers or stop words): counted nowhere.</summary>
    NoTerms,

    /// <summary>Older than the largest window behind the newest post seen: too late to count.</summary>
    TooLate,

    /// <summary>A post with this id is already held.</summary>
    Duplicate,
}

/// <summary>The topic a post went to (null unless Joined or Started) and its cosine similarity to the topic's centre.</summary>
public sealed record TopicAssignment(string PostId, DateTimeOffset At, AssignmentOutcome Outcome, TopicId? Topic, double Similarity);
