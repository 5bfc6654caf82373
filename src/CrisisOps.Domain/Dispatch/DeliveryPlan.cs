namespace CrisisOps.Domain.Dispatch;

public enum PlanStatus
{
    /// <summary>Computed, not yet given as orders.</summary>
    Proposed = 1,

    /// <summary>One order per route went out.</summary>
    Issued,

    /// <summary>A re-plan replaced it.</summary>
    Superseded,
}

/// <summary>How travel times were worked out: on the road network, or straight lines stretched by the detour factor.</summary>
public enum TravelMethod
{
    Road = 1,
    StraightLine,
}

/// <summary>Why a delivery is left out of a plan (the solver's reasons plus the ones found before solving).</summary>
public enum UnservedCause
{
    /// <summary>No vehicle of the plan is based where the item is stocked, or no vehicles at all.</summary>
    NoVehicles = 1,

    /// <summary>No open road leads there from a depot and back.</summary>
    Unreachable,

    /// <summary>More than any vehicle carries.</summary>
    TooLarge,

    /// <summary>No vehicle gets there before it is needed (or within its shift).</summary>
    WindowInfeasible,

    /// <summary>Feasible alone, but the fleet went to deliveries of the same or a more urgent class.</summary>
    NoRoom,

    /// <summary>The place is too far from any drivable road to snap to it.</summary>
    CannotSnap,

    /// <summary>The need has no place: no site and a region without a boundary.</summary>
    NoLocation,
}

/// <summary>Why the plan should be computed again.</summary>
public sealed record ReplanReason(string Code, string Text);

/// <summary>
/// A delivery plan (配送方案) for an incident: routes of vehicles from their depots through the needs' places, in
/// order, with arrival times, and the deliveries no route could take, each with its reason. Computed by the solver
/// and stored as computed; issuing gives one order per route; a re-plan makes a new version and supersedes this one.
/// </summary>
public sealed class DeliveryPlan
{
    private DeliveryPlan() { }

    public DeliveryPlan(Guid id, string number, int version, Guid? previousId, Guid incidentId, string incidentNumber, string regionCode, string regionPath,
        TravelMethod method, DateTimeOffset departAt, int seconds, int seed, bool isExercise, DateTimeOffset now, string actor)
    {
        Id = id;
        Number = number;
        PlanVersion = version;
        PreviousId = previousId;
        IncidentId = incidentId;
        IncidentNumber = incidentNumber;
        RegionCode = regionCode;
        RegionPath = regionPath;
        Method = method;
        DepartAt = departAt;
        Seconds = seconds;
        Seed = seed;
        IsExercise = isExercise;
        Status = PlanStatus.Proposed;
        CreatedAt = now;
        CreatedBy = actor;
    }

    public Guid Id { get; private set; }

    /// <summary>Human reference shared by every version, e.g. <c>PLAN-20260712-080000-1A2B</c>.</summary>
    public string Number { get; private set; } = "";

    /// <summary>1 for the first plan; each re-plan adds one.</summary>
    public int PlanVersion { get; private set; }

    public Guid? PreviousId { get; private set; }

    public Guid? SupersededById { get; private set; }

    public Guid IncidentId { get; private set; }

    public string IncidentNumber { get; private set; } = "";

    public string RegionCode { get; private set; } = "";

    public string RegionPath { get; private set; } = "";

    public TravelMethod Method { get; private set; }

    public DateTimeOffset DepartAt { get; private set; }

    /// <summary>The solver's time budget in seconds.</summary>
    public int Seconds { get; private set; }

    public int Seed { get; private set; }

    public bool IsExercise { get; private set; }

