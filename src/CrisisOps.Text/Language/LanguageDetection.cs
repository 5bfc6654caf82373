namespace CrisisOps.Text.Language;

/// <summary>
/// The language of a text as read from its scripts, with the evidence: the shares of Han and Latin in the text's
/// letters (weighted as <see cref="LanguageDetector"/> explains), and for <see cref="TextLanguage.Unknown"/> the reason.
/// </summary>
public sealed record LanguageDetection(TextLanguage Language, double HanShare, double LatinShare, TextProblem? Problem)
{
    public string Tag => Language.Tag();
}
