namespace CrisisOps.Domain.Warning;

/// <summary>
/// A region whose risk must be assessed again because new inputs arrived for it (table
/// <c>risk_queue</c>). It is written in the same transaction as the inputs, so an input that is
/// stored is never left unassessed, even if the process dies right after the commit; the
/// assessment worker removes it once a round has covered it.
/// </summary>
public sealed class RiskQueueEntry
{
    private RiskQueueEntry() { }

    public string RegionCode { get; private set; } = "";

    /// <summary>When the region was first marked since its last assessment: the oldest work goes first.</summary>
    public DateTimeOffset DirtySince { get; private set; }

    /// <summary>
    /// How many times the region has been marked since it was queued. A round removes the row only
    /// if this is still the number it read, so a mark made while the round ran keeps the region queued.
    /// </summary>
    public long Marks { get; private set; }
}