    public PlanStatus Status { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public string CreatedBy { get; private set; } = "";

    public DateTimeOffset? IssuedAt { get; private set; }

    public string? IssuedBy { get; private set; }

    /// <summary>Set when a closure touches a route: the plan should be computed again.</summary>
    public string? ReplanCode { get; private set; }

    public string? ReplanText { get; private set; }

    public List<PlanRoute> Routes { get; private set; } = [];

    public List<PlanStop> Stops { get; private set; } = [];

    public List<PlanUnserved> Unserved { get; private set; } = [];

    public int Version { get; private set; }

    public bool IsCurrent => Status != PlanStatus.Superseded;

    /// <exception cref="DomainException">plan-already-issued, plan-superseded (409).</exception>
    public void Issue(DateTimeOffset now, string actor)
    {
        EnsureCurrent();
        if (Status == PlanStatus.Issued)
        {
            throw DomainException.Conflict("plan-already-issued", $"Plan {Number} v{PlanVersion} was issued at {IssuedAt:O}.");
        }

        Status = PlanStatus.Issued;
        IssuedAt = now;
        IssuedBy = actor;
        Version++;
    }

    /// <summary>Takes over the issue of the plan it replaces, so a re-plan of an issued plan stays issued.</summary>
    public void CarryIssue(DeliveryPlan previous)
    {
        ArgumentNullException.ThrowIfNull(previous);
        Status = previous.Status == PlanStatus.Issued ? PlanStatus.Issued : Status;
        IssuedAt = previous.IssuedAt;
        IssuedBy = previous.IssuedBy;
    }

    /// <exception cref="DomainException">plan-superseded (409).</exception>
    public void EnsureCurrent()
    {
        if (Status == PlanStatus.Superseded)
        {
            throw DomainException.Conflict("plan-superseded", $"Plan {Number} v{PlanVersion} was replaced by a re-plan; use the current version.");
        }
    }

    public void Supersede(Guid next)
    {
        Status = PlanStatus.Superseded;
        SupersededById = next;
        Version++;
    }

    public void FlagReplan(ReplanReason reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        ReplanCode = reason.Code;
        ReplanText = reason.Text.Length > 1000 ? reason.Text[..1000] : reason.Text;
        Version++;
    }
}

/// <summary>One vehicle's route: out from where it starts, through its stops, back to its depot.</summary>
public sealed class PlanRoute
{
    private PlanRoute() { }

    public PlanRoute(int number, Guid vehicleId, string vehicleCode, string vehicleName, string depotCode, double startLatitude, double startLongitude,
        DateTimeOffset departure, DateTimeOffset returnAt, double meters, double seconds, decimal loadKg, decimal loadM3, string geometryJson)
    {
        Number = number;
        VehicleId = vehicleId;
        VehicleCode = vehicleCode;
        VehicleName = vehicleName;
        DepotCode = depotCode;
        StartLatitude = startLatitude;
        StartLongitude = startLongitude;
        Departure = departure;
        Return = returnAt;
        Meters = meters;
        Seconds = seconds;
        LoadKg = loadKg;
        LoadM3 = loadM3;
        GeometryJson = geometryJson;
    }

    public Guid PlanId { get; private set; }

    public int Number { get; private set; }

    public Guid VehicleId { get; private set; }

    public string VehicleCode { get; private set; } = "";

    public string VehicleName { get; private set; } = "";

    public string DepotCode { get; private set; } = "";

    /// <summary>Where the vehicle starts: its depot, or its last served stop after a re-plan.</summary>
    public double StartLatitude { get; private set; }

    public double StartLongitude { get; private set; }

    public DateTimeOffset Departure { get; private set; }

    public DateTimeOffset Return { get; private set; }

    public double Meters { get; private set; }

    public double Seconds { get; private set; }

    public decimal LoadKg { get; private set; }

    public decimal LoadM3 { get; private set; }

    /// <summary>GeoJSON LineString coordinates [[lon, lat], …] of the driven path.</summary>
    public string GeometryJson { get; private set; } = "[]";

    /// <summary>The order that carries the route, once issued.</summary>
    public Guid? OrderId { get; private set; }

    public void Ordered(Guid orderId) => OrderId = orderId;
}

/// <summary>A delivery on a route, in order, with when the vehicle gets there.</summary>
public sealed class PlanStop
{
    private PlanStop() { }

