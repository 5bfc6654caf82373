using System.Globalization;
using System.Text;
using CrisisOps.Routing.Roads;

namespace CrisisOps.Routing.Tests.Roads;

/// <summary>Writes small OSM XML extracts for tests that need a road layout they can reason about.</summary>
internal sealed class OsmBuilder
{
    private readonly StringBuilder _nodes = new();
    private readonly StringBuilder _ways = new();
    private readonly StringBuilder _relations = new();
    private readonly Dictionary<long, Coordinate> _coordinates = [];

    public OsmBuilder Node(long id, double lat, double lon)
    {
        _coordinates[id] = new Coordinate(lat, lon);
        _nodes.Append(CultureInfo.InvariantCulture, $"  <node id=\"{id}\" lat=\"{lat:R}\" lon=\"{lon:R}\" version=\"1\"/>\n");
        return this;
    }

    public Coordinate At(long node) => _coordinates[node];

    /// <summary>Midway between two nodes.</summary>
    public Coordinate Between(long a, long b, double fraction = 0.5) =>
        new(At(a).Latitude + (fraction * (At(b).Latitude - At(a).Latitude)), At(a).Longitude + (fraction * (At(b).Longitude - At(a).Longitude)));

    public OsmBuilder Way(long id, long[] nodes, params (string Key, string Value)[] tags)
    {
        _ways.Append(CultureInfo.InvariantCulture, $"  <way id=\"{id}\" version=\"1\">\n");
        foreach (var n in nodes)
        {
            _ways.Append(CultureInfo.InvariantCulture, $"    <nd ref=\"{n}\"/>\n");
        }

        AppendTags(_ways, tags);
        _ways.Append("  </way>\n");
        return this;
    }

    public OsmBuilder Restriction(long id, string kind, long fromWay, long viaNode, long toWay)
    {
        _relations.Append(CultureInfo.InvariantCulture, $"  <relation id=\"{id}\" version=\"1\">\n");
        _relations.Append(CultureInfo.InvariantCulture, $"    <member type=\"way\" ref=\"{fromWay}\" role=\"from\"/>\n");
        _relations.Append(CultureInfo.InvariantCulture, $"    <member type=\"node\" ref=\"{viaNode}\" role=\"via\"/>\n");
        _relations.Append(CultureInfo.InvariantCulture, $"    <member type=\"way\" ref=\"{toWay}\" role=\"to\"/>\n");
        AppendTags(_relations, [("type", "restriction"), ("restriction", kind)]);
        _relations.Append("  </relation>\n");
        return this;
    }

    public string Xml() => $"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<osm version=\"0.6\" generator=\"tests\">\n{_nodes}{_ways}{_relations}</osm>\n";

    public RoadNetwork Load() => RoadNetwork.Load(new MemoryStream(Encoding.UTF8.GetBytes(Xml())), OsmFileFormat.Xml);

    private static void AppendTags(StringBuilder sb, (string Key, string Value)[] tags)
    {
        foreach (var (k, v) in tags)
        {
            sb.Append(CultureInfo.InvariantCulture, $"    <tag k=\"{k}\" v=\"{v}\"/>\n");
        }
    }
}
