using System.Globalization;
using CrisisOps.Data;
using CrisisOps.Testing;
using CrisisOps.Text.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CrisisOps.Server.Tests.Features.Opinion;

/// <summary>A server with a trained sentiment model configured.</summary>
public sealed class ModelApp(string model) : CrisisOpsApp(new SqliteTestDatabase(), settings: new Dictionary<string, string>
{
    ["Opinion:SentimentModel"] = model,
});

/// <summary><c>Opinion:SentimentModel</c>: a trained model judges Chinese posts (English keep the lexicon); a bad file stops the start.</summary>
public sealed class SentimentModelSettingTests : IDisposable
{
    private readonly string _model = Path.Combine(Path.GetTempPath(), $"crisisops-model-{Guid.NewGuid():N}.cosm");

    public void Dispose() => File.Delete(_model);

    private static TrainedSentimentModel Train()
    {
        string[] things = ["安置点", "物资发放", "热线", "救援队", "供水"];
        string[] good = ["很及时", "非常感谢", "很满意", "辛苦了"];
        string[] bad = ["太慢了", "没人管", "很失望", "不公平"];
        var random = new Random(1);
        var rows = Enumerable.Range(0, 200).Select(i =>
        {
            var positive = random.Next(2) == 0;
            var words = positive ? good : bad;
            return new LabelledText(positive, things[random.Next(things.Length)] + words[random.Next(words.Length)], i + 2);
        }).ToList();
        return SentimentTrainer.Train(new LabelledData(rows, [], 0, new byte[32]), FeatureConfig.Default with { BucketBits = 16 },
            TrainingOptions.Default, NetworkOptions.None, DateTimeOffset.UnixEpoch);
    }

    [Fact]
    public async Task Ingest_WithATrainedModelConfigured_JudgesChineseByItAndEnglishByTheLexicon()
    {
        ModelFile.Save(Train(), _model);
        await using var app = new ModelApp(_model);
        var world = await app.WorldAsync();
        var analyst = await app.UserAsync(("analyst", world.City));
        var time = app.Clock.GetUtcNow().AddMinutes(-1).ToString("O", CultureInfo.InvariantCulture);
        await (await analyst.PostJsonAsync("/api/v1/opinion/posts", new
        {
            posts = new[]
            {
                new { source = "t", sourceId = "zh", time, text = "物资发放太慢了，没人管", region = world.CommunityA1 },
                new { source = "t", sourceId = "en", time, text = "Water handed out too slowly, nobody cares", region = world.CommunityA1 },
            },
        })).OkJsonAsync();

        await using var db = app.Services.GetRequiredService<IDbContextFactory<CrisisOpsDbContext>>().CreateDbContext();
        var models = await db.Posts.AsNoTracking().ToDictionaryAsync(p => p.SourceId, p => p.Model);
        Assert.StartsWith("trained ", models["zh"], StringComparison.Ordinal);
        Assert.StartsWith("lexicon ", models["en"], StringComparison.Ordinal);
        Assert.Equal(CrisisOps.Domain.Opinion.PostTone.Negative, (await db.Posts.AsNoTracking().SingleAsync(p => p.SourceId == "zh")).Tone);
    }

    [Fact]
    public async Task Start_WhenTheModelFileIsNotAModel_StopsNamingIt()
    {
        await File.WriteAllTextAsync(_model, "not a model");
        await using var app = new ModelApp(_model);
        var failure = Assert.ThrowsAny<InvalidOperationException>(() => app.Anonymous());
        Assert.Contains(_model, failure.ToString(), StringComparison.Ordinal);
    }
}
