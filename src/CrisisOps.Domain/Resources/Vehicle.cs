namespace CrisisOps.Domain.Resources;

public enum VehicleStatus
{
    /// <summary>Ready: plans may use it.</summary>
    Available = 1,

    /// <summary>Under repair, without a driver, or lent out: plans leave it out.</summary>
    OutOfService,
}

/// <summary>
/// What a vehicle is, as a request gives it. The speed factor says how it drives against the road speeds (1 as the
/// roads allow, 0.8 a heavy lorry at four fifths); the shift is daily, in UTC, and an end before the start runs past midnight.
/// </summary>
public sealed record VehicleDefinition(string Code, string Name, decimal CapacityKg, decimal CapacityM3, double SpeedFactor, TimeOnly ShiftStart,
    TimeOnly ShiftEnd);

/// <summary>
/// A delivery vehicle (配送车辆) based at a warehouse: what it carries by weight and volume, how fast it drives
/// against the road speeds, and the hours it is crewed. Delivery plans load it at its warehouse.
/// </summary>
public sealed class Vehicle
{
    public const int MaxNameLength = 200;

    private Vehicle() { }

    /// <exception cref="DomainException">invalid-vehicle.</exception>
    public Vehicle(Guid id, VehicleDefinition definition, Warehouse home, DateTimeOffset now, string createdBy)
    {
        ArgumentNullException.ThrowIfNull(home);
        Id = id;
        Code = definition?.Code ?? "";
        Apply(definition!, home);
        Status = VehicleStatus.Available;
        CreatedAt = now;
        CreatedBy = createdBy;
    }

    public Guid Id { get; private set; }

    /// <summary>Kebab-case, e.g. <c>kre-truck-01</c>.</summary>
    public string Code { get; private set; } = "";

    public string Name { get; private set; } = "";

    public Guid WarehouseId { get; private set; }

    public string WarehouseCode { get; private set; } = "";

    /// <summary>The region of its warehouse: who may plan with it and manage it.</summary>
    public string RegionCode { get; private set; } = "";

    public string RegionPath { get; private set; } = "";

    public decimal CapacityKg { get; private set; }

    public decimal CapacityM3 { get; private set; }

    public double SpeedFactor { get; private set; } = 1;

    public TimeOnly ShiftStart { get; private set; }

    public TimeOnly ShiftEnd { get; private set; }

    public VehicleStatus Status { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public string CreatedBy { get; private set; } = "";

    public int Version { get; private set; }

    /// <summary>Why the definition is not acceptable, or null.</summary>
    public static string? Problem(VehicleDefinition? definition)
    {
        if (definition is null)
        {
            return "Describe the vehicle.";
        }

        if (!Item.IsValidCode(definition.Code))
        {
            return "A vehicle code is kebab-case, 2–64 characters, e.g. kre-truck-01.";
        }

        if (string.IsNullOrWhiteSpace(definition.Name) || definition.Name.Trim().Length > MaxNameLength)
        {
            return $"A vehicle needs a name of 1–{MaxNameLength} characters.";
        }

        if (definition.CapacityKg is <= 0 or > 100_000 || definition.CapacityM3 is <= 0 or > 500)
        {
            return "Capacity is over 0 and at most 100000 kg and 500 m³.";
        }

        if (definition.SpeedFactor is < 0.2 or > 2 || double.IsNaN(definition.SpeedFactor))
        {
            return "A speed factor is from 0.2 to 2 (1: as fast as the roads allow).";
        }

        return definition.ShiftStart == definition.ShiftEnd ? "A shift has different start and end times." : null;
    }

    /// <exception cref="DomainException">invalid-vehicle.</exception>
    public void Apply(VehicleDefinition definition, Warehouse home)
    {
        ArgumentNullException.ThrowIfNull(home);
        if (Problem(definition) is { } problem)
        {
            throw new DomainException("invalid-vehicle", problem);
        }

        if (definition.Code != Code)
        {
            throw new DomainException("invalid-vehicle", "A vehicle's code does not change.");
        }

        Name = definition.Name.Trim();
        WarehouseId = home.Id;
        WarehouseCode = home.Code;
        RegionCode = home.RegionCode;
        RegionPath = home.RegionPath;
        CapacityKg = definition.CapacityKg;
        CapacityM3 = definition.CapacityM3;
        SpeedFactor = definition.SpeedFactor;
        ShiftStart = definition.ShiftStart;
        ShiftEnd = definition.ShiftEnd;
        Version++;
    }

    public void SetStatus(VehicleStatus status)
    {
        Status = status;
        Version++;
    }

    /// <summary>
    /// The shift that covers <paramref name="at"/>, or the next one to start: a vehicle off duty now is planned from
    /// when its crew comes in.
    /// </summary>
    public (DateTimeOffset Start, DateTimeOffset End) ShiftAround(DateTimeOffset at)
    {
        var length = ShiftEnd > ShiftStart ? ShiftEnd - ShiftStart : TimeSpan.FromDays(1) - (ShiftStart - ShiftEnd);
        var day = new DateTimeOffset(at.UtcDateTime.Date, TimeSpan.Zero);
        foreach (var offset in new[] { -1, 0, 1 })
        {
            var start = day.AddDays(offset) + ShiftStart.ToTimeSpan();
            if (start + length > at)
            {
                return (start, start + length);
            }
        }

        var next = day.AddDays(2) + ShiftStart.ToTimeSpan();
        return (next, next + length);
    }
}
