using CrisisOps.Domain.Regions;

namespace CrisisOps.Domain.Resources;

/// <summary>Whether a team or piece of equipment can be sent now.</summary>
public enum ReadinessStatus
{
    Available = 1,
    Deployed = 2,

    /// <summary>Teams: off duty. Equipment: in maintenance.</summary>
    OffDuty = 3,
    Maintenance = 4,
}

/// <summary>A rescue, medical, volunteer or engineering team (队伍) that can be sent as a whole.</summary>
public sealed class Team
{
    private Team() { }

    /// <exception cref="DomainException">invalid-team.</exception>
    public Team(Guid id, string name, string kind, IEnumerable<string>? skills, int size, Placement placement, DateTimeOffset now, string createdBy)
    {
        ArgumentNullException.ThrowIfNull(placement);
        Id = id;
        Name = ResourceText.Required(name, 200, "invalid-team", "team name");
        Kind = Item.IsValidCode(kind) ? kind : throw new DomainException("invalid-team", "A team kind is kebab-case, e.g. rescue, medical, volunteer.");
        Skills = [.. ResourceText.Words(skills, "invalid-team", "skills")];
        Size = size is >= 1 and <= 10_000 ? size : throw new DomainException("invalid-team", "A team has 1–10000 members.");
        Status = ReadinessStatus.Available;
        RegionCode = placement.RegionCode;
        RegionPath = placement.RegionPath;
        Latitude = placement.Location?.Latitude;
        Longitude = placement.Location?.Longitude;
        CreatedAt = now;
        CreatedBy = createdBy;
    }

    public Guid Id { get; private set; }

    public string Name { get; private set; } = "";

    /// <summary>rescue, medical, volunteer, engineering, …</summary>
    public string Kind { get; private set; } = "";

    public List<string> Skills { get; private set; } = [];

    public int Size { get; private set; }

    public ReadinessStatus Status { get; private set; }

    public string RegionCode { get; private set; } = "";

    public string RegionPath { get; private set; } = "";

    public double? Latitude { get; private set; }

    public double? Longitude { get; private set; }

    public GeoPoint? Location => Latitude is { } lat && Longitude is { } lon ? new GeoPoint(lat, lon) : null;

    public DateTimeOffset CreatedAt { get; private set; }

    public string CreatedBy { get; private set; } = "";

    /// <summary>Moves the team to another state; returns the one it left.</summary>
    /// <exception cref="DomainException">invalid-status for maintenance (equipment only); unchanged-status (409).</exception>
    public ReadinessStatus ChangeStatus(ReadinessStatus status)
    {
        if (status is not (ReadinessStatus.Available or ReadinessStatus.Deployed or ReadinessStatus.OffDuty))
        {
            throw new DomainException("invalid-status", "A team is available, deployed or off-duty.");
        }

        return Readiness.Change(Status, status, s => Status = s);
    }
}

/// <summary>
/// An expert in the pool (专家库). The telephone is personal data: lists never show it, and every
/// read goes through the contact endpoint, which is journaled.
/// </summary>
public sealed class Expert
{
    private Expert() { }

    /// <exception cref="DomainException">invalid-expert.</exception>
    public Expert(Guid id, string name, IEnumerable<string>? specialties, string? organisation, string? telephone, Placement placement,
        DateTimeOffset now, string createdBy)
    {
        ArgumentNullException.ThrowIfNull(placement);
        Id = id;
        Name = ResourceText.Required(name, 100, "invalid-expert", "expert's name");
        Specialties = [.. ResourceText.Words(specialties, "invalid-expert", "specialties")];
        if (Specialties.Count == 0)
        {
            throw new DomainException("invalid-expert", "An expert has at least one specialty, e.g. epidemiology.");
        }

        Organisation = ResourceText.Optional(organisation, 200, "invalid-expert", "organisation");
        Telephone = ResourceText.Optional(telephone, 40, "invalid-expert", "telephone");
        if (Telephone is not null && !Telephone.All(c => char.IsAsciiDigit(c) || c is '+' or '-' or ' ' or '(' or ')'))
        {
            throw new DomainException("invalid-expert", "A telephone has digits, spaces and + - ( ) only.");
        }

        Available = true;
        RegionCode = placement.RegionCode;
        RegionPath = placement.RegionPath;
        Latitude = placement.Location?.Latitude;
        Longitude = placement.Location?.Longitude;
        CreatedAt = now;
        CreatedBy = createdBy;
    }

    public Guid Id { get; private set; }

    public string Name { get; private set; } = "";

    public List<string> Specialties { get; private set; } = [];

    public string? Organisation { get; private set; }

    /// <summary>Personal data: only through the journaled contact read.</summary>
    public string? Telephone { get; private set; }

