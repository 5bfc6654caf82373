using CrisisOps.Data;
using CrisisOps.Domain.Regions;
using CrisisOps.Domain.Warning;
using CrisisOps.Server.Features.Regions;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;

namespace CrisisOps.Server.Features.Warning;

/// <summary>
/// Maps CAP areas to our leaf regions (communities in a full tree): by polygon or circle (a
/// 32-sided polygon) against the deepest regions that have a boundary, or by a geocode equal to a
/// region code (a geocode naming a county covers every region without children under it). The
/// boundaries are loaded once per region import.
/// </summary>
public sealed class CapAreaMapper(IDbContextFactory<CrisisOpsDbContext> factory, RegionDirectory directory)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private CapAreaMap? _map;

    public async Task<CapAreaMap> GetAsync(CancellationToken ct)
    {
        var snapshot = await directory.GetAsync(ct);
        if (_map is { } current && current.Version == snapshot.Version)
        {
            return current;
        }

        await _gate.WaitAsync(ct);
        try
        {
            if (_map is { } loaded && loaded.Version == snapshot.Version)
            {
                return loaded;
            }

            await using var db = await factory.CreateDbContextAsync(ct);
            var boundaries = (await db.Regions.AsNoTracking().Where(r => r.BoundaryGeoJson != null)
                    .Select(r => new { r.Code, r.BoundaryGeoJson }).ToListAsync(ct))
                .ToDictionary(r => r.Code, r => r.BoundaryGeoJson!, StringComparer.Ordinal);

            // A shape is matched against the deepest regions that have a boundary: where communities
            // were imported without boundaries, their township's boundary is the finest there is.
            var coarser = new HashSet<string>(StringComparer.Ordinal);
            foreach (var code in boundaries.Keys)
            {
                if (snapshot.Find(code) is { } region)
                {
                    coarser.UnionWith(RegionPath.Codes(region.Path).Where(c => !string.Equals(c, code, StringComparison.Ordinal)));
                }
            }

            var parents = snapshot.Regions.Values.Select(r => r.ParentCode).OfType<string>().ToHashSet(StringComparer.Ordinal);
            var leaves = snapshot.Regions.Values
                .Where(r => !parents.Contains(r.Code) || (boundaries.ContainsKey(r.Code) && !coarser.Contains(r.Code)))
                .Select(r => new CapAreaMap.Leaf(r, boundaries.TryGetValue(r.Code, out var json) && !coarser.Contains(r.Code)
                    ? GeoJson.ReadGeometry(json)
                    : null))
                .ToList();
            return _map = new CapAreaMap(snapshot.Version, snapshot, leaves);
        }
        finally
        {
            _gate.Release();
        }
    }
}

/// <summary>The leaf regions with their boundaries, as of one region import.</summary>
public sealed class CapAreaMap(long version, RegionDirectory.Snapshot regions, IReadOnlyList<CapAreaMap.Leaf> leaves)
{
    public sealed record Leaf(RegionInfo Region, Geometry? Boundary);

    private readonly HashSet<string> _parents = regions.Regions.Values.Select(r => r.ParentCode).OfType<string>().ToHashSet(StringComparer.Ordinal);

    public long Version { get; } = version;

    /// <summary>The leaf regions one area touches, by code.</summary>
    public IReadOnlyList<RegionInfo> Cover(CapArea area)
    {
        ArgumentNullException.ThrowIfNull(area);
        var shapes = new List<Geometry>();
        shapes.AddRange(area.Polygons.Select(p => (Geometry)GeoJson.Factory.CreatePolygon(
            [.. p.Points.Select(pt => new Coordinate(pt.Longitude, pt.Latitude))])));
        shapes.AddRange(area.Circles.Select(Circle));
        var named = area.Geocodes.Select(g => regions.Find(g.Value.Trim())).OfType<RegionInfo>().ToList();
        var covered = new List<RegionInfo>();
        foreach (var leaf in leaves)
        {
            // Geocodes name regions with no children below them; shapes meet the finest boundaries.
            if ((named.Any(n => RegionPath.Covers(n.Path, leaf.Region.Path)) && !HasChildren(leaf.Region))
                || (leaf.Boundary is { } boundary && shapes.Any(s => s.EnvelopeInternal.Intersects(boundary.EnvelopeInternal) && boundary.Intersects(s))))
            {
                covered.Add(leaf.Region);
            }
        }

        return [.. covered.OrderBy(r => r.Code, StringComparer.Ordinal)];
    }

    /// <summary>A region by code, or null.</summary>
    public RegionInfo? Region(string code) => regions.Find(code);

    private bool HasChildren(RegionInfo region) => _parents.Contains(region.Code);

    /// <summary>Every leaf region any area of the alert touches.</summary>
    public IReadOnlyList<RegionInfo> Cover(CapAlert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return [.. alert.Infos.SelectMany(i => i.Areas).SelectMany(Cover).DistinctBy(r => r.Code).OrderBy(r => r.Code, StringComparer.Ordinal)];
    }

    /// <summary>The lowest region whose subtree holds all of <paramref name="covered"/>; null for none.</summary>
    public RegionInfo? Home(IReadOnlyList<RegionInfo> covered)
    {
        ArgumentNullException.ThrowIfNull(covered);
        if (covered.Count == 0)
        {
            return null;
        }

        var common = RegionPath.Codes(covered[0].Path).ToList();
        foreach (var region in covered.Skip(1))
        {
            var codes = RegionPath.Codes(region.Path);
            var same = 0;
            while (same < common.Count && same < codes.Count && string.Equals(common[same], codes[same], StringComparison.Ordinal))
            {
                same++;
            }

            common.RemoveRange(same, common.Count - same);
        }

        // Regions in different trees share no ancestor: the warning is then filed under none (system-wide).
        return common.Count == 0 ? null : regions.Find(common[^1]);
    }

    private static Geometry Circle(CapCircle circle)
    {
        const int sides = 32;
        const double kmPerDegree = 111.32;
        var lat = circle.Center.Latitude;
        if (circle.RadiusKm <= 0)
        {
            return GeoJson.Factory.CreatePoint(new Coordinate(circle.Center.Longitude, lat));
        }

        var ring = Enumerable.Range(0, sides + 1).Select(i =>
        {
            var angle = 2 * Math.PI * (i % sides) / sides;
            var dLat = circle.RadiusKm * Math.Sin(angle) / kmPerDegree;
            var dLon = circle.RadiusKm * Math.Cos(angle) / (kmPerDegree * Math.Max(Math.Cos(lat * Math.PI / 180), 0.01));
            return new Coordinate(circle.Center.Longitude + dLon, lat + dLat);
        }).ToArray();
        return GeoJson.Factory.CreatePolygon(ring);
    }
}
