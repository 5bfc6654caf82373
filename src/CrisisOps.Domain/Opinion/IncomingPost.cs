using CrisisOps.Domain.Warning;

namespace CrisisOps.Domain.Opinion;

/// <summary>A post as it arrives (JSON batch or webhook); every field may be missing or wrong.</summary>
public sealed record IncomingPost(
    string? Source,
    string? SourceId,
    string? Kind,
    string? Author,
    DateTimeOffset? Time,
    string? Text,
    string? Language,
    double? Latitude,
    double? Longitude,
    string? Region);

/// <summary>What text analysis made of a post's text (the text library's reading, in the domain's words).</summary>
public sealed record PostReading(string Text, string Language, PostTone Tone, double Score, string Model, IReadOnlyList<string> TopicWords);

/// <summary>A post that passed every check, ready to store.</summary>
public sealed record ValidPost(
    string Source,
    string SourceId,
    PostKind Kind,
    string? Author,
    DateTimeOffset PostedAt,
    string Text,
    string Language,
    RecordRegion Region,
    bool Located,
    double? Latitude,
    double? Longitude,
    PostTone Tone,
    double Score,
    string Model,
    IReadOnlyList<string> TopicWords);

/// <summary>Why one post was refused: its position in the batch, its source id, a stable code and a message.</summary>
public sealed record PostRejection(int Index, string? SourceId, string Code, string Message);

/// <summary>Where a post's region comes from, as <see cref="PostRules"/> asks the caller.</summary>
public interface IPostRegions
{
    /// <summary>The region of ours at a point, if the sender may post for it; null otherwise.</summary>
    RecordRegion? At(double latitude, double longitude);

    /// <summary>The region with this code, if the sender may post for it; null otherwise.</summary>
    RecordRegion? Named(string code);

    /// <summary>The sender's own region, for posts that say nothing of where; null when the sender holds it nowhere single.</summary>
    RecordRegion? Sender { get; }
}

/// <summary>
/// The rules a post must pass before it is stored (docs/opinion.md, "Ingest"): a source (1–100 characters) and a source
/// id (1–200) — the pair is the post's identity, so no pair twice in a batch —, a kind (social, comment, hotline, news;
/// social when missing), an author pseudonym of at most 100 characters, a time not in the future, text that analyses
/// (read by the caller for the item at an index — the costly part, done in parallel beforehand: valid Unicode, 1–5,000 characters, Chinese or English), and a location inside
/// our regions (latitude and longitude together) or a region code of ours, both where the sender may post.
/// </summary>
public static class PostRules
{
    public static (IReadOnlyList<ValidPost> Accepted, IReadOnlyList<PostRejection> Rejected) Check(IReadOnlyList<IncomingPost?> items,
        IPostRegions regions, Func<int, (PostReading? Reading, string? Code, string? Message)> read, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(regions);
        ArgumentNullException.ThrowIfNull(read);
        var accepted = new List<ValidPost>(items.Count);
        var rejected = new List<PostRejection>();
        var seen = new HashSet<(string, string)>();
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var (valid, code, message) = item is null ? (null, "post-missing", "null instead of a post.") : One(item, regions, () => read(i), now);
            if (valid is not null && !seen.Add((valid.Source, valid.SourceId)))
            {
                (valid, code, message) = (null, "post-duplicate-in-batch", "the same source and source id appear earlier in this batch.");
            }

            if (valid is null)
            {
                rejected.Add(new PostRejection(i, item?.SourceId, code!, message!));
            }
            else
            {
                accepted.Add(valid);
            }
        }

        return (accepted, rejected);
    }

    private static (ValidPost?, string?, string?) One(IncomingPost item, IPostRegions regions,
        Func<(PostReading? Reading, string? Code, string? Message)> read, DateTimeOffset now)
    {
        var source = item.Source?.Trim();
        if (string.IsNullOrEmpty(source) || source.Length > Post.MaxSourceLength)
        {
            return (null, "post-source", $"missing source (1–{Post.MaxSourceLength} characters), e.g. weibo or hotline.");
        }

        var sourceId = item.SourceId?.Trim();
        if (string.IsNullOrEmpty(sourceId) || sourceId.Length > Post.MaxSourceIdLength)
        {
            return (null, "post-source-id", $"missing sourceId (1–{Post.MaxSourceIdLength} characters): the post's id at its source.");
        }

        PostKind kind;
        if (string.IsNullOrWhiteSpace(item.Kind))
        {
            kind = PostKind.Social;
        }
        else if (!Enum.TryParse(item.Kind.Trim(), ignoreCase: true, out kind) || !Enum.IsDefined(kind) || int.TryParse(item.Kind, out _))
        {
            return (null, "post-kind", $"unknown kind '{item.Kind}': social, comment, hotline or news.");
        }

        var author = string.IsNullOrWhiteSpace(item.Author) ? null : item.Author.Trim();
        if (author is { Length: > Post.MaxAuthorLength })
        {
            return (null, "post-author", $"author pseudonym longer than {Post.MaxAuthorLength} characters.");
        }

        if (item.Time is not { } time)
        {
            return (null, "post-time", "missing time (when the post was written).");
        }

        if (time > now + ReadingRules.ClockSkew)
        {
            return (null, "post-time-future", FormattableString.Invariant($"time {time:O} is in the future."));
        }

        var (where, located, problem) = Where(item, regions);
        if (problem is not null)
        {
            return (null, problem.Value.Code, problem.Value.Message);
        }

        var (reading, code, message) = read();
        if (reading is null)
        {
            return (null, code ?? "text-invalid", message ?? "the text cannot be analysed.");
        }

        return (new ValidPost(source, sourceId, kind, author, time.ToUniversalTime(), reading.Text, reading.Language, where!, located,
            located && item.Latitude is not null ? item.Latitude : null, located && item.Longitude is not null ? item.Longitude : null,
            reading.Tone, reading.Score, reading.Model, reading.TopicWords), null, null);
    }

    private static (RecordRegion? Region, bool Located, (string Code, string Message)? Problem) Where(IncomingPost item, IPostRegions regions)
    {
        if (item.Latitude is not null || item.Longitude is not null)
        {
            if (item.Latitude is not { } lat || item.Longitude is not { } lon)
            {
                return (null, false, ("post-location", "latitude and longitude go together."));
            }

            if (!double.IsFinite(lat) || !double.IsFinite(lon) || lat is < -90 or > 90 || lon is < -180 or > 180)
            {
                return (null, false, ("post-location", FormattableString.Invariant($"location {lat}, {lon} is not on Earth.")));
            }

            return regions.At(lat, lon) is { } at
                ? (at, true, null)
                : (null, false, ("post-location-outside", FormattableString.Invariant($"location {lat}, {lon} is in none of our regions you may post for.")));
        }

        if (!string.IsNullOrWhiteSpace(item.Region))
        {
            return regions.Named(item.Region.Trim()) is { } named
                ? (named, true, null)
                : (null, false, ("post-region", $"unknown region '{item.Region.Trim()}' (or outside your jurisdiction)."));
        }

        return regions.Sender is { } sender
            ? (sender, false, null)
            : (null, false, ("post-region-needed", "the post has no location or region, and you post for several regions: name one."));
    }
}