    public bool Available { get; private set; }

    public string RegionCode { get; private set; } = "";

    public string RegionPath { get; private set; } = "";

    public double? Latitude { get; private set; }

    public double? Longitude { get; private set; }

    public GeoPoint? Location => Latitude is { } lat && Longitude is { } lon ? new GeoPoint(lat, lon) : null;

    public DateTimeOffset CreatedAt { get; private set; }

    public string CreatedBy { get; private set; } = "";

    /// <exception cref="DomainException">unchanged-status (409) when already so.</exception>
    public void SetAvailable(bool available)
    {
        if (Available == available)
        {
            throw DomainException.Conflict("unchanged-status", available ? "The expert is already available." : "The expert is already unavailable.");
        }

        Available = available;
    }
}

internal static class Readiness
{
    public static ReadinessStatus Change(ReadinessStatus current, ReadinessStatus next, Action<ReadinessStatus> set)
    {
        if (current == next)
        {
            throw DomainException.Conflict("unchanged-status", $"The status is already {Name(next)}.");
        }

        set(next);
        return current;
    }

    public static string Name(ReadinessStatus status) => status switch
    {
        ReadinessStatus.Available => "available",
        ReadinessStatus.Deployed => "deployed",
        ReadinessStatus.OffDuty => "off-duty",
        ReadinessStatus.Maintenance => "maintenance",
        _ => status.ToString(),
    };
}

/// <summary>Pumps, pump trucks, boats (皮划艇), drones, generators: one record per unit.</summary>
public sealed class Equipment
{
    private Equipment() { }

    /// <exception cref="DomainException">invalid-equipment.</exception>
    public Equipment(Guid id, string code, string kind, string name, string? capacity, string? homeWarehouseCode, string? ownerOrganisation,
        Placement placement, DateTimeOffset now, string createdBy)
    {
        ArgumentNullException.ThrowIfNull(placement);
        Id = id;
        Code = Item.IsValidCode(code) ? code : throw new DomainException("invalid-equipment", "An equipment code is kebab-case, e.g. pump-truck-07.");
        Kind = Item.IsValidCode(kind) ? kind : throw new DomainException("invalid-equipment", "An equipment kind is kebab-case, e.g. pump, boat, drone.");
        Name = ResourceText.Required(name, 200, "invalid-equipment", "equipment name");
        Capacity = ResourceText.Optional(capacity, 200, "invalid-equipment", "capacity");
        HomeWarehouseCode = homeWarehouseCode;
        OwnerOrganisation = ResourceText.Optional(ownerOrganisation, 200, "invalid-equipment", "owner");
        Status = ReadinessStatus.Available;
        RegionCode = placement.RegionCode;
        RegionPath = placement.RegionPath;
        Latitude = placement.Location?.Latitude;
        Longitude = placement.Location?.Longitude;
        CreatedAt = now;
        CreatedBy = createdBy;
    }

    public Guid Id { get; private set; }

    public string Code { get; private set; } = "";

    /// <summary>pump, pump-truck, boat, drone, generator, …</summary>
    public string Kind { get; private set; } = "";

    public string Name { get; private set; } = "";

    /// <summary>Free text such as "500 m³/h" or "6 persons".</summary>
    public string? Capacity { get; private set; }

    public ReadinessStatus Status { get; private set; }

    public string? HomeWarehouseCode { get; private set; }

    public string? OwnerOrganisation { get; private set; }

    public string RegionCode { get; private set; } = "";

    public string RegionPath { get; private set; } = "";

    public double? Latitude { get; private set; }

    public double? Longitude { get; private set; }

    public GeoPoint? Location => Latitude is { } lat && Longitude is { } lon ? new GeoPoint(lat, lon) : null;

    public DateTimeOffset CreatedAt { get; private set; }

    public string CreatedBy { get; private set; } = "";

    /// <exception cref="DomainException">invalid-status for off-duty (teams only); unchanged-status (409).</exception>
    public ReadinessStatus ChangeStatus(ReadinessStatus status)
    {
        if (status is not (ReadinessStatus.Available or ReadinessStatus.Deployed or ReadinessStatus.Maintenance))
        {
            throw new DomainException("invalid-status", "Equipment is available, deployed or in maintenance.");
        }

        return Readiness.Change(Status, status, s => Status = s);
    }
}

public static class ReadinessStatuses
{
    public static string Name(this ReadinessStatus status) => Readiness.Name(status);

    public static bool TryParse(string? name, out ReadinessStatus status)
    {
        foreach (var candidate in Enum.GetValues<ReadinessStatus>())
        {
            if (string.Equals(Readiness.Name(candidate), name, StringComparison.Ordinal))
            {
                status = candidate;
                return true;
            }
        }

        status = default;
        return false;
    }
}
