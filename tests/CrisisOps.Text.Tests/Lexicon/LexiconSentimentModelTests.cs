using CrisisOps.Text.Lexicon;
using CrisisOps.Text.Tokens;

namespace CrisisOps.Text.Tests.Lexicon;

public sealed class LexiconSentimentModelTests
{
    private static readonly LexiconSentimentModel Model = LexiconSentimentModel.Default;

    private static Text.Sentiment Score(string text) => Model.Score(TextTokens.Create(text));

    [Theory]
    [InlineData("消防员连夜把我们救了出来，太感谢了！")]
    [InlineData("物资发放很及时，志愿者辛苦了")]
    [InlineData("小区已经恢复供电，大家都平安")]
    [InlineData("安置点干净整洁，工作人员非常耐心")]
    [InlineData("救援队来得很快，所有人都安全转移了")]
    [InlineData("没有人受伤，谢谢大家的帮忙")]
    [InlineData("Power is back on in our street, thanks to the crews who worked all night!")]
    [InlineData("The shelter staff were kind and the supplies arrived on time.")]
    [InlineData("Everyone in our building was evacuated safely. Great job, rescue team.")]
    public void Score_PositiveCrisisPosts_ArePositive(string text)
    {
        var sentiment = Score(text);

        Assert.Equal(SentimentLabel.Positive, sentiment.Label);
        Assert.True(sentiment.Score > 0);
    }

    [Theory]
    [InlineData("地铁被困一个多小时了，水已经到胸口，救命！")]
    [InlineData("小区断水断电三天了，根本没人管")]
    [InlineData("物资发放不公平，有关系的人先领")]
    [InlineData("安置点物资短缺，老人和孩子都在挨饿")]
    [InlineData("打了十几遍热线都打不通，太让人失望了")]
    [InlineData("网上都是谣言，大家很恐慌")]
    [InlineData("我们村被淹了，到现在还没有人来")]
    [InlineData("We are trapped on the roof and the water keeps rising, please help us!")]
    [InlineData("The distribution is unfair, families on our street got nothing.")]
    [InlineData("Nobody came. Three days without power and no food.")]
    [InlineData("There is a shortage of drinking water at the shelter.")]
    [InlineData("Conditions in the basement are life-threatening.")]
    public void Score_NegativeCrisisPosts_AreNegative(string text)
    {
        var sentiment = Score(text);

        Assert.Equal(SentimentLabel.Negative, sentiment.Label);
        Assert.True(sentiment.Score < 0);
    }

    [Theory]
    [InlineData("市防汛指挥部：明天上午9时召开新闻发布会")]
    [InlineData("请问金水区的安置点在哪里")]
    [InlineData("今天下午三点到五点有雨，地铁五号线正常运营时间调整为早六点到晚十点")]
    [InlineData("The city will publish the list of shelters at 6 pm.")]
    [InlineData("Where is the nearest distribution point?")]
    public void Score_FactualPostsAndQuestions_AreNeutral(string text)
    {
        Assert.Equal(SentimentLabel.Neutral, Score(text).Label);
    }

    [Fact]
    public void Score_Negation_TurnsTheWord()
    {
        Assert.Equal(SentimentLabel.Positive, Score("救援很及时").Label);
        Assert.Equal(SentimentLabel.Negative, Score("救援不及时").Label);
        Assert.Equal(SentimentLabel.Negative, Score("救援一点都不及时").Label);
        Assert.Equal(SentimentLabel.Negative, Score("物资没有到位").Label);
        Assert.Equal(SentimentLabel.Positive, Score("大家不用担心").Label);
        Assert.Equal(SentimentLabel.Negative, Score("The rescue was not timely.").Label);
        Assert.Equal(SentimentLabel.Negative, Score("The shelter isn't safe.").Label);
    }

    [Fact]
    public void Score_NegationBeyondThreeWords_DoesNotReach()
    {
        var hit = Model.Read(TextTokens.Create("不 知道 他们 说 及时")).Hits.Single(h => h.Term == "及时");

        Assert.True(hit.Value > 0);
    }

    [Fact]
    public void Score_NegationStopsAtClauseBoundary()
    {
        var hit = Model.Read(TextTokens.Create("不是我说，救援很及时")).Hits.Single(h => h.Term == "及时");

        Assert.True(hit.Value > 0);
    }

    [Fact]
    public void Score_DoubleNegation_IsPositive()
    {
        Assert.Equal(SentimentLabel.Positive, Score("救援不是不及时").Label);
        Assert.Equal(SentimentLabel.Positive, Score("安置点并非不安全").Label);
        Assert.Equal(SentimentLabel.Positive, Score("It is not unsafe to go back home.").Label);
    }

    [Fact]
    public void Score_Degree_Scales()
    {
        var plain = Score("物资发放及时").Score;
        var very = Score("物资发放非常及时").Score;
        var slightly = Score("救援有点慢").Score;
        var slow = Score("救援慢").Score;

        Assert.True(very > plain, $"{very} > {plain}");
        Assert.True(slightly > slow, $"{slightly} > {slow}");
        Assert.True(Score("extremely helpful volunteers").Score > Score("helpful volunteers").Score);
    }

    [Fact]
    public void Score_NegatedDegree_IsMildlyNegative_DegreeThenNegation_IsStrong()
    {
        var notVery = Score("救援不太及时").Score;
        var veryNot = Score("救援很不及时").Score;
        var not = Score("救援不及时").Score;

        Assert.True(notVery < 0, $"{notVery}");
        Assert.True(notVery > not, $"{notVery} > {not}");
        Assert.True(veryNot < not, $"{veryNot} < {not}");
        Assert.True(Score("The shelter is not very clean.").Score < 0);
    }

