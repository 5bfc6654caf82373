using System.Globalization;
using System.Text.Json;

namespace CrisisOps.Bench.Warning;

/// <summary>
/// The readings both paths write. Reading n goes to station n mod 100, with a time in the last
/// 12 hours and a value inside the valid range; its id is a one-letter prefix (one per run, so
/// every run stores new rows) and n, so ids have the same length on both paths.
/// </summary>
internal sealed class ReadingSeries(DateTimeOffset start)
{
    private const double West = 16.0;
    private const double South = 48.0;
    private const double Size = 1.0;

    public const string RegionCode = "BENCH-P";

    public const string RegionPath = "/" + RegionCode + "/";

    /// <summary>One province with a rectangular boundary; every station lies inside it.</summary>
    public static string RegionGeoJson { get; } = JsonSerializer.Serialize(new
    {
        type = "FeatureCollection",
        features = new[]
        {
            new
            {
                type = "Feature",
                geometry = new
                {
                    type = "Polygon",
                    coordinates = new[] { new[] { new[] { West, South }, [West + Size, South], [West + Size, South + Size], [West, South + Size], [West, South] } },
                },
                properties = new
                {
                    kind = "region", code = RegionCode, parent = (string?)null, level = "province", name_zh = "基准省", name_en = "Bench province",
                    population = 1_000_000, attributes = Array.Empty<string>(),
                },
            },
        },
    });

    public static string StationCode(int i) => string.Create(CultureInfo.InvariantCulture, $"BENCH-S{i:D3}");

    public static (double Lat, double Lon) StationLocation(int i) =>
        (South + 0.05 + 0.9 * (i / 10) / 10.0, West + 0.05 + 0.9 * (i % 10) / 10.0);

    public static string ReadingId(char prefix, int n) => string.Create(CultureInfo.InvariantCulture, $"{prefix}{n:D7}");

    public string Station(int n) => StationCode(n % IngestOptions.Stations);

    // Times repeat after 10 hours; ids never do, and only (station, id) is unique.
    public DateTimeOffset Time(int n) => start.AddMilliseconds(n % 360_000 * 100.0);

    public static double Value(int n) => 1.0 + n % 5_000 / 100.0;

    /// <summary>Request bodies of at most 1,000 readings each, serialised before the clock starts.</summary>
    public byte[][] Bodies(char prefix, int readings)
    {
        var bodies = new byte[(readings + IngestOptions.BatchSize - 1) / IngestOptions.BatchSize][];
        for (var b = 0; b < bodies.Length; b++)
        {
            using var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                json.WriteStartArray("items");
                for (var n = b * IngestOptions.BatchSize; n < Math.Min(readings, (b + 1) * IngestOptions.BatchSize); n++)
                {
                    json.WriteStartObject();
                    json.WriteString("station", Station(n));
                    json.WriteString("readingId", ReadingId(prefix, n));
                    json.WriteString("time", Time(n));
                    json.WriteNumber("value", Value(n));
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            bodies[b] = buffer.ToArray();
        }

        return bodies;
    }

    public static int CountIn(byte[] body)
    {
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("items").GetArrayLength();
    }
}
