using System.Security.Cryptography;
using CrisisOps.Text.Model;
using CrisisOps.Text.Posts;
using CrisisOps.Text.Tokens;

namespace CrisisOps.Text.Tests.Model;

/// <summary>The trained model where the server takes an <see cref="ISentimentModel"/> (PostAnalyser's Chinese model).</summary>
public sealed class TrainedSentimentModelTests
{
    private static readonly Lazy<TrainedSentimentModel> Trained = new(() =>
    {
        string[] things = ["安置点", "物资发放", "热线", "救援队", "志愿者", "供水"];
        string[] good = ["很及时", "非常感谢", "很满意", "辛苦了", "很贴心"];
        string[] bad = ["太慢了", "没人管", "很失望", "不公平", "一直打不通"];
        var random = new Random(1);
        var rows = new List<LabelledText>();
        for (var i = 0; i < 300; i++)
        {
            var positive = random.Next(2) == 0;
            var words = positive ? good : bad;
            rows.Add(new LabelledText(positive, $"{things[random.Next(things.Length)]}{words[random.Next(words.Length)]}", i + 2));
        }

        var networks = NetworkOptions.Default with
        {
            Count = 1,
            Epochs = 3,
            Shape = NetworkShape.Default with { VocabularyBits = 10, Dimensions = 8, Filters = 8 },
        };
        return SentimentTrainer.Train(new LabelledData(rows, [], 0, new byte[32]), FeatureConfig.Default with { BucketBits = 16 },
            TrainingOptions.Default, networks, DateTimeOffset.UnixEpoch);
    });

    private static TextTokens Tokens(string text) =>
        TextTokens.TryCreate(text, out var tokens, out var problem) ? tokens : throw new InvalidOperationException(problem.ToString());

    [Fact]
    public void NameAndVersion_AreTrainedAndTheFilesSha256()
    {
        var model = Trained.Value;
        var path = Path.Combine(Path.GetTempPath(), "crisisops-trained-" + Guid.NewGuid().ToString("N"));
        try
        {
            ModelFile.Save(model, path);
            var expected = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)))[..12];

            Assert.Equal("trained", model.Name);
            Assert.Equal(expected, model.Version);
            Assert.Equal(expected, ModelFile.Load(path).Version);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("救援队非常感谢，辛苦了", SentimentLabel.Positive)]
    [InlineData("热线一直打不通，没人管", SentimentLabel.Negative)]
    public void Score_OnTheTokensText_AgreesWithClassify(string text, SentimentLabel expected)
    {
        var model = Trained.Value;
        var tokens = Tokens(text);

        var sentiment = model.Score(tokens);
        var classified = model.Classify(tokens.Text);

        Assert.Equal(expected, sentiment.Label);
        Assert.Equal(classified.Score, sentiment.Score, 12);
    }

    [Fact]
    public void Score_WithinTheNeutralBand_IsNeutral()
    {
        var model = Trained.Value;

        // Characters the model never saw: no n-gram weight, the networks see only their biases; whatever the score, the label follows the band.
        var sentiment = model.Score(Tokens("今天下午三点开会"));

        var expected = Math.Abs(sentiment.Score) < TrainedSentimentModel.NeutralBand ? SentimentLabel.Neutral
            : sentiment.Score > 0 ? SentimentLabel.Positive : SentimentLabel.Negative;
        Assert.Equal(expected, sentiment.Label);
        Assert.InRange(sentiment.Score, -1, 1);
    }

    [Fact]
    public void PostAnalyser_WithTheTrainedModelForChinese_UsesIt_AndTheLexiconForEnglish()
    {
        var model = Trained.Value;
        var analyser = new PostAnalyser(chinese: model);

        Assert.True(analyser.TryAnalyse("安置点很失望，物资发放不公平", "zh", out var chinese, out _));
        Assert.True(analyser.TryAnalyse("Thank you rescuers, water is back", "en", out var english, out _));

        Assert.Equal($"trained {model.Version}", chinese.Model);
        Assert.Equal(SentimentLabel.Negative, chinese.Sentiment.Label);
        Assert.StartsWith("lexicon", english.Model, StringComparison.Ordinal);
        Assert.Contains($"zh trained {model.Version}", analyser.Models, StringComparison.Ordinal);
    }
}
