namespace CrisisOps.Text.Duplicates;

/// <summary>
/// Puts each post into a repost group: the group of the nearest earlier post within
/// <see cref="SimHashIndex{T}.MaxDistance"/>, or a new group named by the post. Only a group's first post is indexed,
/// so a flood of ten thousand copies is one entry, and a copy that is exactly the same after canonicalisation is
/// found by a dictionary lookup before any fingerprint is computed. Groups whose latest post is older than a
/// caller-given time can be dropped (<see cref="Expire"/>) so memory follows the live window, not the whole history.
/// Safe to call from several threads; posts are grouped in the order they are added.
/// </summary>
public sealed class RepostGrouper
{
    private readonly Lock _lock = new();
    private readonly SimHashIndex<RepostGroup> _index = new();
    private readonly Dictionary<string, RepostGroup> _byCanonical = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RepostGroup> _byId = new(StringComparer.Ordinal);

    /// <summary>The number of groups held.</summary>
    public int GroupCount
    {
        get
        {
            lock (_lock)
            {
                return _byId.Count;
            }
        }
    }

    /// <summary>Adds a post. The caller keeps post ids unique (ingest is idempotent by source id before this).</summary>
    public RepostAssignment Add(string postId, string text, DateTimeOffset at)
    {
        ArgumentException.ThrowIfNullOrEmpty(postId);
        ArgumentNullException.ThrowIfNull(text);
        var canonical = RepostText.Canonical(text);
        // An empty canonical form (only emoji or links) is keyed by the raw text, so only identical such posts meet.
        var key = canonical.Length > 0 ? canonical : "\0" + text;
        lock (_lock)
        {
            if (_byCanonical.TryGetValue(key, out var same))
            {
                return Join(postId, same, at, 0);
            }
        }

        var fingerprint = RepostFingerprint.OfCanonical(canonical, text);
        lock (_lock)
        {
            if (_byCanonical.TryGetValue(key, out var same))
            {
                return Join(postId, same, at, 0);
            }

            var near = canonical.Length > 0 ? _index.Nearest(fingerprint) : null;
            if (near is { } found)
            {
                return Join(postId, found.Value, at, found.Distance);
            }

            if (_byId.ContainsKey(postId))
            {
                throw new ArgumentException($"Post id {postId} already names a group.", nameof(postId));
            }

            var group = new RepostGroup(postId, fingerprint, key, at);
            _byCanonical[key] = group;
            _byId[postId] = group;
            if (canonical.Length > 0)
            {
                _index.Add(fingerprint, group);
            }

            return new RepostAssignment(postId, postId, true, 1, 0);
        }
    }

    /// <summary>The group with this id (its first post's id), or null.</summary>
    public RepostGroup? Group(string groupId)
    {
        lock (_lock)
        {
            return _byId.GetValueOrDefault(groupId);
        }
    }

    /// <summary>Drops the groups whose latest post is before <paramref name="before"/>; answers how many were dropped.</summary>
    public int Expire(DateTimeOffset before)
    {
        lock (_lock)
        {
            var old = _byId.Values.Where(g => g.LastAt < before).ToList();
            foreach (var group in old)
            {
                _byId.Remove(group.Id);
                _byCanonical.Remove(group.Canonical);
                _index.Remove(group.Fingerprint, group);
            }

            return old.Count;
        }
    }

    private static RepostAssignment Join(string postId, RepostGroup group, DateTimeOffset at, int distance)
    {
        group.Count++;
        if (at > group.LastAt)
        {
            group.LastAt = at;
        }

        return new RepostAssignment(postId, group.Id, false, group.Count, distance);
    }
}
