namespace CrisisOps.Domain.Opinion;

/// <summary>
/// An analyst's mark on a post that contradicts an official release (谣言): the claim in the analyst's words (never the
/// post itself, so the public page does not spread it), and the release that sets it right. A public mark shows on
/// the public clarifications page with the release.
/// </summary>
public sealed class RumourMark
{
    public const int MaxClaimLength = 500;

    private RumourMark() { }

    public RumourMark(Guid id, long postId, Guid? topicId, string releaseNumber, string claimZh, string? claimEn, bool isPublic,
        string regionCode, string regionPath, DateTimeOffset now, string by)
    {
        Id = id;
        PostId = postId;
        TopicId = topicId;
        ReleaseNumber = releaseNumber;
        ClaimZh = claimZh;
        ClaimEn = claimEn;
        IsPublic = isPublic;
        RegionCode = regionCode;
        RegionPath = regionPath;
        At = now;
        By = by;
    }

    public Guid Id { get; private set; }

    public long PostId { get; private set; }

    public Guid? TopicId { get; private set; }

    /// <summary>The published release the post contradicts.</summary>
    public string ReleaseNumber { get; private set; } = "";

    public string ClaimZh { get; private set; } = "";

    public string? ClaimEn { get; private set; }

    public bool IsPublic { get; private set; }

    public string RegionCode { get; private set; } = "";

    public string RegionPath { get; private set; } = "";

    public DateTimeOffset At { get; private set; }

    public string By { get; private set; } = "";
}
