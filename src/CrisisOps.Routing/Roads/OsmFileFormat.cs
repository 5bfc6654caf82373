namespace CrisisOps.Routing.Roads;

/// <summary>File formats an OpenStreetMap extract comes in.</summary>
public enum OsmFileFormat
{
    /// <summary>OSM XML, plain or gzip (detected from the first bytes).</summary>
    Xml = 1,

    /// <summary>OSM PBF.</summary>
    Pbf = 2,
}
