using CrisisOps.Domain.Regions;

namespace CrisisOps.Domain.Resources;

/// <summary>A place where stock is kept (储备库), with the region whose staff move its stock.</summary>
public sealed class Warehouse
{
    private Warehouse() { }

    /// <exception cref="DomainException">invalid-warehouse for a bad code or name.</exception>
    public Warehouse(Guid id, string code, string name, Placement placement, string? operatorName, DateTimeOffset now, string createdBy)
    {
        ArgumentNullException.ThrowIfNull(placement);
        if (!Item.IsValidCode(code))
        {
            throw new DomainException("invalid-warehouse", "A warehouse code is kebab-case, 2–64 characters, e.g. north-depot.");
        }

        Id = id;
        Code = code;
        Name = ResourceText.Required(name, 200, "invalid-warehouse", "warehouse name");
        Operator = ResourceText.Optional(operatorName, 200, "invalid-warehouse", "operator");
        RegionCode = placement.RegionCode;
        RegionPath = placement.RegionPath;
        Latitude = placement.Location?.Latitude;
        Longitude = placement.Location?.Longitude;
        CreatedAt = now;
        CreatedBy = createdBy;
    }

    public Guid Id { get; private set; }

    public string Code { get; private set; } = "";

    public string Name { get; private set; } = "";

    /// <summary>Who runs it: a department, a partner, a township office.</summary>
    public string? Operator { get; private set; }

    public string RegionCode { get; private set; } = "";

    public string RegionPath { get; private set; } = "";

    public double? Latitude { get; private set; }

    public double? Longitude { get; private set; }

    /// <summary>The point, when one was given (stored as two nullable columns).</summary>
    public GeoPoint? Location => Latitude is { } lat && Longitude is { } lon ? new GeoPoint(lat, lon) : null;

    public DateTimeOffset CreatedAt { get; private set; }

    public string CreatedBy { get; private set; } = "";
}
