namespace CrisisOps.Text;

// The sentiment contracts live in the root namespace although they sit in Sentiment/: a namespace
// CrisisOps.Text.Sentiment would shadow the record Sentiment everywhere under CrisisOps.Text.

/// <summary>Whether a text speaks against, for, or neither: the three labels every sentiment model answers with.</summary>
public enum SentimentLabel
{
    Negative,
    Neutral,
    Positive,
}
