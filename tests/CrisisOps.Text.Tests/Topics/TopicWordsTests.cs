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

    [Fact]
    public void Of_CountsEachWayOfNamingAConcernAsTheConcernsWord()
    {
        // Two ways of saying that people owed special care are left behind, and two of saying supplies ran short,
        // meet on their concern's word (once per mention: it counts as term frequency).
        var wheelchair = TopicWords.Of("轮椅过不了积水，社区一直没人来接");
        var bedridden = TopicWords.Of("瘫痪在床的老人被落下了");
        var soldOut = TopicWords.Of("附近超市全部断货，买不到水");

        Assert.Single(wheelchair, w => w == "弱势群体");
        Assert.Single(bedridden, w => w == "弱势群体"); // 瘫痪; a bare 老人 is not enough (车厢里有老人和孩子 is a subway post)
        Assert.Equal(2, soldOut.Count(w => w == "物资短缺"));    // 断货 and 买不到
        Assert.DoesNotContain("物资短缺", wheelchair);
        Assert.DoesNotContain("弱势群体", TopicWords.Of("地铁站进水，乘客被困"));
        Assert.Contains("disabled", TopicWords.Of("Nobody helps disabled residents"));
        Assert.Contains("弱势群体", TopicWords.Of("Nobody helps disabled residents"));
    }
}
