using CrisisOps.Domain.Regions;

namespace CrisisOps.Domain.Dispatch;

/// <summary>What a closure shuts: one OSM way, or every road inside an area.</summary>
public enum ClosureKind
{
    Way = 1,
    Area,
}

/// <summary>Who closed the road: a person at headquarters, or a rule from the risk map.</summary>
public enum ClosureSource
{
    Manual = 1,
    Rule,
}

public enum ClosureStatus
{
    /// <summary>Routes avoid it.</summary>
    Active = 1,

    /// <summary>Open to traffic again.</summary>
    Reopened,
}

/// <summary>A closure as it is given: a way (by id or snapped from a point) or an area, and why.</summary>
public sealed record ClosureRequest(ClosureKind Kind, long? WayId, GeoPoint? Point, IReadOnlyList<GeoPoint>? Area, string ReasonZh, string ReasonEn,
    Guid? IncidentId);

/// <summary>
/// A road closed to traffic (道路封闭): a flooded underpass, a landslide, a bridge under inspection. Routing and
/// arrival estimates avoid it while it is active; reopening keeps the record. Rule closures
/// (<see cref="ClosureSource.Rule"/>) come and go with the risk tier that caused them, named by <see cref="RuleKey"/>.
/// </summary>
public sealed class RoadClosure
{
    public const int MaxReasonLength = 500;
    public const int MaxAreaPoints = 500;

    private RoadClosure() { }

    /// <exception cref="DomainException">invalid-closure.</exception>
    public RoadClosure(Guid id, ClosureRequest request, string regionCode, string regionPath, ClosureSource source, string? ruleKey, DateTimeOffset now,
        string actor)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Problem(request) is { } problem)
        {
            throw new DomainException("invalid-closure", problem);
        }

        Id = id;
        Kind = request.Kind;
        WayId = request.WayId;
        PointLatitude = request.Point?.Latitude;
        PointLongitude = request.Point?.Longitude;
        AreaJson = request.Area is null ? null
            : System.Text.Json.JsonSerializer.Serialize(request.Area.Select(p => new[] { p.Longitude, p.Latitude }));
        ReasonZh = request.ReasonZh.Trim();
        ReasonEn = request.ReasonEn.Trim();
        IncidentId = request.IncidentId;
        RegionCode = regionCode;
        RegionPath = regionPath;
        Source = source;
        RuleKey = ruleKey;
        Status = ClosureStatus.Active;
        ClosedAt = now;
        ClosedBy = actor;
    }

    public Guid Id { get; private set; }

    public ClosureKind Kind { get; private set; }

    /// <summary>The OSM way closed (kind Way).</summary>
    public long? WayId { get; private set; }

    /// <summary>The point the way was snapped from, when a point was given.</summary>
    public double? PointLatitude { get; private set; }

    public double? PointLongitude { get; private set; }

    /// <summary>The outer ring of the area closed (kind Area), as GeoJSON positions [lon, lat].</summary>
    public string? AreaJson { get; private set; }

    /// <summary>The outer ring of the area closed (kind Area); empty for a way.</summary>
    public IReadOnlyList<GeoPoint> Area => AreaJson is null ? []
        : [.. System.Text.Json.JsonSerializer.Deserialize<double[][]>(AreaJson)!.Select(p => new GeoPoint(p[1], p[0]))];

    public string ReasonZh { get; private set; } = "";

    public string ReasonEn { get; private set; } = "";

    public Guid? IncidentId { get; private set; }

    public string RegionCode { get; private set; } = "";

    public string RegionPath { get; private set; } = "";

    public ClosureSource Source { get; private set; }

    /// <summary>For a rule closure, the rule and the region it applied to, e.g. <c>low-lying-flood:KRE-02-01-004</c>.</summary>
    public string? RuleKey { get; private set; }

    public ClosureStatus Status { get; private set; }

    public DateTimeOffset ClosedAt { get; private set; }

    public string ClosedBy { get; private set; } = "";

    public DateTimeOffset? ReopenedAt { get; private set; }

    public string? ReopenedBy { get; private set; }

    public int Version { get; private set; }

    public bool IsActive => Status == ClosureStatus.Active;

    public static string? Problem(ClosureRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.ReasonZh) || request.ReasonZh.Trim().Length > MaxReasonLength
            || string.IsNullOrWhiteSpace(request.ReasonEn) || request.ReasonEn.Trim().Length > MaxReasonLength)
        {
            return $"Give the reason in Chinese and English, 1–{MaxReasonLength} characters each.";
        }

        return request.Kind switch
        {
            ClosureKind.Way when request.WayId is null && request.Point is null => "A way closure names an OSM way id or a point on the road.",
            ClosureKind.Way when request.WayId is <= 0 => "An OSM way id is positive.",
            ClosureKind.Area when request.Area is null || request.Area.Count < 3 || request.Area.Count > MaxAreaPoints =>
                $"An area is a ring of 3–{MaxAreaPoints} points.",
            ClosureKind.Area when request.Area!.Any(p => !GeoPoint.IsValid(p.Latitude, p.Longitude)) => "Area points lie within [-90, 90] and [-180, 180].",
            _ => null,
        };
    }

    /// <exception cref="DomainException">closure-not-active (409).</exception>
    public void Reopen(DateTimeOffset now, string actor)
    {
        if (Status != ClosureStatus.Active)
        {
            throw DomainException.Conflict("closure-not-active", "The road is already open.");
        }

        Status = ClosureStatus.Reopened;
        ReopenedAt = now;
        ReopenedBy = actor;
        Version++;
    }
}
