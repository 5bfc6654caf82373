using CrisisOps.Domain.Resources;

namespace CrisisOps.Domain.Dispatch;

/// <summary>Where goods for a need can come from: our own stock in a warehouse, or a partner's agreement.</summary>
public enum SupplyKind
{
    /// <summary>Stock on hand in one of our warehouses (on hand − reserved, unexpired).</summary>
    Stock = 1,

    /// <summary>Quantity a partner has committed under an agreement (应急协作协议), delivered after its activation lead time.</summary>
    Agreement = 2,
}

/// <summary>
/// One place that could supply the need: how much it can give, how long it takes to start (an
/// agreement's activation lead time; zero for our stock) and to travel to the need. The reference
/// is the warehouse code or agreement id, as the caller will act on it.
/// </summary>
public sealed record SupplySource(SupplyKind Kind, string Reference, string Name, decimal Available, TimeSpan LeadTime, TimeSpan Travel,
    double DistanceKm)
{
    /// <summary>From the decision to goods at the need: lead time plus travel.</summary>
    public TimeSpan Arrival => LeadTime + Travel;
}

/// <summary>A part of the need given to one source, with when it would arrive and whether that is after the need's deadline.</summary>
public sealed record ProposalLine(SupplySource Source, decimal Quantity, TimeSpan Arrival, bool Late);

/// <summary>What matching proposes: the lines, how much they cover, and what nothing can supply.</summary>
public sealed record MatchResult(IReadOnlyList<ProposalLine> Lines, decimal Wanted, decimal Proposed, decimal Shortfall)
{
    /// <summary>Every line arrives by the need's deadline and nothing is short.</summary>
    public bool MeetsDeadline => Shortfall == 0 && Lines.All(l => !l.Late);
}

/// <summary>
/// Proposes how to cover a need from the pool and the agreements: the sources that arrive earliest
/// first, each giving what it has until the need is covered. At equal arrival our own stock goes
/// before an agreement (stock is there to be used; an agreement costs the partner an activation),
/// then the source that can give more (fewer deliveries). A source arriving after the deadline is
/// still proposed — late help beats none — but marked late; what nothing can supply is the shortfall.
/// </summary>
public static class NeedMatching
{
    /// <param name="wanted">The quantity still to cover (the need's remaining quantity).</param>
    /// <param name="discrete">Whole units only: a source with 12.5 parcels available gives 12.</param>
    /// <param name="timeLeft">Time from now to the need's deadline; null when it has none.</param>
    /// <param name="sources">Every source that has the item.</param>
    /// <exception cref="DomainException">invalid-quantity when <paramref name="wanted"/> breaks the quantity rules.</exception>
    public static MatchResult Propose(decimal wanted, bool discrete, TimeSpan? timeLeft, IEnumerable<SupplySource> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        Quantity.Check(wanted, discrete, "quantity to cover");
        var ordered = sources
            .Where(s => Usable(s, discrete) > 0)
            .OrderBy(s => s.Arrival)
            .ThenBy(s => s.Kind)
            .ThenByDescending(s => s.Available)
            .ThenBy(s => s.Reference, StringComparer.Ordinal);

        var lines = new List<ProposalLine>();
        var left = wanted;
        foreach (var source in ordered)
        {
            if (left <= 0)
            {
                break;
            }

            var take = Math.Min(left, Usable(source, discrete));
            lines.Add(new ProposalLine(source, take, source.Arrival, timeLeft is { } limit && source.Arrival > limit));
            left -= take;
        }

        return new MatchResult(lines, wanted, wanted - left, left);
    }

    private static decimal Usable(SupplySource source, bool discrete) =>
        discrete ? decimal.Floor(Math.Max(source.Available, 0)) : Math.Max(source.Available, 0);
}
