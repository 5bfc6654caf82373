using System.Globalization;

namespace CrisisOps.Domain.Warning;

/// <summary>
/// How many posts opinion monitoring (舆情) counted for one keyword in one region in one time
/// bucket, from one source. The key is (source, region, keyword, bucket start): posting the same
/// bucket again replaces the count, because monitoring tools recount a bucket as late posts come in.
/// </summary>
public sealed class OpinionCount
{
    public const int MaxKeywordLength = 100;
    public const int MaxSourceLength = 100;
    public const long MaxCount = 1_000_000_000;

    private OpinionCount() { }

    public OpinionCount(ValidOpinionCount item, DateTimeOffset now, string by)
    {
        ArgumentNullException.ThrowIfNull(item);
        Source = item.Source;
        RegionCode = item.Region.Code;
        RegionPath = item.Region.Path;
        Keyword = item.Keyword;
        BucketStart = item.BucketStart;
        Count = item.Count;
        Negative = item.Negative;
        UpdatedAt = now;
        UpdatedBy = by;
    }

    public string Source { get; private set; } = "";

    public string RegionCode { get; private set; } = "";

    public string RegionPath { get; private set; } = "";

    public string Keyword { get; private set; } = "";

    /// <summary>Start of the bucket the posts were counted in (the bucket's length is the source's affair).</summary>
    public DateTimeOffset BucketStart { get; private set; }

    public long Count { get; private set; }

    /// <summary>The negative posts among them, when the source judged tone (our own post pipeline does); else 0.</summary>
    public long Negative { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public string UpdatedBy { get; private set; } = "";

    /// <summary>Takes a recount; false when it is the count already held.</summary>
    public bool Replace(long count, long negative, DateTimeOffset now, string by)
    {
        if (count == Count && negative == Negative)
        {
            return false;
        }

        Count = count;
        Negative = negative;
        UpdatedAt = now;
        UpdatedBy = by;
        return true;
    }
}

/// <summary>A count as it arrives.</summary>
public sealed record IncomingOpinionCount(string? Region, string? Keyword, DateTimeOffset? Time, double? Count, string? Source,
    double? Negative = null);

/// <summary>A count that passed every check.</summary>
public sealed record ValidOpinionCount(string Source, RecordRegion Region, string Keyword, DateTimeOffset BucketStart, long Count,
    long Negative = 0);

/// <summary>Why one count was refused; <c>Index</c> is its position in the batch.</summary>
public sealed record OpinionRejection(int Index, string? Region, string? Keyword, string Reason);

public sealed record OpinionBatchCheck(IReadOnlyList<ValidOpinionCount> Accepted, IReadOnlyList<OpinionRejection> Rejected);

/// <summary>
/// The rules an opinion count must pass: a source (1–100 characters), a region of ours the sender
/// may post for, a keyword (1–100 characters), a bucket start not in the future (read to the whole second), a whole count
/// from 0 to 1,000,000,000, negative posts (optional) from 0 to the count, and no key twice in one batch.
/// </summary>
public static class OpinionCountRules
{
    public static OpinionBatchCheck Check(IReadOnlyList<IncomingOpinionCount> items, Func<string, RecordRegion?> region, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(region);
        var accepted = new List<ValidOpinionCount>(items.Count);
        var rejected = new List<OpinionRejection>();
        var seen = new HashSet<(string, string, string, DateTimeOffset)>();
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var reason = Problem(item, region, now, out var valid);
            if (valid is not null && !seen.Add((valid.Source, valid.Region.Code, valid.Keyword, valid.BucketStart)))
            {
                reason = "the same source, region, keyword and time appear twice in this batch.";
            }

            if (reason is null)
            {
                accepted.Add(valid!);
            }
            else
            {
                rejected.Add(new OpinionRejection(i, item.Region, item.Keyword, reason));
            }
        }

        return new OpinionBatchCheck(accepted, rejected);
    }

    private static string? Problem(IncomingOpinionCount item, Func<string, RecordRegion?> regions, DateTimeOffset now, out ValidOpinionCount? valid)
    {
        valid = null;
        var source = item.Source?.Trim();
        if (string.IsNullOrEmpty(source) || source.Length > OpinionCount.MaxSourceLength)
        {
            return $"missing source (1–{OpinionCount.MaxSourceLength} characters), e.g. the monitoring tool's name.";
        }

        var code = item.Region?.Trim();
        if (string.IsNullOrEmpty(code))
        {
            return "missing region.";
        }

        if (regions(code) is not { } where)
        {
            return $"unknown region '{code}' (or outside your jurisdiction).";
        }

        var keyword = item.Keyword?.Trim();
        if (string.IsNullOrEmpty(keyword) || keyword.Length > OpinionCount.MaxKeywordLength)
        {
            return $"missing keyword (1–{OpinionCount.MaxKeywordLength} characters).";
        }

        if (item.Time is not { } time)
        {
            return "missing time (the start of the bucket counted).";
        }

        if (time > now + ReadingRules.ClockSkew)
        {
            return FormattableString.Invariant($"time {time:O} is in the future.");
        }

        if (item.Count is not { } count)
        {
            return "missing count.";
        }

        if (!double.IsFinite(count) || count < 0 || count > OpinionCount.MaxCount || count != Math.Floor(count))
        {
            return string.Create(CultureInfo.InvariantCulture, $"count {count} must be a whole number from 0 to {OpinionCount.MaxCount:N0}.");
        }

        long negative = 0;
        if (item.Negative is { } n)
        {
            if (!double.IsFinite(n) || n < 0 || n > count || n != Math.Floor(n))
            {
                return string.Create(CultureInfo.InvariantCulture, $"negative {n} must be a whole number from 0 to the count ({count}).");
            }

            negative = (long)n;
        }

        // Buckets start on whole seconds (minutes, hours); PostgreSQL keeps microseconds and SQLite 100 ns,
        // so finer fractions would make the same bucket two keys.
        var bucket = time.ToUniversalTime();
        bucket = bucket.AddTicks(-(bucket.Ticks % TimeSpan.TicksPerSecond));
        valid = new ValidOpinionCount(source, where, keyword, bucket, (long)count, negative);
        return null;
    }
}
