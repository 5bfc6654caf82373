using System.Buffers.Binary;
using System.Security.Cryptography;
using CrisisOps.Text.Model;

namespace CrisisOps.Text.Tests.Model;

public sealed class ModelFileTests
{
    // Small buckets keep the file at 4 KiB; the format is the same at any size.
    private static readonly FeatureConfig Small = FeatureConfig.Default with { BucketBits = 10 };

    private static TrainedSentimentModel Model()
    {
        var weights = Enumerable.Range(0, Small.Buckets).Select(i => (float)Math.Sin(i)).ToArray();
        var provenance = new ModelProvenance(ModelKind.NaiveBayesLogisticRegression, TrainingOptions.Default with { Seed = 42 },
            Enumerable.Range(0, 32).Select(i => (byte)i).ToArray(), 7765,
            new DateTimeOffset(2026, 12, 1, 4, 30, 0, TimeSpan.Zero), new ClassificationMetrics(1000, 40, 450, 63));
        return new TrainedSentimentModel(Small, weights, -0.25f, provenance);
    }

    [Fact]
    public void FromBytes_AfterToBytes_GivesTheSameModel()
    {
        var model = Model();

        var loaded = ModelFile.FromBytes(ModelFile.ToBytes(model));

        Assert.Equal(model.Weights.ToArray(), loaded.Weights.ToArray());
        Assert.Equal(model.Bias, loaded.Bias);
        Assert.Equal(model.Features.Config, loaded.Features.Config);
        Assert.Equal(model.Provenance.HeldBack, loaded.Provenance.HeldBack);
        Assert.Equal(model.Provenance.CreatedAt, loaded.Provenance.CreatedAt);
        Assert.Equal(model.Provenance.TrainingSha256, loaded.Provenance.TrainingSha256);
        Assert.Equal(7765, loaded.Provenance.TrainingRows);
        Assert.Equal(model.Provenance.Training, loaded.Provenance.Training);
        Assert.Equal(model.Predict("服务很好"), loaded.Predict("服务很好"));
    }

    /// <summary>A linear model with one small network beside it (format version 2's network section).</summary>
    private static TrainedSentimentModel WithNetwork()
    {
        var options = NetworkOptions.Default with
        {
            Count = 1,
            Epochs = 2,
            Shape = new NetworkShape(VocabularyBits: 8, Dimensions: 4, Filters: 4, MinWidth: 2, MaxWidth: 3, MaxLength: 32),
        };
        string[] texts = ["服务很好", "房间很脏", "早餐不错", "前台冷漠"];
        var network = CharCnnTrainer.Fit(texts, [true, false, true, false], options, seed: 7);
        var linear = Model();
        return new TrainedSentimentModel(linear.Features.Config, linear.Weights.ToArray(), linear.Bias, linear.Provenance with { Networks = options }, [network]);
    }

