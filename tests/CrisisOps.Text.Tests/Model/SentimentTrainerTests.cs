using CrisisOps.Text.Model;

namespace CrisisOps.Text.Tests.Model;

public sealed class SentimentTrainerTests
{
    private static readonly FeatureConfig Small = FeatureConfig.WithWords with { BucketBits = 16 };

    /// <summary>Short reviews from a few templates: enough for a linear model to learn which words carry the feeling.</summary>
    private static LabelledData Corpus(int count, int seed)
    {
        string[] things = ["房间", "服务", "早餐", "前台", "位置", "床", "卫生间", "空调"];
        string[] good = ["很好", "干净", "不错", "非常满意", "很舒服", "热情"];
        string[] bad = ["太差", "很脏", "不满意", "很吵", "太失望", "冷漠"];
        var random = new Random(seed);
        var rows = new List<LabelledText>();
        for (var i = 0; i < count; i++)
        {
            var positive = random.Next(3) > 0;
            var words = positive ? good : bad;
            var text = $"{things[random.Next(things.Length)]}{words[random.Next(words.Length)]}，{things[random.Next(things.Length)]}也{words[random.Next(words.Length)]}";
            rows.Add(new LabelledText(positive, text, i + 2));
        }

        return new LabelledData(rows, [], 0, new byte[32]);
    }

    [Fact]
    public void Train_OnSeparableReviews_LearnsThemAndRecordsItsHeldBackFigures()
    {
        var at = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

        var model = SentimentTrainer.Train(Corpus(400, 1), Small, TrainingOptions.Default, at);

        Assert.True(model.Provenance.HeldBack.Accuracy > 0.97, $"held-back accuracy {model.Provenance.HeldBack.Accuracy}");
        Assert.Equal(80, model.Provenance.HeldBack.Total);
        Assert.Equal(400, model.Provenance.TrainingRows);
        Assert.Equal(at, model.Provenance.CreatedAt);
        Assert.True(model.Predict("前台很热情，空调也很舒服") > 0.5);
        Assert.True(model.Predict("卫生间很脏，太失望") < 0.5);
        Assert.Equal(ModelPolarity.Negative, model.Classify("床很脏").Polarity);
    }

    [Fact]
    public void Train_WithTheSameSeed_GivesTheSameWeights_AndAnotherSeedOtherWeights()
    {
        var data = Corpus(200, 2);
        var at = DateTimeOffset.UnixEpoch;

        var a = SentimentTrainer.Train(data, Small, TrainingOptions.Default, at);
        var b = SentimentTrainer.Train(data, Small, TrainingOptions.Default, at);
        var c = SentimentTrainer.Train(data, Small, TrainingOptions.Default with { Seed = 99 }, at);

        Assert.Equal(ModelFile.ToBytes(a), ModelFile.ToBytes(b));
        Assert.NotEqual(a.Weights.ToArray(), c.Weights.ToArray());
    }

    [Fact]
    public void Train_WithoutNaiveBayes_StillLearns()
    {
        var model = SentimentTrainer.Train(Corpus(400, 3), Small, TrainingOptions.Default with { NaiveBayes = false }, DateTimeOffset.UnixEpoch);

        Assert.Equal(ModelKind.LogisticRegression, model.Provenance.Kind);
        Assert.True(model.Provenance.HeldBack.Accuracy > 0.95);
    }

    [Fact]
    public void Classify_WhenTextIsEmpty_IsNeutral()
    {
        var model = SentimentTrainer.Train(Corpus(100, 4), Small, TrainingOptions.Default, DateTimeOffset.UnixEpoch);

        Assert.Equal(new ModelSentiment(ModelPolarity.Neutral, 0), model.Classify(""));
    }

    [Fact]
    public void Fit_WhenOptionsOutOfRange_Throws()
    {
        Assert.Throws<ArgumentException>(() => SentimentTrainer.Fit(Small, [[1]], [true], TrainingOptions.Default with { Epochs = 0 }));
        Assert.Throws<ArgumentException>(() => SentimentTrainer.Fit(Small, [[1]], [true], TrainingOptions.Default with { LearningRate = double.NaN }));
    }

    [Fact]
    public void Metrics_CountConfusionAndMacroF1()
    {
        var m = ClassificationMetrics.Count([true, true, true, false, false], [true, true, false, false, true]);

        Assert.Equal((2, 1, 1, 1), (m.TruePositives, m.FalsePositives, m.TrueNegatives, m.FalseNegatives));
        Assert.Equal(0.6, m.Accuracy, 10);
        Assert.Equal(2.0 / 3, m.Positive.F1, 10);
        Assert.Equal(0.5, m.Negative.F1, 10);
        Assert.Equal((2.0 / 3 + 0.5) / 2, m.MacroF1, 10);
    }
}
