namespace CrisisOps.Domain.Resources;

/// <summary>What one activation calls on: a quantity of an item committed under the agreement.</summary>
public sealed record AgreementDrawRequest(string ItemCode, decimal Quantity);

/// <summary>
/// One call on a partner agreement (启动应急协作协议) for an incident: what was drawn and the order to
/// the partner that carries it. The lines' drawn totals on the agreement move with it, in one save.
/// </summary>
public sealed class AgreementActivation
{
    public const int MaxWhatLength = Command.Order.MaxWhatLength;

    private AgreementActivation() { }

    public AgreementActivation(Guid id, PartnerAgreement agreement, Guid incidentId, Guid headquartersId, string what,
        IReadOnlyList<AgreementDrawRequest> draws, Guid? proposalId, DateTimeOffset now, string actor)
    {
        ArgumentNullException.ThrowIfNull(agreement);
        ArgumentNullException.ThrowIfNull(draws);
        Id = id;
        AgreementId = agreement.Id;
        OrganisationCode = agreement.OrganisationCode;
        IncidentId = incidentId;
        HeadquartersId = headquartersId;
        What = what;
        Draws = [.. draws.Select((d, i) => new AgreementDraw(id, i + 1, d.ItemCode, d.Quantity))];
        ProposalId = proposalId;
        ActivatedAt = now;
        ActivatedBy = actor;
    }

    public Guid Id { get; private set; }

    public Guid AgreementId { get; private set; }

    public string OrganisationCode { get; private set; } = "";

    public Guid IncidentId { get; private set; }

    public Guid HeadquartersId { get; private set; }

    /// <summary>What the partner is asked to do, as the order says it.</summary>
    public string What { get; private set; } = "";

    public List<AgreementDraw> Draws { get; private set; } = [];

    /// <summary>The order to the partner's unit.</summary>
    public Guid? OrderId { get; private set; }

    /// <summary>The matching proposal that led to it, when one did.</summary>
    public Guid? ProposalId { get; private set; }

    public DateTimeOffset ActivatedAt { get; private set; }

    public string ActivatedBy { get; private set; } = "";

    public void CarriedBy(Guid orderId) => OrderId = orderId;
}

/// <summary>One item drawn by an activation.</summary>
public sealed class AgreementDraw
{
    private AgreementDraw() { }

    internal AgreementDraw(Guid activationId, int number, string itemCode, decimal quantity)
    {
        ActivationId = activationId;
        Number = number;
        ItemCode = itemCode;
        Quantity = quantity;
    }

    public Guid ActivationId { get; private set; }

    public int Number { get; private set; }

    public string ItemCode { get; private set; } = "";

    public decimal Quantity { get; private set; }
}
