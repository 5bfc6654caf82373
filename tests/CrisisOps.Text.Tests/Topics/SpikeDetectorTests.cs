using CrisisOps.Text.Topics;

namespace CrisisOps.Text.Tests.Topics;

public sealed class SpikeDetectorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 7, 20, 8, 0, 0, TimeSpan.FromHours(8));

    private static TopicSnapshot Snapshot(double hours, params TopicSummary[] topics) => new(T0.AddHours(hours), TimeSpan.FromHours(1), topics);

    private static TopicSummary Topic(long id, int volume, int previous, double negative = 0, double previousNegative = 0) =>
        new(new TopicId(id), ["地铁", "被困"], [], volume, previous, negative, previousNegative, [], T0, T0);

    [Fact]
    public void Observe_WhenVolumeAndGrowthReachTheThresholds_FlagsOnceWhileTheSpikeLasts()
    {
        var detector = new SpikeDetector(new SpikeThresholds { MinimumVolume = 50, MinimumGrowth = 2 });

        Assert.Empty(detector.Observe(Snapshot(1, Topic(1, 40, 5))));   // grown, but too few posts
        Assert.Empty(detector.Observe(Snapshot(2, Topic(1, 60, 40))));  // many posts, but not tripled
        var flag = Assert.Single(detector.Observe(Snapshot(3, Topic(1, 150, 45))));
        Assert.Empty(detector.Observe(Snapshot(3.5, Topic(1, 400, 100))));  // the same spike, still lasting

        Assert.Equal(SpikeKind.Volume, flag.Kind);
        Assert.Equal(new TopicId(1), flag.Topic);
        Assert.Equal(T0.AddHours(3), flag.At);
        Assert.Equal((150, 45), (flag.Volume, flag.PreviousVolume));
        Assert.Equal(105 / 45.0, flag.Growth, 9);
    }

    [Fact]
    public void Observe_AfterASpikeEnds_FlagsTheNextOne()
    {
        var detector = new SpikeDetector(new SpikeThresholds { MinimumVolume = 50, MinimumGrowth = 2 });

        Assert.Single(detector.Observe(Snapshot(1, Topic(1, 150, 10))));
        Assert.Empty(detector.Observe(Snapshot(2, Topic(1, 30, 150))));  // ended: below the minimum volume
        Assert.Single(detector.Observe(Snapshot(3, Topic(1, 100, 30))));
        Assert.Empty(detector.Observe(Snapshot(4)));                     // topic gone: ended
        Assert.Single(detector.Observe(Snapshot(5, Topic(1, 100, 0))));
    }

    [Fact]
    public void Observe_WhenNegativeShareRises_FlagsNegativityOnceDespiteWavering()
    {
        var detector = new SpikeDetector(new SpikeThresholds { NegativeShare = 0.6, MinimumVolumeForNegativity = 20, MinimumNegativeRise = 0.2, NegativeShareHysteresis = 0.1 });

        Assert.Empty(detector.Observe(Snapshot(1, Topic(7, 30, 30, 0.3, 0.2))));
        Assert.Empty(detector.Observe(Snapshot(2, Topic(7, 10, 30, 0.9, 0.3))));   // too few posts to judge
        var flag = Assert.Single(detector.Observe(Snapshot(3, Topic(7, 30, 30, 0.65, 0.3))));
        Assert.Empty(detector.Observe(Snapshot(4, Topic(7, 30, 30, 0.55, 0.65))));  // wavering inside the hysteresis
        Assert.Empty(detector.Observe(Snapshot(5, Topic(7, 30, 30, 0.62, 0.55))));

        Assert.Equal(SpikeKind.Negativity, flag.Kind);
        Assert.Equal(0.65, flag.NegativeShare);
    }

    [Fact]
    public void Observe_OnTrackerSnapshots_FlagsANegativeShareRisingOnOneSubject()
    {
        // One subject all day; the tone the caller gives turns from mostly neutral to mostly negative at 11:00.
        var tracker = new TopicTracker();
        var detector = new SpikeDetector(new SpikeThresholds { NegativeShare = 0.6, MinimumVolumeForNegativity = 20, MinimumNegativeRise = 0.2 });
        string[] texts = ["物资发放名单公示了吗", "物资发放按户登记，名单要公示", "物资发放名单不公示，分配不公", "体育馆物资发放，名单谁定的"];
        var flags = new List<SpikeFlag>();
        for (var minute = 0; minute < 6 * 60; minute += 2)
        {
            var at = T0.AddMinutes(minute);
            var negative = minute >= 3 * 60 ? minute % 10 != 0 : minute % 10 == 0;  // 20 % → 80 %
            tracker.Add(new PostForTopics($"p{minute}", at, texts[minute / 2 % texts.Length], negative ? SentimentLabel.Negative : SentimentLabel.Neutral));
            if (minute % 10 == 0)
            {
                flags.AddRange(detector.Observe(tracker.Snapshot(TimeSpan.FromHours(1), at)));
            }
        }

        var flag = Assert.Single(flags);
        Assert.Equal(SpikeKind.Negativity, flag.Kind);
        Assert.InRange(flag.At, T0.AddHours(3), T0.AddHours(4));
        Assert.True(flag.NegativeShare >= 0.6 && flag.PreviousNegativeShare < 0.4);
        Assert.Contains("物资发放", flag.Label);
    }

    [Fact]
    public void Constructor_WhenThresholdsCannotWork_Throws()
    {
        Assert.Throws<ArgumentException>(() => new SpikeDetector(new SpikeThresholds { MinimumVolume = 0 }));
        Assert.Throws<ArgumentException>(() => new SpikeDetector(new SpikeThresholds { NegativeShare = 1.5 }));
    }
}
