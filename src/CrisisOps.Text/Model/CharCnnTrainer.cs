namespace CrisisOps.Text.Model;

/// <summary>
/// Trains a <see cref="CharCnn"/> by stochastic gradient, one row at a time in a seeded order, with AdaGrad step sizes
/// for every weight (Duchi et al. 2011), dropout on the pooled features (Kim 2014 used 0.5) and the classes balanced as
/// the linear model has them. Max-pooling sends each filter's gradient only to the window where it fired, so a step
/// costs little beyond the forward pass. The same rows, options and seed give the same network on the same machine
/// (vector widths differ between processors, and with them the last bits of float sums).
/// </summary>
public static class CharCnnTrainer
{
    private const float Epsilon = 1e-6f;

    /// <param name="texts">Normalised texts (<see cref="NgramFeatures.Normalize"/>).</param>
    /// <param name="progress">Called with the share of epochs done.</param>
    public static CharCnn Fit(IReadOnlyList<string> texts, IReadOnlyList<bool> labels, NetworkOptions options, int seed,
        Action<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (texts.Count != labels.Count || texts.Count == 0)
        {
            throw new ArgumentException("Texts and labels must be non-empty and of the same length.", nameof(labels));
        }

        var shape = options.Shape;
        var (d, f) = (shape.Dimensions, shape.Filters);
        var random = new Random(seed);
        var embeddings = new float[shape.Vocabulary * d];
        for (var i = 0; i < embeddings.Length; i++)
        {
            embeddings[i] = (float)((random.NextDouble() * 2 - 1) * 0.5);
        }

        var filters = new float[shape.Widths][];
        var biases = new float[shape.Widths][];
        for (var wi = 0; wi < shape.Widths; wi++)
        {
            var span = (shape.MinWidth + wi) * d;
            filters[wi] = Uniform(random, f * span, Math.Sqrt(6.0 / (span + f)));
            biases[wi] = new float[f];
        }

        var output = Uniform(random, shape.Pooled + 1, Math.Sqrt(6.0 / (shape.Pooled + 1)));
        output[^1] = 0;

        var slots = texts.Select(t => CharCnn.Slots(shape, t)).ToArray();
        var used = new bool[shape.Vocabulary];
        foreach (var row in slots)
        {
            foreach (var slot in row)
            {
                used[slot] = true;
            }
        }

        var g2Embeddings = new float[embeddings.Length];
        var g2Filters = filters.Select(a => new float[a.Length]).ToArray();
        var g2Biases = biases.Select(a => new float[a.Length]).ToArray();
        var g2Output = new float[output.Length];
        var positives = labels.Count(l => l);
        var positiveWeight = positives > 0 ? texts.Count / (2.0 * positives) : 1;
        var negativeWeight = positives < texts.Count ? texts.Count / (2.0 * (texts.Count - positives)) : 1;
        var sequence = new float[shape.MaxLength * d];
        var pooled = new float[shape.Pooled];
        var argmax = new int[shape.Pooled];
        var keep = new float[shape.Pooled];
        var rate = (float)options.LearningRate;
        var order = Enumerable.Range(0, texts.Count).ToArray();
        for (var epoch = 0; epoch < options.Epochs; epoch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            random.Shuffle(order);
            foreach (var i in order)
            {
                var ids = slots[i];
                if (ids.Length == 0)
                {
                    continue;
                }

                Forward(shape, embeddings, filters, biases, ids, sequence, pooled, argmax);
                double z = output[^1];
                for (var k = 0; k < pooled.Length; k++)
                {
                    keep[k] = random.NextDouble() < options.Dropout ? 0 : (float)(1 / (1 - options.Dropout));
                    z += output[k] * pooled[k] * keep[k];
                }

                var g = (float)((TrainedSentimentModel.Sigmoid(z) - (labels[i] ? 1 : 0)) * (labels[i] ? positiveWeight : negativeWeight));
                for (var k = 0; k < pooled.Length; k++)
                {
                    var gPooled = g * output[k] * keep[k];
                    Step(output, g2Output, k, g * pooled[k] * keep[k], rate);
                    if (argmax[k] < 0 || gPooled == 0)
                    {
                        continue;
                    }

                    // Only the window where the filter fired (ReLU active) receives its gradient.
                    var (wi, filter) = (k / f, k % f);
                    var span = (shape.MinWidth + wi) * d;
                    var t = argmax[k];
                    var w = filters[wi];
                    for (var j = 0; j < span; j++)
                    {
                        var weight = (filter * span) + j;
                        var e = ids[t + j / d] * d + j % d;
                        var gEmbedding = gPooled * w[weight];
                        Step(w, g2Filters[wi], weight, gPooled * sequence[t * d + j], rate);
                        Step(embeddings, g2Embeddings, e, gEmbedding, rate);
                    }

                    Step(biases[wi], g2Biases[wi], filter, gPooled, rate);
                }

                Step(output, g2Output, output.Length - 1, g, rate);
            }

            progress?.Invoke((epoch + 1.0) / options.Epochs);
        }

        // A slot no training text used keeps its random start; zero it, so an unseen character contributes nothing.
        for (var slot = 0; slot < used.Length; slot++)
        {
            if (!used[slot])
            {
                Array.Clear(embeddings, slot * d, d);
            }
        }

        return new CharCnn(shape, embeddings, filters, biases, output);
    }

    /// <summary>The training-time forward pass (weights change every step, so no precomputed responses).</summary>
    private static void Forward(NetworkShape shape, float[] embeddings, float[][] filters, float[][] biases, int[] ids, float[] sequence,
        float[] pooled, int[] argmax)
    {
        var (d, f) = (shape.Dimensions, shape.Filters);
        for (var t = 0; t < ids.Length; t++)
        {
            Array.Copy(embeddings, ids[t] * d, sequence, t * d, d);
        }

        for (var wi = 0; wi < shape.Widths; wi++)
        {
            var width = shape.MinWidth + wi;
            var span = width * d;
            for (var filter = 0; filter < f; filter++)
            {
                var best = 0f;
                var at = -1;
                var w = filters[wi].AsSpan(filter * span, span);
                for (var t = 0; t + width <= ids.Length; t++)
                {
                    var v = biases[wi][filter] + CharCnn.Dot(w, sequence.AsSpan(t * d, span));
                    if (v > best)
                    {
                        best = v;
                        at = t;
                    }
                }

                pooled[wi * f + filter] = best;
                argmax[wi * f + filter] = at;
            }
        }
    }

    private static void Step(float[] weights, float[] g2, int i, float gradient, float rate)
    {
        g2[i] += gradient * gradient;
        weights[i] -= rate * gradient / MathF.Sqrt(g2[i] + Epsilon);
    }

    private static float[] Uniform(Random random, int count, double scale)
    {
        var result = new float[count];
        for (var i = 0; i < count; i++)
        {
            result[i] = (float)((random.NextDouble() * 2 - 1) * scale);
        }

        return result;
    }
}
