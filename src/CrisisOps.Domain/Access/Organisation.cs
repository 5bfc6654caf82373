namespace CrisisOps.Domain.Access;

/// <summary>The kinds of partner the mission names (多元协同): what each may do is in <see cref="OrganisationRoles"/>.</summary>
public enum OrganisationKind
{
    /// <summary>企业: utilities that keep supply going, suppliers under agreement (a pharmacy chain holding masks).</summary>
    Enterprise = 1,

    /// <summary>社会组织: NGOs — distribution, psychological aid, volunteers.</summary>
    Ngo = 2,

    /// <summary>公众: residents' groups and volunteers who report and protect themselves; they see needs but do not claim them.</summary>
    Public = 3,
}

/// <summary>
/// A partner enterprise, NGO or public group. Its members sign in with the <see cref="Role.PartnerMember"/>
/// role naming it; its kind decides, through <see cref="OrganisationRoles"/>, which of that role's
/// permissions they hold.
/// </summary>
public sealed class Organisation
{
    public const int MaxNameLength = 200;

    private Organisation() { }

    /// <exception cref="DomainException">invalid-organisation for a bad code or name.</exception>
    public Organisation(Guid id, string code, string name, OrganisationKind kind, string regionCode, string regionPath, string? contact,
        DateTimeOffset now, string createdBy)
    {
        if (!IsValidCode(code))
        {
            throw new DomainException("invalid-organisation", "An organisation code has 2–64 characters: lower-case letters, digits and '-'.");
        }

        if (string.IsNullOrWhiteSpace(name) || name.Length > MaxNameLength)
        {
            throw new DomainException("invalid-organisation", $"An organisation needs a name of 1–{MaxNameLength} characters.");
        }

        if (!Enum.IsDefined(kind))
        {
            throw new DomainException("invalid-organisation", "Unknown organisation kind.");
        }

        Id = id;
        Code = code;
        Name = name.Trim();
        Kind = kind;
        RegionCode = regionCode;
        RegionPath = regionPath;
        Contact = string.IsNullOrWhiteSpace(contact) ? null : contact.Trim();
        CreatedAt = now;
        CreatedBy = createdBy;
    }

    public Guid Id { get; private set; }

    /// <summary>Stable reference used by grants, agreements and claims, e.g. <c>kangjian-pharmacy</c>.</summary>
    public string Code { get; private set; } = "";

    public string Name { get; private set; } = "";

    public OrganisationKind Kind { get; private set; }

    /// <summary>Where it works: the needs board shows it the needs in this subtree.</summary>
    public string RegionCode { get; private set; } = "";

    public string RegionPath { get; private set; } = "";

    /// <summary>The organisation's duty contact (a desk, not a private person's data).</summary>
    public string? Contact { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public string CreatedBy { get; private set; } = "";

    public static bool IsValidCode(string? code) =>
        code is { Length: >= 2 and <= 64 } && code.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-')
        && code[0] != '-' && code[^1] != '-';
}

/// <summary>
/// The roles list (角色清单): what members of each kind of organisation may see and do. A partner
/// member holds the permissions of <see cref="Role.PartnerMember"/> that their organisation's kind
/// allows; <see cref="Grant.Allows"/> applies it on every check.
/// </summary>
public static class OrganisationRoles
{
    private static readonly Dictionary<OrganisationKind, HashSet<Permission>> Table = new()
    {
        // Enterprises keep supply going and deliver what they commit to, by agreement or by claim.
        [OrganisationKind.Enterprise] = [Permission.ReadRegions, Permission.ReportIncident, Permission.ReadNeeds, Permission.ClaimNeeds,
            Permission.ActOnOrders],

        // NGOs distribute, give psychological aid and field volunteers: the same duties on the board and in orders,
        // and their volunteers take sign-language and door-to-door tasks of a warning's delivery.
        [OrganisationKind.Ngo] = [Permission.ReadRegions, Permission.ReportIncident, Permission.ReadNeeds, Permission.ClaimNeeds,
            Permission.ActOnOrders, Permission.ConfirmDeliveryTasks],

        // The public reports what it sees and follows the board; it does not commit supplies.
        [OrganisationKind.Public] = [Permission.ReadRegions, Permission.ReportIncident, Permission.ReadNeeds],
    };

    public static bool Allows(this OrganisationKind kind, Permission permission) =>
        Table.TryGetValue(kind, out var set) && set.Contains(permission);

    /// <summary>The list as shown to people: each kind with what it may do.</summary>
    public static IReadOnlyList<(OrganisationKind Kind, IReadOnlyList<Permission> Permissions)> List() =>
        [.. Table.Select(e => (e.Key, (IReadOnlyList<Permission>)[.. e.Value.Order()]))];

    public static string Name(this OrganisationKind kind) => kind switch
    {
        OrganisationKind.Enterprise => "enterprise",
        OrganisationKind.Ngo => "ngo",
        OrganisationKind.Public => "public",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static bool TryParse(string? name, out OrganisationKind kind)
    {
        foreach (var candidate in Enum.GetValues<OrganisationKind>())
        {
            if (string.Equals(candidate.Name(), name, StringComparison.Ordinal))
            {
                kind = candidate;
                return true;
            }
        }

        kind = default;
        return false;
    }
}
