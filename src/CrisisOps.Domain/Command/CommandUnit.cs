namespace CrisisOps.Domain.Command;

/// <summary>What a unit of a headquarters is.</summary>
public enum UnitKind
{
    /// <summary>A member department's team (成员单位); its department liaisons act for it.</summary>
    DepartmentTeam = 1,

    /// <summary>突击队: a task force put together for one job.</summary>
    TaskForce,

    /// <summary>A team on the ground (一线队伍).</summary>
    FrontlineTeam,

    /// <summary>A site (a shelter, a testing point) and the people running it.</summary>
    Site,

    /// <summary>A community information officer (社区信息员).</summary>
    CommunityOfficer,

    /// <summary>A partner organisation: every partner member of it acts for the unit.</summary>
    Partner,
}

/// <summary>
/// A unit of a headquarters that takes orders: a department team, a task force or a front-line node.
/// Who acts for it: its named members; for a department team also the liaisons of its department
/// over the incident's region; for a partner unit every member of its organisation.
/// </summary>
public sealed class CommandUnit
{
    public const int MaxNameLength = 100;
    public const int MaxMembers = 50;

    private CommandUnit() { }

    /// <exception cref="DomainException">invalid-unit for a bad name, a department team without a known department, a partner unit without an organisation.</exception>
    public CommandUnit(Guid id, Guid headquartersId, Guid incidentId, string name, UnitKind kind, string? department, string? regionCode,
        string? siteCode, string? organisation, DateTimeOffset now, string createdBy)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > MaxNameLength)
        {
            throw new DomainException("invalid-unit", $"A unit needs a name of 1–{MaxNameLength} characters.");
        }

        if (!Enum.IsDefined(kind))
        {
            throw new DomainException("invalid-unit", "Unknown unit kind.");
        }

        if (department is not null && !Departments.IsKnown(department))
        {
            throw new DomainException("invalid-unit", $"Unknown department '{department}'.");
        }

        if (kind == UnitKind.DepartmentTeam && department is null)
        {
            throw new DomainException("invalid-unit", "A department team names its department.");
        }

        if ((kind == UnitKind.Partner) != (organisation is not null))
        {
            throw new DomainException("invalid-unit", "A partner unit, and only a partner unit, names an organisation.");
        }

        Id = id;
        HeadquartersId = headquartersId;
        IncidentId = incidentId;
        Name = name.Trim();
        Kind = kind;
        Department = department;
        RegionCode = regionCode;
        SiteCode = siteCode;
        Organisation = organisation;
        CreatedAt = now;
        CreatedBy = createdBy;
    }

    public Guid Id { get; private set; }

    public Guid HeadquartersId { get; private set; }

    public Guid IncidentId { get; private set; }

    public string Name { get; private set; } = "";

    public UnitKind Kind { get; private set; }

    /// <summary>Department code (<see cref="Departments"/>) of a department team.</summary>
    public string? Department { get; private set; }

    /// <summary>Where a front-line node works, when it is a place.</summary>
    public string? RegionCode { get; private set; }

    public string? SiteCode { get; private set; }

    /// <summary>Organisation code of a partner unit.</summary>
    public string? Organisation { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public string CreatedBy { get; private set; } = "";

    public List<UnitMember> Members { get; private set; } = [];

    /// <summary>Adds a person by user name; adding someone already there changes nothing and says so.</summary>
    /// <exception cref="DomainException">unit-full past <see cref="MaxMembers"/>.</exception>
    public bool AddMember(string userName, DateTimeOffset now, string addedBy)
    {
        if (Members.Any(m => m.UserName == userName))
        {
            return false;
        }

        if (Members.Count >= MaxMembers)
        {
            throw DomainException.Conflict("unit-full", $"A unit has at most {MaxMembers} named members.");
        }

        Members.Add(new UnitMember(Id, userName, now, addedBy));
        return true;
    }

    /// <exception cref="DomainException">not-a-member (409) when the person is not named in the unit.</exception>
    public void RemoveMember(string userName)
    {
        var member = Members.SingleOrDefault(m => m.UserName == userName)
            ?? throw DomainException.Conflict("not-a-member", $"'{userName}' is not a member of unit '{Name}'.");
        Members.Remove(member);
    }

    public bool IsNamedMember(string userName) => Members.Any(m => m.UserName == userName);
}

/// <summary>A person named as acting for a unit.</summary>
public sealed class UnitMember
{
    private UnitMember() { }

    public UnitMember(Guid unitId, string userName, DateTimeOffset now, string addedBy)
    {
        UnitId = unitId;
        UserName = userName;
        AddedAt = now;
        AddedBy = addedBy;
    }

    public Guid UnitId { get; private set; }

    public string UserName { get; private set; } = "";

    public DateTimeOffset AddedAt { get; private set; }

    public string AddedBy { get; private set; } = "";
}
