namespace CrisisOps.Text.Model;

/// <summary>Precision, recall and F1 of one class; zero where the denominator is zero (no prediction of the class, say).</summary>
public sealed record ClassScores(double Precision, double Recall, double F1, int Support);

/// <summary>
/// How a binary sentiment classifier did on labelled texts: the confusion matrix, accuracy, per-class scores and the
/// macro-F1 (the plain mean of both classes' F1, so the smaller negative class counts as much as the positive one).
/// </summary>
public sealed record ClassificationMetrics(int TruePositives, int FalsePositives, int TrueNegatives, int FalseNegatives)
{
    public int Total => TruePositives + FalsePositives + TrueNegatives + FalseNegatives;

    public double Accuracy => Total == 0 ? 0 : (double)(TruePositives + TrueNegatives) / Total;

    public ClassScores Positive => Scores(TruePositives, FalsePositives, FalseNegatives);

    public ClassScores Negative => Scores(TrueNegatives, FalseNegatives, FalsePositives);

    public double MacroF1 => (Positive.F1 + Negative.F1) / 2;

    /// <summary>Counts predictions against the truth, pairwise.</summary>
    public static ClassificationMetrics Count(IReadOnlyList<bool> truth, IReadOnlyList<bool> predicted)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(predicted);
        if (truth.Count != predicted.Count)
        {
            throw new ArgumentException("Truth and predictions differ in length.", nameof(predicted));
        }

        int tp = 0, fp = 0, tn = 0, fn = 0;
        for (var i = 0; i < truth.Count; i++)
        {
            switch (truth[i], predicted[i])
            {
                case (true, true): tp++; break;
                case (false, true): fp++; break;
                case (false, false): tn++; break;
                default: fn++; break;
            }
        }

        return new ClassificationMetrics(tp, fp, tn, fn);
    }

    private static ClassScores Scores(int hits, int wrongCalls, int missed)
    {
        var precision = hits + wrongCalls == 0 ? 0 : (double)hits / (hits + wrongCalls);
        var recall = hits + missed == 0 ? 0 : (double)hits / (hits + missed);
        var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return new ClassScores(precision, recall, f1, hits + missed);
    }
}
