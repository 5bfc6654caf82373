using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CrisisOps.Domain.Ledger.Audit;

/// <summary>
/// What a verifier remembers between runs (the state file): the key it pinned and the last checkpoint it found
/// good, so the next run can prove that today's log extends the one it saw — a log that rewrote history since
/// cannot produce that proof.
/// </summary>
/// <param name="VerifierKey">The pinned verifier key text (<see cref="LedgerVerifierKey.ToString"/>).</param>
/// <param name="Size">The size of the last checkpoint found good, or null before the first successful run.</param>
/// <param name="RootHash">Its root (base64).</param>
/// <param name="Note">Its signed note, kept as evidence: with it anyone can show what the log once signed.</param>
public sealed record AuditState(string VerifierKey, long? Size = null, string? RootHash = null, string? Note = null)
{
    // People read and diff the file: keys and hashes with their '+' as is, not as \u002B.
    private static readonly JsonSerializerOptions WriteOptions = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The state as the JSON the state file holds.</summary>
    public string ToJson() => new JsonObject
    {
        ["verifierKey"] = VerifierKey,
        ["size"] = Size,
        ["rootHash"] = RootHash,
        ["note"] = Note,
    }.ToJsonString(WriteOptions) + "\n";

    /// <summary>Reads a state file's JSON and checks that it holds a verifier key and, if any, a well-formed checkpoint.</summary>
    /// <exception cref="FormatException">Not a state file.</exception>
    public static AuditState Parse(string json)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json) as JsonObject ?? throw new FormatException("The state file is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new FormatException($"The state file is not JSON: {e.Message}", e);
        }

        var key = Text(root, "verifierKey") ?? throw new FormatException("The state file names no verifierKey.");
        LedgerVerifierKey.Parse(key);
        long? size = null;
        if (root["size"] is JsonValue sizeValue)
        {
            size = sizeValue.TryGetValue<long>(out var s) && s >= 0 ? s : throw new FormatException("The state file's size is not a tree size.");
        }

        var rootHash = Text(root, "rootHash");
        if (size is not null && (rootHash is null || !IsHash(rootHash)))
        {
            throw new FormatException("The state file's rootHash is not a base64 SHA-256 hash.");
        }

        return new AuditState(key, size, size is null ? null : rootHash, size is null ? null : Text(root, "note"));
    }

    private static string? Text(JsonObject root, string name) =>
        root[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static bool IsHash(string text)
    {
        Span<byte> bytes = stackalloc byte[MerkleHash.Size + 3];
        return Convert.TryFromBase64String(text, bytes, out var written) && written == MerkleHash.Size;
    }
}
