using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;

namespace CrisisOps.Text.Model;

/// <summary>
/// The size of a <see cref="CharCnn"/>. Stored in the model file: the weights are only valid with the shape they were
/// trained in.
/// </summary>
/// <param name="VocabularyBits">log2 of the character hash table (2^14 = 16,384 slots; a hotel-review corpus uses ~3,500 characters).</param>
/// <param name="Dimensions">Length of each character's embedding.</param>
/// <param name="Filters">Filters per window width.</param>
/// <param name="MinWidth">Narrowest window, in characters.</param>
/// <param name="MaxWidth">Widest window (2–4 covers 不错, 不太好, 没有问题).</param>
/// <param name="MaxLength">Longer texts keep their first and last MaxLength/2 characters: reviews open and close with their verdict.</param>
public sealed record NetworkShape(int VocabularyBits, int Dimensions, int Filters, int MinWidth, int MaxWidth, int MaxLength)
{
    /// <summary>What the validation split chose (docs/opinion-model.md).</summary>
    public static NetworkShape Default { get; } = new(14, 32, 32, 2, 4, 300);

    public int Vocabulary => 1 << VocabularyBits;

    public int Widths => MaxWidth - MinWidth + 1;

    /// <summary>Pooled features: one per filter and width.</summary>
    public int Pooled => Filters * Widths;

    /// <exception cref="ArgumentException">A value is outside what the model file supports.</exception>
    public void Validate()
    {
        if (VocabularyBits is < 8 or > 16 || Dimensions is < 4 or > 64 || Filters is < 1 or > 256 || MinWidth < 1 || MaxWidth < MinWidth
            || MaxWidth > 7 || MaxLength is < 16 or > 4096)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Network shape out of range: vocabulary 2^{VocabularyBits} (2^8–2^16), dimensions {Dimensions} (4–64), filters {Filters} (1–256), widths {MinWidth}–{MaxWidth} (1–7), max length {MaxLength} (16–4096)."));
        }
    }
}

/// <summary>
/// How to train the networks of an ensemble (<see cref="CharCnn"/>); <see cref="None"/> trains the linear model alone,
/// which is what <c>crisisops opinion train</c> does unless <c>--networks N</c> asks for networks: on five folds of the
/// training 80 % of ChnSentiCorp the networks did not raise accuracy (docs/opinion-model.md).
/// </summary>
/// <param name="Count">Networks, each from its own seed (the training seed plus its index); their margins are averaged.</param>
/// <param name="Epochs">Passes over the training rows.</param>
/// <param name="LearningRate">AdaGrad's base rate.</param>
/// <param name="Dropout">Share of pooled features dropped at each training step.</param>
/// <param name="Weight">How much the networks' mean margin counts beside the linear model's (which counts 1).</param>
public sealed record NetworkOptions(int Count, int Epochs, double LearningRate, double Dropout, double Weight, NetworkShape Shape)
{
    /// <summary>The settings used when networks are asked for: one network, four epochs, weighed half (the best of those tried on the validation split; docs/opinion-model.md).</summary>
    public static NetworkOptions Default { get; } = new(1, 4, 0.01, 0.5, 0.5, NetworkShape.Default);

    /// <summary>No networks: the linear model alone (format version 1's model).</summary>
    public static NetworkOptions None { get; } = Default with { Count = 0 };

    /// <exception cref="ArgumentException">A value out of range.</exception>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Shape);
        Shape.Validate();
        if (Count is < 0 or > 4 || Epochs is < 1 or > 100 || !(LearningRate > 0) || double.IsInfinity(LearningRate) || !(Dropout >= 0) || Dropout >= 1
            || !(Weight > 0) || double.IsInfinity(Weight))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Network options out of range: count {Count} (0–4), epochs {Epochs} (1–100), learning rate {LearningRate} (> 0), dropout {Dropout} ([0, 1)), weight {Weight} (> 0)."));
        }
    }
}

