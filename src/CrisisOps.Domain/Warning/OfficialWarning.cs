using System.Globalization;

namespace CrisisOps.Domain.Warning;

/// <summary>Where an official warning stands, apart from time: issued, replaced by an update, or cancelled.</summary>
public enum OfficialWarningState
{
    Issued = 1,

    /// <summary>A later alert of msgType Update names this one in its references.</summary>
    Superseded,

    /// <summary>A later alert of msgType Cancel names this one in its references.</summary>
    Cancelled,
}

/// <summary>
/// An official warning (官方预警) from a meteorological, hydrological or geological service, kept as
/// received: a valid CAP 1.2 alert, what CrisisOps read from it, and the regions of ours it covers.
/// Unique by (sender, identifier, sent), the triple by which CAP messages refer to each other.
/// </summary>
/// <remarks>
/// An alert may carry several info blocks (one per language, or per event). The warning keeps the
/// most severe block's severity, urgency and certainty, every block's event (so a rule matching
/// "暴雨" or "rainstorm" finds a zh-CN/en-US pair either way), the earliest effective time and the
/// latest expiry. Only <see cref="CapStatus.Actual"/> alerts of type Alert or Update feed the risk
/// map (<see cref="FeedsRisk"/>); exercises are kept and marked, tests, system messages and drafts
/// only kept.
/// </remarks>
public sealed class OfficialWarning
{
    /// <summary>The raw document is kept up to this size (alerts with embedded audio are larger; their parsed form is kept anyway).</summary>
    public const int MaxRawBytes = 512 * 1024;

    /// <summary>An alert without an expiry counts as in force for this long after it takes effect (until an update or cancel ends it earlier).</summary>
    public static readonly TimeSpan DefaultValidity = TimeSpan.FromHours(24);

    public const int MaxTextLength = 2000;

    private OfficialWarning() { }

    /// <param name="id">Chosen by the caller (version-7 GUID from the injected clock).</param>
    /// <param name="alert">The alert as <see cref="CapReader"/> read it (accepted).</param>
    /// <param name="raw">The document as received; kept when at most <see cref="MaxRawBytes"/>.</param>
    /// <param name="source"><c>upload</c>, or the URL of the feed it came from.</param>
    /// <param name="regions">The regions of ours its areas cover (leaf regions); may be empty.</param>
    /// <param name="home">The region the warning is filed under (the lowest region covering all of <paramref name="regions"/>), or null.</param>
    /// <param name="now">When it was received.</param>
    /// <param name="receivedBy">The uploading user's name, or <c>system</c> for a feed.</param>
    public OfficialWarning(Guid id, CapAlert alert, byte[] raw, string source, IReadOnlyList<RecordRegion> regions, RecordRegion? home,
        DateTimeOffset now, string receivedBy)
    {
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentNullException.ThrowIfNull(raw);
        ArgumentNullException.ThrowIfNull(regions);
        Id = id;
        Sender = alert.Sender;
        Identifier = alert.Identifier;
        Sent = alert.Sent.ToUniversalTime();
        Status = alert.Status;
        MsgType = alert.MsgType;
        var lead = alert.Infos.OrderByDescending(i => SeverityScore(i.Severity)).FirstOrDefault();
        Event = Clip(lead?.Event ?? "");
        Events = [.. alert.Infos.Select(i => Clip(i.Event)).Where(e => e.Length > 0).Distinct(StringComparer.Ordinal)];
        Severity = lead?.Severity ?? CapSeverity.Unknown;
        Urgency = lead?.Urgency ?? CapUrgency.Unknown;
        Certainty = lead?.Certainty ?? CapCertainty.Unknown;
        Effective = alert.Infos.Select(i => (i.Effective ?? alert.Sent).ToUniversalTime()).DefaultIfEmpty(Sent).Min();
        Onset = alert.Infos.Select(i => i.Onset?.ToUniversalTime()).Where(o => o is not null).Min();
        Expires = alert.Infos.Count > 0 && alert.Infos.All(i => i.Expires is not null) ? alert.Infos.Max(i => i.Expires!.Value).ToUniversalTime() : null;
        ValidUntil = Expires ?? Effective + DefaultValidity;
        HeadlineZh = ClipOrNull(alert.Infos.FirstOrDefault(i => IsLanguage(i, "zh") && i.Headline is not null)?.Headline);
        HeadlineEn = ClipOrNull((alert.Infos.FirstOrDefault(i => IsLanguage(i, "en") && i.Headline is not null)
            ?? alert.Infos.FirstOrDefault(i => !IsLanguage(i, "zh") && i.Headline is not null))?.Headline);
        AreaDesc = Clip(string.Join("; ", alert.Infos.SelectMany(i => i.Areas).Select(a => a.AreaDesc.Trim()).Distinct(StringComparer.Ordinal)));
        References = [.. alert.References.Select(r => Key(r.Sender, r.Identifier, r.Sent))];
        Source = source;
        ReceivedAt = now;
        ReceivedBy = receivedBy;
        RawSize = raw.Length;
        RawXml = raw.Length <= MaxRawBytes ? raw : null;
        RegionCode = home?.Code;
        RegionPath = home?.Path;
        Regions = [.. regions.Select(r => new OfficialWarningRegion(id, r.Code, r.Path))];
        State = OfficialWarningState.Issued;
    }

