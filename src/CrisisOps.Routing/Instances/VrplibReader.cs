using System.Globalization;
using CrisisOps.Routing.Vrp;

namespace CrisisOps.Routing.Instances;

/// <summary>
/// Reads the TSPLIB-style <c>.vrp</c> format of CVRPLIB: <c>KEYWORD : value</c> lines, then sections of numbers,
/// then <c>EOF</c>. Types CVRP, and VRPTW/CVRPTW when the file carries a TIME_WINDOW_SECTION. Distances are
/// EUC_2D (Euclidean rounded to the nearest integer, the convention of CVRPLIB's optimal costs), CEIL_2D, or an
/// EXPLICIT matrix in any of TSPLIB's triangular or full layouts. Travel time equals distance.
/// </summary>
/// <remarks>
/// A CVRP has no windows and no fleet limit: every customer's window and every vehicle's shift run to a horizon
/// no route can reach, and there is one vehicle per customer unless VEHICLES says otherwise. DISTANCE (a route
/// length limit that includes SERVICE_TIME, as in Christofides' instances) becomes the shift length.
/// Customers are the non-depot nodes in the order of their ids, so customer k of a <c>.sol</c> file is job k − 1.
/// </remarks>
public static class VrplibReader
{
    public const int Scale = 1;

    /// <summary>Beyond this, the two n × n matrices would take gigabytes.</summary>
    public const int MaxDimension = 10_001;

    private static readonly HashSet<string> HeaderKeywords = new(StringComparer.Ordinal)
    {
        "NAME", "COMMENT", "TYPE", "DIMENSION", "CAPACITY", "EDGE_WEIGHT_TYPE", "EDGE_WEIGHT_FORMAT", "NODE_COORD_TYPE",
        "DISPLAY_DATA_TYPE", "VEHICLES", "DISTANCE", "SERVICE_TIME",
    };

    private static readonly HashSet<string> SectionKeywords = new(StringComparer.Ordinal)
    {
        "NODE_COORD_SECTION", "DEMAND_SECTION", "DEPOT_SECTION", "EDGE_WEIGHT_SECTION", "DISPLAY_DATA_SECTION",
        "TIME_WINDOW_SECTION", "SERVICE_TIME_SECTION",
    };

    /// <exception cref="InstanceFormatException">The file breaks the format, or uses a part of it not supported here.</exception>
    public static BenchmarkInstance Read(string path)
    {
        using var reader = new StreamReader(path);
        return Read(reader, Path.GetFileName(path));
    }

