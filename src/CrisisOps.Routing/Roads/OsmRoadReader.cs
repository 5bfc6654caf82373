using System.Globalization;
using System.IO.Compression;
using OsmSharp;
using OsmSharp.Streams;
using OsmSharp.Tags;

namespace CrisisOps.Routing.Roads;

/// <summary>A drivable way as read, before it becomes segments of the graph.</summary>
/// <param name="Forward">Cars may drive it in the order of its nodes.</param>
/// <param name="Backward">Cars may drive it against the order of its nodes.</param>
internal sealed record OsmRoad(RoadWay Way, long[] NodeIds, bool Forward, bool Backward);

/// <summary>A turn restriction over a via node: <c>no_*</c> forbids from → to, <c>only_*</c> forbids from → anything else.</summary>
internal sealed record OsmTurnRestriction(long FromWay, long ViaNode, long ToWay, bool Only);

/// <summary>What an extract holds for cars.</summary>
internal sealed record OsmRoads(IReadOnlyDictionary<long, Coordinate> Nodes, IReadOnlyList<OsmRoad> Roads,
    IReadOnlyList<OsmTurnRestriction> Restrictions, int IgnoredRestrictions);

/// <summary>
/// Reads the drivable roads, their direction and speed, and the turn restrictions of an OpenStreetMap extract
/// through OsmSharp. Whatever goes wrong inside the file comes out as a <see cref="RoadDataException"/>.
/// </summary>
internal static class OsmRoadReader
{
    private static readonly HashSet<string> NoAccess = new(StringComparer.Ordinal)
    {
        "no", "private", "agricultural", "forestry", "military", "discouraged_no", "emergency", "bus", "psv",
    };

    public static OsmRoads Read(string path, RoadProfile profile)
    {
        Stream stream;
        try
        {
            stream = File.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new RoadDataException($"Cannot open the road extract {path}: {e.Message}", e);
        }

        using (stream)
        {
            var format = Sniff(stream) ?? throw new RoadDataException(
                $"{path} is neither OSM XML (plain or gzip) nor OSM PBF: its first bytes are not those of an extract.");
            return Read(stream, format, profile, path);
        }
    }

