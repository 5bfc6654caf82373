using System.Diagnostics.CodeAnalysis;
using CrisisOps.Text.Language;
using CrisisOps.Text.Lexicon;
using CrisisOps.Text.Tokens;
using CrisisOps.Text.Topics;

namespace CrisisOps.Text.Posts;

/// <summary>
/// What the pipeline knows of one post once it is read: its tokens (language included), its sentiment, and the words
/// that say what it is about (for topics). Made by <see cref="PostAnalyser"/>, needing no other post.
/// </summary>
public sealed record PostAnalysis(TextTokens Tokens, Sentiment Sentiment, IReadOnlyList<string> TopicWords, string Model)
{
    public TextLanguage Language => Tokens.Language;
}

/// <summary>
/// The stateless half of the opinion pipeline: checks the text (<see cref="TextCheck"/>), detects its language,
/// segments it once, and scores it with the model for its language. Any number of threads (or replicas) may analyse
/// at once; the stateful half (reposts, topics, spikes) is <see cref="OpinionStream"/>.
/// </summary>
public sealed class PostAnalyser
{
    private readonly ISentimentModel _chinese;
    private readonly ISentimentModel _english;

    /// <param name="chinese">The model for Chinese posts; the lexicon model when null.</param>
    /// <param name="english">The model for English posts; the lexicon model when null (the trained models are Chinese-only).</param>
    public PostAnalyser(ISentimentModel? chinese = null, ISentimentModel? english = null)
    {
        _chinese = chinese ?? LexiconSentimentModel.Default;
        _english = english ?? LexiconSentimentModel.Default;
    }

    /// <summary>The lexicon model for both languages: what works out of the box.</summary>
    public static PostAnalyser Default { get; } = new();

    /// <summary>The models' names and versions, e.g. <c>zh lexicon 1.0 / en lexicon 1.0</c>, for reports.</summary>
    public string Models => $"zh {_chinese.Name} {_chinese.Version} / en {_english.Name} {_english.Version}";

    /// <summary>
    /// Analyses one post, or answers why it cannot be: invalid text, an unknown language, or a stated language
    /// (<paramref name="statedLanguage"/>, a BCP 47 tag from the source) that is neither Chinese nor English. A stated
    /// language the text's script contradicts is overruled by the script (sources often label everything "zh").
    /// </summary>
    public bool TryAnalyse(string? text, string? statedLanguage, [NotNullWhen(true)] out PostAnalysis? analysis,
        [NotNullWhen(false)] out TextProblem? problem)
    {
        analysis = null;
        if (!string.IsNullOrWhiteSpace(statedLanguage) && TextLanguageTags.FromTag(statedLanguage) == TextLanguage.Unknown)
        {
            problem = TextProblem.UnsupportedLanguage(statedLanguage);
            return false;
        }

        if (!TextTokens.TryCreate(text, out var tokens, out problem))
        {
            return false;
        }

        var model = tokens.Language == TextLanguage.Chinese ? _chinese : _english;
        analysis = new PostAnalysis(tokens, model.Score(tokens), Topics.TopicWords.Of(tokens.Tokens), $"{model.Name} {model.Version}");
        return true;
    }
}