    public PlanStop(int number, int route, int sequence, Guid needId, string needNumber, string? siteCode, string placeName, double latitude,
        double longitude, string? itemCode, decimal quantity, string unit, decimal kg, decimal m3, int priorityClass, DateTimeOffset arrival,
        DateTimeOffset serviceStart, DateTimeOffset departure, DateTimeOffset due)
    {
        Number = number;
        Route = route;
        Sequence = sequence;
        NeedId = needId;
        NeedNumber = needNumber;
        SiteCode = siteCode;
        PlaceName = placeName;
        Latitude = latitude;
        Longitude = longitude;
        ItemCode = itemCode;
        Quantity = quantity;
        Unit = unit;
        Kg = kg;
        M3 = m3;
        PriorityClass = priorityClass;
        Arrival = arrival;
        ServiceStart = serviceStart;
        Departure = departure;
        Due = due;
    }

    public Guid PlanId { get; private set; }

    /// <summary>Unique in the plan: what the API calls the stop.</summary>
    public int Number { get; private set; }

    public int Route { get; private set; }

    /// <summary>1-based position on its route.</summary>
    public int Sequence { get; private set; }

    public Guid NeedId { get; private set; }

    public string NeedNumber { get; private set; } = "";

    public string? SiteCode { get; private set; }

    public string PlaceName { get; private set; } = "";

    public double Latitude { get; private set; }

    public double Longitude { get; private set; }

    public string? ItemCode { get; private set; }

    public decimal Quantity { get; private set; }

    public string Unit { get; private set; } = "";

    public decimal Kg { get; private set; }

    public decimal M3 { get; private set; }

    /// <summary>0 most urgent (nursing homes, hospitals) … 4 others.</summary>
    public int PriorityClass { get; private set; }

    public DateTimeOffset Arrival { get; private set; }

    public DateTimeOffset ServiceStart { get; private set; }

    public DateTimeOffset Departure { get; private set; }

    public DateTimeOffset Due { get; private set; }

    public DateTimeOffset? ServedAt { get; private set; }

    public string? ServedBy { get; private set; }

    /// <exception cref="DomainException">stop-already-served (409).</exception>
    public void Serve(DateTimeOffset now, string actor)
    {
        if (ServedAt is not null)
        {
            throw DomainException.Conflict("stop-already-served", $"Stop {Number} was marked served at {ServedAt:O}.");
        }

        ServedAt = now;
        ServedBy = actor;
    }

    /// <summary>Carries a stop served under an earlier version into a re-plan.</summary>
    public void CarryServed(PlanStop earlier)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        ServedAt = earlier.ServedAt;
        ServedBy = earlier.ServedBy;
    }
}

/// <summary>A delivery the plan leaves out, and why.</summary>
public sealed class PlanUnserved
{
    private PlanUnserved() { }

    public PlanUnserved(int number, Guid needId, string needNumber, string? siteCode, string placeName, double? latitude, double? longitude, decimal quantity,
        string unit, int priorityClass, UnservedCause cause)
    {
        Number = number;
        NeedId = needId;
        NeedNumber = needNumber;
        SiteCode = siteCode;
        PlaceName = placeName;
        Latitude = latitude;
        Longitude = longitude;
        Quantity = quantity;
        Unit = unit;
        PriorityClass = priorityClass;
        Cause = cause;
    }

    public Guid PlanId { get; private set; }

    public int Number { get; private set; }

    public Guid NeedId { get; private set; }

    public string NeedNumber { get; private set; } = "";

    public string? SiteCode { get; private set; }

    public string PlaceName { get; private set; } = "";

    public double? Latitude { get; private set; }

    public double? Longitude { get; private set; }

    public decimal Quantity { get; private set; }

    public string Unit { get; private set; } = "";

    public int PriorityClass { get; private set; }

    public UnservedCause Cause { get; private set; }
}
