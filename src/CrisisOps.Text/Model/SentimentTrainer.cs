using System.Globalization;

namespace CrisisOps.Text.Model;

/// <summary>How to train. The defaults are what docs/opinion-model.md measures (chosen on the validation split).</summary>
/// <param name="Epochs">Passes over the training rows, each in a fresh seeded order.</param>
/// <param name="LearningRate">AdaGrad's base rate.</param>
/// <param name="L2">L2 penalty on the weights a row touches.</param>
/// <param name="NaiveBayes">Scale features by their naive-Bayes log-count ratio before the regression (NB-LR).</param>
/// <param name="Seed">Seeds the order of rows in each epoch; the same data and seed give the same weights.</param>
/// <param name="BalanceClasses">Weigh each class's rows so that both classes count equally in the loss, whatever their share of
/// the file (ChnSentiCorp is 69 % positive; crisis feeds are not).</param>
public sealed record TrainingOptions(int Epochs, double LearningRate, double L2, bool NaiveBayes, int Seed, bool BalanceClasses = false)
{
    public static TrainingOptions Default { get; } = new(Epochs: 20, LearningRate: 0.1, L2: 1e-4, NaiveBayes: true, Seed: 1, BalanceClasses: true);

    /// <exception cref="ArgumentException">A value out of range.</exception>
    public void Validate()
    {
        if (Epochs is < 1 or > 1000 || !(LearningRate > 0) || double.IsInfinity(LearningRate) || !(L2 >= 0) || double.IsInfinity(L2))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Training options out of range: epochs {Epochs} (1–1000), learning rate {LearningRate} (> 0), L2 {L2} (≥ 0)."));
        }
    }
}

/// <summary>
/// Trains <see cref="TrainedSentimentModel"/>: logistic regression by stochastic gradient with AdaGrad step sizes
/// (Duchi et al. 2011) over binary hashed n-grams, each row scaled to unit length by 1/√n. With
/// <see cref="TrainingOptions.NaiveBayes"/> each feature is first multiplied by its log-count ratio
/// r = log((p/‖p‖₁)/(q/‖q‖₁)) with add-one smoothing, as in Wang &amp; Manning's NB-SVM (2012): features that lean to one
/// class weigh more and learn faster than neutral ones, which helps most on a few thousand short reviews. The ratio is folded into the stored weights, so
/// inference stays one sum.
/// </summary>
public static class SentimentTrainer
{
    /// <summary>Extracts features of every row; the expensive part (segmentation), done once, reported to <paramref name="progress"/> in [0, 0.5].</summary>
    public static int[][] Featurize(NgramFeatures features, IReadOnlyList<LabelledText> rows, IProgress<double>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(rows);
        var result = new int[rows.Count][];
        for (var i = 0; i < rows.Count; i++)
        {
            if ((i & 255) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Report(0.5 * i / rows.Count);
            }

            result[i] = features.Extract(rows[i].Text);
        }

        return result;
    }

    /// <summary>Learns weights and bias from featurised rows; reports progress in [0.5, 1].</summary>
    public static (float[] Weights, float Bias) Fit(FeatureConfig config, int[][] rows, IReadOnlyList<bool> labels, TrainingOptions options,
        IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (rows.Length != labels.Count || rows.Length == 0)
        {
            throw new ArgumentException("Rows and labels must be non-empty and of the same length.", nameof(labels));
        }

        var buckets = config.Buckets;
        var ratio = options.NaiveBayes ? LogCountRatio(buckets, rows, labels) : null;
        var w = new double[buckets];
        var g2 = new double[buckets];
        double bias = 0, biasG2 = 0;
        var positives = labels.Count(l => l);
        var positiveWeight = options.BalanceClasses && positives > 0 ? rows.Length / (2.0 * positives) : 1;
        var negativeWeight = options.BalanceClasses && positives < rows.Length ? rows.Length / (2.0 * (rows.Length - positives)) : 1;
        var order = Enumerable.Range(0, rows.Length).ToArray();
        var random = new Random(options.Seed);
        for (var epoch = 0; epoch < options.Epochs; epoch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            random.Shuffle(order);
            foreach (var i in order)
            {
                var row = rows[i];
                if (row.Length == 0)
                {
                    continue;
                }

                var scale = 1 / Math.Sqrt(row.Length);
                var z = bias;
                foreach (var f in row)
                {
                    z += w[f] * (ratio is null ? 1 : ratio[f]) * scale;
                }

                var error = (TrainedSentimentModel.Sigmoid(z) - (labels[i] ? 1 : 0)) * (labels[i] ? positiveWeight : negativeWeight);
                foreach (var f in row)
                {
                    var x = (ratio is null ? 1 : ratio[f]) * scale;
                    var g = error * x + options.L2 * w[f];
                    g2[f] += g * g;
                    w[f] -= options.LearningRate * g / Math.Sqrt(g2[f] + 1e-8);
                }

                biasG2 += error * error;
                bias -= options.LearningRate * error / Math.Sqrt(biasG2 + 1e-8);
            }

            progress?.Report(0.5 + 0.5 * (epoch + 1) / options.Epochs);
        }

        var folded = new float[buckets];
        for (var f = 0; f < buckets; f++)
        {
            folded[f] = (float)(w[f] * (ratio is null ? 1 : ratio[f]));
        }

        return (folded, (float)bias);
    }

