using CrisisOps.Text.Topics;

namespace CrisisOps.Text.Tests.Topics;

public sealed class TopicWordsTests
{
    [Fact]
    public void Of_DropsPunctuationNumbersAndStopWords()
    {
        var words = TopicWords.Of("我们的小区3号楼停水了！！");

        Assert.DoesNotContain(words, w => w is "我们" or "的" or "了" or "！" or "3");
        Assert.Contains("停水", words);
        Assert.Contains("小区", words);
    }

    [Fact]
    public void Of_CountsACompoundCrisisTermAndItsHalves()
    {
        var words = TopicWords.Of("楼里的独居老人没人管");

        Assert.Contains("独居老人", words);
        Assert.Contains("独居", words);
        Assert.Contains("老人", words);
    }

    [Fact]
    public void Of_LowerCasesEnglishAndDropsItsStopWords()
    {
        var words = TopicWords.Of("Trapped in the Subway at Line 2");

        Assert.Equal(["trapped", "subway", "line"], words);
    }
}
