using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;

namespace CrisisOps.DemoCity;

/// <summary>
/// A quick look at a demo file without a GIS: communities tinted by district, low-lying ones
/// bluer, old estates hatched, district borders black, sites as coloured squares.
/// Rendered from the file, not from the generator's memory.
/// </summary>
internal static class SanityPng
{
    private const int Width = 1400;

    private static readonly (byte R, byte G, byte B)[] DistrictColours =
    [
        (236, 190, 120), (200, 160, 220), (150, 210, 150), (240, 150, 140),
    ];

    private static readonly Dictionary<string, (byte R, byte G, byte B)> SiteColours = new(StringComparer.Ordinal)
    {
        ["school"] = (255, 220, 0),
        ["hospital"] = (220, 0, 0),
        ["nursing-home"] = (140, 0, 160),
        ["shelter"] = (0, 150, 0),
    };

    public static void Render(string geojsonPath, string pngPath, GeometryFactory factory)
    {
        var options = DemoGeoJson.SerializerOptions(factory);
        using var document = JsonDocument.Parse(File.ReadAllBytes(geojsonPath));
        var communities = new List<(Geometry Shape, int District, bool Low, bool Old, IPointOnGeometryLocator Locator)>();
        var sites = new List<(Coordinate At, string Type)>();
        foreach (var feature in document.RootElement.GetProperty("features").EnumerateArray())
        {
            var p = feature.GetProperty("properties");
            var geometry = feature.GetProperty("geometry");
            if (p.GetProperty("kind").GetString() == "site")
            {
                sites.Add((geometry.Deserialize<Geometry>(options)!.Coordinate, p.GetProperty("site_type").GetString() ?? string.Empty));
            }
            else if (p.GetProperty("level").GetString() == "community")
            {
                var shape = geometry.Deserialize<Geometry>(options)!;
                var code = p.GetProperty("code").GetString() ?? string.Empty;
                var attributes = p.GetProperty("attributes").EnumerateArray().Select(a => a.GetString()).ToList();
                var district = (code[5] - '1') % DistrictColours.Length;
                communities.Add((shape, district, attributes.Contains("low-lying"), attributes.Contains("old-estate"), new IndexedPointInAreaLocator(shape)));
            }
        }

        var env = new Envelope();
        communities.ForEach(c => env.ExpandToInclude(c.Shape.EnvelopeInternal));
        var height = (int)Math.Ceiling(Width * env.Height / (env.Width * LocalPlane.LonScale));
        var owner = new int[Width * height];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < Width; x++)
            {
                var at = new Coordinate(env.MinX + ((x + 0.5) * env.Width / Width), env.MaxY - ((y + 0.5) * env.Height / height));
                owner[(y * Width) + x] = communities.FindIndex(c => c.Shape.EnvelopeInternal.Contains(at) && c.Locator.Locate(at) != Location.Exterior);
            }
        }

        var pixels = new byte[Width * height * 3];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < Width; x++)
            {
                var i = (y * Width) + x;
                var o = owner[i];
                (byte R, byte G, byte B) colour = (255, 255, 255);
                if (o >= 0)
                {
                    var c = communities[o];
                    var shade = 0.85 + (0.15 * (o % 3) / 2.0);
                    var (r, g, b) = DistrictColours[c.District];
                    colour = ((byte)(r * shade), (byte)(g * shade), (byte)(b * shade));
                    if (c.Low)
                    {
                        colour = ((byte)(colour.R * 0.6), (byte)(colour.G * 0.75), (byte)Math.Min(255, colour.B + 70));
                    }

                    if (c.Old && (x + y) % 8 < 2)
                    {
                        colour = (120, 80, 40);
                    }

                    var right = x + 1 < Width ? owner[i + 1] : -1;
                    var below = y + 1 < height ? owner[i + Width] : -1;
                    if (right != o || below != o)
                    {
                        var districtBorder = (right >= 0 && communities[right].District != c.District)
                            || (below >= 0 && communities[below].District != c.District) || right < 0 || below < 0;
                        colour = districtBorder ? ((byte)0, (byte)0, (byte)0) : ((byte)90, (byte)90, (byte)90);
                    }
                }

                Put(pixels, i, colour);
            }
        }

        foreach (var (at, type) in sites)
        {
            var cx = (int)((at.X - env.MinX) / env.Width * Width);
            var cy = (int)((env.MaxY - at.Y) / env.Height * height);
            for (var dy = -4; dy <= 4; dy++)
            {
                for (var dx = -4; dx <= 4; dx++)
                {
                    var (px, py) = (cx + dx, cy + dy);
                    if (px >= 0 && px < Width && py >= 0 && py < height)
                    {
                        var edge = Math.Abs(dx) == 4 || Math.Abs(dy) == 4;
                        Put(pixels, (py * Width) + px, edge ? ((byte)0, (byte)0, (byte)0) : SiteColours.GetValueOrDefault(type, ((byte)0, (byte)0, (byte)0)));
                    }
                }
            }
        }

        File.WriteAllBytes(pngPath, EncodePng(pixels, Width, height));
    }

    private static void Put(byte[] pixels, int index, (byte R, byte G, byte B) colour)
    {
        pixels[index * 3] = colour.R;
        pixels[(index * 3) + 1] = colour.G;
        pixels[(index * 3) + 2] = colour.B;
    }

    private static byte[] EncodePng(byte[] rgb, int width, int height)
    {
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);

        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 2; // truecolour
        WriteChunk(png, "IHDR", header);

        using var raw = new MemoryStream();
        using (var zlib = new ZLibStream(raw, CompressionLevel.Optimal, leaveOpen: true))
        {
            for (var y = 0; y < height; y++)
            {
                zlib.WriteByte(0); // no filter
                zlib.Write(rgb, y * width * 3, width * 3);
            }
        }

        WriteChunk(png, "IDAT", raw.ToArray());
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void WriteChunk(Stream png, string type, byte[] data)
    {
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(number, data.Length);
        png.Write(number);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        png.Write(typeBytes);
        png.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(number, Crc32([.. typeBytes, .. data]));
        png.Write(number);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
