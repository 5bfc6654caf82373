using System.Globalization;
using CrisisOps.Testing;
using CrisisOps.Text.Model;

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
}
