namespace CrisisOps.Routing.Roads;

/// <summary>A uniform grid over the road segments, so snapping looks at the few segments near a point, not all of them.</summary>
internal sealed class SegmentGrid
{
    private const double CellMeters = 100;

    private readonly Dictionary<long, int[]> _cells;
    private readonly RoadGraph _graph;

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
                }
            }
        }

        _cells = cells.ToDictionary(c => c.Key, c => c.Value.ToArray());
    }

    /// <summary>The nearest segment to a point in projected metres, with the fraction along it; null beyond the radius.</summary>
    public (int Segment, double Fraction)? Nearest(double x, double y, double maxMeters)
    {
        var (cx, cy) = (Cell(x), Cell(y));
        var best = -1;
        var bestFraction = 0.0;
        var bestDistance = double.PositiveInfinity;
        var rings = (int)Math.Ceiling(maxMeters / CellMeters) + 1;
        for (var r = 0; r <= rings; r++)
        {
            // Every segment in a ring further out is at least (r - 1) cells away.
            if (best >= 0 && bestDistance < (r - 1) * CellMeters)
            {
                break;
            }

            for (var i = -r; i <= r; i++)
            {
                for (var j = -r; j <= r; j++)
                {
                    if (Math.Max(Math.Abs(i), Math.Abs(j)) != r || !_cells.TryGetValue(Key(cx + i, cy + j), out var segments))
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
        }

        return best >= 0 && bestDistance <= maxMeters + CellMeters ? (best, bestFraction) : null;
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