    [Fact]
    public void FromBytes_AfterToBytes_WithANetwork_GivesTheSameModel()
    {
        var model = WithNetwork();

        var bytes = ModelFile.ToBytes(model);
        var loaded = ModelFile.FromBytes(bytes);

        Assert.Equal(ModelFile.FormatVersion, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)));
        Assert.Equal(model.Provenance.Networks, loaded.Provenance.Networks);
        Assert.Single(loaded.Networks);
        Assert.Equal(model.Networks[0].Embeddings.ToArray(), loaded.Networks[0].Embeddings.ToArray());
        Assert.Equal(model.Networks[0].Filter(3).ToArray(), loaded.Networks[0].Filter(3).ToArray());
        Assert.Equal(model.Networks[0].Output.ToArray(), loaded.Networks[0].Output.ToArray());
        foreach (var text in new[] { "服务很好", "房间很脏，前台冷漠", "" })
        {
            Assert.Equal(model.LogOdds(text), loaded.LogOdds(text));
        }

        Assert.NotEqual(model.LogOdds("房间很脏"), Model().LogOdds("房间很脏"));
        Assert.Equal(ModelFile.ToBytes(model), ModelFile.ToBytes(loaded));
    }

    [Fact]
    public void FromBytes_AVersionOneFile_StillLoads()
    {
        // Version 1 is version 2 without the network section: drop its one byte (no networks), set the version, re-sign.
        var v2 = ModelFile.ToBytes(Model());
        var v1 = v2[..(v2.Length - 33)];
        BinaryPrimitives.WriteUInt16LittleEndian(v1.AsSpan(8), 1);
        v1 = [.. v1, .. SHA256.HashData(v1)];

        var loaded = ModelFile.FromBytes(v1);

        Assert.Equal(Model().Weights.ToArray(), loaded.Weights.ToArray());
        Assert.Empty(loaded.Networks);
        Assert.Equal(NetworkOptions.None, loaded.Provenance.Networks);
        Assert.Equal(Model().LogOdds("服务很好"), loaded.LogOdds("服务很好"));
    }

    [Fact]
    public void FromBytes_WhenTheNetworkSectionIsOutOfRange_IsMalformed()
    {
        var bytes = ModelFile.ToBytes(WithNetwork());
        var section = 108 + 4 * Small.Buckets + 4;
        bytes[section] = 9; // nine networks: more than any writer writes

        var e = Assert.Throws<ModelFileException>(() => ModelFile.FromBytes(bytes));

        Assert.Equal(ModelFileProblem.Malformed, e.Problem);
        Assert.Contains("Network section", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromBytes_WhenCutInsideTheNetworks_IsTruncated()
    {
        var bytes = ModelFile.ToBytes(WithNetwork());

        var e = Assert.Throws<ModelFileException>(() => ModelFile.FromBytes(bytes.AsSpan(0, bytes.Length - 100)));

        Assert.Equal(ModelFileProblem.Truncated, e.Problem);
    }

    [Fact]
    public void Save_ThenLoad_RoundTripsThroughAFile()
    {
        var path = Path.Combine(Path.GetTempPath(), "crisisops-model-" + Guid.NewGuid().ToString("N"));
        try
        {
            ModelFile.Save(Model(), path);

            Assert.Equal(Model().Weights.ToArray(), ModelFile.Load(path).Weights.ToArray());
            Assert.False(File.Exists(path + ".tmp"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void FromBytes_WhenMagicIsWrong_SaysItIsNotAModel()
    {
        var bytes = ModelFile.ToBytes(Model());
        bytes[0] = (byte)'X';

        Assert.Equal(ModelFileProblem.NotAModel, Assert.Throws<ModelFileException>(() => ModelFile.FromBytes(bytes)).Problem);
        Assert.Equal(ModelFileProblem.NotAModel, Assert.Throws<ModelFileException>(() => ModelFile.FromBytes("label,review\n"u8)).Problem);
    }

    [Fact]
    public void FromBytes_WhenVersionIsNewer_SaysSo()
    {
        var bytes = ModelFile.ToBytes(Model());
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), ModelFile.FormatVersion + 1);

        var e = Assert.Throws<ModelFileException>(() => ModelFile.FromBytes(bytes));

        Assert.Equal(ModelFileProblem.NewerVersion, e.Problem);
        Assert.Contains("newer", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(9)]
    [InlineData(60)]
    [InlineData(2000)]
    public void FromBytes_WhenTruncated_SaysSo(int keep)
    {
        var bytes = ModelFile.ToBytes(Model());

        var e = Assert.Throws<ModelFileException>(() => ModelFile.FromBytes(bytes.AsSpan(0, keep)));

        Assert.Equal(ModelFileProblem.Truncated, e.Problem);
    }

    [Fact]
    public void FromBytes_WhenOneWeightChanged_FailsTheChecksum()
    {
        var bytes = ModelFile.ToBytes(Model());
        bytes[500] ^= 0x01;

        Assert.Equal(ModelFileProblem.ChecksumMismatch, Assert.Throws<ModelFileException>(() => ModelFile.FromBytes(bytes)).Problem);
    }

    [Fact]
    public void FromBytes_WhenBytesFollowTheModel_IsMalformed()
    {
        var bytes = ModelFile.ToBytes(Model()).Append((byte)0).ToArray();

        Assert.Equal(ModelFileProblem.Malformed, Assert.Throws<ModelFileException>(() => ModelFile.FromBytes(bytes)).Problem);
    }
}
