namespace CrisisOps.Text.Model;

/// <summary>What a model file says about the model besides its weights.</summary>
/// <param name="TrainingSha256">SHA-256 of the training file's bytes, so a model can be traced to its data.</param>
/// <param name="TrainingRows">Usable rows of the training file (both parts of the split).</param>
/// <param name="CreatedAt">When the model was trained, as passed in by the caller's clock.</param>
/// <param name="HeldBack">Metrics on the held-back split of the training file (<see cref="DataSplit"/>).</param>
public sealed record ModelProvenance(
    ModelKind Kind,
    TrainingOptions Training,
    byte[] TrainingSha256,
    int TrainingRows,
    DateTimeOffset CreatedAt,
    ClassificationMetrics HeldBack);

/// <summary>How the weights were learnt; inference is the same for all kinds.</summary>
public enum ModelKind : byte
{
    /// <summary>Logistic regression over binary hashed n-grams.</summary>
    LogisticRegression = 1,

    /// <summary>Logistic regression over n-grams scaled by their naive-Bayes log-count ratio (NB-LR, after Wang &amp; Manning 2012).</summary>
    NaiveBayesLogisticRegression = 2,
}

/// <summary>
/// A trained linear sentiment classifier over hashed character and word n-grams. The probability that a text is
/// positive is σ(b + Σ w[f] / √n) over its n distinct features f. Immutable and thread-safe.
/// </summary>
public sealed class TrainedSentimentModel
{
    private readonly float[] weights;

    /// <param name="weights">One weight per bucket of <paramref name="features"/>.</param>
    public TrainedSentimentModel(FeatureConfig features, float[] weights, float bias, ModelProvenance provenance)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(provenance);
        Features = new NgramFeatures(features);
        if (weights.Length != features.Buckets)
        {
            throw new ArgumentException("One weight per bucket is required.", nameof(weights));
        }

        this.weights = weights;
        Bias = bias;
        Provenance = provenance;
    }

    public NgramFeatures Features { get; }

    public float Bias { get; }

    public ModelProvenance Provenance { get; }

    /// <summary>The weights, read-only (the model file writes them).</summary>
    public ReadOnlySpan<float> Weights => weights;

    /// <summary>The probability in [0, 1] that the text is positive; 0.5 for a text with no features (empty).</summary>
    public double Predict(string text) => Probability(Features.Extract(text));

    /// <summary>The probability for features already extracted with <see cref="Features"/>.</summary>
    public double Probability(ReadOnlySpan<int> buckets) => Sigmoid(Margin(weights, Bias, buckets));

    /// <summary>
    /// The model's answer in the shape of the sentiment API: a score in [-1, 1] (2p − 1) and a label, neutral while the
    /// score is within <paramref name="neutralBand"/> of zero — a binary model trained on reviews has no neutral class,
    /// so "unsure" stands for it.
    /// </summary>
    public ModelSentiment Classify(string text, double neutralBand = 0.2)
    {
        var score = 2 * Predict(text) - 1;
        var polarity = Math.Abs(score) < neutralBand ? ModelPolarity.Neutral : score > 0 ? ModelPolarity.Positive : ModelPolarity.Negative;
        return new ModelSentiment(polarity, score);
    }

    internal static double Margin(ReadOnlySpan<float> weights, float bias, ReadOnlySpan<int> buckets)
    {
        if (buckets.Length == 0)
        {
            return 0;
        }

        var sum = 0.0;
        foreach (var b in buckets)
        {
            sum += weights[b];
        }

        return bias + sum / Math.Sqrt(buckets.Length);
    }

    internal static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));
}

/// <summary>Polarity as the trained model reports it; maps one to one onto the lexicon tier's SentimentLabel when the two are joined.</summary>
public enum ModelPolarity
{
    Negative,
    Neutral,
    Positive,
}

/// <summary>The trained model's verdict: polarity and a score in [-1, 1] (negative to positive).</summary>
public sealed record ModelSentiment(ModelPolarity Polarity, double Score);
