namespace CrisisOps.Routing.Roads;

/// <summary>Speeds by highway type (km/h) and which highway types are drivable at all.</summary>
/// <remarks>
/// Only the highway types listed in <see cref="Speeds"/> are drivable. The car profile leaves out tracks (mostly
/// agricultural or forestry access, often unpaved: an ambulance routed over one is a risk the map cannot see) and
/// everything built for feet, bikes, horses or buses (footway, pedestrian, cycleway, path, steps, bridleway,
/// busway, bus_guideway), as well as construction, proposed, raceway and platform ways.
/// </remarks>
public sealed partial record RoadProfile
{
    public static RoadProfile Car { get; } = new();

    /// <summary>Default speed in km/h per drivable highway type, used where a way has no usable <c>maxspeed</c>.</summary>
    /// <remarks>Below the legal limits on purpose: junctions, traffic and bends keep real speeds under them.</remarks>
    public IReadOnlyDictionary<string, double> Speeds { get; init; } = new Dictionary<string, double>(StringComparer.Ordinal)
    {
        ["motorway"] = 110,
        ["motorway_link"] = 60,
        ["trunk"] = 90,
        ["trunk_link"] = 50,
        ["primary"] = 70,
        ["primary_link"] = 45,
        ["secondary"] = 60,
        ["secondary_link"] = 40,
        ["tertiary"] = 50,
        ["tertiary_link"] = 35,
        ["unclassified"] = 40,
        ["road"] = 30,
        ["residential"] = 30,
        ["living_street"] = 10,
        ["service"] = 15,
    };

    /// <summary>The highest speed assumed anywhere (caps <c>maxspeed=none</c> and implausible tags).</summary>
    public double MaxSpeedKmh { get; init; } = 130;

    /// <summary>Whether ways of this highway type carry cars.</summary>
    public bool IsDrivable(string highway) => Speeds.ContainsKey(highway);
}
