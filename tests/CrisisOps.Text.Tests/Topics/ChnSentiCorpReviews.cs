using CrisisOps.Testing;
using CrisisOps.Text.Synthetic;
using CrisisOps.Text.Topics;

namespace CrisisOps.Text.Tests.Topics;

/// <summary>Hotel reviews from ../shared (<see cref="ChnSentiCorp"/>) as foreign noise for the topic stream.</summary>
internal static class ChnSentiCorpReviews
{
    /// <summary>Whether ../shared holds the reviews.</summary>
    public static bool Available => ChnSentiCorp.Available;

    /// <summary>Skips (laptop) or fails (CI) the test when the reviews are missing.</summary>
    public static string Require() => SharedData.Require(ChnSentiCorp.Parts);

    public static IReadOnlyList<ExtraText> Load() =>
        [.. ChnSentiCorp.Rows().Select(r => new ExtraText(r.Review, r.Label == 0 ? SentimentLabel.Negative : SentimentLabel.Positive))];
}
