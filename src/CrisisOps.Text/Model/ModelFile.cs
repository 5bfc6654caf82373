using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CrisisOps.Text.Model;

/// <summary>Why a model file was refused; <see cref="Exception.Message"/> says it in words for the operator.</summary>
public enum ModelFileProblem
{
    /// <summary>Not a CrisisOps sentiment model at all (wrong magic).</summary>
    NotAModel,

    /// <summary>Written by a newer CrisisOps, in a format version this one does not know.</summary>
    NewerVersion,

    /// <summary>Shorter than its header says (an interrupted copy or download).</summary>
    Truncated,

    /// <summary>The SHA-256 over the file does not match (bytes changed after writing).</summary>
    ChecksumMismatch,

    /// <summary>The header holds values no writer produces (unknown model kind, feature ranges out of bounds, trailing bytes).</summary>
    Malformed,

    /// <summary>Larger than any model this version writes.</summary>
    TooLarge,
}

/// <summary>A model file that cannot be loaded.</summary>
public sealed class ModelFileException(ModelFileProblem problem, string message) : Exception(message)
{
    public ModelFileProblem Problem { get; } = problem;
}

/// <summary>
/// The versioned model file. Little-endian throughout:
/// <code>
///  0  8  magic "COSENTIM"
///  8  2  format version (1)
/// 10  1  model kind (1 = LR, 2 = NB-LR)
/// 11  1  bucket bits
/// 12  1  char n-gram min      13  1  char n-gram max      14  1  word n-gram max   15 1 flags (bit 0: classes balanced)
/// 16  4  feature hash seed
/// 20  4  epochs               24  8  learning rate (f64)  32  8  L2 (f64)          40 4 training seed
/// 44 32  SHA-256 of the training file
/// 76  4  training rows
/// 80  8  created at, Unix milliseconds (UTC)
/// 88 16  held-back confusion matrix: TP, FP, TN, FN (4 × i32)
/// 104 4  weight count (= 2^bucket bits)
/// 108 4n weights (f32)        then 4 bias (f32)
///        version 2 only: the network section (<see cref="NetworkSectionBytes"/>) — 1 network count (0–4); when above 0,
///        1 vocabulary bits, 1 dimensions, 2 filters, 1 min width, 1 max width, 2 max length, 4 weight (f32), 4 epochs,
///        8 learning rate (f64), 8 dropout (f64), then per network its embeddings, per width its filters and biases, and
///        its output weights and bias (all f32)
/// end 32 SHA-256 of every byte before it
/// </code>
/// Version 1 files (linear models only, written before the networks) still load. Loading checks, in order: magic,
/// version, length, checksum, then the header's values; each failure is its own <see cref="ModelFileProblem"/>.
/// </summary>
public static class ModelFile
{
    public const ushort FormatVersion = 2;

    /// <summary>2^24 weights of 4 bytes, four networks of at most 2^16 × 64 embeddings and their filters, and the headers:
    /// the largest file this version writes.</summary>
    public const long MaxBytes = (4L << 24) + (4 * 18L << 20) + 1024;

    private const int NetworkHeaderBytes = 33;

    private const int HeaderBytes = 108;
    private const int ChecksumBytes = 32;
    private static readonly byte[] Magic = "COSENTIM"u8.ToArray();

    public static void Save(TrainedSentimentModel model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);

