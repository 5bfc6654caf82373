using CrisisOps.Text.Model;

namespace CrisisOps.Text.Tests.Model;

public sealed class NgramFeaturesTests
{
    private static readonly NgramFeatures Features = new(FeatureConfig.WithWords);

    [Fact]
    public void Extract_IsSortedDistinctAndTheSameEveryTime()
    {
        var first = Features.Extract("房间很干净，服务态度很好，下次还来！");
        var second = new NgramFeatures(FeatureConfig.WithWords).Extract("房间很干净，服务态度很好，下次还来！");

        Assert.Equal(first, second);
        Assert.Equal(first.Order().Distinct(), first);
        Assert.All(first, b => Assert.InRange(b, 0, FeatureConfig.Default.Buckets - 1));
    }

    [Fact]
    public void Extract_WhenFullWidthOrUpperCase_GivesTheSameFeatures()
    {
        Assert.Equal(Features.Extract("ＷＩＦＩ　很慢"), Features.Extract("wifi 很慢"));
    }

    [Fact]
    public void Extract_WhenSeedDiffers_GivesOtherBuckets()
    {
        var other = new NgramFeatures(FeatureConfig.WithWords with { HashSeed = 12345 });

        Assert.NotEqual(Features.Extract("物资短缺"), other.Extract("物资短缺"));
    }

    [Fact]
    public void Extract_WhenEmpty_HasNoFeatures()
    {
        Assert.Empty(Features.Extract("  \n "));
    }

    [Fact]
    public void Extract_WhenWordsAreOff_HasOnlyCharacterNgrams()
    {
        var charsOnly = new NgramFeatures(FeatureConfig.Default);

        // 3 characters: 3 unigrams + 2 bigrams + 1 trigram (barring collisions in 2^21 buckets).
        Assert.Equal(6, charsOnly.Extract("不干净").Length);
        Assert.True(Features.Extract("不干净").Length > 6);
    }

    [Fact]
    public void Words_WhenEnglish_SplitsOnLettersAndKeepsExclamations()
    {
        Assert.Equal(["the", "shelter", "wasn't", "ready", "!"], NgramFeatures.Words(NgramFeatures.Normalize("The shelter wasn't ready!")));
    }

    [Fact]
    public void Words_WhenChinese_UsesTheSharedSegmenter()
    {
        Assert.Contains("物资", NgramFeatures.Words("物资不够"));
    }

    [Theory]
    [InlineData(9, 1, 3, 2)]
    [InlineData(21, 0, 3, 2)]
    [InlineData(21, 3, 2, 2)]
    [InlineData(21, 1, 3, 4)]
    public void Constructor_WhenConfigOutOfRange_Throws(int bits, int charMin, int charMax, int wordMax)
    {
        Assert.Throws<ArgumentException>(() => new NgramFeatures(new FeatureConfig(bits, charMin, charMax, wordMax, 1)));
    }
}
