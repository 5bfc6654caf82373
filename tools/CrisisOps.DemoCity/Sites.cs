using System.Globalization;
using NetTopologySuite.Geometries;

namespace CrisisOps.DemoCity;

internal enum SiteType
{
    School,
    Hospital,
    NursingHome,
    Shelter,
}

internal static class SiteTypes
{
    public static string ToWire(this SiteType type) => type switch
    {
        SiteType.School => "school",
        SiteType.Hospital => "hospital",
        SiteType.NursingHome => "nursing-home",
        SiteType.Shelter => "shelter",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    public static string CodePrefix(this SiteType type) => type switch
    {
        SiteType.School => "SITE-SCH",
        SiteType.Hospital => "SITE-HOS",
        SiteType.NursingHome => "SITE-NH",
        SiteType.Shelter => "SITE-SH",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };
}

/// <summary>A vulnerable site. It carries no region: the server finds it by point-in-region.</summary>
internal sealed record Site(string Code, SiteType Type, string NameZh, string NameEn, int? Capacity, string Source, Coordinate LonLat);

/// <summary>Which communities of its subdistrict an invented site prefers.</summary>
internal enum Ground
{
    Any,

    /// <summary>Not low-lying: a flood shelter.</summary>
    High,

    /// <summary>Low-lying: a vulnerable site for flood scenarios to find.</summary>
    Low,
}

/// <summary>An invented site and the subdistrict it is put in.</summary>
internal sealed record InventedSite(SiteType Type, string NameEn, string NameZh, int Capacity, string Subdistrict, Ground Ground);

/// <summary>Schools and hospitals from OSM, nursing homes and shelters made up for the demo.</summary>
internal sealed class SiteBuilder(GeometryFactory factory, DensityModel density, PrecisionModel grid)
{
    private const double MinDistanceFromBoundary = 0.0006;
    private const int PlacementTries = 400;
    private const int PlacementCandidates = 60;

    /// <summary>Chinese renderings of the OSM names; anything else falls back to "学校: name".</summary>
    private static readonly Dictionary<string, string> ChineseNames = new(StringComparer.Ordinal)
    {
        ["Landesklinikum Krems"] = "克雷姆斯州立医院",
        ["Landesklinikum Krems Haupthaus"] = "克雷姆斯州立医院主楼",
        ["BG Rechte Kremszeile"] = "右克雷姆斯河岸街联邦文理中学",
        ["Handelsakademie, Höhere Bundeslehranstalt für Fremdenverkehrsberufe"] = "商业学院暨联邦旅游职业高级学校",
        ["BORG Krems"] = "克雷姆斯联邦高级实科文理中学",
        ["BRG Ringstraße"] = "环城路联邦实科文理中学",
        ["Privat-ORG Krems"] = "克雷姆斯私立高级实科文理中学",
        ["BG/BRG Piaristengasse Krems"] = "克雷姆斯皮亚里斯滕巷联邦文理中学",
        ["Schulzentrum"] = "克雷姆斯学校中心",
    };

    private static readonly InventedSite[] Invented =
    [
        new(SiteType.NursingHome, "Seniorenheim Altstadt", "老城养老院", 120, "KRE-01-01", Ground.Any),
        new(SiteType.NursingHome, "Seniorenresidenz Weinzierl", "魏因齐尔养老院", 80, "KRE-01-02", Ground.Any),
        new(SiteType.NursingHome, "Pflegeheim Stein", "施泰因养老院", 90, "KRE-02-01", Ground.Low),
        new(SiteType.NursingHome, "Pflegeheim Mitterau", "米特劳养老院", 110, "KRE-03-01", Ground.Any),
        new(SiteType.NursingHome, "Seniorenheim Donaulände", "多瑙河滨养老院", 60, "KRE-03-02", Ground.Low),
        new(SiteType.NursingHome, "Seniorenhaus Lerchenfeld", "莱兴费尔德养老院", 70, "KRE-04-01", Ground.Any),
        new(SiteType.Shelter, "Notunterkunft Stadthalle Krems", "克雷姆斯城市大厅避难场所", 600, "KRE-01-01", Ground.High),
        new(SiteType.Shelter, "Notunterkunft Sporthalle Weinzierl", "魏因齐尔体育馆避难场所", 400, "KRE-01-02", Ground.High),
        new(SiteType.Shelter, "Notunterkunft Volksschule Gneixendorf", "格奈克森多夫小学避难场所", 250, "KRE-01-03", Ground.High),
        new(SiteType.Shelter, "Notunterkunft Gemeindesaal Rehberg", "雷贝格社区礼堂避难场所", 200, "KRE-02-03", Ground.High),
        new(SiteType.Shelter, "Notunterkunft Messehalle Mitterau", "米特劳会展中心避难场所", 500, "KRE-03-01", Ground.High),
        new(SiteType.Shelter, "Notunterkunft Mehrzweckhalle Lerchenfeld", "莱兴费尔德多功能厅避难场所", 350, "KRE-04-01", Ground.High),
    ];

