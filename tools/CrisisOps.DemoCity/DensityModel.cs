using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Distance;

namespace CrisisOps.DemoCity;

/// <summary>A place where invented residents cluster: a Gaussian bump of <paramref name="People"/>.</summary>
internal sealed record Settlement(string Name, double Lon, double Lat, double People, double SigmaKm);

/// <summary>A grid point of the city with the share of residents it stands for.</summary>
internal readonly record struct Sample(Coordinate Plane, Coordinate LonLat, double Weight);

/// <summary>
/// Invented residential density. The OSM extract only maps buildings in a small part of the
/// city (none in Stein, for example), so building counts would put nobody in whole quarters;
/// instead residents cluster around the real settlement cores, with a thin rural background
/// and nobody in the Danube.
/// </summary>
internal sealed class DensityModel
{
    private const double BackgroundPeople = 4000;
    private const double RiverHalfWidthKm = 0.16;
    private const double SampleSpacingKm = 0.04;

    private static readonly Settlement[] Settlements =
    [
        new("Krems Altstadt", 15.6060, 48.4100, 6000, 0.50),
        new("Stein", 15.5870, 48.4035, 2500, 0.40),
        new("Mitterau", 15.6170, 48.4040, 3500, 0.50),
        new("Lerchenfeld", 15.6400, 48.4070, 3500, 0.60),
        new("Weinzierl", 15.6235, 48.4116, 2500, 0.40),
        new("Gneixendorf", 15.6270, 48.4300, 1200, 0.40),
        new("Rehberg", 15.5830, 48.4230, 1000, 0.40),
        new("Egelsee", 15.5700, 48.4160, 800, 0.30),
        new("Förthof", 15.5700, 48.4030, 400, 0.25),
        new("Hollenburg", 15.6670, 48.3760, 700, 0.30),
        new("Neustift", 15.6636, 48.4111, 300, 0.20),
        new("Neuweidling", 15.6698, 48.4134, 200, 0.20),
    ];

    private readonly IndexedFacetDistance? _river;
    private readonly Polygon _cityPlane;
    private readonly GeometryFactory _factory;

    public DensityModel(Polygon cityLonLat, IReadOnlyList<Coordinate[]> danubeLonLat, GeometryFactory factory)
    {
        _cityPlane = LocalPlane.ToPlane(cityLonLat);
        _factory = factory;
        if (danubeLonLat.Count > 0)
        {
            var lines = danubeLonLat
                .Select(line => factory.CreateLineString(line.Select(LocalPlane.ToPlane).ToArray()))
                .ToArray();
            _river = new IndexedFacetDistance(factory.CreateMultiLineString(lines));
        }
    }

    /// <summary>True when the point (lon/lat) is in the Danube's channel.</summary>
    public bool IsInRiver(Coordinate lonLat) =>
        _river is not null
        && _river.Distance(_factory.CreatePoint(LocalPlane.ToPlane(lonLat))) < RiverHalfWidthKm * LocalPlane.UnitsPerKm;

    /// <summary>Residents per plane unit², up to a common factor.</summary>
    public double DensityAt(Coordinate lonLat)
    {
        if (IsInRiver(lonLat))
        {
            return 0;
        }

        var p = LocalPlane.ToPlane(lonLat);
        var density = BackgroundPeople / _cityPlane.Area;
        foreach (var s in Settlements)
        {
            var sigma = s.SigmaKm * LocalPlane.UnitsPerKm;
            var dx = p.X - (s.Lon * LocalPlane.LonScale);
            var dy = p.Y - s.Lat;
            density += s.People / (2 * Math.PI * sigma * sigma) * Math.Exp(-((dx * dx) + (dy * dy)) / (2 * sigma * sigma));
        }

        return density;
    }

    /// <summary>A regular grid over the city (in the local plane), each point weighted by density.</summary>
    public IReadOnlyList<Sample> SampleCity()
    {
        var locator = new IndexedPointInAreaLocator(_cityPlane);
        var env = _cityPlane.EnvelopeInternal;
        var step = SampleSpacingKm * LocalPlane.UnitsPerKm;
        var cellArea = step * step;
        var samples = new List<Sample>();
        for (var y = env.MinY + (step / 2); y < env.MaxY; y += step)
        {
            for (var x = env.MinX + (step / 2); x < env.MaxX; x += step)
            {
                var plane = new Coordinate(x, y);
                if (locator.Locate(plane) != Location.Interior)
                {
                    continue;
                }

                var lonLat = LocalPlane.ToLonLat(plane);
                samples.Add(new Sample(plane, lonLat, DensityAt(lonLat) * cellArea));
            }
        }

        return samples;
    }
}
