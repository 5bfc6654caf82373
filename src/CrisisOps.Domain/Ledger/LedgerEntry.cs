using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace CrisisOps.Domain.Ledger;

/// <summary>
/// One public record of the sunshine ledger (阳光台账): a donation, a stock movement, a confirmed delivery, a
/// compensation payment. Accepted into the durable queue in the same transaction as the change it records,
/// then integrated into the Merkle tree by the integrator (<see cref="LedgerLeaf"/>). Never updated or deleted.
/// </summary>
/// <remarks>
/// <see cref="Body"/> is the canonical JSON (<see cref="CanonicalJson"/>) that the tree commits to; its envelope is
/// <c>{"v": schema version, "kind": …, "time": event time (UTC, ISO 8601), "region": region code, …}</c> and the
/// other members depend on the kind (docs/ledger.md). The search columns are copied from the body so a public
/// search needs no JSON queries; the body stays the truth. No personal data: donors and payees appear as
/// pseudonyms or organisation names, never as people's names or contacts.
/// </remarks>
public sealed class LedgerEntry
{
    /// <summary>An entry's canonical body may not exceed 16 KiB of UTF-8.</summary>
    public const int MaxBodyBytes = 16 * 1024;

    public const int MaxIdempotencyKeyLength = 200;

    public const int MaxSearchKeyLength = 128;

    private LedgerEntry() { }

    /// <summary>Order of acceptance (the queue's sequence); leaf indexes follow it but may skip rolled-back ids.</summary>
    public long Id { get; private set; }

    /// <summary>What makes an append happen once: a retried donation or hook with the same key is not appended twice.</summary>
    public string IdempotencyKey { get; private set; } = "";

    public string Kind { get; private set; } = "";

    public int SchemaVersion { get; private set; }

    /// <summary>The canonical JSON the leaf hash commits to.</summary>
    public string Body { get; private set; } = "";

    /// <summary>RFC 6962 leaf hash of <see cref="Body"/>'s UTF-8 bytes, computed at acceptance so integration only hashes nodes.</summary>
    public byte[] LeafHash { get; private set; } = [];

    public DateTimeOffset AcceptedAt { get; private set; }

    public DateTimeOffset Time { get; private set; }

    public string RegionCode { get; private set; } = "";

    /// <summary>Search keys, copied from the body's <c>need</c>, <c>warehouse</c>, <c>party</c> and <c>item</c> members.</summary>
    public string? NeedNumber { get; private set; }

    public string? WarehouseCode { get; private set; }

    /// <summary>The donor's or payee's pseudonym, or an organisation's name.</summary>
    public string? Party { get; private set; }

    public string? ItemCode { get; private set; }

    /// <summary>
    /// Accepts an entry: checks the envelope and the kind's schema version, puts the body in canonical form and
    /// hashes it. The body must not carry personal data; callers pseudonymise first.
    /// </summary>
    /// <exception cref="DomainException">
    /// <c>ledger-entry-invalid</c> (unknown kind, envelope member missing or wrong, key empty or too long),
    /// <c>ledger-entry-too-large</c>, <c>ledger-entry-not-canonicalisable</c>.
    /// </exception>
    public static LedgerEntry Accept(string idempotencyKey, JsonObject body, DateTimeOffset acceptedAt)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (string.IsNullOrWhiteSpace(idempotencyKey) || idempotencyKey.Length > MaxIdempotencyKeyLength)
        {
            throw Invalid($"the idempotency key must have 1 to {MaxIdempotencyKeyLength} characters");
        }

        var kind = Text(body, "kind") ?? throw Invalid("\"kind\" is missing");
        if (!LedgerEntryKinds.IsKnown(kind))
        {
            throw Invalid($"\"kind\" \"{kind}\" is not a ledger entry kind ({string.Join(", ", LedgerEntryKinds.All)})");
        }

        if (body["v"] is not JsonValue v || !v.TryGetValue<int>(out var version) || version != LedgerEntryKinds.SchemaVersion(kind))
        {
            throw Invalid($"\"v\" must be {LedgerEntryKinds.SchemaVersion(kind)} for {kind}");
        }

        var timeText = Text(body, "time") ?? throw Invalid("\"time\" is missing");
        if (!DateTimeOffset.TryParseExact(timeText, "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            throw Invalid($"\"time\" must be UTC in ISO 8601 ending in Z, not \"{timeText}\"");
        }

        var region = Text(body, "region");
        if (string.IsNullOrWhiteSpace(region))
        {
            throw Invalid("\"region\" is missing");
        }

        var bytes = CanonicalJson.SerializeToUtf8(body);
        if (bytes.Length > MaxBodyBytes)
        {
            throw new DomainException("ledger-entry-too-large", $"A ledger entry may have at most {MaxBodyBytes} bytes; this one has {bytes.Length}.");
        }

        return new LedgerEntry
        {
            IdempotencyKey = idempotencyKey,
            Kind = kind,
            SchemaVersion = version,
            Body = Encoding.UTF8.GetString(bytes),
            LeafHash = MerkleHash.Leaf(bytes),
            AcceptedAt = acceptedAt,
            Time = time,
            RegionCode = region,
            NeedNumber = SearchKey(body, "need"),
            WarehouseCode = SearchKey(body, "warehouse"),
            Party = SearchKey(body, "party"),
            ItemCode = SearchKey(body, "item"),
        };
    }

    /// <summary>The time as entries write it: UTC, ISO 8601, 'Z', no trailing zero fractions.</summary>
    public static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    /// <summary>A decimal as entries write it: invariant, no exponent, no trailing zeros ("12.5", "3").</summary>
    public static string FormatDecimal(decimal value) => (value / 1.0000000000000000000000000000m).ToString(CultureInfo.InvariantCulture);

    private static string? Text(JsonObject body, string name) =>
        body[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static string? SearchKey(JsonObject body, string name) => Text(body, name) is { Length: > 0 } text
        ? text.Length <= MaxSearchKeyLength ? text : throw Invalid($"\"{name}\" may have at most {MaxSearchKeyLength} characters")
        : null;

    private static DomainException Invalid(string why) => new("ledger-entry-invalid", $"The ledger entry is invalid: {why}.");
}
