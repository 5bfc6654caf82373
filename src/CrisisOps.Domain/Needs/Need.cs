using System.Globalization;
using CrisisOps.Domain.Resources;

namespace CrisisOps.Domain.Needs;

public enum NeedPriority
{
    Urgent = 1,
    High,
    Normal,
    Low,
}

public enum NeedStatus
{
    /// <summary>On the board: organisations may claim what remains.</summary>
    Open = 1,

    /// <summary>Confirmed receipts cover the quantity.</summary>
    Closed,

    /// <summary>Withdrawn by its publisher, with a reason.</summary>
    Cancelled,
}

/// <summary>Who asks: a headquarters (指挥部) for its incident, or a community (社区) for itself.</summary>
public enum NeedPublisherKind
{
    Hq = 1,
    Community,
}

/// <summary>What a need asks for, as its publisher states it.</summary>
public sealed record NeedRequest(
    string What,
    string? ItemCode,
    decimal Quantity,
    string Unit,
    bool Discrete,
    NeedPriority Priority,
    DateTimeOffset NeededBy,
    NeedPublisherKind PublisherKind,
    Guid? IncidentId,
    string? SiteCode);

/// <summary>
/// A need on the board (需求发布): goods or help a headquarters or community asks for, which partner
/// organisations claim in parts. The need keeps the running totals of its claims so that one row, guarded
/// by <see cref="Version"/>, decides whether a claim still fits: <see cref="Committed"/> counts claims
/// active or delivered but not yet confirmed, <see cref="Received"/> what receipts confirmed. A claim is
/// refused when it is more than <see cref="Remaining"/>, so concurrent claims never over-commit.
/// </summary>
public sealed class Need
{
    public const int MaxWhatLength = 200;
    public const int MaxUnitLength = 20;
    public const int MaxReasonLength = 500;

    /// <summary>A claim promised further ahead than this is a placeholder, not a commitment.</summary>
    public static readonly TimeSpan MaxPromiseAhead = TimeSpan.FromDays(30);

    /// <summary>A need wanted further ahead than this is planning, not an emergency need.</summary>
    public static readonly TimeSpan MaxNeededByAhead = TimeSpan.FromDays(90);

    private Need() { }

