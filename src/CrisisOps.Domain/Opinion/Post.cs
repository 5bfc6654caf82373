namespace CrisisOps.Domain.Opinion;

/// <summary>Where a post came from: what the public wrote on social media, in comments, to the hotline, or what the news said.</summary>
public enum PostKind
{
    Social = 1,
    Comment = 2,
    Hotline = 3,
    News = 4,
}

/// <summary>The tone a sentiment model gave a post (the interface says 负面 / 中性 / 正面).</summary>
public enum PostTone
{
    Negative = 1,
    Neutral = 2,
    Positive = 3,
}

/// <summary>
/// One post taken in by opinion monitoring (舆情监测). Idempotent by (<see cref="Source"/>, <see cref="SourceId"/>): a
/// source that sends a post again changes nothing. Read once at ingest (language, tone, topic words); grouped with its
/// reposts and given a topic by the opinion worker, in the order of <see cref="Id"/>.
/// </summary>
/// <remarks>
/// The author is the pseudonym the source gives (a handle or a hash), never a name or contact; it is shown only to
/// those who read opinion. <see cref="RegionCode"/> is where the post is about: its location's region when it has one,
/// the region the source names, or else the sender's own region (<see cref="Located"/> false) — unlocated posts do not
/// count toward a region's risk.
/// </remarks>
public sealed class Post
{
    public const int MaxSourceLength = 100;
    public const int MaxSourceIdLength = 200;
    public const int MaxAuthorLength = 100;

    private Post() { }

    public Post(ValidPost item, DateTimeOffset now, string by)
    {
        ArgumentNullException.ThrowIfNull(item);
        Source = item.Source;
        SourceId = item.SourceId;
        Kind = item.Kind;
        Author = item.Author;
        PostedAt = item.PostedAt;
        Text = item.Text;
        Language = item.Language;
        RegionCode = item.Region.Code;
        RegionPath = item.Region.Path;
        Located = item.Located;
        Latitude = item.Latitude;
        Longitude = item.Longitude;
        Tone = item.Tone;
        Score = item.Score;
        Model = item.Model;
        Terms = string.Join(' ', item.TopicWords);
        ReceivedAt = now;
        ReceivedBy = by;
    }

    /// <summary>Order of arrival: the worker groups and assigns posts in this order.</summary>
    public long Id { get; private set; }

    public string Source { get; private set; } = "";

    public string SourceId { get; private set; } = "";

    public PostKind Kind { get; private set; }

    public string? Author { get; private set; }

    public DateTimeOffset PostedAt { get; private set; }

    /// <summary>The text as analysed (Unicode-normalised, at most 5,000 characters).</summary>
    public string Text { get; private set; } = "";

    /// <summary><c>zh</c> or <c>en</c>.</summary>
    public string Language { get; private set; } = "";

    public string RegionCode { get; private set; } = "";

    public string RegionPath { get; private set; } = "";

    /// <summary>True when the region comes from the post (a location or a region it names), not from who sent it.</summary>
    public bool Located { get; private set; }

    public double? Latitude { get; private set; }

    public double? Longitude { get; private set; }

    public PostTone Tone { get; private set; }

    /// <summary>The model's score in [-1, 1].</summary>
    public double Score { get; private set; }

    /// <summary>The model that judged it, name and version.</summary>
    public string Model { get; private set; } = "";

    /// <summary>The topic words, space-separated, so the worker can rebuild its topics after a restart without segmenting again.</summary>
    public string Terms { get; private set; } = "";

    public DateTimeOffset ReceivedAt { get; private set; }

    public string ReceivedBy { get; private set; } = "";

    /// <summary>The first post of its repost group (itself when it is the first); null until the worker has seen it.</summary>
    public long? RepostOf { get; private set; }

    /// <summary>How many posts its group holds, kept on the group's first post (1 for a post never reposted).</summary>
    public int GroupSize { get; private set; } = 1;

    /// <summary>The topic it was assigned to; null until the worker has seen it, or when it had no topic words or came too late.</summary>
    public Guid? TopicId { get; private set; }

    public DateTimeOffset? AssignedAt { get; private set; }

    public IReadOnlyList<string> TopicWords => WordsOf(Terms);

    /// <summary>The topic words stored space-separated in <see cref="Terms"/> (for queries that read the column alone).</summary>
    public static IReadOnlyList<string> WordsOf(string terms) => terms.Length == 0 ? [] : terms.Split(' ');

    /// <summary>The worker's verdict on the post (topic may be null).</summary>
    public void Assign(long repostOf, Guid? topicId, DateTimeOffset now)
    {
        RepostOf = repostOf;
        TopicId = topicId;
        AssignedAt = now;
    }

    public void CountGroup(int size) => GroupSize = Math.Max(1, size);
}
