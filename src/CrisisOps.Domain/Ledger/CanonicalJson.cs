using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CrisisOps.Domain.Ledger;

/// <summary>
/// The one byte form of a ledger entry, so that anyone who re-serialises an entry gets the bytes we hashed.
/// It is the JSON Canonicalization Scheme of RFC 8785 restricted to what entries need: objects with members
/// sorted by their names' UTF-16 code units, no insignificant whitespace, strings with only the escapes
/// RFC 8785 §3.2.2.2 prescribes, <c>true</c>/<c>false</c>/<c>null</c>, and numbers that are <b>integers of at
/// most 15 digits</b> — quantities and money are decimal strings ("12.5"), so no verifier in any language
/// has to reproduce ECMAScript's double formatting. Within that restriction the output is RFC 8785's.
/// </summary>
public static class CanonicalJson
{
    /// <summary>Integers beyond this are refused: ECMAScript doubles hold them exactly only up to 2^53.</summary>
    public const long MaxInteger = 999_999_999_999_999;

    /// <summary>The canonical text of a JSON value.</summary>
    /// <exception cref="DomainException"><c>ledger-entry-not-canonicalisable</c>: a fractional or too large number, a duplicate member.</exception>
    public static string Serialize(JsonNode? value)
    {
        var text = new StringBuilder();
        Write(text, value, "$");
        return text.ToString();
    }

    /// <summary>Parses JSON text and returns its canonical form (for checking that a stored body is canonical).</summary>
    /// <exception cref="DomainException"><c>ledger-entry-not-canonicalisable</c>: not JSON, or outside the restriction.</exception>
    public static string Canonicalize(string json)
    {
        try
        {
            return Serialize(JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = 32, AllowDuplicateProperties = false }));
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            // Parsing is lazy: malformed text, duplicate members and invalid UTF-16 surface while serialising.
            throw Refused($"not JSON: {e.Message}");
        }
    }

    /// <summary>True when the text is exactly its own canonical form.</summary>
    public static bool IsCanonical(string json)
    {
        try
        {
            return string.Equals(Canonicalize(json), json, StringComparison.Ordinal);
        }
        catch (DomainException)
        {
            return false;
        }
    }

    private static void Write(StringBuilder text, JsonNode? value, string path)
    {
        switch (value)
        {
            case null:
                text.Append("null");
                break;
            case JsonObject obj:
                WriteObject(text, obj, path);
                break;
            case JsonArray array:
                text.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0)
                    {
                        text.Append(',');
                    }

                    Write(text, array[i], string.Create(CultureInfo.InvariantCulture, $"{path}[{i}]"));
                }

                text.Append(']');
                break;
            case JsonValue scalar:
                WriteScalar(text, scalar, path);
                break;
        }
    }

    private static void WriteObject(StringBuilder text, JsonObject obj, string path)
    {
        // RFC 8785 §3.2.3: members sorted by the UTF-16 code units of their names, which is string.CompareOrdinal.
        var members = obj.Select(m => m.Key).ToList();
        members.Sort(string.CompareOrdinal);
        for (var i = 1; i < members.Count; i++)
        {
            if (string.Equals(members[i], members[i - 1], StringComparison.Ordinal))
            {
                throw Refused($"{path} has the member \"{members[i]}\" twice");
            }
        }

        text.Append('{');
        for (var i = 0; i < members.Count; i++)
        {
            if (i > 0)
            {
                text.Append(',');
            }

            WriteString(text, members[i], path);
            text.Append(':');
            Write(text, obj[members[i]], $"{path}.{members[i]}");
        }

        text.Append('}');
    }

    private static void WriteScalar(StringBuilder text, JsonValue scalar, string path)
    {
        var element = scalar.GetValueKind();
        switch (element)
        {
            case JsonValueKind.String:
                WriteString(text, scalar.GetValue<string>(), path);
                break;
            case JsonValueKind.True:
                text.Append("true");
                break;
            case JsonValueKind.False:
                text.Append("false");
                break;
            case JsonValueKind.Null:
                text.Append("null");
                break;
            case JsonValueKind.Number:
                var raw = scalar.ToJsonString();
                if (!decimal.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                    || number != decimal.Truncate(number) || Math.Abs(number) > MaxInteger)
                {
                    throw Refused($"{path} is the number {raw}: entries hold integers of at most 15 digits; write quantities and money as decimal strings");
                }

                text.Append(((long)number).ToString(CultureInfo.InvariantCulture));
                break;
            default:
                throw Refused($"{path} is not a JSON value");
        }
    }

    /// <summary>RFC 8785 §3.2.2.2: the two-character escapes where JSON has them, \u00xx (lower case) for other controls, all else as is.</summary>
    private static void WriteString(StringBuilder text, string value, string path)
    {
        text.Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsSurrogate(c) && !(char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])))
            {
                throw Refused($"{path} holds a lone surrogate (not Unicode text)");
            }

            if (char.IsHighSurrogate(c))
            {
                text.Append(c).Append(value[++i]);
                continue;
            }

            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\b': text.Append("\\b"); break;
                case '\f': text.Append("\\f"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                default:
                    if (c < 0x20)
                    {
                        text.Append("\\u00").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        text.Append(c);
                    }

                    break;
            }
        }

        text.Append('"');
    }

    private static DomainException Refused(string why) => new("ledger-entry-not-canonicalisable", $"The entry cannot be put in canonical form: {why}.");
}
