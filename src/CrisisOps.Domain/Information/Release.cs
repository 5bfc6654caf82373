using System.Security.Cryptography;
using CrisisOps.Domain.Command;

namespace CrisisOps.Domain.Information;

public enum ReleaseStatus
{
    Draft = 1,
    Published,
    Withdrawn,
}

/// <summary>A figure in a release, as the public reads it: 转移安置 1,203 人.</summary>
public sealed record ReleaseFigure(string Label, decimal Value, string Unit)
{
    public const int MaxLabelLength = 50;
    public const int MaxUnitLength = 20;

    /// <summary>Figures people count: never negative, below a trillion (a typo, not a disaster).</summary>
    public const decimal MaxValue = 999_999_999_999m;

    public static bool IsValid(string? label, decimal? value, string? unit) =>
        !string.IsNullOrWhiteSpace(label) && label.Length <= MaxLabelLength
        && value is >= 0 and <= MaxValue
        && unit is not null && unit.Length <= MaxUnitLength;
}

/// <summary>What a release says, in Chinese and optionally English.</summary>
public sealed record ReleaseContent(string TitleZh, string TextZh, string? TitleEn, string? TextEn, IReadOnlyList<ReleaseFigure> Figures)
{
    public const int MaxTitleLength = 200;
    public const int MaxTextLength = 10_000;
    public const int MaxFigures = 20;
    public const int MaxPictures = 5;
}

/// <summary>
/// An official statement (官方发布) about an incident. Drafted by one person, approved and published by another
/// (四眼原则: the drafter may not approve their own), then public until withdrawn.
/// </summary>
public sealed class Release
{
    private Release() { }

    /// <exception cref="DomainException">invalid-release when the content breaks the limits.</exception>
    public Release(Guid id, string number, Guid incidentId, string regionCode, string regionPath, bool isExercise, ReleaseContent content,
        DateTimeOffset now, string draftedBy)
    {
        ArgumentNullException.ThrowIfNull(content);
        Check(content);
        Id = id;
        Number = number;
        IncidentId = incidentId;
        RegionCode = regionCode;
        RegionPath = regionPath;
        IsExercise = isExercise;
        TitleZh = content.TitleZh.Trim();
        TextZh = content.TextZh.Trim();
        TitleEn = string.IsNullOrWhiteSpace(content.TitleEn) ? null : content.TitleEn.Trim();
        TextEn = string.IsNullOrWhiteSpace(content.TextEn) ? null : content.TextEn.Trim();
        Figures = [.. content.Figures];
        Status = ReleaseStatus.Draft;
        DraftedAt = now;
        DraftedBy = draftedBy;
    }

    public Guid Id { get; private set; }

    /// <summary>Public number, the incident's number and a sequence: <c>INC-…-R01</c>.</summary>
    public string Number { get; private set; } = "";

    public Guid IncidentId { get; private set; }

    public string RegionCode { get; private set; } = "";

    public string RegionPath { get; private set; } = "";

    public bool IsExercise { get; private set; }

    public string TitleZh { get; private set; } = "";

    public string TextZh { get; private set; } = "";

    public string? TitleEn { get; private set; }

    public string? TextEn { get; private set; }

    public List<ReleaseFigure> Figures { get; private set; } = [];

    public List<ReleasePicture> Pictures { get; private set; } = [];

    public ReleaseStatus Status { get; private set; }

    public DateTimeOffset DraftedAt { get; private set; }

    public string DraftedBy { get; private set; } = "";

    public string? ApprovedBy { get; private set; }

    public DateTimeOffset? PublishedAt { get; private set; }

    public DateTimeOffset? WithdrawnAt { get; private set; }

    public string? WithdrawnBy { get; private set; }

    public string? WithdrawReason { get; private set; }

    public int Version { get; private set; }

    /// <exception cref="DomainException">invalid-release past <see cref="ReleaseContent.MaxPictures"/>.</exception>
    public ReleasePicture AddPicture(Guid id, PhotoFormat format, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(format);
        ArgumentNullException.ThrowIfNull(bytes);
        if (Pictures.Count >= ReleaseContent.MaxPictures)
        {
            throw new DomainException("invalid-release", $"At most {ReleaseContent.MaxPictures} pictures per release.");
        }

        var picture = new ReleasePicture(id, Id, format, bytes);
        Pictures.Add(picture);
        return picture;
    }

