namespace CrisisOps.Routing.Roads;

/// <summary>Whether a road segment is inside or crosses a closure polygon (planar longitude/latitude).</summary>
internal sealed class AreaTest
{
    private readonly Coordinate[] _ring;
    private readonly double _minLat;
    private readonly double _maxLat;
    private readonly double _minLon;
    private readonly double _maxLon;

    /// <exception cref="RoadDataException">The ring has fewer than three points or a coordinate off the earth.</exception>
    public AreaTest(IReadOnlyList<Coordinate> ring, int index)
    {
        if (ring is null || ring.Count < 3)
        {
            throw new RoadDataException($"Closure area {index} needs at least three points.");
        }

        if (ring.Any(c => !double.IsFinite(c.Latitude) || !double.IsFinite(c.Longitude) || Math.Abs(c.Latitude) > 90 || Math.Abs(c.Longitude) > 180))
        {
            throw new RoadDataException($"Closure area {index} has a point outside the earth.");
        }

        _ring = [.. ring];
        _minLat = _ring.Min(c => c.Latitude);
        _maxLat = _ring.Max(c => c.Latitude);
        _minLon = _ring.Min(c => c.Longitude);
        _maxLon = _ring.Max(c => c.Longitude);
    }

    public bool Touches(Coordinate a, Coordinate b)
    {
        if (Math.Max(a.Latitude, b.Latitude) < _minLat || Math.Min(a.Latitude, b.Latitude) > _maxLat
            || Math.Max(a.Longitude, b.Longitude) < _minLon || Math.Min(a.Longitude, b.Longitude) > _maxLon)
        {
            return false;
        }

        if (Contains(a) || Contains(b))
        {
            return true;
        }

        for (int i = 0, j = _ring.Length - 1; i < _ring.Length; j = i++)
        {
            if (Cross(a, b, _ring[j], _ring[i]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Even-odd ray casting; the ring may or may not repeat its first point.</summary>
    private bool Contains(Coordinate p)
    {
        var inside = false;
        for (int i = 0, j = _ring.Length - 1; i < _ring.Length; j = i++)
        {
            var (pi, pj) = (_ring[i], _ring[j]);
            if ((pi.Latitude > p.Latitude) != (pj.Latitude > p.Latitude)
                && p.Longitude < ((pj.Longitude - pi.Longitude) * (p.Latitude - pi.Latitude) / (pj.Latitude - pi.Latitude)) + pi.Longitude)
            {
                inside = !inside;
            }
        }

        return inside;
    }

    private static bool Cross(Coordinate p1, Coordinate p2, Coordinate q1, Coordinate q2)
    {
        var d1 = Orientation(q1, q2, p1);
        var d2 = Orientation(q1, q2, p2);
        var d3 = Orientation(p1, p2, q1);
        var d4 = Orientation(p1, p2, q2);
        return ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0));
    }

    private static double Orientation(Coordinate a, Coordinate b, Coordinate c) =>
        ((b.Longitude - a.Longitude) * (c.Latitude - a.Latitude)) - ((b.Latitude - a.Latitude) * (c.Longitude - a.Longitude));
}
