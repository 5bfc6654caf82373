using CrisisOps.Text.Model;

namespace CrisisOps.Text.Tests.Model;

public sealed class CharCnnTests
{
    private static readonly NetworkOptions Small = NetworkOptions.Default with
    {
        Count = 1,
        Epochs = 6,
        LearningRate = 0.05,
        Shape = new NetworkShape(VocabularyBits: 10, Dimensions: 8, Filters: 8, MinWidth: 2, MaxWidth: 3, MaxLength: 64),
    };

    /// <summary>Short reviews from templates: the feeling sits in a two-character word a width-2 filter can find.</summary>
    private static (string[] Texts, bool[] Labels) Corpus(int count, int seed)
    {
        string[] things = ["房间", "服务", "早餐", "前台", "位置"];
        string[] good = ["很好", "干净", "满意", "舒服"];
        string[] bad = ["太差", "很脏", "失望", "很吵"];
        var random = new Random(seed);
        var texts = new string[count];
        var labels = new bool[count];
        for (var i = 0; i < count; i++)
        {
            labels[i] = random.Next(2) == 0;
            var words = labels[i] ? good : bad;
            texts[i] = NgramFeatures.Normalize($"{things[random.Next(things.Length)]}{words[random.Next(words.Length)]}");
        }

        return (texts, labels);
    }

    [Fact]
    public void Fit_OnSeparableReviews_LearnsThem()
    {
        var (texts, labels) = Corpus(300, 1);

        var network = CharCnnTrainer.Fit(texts, labels, Small, seed: 1);

        var (test, truth) = Corpus(100, 2);
        var right = test.Zip(truth).Count(x => network.Margin(x.First) > 0 == x.Second);
        Assert.True(right >= 95, $"{right} of 100 right");
    }

    [Fact]
    public void Fit_WithTheSameSeed_GivesTheSameNetwork_AndAnotherSeedAnother()
    {
        var (texts, labels) = Corpus(100, 3);

        var a = CharCnnTrainer.Fit(texts, labels, Small, seed: 1);
        var b = CharCnnTrainer.Fit(texts, labels, Small, seed: 1);
        var c = CharCnnTrainer.Fit(texts, labels, Small, seed: 2);

        Assert.Equal(a.Embeddings.ToArray(), b.Embeddings.ToArray());
        Assert.Equal(a.Output.ToArray(), b.Output.ToArray());
        Assert.NotEqual(a.Embeddings.ToArray(), c.Embeddings.ToArray());
    }

    [Fact]
    public void Margin_OfAnEmptyText_IsZero_AndUnseenCharactersAddNothing()
    {
        var (texts, labels) = Corpus(100, 4);
        var network = CharCnnTrainer.Fit(texts, labels, Small, seed: 1);

        Assert.Equal(0, network.Margin(""));

        // Characters no training text used have zero embeddings: every filter sees only its bias.
        var unseen = network.Margin("xyz");
        var atBias = (double)network.Output[^1];
        for (var width = Small.Shape.MinWidth; width <= Small.Shape.MaxWidth; width++)
        {
            var biases = network.FilterBias(width);
            for (var f = 0; f < biases.Length; f++)
            {
                atBias += network.Output[(width - Small.Shape.MinWidth) * Small.Shape.Filters + f] * Math.Max(0, biases[f]);
            }
        }

        Assert.Equal(atBias, unseen, 5);
    }

    [Fact]
    public void Margin_OfALongText_SeesItsHeadAndTail()
    {
        var (texts, labels) = Corpus(300, 5);
        var network = CharCnnTrainer.Fit(texts, labels, Small, seed: 1);
        var filler = new string('。', 200);

        Assert.True(network.Margin("房间很脏" + filler) < 0);
        Assert.True(network.Margin(filler + "房间很好") > 0);
    }

    [Fact]
    public void Options_OutOfRange_AreRefused()
    {
        var (texts, labels) = Corpus(10, 6);

        Assert.Throws<ArgumentException>(() => CharCnnTrainer.Fit(texts, labels, Small with { Dropout = 1 }, 1));
        Assert.Throws<ArgumentException>(() => CharCnnTrainer.Fit(texts, labels, Small with { Shape = Small.Shape with { MaxWidth = 8 } }, 1));
        Assert.Throws<ArgumentException>(() => CharCnnTrainer.Fit(texts, labels.Take(5).ToArray(), Small, 1));
    }
}
