using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace CrisisOps.Domain.Ledger;

/// <summary>Whom a pseudonym stands for: a donor (<c>D-</c>) or a person paid compensation (<c>P-</c>).</summary>
public enum PseudonymRole
{
    Donor = 1,
    Payee = 2,
}

/// <summary>
/// The public name of a person on the sunshine ledger: <c>D-</c> (donor) or <c>P-</c> (payee) and 10 characters of
/// RFC 4648 base32 taken from HMAC-SHA256 under the server's <see cref="PseudonymKey"/> of the person's normalised
/// name and contact. The same person gets the same pseudonym every time, so the public can see that one donor gave
/// three times; without the key nobody can compute it from a guessed name and telephone number (a plain hash of a
/// name and an 11-digit mobile number would fall to a dictionary in minutes).
/// </summary>
public sealed partial record Pseudonym
{
    /// <summary>Characters of base32 after the prefix: 50 bits, so two of a city's donors share one with odds of about 1 in 10^9.</summary>
    public const int Length = 10;

    private Pseudonym(string value) => Value = value;

    public string Value { get; }

    public PseudonymRole Role => Value[0] == 'D' ? PseudonymRole.Donor : PseudonymRole.Payee;

    /// <summary>Computes the pseudonym of a person.</summary>
    /// <exception cref="DomainException"><c>invalid-person</c>: an empty name or contact.</exception>
    public static Pseudonym Of(PseudonymKey key, PseudonymRole role, PersonDetails person)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(person);

        // The role is part of what is hashed, so the same person's donor and payee pseudonyms cannot be linked.
        var input = Encoding.UTF8.GetBytes($"{(role == PseudonymRole.Donor ? "donor" : "payee")}\n{person.NormalisedName}\n{person.NormalisedContact}");
        var mac = HMACSHA256.HashData(key.Bytes, input);
        return new Pseudonym((role == PseudonymRole.Donor ? "D-" : "P-") + Base32(mac)[..Length]);
    }

    /// <summary>Reads a pseudonym as written (<c>D-ABCDEFGHIJ</c>); null when the text is not one.</summary>
    public static Pseudonym? Parse(string? text) => text is not null && Shape().IsMatch(text) ? new Pseudonym(text) : null;

    public override string ToString() => Value;

    private static string Base32(byte[] bytes)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var text = new StringBuilder();
        int buffer = 0, bits = 0;
        foreach (var b in bytes)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                text.Append(alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }

        return text.ToString();
    }

    [GeneratedRegex("^[DP]-[A-Z2-7]{10}$", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();
}

/// <summary>
/// The secret of the pseudonyms (<c>Ledger:PseudonymKey</c>): at least 32 random bytes. Whoever holds it can test a
/// guessed name and contact against a pseudonym, so it is kept like the signing key and never published; losing it
/// means repeat donors get new pseudonyms (nothing published breaks).
/// </summary>
public sealed class PseudonymKey
{
    public const int MinBytes = 32;

    private PseudonymKey(byte[] bytes) => Bytes = bytes;

    internal byte[] Bytes { get; }

    /// <exception cref="ArgumentException">Fewer than <see cref="MinBytes"/> bytes.</exception>
    public static PseudonymKey FromBytes(ReadOnlySpan<byte> bytes) => bytes.Length >= MinBytes
        ? new PseudonymKey(bytes.ToArray())
        : throw new ArgumentException($"A pseudonym key has at least {MinBytes} bytes; this one has {bytes.Length}.", nameof(bytes));

    public static PseudonymKey Generate() => new(RandomNumberGenerator.GetBytes(MinBytes));

    /// <summary>Reads the key as written in configuration or its file: base64 of the bytes.</summary>
    /// <exception cref="FormatException">Not base64, or fewer than <see cref="MinBytes"/> bytes.</exception>
    public static PseudonymKey Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(text.Trim());
        }
        catch (FormatException)
        {
            throw new FormatException("The pseudonym key is not base64.");
        }

        return bytes.Length >= MinBytes
            ? new PseudonymKey(bytes)
            : throw new FormatException($"The pseudonym key has {bytes.Length} bytes; it needs at least {MinBytes}.");
    }

    public string Export() => Convert.ToBase64String(Bytes);
}

/// <summary>
/// A person's name and contact as staff typed them, with the normal form the pseudonym is computed from: the same
/// person written "Wang  Fang" / "wang fang" and "+43 660-123 4567" / "+436601234567" gets one pseudonym.
/// Kept only in the private tables (<c>donors</c>, <c>compensation_payees</c>), never in a ledger entry.
/// </summary>
public sealed record PersonDetails
{
    public const int MaxNameLength = 200;
    public const int MaxContactLength = 200;

    /// <exception cref="DomainException"><c>invalid-person</c>: an empty or too long name or contact.</exception>
    public PersonDetails(string? name, string? contact)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > MaxNameLength)
        {
            throw new DomainException("invalid-person", $"A person's name has 1 to {MaxNameLength} characters.");
        }

        // The contact makes two people of one common name two donors; without it every "Li Wei" would be one.
        if (string.IsNullOrWhiteSpace(contact) || contact.Trim().Length > MaxContactLength)
        {
            throw new DomainException("invalid-person", $"A person's contact (telephone or e-mail) has 1 to {MaxContactLength} characters.");
        }

        Name = name.Trim();
        Contact = contact.Trim();
        NormalisedName = string.Join(' ', Name.Normalize(NormalizationForm.FormKC).ToLowerInvariant()
            .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        NormalisedContact = new string([.. Contact.Normalize(NormalizationForm.FormKC).ToLowerInvariant()
            .Where(c => !char.IsWhiteSpace(c) && c is not '-' and not '(' and not ')')]);
    }

    public string Name { get; }

    public string Contact { get; }

    public string NormalisedName { get; }

    public string NormalisedContact { get; }
}