/// <summary>
/// A small convolutional network over characters, after Kim (2014), trained from scratch: each character of the
/// normalised text is looked up in a hashed embedding table, filters of a few widths slide over the sequence, each
/// filter keeps its strongest (ReLU) response anywhere in the text (max-pooling), and a logistic layer weighs those.
/// It sees the same characters as the n-gram model but composes them through learnt embeddings, so its mistakes differ.
/// Alone it is much weaker (79–84 % on the validation split); averaged with the n-gram model it added 0.6–0.9 points on
/// that split, but nothing on five folds of the training 80 % nor on the held-back 20 % (docs/opinion-model.md), so it is
/// optional (<c>--networks N</c>).
/// <para>Prediction is fast because a filter's response is a sum over the window of (filter slice · embedding): those
/// products are computed once per character when the network is built, so a text costs a few vector additions per
/// character. A character no training text used has a zero embedding and contributes nothing.</para>
/// Immutable after construction and safe to share between threads.
/// </summary>
public sealed class CharCnn
{
    private readonly float[] embeddings;
    private readonly float[][] filters;
    private readonly float[][] biases;
    private readonly float[] output;

    // Per width: for each offset k in the window and each known character row r, the Filters responses W[·][k]·e(c).
    private readonly float[][] responses;

    // Character slot → row in responses, or -1 for a slot no training text used.
    private readonly int[] rows;
    private readonly int rowCount;

    /// <param name="embeddings">Vocabulary × Dimensions.</param>
    /// <param name="filters">Per width w (MinWidth first): Filters × w × Dimensions.</param>
    /// <param name="biases">Per width: Filters.</param>
    /// <param name="output">Pooled weights (width-major), then the bias.</param>
    public CharCnn(NetworkShape shape, float[] embeddings, float[][] filters, float[][] biases, float[] output)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentNullException.ThrowIfNull(filters);
        ArgumentNullException.ThrowIfNull(biases);
        ArgumentNullException.ThrowIfNull(output);
        shape.Validate();
        if (embeddings.Length != shape.Vocabulary * shape.Dimensions || filters.Length != shape.Widths || biases.Length != shape.Widths
            || output.Length != shape.Pooled + 1)
        {
            throw new ArgumentException("Weights do not match the network's shape.", nameof(embeddings));
        }

        for (var i = 0; i < shape.Widths; i++)
        {
            if (filters[i].Length != shape.Filters * (shape.MinWidth + i) * shape.Dimensions || biases[i].Length != shape.Filters)
            {
                throw new ArgumentException("Filter weights do not match the network's shape.", nameof(filters));
            }
        }

