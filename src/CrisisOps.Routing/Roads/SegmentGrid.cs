namespace CrisisOps.Routing.Roads;

/// <summary>A uniform grid over the road segments, so snapping looks at the few segments near a point, not all of them.</summary>
internal sealed class SegmentGrid
{
    private const double CellMeters = 100;

    private readonly Dictionary<long, int[]> _cells;
    private readonly RoadGraph _graph;
    private readonly int _minX = int.MaxValue;
    private readonly int _maxX = int.MinValue;
    private readonly int _minY = int.MaxValue;
    private readonly int _maxY = int.MinValue;

    public SegmentGrid(RoadGraph graph)
    {
        _graph = graph;
        var cells = new Dictionary<long, List<int>>();
        for (var s = 0; s < graph.SegmentCount; s++)
        {
            var (a, b) = (graph.SegmentFrom[s], graph.SegmentTo[s]);
            var (x0, x1) = (Cell(Math.Min(graph.X[a], graph.X[b])), Cell(Math.Max(graph.X[a], graph.X[b])));
            var (y0, y1) = (Cell(Math.Min(graph.Y[a], graph.Y[b])), Cell(Math.Max(graph.Y[a], graph.Y[b])));
            for (var cx = x0; cx <= x1; cx++)
            {
                for (var cy = y0; cy <= y1; cy++)
                {
                    var key = Key(cx, cy);
                    if (!cells.TryGetValue(key, out var list))
                    {
                        cells[key] = list = [];
                    }

                    list.Add(s);
                    (_minX, _maxX, _minY, _maxY) = (Math.Min(_minX, cx), Math.Max(_maxX, cx), Math.Min(_minY, cy), Math.Max(_maxY, cy));
                }
            }
        }

        _cells = cells.ToDictionary(c => c.Key, c => c.Value.ToArray());
    }

    /// <summary>The nearest segment to a point in projected metres, with the fraction along it; null beyond the radius.</summary>
    public (int Segment, double Fraction)? Nearest(double x, double y, double maxMeters)
    {
        if (_cells.Count == 0)
        {
            return null;
        }

        var (cx, cy) = (Cell(x), Cell(y));
        var best = -1;
        var bestFraction = 0.0;
        var bestDistance = double.PositiveInfinity;
        // Rings beyond the radius, or beyond the cells that hold any segment, cannot hold a nearer one.
        var rings = (int)Math.Min(Math.Ceiling(maxMeters / CellMeters) + 1,
            Math.Max(Math.Max(Math.Abs(cx - _minX), Math.Abs(cx - _maxX)), Math.Max(Math.Abs(cy - _minY), Math.Abs(cy - _maxY))));
        for (var r = 0; r <= rings; r++)
        {
            // Every segment in a ring further out is at least (r - 1) cells away.
            if (best >= 0 && bestDistance < (r - 1) * CellMeters)
            {
                break;
            }

            foreach (var (i, j) in Ring(r))
            {
                if (!_cells.TryGetValue(Key(cx + i, cy + j), out var segments))
                {
                    continue;
                }

                foreach (var s in segments)
                {
                    var (distance, fraction) = Project(s, x, y);
                    if (distance < bestDistance || (distance == bestDistance && s < best))
                    {
                        (best, bestFraction, bestDistance) = (s, fraction, distance);
                    }
                }
            }
        }

        return best >= 0 && bestDistance <= maxMeters + CellMeters ? (best, bestFraction) : null;
    }

    /// <summary>The cell offsets at Chebyshev distance <paramref name="r"/>: the perimeter only, each once.</summary>
    private static IEnumerable<(int I, int J)> Ring(int r)
    {
        if (r == 0)
        {
            yield return (0, 0);
            yield break;
        }

        for (var i = -r; i <= r; i++)
        {
            yield return (i, -r);
            yield return (i, r);
        }

        for (var j = -r + 1; j <= r - 1; j++)
        {
            yield return (-r, j);
            yield return (r, j);
        }
    }

    private (double Distance, double Fraction) Project(int s, double x, double y)
    {
        var (a, b) = (_graph.SegmentFrom[s], _graph.SegmentTo[s]);
        var (ax, ay, bx, by) = (_graph.X[a], _graph.Y[a], _graph.X[b], _graph.Y[b]);
        var (dx, dy) = (bx - ax, by - ay);
        var length2 = (dx * dx) + (dy * dy);
        var t = length2 == 0 ? 0 : Math.Clamp((((x - ax) * dx) + ((y - ay) * dy)) / length2, 0, 1);
        var (px, py) = (ax + (t * dx), ay + (t * dy));
        return (Math.Sqrt(((x - px) * (x - px)) + ((y - py) * (y - py))), t);
    }

    private static int Cell(double meters) => (int)Math.Floor(meters / CellMeters);

    private static long Key(int cx, int cy) => ((long)cx << 32) | (uint)cy;
}
