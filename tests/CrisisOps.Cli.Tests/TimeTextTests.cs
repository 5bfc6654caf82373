using CrisisOps.Cli.Output;

namespace CrisisOps.Cli.Tests;

public sealed class TimeTextTests
{
    private static readonly DateTimeOffset Now = new(2025, 7, 1, 8, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(42 * 60, "in 42 min")]
    [InlineData(42 * 60 + 59, "in 42 min")]
    [InlineData(0, "in < 1 min")]
    [InlineData(59, "in < 1 min")]
    [InlineData(-65 * 60, "overdue 1 h 05 min")]
    [InlineData(-30, "overdue < 1 min")]
    [InlineData(-(26 * 3600 + 7 * 60), "overdue 1 d 02 h")]
    [InlineData(3 * 3600, "in 3 h 00 min")]
    public void Remaining_WhenDueIsSecondsFromNow_ReadsAsExpected(int seconds, string expected)
    {
        using var _ = new CultureScope("en");

        Assert.Equal(expected, TimeText.Remaining(Now.AddSeconds(seconds), Now));
    }

    [Theory]
    [InlineData(59, "59 min")]
    [InlineData(60, "1 h 00 min")]
    [InlineData(23 * 60 + 59, "23 h 59 min")]
    [InlineData(24 * 60, "1 d 00 h")]
    [InlineData(10 * 24 * 60 + 5 * 60, "10 d 05 h")]
    public void Duration_WhenMinutesGiven_UsesAtMostTwoUnits(int minutes, string expected)
    {
        using var _ = new CultureScope("en");

        Assert.Equal(expected, TimeText.Duration(TimeSpan.FromMinutes(minutes)));
    }

    [Fact]
    public void Duration_WhenNegative_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TimeText.Duration(TimeSpan.FromSeconds(-1)));
    }

    [Fact]
    public void Remaining_WhenUiCultureIsChinese_UsesChineseText()
    {
        using var _ = new CultureScope("zh-CN");

        Assert.Equal("已超时 1 小时 05 分钟", TimeText.Remaining(Now.AddMinutes(-65), Now));
        Assert.Equal("42 分钟后到期", TimeText.Remaining(Now.AddMinutes(42), Now));
    }

    [Fact]
    public void Moment_WhenZoneIsShanghai_ShowsLocalTimeWithOffset()
    {
        var shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

        Assert.Equal("2025-07-01 16:00 +08:00", TimeText.Moment(Now, shanghai));
    }

    [Fact]
    public void Moment_WhenTimeIsMissing_ShowsDash()
    {
        Assert.Equal("—", TimeText.Moment(null, TimeZoneInfo.Utc));
    }
}
