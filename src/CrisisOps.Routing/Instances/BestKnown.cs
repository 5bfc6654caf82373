using System.Globalization;

namespace CrisisOps.Routing.Instances;

/// <summary>The best cost known for an instance (optimal for the small CVRPs), in instance units, and where it comes from.</summary>
/// <param name="Vehicles">Routes of the best-known solution, when the source says.</param>
public sealed record BestKnown(decimal Cost, int? Vehicles, string Source)
{
    /// <summary>Cost columns in the order they are preferred: Solomon's bks.csv, then CVRPLIB's optimal.csv.</summary>
    private static readonly string[] CostColumns = ["bks_cost", "optimal_cost", "cost", "bks"];

    private static readonly string[] RouteColumns = ["bks_routes", "routes_in_solution", "routes", "vehicles"];

    /// <summary>
    /// Looks for the instance by name in <c>bks.csv</c> or <c>optimal.csv</c> beside the file or one folder up, then
    /// for a <c>.sol</c> of the same base name beside it with a Cost line. Null when none knows it.
    /// </summary>
    /// <exception cref="InstanceFormatException">A table or solution file that is there cannot be read.</exception>
    public static BestKnown? Find(string instancePath, string instanceName)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(instancePath))!;
        var folders = new[] { folder, Path.GetDirectoryName(folder) }.OfType<string>();
        foreach (var dir in folders)
        {
            foreach (var table in new[] { "bks.csv", "optimal.csv" })
            {
                var path = Path.Combine(dir, table);
                if (File.Exists(path) && FromTable(path, instanceName) is { } known)
                {
                    return known;
                }
            }
        }

        var sol = Path.ChangeExtension(instancePath, ".sol");
        if (File.Exists(sol) && BenchmarkSolution.Read(sol) is { Cost: { } cost } solution)
        {
            return new BestKnown(cost, solution.Routes.Count, Path.GetFileName(sol));
        }

        return null;
    }

    private static BestKnown? FromTable(string path, string instanceName)
    {
        var file = Path.GetFileName(path);
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0)
        {
            return null;
        }

        var header = Fields(lines[0]);
        var nameAt = header.FindIndex(h => h.Equals("instance", StringComparison.OrdinalIgnoreCase) || h.Equals("name", StringComparison.OrdinalIgnoreCase));
        var costAt = CostColumns.Select(c => header.FindIndex(h => h.Equals(c, StringComparison.OrdinalIgnoreCase))).FirstOrDefault(i => i >= 0, -1);
        var routesAt = RouteColumns.Select(c => header.FindIndex(h => h.Equals(c, StringComparison.OrdinalIgnoreCase))).FirstOrDefault(i => i >= 0, -1);
        if (nameAt < 0 || costAt < 0)
        {
            throw new InstanceFormatException(file, 1, $"expected columns 'instance' and one of {string.Join(", ", CostColumns)}");
        }

        for (var i = 1; i < lines.Length; i++)
        {
            var fields = Fields(lines[i]);
            if (fields.Count <= Math.Max(nameAt, costAt) || !fields[nameAt].Equals(instanceName, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!decimal.TryParse(fields[costAt], NumberStyles.Float, CultureInfo.InvariantCulture, out var cost))
            {
                throw new InstanceFormatException(file, i + 1, $"cost '{fields[costAt]}' is not a number");
            }

            int? routes = routesAt >= 0 && routesAt < fields.Count && int.TryParse(fields[routesAt], NumberStyles.Integer, CultureInfo.InvariantCulture, out var r) ? r : null;
            return new BestKnown(cost, routes, file);
        }

        return null;
    }

    /// <summary>Splits a CSV line, honouring double quotes (optimal.csv quotes its source column).</summary>
    private static List<string> Fields(string line)
    {
        var fields = new List<string>();
        var current = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(current.ToString().Trim());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        fields.Add(current.ToString().Trim());
        return fields;
    }
}
