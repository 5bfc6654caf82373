using CrisisOps.Domain.Warning;

namespace CrisisOps.Domain.Alerts;

/// <summary>Where an alert stands in its workflow (not CAP's <c>status</c>, which says how to handle the message).</summary>
public enum AlertStage
{
    /// <summary>Being written; may still change.</summary>
    Draft,

    /// <summary>Handed in for approval; approvals are being collected.</summary>
    Submitted,

    /// <summary>All approvals arrived: published and handed to delivery. Final.</summary>
    Released,

    /// <summary>Taken back before release. Final.</summary>
    Withdrawn,
}

/// <summary>One language's content of an alert, as a CAP <c>info</c> block carries it.</summary>
public sealed record AlertInfo(
    string Language,
    CapCategory Category,
    string Event,
    CapUrgency Urgency,
    CapSeverity Severity,
    CapCertainty Certainty,
    string Headline,
    string Description,
    string? Instruction,
    DateTimeOffset? Expires);

/// <summary>One approval: who and when. Names only, as the journal holds them.</summary>
public sealed record AlertApproval(string By, DateTimeOffset At);

/// <summary>A region an alert covers (its whole subtree), with the names the CAP <c>areaDesc</c> is written from.</summary>
public sealed class AlertRegion
{
    private AlertRegion() { }

    public AlertRegion(string code, string path, string nameZh, string nameEn)
    {
        Code = code;
        Path = path;
        NameZh = nameZh;
        NameEn = nameEn;
    }

    public Guid AlertId { get; private set; }

    public string Code { get; private set; } = "";

    public string Path { get; private set; } = "";

    public string NameZh { get; private set; } = "";

    public string NameEn { get; private set; } = "";
}

/// <summary>What a composer writes; checked by <see cref="Alert"/>'s constructor.</summary>
public sealed record AlertDraft(
    CapStatus Status,
    CapMessageType MsgType,
    CapScope Scope,
    string? Restriction,
    WarningTier Tier,
    string? Hazard,
    IReadOnlyList<AlertRegion> Regions,
    IReadOnlyList<AlertInfo> Infos,
    IReadOnlyList<CapReference> References);

/// <summary>
/// An outgoing public alert (CAP 1.2): composed, submitted, approved by people allowed at every region it
/// covers (two different people for the Emergency tier, configurable) and released at the last approval.
/// The composer never approves their own alert. Released alerts are final: a correction is an Update, a
/// retraction a Cancel, each a new alert referring to this one.
/// </summary>
public sealed class Alert
{
    public const int MaxIdentifierLength = 200;
    public const int MaxEventLength = 200;

    /// <summary>CAP advises headlines under 160 characters so they fit a text message.</summary>
    public const int MaxHeadlineLength = 160;

    public const int MaxDescriptionLength = 4000;
    public const int MaxInstructionLength = 2000;
    public const int MaxRestrictionLength = 500;
    public const int MaxReasonLength = 1000;
    public const int MaxRegions = 50;
    public const int MaxHazardLength = 64;

    /// <summary>The languages an alert is written in; zh-CN first (the default for delivery).</summary>
    public static readonly IReadOnlyList<string> Languages = ["zh-CN", "en"];

    private Alert() { }

    /// <exception cref="DomainException">An empty area or info, a language twice or unknown, a message type that
    /// needs references without them (or the reverse), or an Ack/Error message type.</exception>
    public Alert(Guid id, string identifier, string sender, AlertDraft draft, string composedBy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(draft);
        Check(draft);
        Id = id;
        Identifier = identifier;
        Sender = sender;
        Status = draft.Status;
        MsgType = draft.MsgType;
        Scope = draft.Scope;
        Restriction = draft.Restriction;
        Tier = draft.Tier;
        Hazard = draft.Hazard;
        Regions = [.. draft.Regions];
        Infos = [.. draft.Infos.OrderBy(i => IndexOf(i.Language))];
        References = [.. draft.References];
        Stage = AlertStage.Draft;
        ComposedBy = composedBy;
        ComposedAt = now;
    }

    public Guid Id { get; private set; }

