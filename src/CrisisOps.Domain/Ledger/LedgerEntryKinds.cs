namespace CrisisOps.Domain.Ledger;

/// <summary>What the sunshine ledger records, each kind with the schema version its entries carry in <c>"v"</c>.</summary>
public static class LedgerEntryKinds
{
    /// <summary>Goods or money given, by a donor pseudonym or an organisation.</summary>
    public const string Donation = "donation";

    /// <summary>Goods received into a warehouse (purchase, agreement delivery, donation).</summary>
    public const string StockReceipt = "stock-receipt";

    /// <summary>Goods issued from a warehouse (against a need or an order, or not).</summary>
    public const string StockIssue = "stock-issue";

    /// <summary>Goods moved from one warehouse to another.</summary>
    public const string Transfer = "transfer";

    /// <summary>A receiver confirmed a delivery against a need.</summary>
    public const string DeliveryConfirmed = "delivery-confirmed";

    /// <summary>A compensation or support payment to someone hurt by a measure (payee pseudonymised).</summary>
    public const string Compensation = "compensation";

    private static readonly Dictionary<string, int> Versions = new(StringComparer.Ordinal)
    {
        [Donation] = 1,
        [StockReceipt] = 1,
        [StockIssue] = 1,
        [Transfer] = 1,
        [DeliveryConfirmed] = 1,
        [Compensation] = 1,
    };

    public static IReadOnlyCollection<string> All => Versions.Keys;

    public static bool IsKnown(string kind) => Versions.ContainsKey(kind);

    /// <summary>The schema version new entries of the kind carry; 0 for an unknown kind.</summary>
    public static int SchemaVersion(string kind) => Versions.GetValueOrDefault(kind);
}
