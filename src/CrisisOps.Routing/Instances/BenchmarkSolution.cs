using System.Globalization;

namespace CrisisOps.Routing.Instances;

/// <summary>
/// A solution as CVRPLIB publishes it: one line <c>Route #k: c1 c2 …</c> per route, customers numbered from 1
/// (customer k is job k − 1 of the instance), and a <c>Cost X</c> line in instance units.
/// </summary>
/// <param name="Routes">Job indexes (customer number − 1) per route, in visiting order.</param>
/// <param name="Cost">The cost the file states, or null when it states none.</param>
public sealed record BenchmarkSolution(IReadOnlyList<IReadOnlyList<int>> Routes, decimal? Cost)
{
    /// <exception cref="InstanceFormatException">A line is neither a route nor the cost, or holds something other than customer numbers.</exception>
    public static BenchmarkSolution Read(string path)
    {
        using var reader = new StreamReader(path);
        return Read(reader, Path.GetFileName(path));
    }

    /// <exception cref="InstanceFormatException">A line is neither a route nor the cost, or holds something other than customer numbers.</exception>
    public static BenchmarkSolution Read(TextReader reader, string file)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var routes = new List<IReadOnlyList<int>>();
        decimal? cost = null;
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            var text = line.Trim();
            if (text.Length == 0)
            {
                continue;
            }

            if (text.StartsWith("Route", StringComparison.OrdinalIgnoreCase))
            {
                var colon = text.IndexOf(':', StringComparison.Ordinal);
                if (colon < 0)
                {
                    throw new InstanceFormatException(file, number, "expected 'Route #k: customers…'");
                }

                var customers = new List<int>();
                foreach (var field in text[(colon + 1)..].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
                {
                    if (!int.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out var customer) || customer < 1)
                    {
                        throw new InstanceFormatException(file, number, $"customer '{field}' is not a number from 1 up");
                    }

                    customers.Add(customer - 1);
                }

                routes.Add(customers);
            }
            else if (text.StartsWith("Cost", StringComparison.OrdinalIgnoreCase))
            {
                var value = text[4..].Trim().TrimStart(':').Trim();
                if (cost is not null)
                {
                    throw new InstanceFormatException(file, number, "a second Cost line");
                }

                cost = decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var c) && c >= 0
                    ? c
                    : throw new InstanceFormatException(file, number, $"cost '{value}' is not a number");
            }
            else
            {
                throw new InstanceFormatException(file, number, "expected 'Route #k: …' or 'Cost X'");
            }
        }

        return routes.Count == 0 ? throw new InstanceFormatException(file, Math.Max(number, 1), "no Route lines") : new BenchmarkSolution(routes, cost);
    }
}