        // Written beside the target and moved over it, so a crash never leaves half a model under the real name.
        var temp = path + ".tmp";
        File.WriteAllBytes(temp, ToBytes(model));
        File.Move(temp, path, overwrite: true);
    }

    public static byte[] ToBytes(TrainedSentimentModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var config = model.Features.Config;
        var p = model.Provenance;
        var weights = model.Weights;
        var bytes = new byte[HeaderBytes + 4 * weights.Length + 4 + NetworkSectionBytes(p.Networks) + ChecksumBytes];
        var s = bytes.AsSpan();
        Magic.CopyTo(s);
        BinaryPrimitives.WriteUInt16LittleEndian(s[8..], FormatVersion);
        s[10] = (byte)p.Kind;
        s[11] = (byte)config.BucketBits;
        s[12] = (byte)config.CharMin;
        s[13] = (byte)config.CharMax;
        s[14] = (byte)config.WordMax;
        s[15] = (byte)(p.Training.BalanceClasses ? 1 : 0);
        BinaryPrimitives.WriteUInt32LittleEndian(s[16..], config.HashSeed);
        BinaryPrimitives.WriteInt32LittleEndian(s[20..], p.Training.Epochs);
        BinaryPrimitives.WriteDoubleLittleEndian(s[24..], p.Training.LearningRate);
        BinaryPrimitives.WriteDoubleLittleEndian(s[32..], p.Training.L2);
        BinaryPrimitives.WriteInt32LittleEndian(s[40..], p.Training.Seed);
        p.TrainingSha256.AsSpan(0, 32).CopyTo(s[44..]);
        BinaryPrimitives.WriteInt32LittleEndian(s[76..], p.TrainingRows);
        BinaryPrimitives.WriteInt64LittleEndian(s[80..], p.CreatedAt.ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteInt32LittleEndian(s[88..], p.HeldBack.TruePositives);
        BinaryPrimitives.WriteInt32LittleEndian(s[92..], p.HeldBack.FalsePositives);
        BinaryPrimitives.WriteInt32LittleEndian(s[96..], p.HeldBack.TrueNegatives);
        BinaryPrimitives.WriteInt32LittleEndian(s[100..], p.HeldBack.FalseNegatives);
        BinaryPrimitives.WriteInt32LittleEndian(s[104..], weights.Length);
        var offset = HeaderBytes;
        foreach (var w in weights)
        {
            BinaryPrimitives.WriteSingleLittleEndian(s[offset..], w);
            offset += 4;
        }

        BinaryPrimitives.WriteSingleLittleEndian(s[offset..], model.Bias);
        offset += 4;
        offset = WriteNetworks(s, offset, p.Networks, model.Networks);
        SHA256.HashData(s[..offset], s[offset..]);
        return bytes;
    }

    /// <summary>Bytes of the version-2 network section for these options: 1 when there are no networks.</summary>
    public static long NetworkSectionBytes(NetworkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Count == 0 ? 1 : NetworkHeaderBytes + options.Count * 4L * NetworkFloats(options.Shape);
    }

    private static long NetworkFloats(NetworkShape shape)
    {
        long floats = (long)shape.Vocabulary * shape.Dimensions + shape.Pooled + 1;
        for (var width = shape.MinWidth; width <= shape.MaxWidth; width++)
        {
            floats += (long)shape.Filters * width * shape.Dimensions + shape.Filters;
        }

        return floats;
    }

    private static int WriteNetworks(Span<byte> s, int offset, NetworkOptions options, IReadOnlyList<CharCnn> networks)
    {
        s[offset++] = (byte)options.Count;
        if (options.Count == 0)
        {
            return offset;
        }

        var shape = options.Shape;
        s[offset] = (byte)shape.VocabularyBits;
        s[offset + 1] = (byte)shape.Dimensions;
        BinaryPrimitives.WriteUInt16LittleEndian(s[(offset + 2)..], (ushort)shape.Filters);
        s[offset + 4] = (byte)shape.MinWidth;
        s[offset + 5] = (byte)shape.MaxWidth;
        BinaryPrimitives.WriteUInt16LittleEndian(s[(offset + 6)..], (ushort)shape.MaxLength);
        BinaryPrimitives.WriteSingleLittleEndian(s[(offset + 8)..], (float)options.Weight);
        BinaryPrimitives.WriteInt32LittleEndian(s[(offset + 12)..], options.Epochs);
        BinaryPrimitives.WriteDoubleLittleEndian(s[(offset + 16)..], options.LearningRate);
        BinaryPrimitives.WriteDoubleLittleEndian(s[(offset + 24)..], options.Dropout);
        offset += NetworkHeaderBytes - 1;
        foreach (var network in networks)
        {
            offset = WriteFloats(s, offset, network.Embeddings);
            for (var width = shape.MinWidth; width <= shape.MaxWidth; width++)
            {
                offset = WriteFloats(s, offset, network.Filter(width));
                offset = WriteFloats(s, offset, network.FilterBias(width));
            }

            offset = WriteFloats(s, offset, network.Output);
        }

        return offset;
    }

    private static int WriteFloats(Span<byte> s, int offset, ReadOnlySpan<float> values)
    {
        foreach (var v in values)
        {
            BinaryPrimitives.WriteSingleLittleEndian(s[offset..], v);
            offset += 4;
        }

        return offset;
    }

    private static float[] ReadFloats(ReadOnlySpan<byte> s, ref int offset, long count)
    {
        var values = new float[count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(s[offset..]);
            offset += 4;
        }

        return values;
    }

    /// <exception cref="ModelFileException">The file is not a loadable model; <see cref="ModelFileException.Problem"/> says why.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static TrainedSentimentModel Load(string path)
    {
        var length = new FileInfo(path).Length;
        if (length > MaxBytes)
        {
            throw new ModelFileException(ModelFileProblem.TooLarge, string.Create(CultureInfo.InvariantCulture,
                $"{length:N0} bytes is larger than any model this version writes ({MaxBytes:N0})."));
        }

        return FromBytes(File.ReadAllBytes(path));
    }

    /// <exception cref="ModelFileException">The bytes are not a loadable model.</exception>
    public static TrainedSentimentModel FromBytes(ReadOnlySpan<byte> s)
    {
        if (s.Length < Magic.Length || !s[..Magic.Length].SequenceEqual(Magic))
        {
            throw new ModelFileException(ModelFileProblem.NotAModel, "Not a CrisisOps sentiment model (the file does not start with \"COSENTIM\").");
        }

        if (s.Length < 10)
        {
            throw Truncated(s.Length, HeaderBytes);
        }

        var version = BinaryPrimitives.ReadUInt16LittleEndian(s[8..]);
        if (version > FormatVersion)
        {
            throw new ModelFileException(ModelFileProblem.NewerVersion, string.Create(CultureInfo.InvariantCulture,
                $"Model format version {version} is newer than this CrisisOps reads (up to {FormatVersion}); upgrade CrisisOps or retrain the model."));
        }

        if (version == 0)
        {
            throw new ModelFileException(ModelFileProblem.Malformed, "Model format version 0 does not exist.");
        }

        if (s.Length < HeaderBytes)
        {
            throw Truncated(s.Length, HeaderBytes);
        }

        var count = BinaryPrimitives.ReadInt32LittleEndian(s[104..]);
        if (count is < 0 or > 1 << 24)
        {
            throw new ModelFileException(ModelFileProblem.Malformed, string.Create(CultureInfo.InvariantCulture, $"Weight count {count} is out of range."));
        }

        var linearEnd = HeaderBytes + 4L * count + 4;
        var networkOptions = NetworkOptions.None;
        if (version >= 2)
        {
            if (s.Length < linearEnd + 1)
            {
                throw Truncated(s.Length, linearEnd + 1 + ChecksumBytes);
            }

            networkOptions = ReadNetworkOptions(s, (int)linearEnd);
        }

        var expected = linearEnd + (version >= 2 ? NetworkSectionBytes(networkOptions) : 0) + ChecksumBytes;
        if (s.Length < expected)
        {
            throw Truncated(s.Length, expected);
        }

        if (s.Length > expected)
        {
            throw new ModelFileException(ModelFileProblem.Malformed, string.Create(CultureInfo.InvariantCulture,
                $"{s.Length - expected:N0} unexpected bytes after the model."));
        }

        var body = s[..(int)(expected - ChecksumBytes)];
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(s[body.Length..]))
        {
            throw new ModelFileException(ModelFileProblem.ChecksumMismatch, "The model's SHA-256 does not match its contents: the file was changed or damaged after it was written.");
        }

        var kind = (ModelKind)s[10];
        if (!Enum.IsDefined(kind))
        {
            throw new ModelFileException(ModelFileProblem.Malformed, string.Create(CultureInfo.InvariantCulture, $"Unknown model kind {s[10]}."));
        }

        if ((s[15] & ~1) != 0)
        {
            throw new ModelFileException(ModelFileProblem.Malformed, string.Create(CultureInfo.InvariantCulture, $"Unknown flags {s[15]:X2}."));
        }

        var config = new FeatureConfig(s[11], s[12], s[13], s[14], BinaryPrimitives.ReadUInt32LittleEndian(s[16..]));
        try
        {
            config.Validate();
        }
        catch (ArgumentException e)
        {
            throw new ModelFileException(ModelFileProblem.Malformed, "Feature configuration out of range: " + e.Message);
        }

        if (count != config.Buckets)
        {
            throw new ModelFileException(ModelFileProblem.Malformed, string.Create(CultureInfo.InvariantCulture,
                $"{count} weights for {config.Buckets} buckets."));
        }

        var training = new TrainingOptions(
            BinaryPrimitives.ReadInt32LittleEndian(s[20..]),
            BinaryPrimitives.ReadDoubleLittleEndian(s[24..]),
            BinaryPrimitives.ReadDoubleLittleEndian(s[32..]),
            kind == ModelKind.NaiveBayesLogisticRegression,
            BinaryPrimitives.ReadInt32LittleEndian(s[40..]),
            (s[15] & 1) != 0);
        var metrics = new ClassificationMetrics(
            BinaryPrimitives.ReadInt32LittleEndian(s[88..]),
            BinaryPrimitives.ReadInt32LittleEndian(s[92..]),
            BinaryPrimitives.ReadInt32LittleEndian(s[96..]),
            BinaryPrimitives.ReadInt32LittleEndian(s[100..]));
        var provenance = new ModelProvenance(
            kind,
            training,
            s[44..76].ToArray(),
            BinaryPrimitives.ReadInt32LittleEndian(s[76..]),
            DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64LittleEndian(s[80..])),
            metrics,
            networkOptions);
        var offset = HeaderBytes;
        var weights = ReadFloats(s, ref offset, count);
        var bias = BinaryPrimitives.ReadSingleLittleEndian(s[offset..]);
        offset += 4 + (version >= 2 ? (networkOptions.Count == 0 ? 1 : NetworkHeaderBytes) : 0);
        var networks = new List<CharCnn>();
        var shape = networkOptions.Shape;
        for (var n = 0; n < networkOptions.Count; n++)
        {
            var embeddings = ReadFloats(s, ref offset, (long)shape.Vocabulary * shape.Dimensions);
            var filters = new float[shape.Widths][];
            var biases = new float[shape.Widths][];
            for (var wi = 0; wi < shape.Widths; wi++)
            {
                filters[wi] = ReadFloats(s, ref offset, (long)shape.Filters * (shape.MinWidth + wi) * shape.Dimensions);
                biases[wi] = ReadFloats(s, ref offset, shape.Filters);
            }

            networks.Add(new CharCnn(shape, embeddings, filters, biases, ReadFloats(s, ref offset, shape.Pooled + 1)));
        }

        return new TrainedSentimentModel(config, weights, bias, provenance, networks, s.ToArray());
    }

    // Read before the checksum is checked, to know the length; every value is range-checked here, so a damaged count
    // cannot make the loader allocate or read beyond the file.
    private static NetworkOptions ReadNetworkOptions(ReadOnlySpan<byte> s, int at)
    {
        var count = s[at];
        if (count == 0)
        {
            return NetworkOptions.None;
        }

        if (s.Length < at + NetworkHeaderBytes)
        {
            throw Truncated(s.Length, at + NetworkHeaderBytes + ChecksumBytes);
        }

        var h = s[(at + 1)..];
        var options = new NetworkOptions(
            count,
            BinaryPrimitives.ReadInt32LittleEndian(h[12..]),
            BinaryPrimitives.ReadDoubleLittleEndian(h[16..]),
            BinaryPrimitives.ReadDoubleLittleEndian(h[24..]),
            BinaryPrimitives.ReadSingleLittleEndian(h[8..]),
            new NetworkShape(h[0], h[1], BinaryPrimitives.ReadUInt16LittleEndian(h[2..]), h[4], h[5], BinaryPrimitives.ReadUInt16LittleEndian(h[6..])));
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new ModelFileException(ModelFileProblem.Malformed, "Network section out of range: " + e.Message);
        }

        return options;
    }

    private static ModelFileException Truncated(long actual, long expected) =>
        new(ModelFileProblem.Truncated, string.Create(CultureInfo.InvariantCulture,
            $"The model file is truncated: {actual:N0} bytes of {expected:N0} (an interrupted copy?)."));
}
