using CrisisOps.Text.Segmentation;

namespace CrisisOps.Text.Tests.Segmentation;

public sealed class ChineseSegmenterTests
{
    [Fact]
    public void Cut_KeepsCrisisTermsWhole()
    {
        var words = ChineseSegmenter.Shared.Cut("小区内涝严重，居民需要转移安置，物资不够");

        Assert.Contains("内涝", words);
        Assert.Contains("转移安置", words);
        Assert.Contains("物资", words);
    }

    [Fact]
    public void Cut_DropsWhitespaceAndKeepsPunctuation()
    {
        var words = ChineseSegmenter.Shared.Cut("地铁 被困，\n怎么办？");

        Assert.DoesNotContain(words, w => string.IsNullOrWhiteSpace(w));
        Assert.Contains("被困", words);
        Assert.Contains("？", words);
    }

    [Fact]
    public void Shared_IsOneSegmenterPerProcess()
    {
        Assert.Same(ChineseSegmenter.Shared, ChineseSegmenter.Shared);
    }
}
