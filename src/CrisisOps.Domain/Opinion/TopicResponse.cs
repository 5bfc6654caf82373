namespace CrisisOps.Domain.Opinion;

/// <summary>How a topic was answered.</summary>
public enum ResponseKind
{
    /// <summary>A published release (通报) of an incident, named by its number.</summary>
    Release = 1,

    /// <summary>An answer of the hotline's answer base, or a hotline statement.</summary>
    Hotline = 2,
}

/// <summary>
/// An analyst's link from a topic to the public answer it got. The topic's negative share before the answer is kept with
/// it; the share after is read from the topic's hours, so the effect of an answer can be followed (the rainstorm case:
/// 40 % → 5 %).
/// </summary>
public sealed class TopicResponse
{
    public const int MaxTextLength = 2_000;
    public const int MaxReferenceLength = 64;

    private TopicResponse() { }

    public TopicResponse(Guid id, Guid topicId, ResponseKind kind, string? reference, string text, double negativeShareBefore, int postsBefore,
        DateTimeOffset now, string by)
    {
        Id = id;
        TopicId = topicId;
        Kind = kind;
        Reference = reference;
        Text = text;
        NegativeShareBefore = negativeShareBefore;
        PostsBefore = postsBefore;
        At = now;
        By = by;
    }

    public Guid Id { get; private set; }

    public Guid TopicId { get; private set; }

    public ResponseKind Kind { get; private set; }

    /// <summary>The release number (for a release) or the answer's title (hotline); null for a statement given in the text only.</summary>
    public string? Reference { get; private set; }

    /// <summary>What the answer says, in short, as the analyst links it.</summary>
    public string Text { get; private set; } = "";

    /// <summary>The topic's negative share in the six hours before the answer, and its posts then.</summary>
    public double NegativeShareBefore { get; private set; }

    public int PostsBefore { get; private set; }

    public DateTimeOffset At { get; private set; }

    public string By { get; private set; } = "";
}