    public Guid Id { get; private set; }

    public string Sender { get; private set; } = "";

    public string Identifier { get; private set; } = "";

    /// <summary>When the sender sent it, in UTC.</summary>
    public DateTimeOffset Sent { get; private set; }

    public CapStatus Status { get; private set; }

    public CapMessageType MsgType { get; private set; }

    /// <summary>The most severe info block's event, as written (e.g. 暴雨红色预警).</summary>
    public string Event { get; private set; } = "";

    /// <summary>Every info block's event, in every language given; rules match these.</summary>
    public List<string> Events { get; private set; } = [];

    public CapSeverity Severity { get; private set; }

    public CapUrgency Urgency { get; private set; }

    public CapCertainty Certainty { get; private set; }

    /// <summary>When it takes effect (CAP: when no block says, at <see cref="Sent"/>).</summary>
    public DateTimeOffset Effective { get; private set; }

    /// <summary>When the event itself is expected to begin, when given.</summary>
    public DateTimeOffset? Onset { get; private set; }

    /// <summary>The expiry as the alert gives it (the latest of its blocks), or null when a block gives none.</summary>
    public DateTimeOffset? Expires { get; private set; }

    /// <summary>Until when it counts as in force: <see cref="Expires"/>, or <see cref="DefaultValidity"/> after <see cref="Effective"/>.</summary>
    public DateTimeOffset ValidUntil { get; private set; }

    public string? HeadlineZh { get; private set; }

    /// <summary>The English headline, or when there is none the headline in the alert's other language (not Chinese).</summary>
    public string? HeadlineEn { get; private set; }

    public string AreaDesc { get; private set; } = "";

    /// <summary>The earlier messages it refers to, as <see cref="Key(string, string, DateTimeOffset)"/> texts.</summary>
    public List<string> References { get; private set; } = [];

    /// <summary><c>upload</c>, or the feed URL it was polled from.</summary>
    public string Source { get; private set; } = "";

    public DateTimeOffset ReceivedAt { get; private set; }

    /// <summary>The user who uploaded it, or <c>system</c> for a feed.</summary>
    public string ReceivedBy { get; private set; } = "";

    /// <summary>The document as received, when at most <see cref="MaxRawBytes"/>.</summary>
    public byte[]? RawXml { get; private set; }

    public int RawSize { get; private set; }

    /// <summary>The lowest region covering every region of the warning (journal entries are filed there); null when it covers none of ours.</summary>
    public string? RegionCode { get; private set; }

    public string? RegionPath { get; private set; }

    public List<OfficialWarningRegion> Regions { get; private set; } = [];

    public OfficialWarningState State { get; private set; }

    /// <summary>When an update or cancel ended it.</summary>
    public DateTimeOffset? EndedAt { get; private set; }

