using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CrisisOps.Text.Model;

/// <summary>One labelled text: 1 = positive, 0 = negative, as in ChnSentiCorp's <c>label,review</c> files.</summary>
/// <param name="Line">The 1-based line on which the row starts, for messages.</param>
public sealed record LabelledText(bool Positive, string Text, int Line);

/// <summary>A row that could not be used, and why (in English: it is a diagnostic for whoever prepared the file).</summary>
public sealed record CsvRowError(int Line, string Reason);

/// <summary>The usable rows of a labelled file, the rows refused (the first <see cref="LabelledCsv.MaxReportedErrors"/> with
/// their reasons, all of them counted) and the SHA-256 of the file's bytes.</summary>
public sealed record LabelledData(IReadOnlyList<LabelledText> Rows, IReadOnlyList<CsvRowError> Errors, int RefusedRows, byte[] Sha256)
{
    public int Positives => Rows.Count(r => r.Positive);

    public int Negatives => Rows.Count - Positives;

    /// <summary>The file hash in lower-case hex, as the model file and the reports print it.</summary>
    public string Sha256Hex => Convert.ToHexStringLower(Sha256);
}

/// <summary>The file cannot be used at all: too large, not UTF-8, no header, or not one usable row.</summary>
public sealed class LabelledCsvException(string message) : Exception(message);

/// <summary>
/// Reads <c>label,review</c> files (RFC 4180: fields in double quotes may hold commas, line breaks and doubled quotes;
/// UTF-8 with or without a byte-order mark). A bad row — a label other than 0 or 1, an empty review, a wrong number of
/// columns — is counted and reported, not fatal: a scraped file with a few broken lines still trains. The whole file is
/// refused only when it is over <see cref="MaxBytes"/>, is not UTF-8, lacks the header, or has no usable row.
/// </summary>
public static class LabelledCsv
{
    /// <summary>50 MB: ChnSentiCorp is 2.7 MB; anything far larger is more likely a wrong file than a corpus.</summary>
    public const long MaxBytes = 50L * 1024 * 1024;

    /// <summary>Only the first few row errors are kept with their reasons; the rest are counted.</summary>
    public const int MaxReportedErrors = 100;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <exception cref="LabelledCsvException">The file is unusable (see the class remarks).</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static LabelledData ReadFile(string path)
    {
        var length = new FileInfo(path).Length;
        if (length > MaxBytes)
        {
            throw new LabelledCsvException(string.Create(CultureInfo.InvariantCulture,
                $"{path} is {length:N0} bytes; labelled files over {MaxBytes:N0} bytes (50 MB) are refused."));
        }

        return Read(File.ReadAllBytes(path));
    }

    /// <exception cref="LabelledCsvException">The content is unusable (see the class remarks).</exception>
    public static LabelledData Read(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > MaxBytes)
        {
            throw new LabelledCsvException(string.Create(CultureInfo.InvariantCulture,
                $"The data is {bytes.Length:N0} bytes; labelled files over {MaxBytes:N0} bytes (50 MB) are refused."));
        }

        var sha = SHA256.HashData(bytes);
        var body = bytes.StartsWith("\uFEFF"u8) ? bytes[3..] : bytes;
        string text;
        try
        {
            text = StrictUtf8.GetString(body);
        }
        catch (DecoderFallbackException e)
        {
            throw new LabelledCsvException($"The file is not valid UTF-8 ({e.Message}).");
        }

        var rows = new List<LabelledText>();
        var errors = new List<CsvRowError>();
        var errorCount = 0;
        void Refuse(int line, string reason)
        {
            errorCount++;
            if (errors.Count < MaxReportedErrors)
            {
                errors.Add(new CsvRowError(line, reason));
            }
        }

        var records = Records(text).GetEnumerator();
        if (!records.MoveNext() || !IsHeader(records.Current.Fields))
        {
            throw new LabelledCsvException("The first line must be the header \"label,review\".");
        }

        while (records.MoveNext())
        {
            var (line, fields, error) = records.Current;
            if (error is not null)
            {
                Refuse(line, error);
                continue;
            }

            if (fields.Count == 1 && fields[0].Length == 0)
            {
                continue; // a blank line, e.g. at the end of the file
            }

            if (fields.Count != 2)
            {
                Refuse(line, string.Create(CultureInfo.InvariantCulture, $"expected 2 columns (label,review), found {fields.Count}"));
                continue;
            }

            var label = fields[0].Trim();
            if (label is not ("0" or "1"))
            {
                Refuse(line, $"label \"{Shorten(label)}\" is neither 0 (negative) nor 1 (positive)");
                continue;
            }

            if (string.IsNullOrWhiteSpace(fields[1]))
            {
                Refuse(line, "the review is empty");
                continue;
            }

            rows.Add(new LabelledText(label == "1", fields[1], line));
        }

        if (rows.Count == 0)
        {
            var first = errors.Count > 0 ? string.Create(CultureInfo.InvariantCulture, $" First error, line {errors[0].Line}: {errors[0].Reason}.") : "";
            throw new LabelledCsvException(string.Create(CultureInfo.InvariantCulture, $"No usable row ({errorCount} refused).{first}"));
        }

        return new LabelledData(rows, errors, errorCount, sha);
    }

    private static bool IsHeader(List<string> fields) =>
        fields.Count == 2
        && string.Equals(fields[0].Trim(), "label", StringComparison.OrdinalIgnoreCase)
        && string.Equals(fields[1].Trim(), "review", StringComparison.OrdinalIgnoreCase);

    private static string Shorten(string s) => s.Length <= 20 ? s : s[..20] + "…";

    /// <summary>RFC 4180 records with the line each starts on; a malformed record yields an error and reading resumes at the next line.</summary>
    private static IEnumerable<(int Line, List<string> Fields, string? Error)> Records(string text)
    {
        var i = 0;
        var line = 1;
        while (i < text.Length)
        {
            var start = line;
            var fields = new List<string>();
            var field = new StringBuilder();
            string? error = null;
            var endOfRecord = false;
            while (!endOfRecord)
            {
                if (i < text.Length && text[i] == '"')
                {
                    i++;
                    var closed = false;
                    while (i < text.Length)
                    {
                        var c = text[i++];
                        if (c == '"')
                        {
                            if (i < text.Length && text[i] == '"')
                            {
                                field.Append('"');
                                i++;
                                continue;
                            }

                            closed = true;
                            break;
                        }

                        if (c == '\n')
                        {
                            line++;
                        }

                        field.Append(c);
                    }

                    if (!closed)
                    {
                        error = "a quoted field is not closed before the end of the file";
                        yield return (start, fields, error);
                        yield break;
                    }

                    // After the closing quote only a separator or the end of the record may follow.
                    if (i < text.Length && text[i] is not (',' or '\r' or '\n'))
                    {
                        error ??= "text after a closing quote";
                    }
                }

                while (i < text.Length && text[i] is not (',' or '\r' or '\n'))
                {
                    if (text[i] == '"')
                    {
                        error ??= "a quote inside an unquoted field";
                    }

                    field.Append(text[i++]);
                }

                fields.Add(field.ToString());
                field.Clear();
                if (i < text.Length && text[i] == ',')
                {
                    i++;
                    continue;
                }

                if (i < text.Length && text[i] == '\r')
                {
                    i++;
                }

                if (i < text.Length && text[i] == '\n')
                {
                    i++;
                }

                line++;
                endOfRecord = true;
            }

            yield return (start, fields, error);
        }
    }
}
