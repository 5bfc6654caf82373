namespace CrisisOps.Text.Tests.Sentiment;

public sealed class SentimentTests
{
    [Theory]
    [InlineData(-1.0)]
    [InlineData(0.0)]
    [InlineData(1.0)]
    public void Constructor_WhenScoreInRange_Keeps(double score)
    {
        var sentiment = new Text.Sentiment(SentimentLabel.Neutral, score);

        Assert.Equal(score, sentiment.Score);
    }

    [Theory]
    [InlineData(-1.01)]
    [InlineData(1.01)]
    [InlineData(double.NaN)]
    public void Constructor_WhenScoreOutOfRange_Throws(double score)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Text.Sentiment(SentimentLabel.Positive, score));
    }

    [Fact]
    public void Constructor_WhenLabelUndefined_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Text.Sentiment((SentimentLabel)7, 0));
    }
}
