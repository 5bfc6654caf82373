using System.Globalization;
using System.Text.Json.Nodes;

namespace CrisisOps.Domain.Ledger;

/// <summary>
/// A payment to someone a measure of the response hurt (征用补偿): a person (public as a <c>P-</c> pseudonym) or a
/// business (by name), for the measure named in <see cref="Measure"/>. Its public record is a <c>compensation</c>
/// ledger entry. Like a donation it is recorded once per idempotency key and never changed.
/// </summary>
public sealed class CompensationPayment
{
    /// <summary>Enough to name a measure ("requisition of the lorry HA-123 from 12 to 15 July"), not to tell a story.</summary>
    public const int MaxMeasureLength = 500;

    private CompensationPayment() { }

    /// <exception cref="DomainException">invalid-measure.</exception>
    public CompensationPayment(Guid id, string idempotencyKey, string requestHash, LedgerParty payee, string? measure, Money money,
        RecordRegion region, string? incidentNumber, string recordedBy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(payee);
        ArgumentNullException.ThrowIfNull(money);
        ArgumentNullException.ThrowIfNull(region);
        var text = measure?.Trim();
        if (string.IsNullOrEmpty(text) || text.Length > MaxMeasureLength)
        {
            throw new DomainException("invalid-measure", $"Name the measure that is compensated in 1 to {MaxMeasureLength} characters.");
        }

        Id = id;
        Number = string.Create(CultureInfo.InvariantCulture, $"CMP-{now.UtcDateTime:yyyyMMdd}-{id.ToString("N")[^8..].ToUpperInvariant()}");
        IdempotencyKey = idempotencyKey;
        RequestHash = requestHash;
        PayeeKind = payee.IsPerson ? PayeeKind.Person : PayeeKind.Business;
        Party = payee.Name;
        PayeeId = payee.PersonId;
        Measure = text;
        Amount = money.Amount;
        Currency = money.Currency;
        RegionCode = region.Code;
        RegionPath = region.Path;
        IncidentNumber = incidentNumber;
        RecordedBy = recordedBy;
        RecordedAt = now;
    }

    public Guid Id { get; private set; }

    /// <summary><c>CMP-yyyyMMdd-XXXXXXXX</c>, public on the ledger.</summary>
    public string Number { get; private set; } = "";

    public string IdempotencyKey { get; private set; } = "";

    public string RequestHash { get; private set; } = "";

    public PayeeKind PayeeKind { get; private set; }

    /// <summary>The business's name or the person's pseudonym.</summary>
    public string Party { get; private set; } = "";

    /// <summary>The private <see cref="Payee"/> row for a person.</summary>
    public Guid? PayeeId { get; private set; }

    /// <summary>What is compensated, as staff wrote it (published: staff write no names here; docs/ledger-entries.md).</summary>
    public string Measure { get; private set; } = "";

    public decimal Amount { get; private set; }

    public string Currency { get; private set; } = "";

    public string RegionCode { get; private set; } = "";

    public string RegionPath { get; private set; } = "";

    public string? IncidentNumber { get; private set; }

    public string RecordedBy { get; private set; } = "";

    public DateTimeOffset RecordedAt { get; private set; }

    public string LedgerKey => "compensation:" + Id.ToString("N");

    /// <summary>The public record (schema v1 of <c>compensation</c>).</summary>
    public JsonObject LedgerBody()
    {
        var body = new JsonObject
        {
            ["v"] = LedgerEntryKinds.SchemaVersion(LedgerEntryKinds.Compensation),
            ["kind"] = LedgerEntryKinds.Compensation,
            ["time"] = LedgerEntry.FormatTime(RecordedAt),
            ["region"] = RegionCode,
            ["payment"] = Number,
            ["payee"] = PayeeKind == PayeeKind.Person ? "person" : "business",
            ["party"] = Party,
            ["measure"] = Measure,
            ["amount"] = LedgerEntry.FormatDecimal(Amount),
            ["currency"] = Currency,
        };
        if (IncidentNumber is not null)
        {
            body["incident"] = IncidentNumber;
        }

        return LedgerEntrySchema.Check(body);
    }
}

public enum PayeeKind
{
    /// <summary>A private person: public as a <c>P-</c> pseudonym only.</summary>
    Person = 1,

    /// <summary>A business or other organisation: public by its name.</summary>
    Business = 2,
}