    /// <exception cref="DomainException">invalid-need, invalid-quantity.</exception>
    public Need(Guid id, NeedRequest request, string regionCode, string regionPath, string publisher, bool isExercise, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.What) || request.What.Trim().Length > MaxWhatLength)
        {
            throw new DomainException("invalid-need", $"Say what is needed in 1–{MaxWhatLength} characters.");
        }

        if (request.ItemCode is not null && !IsValidItemCode(request.ItemCode))
        {
            throw new DomainException("invalid-need", "An item code has 2–64 characters: lower-case letters, digits, '-' and '.'.");
        }

        if (string.IsNullOrWhiteSpace(request.Unit) || request.Unit.Trim().Length > MaxUnitLength)
        {
            throw new DomainException("invalid-need", $"Name the unit in 1–{MaxUnitLength} characters.");
        }

        if (request.NeededBy <= now || request.NeededBy > now + MaxNeededByAhead)
        {
            throw new DomainException("invalid-need", "The time it is needed by must be in the future, within 90 days.");
        }

        if (request.PublisherKind == NeedPublisherKind.Hq && request.IncidentId is null)
        {
            throw new DomainException("invalid-need", "A headquarters publishes a need for an incident: name it.");
        }

        Id = id;
        // Eight random hex digits of the id: a headquarters publishes dozens of needs within a second, and four
        // (as incidents use) would collide within a bulk publication.
        Number = string.Create(CultureInfo.InvariantCulture, $"NEED-{now.UtcDateTime:yyyyMMdd-HHmmss}-{id.ToString("N")[^8..].ToUpperInvariant()}");
        What = request.What.Trim();
        ItemCode = request.ItemCode;
        Quantity = Resources.Quantity.Check(request.Quantity, request.Discrete, "quantity needed");
        Unit = request.Unit.Trim();
        Discrete = request.Discrete;
        Priority = request.Priority;
        NeededBy = request.NeededBy;
        PublisherKind = request.PublisherKind;
        IncidentId = request.IncidentId;
        SiteCode = request.SiteCode;
        RegionCode = regionCode;
        RegionPath = regionPath;
        PublishedBy = publisher;
        PublishedAt = now;
        IsExercise = isExercise;
        Status = NeedStatus.Open;
    }

    public Guid Id { get; private set; }

    /// <summary>Human reference, e.g. <c>NEED-20260712-080000-1A2B3C4D</c>.</summary>
    public string Number { get; private set; } = "";

    public string What { get; private set; } = "";

    /// <summary>Catalogue code of the item, when the need is for a catalogued item (format checked only).</summary>
    public string? ItemCode { get; private set; }

    public decimal Quantity { get; private set; }

    public string Unit { get; private set; } = "";

    /// <summary>Whole units only (tents, parcels): claims and receipts must be whole numbers too.</summary>
    public bool Discrete { get; private set; }

    public NeedPriority Priority { get; private set; }

    public DateTimeOffset NeededBy { get; private set; }

    public NeedPublisherKind PublisherKind { get; private set; }

    public Guid? IncidentId { get; private set; }

    public string? SiteCode { get; private set; }

    public string RegionCode { get; private set; } = "";

    public string RegionPath { get; private set; } = "";

    public string PublishedBy { get; private set; } = "";

    public DateTimeOffset PublishedAt { get; private set; }

    public bool IsExercise { get; private set; }

    public NeedStatus Status { get; private set; }

    /// <summary>Claimed and not yet confirmed: active claims plus delivered ones awaiting a receipt.</summary>
    public decimal Committed { get; private set; }

    /// <summary>What confirmed receipts add up to.</summary>
    public decimal Received { get; private set; }

    /// <summary>What organisations may still claim.</summary>
    public decimal Remaining => Math.Max(0, Quantity - Committed - Received);

    public DateTimeOffset? ClosedAt { get; private set; }

    public string? CancelReason { get; private set; }

    /// <summary>Concurrency token: every change to the totals saves only if nobody changed the row since it was read.</summary>
    public int Version { get; private set; }

    public static bool IsValidItemCode(string? code) =>
        code is { Length: >= 2 and <= 64 } && code.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '.')
        && char.IsAsciiLetterOrDigit(code[0]) && char.IsAsciiLetterOrDigit(code[^1]);

    /// <summary>
    /// An organisation commits to deliver <paramref name="quantity"/> by <paramref name="promisedBy"/>; with an
    /// <paramref name="origin"/>, headquarters allocates from the pool or an agreement (an accepted proposal).
    /// </summary>
    /// <exception cref="DomainException">invalid-quantity, invalid-promise (422); need-not-open, claim-exceeds-remaining (409).</exception>
    public NeedClaim Claim(Guid claimId, string organisation, decimal quantity, DateTimeOffset promisedBy, string actor, DateTimeOffset now,
        ClaimOrigin? origin = null)
    {
        EnsureOpen();
        Resources.Quantity.Check(quantity, Discrete, "quantity claimed");
        if (promisedBy <= now || promisedBy > now + MaxPromiseAhead)
        {
            throw new DomainException("invalid-promise", "Promise delivery at a time in the future, within 30 days.");
        }

        if (quantity > Remaining)
        {
            throw DomainException.Conflict("claim-exceeds-remaining",
                string.Create(CultureInfo.InvariantCulture, $"Only {Remaining:0.###} {Unit} remain to be claimed on {Number}."));
        }

        Committed += quantity;
        Version++;
        return new NeedClaim(claimId, this, organisation, quantity, promisedBy, actor, now, origin);
    }

    /// <summary>The organisation takes its claim back: the quantity returns to the board.</summary>
    /// <exception cref="DomainException">claim-not-active, claim-is-allocation (409).</exception>
    public void Withdraw(NeedClaim claim, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(claim);
        if (claim.IsAllocation)
        {
            // An allocation is carried by an order: the partner refuses the order (cannot-do) and headquarters re-plans.
            throw DomainException.Conflict("claim-is-allocation",
                "Headquarters allocated this quantity by an order; refuse the order instead of withdrawing the claim.");
        }

        claim.End(ClaimStatus.Withdrawn, now);
        Committed -= claim.Quantity;
        Version++;
    }

    /// <summary>The promised time passed undelivered: the claim lapses and its quantity returns to the board.</summary>
    /// <exception cref="DomainException">claim-not-active (409).</exception>
    public void Expire(NeedClaim claim, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(claim);
        claim.End(ClaimStatus.Expired, now);
        Committed -= claim.Quantity;
        Version++;
    }

    /// <summary>
    /// The receiving community or headquarters confirms what arrived. Less than claimed returns the
    /// shortfall to the board; the need closes when receipts cover its quantity. Returns true when it closed.
    /// </summary>
    /// <exception cref="DomainException">invalid-quantity, receipt-exceeds-claim (422); receipt-already-confirmed, claim-not-active (409).</exception>
    public bool ConfirmReceipt(NeedClaim claim, decimal received, string actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(claim);
        claim.Confirm(received, Discrete, actor, now);
        Committed -= claim.Quantity;
        Received += received;
        Version++;
        if (Status == NeedStatus.Open && Received >= Quantity)
        {
            Status = NeedStatus.Closed;
            ClosedAt = now;
            return true;
        }

        return false;
    }

    /// <summary>The publisher withdraws the need; claims still open on it are released.</summary>
    /// <exception cref="DomainException">invalid-reason (422); need-not-open (409).</exception>
    public void Cancel(string? reason, IEnumerable<NeedClaim> openClaims, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(openClaims);
        EnsureOpen();
        if (string.IsNullOrWhiteSpace(reason) || reason.Trim().Length > MaxReasonLength)
        {
            throw new DomainException("invalid-reason", $"Say why the need is cancelled, in 1–{MaxReasonLength} characters.");
        }

        foreach (var claim in openClaims)
        {
            claim.End(ClaimStatus.Released, now);
            Committed -= claim.Quantity;
        }

        Status = NeedStatus.Cancelled;
        CancelReason = reason.Trim();
        ClosedAt = now;
        Version++;
    }

    private void EnsureOpen()
    {
        if (Status != NeedStatus.Open)
        {
            throw DomainException.Conflict("need-not-open", $"Need {Number} is {Status.ToString().ToLowerInvariant()}.");
        }
    }
}
