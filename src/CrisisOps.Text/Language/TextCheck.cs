namespace CrisisOps.Text.Language;

/// <summary>
/// The rules a text must meet before analysis. One bad post must never stall a batch, so the check answers a problem
/// instead of throwing, and it looks at the length before reading a single character: a 10 MB post costs nothing.
/// </summary>
public static class TextCheck
{
    /// <summary>The longest text analysed, in UTF-16 characters: longer than any post or hotline transcript we expect.</summary>
    public const int MaxLength = 5_000;

    /// <summary>The first problem with a text, or null when it can be analysed.</summary>
    public static TextProblem? Problem(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return TextProblem.Empty();
        }

        if (text.Length > MaxLength)
        {
            return TextProblem.TooLong(text.Length);
        }

        var allWhitespace = true;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    i++;
                    allWhitespace = false;
                    continue;
                }

                return TextProblem.InvalidEncoding(i, TextProblem.LoneSurrogate);
            }

            if (char.IsLowSurrogate(c))
            {
                return TextProblem.InvalidEncoding(i, TextProblem.LoneSurrogate);
            }

            // U+FFFD is what a decoder writes for bytes it could not read: the post reached us already damaged.
            if (c == '\uFFFD')
            {
                return TextProblem.InvalidEncoding(i, TextProblem.ReplacementCharacter);
            }

            if (c is '\uFFFE' or '\uFFFF')
            {
                return TextProblem.InvalidEncoding(i, TextProblem.Noncharacter);
            }

            // Tabs and line breaks are ordinary in transcripts; other C0/C1 controls and DEL are binary or mis-decoded data.
            if (char.IsControl(c) && c is not ('\t' or '\n' or '\r'))
            {
                return TextProblem.ControlCharacter(i, c);
            }

            if (allWhitespace && !char.IsWhiteSpace(c))
            {
                allWhitespace = false;
            }
        }

        return allWhitespace ? TextProblem.Empty() : null;
    }
}
