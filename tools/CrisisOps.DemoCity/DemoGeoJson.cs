using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using NetTopologySuite.Algorithm;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;

namespace CrisisOps.DemoCity;

/// <summary>
/// Writes the demo FeatureCollection: regions parent-before-child, then sites, one feature per
/// line so that a regenerated file diffs readably.
/// </summary>
internal static class DemoGeoJson
{
    public const string Attribution =
        "Demo data. School and hospital locations © OpenStreetMap contributors, ODbL 1.0. Administrative divisions are fictitious.";

    /// <summary>Rings are oriented here (RFC 7946) so that the checker can see the file as written.</summary>
    public static JsonSerializerOptions SerializerOptions(GeometryFactory factory) => new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new GeoJsonConverterFactory(factory, false, "id", RingOrientationOption.DoNotModify, false) },
    };

    public static void Write(string path, RegionTree tree, IReadOnlyList<Site> sites, GeometryFactory factory)
    {
        var options = SerializerOptions(factory);
        var features = tree.Regions.Select(r => Feature(options, r.Boundary is null ? null : Rfc7946(r.Boundary, factory), w =>
        {
            w.WriteString("kind", "region");
            w.WriteString("code", r.Code);
            if (r.ParentCode is null)
            {
                w.WriteNull("parent");
            }
            else
            {
                w.WriteString("parent", r.ParentCode);
            }

            w.WriteString("level", r.Level.ToWire());
            w.WriteString("name_zh", r.NameZh);
            w.WriteString("name_en", r.NameEn);
            w.WriteNumber("population", r.Population);
            w.WriteStartArray("attributes");
            foreach (var attribute in r.Attributes)
            {
                w.WriteStringValue(attribute);
            }

            w.WriteEndArray();
            w.WriteBoolean("demo", true);
        })).Concat(sites.Select(s => Feature(options, factory.CreatePoint(s.LonLat), w =>
        {
            w.WriteString("kind", "site");
            w.WriteString("code", s.Code);
            w.WriteString("site_type", s.Type.ToWire());
            w.WriteString("name_zh", s.NameZh);
            w.WriteString("name_en", s.NameEn);
            if (s.Capacity is { } capacity)
            {
                w.WriteNumber("capacity", capacity);
            }

            w.WriteString("source", s.Source);
            w.WriteBoolean("demo", true);
        })));

        var text = new StringBuilder()
            .Append("{\"type\":\"FeatureCollection\",\"attribution\":")
            .Append(JsonSerializer.Serialize(Attribution, options))
            .Append(",\"features\":[\n")
            .AppendJoin(",\n", features)
            .Append("\n]}\n")
            .ToString();

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    }

    /// <summary>Exterior ring counter-clockwise, holes clockwise (RFC 7946 §3.1.6).</summary>
    public static Polygon Rfc7946(Polygon polygon, GeometryFactory factory)
    {
        return factory.CreatePolygon(
            Oriented(polygon.Shell, counterClockwise: true, factory),
            polygon.Holes.Select(h => Oriented(h, counterClockwise: false, factory)).ToArray());
    }

    private static LinearRing Oriented(LinearRing ring, bool counterClockwise, GeometryFactory factory)
    {
        var coordinates = ring.Coordinates.Select(c => c.Copy()).ToArray();
        if (Orientation.IsCCW(coordinates) != counterClockwise)
        {
            Array.Reverse(coordinates);
        }

        return factory.CreateLinearRing(coordinates);
    }

    private static string Feature(JsonSerializerOptions options, Geometry? geometry, Action<Utf8JsonWriter> writeProperties)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = options.Encoder }))
        {
            w.WriteStartObject();
            w.WriteString("type", "Feature");
            w.WritePropertyName("geometry");
            if (geometry is null)
            {
                w.WriteNullValue();
            }
            else
            {
                JsonSerializer.Serialize(w, geometry, options);
            }

            w.WritePropertyName("properties");
            w.WriteStartObject();
            writeProperties(w);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