    /// <summary>Approves and publishes a draft in one step: the approver's name goes on it.</summary>
    /// <exception cref="DomainException">approve-own-release when the drafter approves; release-not-draft (409) otherwise.</exception>
    public void Publish(string approver, DateTimeOffset now)
    {
        if (Status != ReleaseStatus.Draft)
        {
            throw DomainException.Conflict("release-not-draft", $"Release {Number} is {Status.ToString().ToLowerInvariant()}; only a draft can be published.");
        }

        if (string.Equals(approver, DraftedBy, StringComparison.Ordinal))
        {
            throw new DomainException("approve-own-release", "Another person approves a release: its drafter may not.");
        }

        Status = ReleaseStatus.Published;
        ApprovedBy = approver;
        PublishedAt = now;
        Version++;
    }

    /// <summary>Takes a draft or a published release back; a withdrawn release stays in the record, not on the public site.</summary>
    /// <exception cref="DomainException">release-withdrawn (409) when already withdrawn.</exception>
    public void Withdraw(string actor, string reason, DateTimeOffset now)
    {
        if (Status == ReleaseStatus.Withdrawn)
        {
            throw DomainException.Conflict("release-withdrawn", $"Release {Number} is already withdrawn.");
        }

        Status = ReleaseStatus.Withdrawn;
        WithdrawnAt = now;
        WithdrawnBy = actor;
        WithdrawReason = reason;
        Version++;
    }

    private static void Check(ReleaseContent c)
    {
        if (string.IsNullOrWhiteSpace(c.TitleZh) || c.TitleZh.Length > ReleaseContent.MaxTitleLength
            || string.IsNullOrWhiteSpace(c.TextZh) || c.TextZh.Length > ReleaseContent.MaxTextLength
            || c.TitleEn?.Length > ReleaseContent.MaxTitleLength || c.TextEn?.Length > ReleaseContent.MaxTextLength
            || c.Figures.Count > ReleaseContent.MaxFigures || c.Figures.Any(f => !ReleaseFigure.IsValid(f.Label, f.Value, f.Unit)))
        {
            throw new DomainException("invalid-release", "A release has a Chinese title and text within their limits and valid figures.");
        }
    }
}

/// <summary>A picture in a release, kept with its digest; served to the public once the release is.</summary>
public sealed class ReleasePicture
{
    private ReleasePicture() { }

    internal ReleasePicture(Guid id, Guid releaseId, PhotoFormat format, byte[] bytes)
    {
        Id = id;
        ReleaseId = releaseId;
        ContentType = format.ContentType;
        Size = bytes.Length;
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        Bytes = bytes;
    }

    public Guid Id { get; private set; }

    public Guid ReleaseId { get; private set; }

    public string ContentType { get; private set; } = "";

    public long Size { get; private set; }

    public string Sha256 { get; private set; } = "";

    public byte[] Bytes { get; private set; } = [];
}

/// <summary>How often an incident's headquarters promises a public update; null means no promise after the first release.</summary>
public sealed class ReleaseSchedule
{
    public static readonly TimeSpan MinCadence = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan MaxCadence = TimeSpan.FromHours(24);

    private ReleaseSchedule() { }

    public ReleaseSchedule(Guid incidentId) => IncidentId = incidentId;

    public Guid IncidentId { get; private set; }

    public int? CadenceMinutes { get; private set; }

    public string? SetBy { get; private set; }

    public DateTimeOffset? SetAt { get; private set; }

    public TimeSpan? Cadence => CadenceMinutes is { } m ? TimeSpan.FromMinutes(m) : null;

    /// <exception cref="DomainException">invalid-cadence outside 10 minutes … 24 hours.</exception>
    public void Set(int? minutes, string actor, DateTimeOffset now)
    {
        if (minutes is { } m && (m < MinCadence.TotalMinutes || m > MaxCadence.TotalMinutes))
        {
            throw new DomainException("invalid-cadence", $"A cadence is {MinCadence.TotalMinutes}–{MaxCadence.TotalMinutes} minutes, or none.");
        }

        CadenceMinutes = minutes;
        SetBy = actor;
        SetAt = now;
    }
}