    /// <summary>Things worth telling the person who runs the generator.</summary>
    public List<string> Notes { get; } = [];

    public IReadOnlyList<Site> Build(OsmExtract osm, RegionTree tree, SplitMix64 random)
    {
        var sites = new List<Site>();
        var counters = new Dictionary<SiteType, int>();

        foreach (var amenity in osm.Amenities)
        {
            var type = amenity.Amenity == "hospital" ? SiteType.Hospital : SiteType.School;
            var location = Round(amenity.LonLat);
            if (!tree.City.Contains(factory.CreatePoint(location)))
            {
                Notes.Add($"{amenity.Source} ({amenity.Name}) lies outside the city and is left out.");
                continue;
            }

            var label = type == SiteType.Hospital ? "医院" : "学校";
            string nameEn;
            string nameZh;
            if (string.IsNullOrWhiteSpace(amenity.Name))
            {
                nameEn = type == SiteType.Hospital ? "Hospital (unnamed in OSM)" : "School (unnamed in OSM)";
                nameZh = label + ": 未命名";
                Notes.Add($"{amenity.Source} has no name; called \"{nameEn}\".");
            }
            else
            {
                nameEn = amenity.Name;
                nameZh = ChineseNames.GetValueOrDefault(amenity.Name) ?? $"{label}: {amenity.Name}";
            }

            sites.Add(new Site(NextCode(type, counters), type, nameZh, nameEn, null, amenity.Source, location));
        }

        var communities = tree.Communities.ToList();
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var spec in Invented)
        {
            var home = ChooseCommunity(spec, communities, used);
            used.Add(home.Code);
            var location = PlaceInside(home.Boundary!, random);
            sites.Add(new Site(NextCode(spec.Type, counters), spec.Type, spec.NameZh, spec.NameEn, spec.Capacity, "demo", location));
        }

        return sites;
    }

    private Region ChooseCommunity(InventedSite spec, List<Region> communities, HashSet<string> used)
    {
        var candidates = communities
            .Where(c => c.ParentCode == spec.Subdistrict && !used.Contains(c.Code))
            .OrderByDescending(c => c.Population)
            .ThenBy(c => c.Code, StringComparer.Ordinal)
            .ToList();
        if (candidates.Count == 0)
        {
            throw new InvalidOperationException($"No free community in {spec.Subdistrict} for {spec.NameEn}.");
        }

        var preferred = spec.Ground switch
        {
            Ground.High => candidates.FirstOrDefault(c => !c.Attributes.Contains("low-lying")),
            Ground.Low => candidates.FirstOrDefault(c => c.Attributes.Contains("low-lying")),
            _ => candidates[0],
        };
        if (preferred is not null)
        {
            return preferred;
        }

        var wanted = spec.Ground == Ground.High ? "high-ground" : "low-lying";
        Notes.Add($"{spec.NameEn}: no free {wanted} community in {spec.Subdistrict}; placed in {candidates[0].Code}.");
        return candidates[0];
    }

    /// <summary>The densest of a few random points well inside the community and out of the river.</summary>
    private Coordinate PlaceInside(Polygon community, SplitMix64 random)
    {
        var env = community.EnvelopeInternal;
        var boundary = community.Boundary;
        var candidates = new List<Coordinate>();
        for (var i = 0; i < PlacementTries && candidates.Count < PlacementCandidates; i++)
        {
            var c = Round(new Coordinate(env.MinX + (random.NextDouble() * env.Width), env.MinY + (random.NextDouble() * env.Height)));
            var point = factory.CreatePoint(c);
            if (community.Contains(point) && boundary.Distance(point) >= MinDistanceFromBoundary && !density.IsInRiver(c))
            {
                candidates.Add(c);
            }
        }

        if (candidates.Count == 0)
        {
            throw new InvalidOperationException("Could not place an invented site inside its community.");
        }

        return candidates.MaxBy(density.DensityAt)!;
    }

    private Coordinate Round(Coordinate c) => new(grid.MakePrecise(c.X), grid.MakePrecise(c.Y));

    private static string NextCode(SiteType type, Dictionary<SiteType, int> counters)
    {
        var n = counters.GetValueOrDefault(type) + 1;
        counters[type] = n;
        return string.Create(CultureInfo.InvariantCulture, $"{type.CodePrefix()}-{n:000}");
    }
}
