using System.Diagnostics;
using System.Globalization;
using CrisisOps.Text.Duplicates;

namespace CrisisOps.Text.Tests.Duplicates;

public sealed class RepostFingerprintTests
{
    [Theory]
    [InlineData("转发微博 //@张三: 地铁被困 http://t.cn/abc 😭😭", "地铁被困")]
    [InlineData("RT @user: Trapped at Line 5! https://x.org/a?b=c", "trappedatline5")]
    [InlineData("//@甲:太惨了//@乙: 水到胸口了", "太惨了水到胸口了")]
    [InlineData("ＦＵＬＬ，ｗｉｄｔｈ", "fullwidth")]
    public void Canonical_DropsWhatRepostingAdds(string text, string expected)
    {
        Assert.Equal(expected, RepostText.Canonical(text));
    }

    [Fact]
    public void Of_IsStableAcrossCalls()
    {
        const string text = "小区停水三天了，物资也没有送到";

        Assert.Equal(RepostFingerprint.Of(text), RepostFingerprint.Of(text));
        Assert.Equal(0, RepostFingerprint.Of(text).DistanceTo(RepostFingerprint.Of("转发 " + text + " 😭")));
    }

    /// <summary>
    /// The measurement behind <see cref="SimHashIndex{T}.MaxDistance"/>, on real texts: hotel reviews from ChnSentiCorp,
    /// cut to a post's length, with one character changed, must stay grouped; different reviews must not be.
    /// </summary>
    [Theory]
    [InlineData(20, 0.75)]
    [InlineData(40, 0.95)]
    [InlineData(80, 0.99)]
    public void Grouper_OneCharacterEdits_GroupAndUnrelatedDoNot(int length, double minimumRecall)
    {
        var reviews = ChnSentiCorp.Reviews().Select(RepostText.Canonical).Where(r => r.Length >= length)
            .Select(r => r[..length]).Distinct(StringComparer.Ordinal).Take(400).ToList();
        var random = new Random(9);
        var grouper = new RepostGrouper();
        var at = DateTimeOffset.UnixEpoch;
        var groupOf = new string[reviews.Count];
        for (var i = 0; i < reviews.Count; i++)
        {
            groupOf[i] = grouper.Add($"r{i}", reviews[i], at).GroupId;
        }

        // The data has some real near-duplicates (reviews posted twice with small changes); no more than a few.
        var merged = reviews.Count - grouper.GroupCount;
        Assert.True(merged <= reviews.Count / 50, $"{merged} of {reviews.Count} different reviews merged");

        var grouped = 0;
        var elsewhere = 0;
        for (var i = 0; i < reviews.Count; i++)
        {
            var chars = reviews[i].ToCharArray();
            chars[random.Next(chars.Length)] = '某';
            var assignment = grouper.Add($"e{i}", new string(chars), at);
            grouped += assignment.GroupId == groupOf[i] ? 1 : 0;
            elsewhere += !assignment.StartedGroup && assignment.GroupId != groupOf[i] ? 1 : 0;
        }

        var recall = (double)grouped / reviews.Count;
        TestContext.Current.TestOutputHelper?.WriteLine($"length {length}: {grouped}/{reviews.Count} one-character edits grouped ({recall:P1}); {merged} originals merged; {elsewhere} edits joined another group");
        // The same texts' near-twins (two reviews from one template) may attract an edit; rarely.
        Assert.True(elsewhere <= reviews.Count / 100, $"{elsewhere} edits joined another review's group");
        Assert.True(recall >= minimumRecall, $"recall {recall:P1} at {length} characters");
    }

    [Fact]
    public void Grouper_DistinctReviewsThenReposts_ReportsSpeed()
    {
        var reviews = ChnSentiCorp.Reviews().ToList();
        var grouper = new RepostGrouper();
        var at = DateTimeOffset.UnixEpoch;
        grouper.Add("warm-up", "预热一次，让正则表达式先编译", at);

        var watch = Stopwatch.StartNew();
        for (var i = 0; i < reviews.Count; i++)
        {
            grouper.Add($"r{i}", reviews[i], at);
        }

        var distinct = watch.Elapsed;
        watch.Restart();
        for (var i = 0; i < reviews.Count; i++)
        {
            grouper.Add($"rt{i}", $"转发微博 //@网友{i}: {reviews[i]} http://t.cn/{i}", at);
        }

        var reposts = watch.Elapsed;
        var report = string.Create(CultureInfo.InvariantCulture,
            $"Repost grouping: {reviews.Count} ChnSentiCorp reviews (avg {reviews.Average(r => r.Length):F0} chars) at {reviews.Count / distinct.TotalSeconds:F0} posts/s as new posts, " +
            $"{reviews.Count / reposts.TotalSeconds:F0} posts/s as reposts; {grouper.GroupCount - 1} groups");
        TestContext.Current.TestOutputHelper?.WriteLine(report);
        if (Environment.GetEnvironmentVariable("CRISISOPS_TEXT_REPORT") is { Length: > 0 } reportPath)
        {
            File.AppendAllText(reportPath, report + Environment.NewLine);
        }

        Assert.True(reviews.Count / distinct.TotalSeconds > 1_000, report);
    }
}
