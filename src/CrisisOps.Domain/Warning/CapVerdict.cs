using System.Diagnostics.CodeAnalysis;

namespace CrisisOps.Domain.Warning;

/// <summary>What <see cref="CapReader"/> made of a document. Only <see cref="Valid"/> is accepted.</summary>
public enum CapVerdictKind
{
    /// <summary>A CAP 1.2 alert that passes the OASIS schema and our checks of its geometry.</summary>
    Valid,

    /// <summary>A CAP 1.2 alert that fails the OASIS schema (missing element, wrong order, bad value…).</summary>
    SchemaInvalid,

    /// <summary>Passes the schema but cannot mean what it says: a polygon that is not a closed ring, coordinates out of range, an unreadable reference…</summary>
    SemanticallyInvalid,

    /// <summary>The root is an <c>alert</c> in a namespace that is no CAP version.</summary>
    WrongNamespace,

    /// <summary>CAP 1.0 or 1.1, or a CAP alert wrapped in an EDXL-DE distribution envelope.</summary>
    OtherVersion,

    /// <summary>Well-formed XML, but not a CAP alert at all (e.g. an Atom feed).</summary>
    NotCap,

    /// <summary>The document carries a DTD (the door to XXE and entity-expansion attacks); it is never processed.</summary>
    Unsafe,

    /// <summary>Not well-formed XML, or in an encoding the platform does not know.</summary>
    Malformed,

    /// <summary>Larger than <see cref="CapReader.MaxDocumentBytes"/>.</summary>
    TooLarge,
}

/// <summary>
/// The outcome of reading one CAP document. When <see cref="Accepted"/> is false,
/// <see cref="Reasons"/> says why (with line numbers where the parser gives them) and there is no
/// alert. <see cref="Warnings"/> note what an accepted alert needed tolerance for (e.g. the
/// deprecated certainty <c>Very Likely</c>).
/// </summary>
public sealed record CapVerdict
{
    private CapVerdict(CapVerdictKind kind, IReadOnlyList<string> reasons, IReadOnlyList<string> warnings, CapAlert? alert)
    {
        Kind = kind;
        Reasons = reasons;
        Warnings = warnings;
        Alert = alert;
    }

    public CapVerdictKind Kind { get; }

    [MemberNotNullWhen(true, nameof(Alert))]
    public bool Accepted => Kind == CapVerdictKind.Valid;

    /// <summary>Why the document was rejected; empty when accepted.</summary>
    public IReadOnlyList<string> Reasons { get; }

    /// <summary>What an accepted alert was forgiven; empty when nothing was.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>The alert, when accepted.</summary>
    public CapAlert? Alert { get; }

    public static CapVerdict Valid(CapAlert alert, IReadOnlyList<string> warnings)
    {
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentNullException.ThrowIfNull(warnings);
        return new CapVerdict(CapVerdictKind.Valid, [], warnings, alert);
    }

    /// <exception cref="ArgumentException"><paramref name="kind"/> is <see cref="CapVerdictKind.Valid"/>, or there is no reason.</exception>
    public static CapVerdict Rejected(CapVerdictKind kind, IReadOnlyList<string> reasons)
    {
        ArgumentNullException.ThrowIfNull(reasons);
        if (kind == CapVerdictKind.Valid)
        {
            throw new ArgumentException("A rejection needs a kind other than Valid.", nameof(kind));
        }

        if (reasons.Count == 0)
        {
            throw new ArgumentException("A rejection needs at least one reason.", nameof(reasons));
        }

        return new CapVerdict(kind, reasons, [], null);
    }

    public static CapVerdict Rejected(CapVerdictKind kind, string reason) => Rejected(kind, [reason]);
}
