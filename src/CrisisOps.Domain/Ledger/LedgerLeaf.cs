namespace CrisisOps.Domain.Ledger;

/// <summary>
/// Position <see cref="Index"/> of the tree holds entry <see cref="EntryId"/>: written once by the integrator, in
/// the transaction that stores the new tree nodes and checkpoint. Never updated or deleted.
/// </summary>
public sealed class LedgerLeaf
{
    private LedgerLeaf() { }

    public LedgerLeaf(long index, long entryId, DateTimeOffset integratedAt)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        Index = index;
        EntryId = entryId;
        IntegratedAt = integratedAt;
    }

    /// <summary>Zero-based leaf index in the tree.</summary>
    public long Index { get; private set; }

    public long EntryId { get; private set; }

    public DateTimeOffset IntegratedAt { get; private set; }
}
