using System.Diagnostics;
using System.Globalization;
using CrisisOps.Routing.Roads;

namespace CrisisOps.Bench.Roads;

/// <summary>
/// <c>roads [--points 200] [--file PATH] [--seed N]</c>: loads an extract (the Krems demo by default), prepares the
/// router, snaps seeded random points inside the network's bounds, and times the hierarchy's many-to-many matrix
/// against one plain Dijkstra per source in the same run, checking that both give the same times.
/// </summary>
internal static class RoadMatrixDriver
{
    public const string Command = "roads";

    public static int Run(string[] args)
    {
        var points = IntOption(args, "--points") ?? 200;
        var seed = IntOption(args, "--seed") ?? 1;
        var file = BenchArgs.Option(args, "--file") ?? DefaultFile();
        var ci = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(ci, $"file {file}, {points} points, seed {seed}, {Environment.ProcessorCount} cores"));

        var clock = Stopwatch.StartNew();
        var network = RoadNetwork.Load(file);
        var load = clock.Elapsed;
        Console.WriteLine(string.Create(ci,
            $"load        {load.TotalMilliseconds,9:F0} ms   {network.Ways.Count} ways, {network.NodeCount} nodes, {network.EdgeCount} directed edges, {network.TurnRestrictions} turn restrictions ({network.IgnoredTurnRestrictions} ignored)"));

        clock.Restart();
        var router = network.Router(RoadClosures.None);
        var prepare = clock.Elapsed;
        Console.WriteLine(string.Create(ci, $"prepare     {prepare.TotalMilliseconds,9:F0} ms   {router.ShortcutCount} shortcuts"));

        // Closures prepare a router of their own: time one again now the code is warm, with the busiest way shut.
        var busiest = network.Ways.MaxBy(w => w.Geometry.Count)!;
        clock.Restart();
        var closedRouter = network.Router(new RoadClosures(new HashSet<long> { busiest.Id }, []));
        var reprepare = clock.Elapsed;
        Console.WriteLine(string.Create(ci,
            $"re-prepare  {reprepare.TotalMilliseconds,9:F0} ms   warm, way {busiest.Id} closed ({closedRouter.ShortcutCount} shortcuts)"));

        var snapped = RandomPoints(network, points, seed, out var snapTime, out var tries);
        Console.WriteLine(string.Create(ci,
            $"snap        {snapTime.TotalMilliseconds,9:F1} ms   {snapped.Count} points snapped of {tries} drawn in the bounds (max 500 m)"));

        // Warm both up (JIT) on a few points, so neither pays the compiler inside the timing.
        router.Matrix(snapped.Take(5).ToList());
        router.MatrixByDijkstra(snapped.Take(5).ToList());

        var runs = new List<double>();
        TravelMatrix? ch = null;
        for (var r = 0; r < 5; r++)
        {
            clock.Restart();
            ch = router.Matrix(snapped);
            runs.Add(clock.Elapsed.TotalMilliseconds);
        }

        runs.Sort();
        var chMs = runs[runs.Count / 2];
        clock.Restart();
        var dijkstra = router.MatrixByDijkstra(snapped);
        var dijkstraMs = clock.Elapsed.TotalMilliseconds;

        var maxDiff = 0.0;
        var unreachable = 0;
        var mismatched = 0;
        for (var i = 0; i < snapped.Count; i++)
        {
            for (var j = 0; j < snapped.Count; j++)
            {
                var (a, b) = (ch!.Seconds(i, j), dijkstra.Seconds(i, j));
                if (double.IsInfinity(a) || double.IsInfinity(b))
                {
                    unreachable += double.IsInfinity(a) ? 1 : 0;
                    mismatched += double.IsInfinity(a) != double.IsInfinity(b) ? 1 : 0;
                    continue;
                }

                maxDiff = Math.Max(maxDiff, Math.Abs(a - b));
            }
        }

        var cells = snapped.Count * snapped.Count;
        Console.WriteLine(string.Create(ci, $"matrix CH   {chMs,9:F1} ms   {cells} cells, median of {runs.Count} (runs {string.Join(", ", runs.Select(x => x.ToString("F1", ci)))} ms)"));
        Console.WriteLine(string.Create(ci, $"Dijkstra    {dijkstraMs,9:F1} ms   one search per source, stopping when all targets are settled"));
        Console.WriteLine(string.Create(ci, $"ratio       {dijkstraMs / chMs,9:F1} x"));
        Console.WriteLine(string.Create(ci,
            $"check       max |CH - Dijkstra| = {maxDiff:G3} s over reachable cells; {unreachable} unreachable; {mismatched} cells reachable in one but not the other"));

        clock.Restart();
        var paths = 0;
        for (var i = 0; i + 1 < snapped.Count; i++)
        {
            paths += router.Path(snapped[i], snapped[i + 1]) is null ? 0 : 1;
        }

        Console.WriteLine(string.Create(ci, $"paths       {clock.Elapsed.TotalMilliseconds / Math.Max(1, snapped.Count - 1),9:F3} ms each, with geometry ({paths} found)"));
        return mismatched == 0 && maxDiff < 1e-6 ? 0 : 1;
    }

    private static List<SnappedPoint> RandomPoints(RoadNetwork network, int count, int seed, out TimeSpan elapsed, out int tries)
    {
        var all = network.Ways.SelectMany(w => w.Geometry).ToList();
        var (minLat, maxLat) = (all.Min(c => c.Latitude), all.Max(c => c.Latitude));
        var (minLon, maxLon) = (all.Min(c => c.Longitude), all.Max(c => c.Longitude));
        var random = new Random(seed);
        var points = new List<SnappedPoint>(count);
        tries = 0;
        var clock = Stopwatch.StartNew();
        while (points.Count < count && tries < count * 1000)
        {
            tries++;
            var p = new Coordinate(minLat + (random.NextDouble() * (maxLat - minLat)), minLon + (random.NextDouble() * (maxLon - minLon)));
            if (network.Snap(p) is { } snapped)
            {
                points.Add(snapped);
            }
        }

        elapsed = clock.Elapsed;
        return points;
    }

    private static string DefaultFile()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "src", "CrisisOps.Server", "Demo", "krems.osm.gz");
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new FileNotFoundException("Run from inside the repository, or pass --file PATH.");
    }

    private static int? IntOption(string[] args, string name) =>
        BenchArgs.Option(args, name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : null;
}
