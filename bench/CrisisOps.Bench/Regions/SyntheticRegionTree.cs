using CrisisOps.Domain.Regions;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Valid;

namespace CrisisOps.Bench.Regions;

/// <summary>
/// A deterministic tree of 10,111 regions: 1 province → 10 cities → 100 counties → 1,000
/// townships → 9,000 communities. Communities are the cells of a 150 × 60 lattice whose corners
/// are jittered and whose edges wiggle through 4–8 extra vertices, so a community has 20–36
/// vertices and no two are alike. A higher region is a block of cells traced along its
/// children's edges, so the tree tiles without gaps or overlaps, as real divisions do, and
/// higher regions have long boundaries (a township about 80 vertices, the province about 2,900).
/// </summary>
public static class SyntheticRegionTree
{
    // How each region splits at the next level, as (columns, rows) of equal blocks of cells.
    private static readonly (int Columns, int Rows)[] Splits = [(5, 2), (2, 5), (5, 2), (3, 3)];

    private const double West = 110.0;
    private const double South = 30.0;
    private const double CellDegrees = 0.02;

    /// <summary>Regions in level order (province first), as an import file lists them.</summary>
    /// <exception cref="InvalidOperationException">A generated polygon is invalid (a generator bug).</exception>
    public static IReadOnlyList<RegionBoundary> Build(int seed)
    {
        var columns = Splits.Aggregate(1, (n, s) => n * s.Columns);
        var rows = Splits.Aggregate(1, (n, s) => n * s.Rows);
        var lattice = new Lattice(columns, rows, seed);

        var boundaries = new List<RegionBoundary>();
        List<Block> level = [new Block("SYN", 0, 0, columns, rows)];
        for (var depth = 1; ; depth++)
        {
            foreach (var block in level)
            {
                var polygon = lattice.Trace(block);
                var validity = new IsValidOp(polygon).ValidationError;
                if (validity is not null)
                {
                    throw new InvalidOperationException($"Synthetic region {block.Code} is invalid: {validity}");
                }

                boundaries.Add(new RegionBoundary(block.Code, depth, polygon));
            }

            if (depth > Splits.Length)
            {
                return boundaries;
            }

            level = [.. level.SelectMany(b => b.Split(Splits[depth - 1]))];
        }
    }

    private sealed record Block(string Code, int Column, int Row, int Columns, int Rows)
    {
        public IEnumerable<Block> Split((int Columns, int Rows) split)
        {
            var width = Columns / split.Columns;
            var height = Rows / split.Rows;
            var number = 0;
            for (var r = 0; r < split.Rows; r++)
            {
                for (var c = 0; c < split.Columns; c++)
                {
                    number++;
                    yield return new Block($"{Code}-{number:00}", Column + (c * width), Row + (r * height), width, height);
                }
            }
        }
    }

    /// <summary>Corners and edges shared by neighbouring cells, so shared borders are identical.</summary>
    private sealed class Lattice
    {
        private readonly Coordinate[,] _corners;
        private readonly Coordinate[,][] _horizontal; // [i, j]: between corners (i, j) and (i + 1, j)
        private readonly Coordinate[,][] _vertical; // [i, j]: between corners (i, j) and (i, j + 1)

        public Lattice(int columns, int rows, int seed)
        {
            var random = new Random(seed);
            _corners = new Coordinate[columns + 1, rows + 1];
            for (var i = 0; i <= columns; i++)
            {
                for (var j = 0; j <= rows; j++)
                {
                    _corners[i, j] = new Coordinate(
                        West + ((i + Jitter(random, 0.15)) * CellDegrees),
                        South + ((j + Jitter(random, 0.15)) * CellDegrees));
                }
            }

            _horizontal = new Coordinate[columns, rows + 1][];
            for (var i = 0; i < columns; i++)
            {
                for (var j = 0; j <= rows; j++)
                {
                    _horizontal[i, j] = Wiggle(_corners[i, j], _corners[i + 1, j], random);
                }
            }

            _vertical = new Coordinate[columns + 1, rows][];
            for (var i = 0; i <= columns; i++)
            {
                for (var j = 0; j < rows; j++)
                {
                    _vertical[i, j] = Wiggle(_corners[i, j], _corners[i, j + 1], random);
                }
            }
        }

        /// <summary>The block's boundary, counter-clockwise from its south-west corner.</summary>
        public Polygon Trace(Block block)
        {
            var (i0, j0) = (block.Column, block.Row);
            var (i1, j1) = (block.Column + block.Columns, block.Row + block.Rows);
            var ring = new List<Coordinate>();
            for (var i = i0; i < i1; i++)
            {
                ring.Add(_corners[i, j0]);
                ring.AddRange(_horizontal[i, j0]);
            }

            for (var j = j0; j < j1; j++)
            {
                ring.Add(_corners[i1, j]);
                ring.AddRange(_vertical[i1, j]);
            }

            for (var i = i1 - 1; i >= i0; i--)
            {
                ring.Add(_corners[i + 1, j1]);
                AddReversed(ring, _horizontal[i, j1]);
            }

            for (var j = j1 - 1; j >= j0; j--)
            {
                ring.Add(_corners[i0, j + 1]);
                AddReversed(ring, _vertical[i0, j]);
            }

            ring.Add(_corners[i0, j0]);
            return GeoJson.Factory.CreatePolygon([.. ring.Select(c => c.Copy())]);
        }

        private static void AddReversed(List<Coordinate> ring, Coordinate[] points)
        {
            for (var k = points.Length - 1; k >= 0; k--)
            {
                ring.Add(points[k]);
            }
        }

        private static double Jitter(Random random, double amplitude) => ((random.NextDouble() * 2) - 1) * amplitude;

        // Points strictly between a and b, pushed sideways by up to 12 % of the edge's length,
        // tapering to nothing at the corners so neighbouring edges cannot cross.
        private static Coordinate[] Wiggle(Coordinate a, Coordinate b, Random random)
        {
            var points = new Coordinate[random.Next(4, 9)];
            var (dx, dy) = (b.X - a.X, b.Y - a.Y);
            for (var k = 0; k < points.Length; k++)
            {
                var t = (k + 1.0) / (points.Length + 1);
                var offset = Jitter(random, 0.12) * Math.Sin(Math.PI * t);
                points[k] = new Coordinate(a.X + (t * dx) - (offset * dy), a.Y + (t * dy) + (offset * dx));
            }

            return points;
        }
    }
}
