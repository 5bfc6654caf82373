using NSec.Cryptography;

namespace CrisisOps.Domain.Ledger;

/// <summary>
/// The ledger's Ed25519 signing key with its signed-note name (usually the origin). The private key never leaves
/// the server; <see cref="VerifierKey"/> is what the public fetches and pins.
/// </summary>
public sealed class LedgerSigningKey : IDisposable
{
    private readonly Key _key;

    private LedgerSigningKey(string name, Key key)
    {
        SignedNote.CheckName(name);
        Name = name;
        _key = key;
        PublicKey = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
        KeyHash = SignedNote.KeyHashOf(name, PublicKey);
    }

    public string Name { get; }

    public byte[] PublicKey { get; }

    public byte[] KeyHash { get; }

    /// <summary>The public half in the signed-note verifier key format <c>name+hexhash+base64(0x01 ‖ key)</c>.</summary>
    public LedgerVerifierKey VerifierKey => new(Name, PublicKey);

    /// <summary>A fresh random key.</summary>
    public static LedgerSigningKey Generate(string name) =>
        new(name, Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport }));

    /// <summary>A key from its 32-byte private seed (RFC 8032), as stored in the key file.</summary>
    /// <exception cref="ArgumentException">The seed does not have 32 bytes.</exception>
    public static LedgerSigningKey FromSeed(string name, ReadOnlySpan<byte> seed)
    {
        if (seed.Length != 32)
        {
            throw new ArgumentException("An Ed25519 private key seed has 32 bytes.", nameof(seed));
        }

        return new LedgerSigningKey(name, Key.Import(SignatureAlgorithm.Ed25519, seed, KeyBlobFormat.RawPrivateKey,
            new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport }));
    }

    /// <summary>The 32-byte seed, for the key file only.</summary>
    public byte[] ExportSeed() => _key.Export(KeyBlobFormat.RawPrivateKey);

    /// <summary>The signer key text of Go's sumdb/note, <c>PRIVATE+KEY+name+hexhash+base64(0x01 ‖ seed)</c>: the key file's content.</summary>
    public string ExportText() =>
        $"PRIVATE+KEY+{Name}+{Convert.ToHexStringLower(KeyHash)}+{Convert.ToBase64String([0x01, .. ExportSeed()])}";

    /// <summary>Reads the signer key text (<see cref="ExportText"/>).</summary>
    /// <exception cref="FormatException">Not a signer key, not Ed25519, or the hash does not match the key.</exception>
    public static LedgerSigningKey ParseText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Trim().Split('+', 5);
        if (parts.Length != 5 || parts[0] != "PRIVATE" || parts[1] != "KEY")
        {
            throw new FormatException("A signer key is PRIVATE+KEY+name+hash+key.");
        }

        byte[] blob;
        try
        {
            blob = Convert.FromBase64String(parts[4]);
        }
        catch (FormatException)
        {
            throw new FormatException("The key part of the signer key is not base64.");
        }

        if (blob.Length != 33 || blob[0] != 0x01)
        {
            throw new FormatException("The signer key is not an Ed25519 key (type 0x01, 32 bytes).");
        }

        LedgerSigningKey key;
        try
        {
            key = FromSeed(parts[2], blob.AsSpan(1));
        }
        catch (ArgumentException e)
        {
            throw new FormatException(e.Message);
        }

        if (!string.Equals(Convert.ToHexStringLower(key.KeyHash), parts[3], StringComparison.OrdinalIgnoreCase))
        {
            key.Dispose();
            throw new FormatException("The signer key's hash does not match its name and key.");
        }

        return key;
    }

    public byte[] Sign(ReadOnlySpan<byte> message) => SignatureAlgorithm.Ed25519.Sign(_key, message);

    public void Dispose() => _key.Dispose();
}

/// <summary>A signed-note verifier key: the name, and the Ed25519 public key.</summary>
public sealed record LedgerVerifierKey
{
    public LedgerVerifierKey(string name, byte[] publicKey)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        SignedNote.CheckName(name);
        if (publicKey.Length != 32)
        {
            throw new ArgumentException("An Ed25519 public key has 32 bytes.", nameof(publicKey));
        }

        Name = name;
        PublicKey = publicKey;
        KeyHash = SignedNote.KeyHashOf(name, publicKey);
    }

    public string Name { get; }

    public byte[] PublicKey { get; }

    public byte[] KeyHash { get; }

    /// <summary><c>name+hexhash+base64(0x01 ‖ key)</c>, the form people pin (e.g. in <c>crisisops ledger verify --key</c>).</summary>
    public override string ToString() => $"{Name}+{Convert.ToHexStringLower(KeyHash)}+{Convert.ToBase64String([0x01, .. PublicKey])}";

    /// <summary>Parses the pinned form; checks the type byte and that the hash matches the key.</summary>
    /// <exception cref="FormatException">Not a verifier key, or the hash does not match.</exception>
    public static LedgerVerifierKey Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        // The base64 key may itself hold '+': split off the name and the hash only (as Go's note.NewVerifier does).
        var parts = text.Trim().Split('+', 3);
        if (parts.Length != 3)
        {
            throw new FormatException("A verifier key is name+hash+key.");
        }

        byte[] blob;
        try
        {
            blob = Convert.FromBase64String(parts[2]);
        }
        catch (FormatException)
        {
            throw new FormatException("The key part of the verifier key is not base64.");
        }

        if (blob.Length != 33 || blob[0] != 0x01)
        {
            throw new FormatException("The verifier key is not an Ed25519 key (type 0x01, 32 bytes).");
        }

        LedgerVerifierKey key;
        try
        {
            key = new LedgerVerifierKey(parts[0], blob[1..]);
        }
        catch (ArgumentException e)
        {
            throw new FormatException(e.Message);
        }

        if (!string.Equals(Convert.ToHexStringLower(key.KeyHash), parts[1], StringComparison.OrdinalIgnoreCase))
        {
            throw new FormatException("The verifier key's hash does not match its name and key.");
        }

        return key;
    }

    public bool Verify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature) =>
        SignatureAlgorithm.Ed25519.Verify(PublicKey.Import(), message, signature);
}

internal static class PublicKeyImport
{
    public static NSec.Cryptography.PublicKey Import(this byte[] raw) =>
        NSec.Cryptography.PublicKey.Import(SignatureAlgorithm.Ed25519, raw, KeyBlobFormat.RawPublicKey);
}
