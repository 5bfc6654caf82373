using CrisisOps.Domain.Regions;

namespace CrisisOps.Domain.Warning;

/// <summary>What a monitoring station measures.</summary>
public enum StationKind
{
    WaterLevel = 1,
    Rainfall,
    RiverFlow,
    SoilMoisture,
    CrowdCount,
    PipePressure,
    Other,
}

/// <summary>
/// The four warning tiers (一般 / 关注 / 预警 / 紧急, shown blue / yellow / orange / red), each of
/// which starts a plan step; <see cref="None"/> when nothing is wrong.
/// </summary>
public enum WarningTier
{
    None = 0,

    /// <summary>一般 — information report within 2 h.</summary>
    General = 1,

    /// <summary>关注 — special analysis within 4 h.</summary>
    Attention = 2,

    /// <summary>预警 — emergency preparation within 12 h.</summary>
    Warning = 3,

    /// <summary>紧急 — full response at once.</summary>
    Emergency = 4,
}

/// <summary>The values a station can physically report; anything outside is a faulty reading.</summary>
public sealed record ValidRange(double Min, double Max)
{
    public bool Contains(double value) => value >= Min && value <= Max;
}

/// <summary>
/// Values at which a reading reaches each tier, rising: General ≤ Attention ≤ Warning ≤ Emergency.
/// A tier may be left out (null) when the station says nothing about it.
/// </summary>
public sealed record TierThresholds(double? General, double? Attention, double? Warning, double? Emergency)
{
    /// <summary>The highest tier whose threshold the value reaches.</summary>
    public WarningTier TierOf(double value) =>
        Emergency is { } e && value >= e ? WarningTier.Emergency
        : Warning is { } w && value >= w ? WarningTier.Warning
        : Attention is { } a && value >= a ? WarningTier.Attention
        : General is { } g && value >= g ? WarningTier.General
        : WarningTier.None;

    /// <summary>True when the given thresholds rise with the tier.</summary>
    public bool IsAscending()
    {
        double? previous = null;
        foreach (var value in new[] { General, Attention, Warning, Emergency })
        {
            if (value is null)
            {
                continue;
            }

            if (!double.IsFinite(value.Value) || (previous is not null && value < previous))
            {
                return false;
            }

            previous = value;
        }

        return true;
    }
}

/// <summary>A monitoring station (监测站): gauge, rain gauge, crowd camera, pipe sensor… located in a region.</summary>
public sealed class Station
{
    private Station() { }

    /// <exception cref="DomainException">invalid-station when the definition does not hold together.</exception>
    public Station(StationDefinition definition, string regionCode, string regionPath, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(definition);
        Code = definition.Code.Value;
        Apply(definition, regionCode, regionPath);
        CreatedAt = now;
    }

    public string Code { get; private set; } = "";

    public string NameZh { get; private set; } = "";

    public string NameEn { get; private set; } = "";

    public StationKind Kind { get; private set; }

    public GeoPoint Location { get; private set; }

    public string RegionCode { get; private set; } = "";

    public string RegionPath { get; private set; } = "";

    /// <summary>Unit of every reading, e.g. <c>m</c>, <c>mm</c>, <c>m3/s</c>, <c>%</c>, <c>persons</c>, <c>kPa</c>.</summary>
    public string Unit { get; private set; } = "";

    public ValidRange Range { get; private set; } = new(0, 0);

    public TierThresholds Thresholds { get; private set; } = new(null, null, null, null);

    public bool IsDemo { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public void Apply(StationDefinition definition, string regionCode, string regionPath)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var problems = definition.Problems();
        if (problems.Count > 0)
        {
            throw new DomainException("invalid-station", string.Join(" ", problems));
        }

        NameZh = definition.NameZh;
        NameEn = definition.NameEn;
        Kind = definition.Kind;
        Location = definition.Location;
        Unit = definition.Unit;
        Range = definition.Range;
        Thresholds = definition.Thresholds;
        IsDemo = definition.IsDemo;
        RegionCode = regionCode;
        RegionPath = regionPath;
    }
}

/// <summary>What a registration says about a station.</summary>
public sealed record StationDefinition(
    RegionCode Code,
    string NameZh,
    string NameEn,
    StationKind Kind,
    GeoPoint Location,
    string Unit,
    ValidRange Range,
    TierThresholds Thresholds,
    bool IsDemo)
{
    /// <summary>Everything wrong with the definition, for people; empty when it holds together.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(NameZh) && string.IsNullOrWhiteSpace(NameEn))
        {
            problems.Add("A station needs a name.");
        }

        if (string.IsNullOrWhiteSpace(Unit) || Unit.Length > 16)
        {
            problems.Add("A station needs a unit of 1–16 characters.");
        }

        if (!double.IsFinite(Range.Min) || !double.IsFinite(Range.Max) || Range.Min >= Range.Max)
        {
            problems.Add("The valid range needs finite min < max.");
        }

        if (!Thresholds.IsAscending())
        {
            problems.Add("Thresholds must be finite and rise with the tier (general ≤ attention ≤ warning ≤ emergency).");
        }

        return problems;
    }
}
