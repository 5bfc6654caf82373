using System.Globalization;
using System.Text.Json.Nodes;

namespace CrisisOps.Domain.Ledger;

public enum GiftKind
{
    Goods = 1,
    Money = 2,
}

public enum DonorKind
{
    /// <summary>A private person: public as a <c>D-</c> pseudonym only.</summary>
    Person = 1,

    /// <summary>A company, NGO or group: public by its name.</summary>
    Organisation = 2,
}

/// <summary>
/// Who appears on the ledger for a gift or payment: an organisation's name as given, or a person's pseudonym
/// (with the private row it stands for).
/// </summary>
public sealed record LedgerParty
{
    /// <summary>The ledger's search column for parties holds this much (<see cref="LedgerEntry.MaxSearchKeyLength"/>).</summary>
    public const int MaxOrganisationNameLength = LedgerEntry.MaxSearchKeyLength;

    private LedgerParty(string name, Guid? personId) => (Name, PersonId) = (name, personId);

    /// <summary>The public text: the organisation's name or the pseudonym.</summary>
    public string Name { get; }

    /// <summary>The private row (<see cref="Donor"/> or <see cref="Payee"/>) when the party is a person.</summary>
    public Guid? PersonId { get; }

    public bool IsPerson => PersonId is not null;

    public static LedgerParty Person(Pseudonym pseudonym, Guid personId)
    {
        ArgumentNullException.ThrowIfNull(pseudonym);
        return new(pseudonym.Value, personId);
    }

    /// <exception cref="DomainException"><c>invalid-party</c>: empty, too long, or shaped like a pseudonym.</exception>
    public static LedgerParty Organisation(string? name)
    {
        var trimmed = name?.Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed.Length > MaxOrganisationNameLength)
        {
            throw new DomainException("invalid-party", $"An organisation's name has 1 to {MaxOrganisationNameLength} characters.");
        }

        // A name that reads as a pseudonym would let an organisation pass for a private donor, or the reverse.
        if (Pseudonym.Parse(trimmed) is not null)
        {
            throw new DomainException("invalid-party", "An organisation's name may not look like a pseudonym (D-… or P-…).");
        }

        return new(trimmed, null);
    }
}

/// <summary>Goods given into one of our warehouses, with the value the donor declared if any.</summary>
public sealed record GoodsGift(string WarehouseCode, string ItemCode, string Unit, decimal Quantity, Money? DeclaredValue);

/// <summary>The region a record belongs to (its code and materialised path).</summary>
public sealed record RecordRegion(string Code, string Path);

/// <summary>
/// A donation received (捐赠): goods into a warehouse (also a stock receipt, in the same transaction) or money, from an
/// organisation or a person. Recorded once per <see cref="IdempotencyKey"/> of the recording staff member; its public
/// record is a <c>donation</c> ledger entry (<see cref="LedgerBody"/>). Never changed afterwards: a correction is a
/// new record, as on paper.
/// </summary>
public sealed class Donation
{
    public const int MaxIdempotencyKeyLength = 200;

    private Donation() { }

    /// <exception cref="DomainException">invalid-donation (neither or both of goods and money).</exception>
    public Donation(Guid id, string idempotencyKey, string requestHash, LedgerParty donor, GoodsGift? goods, Money? money, RecordRegion region,
        string? incidentNumber, string recordedBy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(donor);
        ArgumentNullException.ThrowIfNull(region);
        if ((goods is null) == (money is null))
        {
            throw new DomainException("invalid-donation", "A donation is either goods or money.");
        }

        Id = id;
        Number = string.Create(CultureInfo.InvariantCulture, $"DON-{now.UtcDateTime:yyyyMMdd}-{id.ToString("N")[^8..].ToUpperInvariant()}");
        IdempotencyKey = idempotencyKey;
        RequestHash = requestHash;
        DonorKind = donor.IsPerson ? DonorKind.Person : DonorKind.Organisation;
        Party = donor.Name;
        DonorId = donor.PersonId;
        Gift = goods is null ? GiftKind.Money : GiftKind.Goods;
        WarehouseCode = goods?.WarehouseCode;
        ItemCode = goods?.ItemCode;
        Unit = goods?.Unit;
        Quantity = goods?.Quantity;
        Amount = money?.Amount ?? goods?.DeclaredValue?.Amount;
        Currency = money?.Currency ?? goods?.DeclaredValue?.Currency;
        RegionCode = region.Code;
        RegionPath = region.Path;
        IncidentNumber = incidentNumber;
        RecordedBy = recordedBy;
        RecordedAt = now;
    }

    public Guid Id { get; private set; }

    /// <summary><c>DON-yyyyMMdd-XXXXXXXX</c>, public on the ledger.</summary>
    public string Number { get; private set; } = "";

    /// <summary>The <c>Idempotency-Key</c> it was recorded with; unique per staff member, kept for good (not a week).</summary>
    public string IdempotencyKey { get; private set; } = "";

    /// <summary>SHA-256 of the request body, so a replay with another body is told from a retry.</summary>
    public string RequestHash { get; private set; } = "";

    public DonorKind DonorKind { get; private set; }

    /// <summary>The organisation's name or the person's pseudonym: what the public sees.</summary>
    public string Party { get; private set; } = "";

    /// <summary>The private <see cref="Donor"/> row for a person.</summary>
    public Guid? DonorId { get; private set; }

    public GiftKind Gift { get; private set; }

    public string? WarehouseCode { get; private set; }

    public string? ItemCode { get; private set; }

    public string? Unit { get; private set; }

    public decimal? Quantity { get; private set; }

    /// <summary>The money given, or the value the donor declared for goods.</summary>
    public decimal? Amount { get; private set; }

    public string? Currency { get; private set; }

    public string RegionCode { get; private set; } = "";

    public string RegionPath { get; private set; } = "";

    public string? IncidentNumber { get; private set; }

    public string RecordedBy { get; private set; } = "";

    public DateTimeOffset RecordedAt { get; private set; }

    /// <summary>The ledger entry's idempotency key: one donation, one entry.</summary>
    public string LedgerKey => "donation:" + Id.ToString("N");

    /// <summary>The public record (schema v1 of <c>donation</c>): no name, no contact, no staff member.</summary>
    public JsonObject LedgerBody()
    {
        var body = new JsonObject
        {
            ["v"] = LedgerEntryKinds.SchemaVersion(LedgerEntryKinds.Donation),
            ["kind"] = LedgerEntryKinds.Donation,
            ["time"] = LedgerEntry.FormatTime(RecordedAt),
            ["region"] = RegionCode,
            ["donation"] = Number,
            ["gift"] = Gift == GiftKind.Goods ? "goods" : "money",
            ["donor"] = DonorKind == DonorKind.Person ? "person" : "organisation",
            ["party"] = Party,
        };
        if (Gift == GiftKind.Goods)
        {
            body["warehouse"] = WarehouseCode;
            body["item"] = ItemCode;
            body["quantity"] = LedgerEntry.FormatDecimal(Quantity!.Value);
            body["unit"] = Unit;
        }

        if (Amount is { } amount)
        {
            body["amount"] = LedgerEntry.FormatDecimal(amount);
            body["currency"] = Currency;
        }

        if (IncidentNumber is not null)
        {
            body["incident"] = IncidentNumber;
        }

        return LedgerEntrySchema.Check(body);
    }
}
