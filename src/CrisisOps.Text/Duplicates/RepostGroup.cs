namespace CrisisOps.Text.Duplicates;

/// <summary>
/// Posts that are one post reposted: named by its first post's id, with how many posts it holds and when the first and
/// latest arrived.
/// </summary>
public sealed class RepostGroup
{
    internal RepostGroup(string id, RepostFingerprint fingerprint, string canonical, DateTimeOffset at)
    {
        Id = id;
        Fingerprint = fingerprint;
        Canonical = canonical;
        FirstAt = at;
        LastAt = at;
        Count = 1;
    }

    /// <summary>The id of the group's first post.</summary>
    public string Id { get; }

    public int Count { get; internal set; }

    public DateTimeOffset FirstAt { get; }

    public DateTimeOffset LastAt { get; internal set; }

    internal RepostFingerprint Fingerprint { get; }

    internal string Canonical { get; }
}

/// <summary>Where a post went: its group, whether it started it, the group's count with it, and its distance to the group's first post.</summary>
public sealed record RepostAssignment(string PostId, string GroupId, bool StartedGroup, int GroupCount, int Distance);
