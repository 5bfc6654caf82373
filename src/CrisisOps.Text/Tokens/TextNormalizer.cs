using System.Text;

namespace CrisisOps.Text.Tokens;

/// <summary>
/// One spelling per text before anything counts words: NFKC (full-width letters, digits and punctuation become their
/// ASCII forms, ① becomes 1), curly apostrophes become straight ones, Latin is lower-cased, and runs of whitespace
/// become one space. Two posts that differ only in how they were typed then look the same to every later step.
/// </summary>
public static class TextNormalizer
{
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var nfkc = text.Normalize(NormalizationForm.FormKC);
        var builder = new StringBuilder(nfkc.Length);
        var pendingSpace = false;
        foreach (var c in nfkc)
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(c switch
            {
                '\u2019' or '\u2018' or '\u02BC' => '\'',
                >= 'A' and <= 'Z' => (char)(c + ('a' - 'A')),
                _ when c > 0x7F && char.IsUpper(c) => char.ToLowerInvariant(c),
                _ => c,
            });
        }

        return builder.ToString();
    }
}
