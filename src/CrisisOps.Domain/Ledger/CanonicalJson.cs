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
    public static string Serialize(JsonNode? value) => Encoding.UTF8.GetString(SerializeToUtf8(value));

    /// <summary>The canonical form's UTF-8 bytes — what the leaf hash commits to.</summary>
    /// <exception cref="DomainException"><c>ledger-entry-not-canonicalisable</c>: a fractional or too large number, a duplicate member.</exception>
    public static byte[] SerializeToUtf8(JsonNode? value)
    {
        var writer = new Writer();
        writer.Write(value);
        return writer.ToArray();
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

    /// <summary>
    /// Writes UTF-8 straight into one growing buffer: acceptance is the costly part of a ledger append (bench/README.md,
    /// "Ledger"), so no intermediate string, and the member path a refusal names is only spelled out when one is refused.
    /// </summary>
    private sealed class Writer
    {
        private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

        private readonly List<(string? Name, int Index)> _path = [];
        private byte[] _buffer = new byte[512];
        private int _length;

        public byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();

        public void Write(JsonNode? value)
        {
            switch (value)
            {
                case null:
                    Raw("null"u8);
                    break;
                case JsonObject obj:
                    WriteObject(obj);
                    break;
                case JsonArray array:
                    Raw((byte)'[');
                    for (var i = 0; i < array.Count; i++)
                    {
                        if (i > 0)
                        {
                            Raw((byte)',');
                        }

                        _path.Add((null, i));
                        Write(array[i]);
                        _path.RemoveAt(_path.Count - 1);
                    }

                    Raw((byte)']');
                    break;
                case JsonValue scalar:
                    WriteScalar(scalar);
                    break;
            }
        }

        private void WriteObject(JsonObject obj)
        {
            // RFC 8785 §3.2.3: members sorted by the UTF-16 code units of their names, which is string.CompareOrdinal.
            var members = new KeyValuePair<string, JsonNode?>[obj.Count];
            var n = 0;
            foreach (var member in obj)
            {
                members[n++] = member;
            }

            Array.Sort(members, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
            for (var i = 1; i < members.Length; i++)
            {
                if (string.Equals(members[i].Key, members[i - 1].Key, StringComparison.Ordinal))
                {
                    throw Refused($"{Path()} has the member \"{members[i].Key}\" twice");
                }
            }

            Raw((byte)'{');
            for (var i = 0; i < members.Length; i++)
            {
                if (i > 0)
                {
                    Raw((byte)',');
                }

                WriteString(members[i].Key);
                Raw((byte)':');
                _path.Add((members[i].Key, 0));
                Write(members[i].Value);
                _path.RemoveAt(_path.Count - 1);
            }

            Raw((byte)'}');
        }

        private void WriteScalar(JsonValue scalar)
        {
            if (scalar.TryGetValue<string>(out var text))
            {
                WriteString(text);
                return;
            }

            switch (scalar.GetValueKind())
            {
                case JsonValueKind.String:
                    WriteString(scalar.GetValue<string>());
                    break;
                case JsonValueKind.True:
                    Raw("true"u8);
                    break;
                case JsonValueKind.False:
                    Raw("false"u8);
                    break;
                case JsonValueKind.Null:
                    Raw("null"u8);
                    break;
                case JsonValueKind.Number:
                    WriteInteger(scalar);
                    break;
                default:
                    throw Refused($"{Path()} is not a JSON value");
            }
        }

        private void WriteInteger(JsonValue scalar)
        {
            long integer;
            if (scalar.TryGetValue<int>(out var small))
            {
                integer = small;
            }
            else if (!scalar.TryGetValue(out integer))
            {
                // Parsed text or another CLR number type: its JSON text decides (1.0 and 1e2 are integers, 0.5 is not).
                var raw = scalar.ToJsonString();
                if (!decimal.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                    || number != decimal.Truncate(number) || Math.Abs(number) > MaxInteger)
                {
                    throw Refused($"{Path()} is the number {raw}: entries hold integers of at most 15 digits; write quantities and money as decimal strings");
                }

                integer = (long)number;
            }

            if (Math.Abs(integer) > MaxInteger)
            {
                throw Refused($"{Path()} is the number {integer}: entries hold integers of at most 15 digits; write quantities and money as decimal strings");
            }

            Ensure(20);
            integer.TryFormat(_buffer.AsSpan(_length), out var written, provider: CultureInfo.InvariantCulture);
            _length += written;
        }

        /// <summary>RFC 8785 §3.2.2.2: the two-character escapes where JSON has them, \u00xx (lower case) for other controls, all else as is.</summary>
        private void WriteString(string value)
        {
            Raw((byte)'"');
            var run = 0; // start of the stretch of characters that are copied as they are
            for (var i = 0; i < value.Length; i++)
            {
                var c = value[i];
                if (c >= 0x20 && c != '"' && c != '\\')
                {
                    continue;
                }

                Text(value.AsSpan(run, i - run));
                run = i + 1;
                switch (c)
                {
                    case '"': Raw("\\\""u8); break;
                    case '\\': Raw("\\\\"u8); break;
                    case '\b': Raw("\\b"u8); break;
                    case '\f': Raw("\\f"u8); break;
                    case '\n': Raw("\\n"u8); break;
                    case '\r': Raw("\\r"u8); break;
                    case '\t': Raw("\\t"u8); break;
                    default:
                        Raw("\\u00"u8);
                        Raw((byte)"0123456789abcdef"[c >> 4]);
                        Raw((byte)"0123456789abcdef"[c & 0xF]);
                        break;
                }
            }

            Text(value.AsSpan(run));
            Raw((byte)'"');
        }

        private void Text(ReadOnlySpan<char> chars)
        {
            if (chars.IsEmpty)
            {
                return;
            }

            Ensure(Strict.GetMaxByteCount(chars.Length));
            try
            {
                _length += Strict.GetBytes(chars, _buffer.AsSpan(_length));
            }
            catch (EncoderFallbackException)
            {
                throw Refused($"{Path()} holds a lone surrogate (not Unicode text)");
            }
        }

        private void Raw(byte b)
        {
            Ensure(1);
            _buffer[_length++] = b;
        }

        private void Raw(ReadOnlySpan<byte> bytes)
        {
            Ensure(bytes.Length);
            bytes.CopyTo(_buffer.AsSpan(_length));
            _length += bytes.Length;
        }

        private void Ensure(int more)
        {
            if (_length + more > _buffer.Length)
            {
                Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + more));
            }
        }

        /// <summary>JSONPath of the value being written, e.g. <c>$.items[2].qty</c>.</summary>
        private string Path()
        {
            var path = new StringBuilder("$");
            foreach (var (name, index) in _path)
            {
                if (name is null)
                {
                    path.Append('[').Append(index.ToString(CultureInfo.InvariantCulture)).Append(']');
                }
                else
                {
                    path.Append('.').Append(name);
                }
            }

            return path.ToString();
        }
    }

    private static DomainException Refused(string why) => new("ledger-entry-not-canonicalisable", $"The entry cannot be put in canonical form: {why}.");
}
