using System.Security.Cryptography;
using System.Text;

namespace CrisisOps.Domain.Ledger;

/// <summary>
/// C2SP signed-note (c2sp.org/signed-note), Ed25519 only: the text (every line ending in a newline), a blank line,
/// then one line per signature <c>— &lt;key name&gt; &lt;base64(4-byte key hash ‖ 64-byte signature)&gt;\n</c>.
/// The signature covers the text's UTF-8 bytes. Interoperable with Go's golang.org/x/mod/sumdb/note (tested
/// against its published example).
/// </summary>
public static class SignedNote
{
    private const string SignatureDash = "\u2014 ";

    /// <summary>The text with one signature line.</summary>
    /// <exception cref="ArgumentException">The text is empty or does not end with a newline.</exception>
    public static string Sign(string text, LedgerSigningKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (string.IsNullOrEmpty(text) || !text.EndsWith('\n') || text.Contains("\n\n", StringComparison.Ordinal))
        {
            throw new ArgumentException("A note's text is non-empty lines, each ending in a newline.", nameof(text));
        }

        var signature = key.Sign(Encoding.UTF8.GetBytes(text));
        return $"{text}\n{SignatureDash}{key.Name} {Convert.ToBase64String([.. key.KeyHash, .. signature])}\n";
    }

    /// <summary>The note's text when it carries a valid signature by the key; otherwise the precise reason it does not.</summary>
    public static (string? Text, string? Problem) Open(string note, LedgerVerifierKey key)
    {
        ArgumentNullException.ThrowIfNull(note);
        ArgumentNullException.ThrowIfNull(key);
        var split = note.LastIndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0 || !note.EndsWith('\n'))
        {
            return (null, "the note has no blank line before its signatures or does not end with a newline");
        }

        var text = note[..(split + 1)];
        var signed = false;
        foreach (var line in note[(split + 2)..].TrimEnd('\n').Split('\n'))
        {
            if (!line.StartsWith(SignatureDash, StringComparison.Ordinal))
            {
                return (null, $"\"{line}\" is not a signature line");
            }

            var parts = line[SignatureDash.Length..].Split(' ');
            if (parts.Length != 2 || !string.Equals(parts[0], key.Name, StringComparison.Ordinal))
            {
                continue; // someone else's signature (a witness's cosignature): not ours to check
            }

            byte[] blob;
            try
            {
                blob = Convert.FromBase64String(parts[1]);
            }
            catch (FormatException)
            {
                return (null, $"the signature of {key.Name} is not base64");
            }

            if (blob.Length != 4 + 64 || !blob.AsSpan(0, 4).SequenceEqual(key.KeyHash))
            {
                continue;
            }

            if (!key.Verify(Encoding.UTF8.GetBytes(text), blob.AsSpan(4)))
            {
                return (null, $"the signature of {key.Name} does not verify: the note was altered or signed by another key");
            }

            signed = true;
        }

        return signed ? (text, null) : (null, $"the note carries no signature by the key {key.Name}+{Convert.ToHexStringLower(key.KeyHash)}");
    }

    /// <summary>C2SP signed-note key hash: the first four bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key).</summary>
    internal static byte[] KeyHashOf(string name, ReadOnlySpan<byte> publicKey)
    {
        byte[] material = [.. Encoding.UTF8.GetBytes(name), (byte)'\n', 0x01, .. publicKey];
        return SHA256.HashData(material)[..4];
    }

    /// <summary>Key names are non-empty and hold no spaces, newlines or '+'.</summary>
    internal static void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Any(c => char.IsWhiteSpace(c) || c == '+'))
        {
            throw new ArgumentException($"\"{name}\" is not a key name: no spaces, newlines or '+'.", nameof(name));
        }
    }
}