    /// <exception cref="InstanceFormatException">The text breaks the format, or uses a part of it not supported here.</exception>
    public static BenchmarkInstance Read(TextReader reader, string file)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var parsed = Parse(reader, file);
        return new Builder(file, parsed).Build();
    }

    /// <summary>A keyword's value and the line it is on.</summary>
    private sealed record Header(string Value, int Line);

    /// <summary>A section's data: the line of its keyword, then each data line split into fields.</summary>
    private sealed record Section(int Line, List<(int Line, string[] Fields)> Rows);

    private sealed record Parsed(Dictionary<string, Header> Headers, Dictionary<string, Section> Sections, int LastLine);

    private static Parsed Parse(TextReader reader, string file)
    {
        var headers = new Dictionary<string, Header>(StringComparer.Ordinal);
        var sections = new Dictionary<string, Section>(StringComparer.Ordinal);
        Section? open = null;
        var number = 0;
        var sawAnything = false;
        while (reader.ReadLine() is { } line)
        {
            number++;
            var text = line.Trim();
            if (text.Length == 0)
            {
                continue;
            }

            sawAnything = true;
            // Data lines start with a digit, a sign or a decimal point; anything else is a keyword.
            if (open is not null && (char.IsAsciiDigit(text[0]) || text[0] is '-' or '+' or '.'))
            {
                open.Rows.Add((number, text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)));
                continue;
            }

            if (open is null && (char.IsAsciiDigit(text[0]) || text[0] is '-' or '+' or '.'))
            {
                throw new InstanceFormatException(file, number, $"numbers outside any section: '{text}'");
            }

            open = null;
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            var keyword = (colon >= 0 ? text[..colon] : text.Split((char[]?)null, 2)[0]).Trim().ToUpperInvariant();
            var value = colon >= 0 ? text[(colon + 1)..].Trim() : text[keyword.Length..].Trim();
            if (keyword == "EOF")
            {
                break;
            }

            if (SectionKeywords.Contains(keyword))
            {
                if (sections.ContainsKey(keyword))
                {
                    throw new InstanceFormatException(file, number, $"{keyword} appears twice");
                }

                open = new Section(number, []);
                sections[keyword] = open;
            }
            else if (HeaderKeywords.Contains(keyword))
            {
                if (!headers.TryAdd(keyword, new Header(value, number)))
                {
                    throw new InstanceFormatException(file, number, $"{keyword} appears twice");
                }
            }
            else if (keyword.EndsWith("_SECTION", StringComparison.Ordinal))
            {
                throw new InstanceFormatException(file, number, $"{keyword} is not supported");
            }
            else
            {
                throw new InstanceFormatException(file, number, $"unknown keyword '{keyword}'");
            }
        }

        if (!sawAnything)
        {
            throw new InstanceFormatException(file, 1, "the file is empty");
        }

        return new Parsed(headers, sections, Math.Max(number, 1));
    }

    /// <summary>Turns the parsed keywords and sections into a problem, checking each against the others.</summary>
    private sealed class Builder(string file, Parsed parsed)
    {
        private readonly Dictionary<string, Header> _headers = parsed.Headers;
        private readonly Dictionary<string, Section> _sections = parsed.Sections;

        public BenchmarkInstance Build()
        {
            var type = Required("TYPE");
            var timed = type.Value.ToUpperInvariant() switch
            {
                "CVRP" => false,
                "VRPTW" or "CVRPTW" => true,
                _ => throw Error(type.Line, $"TYPE {type.Value} is not supported (CVRP, VRPTW)"),
            };
            var dimensionHeader = Required("DIMENSION");
            var n = Integer(dimensionHeader.Line, dimensionHeader.Value, "DIMENSION", 2, MaxDimension);
            var capacityHeader = Required("CAPACITY");
            var capacity = Integer(capacityHeader.Line, capacityHeader.Value, "CAPACITY", 1, int.MaxValue / 4);
            if (_headers.TryGetValue("NODE_COORD_TYPE", out var coordType) && !coordType.Value.Equals("TWOD_COORDS", StringComparison.OrdinalIgnoreCase))
            {
                throw Error(coordType.Line, $"NODE_COORD_TYPE {coordType.Value} is not supported (TWOD_COORDS)");
            }

            var coordinates = _sections.ContainsKey("NODE_COORD_SECTION") ? Points("NODE_COORD_SECTION", n)
                : _sections.ContainsKey("DISPLAY_DATA_SECTION") ? Points("DISPLAY_DATA_SECTION", n)
                : null;
            var matrix = Matrix(n, coordinates);
            var demands = NodeValues("DEMAND_SECTION", n, 1, 0);
            var depot = Depot(n);
            var services = ServiceTimes(n);
            var windows = timed ? NodeValues("TIME_WINDOW_SECTION", n, 2, 0) : null;
            if (!timed && _sections.TryGetValue("TIME_WINDOW_SECTION", out var stray))
            {
                throw Error(stray.Line, $"TIME_WINDOW_SECTION needs TYPE VRPTW, not {type.Value}");
            }

            // No route can take longer than leaving every node by its longest arc after serving it, so this
            // horizon never binds, yet stays far from overflow for solvers that add times as int.
            long reach = 0;
            for (var a = 0; a < n; a++)
            {
                var longest = 0;
                for (var b = 0; b < n; b++)
                {
                    longest = Math.Max(longest, matrix[a * n + b]);
                }

                reach += longest + services[a];
            }

            var horizon = (int)Math.Min(reach, int.MaxValue / 4);
            int? routeLimit = _headers.TryGetValue("DISTANCE", out var limit) ? Integer(limit.Line, limit.Value, "DISTANCE", 1, int.MaxValue / 4) : null;
            var shift = (Start: 0, End: routeLimit ?? horizon);

            if (windows is not null)
            {
                var (line, ready, due) = windows[depot];
                if (due < ready)
                {
                    throw Error(line, $"the depot's due time {due} is before its ready time {ready}");
                }

                shift = (ready, routeLimit is { } most ? (int)Math.Min(due, (long)ready + most) : due);
            }

            var jobs = new List<VrpJob>(n - 1);
            for (var node = 0; node < n; node++)
            {
                if (node == depot)
                {
                    continue;
                }

                var (ready, due) = (0, horizon);
                if (windows is not null)
                {
                    (var line, ready, due) = windows[node];
                    if (due < ready)
                    {
                        throw Error(line, $"due time {due} is before ready time {ready}");
                    }
                }

                jobs.Add(new VrpJob(node, [demands[node].First], ready, due, services[node]));
            }

            var vehicleCount = jobs.Count;
            if (_headers.TryGetValue("VEHICLES", out var fleet))
            {
                vehicleCount = Integer(fleet.Line, fleet.Value, "VEHICLES", 1, 100_000);
            }

            var vehicles = Enumerable.Range(0, vehicleCount).Select(_ => new VrpVehicle(depot, depot, [capacity], shift.Start, shift.End)).ToList();
            var name = _headers.TryGetValue("NAME", out var named) && named.Value.Length > 0 ? named.Value : Path.GetFileNameWithoutExtension(file);
            var problem = new VrpProblem(n, matrix, matrix, jobs, vehicles);
            return new BenchmarkInstance(name, problem, coordinates ?? [], Scale);
        }

        private Header Required(string keyword) =>
            _headers.TryGetValue(keyword, out var header) ? header : throw Error(parsed.LastLine, $"no {keyword} line");

        private Section RequiredSection(string keyword) =>
            _sections.TryGetValue(keyword, out var section) ? section : throw Error(parsed.LastLine, $"no {keyword}");

        private int[] Matrix(int n, IReadOnlyList<(double X, double Y)>? coordinates)
        {
            var typeHeader = Required("EDGE_WEIGHT_TYPE");
            var type = typeHeader.Value.ToUpperInvariant();
            if (type == "EXPLICIT")
            {
                return Explicit(n);
            }

            if (type is not ("EUC_2D" or "CEIL_2D"))
            {
                throw Error(typeHeader.Line, $"EDGE_WEIGHT_TYPE {typeHeader.Value} is not supported (EUC_2D, CEIL_2D, EXPLICIT)");
            }

            if (!_sections.ContainsKey("NODE_COORD_SECTION"))
            {
                throw Error(parsed.LastLine, $"no NODE_COORD_SECTION, which EDGE_WEIGHT_TYPE {type} needs");
            }

            if (_sections.TryGetValue("EDGE_WEIGHT_SECTION", out var extra))
            {
                throw Error(extra.Line, $"EDGE_WEIGHT_SECTION with EDGE_WEIGHT_TYPE {type}: the distances would be given twice");
            }

            var matrix = new int[n * n];
            for (var a = 0; a < n; a++)
            {
                for (var b = 0; b < n; b++)
                {
                    var dx = coordinates![a].X - coordinates[b].X;
                    var dy = coordinates[a].Y - coordinates[b].Y;
                    var d = Math.Sqrt(dx * dx + dy * dy);
                    // TSPLIB's nint: round half up; CEIL_2D rounds up.
                    matrix[a * n + b] = (int)(type == "EUC_2D" ? Math.Floor(d + 0.5) : Math.Ceiling(d));
                }
            }

            return matrix;
        }

        private int[] Explicit(int n)
        {
            var formatHeader = Required("EDGE_WEIGHT_FORMAT");
            var format = formatHeader.Value.ToUpperInvariant();
            // A symmetric matrix read by columns is the other triangle read by rows.
            var layout = format switch
            {
                "FULL_MATRIX" => "FULL_MATRIX",
                "LOWER_ROW" or "UPPER_COL" => "LOWER_ROW",
                "UPPER_ROW" or "LOWER_COL" => "UPPER_ROW",
                "LOWER_DIAG_ROW" or "UPPER_DIAG_COL" => "LOWER_DIAG_ROW",
                "UPPER_DIAG_ROW" or "LOWER_DIAG_COL" => "UPPER_DIAG_ROW",
                _ => throw Error(formatHeader.Line, $"EDGE_WEIGHT_FORMAT {formatHeader.Value} is not supported"),
            };
            var section = RequiredSection("EDGE_WEIGHT_SECTION");
            var expected = layout switch
            {
                "FULL_MATRIX" => (long)n * n,
                "LOWER_ROW" or "UPPER_ROW" => (long)n * (n - 1) / 2,
                _ => (long)n * (n + 1) / 2,
            };
            var weights = new List<int>((int)expected);
            foreach (var (line, fields) in section.Rows)
            {
                foreach (var field in fields)
                {
                    if (weights.Count == expected)
                    {
                        throw Error(line, $"EDGE_WEIGHT_SECTION has more than the {expected} weights that {format} needs for DIMENSION {n}");
                    }

                    weights.Add(Integer(line, field, "edge weight", 0, VrpProblem.Unreachable - 1));
                }
            }

            if (weights.Count < expected)
            {
                var line = section.Rows.Count > 0 ? section.Rows[^1].Line : section.Line;
                throw Error(line, $"EDGE_WEIGHT_SECTION has {weights.Count} weights; {format} needs {expected} for DIMENSION {n}");
            }

            var matrix = new int[n * n];
            var k = 0;
            for (var a = 0; a < n; a++)
            {
                var (from, to) = layout switch
                {
                    "FULL_MATRIX" => (0, n - 1),
                    "LOWER_ROW" => (0, a - 1),
                    "UPPER_ROW" => (a + 1, n - 1),
                    "LOWER_DIAG_ROW" => (0, a),
                    _ => (a, n - 1),
                };
                for (var b = from; b <= to; b++)
                {
                    matrix[a * n + b] = weights[k];
                    if (layout != "FULL_MATRIX")
                    {
                        matrix[b * n + a] = weights[k];
                    }

                    k++;
                }
            }

            return matrix;
        }

        private List<(double X, double Y)> Points(string keyword, int n)
        {
            var section = RequiredSection(keyword);
            var rows = Rows(keyword, section, n, 2);
            return [.. rows.Select(r => (Number(r.Line, r.Fields[1], "x"), Number(r.Line, r.Fields[2], "y")))];
        }

        /// <summary>One or two whole numbers per node (demand; ready and due), in node order.</summary>
        private (int Line, int First, int Second)[] NodeValues(string keyword, int n, int columns, int min)
        {
            var section = RequiredSection(keyword);
            return [.. Rows(keyword, section, n, columns).Select(r => (
                r.Line,
                Integer(r.Line, r.Fields[1], keyword, min, int.MaxValue / 4),
                columns > 1 ? Integer(r.Line, r.Fields[2], keyword, min, int.MaxValue / 4) : 0))];
        }

        private int[] ServiceTimes(int n)
        {
            if (_sections.TryGetValue("SERVICE_TIME_SECTION", out var section))
            {
                if (_headers.TryGetValue("SERVICE_TIME", out var both))
                {
                    throw Error(both.Line, "SERVICE_TIME and SERVICE_TIME_SECTION both given");
                }

                return [.. Rows("SERVICE_TIME_SECTION", section, n, 1).Select(r => Integer(r.Line, r.Fields[1], "service time", 0, int.MaxValue / 4))];
            }

            var all = 0;
            if (_headers.TryGetValue("SERVICE_TIME", out var header))
            {
                all = Integer(header.Line, header.Value, "SERVICE_TIME", 0, int.MaxValue / 4);
            }

            return [.. Enumerable.Repeat(all, n)];
        }

        /// <summary>The rows of a per-node section in node order, each id 1..n exactly once with the given number of values.</summary>
        private (int Line, string[] Fields)[] Rows(string keyword, Section section, int n, int values)
        {
            var byNode = new (int Line, string[] Fields)[n];
            foreach (var row in section.Rows)
            {
                if (row.Fields.Length != values + 1)
                {
                    throw Error(row.Line, $"{keyword}: expected a node id and {values} value{(values > 1 ? "s" : "")}, found {row.Fields.Length} fields");
                }

                var id = Integer(row.Line, row.Fields[0], "node id", 1, int.MaxValue);
                if (id > n)
                {
                    throw Error(row.Line, $"{keyword}: node {id} is beyond DIMENSION {n}");
                }

                if (byNode[id - 1].Fields is not null)
                {
                    throw Error(row.Line, $"{keyword}: node {id} appears twice");
                }

                byNode[id - 1] = row;
            }

            var missing = Array.FindIndex(byNode, r => r.Fields is null);
            if (missing >= 0)
            {
                var count = byNode.Count(r => r.Fields is not null);
                throw Error(section.Line, $"{keyword} has {count} rows for DIMENSION {n}; node {missing + 1} is missing");
            }

            return byNode;
        }

        private int Depot(int n)
        {
            var section = RequiredSection("DEPOT_SECTION");
            var depots = new List<(int Line, int Node)>();
            var ended = false;
            foreach (var (line, fields) in section.Rows)
            {
                foreach (var field in fields)
                {
                    if (ended)
                    {
                        throw Error(line, "DEPOT_SECTION continues after its closing -1");
                    }

                    var id = Integer(line, field, "depot", -1, n);
                    if (id == -1)
                    {
                        ended = true;
                    }
                    else if (id == 0)
                    {
                        throw Error(line, "depot 0: node ids start at 1");
                    }
                    else
                    {
                        depots.Add((line, id - 1));
                    }
                }
            }

            if (!ended)
            {
                throw Error(section.Rows.Count > 0 ? section.Rows[^1].Line : section.Line, "DEPOT_SECTION does not end with -1");
            }

            return depots.Count switch
            {
                0 => throw Error(section.Line, "DEPOT_SECTION names no depot"),
                1 => depots[0].Node,
                _ => throw Error(depots[1].Line, "more than one depot is not supported"),
            };
        }

        private int Integer(int line, string text, string what, int min, int max)
        {
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            {
                // Some files write whole numbers as 10.0.
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || d != Math.Floor(d) || Math.Abs(d) > int.MaxValue)
                {
                    throw Error(line, $"{what} '{text}' is not a whole number");
                }

                value = (int)d;
            }

            return value < min || value > max ? throw Error(line, $"{what} {value} is out of range {min}..{max}") : value;
        }

        private double Number(int line, string text, string what) =>
            double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) && Math.Abs(value) < 1e7
                ? value
                : throw Error(line, $"{what} '{text}' is not a number");

        private InstanceFormatException Error(int line, string problem) => new(file, line, problem);
    }
}
