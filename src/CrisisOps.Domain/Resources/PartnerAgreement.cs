namespace CrisisOps.Domain.Resources;

/// <summary>A line as a request gives it: an item with a committed quantity, or a service described in text.</summary>
public sealed record AgreementLineDefinition(string? ItemCode, decimal? Quantity, string? Service);

/// <summary>One commitment of an agreement: goods (item + quantity, drawn down by activations) or a service.</summary>
public sealed class AgreementLine
{
    private AgreementLine() { }

    internal AgreementLine(Guid id, int number, string? itemCode, decimal? committed, string? service)
    {
        Id = id;
        Number = number;
        ItemCode = itemCode;
        Committed = committed;
        Service = service;
    }

    public Guid Id { get; private set; }

    public Guid AgreementId { get; private set; }

    /// <summary>1-based position in the agreement.</summary>
    public int Number { get; private set; }

    public string? ItemCode { get; private set; }

    /// <summary>Quantity the partner commits to deliver over the agreement's life, in the item's unit.</summary>
    public decimal? Committed { get; private set; }

    /// <summary>Quantity already called on by activations.</summary>
    public decimal Drawn { get; internal set; }

    /// <summary>A service line, e.g. "psychological aid, 10 counsellors".</summary>
    public string? Service { get; private set; }

    public decimal Remaining => (Committed ?? 0) - Drawn;
}

/// <summary>
/// An emergency cooperation agreement (应急协作协议) with a partner organisation: what it commits to
/// supply, how soon after activation, whom to call, and for how long. Activation (an order to the
/// partner) draws on the goods lines through <see cref="Draw"/>.
/// </summary>
public sealed class PartnerAgreement
{
    public const int MaxLines = 50;
    private readonly List<AgreementLine> _lines = [];

    private PartnerAgreement() { }

    /// <summary>Lines come with their item's Discrete flag; the caller has checked the item codes against the catalogue.</summary>
    /// <exception cref="DomainException">invalid-agreement.</exception>
    public PartnerAgreement(Guid id, string organisationCode, string title, IReadOnlyList<(AgreementLineDefinition Line, bool Discrete)> lines,
        int activationLeadMinutes, string? contacts, DateOnly validFrom, DateOnly validTo, string regionCode, string regionPath,
        DateTimeOffset now, string createdBy)
    {
        ArgumentNullException.ThrowIfNull(lines);
        Id = id;
        OrganisationCode = organisationCode;
        Title = ResourceText.Required(title, 200, "invalid-agreement", "agreement title");
        if (lines.Count is 0 or > MaxLines)
        {
            throw new DomainException("invalid-agreement", $"An agreement has 1–{MaxLines} lines.");
        }

        if (activationLeadMinutes is < 0 or > 10_080)
        {
            throw new DomainException("invalid-agreement", "The activation lead time is 0–10080 minutes (a week).");
        }

        if (validTo < validFrom)
        {
            throw new DomainException("invalid-agreement", "The agreement ends before it starts.");
        }

        var number = 0;
        foreach (var (line, discrete) in lines)
        {
            number++;
            _lines.Add(Line(line, discrete, number));
        }

        if (_lines.Where(l => l.ItemCode is not null).GroupBy(l => l.ItemCode).Any(g => g.Count() > 1))
        {
            throw new DomainException("invalid-agreement", "Each item appears on one line only.");
        }

        ActivationLeadMinutes = activationLeadMinutes;
        Contacts = ResourceText.Optional(contacts, 500, "invalid-agreement", "contacts");
        ValidFrom = validFrom;
        ValidTo = validTo;
        RegionCode = regionCode;
        RegionPath = regionPath;
        CreatedAt = now;
        CreatedBy = createdBy;
    }

    public Guid Id { get; private set; }

    public string OrganisationCode { get; private set; } = "";

    public string Title { get; private set; } = "";

    public IReadOnlyList<AgreementLine> Lines => _lines;

    /// <summary>How long after activation the partner starts delivering.</summary>
    public int ActivationLeadMinutes { get; private set; }

    /// <summary>Duty desks and telephones named in the agreement (organisational, not private data).</summary>
    public string? Contacts { get; private set; }

    public DateOnly ValidFrom { get; private set; }

    /// <summary>Last day the agreement holds.</summary>
    public DateOnly ValidTo { get; private set; }

    public string RegionCode { get; private set; } = "";

    public string RegionPath { get; private set; } = "";

    public DateTimeOffset CreatedAt { get; private set; }

    public string CreatedBy { get; private set; } = "";

    /// <summary>Concurrency token: two activations drawing on one line cannot both spend its remainder.</summary>
    public int Version { get; private set; }

    public bool IsValidOn(DateOnly day) => day >= ValidFrom && day <= ValidTo;

    /// <summary>
    /// Whether the agreement serves a place: a city-wide agreement serves a district's incident or need, and a
    /// district's agreement serves the part of a city-wide incident that lies in the district.
    /// </summary>
    public bool Serves(string regionPath) =>
        Regions.RegionPath.Covers(RegionPath, regionPath) || Regions.RegionPath.Covers(regionPath, RegionPath);

    /// <summary>Calls on <paramref name="quantity"/> of the item's committed quantity; returns the line.</summary>
    /// <exception cref="DomainException">invalid-quantity; not-in-agreement; agreement-not-valid (409); over-commitment (409).</exception>
    public AgreementLine Draw(string itemCode, decimal quantity, bool discrete, DateOnly today)
    {
        Quantity.Check(quantity, discrete, "quantity drawn");
        var line = _lines.FirstOrDefault(l => string.Equals(l.ItemCode, itemCode, StringComparison.Ordinal))
            ?? throw new DomainException("not-in-agreement", $"The agreement has no line for '{itemCode}'.");
        if (!IsValidOn(today))
        {
            throw DomainException.Conflict("agreement-not-valid", $"The agreement holds from {ValidFrom:yyyy-MM-dd} to {ValidTo:yyyy-MM-dd}.");
        }

        if (quantity > line.Remaining)
        {
            throw DomainException.Conflict("over-commitment", $"Only {line.Remaining} of '{itemCode}' remains committed; {quantity} asked.");
        }

        line.Drawn += quantity;
        Version++;
        return line;
    }

    private static AgreementLine Line(AgreementLineDefinition line, bool discrete, int number)
    {
        var service = string.IsNullOrWhiteSpace(line.Service) ? null : line.Service.Trim();
        if (line.ItemCode is null == (service is null))
        {
            throw new DomainException("invalid-agreement", $"Line {number} names either an item with a quantity or a service, not both or neither.");
        }

        if (service is not null)
        {
            return service.Length > 500 || line.Quantity is not null
                ? throw new DomainException("invalid-agreement", $"Line {number}: a service is at most 500 characters and has no quantity.")
                : new AgreementLine(Guid.CreateVersion7(), number, null, null, service);
        }

        if (line.Quantity is not { } quantity)
        {
            throw new DomainException("invalid-agreement", $"Line {number}: the quantity committed is required.");
        }

        if (Quantity.Problem(quantity, discrete) is { } problem)
        {
            throw new DomainException("invalid-agreement", $"Line {number}: the quantity committed {problem}.");
        }

        return new AgreementLine(Guid.CreateVersion7(), number, line.ItemCode, quantity, null);
    }
}
