using System.Globalization;

namespace CrisisOps.Domain.Needs;

public enum ClaimStatus
{
    /// <summary>Promised, not yet delivered.</summary>
    Active = 1,

    /// <summary>The organisation says it delivered; the receiver has not confirmed yet.</summary>
    Delivered,

    /// <summary>The receiver confirmed what arrived.</summary>
    Received,

    /// <summary>The organisation took it back.</summary>
    Withdrawn,

    /// <summary>The promised time passed undelivered.</summary>
    Expired,

    /// <summary>The need was cancelled while the claim was open.</summary>
    Released,
}

/// <summary>
/// Where a claim came from when headquarters, not an organisation on the board, made it: an accepted
/// matching proposal that sends goods from one of our warehouses (<paramref name="Warehouse"/> set) or
/// draws on a partner's agreement. <paramref name="OrderId"/> is the order that carries the delivery.
/// </summary>
public sealed record ClaimOrigin(string SourceType, Guid SourceId, string? Warehouse, Guid? OrderId);

/// <summary>
/// A commitment to deliver part or all of a need by a promised time (认领): an organisation's claim on the
/// board, or headquarters' allocation from the pool or an agreement (<see cref="ClaimOrigin"/>). Created
/// only by <see cref="Need.Claim"/>, and changed only through the need, which keeps the totals in step.
/// </summary>
public sealed class NeedClaim
{
    private NeedClaim() { }

    internal NeedClaim(Guid id, Need need, string organisation, decimal quantity, DateTimeOffset promisedBy, string actor, DateTimeOffset now,
        ClaimOrigin? origin = null)
    {
        Id = id;
        NeedId = need.Id;
        Organisation = organisation;
        Warehouse = origin?.Warehouse;
        SourceType = origin?.SourceType;
        SourceId = origin?.SourceId;
        OrderId = origin?.OrderId;
        Quantity = quantity;
        PromisedBy = promisedBy;
        ClaimedBy = actor;
        ClaimedAt = now;
        Status = ClaimStatus.Active;
    }

    public Guid Id { get; private set; }

    public Guid NeedId { get; private set; }

    /// <summary>Code of the claiming organisation; empty when the goods come from our own warehouse.</summary>
    public string Organisation { get; private set; } = "";

    /// <summary>The warehouse the goods come from, for an allocation from our stock.</summary>
    public string? Warehouse { get; private set; }

    /// <summary>What made the claim when headquarters did (e.g. <c>stock-reservation</c>, <c>agreement-activation</c>).</summary>
    public string? SourceType { get; private set; }

    public Guid? SourceId { get; private set; }

    /// <summary>The order that carries the delivery, for an allocation by headquarters.</summary>
    public Guid? OrderId { get; private set; }

    /// <summary>Made by headquarters from a matching proposal rather than claimed on the board.</summary>
    public bool IsAllocation => SourceType is not null;

    public decimal Quantity { get; private set; }

    public DateTimeOffset PromisedBy { get; private set; }

    public ClaimStatus Status { get; private set; }

    public string ClaimedBy { get; private set; } = "";

    public DateTimeOffset ClaimedAt { get; private set; }

    public DateTimeOffset? DeliveredAt { get; private set; }

    public string? DeliveredBy { get; private set; }

    public decimal? ReceivedQuantity { get; private set; }

    public DateTimeOffset? ReceivedAt { get; private set; }

    public string? ReceivedBy { get; private set; }

    /// <summary>When it was withdrawn, expired or released.</summary>
    public DateTimeOffset? EndedAt { get; private set; }

    /// <summary>Counts toward the need's committed total: active, or delivered and awaiting a receipt.</summary>
    public bool IsOpen => Status is ClaimStatus.Active or ClaimStatus.Delivered;

    /// <summary>The organisation says the goods are there. Totals do not move until the receiver confirms.</summary>
    /// <exception cref="DomainException">claim-not-active (409).</exception>
    public void MarkDelivered(string actor, DateTimeOffset now)
    {
        if (Status != ClaimStatus.Active)
        {
            throw DomainException.Conflict("claim-not-active", $"The claim is {Name(Status)}; only an active claim can be marked delivered.");
        }

        Status = ClaimStatus.Delivered;
        DeliveredAt = now;
        DeliveredBy = actor;
    }

    internal void Confirm(decimal received, bool discrete, string actor, DateTimeOffset now)
    {
        if (Status == ClaimStatus.Received)
        {
            throw DomainException.Conflict("receipt-already-confirmed",
                string.Create(CultureInfo.InvariantCulture, $"{ReceivedBy} already confirmed {ReceivedQuantity:0.###} received at {ReceivedAt:u}."));
        }

        if (!IsOpen)
        {
            throw DomainException.Conflict("claim-not-active", $"The claim is {Name(Status)}: there is nothing to receive.");
        }

        // Zero is a true answer (nothing arrived): the whole claim returns to the board.
        if (received != 0)
        {
            Resources.Quantity.Check(received, discrete, "quantity received");
        }

        if (received > Quantity)
        {
            throw new DomainException("receipt-exceeds-claim",
                string.Create(CultureInfo.InvariantCulture, $"The claim was for {Quantity:0.###}; a receipt cannot confirm more."));
        }

        // Goods that arrive prove delivery even if the organisation never said so.
        DeliveredAt ??= now;
        Status = ClaimStatus.Received;
        ReceivedQuantity = received;
        ReceivedAt = now;
        ReceivedBy = actor;
    }

    internal void End(ClaimStatus status, DateTimeOffset now)
    {
        var allowed = status == ClaimStatus.Released ? IsOpen : Status == ClaimStatus.Active;
        if (!allowed)
        {
            throw DomainException.Conflict("claim-not-active", $"The claim is {Name(Status)}; it cannot become {Name(status)}.");
        }

        Status = status;
        EndedAt = now;
    }

    public static string Name(ClaimStatus status) => status.ToString().ToLowerInvariant();
}
