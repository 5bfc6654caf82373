using System.Buffers.Binary;
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