    /// <summary>CAP <c>identifier</c>: unique for this sender.</summary>
    public string Identifier { get; private set; } = "";

    /// <summary>CAP <c>sender</c>, from configuration at the time of composing.</summary>
    public string Sender { get; private set; } = "";

    public CapStatus Status { get; private set; }

    public CapMessageType MsgType { get; private set; }

    public CapScope Scope { get; private set; }

    public string? Restriction { get; private set; }

    /// <summary>The warning tier the alert announces: decides the approvals needed and the CAP severity by default.</summary>
    public WarningTier Tier { get; private set; }

    public string? Hazard { get; private set; }

    public List<AlertRegion> Regions { get; private set; } = [];

    public List<AlertInfo> Infos { get; private set; } = [];

    /// <summary>Earlier released alerts this Update or Cancel refers to.</summary>
    public List<CapReference> References { get; private set; } = [];

    public AlertStage Stage { get; private set; }

    public string ComposedBy { get; private set; } = "";

    public DateTimeOffset ComposedAt { get; private set; }

    public DateTimeOffset? SubmittedAt { get; private set; }

    /// <summary>How many different approvers release it; fixed at submission.</summary>
    public int ApprovalsRequired { get; private set; }

    public List<AlertApproval> Approvals { get; private set; } = [];

    /// <summary>CAP <c>sent</c>: the moment of release, to the second (CAP carries no fractions).</summary>
    public DateTimeOffset? Sent { get; private set; }

    /// <summary>The CAP document as published (signed when signing is configured); fixed at release.</summary>
    public string? CapXml { get; private set; }

    public string? WithdrawnBy { get; private set; }

    public DateTimeOffset? WithdrawnAt { get; private set; }

    public string? WithdrawReason { get; private set; }

    public int Version { get; private set; }

    /// <summary>Exercise, system, test and draft messages are marked as such to everyone who receives them.</summary>
    public bool IsExercise => Status != CapStatus.Actual;

    /// <summary>CAP's reference triple naming this alert, once released.</summary>
    public CapReference? AsReference => Sent is { } sent ? new CapReference(Sender, Identifier, sent) : null;

    /// <summary>Hands the alert in for approval.</summary>
    /// <exception cref="DomainException">Not a draft (409).</exception>
    public void Submit(int approvalsRequired, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(approvalsRequired, 1);
        Refuse(new AlertMustBeInStageRule(this, AlertStage.Draft, "submitted"));
        Stage = AlertStage.Submitted;
        SubmittedAt = now;
        ApprovalsRequired = approvalsRequired;
        Version++;
    }

    /// <summary>Records an approval; the last one needed releases the alert (<see cref="Sent"/> is set).</summary>
    /// <returns>True when this approval released the alert.</returns>
    /// <exception cref="DomainException">Not submitted, the composer approving, or the same person approving twice (all 409).</exception>
    public bool Approve(string by, DateTimeOffset now)
    {
        Refuse(new AlertMustBeInStageRule(this, AlertStage.Submitted, "approved"));
        Refuse(new ComposerCannotApproveOwnAlertRule(this, by));
        Refuse(new ApproverApprovesOnceRule(this, by));
        Approvals = [.. Approvals, new AlertApproval(by, now)];
        Version++;
        if (Approvals.Count < ApprovalsRequired)
        {
            return false;
        }

        Stage = AlertStage.Released;
        Sent = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
        return true;
    }

    /// <summary>Stores the published CAP document (made from this alert at release).</summary>
    /// <exception cref="DomainException">Not released.</exception>
    public void Publish(string capXml)
    {
        Refuse(new AlertMustBeInStageRule(this, AlertStage.Released, "published"));
        CapXml = capXml;
    }

    /// <summary>Takes back an alert before release.</summary>
    /// <exception cref="DomainException">Already released or withdrawn (409): a released alert is retracted by a Cancel.</exception>
    public void Withdraw(string by, string? reason, DateTimeOffset now)
    {
        if (Stage is AlertStage.Released or AlertStage.Withdrawn)
        {
            throw DomainException.Conflict("alert-not-withdrawable", Stage == AlertStage.Released
                ? "A released alert cannot be withdrawn; compose a Cancel that refers to it."
                : "The alert is already withdrawn.");
        }

        Stage = AlertStage.Withdrawn;
        WithdrawnBy = by;
        WithdrawnAt = now;
        WithdrawReason = reason;
        Version++;
    }

