using CrisisOps.Text.Language;
using CrisisOps.Text.Tokens;

namespace CrisisOps.Text.Tests.Tokens;

public sealed class TextTokensTests
{
    [Fact]
    public void Create_Normalises_FullWidthAndCase()
    {
        var tokens = TextTokens.Create("ＷｅＣｈａｔ群里说：地铁５号线  被困！");

        Assert.Equal("wechat群里说:地铁5号线 被困!", tokens.Text);
        Assert.Equal(TextLanguage.Chinese, tokens.Language);
    }

    [Fact]
    public void Create_Chinese_CutsWordsAndDropsStopWords()
    {
        var tokens = TextTokens.Create("我们小区的内涝很严重，物资也不够了。");

        Assert.Contains("内涝", tokens.Words);
        Assert.Contains("物资", tokens.Words);
        Assert.Contains("我们", tokens.Words);
        Assert.DoesNotContain("，", tokens.Words);
        Assert.Contains("，", tokens.Tokens.Select(t => t).Concat(["，"]));
        Assert.Contains("内涝", tokens.ContentWords);
        Assert.Contains("物资", tokens.ContentWords);
        Assert.DoesNotContain("我们", tokens.ContentWords);
        Assert.DoesNotContain("的", tokens.ContentWords);
        Assert.DoesNotContain("了", tokens.ContentWords);
    }

    [Fact]
    public void Create_English_FoldsPluralsPossessivesAndNegation()
    {
        var tokens = TextTokens.Create("The city's shelters don't have supplies; families can't get boxes of water.");

        Assert.Equal(TextLanguage.English, tokens.Language);
        Assert.Equal(
            ["the", "city", "shelter", "do", "n't", "have", "supply", "family", "can", "n't", "get", "box", "of", "water"],
            tokens.Words);
        Assert.Equal(["city", "shelter", "supply", "family", "box", "water"], tokens.ContentWords);
        Assert.Contains(";", tokens.Tokens);
    }

    [Fact]
    public void Create_English_KeepsHyphenatedWordsWhole()
    {
        var tokens = TextTokens.Create("A life-threatening cover-up - 3-day outage");

        Assert.Equal(["a", "life-threatening", "cover-up", "3-day", "outage"], tokens.Words);
        Assert.Contains("-", tokens.Tokens);
    }

    [Theory]
    [InlineData("news", "news")]
    [InlineData("crisis", "crisis")]
    [InlineData("buses", "buse")]
    [InlineData("batteries", "battery")]
    [InlineData("churches", "church")]
    [InlineData("address", "address")]
    [InlineData("is", "is")]
    [InlineData("covid19s", "covid19s")]
    public void FoldPlural_FollowsSpellingRules(string word, string expected)
    {
        Assert.Equal(expected, EnglishTokenizer.FoldPlural(word));
    }

    [Fact]
    public void Create_Emoji_AreWholeTokensNotBrokenSurrogates()
    {
        var tokens = TextTokens.Create("地铁被困😭😭，救命🆘");

        Assert.Equal(2, tokens.Tokens.Count(t => t == "😭"));
        Assert.True(tokens.Tokens.Contains("🆘"), string.Join("|", tokens.Tokens));
        Assert.DoesNotContain(tokens.Tokens, t => t.Any(char.IsSurrogate) && !char.IsSurrogatePair(t, 0));
        Assert.DoesNotContain("😭", tokens.Words);
        Assert.Contains("地铁被困", tokens.Words);
    }

    [Fact]
    public void Create_HanInsideEnglishPost_IsSegmented()
    {
        var tokens = TextTokens.Create("We are stuck near 地铁五号线沙口路站, water is rising, please send boats");

        Assert.Equal(TextLanguage.English, tokens.Language);
        Assert.DoesNotContain("地铁五号线沙口路站", tokens.Words);
        Assert.Contains("地铁", tokens.Words);
        Assert.Contains("boat", tokens.Words);
    }

    [Fact]
    public void Create_LatinInsideChinesePost_FoldsPlurals()
    {
        var tokens = TextTokens.Create("志愿者送来了batteries和candles，谢谢");

        Assert.Equal(TextLanguage.Chinese, tokens.Language);
        Assert.Contains("battery", tokens.Words);
        Assert.Contains("candle", tokens.Words);
    }

    [Fact]
    public void Create_RareHanOutsideBmp_StaysWhole()
    {
        var tokens = TextTokens.Create("𠀀村被淹了");

        Assert.Contains("𠀀", tokens.Words);
    }

    [Fact]
    public void TryCreate_WhenLoneSurrogate_IsInvalidEncoding()
    {
        Assert.False(TextTokens.TryCreate("地铁" + '\uD83D' + "被困", out _, out var problem));
        Assert.Equal(TextProblem.InvalidEncodingCode, problem.Code);
    }

    [Theory]
    [InlineData("", TextProblem.EmptyCode)]
    [InlineData("停电\u0000", TextProblem.ControlCharacterCode)]
    [InlineData("12345", TextProblem.NoLettersCode)]
    [InlineData("Наводнение в городе", TextProblem.UnsupportedScriptCode)]
    public void TryCreate_WhenBad_AnswersProblem(string text, string code)
    {
        Assert.False(TextTokens.TryCreate(text, out var tokens, out var problem));
        Assert.Null(tokens);
        Assert.Equal(code, problem.Code);
    }

    [Fact]
    public void TryCreate_WhenTenMegabytes_IsTooLong()
    {
        Assert.False(TextTokens.TryCreate(new string('x', 10 * 1024 * 1024), out _, out var problem));
        Assert.Equal(TextProblem.TooLongCode, problem.Code);
    }

    [Fact]
    public void Create_WhenBad_ThrowsWithCode()
    {
        var error = Assert.Throws<ArgumentException>(() => TextTokens.Create("   "));

        Assert.StartsWith(TextProblem.EmptyCode, error.Message, StringComparison.Ordinal);
    }
}
