using CrisisOps.Text.Language;

namespace CrisisOps.Text.Tests.Language;

public sealed class TextCheckTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(" \t\r\n\u3000 ")]
    public void Problem_WhenEmptyOrWhitespace_IsEmpty(string? text)
    {
        Assert.Equal(TextProblem.EmptyCode, TextCheck.Problem(text)?.Code);
    }

    [Fact]
    public void Problem_WhenTenMegabytes_IsTooLongWhateverItHolds()
    {
        // The length is judged before the characters: a broken surrogate at the end of an oversized text does not turn
        // the answer into an encoding problem (nor make the check read ten megabytes).
        var text = new string('涝', 10 * 1024 * 1024) + "\uD800";

        var problem = TextCheck.Problem(text);

        Assert.Equal(TextProblem.TooLongCode, problem?.Code);
        Assert.Contains("10485761", problem!.MessageEn, StringComparison.Ordinal);
        Assert.Contains("5000", problem.MessageZh, StringComparison.Ordinal);
    }

    [Fact]
    public void Problem_AtMaxLength_IsNone()
    {
        Assert.Null(TextCheck.Problem(new string('a', TextCheck.MaxLength)));
        Assert.Equal(TextProblem.TooLongCode, TextCheck.Problem(new string('a', TextCheck.MaxLength + 1))?.Code);
    }

    // Built in code: a lone surrogate in [InlineData] does not survive xunit's serialisation of test data.
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Problem_WhenLoneSurrogate_IsInvalidEncoding(int variant)
    {
        var text = variant switch
        {
            0 => "地铁被困" + '\uD83D',
            1 => '\uDE2D' + "地铁被困",
            _ => "地铁" + '\uDE2D' + '\uD83D' + "被困",
        };
        var problem = TextCheck.Problem(text);

        Assert.Equal(TextProblem.InvalidEncodingCode, problem?.Code);
        Assert.True(problem!.MessageEn.Contains("surrogate", StringComparison.Ordinal), problem.MessageEn);
        Assert.Contains("代理", problem.MessageZh, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("供水\uFFFD\uFFFD恢复")]
    [InlineData("abc\uFFFF")]
    public void Problem_WhenReplacementOrNoncharacter_IsInvalidEncoding(string text)
    {
        Assert.Equal(TextProblem.InvalidEncodingCode, TextCheck.Problem(text)?.Code);
    }

    [Theory]
    [InlineData("停电\0了", 0x0000)]
    [InlineData("bell\u0007", 0x0007)]
    [InlineData("esc\u001B[0m", 0x001B)]
    [InlineData("del\u007F", 0x007F)]
    [InlineData("c1\u0085", 0x0085)]
    public void Problem_WhenControlCharacter_NamesIt(string text, int codePoint)
    {
        var problem = TextCheck.Problem(text);

        Assert.Equal(TextProblem.ControlCharacterCode, problem?.Code);
        Assert.Contains($"U+{codePoint:X4}", problem!.MessageEn, StringComparison.Ordinal);
        Assert.Contains($"U+{codePoint:X4}", problem.MessageZh, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("第一行\n第二行\r\n\t缩进")]
    [InlineData("地铁被困😭😭")]
    [InlineData("𠀀 rare Han outside the BMP")]
    public void Problem_WhenValid_IsNone(string text)
    {
        Assert.Null(TextCheck.Problem(text));
    }

    [Fact]
    public void Message_ByCulture_ChoosesLanguage()
    {
        var problem = TextCheck.Problem("")!;

        Assert.Equal(problem.MessageZh, problem.Message("zh-CN"));
        Assert.Equal(problem.MessageEn, problem.Message("en"));
        Assert.NotEqual(problem.MessageZh, problem.MessageEn);
    }
}