    [Fact]
    public void Score_PersonNegation_TurnsOrComplains()
    {
        Assert.Equal(SentimentLabel.Positive, Score("没人受伤").Label);
        Assert.Equal(SentimentLabel.Negative, Score("等了一天都没人来").Label);
        Assert.Equal(SentimentLabel.Negative, Score("Nobody came to check on us.").Label);
    }

    [Fact]
    public void Score_Contrast_WeighsWhatFollowsBut()
    {
        Assert.Equal(SentimentLabel.Negative, Score("志愿者很热心，但是物资严重短缺").Label);
        Assert.Equal(SentimentLabel.Positive, Score("虽然有点慢，但是最后大家都安全了").Label);
    }

    [Fact]
    public void Score_Exclamation_Strengthens_QuestionDoesNotAssert()
    {
        Assert.True(Score("太失望了！").Score < Score("太失望了").Score);
        Assert.True(Score("安全吗？").Score < Score("安全").Score);
        Assert.NotEqual(SentimentLabel.Positive, Score("安置点安全吗？").Label);
    }

    [Theory]
    [InlineData("希望尽快恢复供电")]
    [InlineData("请尽快把物资送到安置点，保障老人安全")]
    [InlineData("We hope the power is restored soon.")]
    [InlineData("Please keep the shelter safe for the children.")]
    public void Score_WishesAndRequests_DoNotAssertTheGoodTheyAskFor(string text)
    {
        Assert.NotEqual(SentimentLabel.Positive, Score(text).Label);
    }

    [Fact]
    public void Score_Wish_EndsWithTheSentence()
    {
        Assert.Equal(SentimentLabel.Positive, Score("希望大家注意。供电已经恢复了").Label);
    }

    [Fact]
    public void Score_Emoji_Count()
    {
        Assert.Equal(SentimentLabel.Negative, Score("还在等车😭😭").Label);
        Assert.Equal(SentimentLabel.Positive, Score("水退了👍").Label);
    }

    [Fact]
    public void Score_PhraseAcrossTokens_Matches()
    {
        var hits = Model.Read(TextTokens.Create("大家辛苦了")).Hits;

        Assert.Contains(hits, h => h.Term == "辛苦了" && h.Value > 0);
    }

    [Theory]
    [InlineData("志愿者很热心，但是物资严重短缺！！安置点安全吗？没人管。")]
    [InlineData("Thanks to the crews, but we are still waiting. Is the water safe? Nobody knows!")]
    public void Read_Hits_AddUpToTheTotal(string text)
    {
        var reading = Model.Read(TextTokens.Create(text));

        Assert.NotEmpty(reading.Hits);
        Assert.Equal(reading.Total, reading.Hits.Sum(h => h.Value), 9);
    }

    [Fact]
    public void Score_NoSentimentWords_IsNeutralZero()
    {
        var sentiment = Score("明天上午九点开会");

        Assert.Equal(SentimentLabel.Neutral, sentiment.Label);
        Assert.Equal(0, sentiment.Score);
    }

    [Fact]
    public void Score_StaysInRange_ForLongRants()
    {
        var text = string.Concat(Enumerable.Repeat("救命！被困！没人管！", 200));

        var sentiment = Score(text);

        Assert.InRange(sentiment.Score, -1, -0.99);
    }

    [Fact]
    public void Version_IsStableAndNamed()
    {
        Assert.Equal("lexicon", Model.Name);
        Assert.Matches("^1\\.[0-9a-f]{8}$", Model.Version);
        Assert.Equal(Model.Version, LexiconSentimentModel.Default.Version);
    }

    [Fact]
    public void Lists_HaveAFewHundredWordsEachLanguage()
    {
        var zh = CrisisLexicon.ChinesePositive1.Count + CrisisLexicon.ChinesePositive2.Count + CrisisLexicon.ChinesePositive3.Count
            + CrisisLexicon.ChineseNegative1.Count + CrisisLexicon.ChineseNegative2.Count + CrisisLexicon.ChineseNegative3.Count;
        var en = CrisisLexicon.EnglishPositive1.Count + CrisisLexicon.EnglishPositive2.Count + CrisisLexicon.EnglishPositive3.Count
            + CrisisLexicon.EnglishNegative1.Count + CrisisLexicon.EnglishNegative2.Count + CrisisLexicon.EnglishNegative3.Count;

        Assert.True(zh >= 500, $"{zh} Chinese words");
        Assert.True(en >= 250, $"{en} English words");
    }

    [Fact]
    public void Lists_NoWordIsBothPositiveAndNegative()
    {
        var positive = CrisisLexicon.ChinesePositive1.Concat(CrisisLexicon.ChinesePositive2).Concat(CrisisLexicon.ChinesePositive3)
            .Concat(CrisisLexicon.EnglishPositive1).Concat(CrisisLexicon.EnglishPositive2).Concat(CrisisLexicon.EnglishPositive3);
        var negative = CrisisLexicon.ChineseNegative1.Concat(CrisisLexicon.ChineseNegative2).Concat(CrisisLexicon.ChineseNegative3)
            .Concat(CrisisLexicon.EnglishNegative1).Concat(CrisisLexicon.EnglishNegative2).Concat(CrisisLexicon.EnglishNegative3);

        Assert.Empty(positive.Intersect(negative, StringComparer.Ordinal));
    }
}
