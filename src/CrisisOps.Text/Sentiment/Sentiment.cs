namespace CrisisOps.Text;

/// <summary>
/// A model's judgement of one text: its label and a score in [-1, 1], negative below zero, positive above. The label is
/// the model's own decision (each model has its neutral band), so the score is for ranking and averaging, the label for
/// counting negative shares.
/// </summary>
public sealed record Sentiment
{
    /// <exception cref="ArgumentOutOfRangeException">The score is outside [-1, 1] or not a number.</exception>
    public Sentiment(SentimentLabel label, double score)
    {
        if (!Enum.IsDefined(label))
        {
            throw new ArgumentOutOfRangeException(nameof(label), label, "Not a sentiment label.");
        }

        if (double.IsNaN(score) || score < -1 || score > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(score), score, "A sentiment score lies in [-1, 1].");
        }

        Label = label;
        Score = score;
    }

    public SentimentLabel Label { get; }

    public double Score { get; }
}
