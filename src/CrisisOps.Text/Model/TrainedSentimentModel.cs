using System.Security.Cryptography;
using CrisisOps.Text.Tokens;

namespace CrisisOps.Text.Model;

/// <summary>What a model file says about the model besides its weights.</summary>
/// <param name="TrainingSha256">SHA-256 of the training file's bytes, so a model can be traced to its data.</param>
/// <param name="TrainingRows">Usable rows of the training file (both parts of the split).</param>
/// <param name="CreatedAt">When the model was trained, as passed in by the caller's clock.</param>
/// <param name="HeldBack">Metrics on the held-back split of the training file (<see cref="DataSplit"/>), of the whole model (networks included).</param>
/// <param name="Networks">How the networks were trained; <see cref="NetworkOptions.None"/> for a linear model alone.</param>
public sealed record ModelProvenance(
    ModelKind Kind,
    TrainingOptions Training,
    byte[] TrainingSha256,
    int TrainingRows,
    DateTimeOffset CreatedAt,
    ClassificationMetrics HeldBack,
    NetworkOptions? Networks = null)
{
    public NetworkOptions Networks { get; init; } = Networks ?? NetworkOptions.None;
}

/// <summary>How the weights were learnt; inference is the same for all kinds.</summary>
public enum ModelKind : byte
{
    /// <summary>Logistic regression over binary hashed n-grams.</summary>
    LogisticRegression = 1,

    /// <summary>Logistic regression over n-grams scaled by their naive-Bayes log-count ratio (NB-LR, after Wang &amp; Manning 2012).</summary>
    NaiveBayesLogisticRegression = 2,
}

/// <summary>
/// A trained sentiment classifier: a linear model over hashed character (and word) n-grams, optionally averaged with
/// small character networks (<see cref="CharCnn"/>). Its log-odds that a text is positive are
/// m = b + Σ w[f] / √n over the n distinct features f, plus <see cref="NetworkWeight"/> × the networks' mean margin; the
/// probability is σ(m). Immutable and thread-safe. As an <see cref="ISentimentModel"/> it is named <c>trained</c> and
/// versioned by its model file's SHA-256.
/// </summary>
public sealed class TrainedSentimentModel : ISentimentModel
{
    /// <summary>Scores closer to zero than this are neutral (see <see cref="Classify"/>).</summary>
    public const double NeutralBand = 0.2;

    private readonly float[] weights;
    private readonly CharCnn[] networks;
    private readonly Lazy<string> version;

    /// <param name="weights">One weight per bucket of <paramref name="features"/>.</param>
    /// <param name="networks">Networks averaged with the linear model; none for a linear model alone.</param>
    public TrainedSentimentModel(FeatureConfig features, float[] weights, float bias, ModelProvenance provenance,
        IReadOnlyList<CharCnn>? networks = null)
        : this(features, weights, bias, provenance, networks, fileBytes: null)
    {
    }

    /// <param name="fileBytes">The model file this model was read from, when it was (its SHA-256 is <see cref="Version"/>);
    /// null to hash the bytes <see cref="ModelFile.ToBytes"/> would write, which are the same.</param>
    internal TrainedSentimentModel(FeatureConfig features, float[] weights, float bias, ModelProvenance provenance,
        IReadOnlyList<CharCnn>? networks, byte[]? fileBytes)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(provenance);
        Features = new NgramFeatures(features);
        if (weights.Length != features.Buckets)
        {
            throw new ArgumentException("One weight per bucket is required.", nameof(weights));
        }

        this.networks = networks?.ToArray() ?? [];
        if (this.networks.Length != provenance.Networks.Count || this.networks.Any(n => n.Shape != provenance.Networks.Shape))
        {
            throw new ArgumentException("The networks do not match the provenance's network options.", nameof(networks));
        }

        this.weights = weights;
        Bias = bias;
        Provenance = provenance;
        version = new Lazy<string>(() => Convert.ToHexStringLower(SHA256.HashData(fileBytes ?? ModelFile.ToBytes(this)))[..12]);
    }

    public NgramFeatures Features { get; }

    public float Bias { get; }

    public ModelProvenance Provenance { get; }

    /// <summary>The weights, read-only (the model file writes them).</summary>
    public ReadOnlySpan<float> Weights => weights;

    /// <summary>The character networks averaged with the linear model; empty for a linear model alone.</summary>
    public IReadOnlyList<CharCnn> Networks => networks;

    /// <summary>How much the networks' mean margin counts beside the linear model's.</summary>
    public double NetworkWeight => Provenance.Networks.Weight;

    /// <summary><c>trained</c>, as stored beside each judgement.</summary>
    public string Name => "trained";

    /// <summary>The first 12 hex digits of the SHA-256 of the model file (the bytes <see cref="ModelFile.Save"/> writes).</summary>
    public string Version => version.Value;

    /// <summary>The probability in [0, 1] that the text is positive; 0.5 for a text with no features (empty).</summary>
    public double Predict(string text) => Sigmoid(LogOdds(text));

    /// <summary>The model's log-odds that the text is positive: the linear margin plus the weighed networks' mean margin.</summary>
    public double LogOdds(string text)
    {
        var normalized = NgramFeatures.Normalize(text);
        var margin = Margin(weights, Bias, Features.ExtractNormalized(normalized));
        if (networks.Length == 0 || normalized.Length == 0)
        {
            return margin;
        }

        var sum = 0.0;
        foreach (var network in networks)
        {
            sum += network.Margin(normalized);
        }

        return margin + NetworkWeight * sum / networks.Length;
    }

    /// <summary>The linear part's probability for features already extracted with <see cref="Features"/> (networks not included).</summary>
    public double Probability(ReadOnlySpan<int> buckets) => Sigmoid(Margin(weights, Bias, buckets));

    /// <summary>Judges the analysed text (<see cref="TextTokens.Text"/>) as <see cref="Classify"/> does.</summary>
    public Sentiment Score(TextTokens text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var verdict = Classify(text.Text);
        var label = verdict.Polarity switch
        {
            ModelPolarity.Positive => SentimentLabel.Positive,
            ModelPolarity.Negative => SentimentLabel.Negative,
            _ => SentimentLabel.Neutral,
        };
        return new Sentiment(label, Math.Clamp(verdict.Score, -1, 1));
    }

    /// <summary>
    /// The model's answer in the shape of the sentiment API: a score in [-1, 1] (2p − 1) and a label, neutral while the
    /// score is within <paramref name="neutralBand"/> of zero — a binary model trained on reviews has no neutral class,
    /// so "unsure" stands for it.
    /// </summary>
    public ModelSentiment Classify(string text, double neutralBand = NeutralBand)
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
