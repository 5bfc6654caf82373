namespace CrisisOps.Domain.Opinion;

/// <summary>Where a topic stands in the answer loop (每一个关切都有回应).</summary>
public enum TopicStatus
{
    /// <summary>Seen, not (yet) hot: nobody owes it an answer.</summary>
    Watching = 1,

    /// <summary>Spiked in volume or negativity: an answer is owed by a deadline.</summary>
    Hot = 2,

    /// <summary>Linked to a response (a release or a hotline answer).</summary>
    Answered = 3,

    /// <summary>Hot and left unanswered past its deadline: escalated up the region tree.</summary>
    Escalated = 4,

    /// <summary>Became part of another topic (<see cref="OpinionTopic.MergedInto"/>).</summary>
    Merged = 5,
}

/// <summary>
/// A hot topic (热点诉求): posts about one concern, found by the opinion worker's clustering. Its label and figures are
/// refreshed as posts arrive; its answer loop (hot → answered, or escalated) is kept here; its hourly counts are
/// <see cref="TopicHour"/> rows, so its negative share before and after an answer can be read over time.
/// </summary>
/// <remarks>
/// The topic's region is the nearest region that holds all of its located posts (the city when they are spread or
/// none is located): its deadline is owed there and only those who read opinion there see it.
/// </remarks>
public sealed class OpinionTopic
{
    public const int MaxLabelLength = 200;

    private OpinionTopic() { }

    public OpinionTopic(Guid id, string label, string regionCode, string regionPath, DateTimeOffset firstPostAt, DateTimeOffset now)
    {
        Id = id;
        Label = Clip(label);
        RegionCode = regionCode;
        RegionPath = regionPath;
        FirstPostAt = firstPostAt;
        LastPostAt = firstPostAt;
        Status = TopicStatus.Watching;
        UpdatedAt = now;
    }

    public Guid Id { get; private set; }

    /// <summary>Its top terms joined by " / " (e.g. 地铁 / 被困 / 救援).</summary>
    public string Label { get; private set; } = "";

    public string RegionCode { get; private set; } = "";

    public string RegionPath { get; private set; } = "";

    public DateTimeOffset FirstPostAt { get; private set; }

    public DateTimeOffset LastPostAt { get; private set; }

    /// <summary>All posts ever assigned, and the negative ones among them.</summary>
    public int Posts { get; private set; }

    public int NegativePosts { get; private set; }

    /// <summary>Posts in the last hour and the six before the last refresh, and the negative share of the last hour.</summary>
    public int VolumeHour { get; private set; }

    public int VolumeSixHours { get; private set; }

    public double Growth { get; private set; }

    public double NegativeShare { get; private set; }

    /// <summary>Ids of up to three representative posts, comma-separated (one per repost group).</summary>
    public string Representatives { get; private set; } = "";

    public TopicStatus Status { get; private set; }

    public Guid? MergedInto { get; private set; }

    /// <summary>When it last began to spike, and how (volume or negativity).</summary>
    public DateTimeOffset? HotSince { get; private set; }

    public string? SpikeKind { get; private set; }

    public DateTimeOffset? AnsweredAt { get; private set; }

    public DateTimeOffset? EscalatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public int Version { get; private set; }

    public bool IsOpen => Status is TopicStatus.Watching or TopicStatus.Hot or TopicStatus.Escalated;

    /// <summary>One more post: counts and the last time.</summary>
    public void Count(bool negative, DateTimeOffset postedAt)
    {
        Posts++;
        NegativePosts += negative ? 1 : 0;
        if (postedAt > LastPostAt)
        {
            LastPostAt = postedAt;
        }

        if (postedAt < FirstPostAt)
        {
            FirstPostAt = postedAt;
        }
    }

    /// <summary>Takes the worker's latest view of the topic; false (and nothing written) when it is the view already held.</summary>
    public bool Refresh(string label, string regionCode, string regionPath, int hour, int sixHours, double growth, double negativeShare,
        IEnumerable<long> representatives, DateTimeOffset now)
    {
        var shown = string.Join(',', representatives);
        if (Label == Clip(label) && RegionCode == regionCode && VolumeHour == hour && VolumeSixHours == sixHours && Growth.Equals(growth)
            && NegativeShare.Equals(negativeShare) && Representatives == shown)
        {
            return false;
        }

        Label = Clip(label);
        RegionCode = regionCode;
        RegionPath = regionPath;
        VolumeHour = hour;
        VolumeSixHours = sixHours;
        Growth = growth;
        NegativeShare = negativeShare;
        Representatives = shown;
        UpdatedAt = now;
        Version++;
        return true;
    }

    /// <summary>
    /// A spike began. A topic nobody has answered becomes hot (the caller starts its answer deadline when this answers
    /// true); an answered one that spikes again is hot again and owes a new answer.
    /// </summary>
    public bool Spike(string kind, DateTimeOffset now)
    {
        if (Status is TopicStatus.Hot or TopicStatus.Escalated or TopicStatus.Merged)
        {
            return false;
        }

        Status = TopicStatus.Hot;
        HotSince = now;
        SpikeKind = kind;
        UpdatedAt = now;
        Version++;
        return true;
    }

    /// <summary>A response was linked: the topic is answered (also one never hot — answering early is allowed).</summary>
    public void Answer(DateTimeOffset now)
    {
        if (Status == TopicStatus.Merged)
        {
            throw new DomainException("topic-merged", $"Topic {Id} became part of topic {MergedInto}; answer that one.");
        }

        Status = TopicStatus.Answered;
        AnsweredAt = now;
        UpdatedAt = now;
        Version++;
    }

    /// <summary>The answer deadline passed: escalated (stays owed until answered).</summary>
    public void Escalate(DateTimeOffset now)
    {
        if (Status != TopicStatus.Hot)
        {
            return;
        }

        Status = TopicStatus.Escalated;
        EscalatedAt = now;
        UpdatedAt = now;
        Version++;
    }

    public void Merge(Guid into, DateTimeOffset now)
    {
        Status = TopicStatus.Merged;
        MergedInto = into;
        UpdatedAt = now;
        Version++;
    }

    private static string Clip(string label) => label.Length <= MaxLabelLength ? label : label[..MaxLabelLength];
}

/// <summary>Posts of a topic in one clock hour and the negative ones: the series behind its chart and before/after shares.</summary>
public sealed class TopicHour
{
    private TopicHour() { }

    public TopicHour(Guid topicId, DateTimeOffset hourStart)
    {
        TopicId = topicId;
        HourStart = hourStart;
    }

    public Guid TopicId { get; private set; }

    public DateTimeOffset HourStart { get; private set; }

    public int Posts { get; private set; }

    public int Negative { get; private set; }

    public void Count(bool negative)
    {
        Posts++;
        Negative += negative ? 1 : 0;
    }

    /// <summary>The start of the clock hour (UTC) a time falls in.</summary>
    public static DateTimeOffset Of(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
    }
}
