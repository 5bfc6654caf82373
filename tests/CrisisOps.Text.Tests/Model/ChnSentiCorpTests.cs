using System.Globalization;
using CrisisOps.Testing;
using CrisisOps.Text.Lexicon;
using CrisisOps.Text.Model;
using CrisisOps.Text.Tokens;

namespace CrisisOps.Text.Tests.Model;

/// <summary>
/// The trained model on ChnSentiCorp (hotel reviews, no stated licence: trained here at run time, never committed), measured
/// on the documented held-back 20 % and on our own crisis posts, which are another domain. One training is shared by the
/// tests of the class.
/// </summary>
public sealed class ChnSentiCorpTests(ChnSentiCorpTests.Trained trained, ITestOutputHelper output) : IClassFixture<ChnSentiCorpTests.Trained>
{
    /// <summary>Issue 9's goal is 92 %; what this model reaches is in docs/opinion-model.md. The floor guards against regressions.</summary>
    private const double HeldBackFloor = 0.895;

    /// <summary>Crisis posts differ from hotel reviews and a fifth are English, which ChnSentiCorp never shows; the floor is what the hotel-trained model reaches (74 %), less a margin.</summary>
    private const double CrisisPostsFloor = 0.70;

    public sealed class Trained
    {
        private readonly Lazy<TrainedSentimentModel> model = new(() =>
        {
            var data = LabelledCsv.ReadFile(SharedData.Require("sentiment-zh", "chnsenticorp", "ChnSentiCorp_htl_all.csv"));
            return SentimentTrainer.Train(data, FeatureConfig.Default, TrainingOptions.Default, DateTimeOffset.UnixEpoch);
        });

        public TrainedSentimentModel Model => model.Value;
    }

    [Fact]
    public void Train_OnEightyPercent_ReachesTheFloorOnTheHeldBackTwenty()
    {
        var held = trained.Model.Provenance.HeldBack;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"held back {held.Total}: accuracy {held.Accuracy:P2}, macro-F1 {held.MacroF1:P2}, TP {held.TruePositives} FP {held.FalsePositives} TN {held.TrueNegatives} FN {held.FalseNegatives}"));

        Assert.Equal(1553, held.Total);
        Assert.True(held.Accuracy >= HeldBackFloor, $"held-back accuracy {held.Accuracy:P2} < {HeldBackFloor:P1}");
    }

    [Fact]
    public void Predict_OnOurCrisisPosts_HoldsUpInAnotherDomain()
    {
        var posts = LabelledCsv.ReadFile(Path.Combine(AppContext.BaseDirectory, "Model", "crisis-posts.csv"));
        var predicted = posts.Rows.Select(r => trained.Model.Predict(r.Text) > 0.5).ToArray();
        var metrics = ClassificationMetrics.Count([.. posts.Rows.Select(r => r.Positive)], predicted);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"crisis posts {metrics.Total}: accuracy {metrics.Accuracy:P2}, macro-F1 {metrics.MacroF1:P2}"));
        foreach (var (row, p) in posts.Rows.Zip(predicted).Where(x => x.First.Positive != x.Second))
        {
            output.WriteLine($"  wrong ({(row.Positive ? "positive" : "negative")}): {row.Text}");
        }

        Assert.Equal(0, posts.RefusedRows);
        Assert.True(metrics.Accuracy >= CrisisPostsFloor, $"crisis-post accuracy {metrics.Accuracy:P2} < {CrisisPostsFloor:P0}");
    }

    /// <summary>
    /// Task 2 of issue 9's accuracy push: the trained model beside the lexicon model on our crisis posts, Chinese and English
    /// apart. The lexicon's label maps Negative → 0, Positive → 1, and Neutral counts as wrong. Figures in docs/opinion-model.md.
    /// </summary>
    [Fact]
    public void CrisisPosts_ByLanguage_TrainedBesideLexicon()
    {
        var posts = LabelledCsv.ReadFile(Path.Combine(AppContext.BaseDirectory, "Model", "crisis-posts.csv")).Rows;
        var chinese = posts.Where(r => r.Text.Any(c => c is >= '\u4E00' and <= '\u9FFF')).ToArray();
        var english = posts.Except(chinese).ToArray();

        double Trained(IReadOnlyList<LabelledText> rows) => (double)rows.Count(r => trained.Model.Predict(r.Text) > 0.5 == r.Positive) / rows.Count;
        double Lexicon(IReadOnlyList<LabelledText> rows) => (double)rows.Count(r =>
            TextTokens.TryCreate(r.Text, out var tokens, out _)
            && LexiconSentimentModel.Default.Score(tokens).Label == (r.Positive ? SentimentLabel.Positive : SentimentLabel.Negative)) / rows.Count;

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"trained: all {Trained(posts):P1}, zh {Trained(chinese):P1}, en {Trained(english):P1}; lexicon: all {Lexicon(posts):P1}, zh {Lexicon(chinese):P1}, en {Lexicon(english):P1}"));

        Assert.Equal((143, 30), (chinese.Length, english.Length));
        Assert.True(Trained(chinese) >= 0.72, $"trained on Chinese posts {Trained(chinese):P1}");
        Assert.True(Lexicon(chinese) >= 0.72, $"lexicon on Chinese posts {Lexicon(chinese):P1}");
        Assert.True(Lexicon(english) >= 0.9, $"lexicon on English posts {Lexicon(english):P1}");
    }
}