    /// <summary>Predicts every featurised row with the given weights and counts the result.</summary>
    public static ClassificationMetrics Evaluate(ReadOnlySpan<float> weights, float bias, int[][] rows, IReadOnlyList<bool> labels)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var predicted = new bool[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            predicted[i] = TrainedSentimentModel.Margin(weights, bias, rows[i]) > 0;
        }

        return ClassificationMetrics.Count(labels, predicted);
    }

    /// <summary>
    /// Trains the linear model alone on the file's training part and measures it on its held-back part
    /// (<see cref="DataSplit"/>).
    /// </summary>
    public static TrainedSentimentModel Train(LabelledData data, FeatureConfig config, TrainingOptions options, DateTimeOffset createdAt,
        IProgress<double>? progress = null, CancellationToken cancellationToken = default) =>
        Train(data, config, options, NetworkOptions.None, createdAt, progress, cancellationToken);

    /// <summary>
    /// Trains on the file's training part and measures on its held-back part (<see cref="DataSplit"/>): the model and
    /// its honest figures in one step, as <c>crisisops opinion train</c> does. With networks (<paramref name="networks"/>
    /// count above 0) the linear model is trained first, then each network from seed <c>options.Seed + i</c>.
    /// </summary>
    public static TrainedSentimentModel Train(LabelledData data, FeatureConfig config, TrainingOptions options, NetworkOptions networks,
        DateTimeOffset createdAt, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(networks);
        networks.Validate();
        var (train, heldBack) = DataSplit.Stratified(data.Rows);
        if (train.Count == 0)
        {
            throw new ArgumentException("Nothing left to train on after holding back 20 %.", nameof(data));
        }

        // Without networks the linear model's share of the work is all of it; with them, the networks take most of the time.
        var linearShare = networks.Count == 0 ? 1.0 : 0.2;
        var scaled = progress is null ? null : new Progress<double>(p => progress.Report(p * linearShare));
        var features = new NgramFeatures(config);
        var trainRows = Featurize(features, train, scaled, cancellationToken);
        var labels = train.Select(r => r.Positive).ToArray();
        var (weights, bias) = Fit(config, trainRows, labels, options, scaled, cancellationToken);
        var texts = train.Select(r => NgramFeatures.Normalize(r.Text)).ToArray();
        var trained = new List<CharCnn>();
        for (var i = 0; i < networks.Count; i++)
        {
            var done = i;
            trained.Add(CharCnnTrainer.Fit(texts, labels, networks, options.Seed + i,
                p => progress?.Report(linearShare + (1 - linearShare) * (done + p) / networks.Count), cancellationToken));
        }

        var kind = options.NaiveBayes ? ModelKind.NaiveBayesLogisticRegression : ModelKind.LogisticRegression;
        var provenance = new ModelProvenance(kind, options, data.Sha256, data.Rows.Count, createdAt, new ClassificationMetrics(0, 0, 0, 0), networks);
        var unmeasured = new TrainedSentimentModel(config, weights, bias, provenance, trained);
        var metrics = ClassificationMetrics.Count([.. heldBack.Select(r => r.Positive)], [.. heldBack.Select(r => unmeasured.LogOdds(r.Text) > 0)]);
        return new TrainedSentimentModel(config, weights, bias, provenance with { HeldBack = metrics }, trained);
    }

    private static double[] LogCountRatio(int buckets, int[][] rows, IReadOnlyList<bool> labels)
    {
        var p = new double[buckets];
        var q = new double[buckets];
        var seen = new bool[buckets];
        for (var i = 0; i < rows.Length; i++)
        {
            var counts = labels[i] ? p : q;
            foreach (var f in rows[i])
            {
                counts[f]++;
                seen[f] = true;
            }
        }

        // Smoothing and norms over the buckets some row uses: adding one to millions of empty buckets would drown the counts.
        double pNorm = 0, qNorm = 0;
        for (var f = 0; f < buckets; f++)
        {
            if (seen[f])
            {
                pNorm += p[f] + 1;
                qNorm += q[f] + 1;
            }
        }

        var r = new double[buckets];
        for (var f = 0; f < buckets; f++)
        {
            r[f] = seen[f] ? Math.Log((p[f] + 1) / pNorm) - Math.Log((q[f] + 1) / qNorm) : 0;
        }

        return r;
    }
}
