namespace CrisisOps.Domain.Dispatch;

public enum ProposalStatus
{
    /// <summary>Shown to headquarters, not yet acted on.</summary>
    Proposed = 1,

    /// <summary>Accepted: its reservations, agreement draws, orders and allocations exist.</summary>
    Accepted,

    /// <summary>A newer proposal for the same need replaced it.</summary>
    Superseded,
}

/// <summary>
/// A stored proposal for covering a need (<see cref="NeedMatching"/>): kept so that headquarters accepts
/// exactly what it saw, and so the review can see what was proposed and what was done.
/// </summary>
public sealed class MatchProposal
{
    private MatchProposal() { }

    public MatchProposal(Guid id, Guid needId, string needNumber, string itemCode, string regionCode, string regionPath, Guid? incidentId,
        MatchResult result, DateTimeOffset now, string actor)
    {
        ArgumentNullException.ThrowIfNull(result);
        Id = id;
        NeedId = needId;
        NeedNumber = needNumber;
        ItemCode = itemCode;
        RegionCode = regionCode;
        RegionPath = regionPath;
        IncidentId = incidentId;
        Wanted = result.Wanted;
        Proposed = result.Proposed;
        Shortfall = result.Shortfall;
        Lines = [.. result.Lines.Select((l, i) => new MatchProposalLine(id, i + 1, l))];
        Status = ProposalStatus.Proposed;
        CreatedAt = now;
        CreatedBy = actor;
    }

    public Guid Id { get; private set; }

    public Guid NeedId { get; private set; }

    public string NeedNumber { get; private set; } = "";

    public string ItemCode { get; private set; } = "";

    public string RegionCode { get; private set; } = "";

    public string RegionPath { get; private set; } = "";

    public Guid? IncidentId { get; private set; }

    public decimal Wanted { get; private set; }

    public decimal Proposed { get; private set; }

    public decimal Shortfall { get; private set; }

    public List<MatchProposalLine> Lines { get; private set; } = [];

    public ProposalStatus Status { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public string CreatedBy { get; private set; } = "";

    public DateTimeOffset? AcceptedAt { get; private set; }

    public string? AcceptedBy { get; private set; }

    /// <summary>Concurrency token: two people accepting the same proposal at once cannot both succeed.</summary>
    public int Version { get; private set; }

    /// <exception cref="DomainException">proposal-not-open (409).</exception>
    public void Accept(DateTimeOffset now, string actor)
    {
        EnsureProposed();
        Status = ProposalStatus.Accepted;
        AcceptedAt = now;
        AcceptedBy = actor;
        Version++;
    }

    /// <exception cref="DomainException">proposal-not-open (409).</exception>
    public void Supersede()
    {
        EnsureProposed();
        Status = ProposalStatus.Superseded;
        Version++;
    }

    private void EnsureProposed()
    {
        if (Status != ProposalStatus.Proposed)
        {
            throw DomainException.Conflict("proposal-not-open", $"The proposal is {Status.ToString().ToLowerInvariant()}; ask for a new one.");
        }
    }
}

/// <summary>One source in a stored proposal, and once accepted what was done for it.</summary>
public sealed class MatchProposalLine
{
    private MatchProposalLine() { }

    internal MatchProposalLine(Guid proposalId, int number, ProposalLine line)
    {
        ProposalId = proposalId;
        Number = number;
        Kind = line.Source.Kind;
        Reference = line.Source.Reference;
        SourceName = line.Source.Name;
        Quantity = line.Quantity;
        LeadMinutes = Math.Round(line.Source.LeadTime.TotalMinutes, 1);
        ArrivalMinutes = Math.Round(line.Arrival.TotalMinutes, 1);
        DistanceKm = Math.Round(line.Source.DistanceKm, 2);
        Late = line.Late;
    }

    public Guid ProposalId { get; private set; }

    public int Number { get; private set; }

    public SupplyKind Kind { get; private set; }

    /// <summary>Warehouse code or agreement id.</summary>
    public string Reference { get; private set; } = "";

    public string SourceName { get; private set; } = "";

    public decimal Quantity { get; private set; }

    public double LeadMinutes { get; private set; }

    public double ArrivalMinutes { get; private set; }

    public double DistanceKm { get; private set; }

    public bool Late { get; private set; }

    /// <summary>The reservation made for a stock line, once accepted.</summary>
    public Guid? ReservationId { get; private set; }

    /// <summary>The agreement activation made for an agreement line, once accepted.</summary>
    public Guid? ActivationId { get; private set; }

    public Guid? OrderId { get; private set; }

    public Guid? ClaimId { get; private set; }

    public void Carried(Guid? reservationId, Guid? activationId, Guid orderId, Guid claimId)
    {
        ReservationId = reservationId;
        ActivationId = activationId;
        OrderId = orderId;
        ClaimId = claimId;
    }
}
