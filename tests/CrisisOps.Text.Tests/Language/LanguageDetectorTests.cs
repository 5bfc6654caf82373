using CrisisOps.Text.Language;

namespace CrisisOps.Text.Tests.Language;

public sealed class LanguageDetectorTests
{
    [Theory]
    [InlineData("小区内涝严重，居民需要转移安置", TextLanguage.Chinese)]
    [InlineData("Trapped in the subway at Shakou Road station, water rising", TextLanguage.English)]
    [InlineData("我在用WeChat求助，地铁五号线被困", TextLanguage.Chinese)]
    [InlineData("stuck at 人民广场 please help us now", TextLanguage.English)]
    [InlineData("ＦＵＬＬ　ＷＩＤＴＨ english text", TextLanguage.English)]
    [InlineData("COVID19 testing site closed, don't come", TextLanguage.English)]
    public void Detect_ByScriptMajority(string text, TextLanguage expected)
    {
        var detection = LanguageDetector.Detect(text);

        Assert.Equal(expected, detection.Language);
        Assert.Null(detection.Problem);
    }

    [Fact]
    public void Detect_Tags_AreBcp47()
    {
        Assert.Equal("zh", LanguageDetector.Detect("暴雨").Tag);
        Assert.Equal("en", LanguageDetector.Detect("rain").Tag);
        Assert.Equal("und", LanguageDetector.Detect("123").Tag);
    }

    [Theory]
    [InlineData("12345 !!! ???")]
    [InlineData("😭😭😭")]
    [InlineData("110 119 120")]
    public void Detect_WhenNoLetters_IsUnknownWithReason(string text)
    {
        var detection = LanguageDetector.Detect(text);

        Assert.Equal(TextLanguage.Unknown, detection.Language);
        Assert.Equal(TextProblem.NoLettersCode, detection.Problem?.Code);
    }

    [Theory]
    [InlineData("Наводнение в городе, нужна помощь")]
    [InlineData("فيضانات في المدينة نحتاج المساعدة")]
    [InlineData("地下鉄に閉じ込められています、たすけてください")]
    [InlineData("지하철에 갇혔어요 도와주세요")]
    public void Detect_WhenOtherScript_IsUnknownWithReason(string text)
    {
        var detection = LanguageDetector.Detect(text);

        Assert.Equal(TextLanguage.Unknown, detection.Language);
        Assert.Equal(TextProblem.UnsupportedScriptCode, detection.Problem?.Code);
        Assert.Contains("只支持中文和英文", detection.Problem!.MessageZh, StringComparison.Ordinal);
    }

    [Fact]
    public void Detect_MixedShares_AddUp()
    {
        var detection = LanguageDetector.Detect("地铁 subway");

        Assert.Equal(0.5, detection.HanShare, 3);
        Assert.Equal(0.5, detection.LatinShare, 3);
        Assert.Equal(TextLanguage.Chinese, detection.Language);
    }

    [Theory]
    [InlineData("zh", TextLanguage.Chinese)]
    [InlineData("zh-CN", TextLanguage.Chinese)]
    [InlineData("zh_Hans", TextLanguage.Chinese)]
    [InlineData("EN-gb", TextLanguage.English)]
    [InlineData("fr", TextLanguage.Unknown)]
    [InlineData("", TextLanguage.Unknown)]
    [InlineData(null, TextLanguage.Unknown)]
    public void FromTag_ReadsPrimarySubtag(string? tag, TextLanguage expected)
    {
        Assert.Equal(expected, TextLanguageTags.FromTag(tag));
    }
}