    public static OsmRoads Read(Stream stream, OsmFileFormat format, RoadProfile profile, string name)
    {
        // Peeking at the magic bytes needs a stream we can rewind.
        if (!stream.CanSeek)
        {
            var copy = new MemoryStream();
            stream.CopyTo(copy);
            copy.Position = 0;
            stream = copy;
        }

        try
        {
            var sniffed = Sniff(stream);
            if (format == OsmFileFormat.Xml && sniffed == OsmFileFormat.Pbf || format == OsmFileFormat.Pbf && sniffed == OsmFileFormat.Xml)
            {
                throw new RoadDataException($"{name} was given as {format} but its first bytes are those of {sniffed}.");
            }

            if (format == OsmFileFormat.Xml && sniffed is null)
            {
                throw new RoadDataException($"{name} is not OSM XML: it does not start with '<' or the gzip signature.");
            }

            var start = stream.Position;
            var gzip = format == OsmFileFormat.Xml && IsGzip(stream);
            stream.Position = start;
            using var decoded = gzip ? new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true) : null;
            OsmStreamSource source = format == OsmFileFormat.Pbf
                ? new PBFOsmStreamSource(stream)
                : new XmlOsmStreamSource(decoded ?? stream);
            var roads = Collect(source, profile);
            if (roads.Roads.Count == 0)
            {
                throw new RoadDataException($"{name} holds no drivable road: it is empty, not an OSM extract, or covers no streets.");
            }

            return roads;
        }
        catch (RoadDataException)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // OsmSharp and the XML, gzip and protobuf readers under it throw whatever their parser meets
            // (XmlException, InvalidDataException, ProtoException, EndOfStreamException, NullReference...):
            // for the caller it is all one fact, the file is not a readable extract.
            throw new RoadDataException($"{name} is not a readable OSM extract ({e.GetType().Name}: {e.Message}).", e);
        }
    }

    /// <summary>The format the first bytes show, or null; leaves the stream where it was.</summary>
    private static OsmFileFormat? Sniff(Stream stream)
    {
        var start = stream.Position;
        var head = new byte[64];
        var read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        stream.Position = start;
        if (read >= 2 && head[0] == 0x1F && head[1] == 0x8B)
        {
            return OsmFileFormat.Xml;
        }

        // A PBF file starts with a 4-byte header length and a BlobHeader whose type is the string "OSMHeader".
        if (read > 4 && head.AsSpan(4, read - 4).IndexOf("OSMHeader"u8) >= 0)
        {
            return OsmFileFormat.Pbf;
        }

        var i = 0;
        if (read >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF)
        {
            i = 3;
        }

        while (i < read && head[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            i++;
        }

        return i < read && head[i] == (byte)'<' ? OsmFileFormat.Xml : null;
    }

    private static bool IsGzip(Stream stream)
    {
        var b0 = stream.ReadByte();
        var b1 = stream.ReadByte();
        return b0 == 0x1F && b1 == 0x8B;
    }

    private static OsmRoads Collect(OsmStreamSource source, RoadProfile profile)
    {
        var coordinates = new Dictionary<long, Coordinate>();
        var ways = new List<(Way Way, string Highway)>();
        var restrictions = new List<OsmTurnRestriction>();
        var ignored = 0;
        foreach (var element in source)
        {
            switch (element)
            {
                case Node { Id: { } id, Latitude: { } lat, Longitude: { } lon }:
                    if (lat is < -90 or > 90 || lon is < -180 or > 180 || !double.IsFinite(lat) || !double.IsFinite(lon))
                    {
                        throw new RoadDataException($"Node {id} lies outside the earth ({lat}, {lon}).");
                    }

                    coordinates[id] = new Coordinate(lat, lon);
                    break;
                case Way { Id: not null, Nodes.Length: >= 2 } way when Tag(way.Tags, "highway") is { } highway && profile.IsDrivable(highway):
                    ways.Add((way, highway));
                    break;
                case Relation relation when Tag(relation.Tags, "type") == "restriction":
                    switch (ReadRestriction(relation))
                    {
                        case { } read:
                            restrictions.AddRange(read);
                            break;
                        default:
                            ignored++;
                            break;
                    }

                    break;
            }
        }

        var roads = new List<OsmRoad>();
        foreach (var (way, highway) in ways)
        {
            if (ToRoad(way, highway, profile, coordinates) is { } road)
            {
                roads.Add(road);
            }
        }

        return new OsmRoads(coordinates, roads, restrictions, ignored);
    }

    private static OsmRoad? ToRoad(Way way, string highway, RoadProfile profile, Dictionary<long, Coordinate> coordinates)
    {
        var tags = way.Tags;
        if (Tag(tags, "area") == "yes" || !CarsAllowed(tags))
        {
            return null;
        }

        var (forward, backward) = Directions(tags, highway);
        if (!forward && !backward)
        {
            return null;
        }

        // Extracts clip ways at their border: nodes outside are simply absent, and the road keeps what is inside.
        var ids = way.Nodes.Where(coordinates.ContainsKey).ToArray();
        if (ids.Length < 2)
        {
            return null;
        }

        var speed = MaxSpeed.Parse(Tag(tags, "maxspeed")) ?? profile.Speeds[highway];
        speed = Math.Clamp(double.IsPositiveInfinity(speed) ? profile.Speeds[highway] : speed, 5, profile.MaxSpeedKmh);
        var layer = int.TryParse(Tag(tags, "layer"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? l : 0;
        var record = new RoadWay(way.Id!.Value, Tag(tags, "name"), highway, forward != backward, IsSet(Tag(tags, "tunnel")),
            IsSet(Tag(tags, "bridge")), layer, speed, [.. ids.Select(id => coordinates[id])]);
        return new OsmRoad(record, ids, forward, backward);
    }

    /// <summary>The most specific access tag decides (motorcar over motor_vehicle over vehicle over access).</summary>
    private static bool CarsAllowed(TagsCollectionBase? tags)
    {
        foreach (var key in (string[])["motorcar", "motor_vehicle", "vehicle", "access"])
        {
            if (Tag(tags, key) is { } value)
            {
                return !NoAccess.Contains(value);
            }
        }

        return true;
    }

    private static (bool Forward, bool Backward) Directions(TagsCollectionBase? tags, string highway)
    {
        var oneway = Tag(tags, "oneway:motorcar") ?? Tag(tags, "oneway:motor_vehicle") ?? Tag(tags, "oneway");
        switch (oneway)
        {
            case "yes" or "1" or "true":
                return (true, false);
            case "-1" or "reverse":
                return (false, true);
            case "no" or "0" or "false":
                return (true, true);
            case "reversible" or "alternating":
                // Direction changes by time or signal: no fixed direction to promise, so the way is left out.
                return (false, false);
        }

        var junction = Tag(tags, "junction");
        return highway == "motorway" || junction is "roundabout" or "circular" ? (true, false) : (true, true);
    }

    private static IReadOnlyList<OsmTurnRestriction>? ReadRestriction(Relation relation)
    {
        var tags = relation.Tags;
        var kind = Tag(tags, "restriction:motorcar") ?? Tag(tags, "restriction");
        if (kind is null || Tag(tags, "except") is { } except && except.Split(';').Contains("motorcar", StringComparer.Ordinal))
        {
            return null;
        }

        var only = kind.StartsWith("only_", StringComparison.Ordinal);
        if (!only && !kind.StartsWith("no_", StringComparison.Ordinal))
        {
            return null;
        }

        var members = relation.Members ?? [];
        var from = members.Where(m => m.Role == "from" && m.Type == OsmGeoType.Way).Select(m => m.Id).ToList();
        var to = members.Where(m => m.Role == "to" && m.Type == OsmGeoType.Way).Select(m => m.Id).ToList();
        var via = members.Where(m => m.Role == "via").ToList();
        // Via-way restrictions would need a state per way sequence; only the common via-node form is applied.
        if (from.Count == 0 || to.Count == 0 || via.Count != 1 || via[0].Type != OsmGeoType.Node)
        {
            return null;
        }

        return [.. from.SelectMany(f => to.Select(t => new OsmTurnRestriction(f, via[0].Id, t, only)))];
    }

    private static bool IsSet(string? value) => value is not null && value != "no";

    private static string? Tag(TagsCollectionBase? tags, string key) =>
        tags is not null && tags.TryGetValue(key, out var value) ? value : null;
}