    /// <summary>The warning whose update or cancel ended it.</summary>
    public Guid? EndedBy { get; private set; }

    public bool IsExercise => Status == CapStatus.Exercise;

    /// <summary>Only real alerts and their updates drive tiers: an exercise, test, system message, draft, ack or error does not.</summary>
    public bool FeedsRisk => Feeds(Status, MsgType);

    /// <summary>
    /// In force at <paramref name="time"/>: an alert or update (a cancel, ack or error message is never
    /// in force itself), effective, not yet expired, not superseded or cancelled by then.
    /// </summary>
    public bool IsInForceAt(DateTimeOffset time) => InForce(MsgType, Effective, ValidUntil, EndedAt, time);

    /// <summary>Whether a message of this status and type drives tiers (see <see cref="FeedsRisk"/>), for code that reads the fields without the entity.</summary>
    public static bool Feeds(CapStatus status, CapMessageType msgType) =>
        status == CapStatus.Actual && msgType is CapMessageType.Alert or CapMessageType.Update;

    /// <summary>Whether a warning with these fields is in force at <paramref name="time"/> (see <see cref="IsInForceAt"/>).</summary>
    public static bool InForce(CapMessageType msgType, DateTimeOffset effective, DateTimeOffset validUntil, DateTimeOffset? endedAt, DateTimeOffset time) =>
        msgType is CapMessageType.Alert or CapMessageType.Update && effective <= time && time < validUntil && (endedAt is null || time < endedAt);

    /// <summary>The text by which CAP refers to a message: <c>sender,identifier,sent</c>, sent in UTC.</summary>
    public static string Key(string sender, string identifier, DateTimeOffset sent) =>
        string.Create(CultureInfo.InvariantCulture, $"{sender},{identifier},{sent.ToUniversalTime():yyyy-MM-dd'T'HH:mm:ss'Z'}");

    public string Key() => Key(Sender, Identifier, Sent);

    /// <summary>
    /// Ends the warning because a later message replaces (Update) or cancels (Cancel) it. An ending
    /// is final: a second one changes nothing and answers false, so the caller can report it.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="by"/> is neither an Update nor a Cancel.</exception>
    public bool EndBy(OfficialWarning by, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(by);
        var state = by.MsgType switch
        {
            CapMessageType.Update => OfficialWarningState.Superseded,
            CapMessageType.Cancel => OfficialWarningState.Cancelled,
            _ => throw new ArgumentException($"Only an Update or a Cancel ends a warning, not {by.MsgType}.", nameof(by)),
        };
        if (State != OfficialWarningState.Issued)
        {
            return false;
        }

        State = state;
        EndedAt = at;
        EndedBy = by.Id;
        return true;
    }

    /// <summary>CAP severity on the tier scale: Minor 1 (blue), Moderate 2 (yellow), Severe 3 (orange), Extreme 4 (red); Unknown 1.</summary>
    public static int SeverityScore(CapSeverity severity) => severity switch
    {
        CapSeverity.Extreme => 4,
        CapSeverity.Severe => 3,
        CapSeverity.Moderate => 2,
        _ => 1,
    };

    private static bool IsLanguage(CapInfo info, string language) =>
        info.Language.StartsWith(language, StringComparison.OrdinalIgnoreCase);

    private static string Clip(string text) => text.Length <= MaxTextLength ? text : text[..MaxTextLength];

    private static string? ClipOrNull(string? text) => text is null ? null : Clip(text.Trim());
}

/// <summary>One region an official warning covers (a leaf region of ours), so queries can scope warnings by jurisdiction.</summary>
public sealed class OfficialWarningRegion
{
    private OfficialWarningRegion() { }

    public OfficialWarningRegion(Guid warningId, string regionCode, string regionPath)
    {
        WarningId = warningId;
        RegionCode = regionCode;
        RegionPath = regionPath;
    }

    public Guid WarningId { get; private set; }

    public string RegionCode { get; private set; } = "";

    public string RegionPath { get; private set; } = "";
}
