using System.Globalization;
using CrisisOps.Routing.Vrp;

namespace CrisisOps.Routing.Instances;

/// <summary>
/// Reads Solomon's VRPTW text format (name; VEHICLE, NUMBER CAPACITY and the fleet; CUSTOMER and one row per
/// node, row 0 the depot). Distances and travel times are Euclidean truncated to one decimal per arc, the
/// convention of the best-known solutions, held as integer tenths.
/// </summary>
public static class SolomonReader
{
    public const int Scale = 10;

    /// <exception cref="InstanceFormatException">The file breaks the format.</exception>
    public static BenchmarkInstance Read(string path)
    {
        using var reader = new StreamReader(path);
        return Read(reader, Path.GetFileName(path));
    }

    /// <exception cref="InstanceFormatException">The text breaks the format.</exception>
    public static BenchmarkInstance Read(TextReader reader, string file)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var lines = new List<(int Number, string[] Fields)>();
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 0)
            {
                lines.Add((number, fields));
            }
        }

        if (lines.Count == 0)
        {
            throw new InstanceFormatException(file, 1, "the file is empty");
        }

        var name = lines[0].Fields[0];
        var vehicleAt = lines.FindIndex(l => l.Fields[0].Equals("VEHICLE", StringComparison.OrdinalIgnoreCase));
        if (vehicleAt < 0 || vehicleAt + 2 >= lines.Count)
        {
            throw new InstanceFormatException(file, lines[0].Number, "no VEHICLE section: not a Solomon instance");
        }

        var fleet = lines[vehicleAt + 2];
        if (fleet.Fields.Length != 2)
        {
            throw new InstanceFormatException(file, fleet.Number, "expected the number of vehicles and their capacity");
        }

        var vehicleCount = Integer(file, fleet.Number, fleet.Fields[0], "number of vehicles", 1);
        var capacity = Integer(file, fleet.Number, fleet.Fields[1], "capacity", 1);
        var customerAt = lines.FindIndex(l => l.Fields[0].Equals("CUSTOMER", StringComparison.OrdinalIgnoreCase));
        if (customerAt < 0)
        {
            throw new InstanceFormatException(file, fleet.Number, "no CUSTOMER section");
        }

        // One heading line (CUST NO. XCOORD. …) may follow CUSTOMER; after that every line is a node row, so a
        // stray word is reported rather than skipped (a skipped row would shift every customer after it).
        var after = lines.Skip(customerAt + 1).ToList();
        if (after.Count > 0 && !IsRow(after[0].Fields))
        {
            after.RemoveAt(0);
        }

        var rows = after;
        if (rows.FirstOrDefault(l => !IsRow(l.Fields)) is { Fields: not null } stray)
        {
            throw new InstanceFormatException(file, stray.Number, $"expected a customer row of 7 numbers, found '{string.Join(' ', stray.Fields)}'");
        }

        if (rows.Count < 2)
        {
            throw new InstanceFormatException(file, lines[customerAt].Number, "expected the depot and at least one customer");
        }

        var points = new List<(double X, double Y)>(rows.Count);
        var jobs = new List<VrpJob>(rows.Count - 1);
        (int Ready, int Due) depot = (0, 0);
        for (var i = 0; i < rows.Count; i++)
        {
            var (line, f) = rows[i];
            if (f.Length != 7)
            {
                throw new InstanceFormatException(file, line, $"expected 7 numbers (no, x, y, demand, ready, due, service), found {f.Length}");
            }

            if (Integer(file, line, f[0], "customer number", 0) != i)
            {
                throw new InstanceFormatException(file, line, $"customer numbers must run 0, 1, 2, …; expected {i}");
            }

            points.Add((Number(file, line, f[1], "x"), Number(file, line, f[2], "y")));
            var demand = Integer(file, line, f[3], "demand", 0);
            var ready = Integer(file, line, f[4], "ready time", 0);
            var due = Integer(file, line, f[5], "due date", 0);
            var service = Integer(file, line, f[6], "service time", 0);
            if (due < ready)
            {
                throw new InstanceFormatException(file, line, $"due date {due} is before ready time {ready}");
            }

            if (i == 0)
            {
                depot = (ready * Scale, due * Scale);
            }
            else
            {
                jobs.Add(new VrpJob(i, [demand], ready * Scale, due * Scale, service * Scale));
            }
        }

        var matrix = TruncatedEuclidean(points, Scale);
        var vehicles = Enumerable.Range(0, vehicleCount).Select(_ => new VrpVehicle(0, 0, [capacity], depot.Ready, depot.Due)).ToList();
        return new BenchmarkInstance(name, new VrpProblem(points.Count, matrix, matrix, jobs, vehicles), points, Scale);
    }

    /// <summary>Euclidean distance truncated (not rounded) to 1/<paramref name="scale"/>, in units of 1/scale.</summary>
    public static int[] TruncatedEuclidean(IReadOnlyList<(double X, double Y)> points, int scale)
    {
        var n = points.Count;
        var matrix = new int[n * n];
        for (var a = 0; a < n; a++)
        {
            for (var b = 0; b < n; b++)
            {
                var dx = points[a].X - points[b].X;
                var dy = points[a].Y - points[b].Y;
                // The small epsilon keeps exact values such as 5.0 (stored as 4.9999…) from dropping a tenth.
                matrix[a * n + b] = (int)Math.Floor(Math.Sqrt(dx * dx + dy * dy) * scale + 1e-9);
            }
        }

        return matrix;
    }

    private static bool IsRow(string[] fields) => char.IsAsciiDigit(fields[0][0]) || fields[0][0] is '-' or '+';

    private static int Integer(string file, int line, string text, string what, int min)
    {
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            // Some copies write whole numbers as 10.0.
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || d != Math.Floor(d) || Math.Abs(d) > int.MaxValue / Scale)
            {
                throw new InstanceFormatException(file, line, $"{what} '{text}' is not a whole number");
            }

            value = (int)d;
        }

        if (value < min || value > int.MaxValue / (Scale * 4))
        {
            throw new InstanceFormatException(file, line, $"{what} {value} is out of range");
        }

        return value;
    }

    private static double Number(string file, int line, string text, string what) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) && Math.Abs(value) < 1e7
            ? value
            : throw new InstanceFormatException(file, line, $"{what} '{text}' is not a number");
}
