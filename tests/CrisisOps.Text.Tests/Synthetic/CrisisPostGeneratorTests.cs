using CrisisOps.Text.Synthetic;
using CrisisOps.Text.Tests.Topics;
using CrisisOps.Text.Topics;

namespace CrisisOps.Text.Tests.Synthetic;

public sealed class CrisisPostGeneratorTests
{
    [Fact]
    public void Generate_SameSeed_SameStream_OtherSeed_OtherStream()
    {
        var a = RainstormFeed.Generate(hours: 2, seed: 1);
        var b = RainstormFeed.Generate(hours: 2, seed: 1);
        var c = RainstormFeed.Generate(hours: 2, seed: 2);

        Assert.Equal(a, b);
        Assert.NotEqual(a.Select(p => p.Text), c.Select(p => p.Text));
    }

    [Fact]
    public void Generate_MixesEveryKindInBothLanguagesInTimeOrder()
    {
        var posts = RainstormFeed.Generate(hours: 4);

        foreach (var concern in Enum.GetValues<CrisisConcern>().Where(c => c != CrisisConcern.Extra))
        {
            Assert.Contains(posts, p => p.Concern == concern);
        }

        Assert.InRange(posts.Count(p => p.Language == "en") / (double)posts.Count, 0.03, 0.15);
        Assert.All(posts, p => Assert.Contains(p.Region, RainstormFeed.Regions));
        Assert.DoesNotContain(posts, p => p.Text.Contains('{', StringComparison.Ordinal));
        Assert.Equal(posts.OrderBy(p => p.At).Select(p => p.Id), posts.Select(p => p.Id));
        Assert.Equal(posts.Count, posts.Select(p => p.Id).Distinct().Count());
    }

    [Fact]
    public void Generate_RepostsCopyAnEarlierPostOfTheSameConcernWithSmallEdits()
    {
        var posts = RainstormFeed.Generate(hours: 3);
        var byId = posts.ToDictionary(p => p.Id, StringComparer.Ordinal);
        var reposts = posts.Where(p => p.RepostOf is not null).ToList();

        Assert.InRange(reposts.Count / (double)posts.Count(p => p.Concern != CrisisConcern.Noise), 0.1, 0.25);
        Assert.All(reposts, r =>
        {
            var source = byId[r.RepostOf!];
            Assert.True(source.At <= r.At);
            Assert.Equal(source.Concern, r.Concern);
            Assert.NotEqual(source.Text, r.Text);
            Assert.Contains(source.Text.Split('，')[^1].Trim(), r.Text, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Generate_TheSubwayBurstsInTheBurstHour()
    {
        var posts = RainstormFeed.Generate(hours: 6);
        int SubwayIn(int hour) => posts.Count(p => p.Concern == CrisisConcern.TrappedInSubway
            && p.At >= RainstormFeed.Start.AddHours(hour) && p.At < RainstormFeed.Start.AddHours(hour + 1));

        Assert.True(SubwayIn(3) >= 5 * SubwayIn(2), $"hour 3: {SubwayIn(3)}, hour 2: {SubwayIn(2)}");
        Assert.True(SubwayIn(4) > SubwayIn(2) && SubwayIn(4) < SubwayIn(3));
    }

    [Fact]
    public void Generate_DistributionFairnessTurnsNegativeFromTheRiseHour()
    {
        var posts = RainstormFeed.Generate(hours: 6);
        double NegativeShare(Func<GeneratedPost, bool> when)
        {
            var about = posts.Where(p => p.Concern == CrisisConcern.DistributionFairness && p.RepostOf is null && when(p)).ToList();
            return about.Count(p => p.Tone == SentimentLabel.Negative) / (double)about.Count;
        }

        Assert.InRange(NegativeShare(p => p.At < RainstormFeed.Start.AddHours(4)), 0.1, 0.3);
        Assert.InRange(NegativeShare(p => p.At >= RainstormFeed.Start.AddHours(4)), 0.75, 0.95);
    }

    [Fact]
    public void Generate_InterleavesTheCallersTexts()
    {
        var extras = new[] { new ExtraText("外部文本一", SentimentLabel.Positive), new ExtraText("外部文本二", SentimentLabel.Negative) };

        var posts = RainstormFeed.Generate(hours: 2, extras: extras, extraPerHour: 10);

        var extra = posts.Where(p => p.Concern == CrisisConcern.Extra).ToList();
        Assert.Equal(20, extra.Count);
        Assert.All(extra, p => Assert.Contains(extras, e => e.Text == p.Text && e.Tone == p.Tone));
        Assert.Throws<ArgumentException>(() => CrisisPostGenerator.Generate(new CrisisStreamOptions { Start = RainstormFeed.Start, Regions = [] }));
        Assert.Throws<ArgumentException>(() => CrisisPostGenerator.Generate(new CrisisStreamOptions { Start = RainstormFeed.Start, Regions = ["R"], RepostShare = 2 }));
    }
}
