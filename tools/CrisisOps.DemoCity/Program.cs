using NetTopologySuite.Geometries;
using CrisisOps.DemoCity;

// Generates (and checks) the Krems demo city:
//   dotnet run --project tools/CrisisOps.DemoCity -- --osm krems.osm.gz --out krems-demo.geojson [--png sanity.png]
//   dotnet run --project tools/CrisisOps.DemoCity -- --check --out krems-demo.geojson [--png sanity.png]
// Writing always ends with the check, which re-reads the file.

// Changing the seed reshuffles every boundary below the districts: do it on purpose only.
const ulong Seed = 0x4B52454D53; // "KREMS"

string? osmPath = null;
string? outPath = null;
string? pngPath = null;
var checkOnly = false;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--osm" when i + 1 < args.Length:
            osmPath = args[++i];
            break;
        case "--out" when i + 1 < args.Length:
            outPath = args[++i];
            break;
        case "--png" when i + 1 < args.Length:
            pngPath = args[++i];
            break;
        case "--check":
            checkOnly = true;
            break;
        default:
            return Usage($"unexpected argument '{args[i]}'");
    }
}

if (outPath is null || (osmPath is null && !checkOnly) || (osmPath is not null && checkOnly))
{
    return Usage("give --osm and --out to generate, or --check and --out to check an existing file");
}

if (osmPath is null && !File.Exists(outPath))
{
    return Usage($"no file to check at '{outPath}'");
}

if (osmPath is not null && !File.Exists(osmPath))
{
    return Usage($"no OSM extract at '{osmPath}'");
}

// Construction runs in floating precision; the 1e-6° grid is applied once, to the finished coverage.
var factory = new GeometryFactory();
var grid = new PrecisionModel(1e6);

if (osmPath is not null)
{
    var extract = OsmExtract.Load(osmPath);
    var density = new DensityModel(RegionTreeBuilder.CityOutline(factory), extract.DanubeLines, factory);
    var random = new SplitMix64(Seed);
    var tree = new RegionTreeBuilder(factory, density).Build(grid, random);
    var siteBuilder = new SiteBuilder(factory, density, grid);
    var sites = siteBuilder.Build(extract, tree, random);
    DemoGeoJson.Write(outPath, tree, sites, factory);

    if (extract.UnresolvedWays > 0)
    {
        siteBuilder.Notes.Add($"{extract.UnresolvedWays} school/hospital ways had none of their nodes in the extract.");
    }

    foreach (var note in siteBuilder.Notes)
    {
        Console.WriteLine("note:       " + note);
    }
}

var passed = new DemoCityCheck(factory, Console.Out).Run(outPath);
if (pngPath is not null)
{
    SanityPng.Render(outPath, pngPath, factory);
    Console.WriteLine("picture:    " + pngPath);
}

return passed ? 0 : 1;

static int Usage(string problem)
{
    Console.Error.WriteLine("error: " + problem);
    Console.Error.WriteLine("usage: CrisisOps.DemoCity --osm <extract.osm.gz> --out <demo.geojson> [--png <picture.png>]");
    Console.Error.WriteLine("       CrisisOps.DemoCity --check --out <demo.geojson> [--png <picture.png>]");
    return 2;
}
