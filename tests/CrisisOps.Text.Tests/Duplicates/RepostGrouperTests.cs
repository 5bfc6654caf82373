using CrisisOps.Text.Duplicates;

namespace CrisisOps.Text.Tests.Duplicates;

public sealed class RepostGrouperTests
{
    private static readonly DateTimeOffset T0 = new(2026, 7, 20, 18, 0, 0, TimeSpan.FromHours(8));

    private const string Original = "【求助】郑州地铁5号线沙口路站附近有人被困，车厢里的水已经到胸口了，请求救援！请大家帮忙扩散。";

    public static TheoryData<string> Reposts => new()
    {
        "【求助】郑州地铁5号线沙口路站附近有人被困，车厢里的水已经到脖子了，请求救援！请大家帮忙扩散。",
        "转发微博 //@小雨点: 【求助】郑州地铁5号线沙口路站附近有人被困，车厢里的水已经到胸口了，请求救援！请大家帮忙扩散。",
        "转发：【求助】郑州地铁5号线沙口路站附近有人被困，车厢里的水已经到胸口了，请求救援！请大家帮忙扩散。 http://t.cn/A6xYz9 😭😭🙏",
        "【求助】郑州地铁５号线沙口路站附近有人被困，车厢里的水已经到胸口了，请求救援!!! 请大家帮忙扩散 @应急管理部 ",
        "快救人！//@阿强:【求助】郑州地铁5号线沙口路站附近有人被困，车厢里的水已经到胸口了，请求救援！请大家帮忙扩散。",
        "【求助】郑州地铁5号线沙口路站附近有人被困,车厢里的水已经到胸口了,请求救援,请大家帮忙扩散",
    };

    [Theory]
    [MemberData(nameof(Reposts))]
    public void Add_WhenRepostWithSmallEdits_JoinsOriginalsGroup(string repost)
    {
        var grouper = new RepostGrouper();
        grouper.Add("p1", Original, T0);

        var assignment = grouper.Add("p2", repost, T0.AddMinutes(3));

        Assert.Equal("p1", assignment.GroupId);
        Assert.False(assignment.StartedGroup);
        Assert.Equal(2, assignment.GroupCount);
        Assert.Equal(1, grouper.GroupCount);
        Assert.Equal(T0.AddMinutes(3), grouper.Group("p1")!.LastAt);
    }

    [Fact]
    public void Add_EnglishRepostWithRtAndLink_JoinsGroup()
    {
        var grouper = new RepostGrouper();
        grouper.Add("e1", "Dozens of people are trapped in Line 5 near Shakou Road station, water up to their chests. Please send rescue!", T0);

        var assignment = grouper.Add("e2", "RT @cityvoice: Dozens of people are trapped in line 5 near Shakou Rd station, water up to their chests. Please send rescue! https://example.org/x", T0);

        Assert.Equal("e1", assignment.GroupId);
    }

    public static TheoryData<string> DifferentPosts => new()
    {
        "【求助】郑州地铁2号线紫荆山站有老人被困，电梯停了，请求救援！请大家帮忙扩散。",
        "金水区安置点的物资发放不公平，有关系的人先领，我们排了三个小时什么都没有。",
        "感谢消防救援队连夜把我们小区的积水排干了，辛苦了！",
        "市防汛指挥部：今日18时起全市地铁停运，请市民避免外出。",
        "Power has been restored in Jinshui district, thanks to the crews working overnight.",
    };

    [Theory]
    [MemberData(nameof(DifferentPosts))]
    public void Add_WhenDifferentPost_StartsItsOwnGroup(string other)
    {
        var grouper = new RepostGrouper();
        grouper.Add("p1", Original, T0);

        var assignment = grouper.Add("p2", other, T0);

        Assert.True(assignment.StartedGroup);
        Assert.Equal("p2", assignment.GroupId);
        Assert.Equal(2, grouper.GroupCount);
    }

    [Fact]
    public void Add_WhenTemplatePostsNameDifferentPlaces_KeepsThemApart()
    {
        var grouper = new RepostGrouper();
        grouper.Add("a", "七号线沙口路站有人被困，求救援", T0);

        var other = grouper.Add("b", "二号线紫荆山站有人被困，求救援", T0);

        Assert.True(other.StartedGroup);
    }

    [Fact]
    public void Add_FloodOfTenThousandIdenticalPosts_IsOneGroup()
    {
        // How fast a flood is grouped is measured by the bench (`opinion-stream`), not here.
        var grouper = new RepostGrouper();
        RepostAssignment? last = null;
        for (var i = 0; i < 10_000; i++)
        {
            last = grouper.Add($"flood-{i}", Original, T0.AddSeconds(i));
        }

        Assert.Equal(1, grouper.GroupCount);
        Assert.Equal(10_000, grouper.Group("flood-0")!.Count);
        Assert.Equal("flood-0", last!.GroupId);
        Assert.Equal(10_000, last.GroupCount);
    }

    [Fact]
    public void Add_FloodOfVariedReposts_StaysOneGroup()
    {
        var grouper = new RepostGrouper();
        grouper.Add("p0", Original, T0);
        var names = new[] { "小王", "李姐", "阿强", "Rain2021", "郑州人" };
        for (var i = 1; i <= 500; i++)
        {
            var emoji = string.Concat(Enumerable.Repeat("🙏", i % 4));
            grouper.Add($"p{i}", $"转发微博 //@{names[i % names.Length]}: {Original} http://t.cn/{i} {emoji}", T0.AddSeconds(i));
        }

        Assert.Equal(1, grouper.GroupCount);
        Assert.Equal(501, grouper.Group("p0")!.Count);
    }

    [Fact]
    public void Add_EmojiOnlyPosts_GroupOnlyWhenIdentical()
    {
        var grouper = new RepostGrouper();
        grouper.Add("a", "😭😭😭", T0);

        Assert.Equal("a", grouper.Add("b", "😭😭😭", T0).GroupId);
        Assert.True(grouper.Add("c", "🙏🙏", T0).StartedGroup);
    }

    [Fact]
    public void Add_WhenPostIdAlreadyNamesAGroup_Throws()
    {
        var grouper = new RepostGrouper();
        grouper.Add("p1", Original, T0);

        Assert.Throws<ArgumentException>(() => grouper.Add("p1", "完全不同的另一条帖子，说的是停电", T0));
    }

    [Fact]
    public void Expire_DropsGroupsQuietSinceTheCutoff()
    {
        var grouper = new RepostGrouper();
        grouper.Add("old", Original, T0);
        grouper.Add("new", "感谢消防救援队连夜把我们小区的积水排干了，辛苦了！", T0.AddHours(7));

        var dropped = grouper.Expire(T0.AddHours(6));

        Assert.Equal(1, dropped);
        Assert.Null(grouper.Group("old"));
        Assert.NotNull(grouper.Group("new"));
        Assert.True(grouper.Add("again", Original, T0.AddHours(8)).StartedGroup);
    }
}
