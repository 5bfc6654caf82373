using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;

namespace CrisisOps.Domain.Regions;

/// <summary>
/// Point-in-region: finds the deepest region whose boundary contains a position. Boundaries
/// sit in an STR-tree by envelope and each keeps an indexed point-in-area locator, so a lookup
/// touches only the few polygons whose envelopes contain the point, whatever the tree's size.
/// Immutable once built and safe to share between threads.
/// </summary>
public sealed class RegionLocator
{
    private readonly STRtree<Entry> _index = new();
    private readonly Entry[] _entries;

    /// <param name="boundaries">Regions with a boundary; regions without one are never returned.</param>
    public RegionLocator(IEnumerable<RegionBoundary> boundaries)
    {
        ArgumentNullException.ThrowIfNull(boundaries);
        _entries = [.. boundaries.Select(b => new Entry(b.Code, b.Depth, b.Geometry))];
        foreach (var entry in _entries)
        {
            _index.Insert(entry.Geometry.EnvelopeInternal, entry);
            // Build the lazy point index now: queries then never write, which makes them thread-safe.
            entry.Warm();
        }

        _index.Build();
    }

    public static RegionLocator Empty { get; } = new([]);

    public int Count => _entries.Length;

    /// <summary>The code of the deepest region containing the point (boundary included), or null.</summary>
    public string? Locate(GeoPoint point)
    {
        var coordinate = new Coordinate(point.Longitude, point.Latitude);
        Entry? best = null;
        foreach (var candidate in _index.Query(new Envelope(coordinate)))
        {
            if (IsBetter(candidate, best) && candidate.Contains(coordinate))
            {
                best = candidate;
            }
        }

        return best?.Code;
    }

    /// <summary>The same answer by testing every polygon: the baseline the benchmark compares against.</summary>
    public string? LocateByScan(GeoPoint point)
    {
        var coordinate = new Coordinate(point.Longitude, point.Latitude);
        Entry? best = null;
        foreach (var candidate in _entries)
        {
            if (IsBetter(candidate, best) && candidate.ContainsByScan(coordinate))
            {
                best = candidate;
            }
        }

        return best?.Code;
    }

    private static bool IsBetter(Entry candidate, Entry? best) =>
        best is null
        || candidate.Depth > best.Depth
        || (candidate.Depth == best.Depth && string.CompareOrdinal(candidate.Code, best.Code) < 0);

    private sealed class Entry(string code, int depth, Geometry geometry)
    {
        private readonly IndexedPointInAreaLocator _locator = new(geometry);

        public string Code { get; } = code;

        public int Depth { get; } = depth;

        public Geometry Geometry { get; } = geometry;

        public bool Contains(Coordinate c) => _locator.Locate(c) != Location.Exterior;

        public bool ContainsByScan(Coordinate c) => SimplePointInAreaLocator.Locate(c, Geometry) != Location.Exterior;

        public void Warm() => _locator.Locate(Geometry.EnvelopeInternal.Centre);
    }
}

/// <summary>A region's boundary as the locator needs it.</summary>
public sealed record RegionBoundary(string Code, int Depth, Geometry Geometry);
