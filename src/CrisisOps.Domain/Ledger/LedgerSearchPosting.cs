namespace CrisisOps.Domain.Ledger;

/// <summary>
/// One search key of an integrated entry — <c>need:N-0042</c>, <c>warehouse:krems-depot</c>, <c>party:D-7Q3K…</c> —
/// for the public search. Written by the integrator with the leaves of its batch, sorted by key, rather than as indexes
/// on the entries themselves: pseudonyms and need numbers are random keys, and an index on them made every append
/// commit dirty hundreds of index pages (bench/README.md, "Ledger"); a batch of a second's entries touches each page
/// once. Not part of what the tree commits to: a derived index, rebuilt from the entries if ever in doubt.
/// </summary>
public sealed class LedgerSearchPosting
{
    public const string Need = "need";
    public const string Warehouse = "warehouse";
    public const string Party = "party";

    private LedgerSearchPosting() { }

    public LedgerSearchPosting(string key, long entryId)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        Key = key;
        EntryId = entryId;
    }

    /// <summary>The field and the value, as <see cref="KeyOf"/> writes them.</summary>
    public string Key { get; private set; } = "";

    public long EntryId { get; private set; }

    /// <summary>The longest key: the longest field name, a colon and a search value of the longest allowed length.</summary>
    public const int MaxKeyLength = 10 + LedgerEntry.MaxSearchKeyLength;

    public static string KeyOf(string field, string value) => field + ":" + value;
}
