using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CrisisOps.Testing;

/// <summary>
/// A small jurisdiction tree of its own for one test, placed at a spot no other world uses, so
/// tests never share regions: province → city → county A and county B → one township each →
/// two communities each (north and south halves). Boundaries are axis-aligned rectangles.
/// </summary>
public sealed class RegionWorld
{
    private static int _next;
    private const double Size = 0.8;

    private RegionWorld(int number, string letter)
    {
        Number = number;
        Prefix = string.Create(CultureInfo.InvariantCulture, $"{letter}{number}");
        West = -179 + (number % 300) * 1.0;
        South = -70 + (number / 300) * 1.0;
    }

    public int Number { get; }

    public string Prefix { get; private set; }

    public double West { get; }

    public double South { get; }

    public string Province => Prefix + "-P";

    public string City => Prefix + "-C";

    public string CountyA => Prefix + "-A";

    public string CountyB => Prefix + "-B";

    public string TownshipA => CountyA + "-T";

    public string TownshipB => CountyB + "-T";

    public string CommunityA1 => TownshipA + "-1";

    public string CommunityA2 => TownshipA + "-2";

    public string CommunityB1 => TownshipB + "-1";

    public string CommunityB2 => TownshipB + "-2";

    public static RegionWorld Next() => new(Interlocked.Increment(ref _next), "W");

    /// <summary>A world whose codes differ from <paramref name="other"/>'s only in letter case (lower-case "w").</summary>
    public static RegionWorld CaseTwinOf(RegionWorld other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var twin = new RegionWorld(Interlocked.Increment(ref _next), "w");
        twin.Prefix = "w" + other.Prefix[1..];
        return twin;
    }

    /// <summary>A point well inside the given community (north half is "-1", south half "-2").</summary>
    public (double Lat, double Lon) PointIn(string community)
    {
        var east = community.StartsWith(CountyB, StringComparison.Ordinal);
        var north = community.EndsWith("-1", StringComparison.Ordinal);
        return (South + (north ? 0.6 : 0.2) * Size, West + (east ? 0.75 : 0.25) * Size);
    }

    /// <summary>Path of a region in this world.</summary>
    public string PathOf(string code)
    {
        var chain = new List<string> { Province, City };
        if (code.StartsWith(CountyA, StringComparison.Ordinal) || code.StartsWith(CountyB, StringComparison.Ordinal))
        {
            var county = code[..(Prefix.Length + 2)];
            chain.Add(county);
            if (code.Length > county.Length)
            {
                chain.Add(county + "-T");
                if (code.Length > county.Length + 2)
                {
                    chain.Add(code);
                }
            }
        }
        else if (code == Province)
        {
            chain = [Province];
        }

        return "/" + string.Concat(chain.Select(c => c + "/"));
    }

    /// <summary>The world as an import document (GeoJSON FeatureCollection).</summary>
    public string ToGeoJson() => Features().ToJsonString();

    public JsonObject Features()
    {
        var w = West;
        var s = South;
        var mid = w + Size / 2;
        var midLat = s + Size / 2;
        var features = new JsonArray
        {
            Region(Province, null, "province", Rect(w, s, w + Size, s + Size)),
            Region(City, Province, "city", Rect(w, s, w + Size, s + Size)),
            Region(CountyA, City, "county", Rect(w, s, mid, s + Size)),
            Region(CountyB, City, "county", Rect(mid, s, w + Size, s + Size)),
            Region(TownshipA, CountyA, "township", Rect(w, s, mid, s + Size)),
            Region(TownshipB, CountyB, "township", Rect(mid, s, w + Size, s + Size)),
            Region(CommunityA1, TownshipA, "community", Rect(w, midLat, mid, s + Size), ["low-lying"]),
            Region(CommunityA2, TownshipA, "community", Rect(w, s, mid, midLat)),
            Region(CommunityB1, TownshipB, "community", Rect(mid, midLat, w + Size, s + Size)),
            Region(CommunityB2, TownshipB, "community", Rect(mid, s, w + Size, midLat)),
            Site(Prefix + "-NH", "nursing-home", PointIn(CommunityA1)),
            Site(Prefix + "-SCH", "school", PointIn(CommunityB2)),
        };
        return new JsonObject { ["type"] = "FeatureCollection", ["features"] = features };
    }

    public static JsonObject Region(string code, string? parent, string level, JsonNode? geometry, string[]? attributes = null) => new()
    {
        ["type"] = "Feature",
        ["geometry"] = geometry,
        ["properties"] = new JsonObject
        {
            ["kind"] = "region",
            ["code"] = code,
            ["parent"] = parent,
            ["level"] = level,
            ["name_zh"] = "测试" + code,
            ["name_en"] = "Test " + code,
            ["population"] = 1000,
            ["attributes"] = new JsonArray([.. (attributes ?? []).Select(a => (JsonNode)JsonValue.Create(a))]),
        },
    };

    public static JsonObject Site(string code, string type, (double Lat, double Lon) at) => new()
    {
        ["type"] = "Feature",
        ["geometry"] = new JsonObject { ["type"] = "Point", ["coordinates"] = new JsonArray(at.Lon, at.Lat) },
        ["properties"] = new JsonObject
        {
            ["kind"] = "site",
            ["code"] = code,
            ["site_type"] = type,
            ["name_zh"] = "站点" + code,
            ["name_en"] = "Site " + code,
            ["capacity"] = 50,
        },
    };

    /// <summary>A counter-clockwise rectangle polygon (RFC 7946 orientation).</summary>
    public static JsonObject Rect(double west, double south, double east, double north) => new()
    {
        ["type"] = "Polygon",
        ["coordinates"] = new JsonArray(new JsonArray(
            new JsonArray(west, south), new JsonArray(east, south), new JsonArray(east, north),
            new JsonArray(west, north), new JsonArray(west, south))),
    };

    public static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