    /// <summary>The info block in <paramref name="language"/>, else the first.</summary>
    public AlertInfo InfoFor(string language) =>
        Infos.FirstOrDefault(i => string.Equals(i.Language, language, StringComparison.OrdinalIgnoreCase)) ?? Infos[0];

    /// <summary>The workflow's rules are about the alert's state, so a broken one is a conflict (409).</summary>
    private static void Refuse(IBusinessRule rule)
    {
        if (rule.IsBroken())
        {
            throw DomainException.Conflict(rule.Code, rule.Message);
        }
    }

    private static int IndexOf(string language) =>
        Languages.Select((l, i) => (l, i)).First(x => string.Equals(x.l, language, StringComparison.Ordinal)).i;

    private static void Check(AlertDraft draft)
    {
        if (draft.Regions.Count == 0)
        {
            throw new DomainException("alert-without-area", "An alert needs an area: at least one region.");
        }

        if (draft.Infos.Count == 0)
        {
            throw new DomainException("alert-without-info", "An alert needs at least one info block (zh-CN and/or en).");
        }

        if (draft.MsgType is not (CapMessageType.Alert or CapMessageType.Update or CapMessageType.Cancel))
        {
            throw new DomainException("unsupported-message-type", "An outgoing alert is an Alert, an Update or a Cancel.");
        }

        if (draft.MsgType == CapMessageType.Alert ? draft.References.Count > 0 : draft.References.Count == 0)
        {
            throw new DomainException("alert-references", draft.MsgType == CapMessageType.Alert
                ? "A new Alert refers to no earlier alert; an Update or a Cancel does."
                : $"An {draft.MsgType} must name the earlier alerts it updates or cancels.");
        }

        foreach (var info in draft.Infos)
        {
            if (!Languages.Contains(info.Language, StringComparer.Ordinal))
            {
                throw new DomainException("unsupported-language", $"Info blocks are written in {string.Join(" or ", Languages)}.");
            }
        }

        if (draft.Infos.Select(i => i.Language).Distinct(StringComparer.Ordinal).Count() != draft.Infos.Count)
        {
            throw new DomainException("duplicate-language", "One info block per language.");
        }

        if (draft.Regions.Select(r => r.Code).Distinct(StringComparer.Ordinal).Count() != draft.Regions.Count)
        {
            throw new DomainException("duplicate-region", "Each region once.");
        }
    }
}

/// <summary>An alert moves only from the stage a step expects.</summary>
public sealed record AlertMustBeInStageRule(Alert Alert, AlertStage Expected, string Step) : IBusinessRule
{
    public string Code => "alert-stage";

    public string Message => $"Only a {Word(Expected)} alert can be {Step}; this one is {Word(Alert.Stage)}.";

    private static string Word(AlertStage stage) => stage switch
    {
        AlertStage.Draft => "draft",
        AlertStage.Submitted => "submitted",
        AlertStage.Released => "released",
        _ => "withdrawn",
    };

    public bool IsBroken() => Alert.Stage != Expected;
}

/// <summary>Four eyes: whoever wrote the alert does not approve it.</summary>
public sealed record ComposerCannotApproveOwnAlertRule(Alert Alert, string Approver) : IBusinessRule
{
    public string Code => "own-alert";

    public string Message => "You composed this alert; someone else must approve it.";

    public bool IsBroken() => string.Equals(Alert.ComposedBy, Approver, StringComparison.Ordinal);
}

/// <summary>Two approvals mean two people: the same approver counts once.</summary>
public sealed record ApproverApprovesOnceRule(Alert Alert, string Approver) : IBusinessRule
{
    public string Code => "already-approved";

    public string Message => "You have already approved this alert; another approver is needed.";

    public bool IsBroken() => Alert.Approvals.Any(a => string.Equals(a.By, Approver, StringComparison.Ordinal));
}