        Shape = shape;
        this.embeddings = embeddings;
        this.filters = filters;
        this.biases = biases;
        this.output = output;
        (rows, rowCount) = KnownCharacters(shape, embeddings);
        responses = Responses();
    }

    public NetworkShape Shape { get; }

    public ReadOnlySpan<float> Embeddings => embeddings;

    public ReadOnlySpan<float> Filter(int width) => filters[width - Shape.MinWidth];

    public ReadOnlySpan<float> FilterBias(int width) => biases[width - Shape.MinWidth];

    /// <summary>Pooled weights, then the output bias.</summary>
    public ReadOnlySpan<float> Output => output;

    /// <summary>The log-odds that a normalised text (<see cref="NgramFeatures.Normalize"/>) is positive; 0 for an empty one.</summary>
    public double Margin(string normalized)
    {
        ArgumentNullException.ThrowIfNull(normalized);
        var slots = Slots(Shape, normalized);
        if (slots.Length == 0)
        {
            return 0;
        }

        var f = Shape.Filters;
        var pooledArray = new float[Shape.Pooled];
        var accumulator = new float[f];
        for (var wi = 0; wi < Shape.Widths; wi++)
        {
            var width = Shape.MinWidth + wi;
            var table = responses[wi];
            var best = pooledArray.AsSpan(wi * f, f); // starts at 0: ReLU then max
            for (var t = 0; t + width <= slots.Length; t++)
            {
                biases[wi].CopyTo(accumulator, 0);
                for (var k = 0; k < width; k++)
                {
                    var row = rows[slots[t + k]];
                    if (row >= 0)
                    {
                        Add(accumulator, table.AsSpan((k * rowCount + row) * f, f));
                    }
                }

                Max(best, accumulator);
            }
        }

        double z = output[^1];
        for (var i = 0; i < pooledArray.Length; i++)
        {
            z += output[i] * pooledArray[i];
        }

        return z;
    }

    /// <summary>The hashed character slots of a normalised text, long texts cut to their head and tail.</summary>
    internal static int[] Slots(NetworkShape shape, string normalized)
    {
        var text = normalized.Length > shape.MaxLength
            ? string.Concat(normalized.AsSpan(0, shape.MaxLength / 2), normalized.AsSpan(normalized.Length - shape.MaxLength / 2))
            : normalized;
        var mask = (uint)shape.Vocabulary - 1;
        var slots = new int[text.Length];
        for (var i = 0; i < text.Length; i++)
        {
            // FNV-1a of the character, then murmur3's mixing: the same slot in every process, unlike string.GetHashCode().
            var h = (text[i] ^ 2166136261u) * 16777619u;
            h ^= h >> 15;
            h *= 0x85EBCA6Bu;
            h ^= h >> 13;
            slots[i] = (int)(h & mask);
        }

        return slots;
    }

    private static (int[] Rows, int Count) KnownCharacters(NetworkShape shape, float[] embeddings)
    {
        var rows = new int[shape.Vocabulary];
        var count = 0;
        for (var slot = 0; slot < rows.Length; slot++)
        {
            var known = embeddings.AsSpan(slot * shape.Dimensions, shape.Dimensions).ContainsAnyExcept(0f);
            rows[slot] = known ? count++ : -1;
        }

        return (rows, count);
    }

    private float[][] Responses()
    {
        var (d, f) = (Shape.Dimensions, Shape.Filters);
        var result = new float[Shape.Widths][];
        for (var wi = 0; wi < Shape.Widths; wi++)
        {
            var width = Shape.MinWidth + wi;
            var table = new float[width * rowCount * f];
            for (var slot = 0; slot < rows.Length; slot++)
            {
                var row = rows[slot];
                if (row < 0)
                {
                    continue;
                }

                var e = embeddings.AsSpan(slot * d, d);
                for (var k = 0; k < width; k++)
                {
                    for (var filter = 0; filter < f; filter++)
                    {
                        table[(k * rowCount + row) * f + filter] = Dot(filters[wi].AsSpan((filter * width + k) * d, d), e);
                    }
                }
            }

            result[wi] = table;
        }

        return result;
    }

    internal static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var va = MemoryMarshal.Cast<float, Vector<float>>(a);
        var vb = MemoryMarshal.Cast<float, Vector<float>>(b);
        var sum = Vector<float>.Zero;
        for (var i = 0; i < va.Length; i++)
        {
            sum += va[i] * vb[i];
        }

        var result = Vector.Sum(sum);
        for (var i = va.Length * Vector<float>.Count; i < a.Length; i++)
        {
            result += a[i] * b[i];
        }

        return result;
    }

    private static void Add(Span<float> into, ReadOnlySpan<float> values)
    {
        var vi = MemoryMarshal.Cast<float, Vector<float>>(into);
        var vv = MemoryMarshal.Cast<float, Vector<float>>(values);
        for (var i = 0; i < vi.Length; i++)
        {
            vi[i] += vv[i];
        }

        for (var i = vi.Length * Vector<float>.Count; i < into.Length; i++)
        {
            into[i] += values[i];
        }
    }

    private static void Max(Span<float> into, ReadOnlySpan<float> values)
    {
        var vi = MemoryMarshal.Cast<float, Vector<float>>(into);
        var vv = MemoryMarshal.Cast<float, Vector<float>>(values);
        for (var i = 0; i < vi.Length; i++)
        {
            vi[i] = Vector.Max(vi[i], vv[i]);
        }

        for (var i = vi.Length * Vector<float>.Count; i < into.Length; i++)
        {
            into[i] = Math.Max(into[i], values[i]);
        }
    }
}
