namespace CrisisOps.Domain.Warning;

/// <summary>CAP <c>status</c>: the code denoting the appropriate handling of the alert.</summary>
public enum CapStatus
{
    Actual,
    Exercise,
    System,
    Test,
    Draft,
}

/// <summary>CAP <c>msgType</c>: the nature of the alert message.</summary>
public enum CapMessageType
{
    Alert,
    Update,
    Cancel,
    Ack,
    Error,
}

/// <summary>CAP <c>scope</c>: who may see the alert.</summary>
public enum CapScope
{
    Public,
    Restricted,
    Private,
}

/// <summary>CAP <c>category</c> of the subject event.</summary>
public enum CapCategory
{
    Geo,
    Met,
    Safety,
    Security,
    Rescue,
    Fire,
    Health,
    Env,
    Transport,
    Infra,
    CBRNE,
    Other,
}

/// <summary>CAP <c>responseType</c>: the action recommended for the audience.</summary>
public enum CapResponseType
{
    Shelter,
    Evacuate,
    Prepare,
    Execute,
    Avoid,
    Monitor,
    Assess,
    AllClear,
    None,
}

/// <summary>CAP <c>urgency</c>: how soon responsive action should be taken.</summary>
public enum CapUrgency
{
    Immediate,
    Expected,
    Future,
    Past,
    Unknown,
}

/// <summary>CAP <c>severity</c>: how bad the subject event is.</summary>
public enum CapSeverity
{
    Extreme,
    Severe,
    Moderate,
    Minor,
    Unknown,
}

/// <summary>
/// CAP <c>certainty</c>. The value <c>Very Likely</c> of CAP 1.0/1.1, deprecated since, is read
/// as <see cref="Likely"/>.
/// </summary>
public enum CapCertainty
{
    Observed,
    Likely,
    Possible,
    Unlikely,
    Unknown,
}

/// <summary>
/// A CAP <c>valueName</c>/<c>value</c> pair, as eventCode, parameter and geocode use it
/// (e.g. <c>SAME</c> = <c>006109</c>). Value names are chosen by the sender's community.
/// </summary>
public sealed record CapValuePair(string ValueName, string Value);

/// <summary>
/// One earlier message an alert refers to: CAP <c>references</c> holds them as space-separated
/// <c>sender,identifier,sent</c> triples.
/// </summary>
public sealed record CapReference(string Sender, string Identifier, DateTimeOffset Sent);

/// <summary>A CAP <c>resource</c>: a file with further information (image, audio, map…).</summary>
public sealed record CapResource
{
    /// <summary><c>resourceDesc</c>: what the resource is, for people.</summary>
    public required string Description { get; init; }

    /// <summary><c>mimeType</c>, as the sender wrote it (e.g. <c>image/gif</c>).</summary>
    public required string MimeType { get; init; }

    /// <summary><c>size</c> in bytes, when given.</summary>
    public long? Size { get; init; }

    /// <summary><c>uri</c>: absolute, or relative to name the embedded <see cref="DerefUri"/> content.</summary>
    public Uri? Uri { get; init; }

    /// <summary><c>derefUri</c>: the resource itself, base64-encoded, when embedded in the message.</summary>
    public string? DerefUri { get; init; }

    /// <summary><c>digest</c>: the SHA-1 hash of the resource, hex-encoded, when given.</summary>
    public string? Digest { get; init; }
}

/// <summary>
/// A CAP <c>area</c>: where the info applies, as free text and as polygons, circles and geocodes.
/// An area may carry none of the three (then only <see cref="AreaDesc"/> says where).
/// </summary>
public sealed record CapArea
{
    /// <summary><c>areaDesc</c>: the area in words.</summary>
    public required string AreaDesc { get; init; }

    public required IReadOnlyList<CapPolygon> Polygons { get; init; }

    public required IReadOnlyList<CapCircle> Circles { get; init; }

    /// <summary>Geographic codes (e.g. SAME, UGC, a national region code).</summary>
    public required IReadOnlyList<CapValuePair> Geocodes { get; init; }

    /// <summary><c>altitude</c> in feet above mean sea level (the lower bound when <see cref="Ceiling"/> is given).</summary>
    public double? Altitude { get; init; }

    /// <summary><c>ceiling</c> in feet above mean sea level: the upper bound of the area.</summary>
    public double? Ceiling { get; init; }
}

/// <summary>A CAP <c>info</c> block: the event, its assessment and where it applies, in one language.</summary>
public sealed record CapInfo
{
    /// <summary>RFC 3066 language of this block; CAP's default when absent is <c>en-US</c>.</summary>
    public required string Language { get; init; }

    /// <summary>At least one category (the schema requires it).</summary>
    public required IReadOnlyList<CapCategory> Categories { get; init; }

    /// <summary><c>event</c>: the type of the subject event, in words (e.g. "SEVERE THUNDERSTORM").</summary>
    public required string Event { get; init; }

    public required IReadOnlyList<CapResponseType> ResponseTypes { get; init; }

    public required CapUrgency Urgency { get; init; }

    public required CapSeverity Severity { get; init; }

    public required CapCertainty Certainty { get; init; }

    public string? Audience { get; init; }

    public required IReadOnlyList<CapValuePair> EventCodes { get; init; }

    /// <summary>When the information takes effect; CAP says: when absent, at <see cref="CapAlert.Sent"/>.</summary>
    public DateTimeOffset? Effective { get; init; }

    /// <summary>Expected start of the subject event.</summary>
    public DateTimeOffset? Onset { get; init; }

    /// <summary>When the information stops being valid.</summary>
    public DateTimeOffset? Expires { get; init; }

    public string? SenderName { get; init; }

    public string? Headline { get; init; }

    public string? Description { get; init; }

    public string? Instruction { get; init; }

    public Uri? Web { get; init; }

    public string? Contact { get; init; }

    public required IReadOnlyList<CapValuePair> Parameters { get; init; }

    public required IReadOnlyList<CapResource> Resources { get; init; }

    public required IReadOnlyList<CapArea> Areas { get; init; }
}

/// <summary>A CAP 1.2 <c>alert</c> message, read and validated by <see cref="CapReader"/>.</summary>
public sealed record CapAlert
{
    /// <summary>The sender's identifier of this message; unique together with <see cref="Sender"/>.</summary>
    public required string Identifier { get; init; }

    public required string Sender { get; init; }

    /// <summary>When the message was sent, with the sender's offset (CAP writes <c>-00:00</c> for UTC).</summary>
    public required DateTimeOffset Sent { get; init; }

    public required CapStatus Status { get; init; }

    public required CapMessageType MsgType { get; init; }

    public required CapScope Scope { get; init; }

    public string? Source { get; init; }

    /// <summary>Who may see a <see cref="CapScope.Restricted"/> alert, in words.</summary>
    public string? Restriction { get; init; }

    /// <summary>Recipients of a <see cref="CapScope.Private"/> alert, as CAP writes them (space-separated; multi-word names in quotes).</summary>
    public string? Addresses { get; init; }

    /// <summary>Special handling codes (e.g. <c>IPAWSv1.0</c>).</summary>
    public required IReadOnlyList<string> Code { get; init; }

    public string? Note { get; init; }

    /// <summary>The earlier messages this one updates, cancels or answers.</summary>
    public required IReadOnlyList<CapReference> References { get; init; }

    /// <summary>Related incidents, as CAP writes them (space-separated; multi-word names in quotes).</summary>
    public string? Incidents { get; init; }

    /// <summary>The info blocks, one per language or per event; may be empty (e.g. a Cancel or an Ack).</summary>
    public required IReadOnlyList<CapInfo> Infos { get; init; }
}
