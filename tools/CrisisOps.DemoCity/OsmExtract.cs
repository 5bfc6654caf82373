using System.Globalization;
using System.IO.Compression;
using System.Xml;
using NetTopologySuite.Geometries;

namespace CrisisOps.DemoCity;

/// <summary>A school or hospital found in the extract, located at a node or a way's node centroid.</summary>
internal sealed record OsmAmenity(string ElementType, long Id, string Amenity, string? Name, Coordinate LonLat)
{
    public string Source => $"osm:{ElementType}/{Id.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>
/// The few things the generator takes from an OSM XML extract: schools, hospitals and the
/// Danube's centre line (so that invented people and sites stay out of the river).
/// Relations are ignored; the extract has no school or hospital mapped as a relation.
/// </summary>
internal sealed class OsmExtract
{
    private OsmExtract(IReadOnlyList<OsmAmenity> amenities, IReadOnlyList<Coordinate[]> danube, int unresolvedWays)
    {
        Amenities = amenities;
        DanubeLines = danube;
        UnresolvedWays = unresolvedWays;
    }

    public IReadOnlyList<OsmAmenity> Amenities { get; }

    /// <summary>Centre lines (lon/lat) of ways tagged waterway=river, name=Donau.</summary>
    public IReadOnlyList<Coordinate[]> DanubeLines { get; }

    /// <summary>Wanted ways none of whose nodes are in the file; they are skipped.</summary>
    public int UnresolvedWays { get; }

    public static OsmExtract Load(string gzipPath)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreWhitespace = true,
        };

        var nodes = new Dictionary<long, Coordinate>();
        var amenityNodes = new List<OsmAmenity>();
        var amenityWays = new List<(long Id, string Amenity, string? Name, List<long> Refs)>();
        var danubeWays = new List<List<long>>();

        using (var file = File.OpenRead(gzipPath))
        using (var gzip = new GZipStream(file, CompressionMode.Decompress))
        using (var reader = XmlReader.Create(gzip, settings))
        {
            while (reader.Read())
            {
                if (reader.NodeType != XmlNodeType.Element || reader.Depth != 1)
                {
                    continue;
                }

                switch (reader.LocalName)
                {
                    case "node":
                    {
                        var id = ParseLong(reader.GetAttribute("id"));
                        var location = new Coordinate(ParseDouble(reader.GetAttribute("lon")), ParseDouble(reader.GetAttribute("lat")));
                        nodes[id] = location;
                        var (tags, _) = ReadChildren(reader);
                        if (WantedAmenity(tags) is { } amenity)
                        {
                            amenityNodes.Add(new OsmAmenity("node", id, amenity, tags.GetValueOrDefault("name"), location));
                        }

                        break;
                    }
                    case "way":
                    {
                        var id = ParseLong(reader.GetAttribute("id"));
                        var (tags, refs) = ReadChildren(reader);
                        if (WantedAmenity(tags) is { } amenity)
                        {
                            amenityWays.Add((id, amenity, tags.GetValueOrDefault("name"), refs));
                        }
                        else if (tags.GetValueOrDefault("waterway") == "river" && tags.GetValueOrDefault("name") == "Donau")
                        {
                            danubeWays.Add(refs);
                        }

                        break;
                    }
                    default:
                        // Relations and bounds: their children are at depth 2 and fall through the filter above.
                        break;
                }
            }
        }

        var unresolved = 0;
        var amenities = new List<OsmAmenity>(amenityNodes);
        foreach (var (id, amenity, name, refs) in amenityWays)
        {
            // A closed way repeats its first node; counting it twice would pull the centroid towards it.
            var distinct = refs.Count > 1 && refs[0] == refs[^1] ? refs.Take(refs.Count - 1) : refs;
            var points = distinct.Where(nodes.ContainsKey).Select(r => nodes[r]).ToList();
            if (points.Count == 0)
            {
                unresolved++;
                continue;
            }

            var centroid = new Coordinate(points.Average(p => p.X), points.Average(p => p.Y));
            amenities.Add(new OsmAmenity("way", id, amenity, name, centroid));
        }

        var danube = danubeWays
            .Select(refs => refs.Where(nodes.ContainsKey).Select(r => nodes[r]).ToArray())
            .Where(line => line.Length >= 2)
            .ToList();

        var ordered = amenities
            .OrderBy(a => a.ElementType, StringComparer.Ordinal)
            .ThenBy(a => a.Id)
            .ToList();
        return new OsmExtract(ordered, danube, unresolved);
    }

    private static string? WantedAmenity(Dictionary<string, string> tags) =>
        tags.GetValueOrDefault("amenity") is "school" or "hospital" ? tags["amenity"] : null;

    /// <summary>Reads the tag and nd children of the element the reader is on, leaving it on the end tag.</summary>
    private static (Dictionary<string, string> Tags, List<long> Refs) ReadChildren(XmlReader reader)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        var refs = new List<long>();
        if (reader.IsEmptyElement)
        {
            return (tags, refs);
        }

        var depth = reader.Depth;
        while (reader.Read() && !(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth))
        {
            if (reader.NodeType != XmlNodeType.Element)
            {
                continue;
            }

            if (reader.LocalName == "tag" && reader.GetAttribute("k") is { } key)
            {
                tags[key] = reader.GetAttribute("v") ?? string.Empty;
            }
            else if (reader.LocalName == "nd")
            {
                refs.Add(ParseLong(reader.GetAttribute("ref")));
            }
        }

        return (tags, refs);
    }

    private static long ParseLong(string? text) =>
        long.Parse(text ?? throw new InvalidDataException("OSM element without id/ref."), NumberStyles.Integer, CultureInfo.InvariantCulture);

    private static double ParseDouble(string? text) =>
        double.Parse(text ?? throw new InvalidDataException("OSM node without lat/lon."), NumberStyles.Float, CultureInfo.InvariantCulture);
}
