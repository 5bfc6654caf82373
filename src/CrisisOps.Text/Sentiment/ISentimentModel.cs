using CrisisOps.Text.Tokens;

namespace CrisisOps.Text;

/// <summary>
/// A sentiment model: the lexicon model that ships with the product and the trained linear model share this shape, so
/// the server, the benchmark and <c>crisisops opinion evaluate</c> treat them alike.
/// </summary>
public interface ISentimentModel
{
    /// <summary>A short name for reports and stored judgements, e.g. <c>lexicon</c>.</summary>
    string Name { get; }

    /// <summary>The version of the model (word lists or weights), stored beside each judgement so it can be traced.</summary>
    string Version { get; }

    /// <summary>Judges one analysed text. Models are safe to call from several threads.</summary>
    Sentiment Score(TextTokens text);
}
