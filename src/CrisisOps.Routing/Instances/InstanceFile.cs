namespace CrisisOps.Routing.Instances;

/// <summary>The benchmark file formats read here.</summary>
public enum InstanceFormat
{
    /// <summary>Solomon's VRPTW text: name, VEHICLE and CUSTOMER blocks (<see cref="SolomonReader"/>).</summary>
    Solomon = 1,

    /// <summary>TSPLIB/CVRPLIB <c>KEYWORD : value</c> and sections (<see cref="VrplibReader"/>).</summary>
    Vrplib = 2,
}

/// <summary>Reads a benchmark instance whatever its format, telling the format from the content rather than the extension.</summary>
public static class InstanceFile
{
    /// <summary>How many non-empty lines to look at before giving up: both formats say what they are near the top.</summary>
    private const int LinesToSniff = 40;

    private static readonly string[] VrplibOpeners = ["NAME", "TYPE", "DIMENSION", "COMMENT", "CAPACITY", "EDGE_WEIGHT_TYPE"];

    /// <exception cref="InstanceFormatException">The file is in neither format, or breaks the one it is in.</exception>
    public static BenchmarkInstance Read(string path)
    {
        var text = File.ReadAllText(path);
        var file = Path.GetFileName(path);
        return Detect(new StringReader(text), file) switch
        {
            InstanceFormat.Solomon => SolomonReader.Read(new StringReader(text), file),
            _ => VrplibReader.Read(new StringReader(text), file),
        };
    }

    /// <exception cref="InstanceFormatException">The text is in neither format (a solution file, say).</exception>
    public static InstanceFormat Detect(TextReader reader, string file)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var number = 0;
        var seen = 0;
        var vehicle = false;
        while (seen < LinesToSniff && reader.ReadLine() is { } line)
        {
            number++;
            var text = line.Trim();
            if (text.Length == 0)
            {
                continue;
            }

            seen++;
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && VrplibOpeners.Contains(text[..colon].Trim().ToUpperInvariant(), StringComparer.Ordinal))
            {
                return InstanceFormat.Vrplib;
            }

            if (text.StartsWith("Route #", StringComparison.OrdinalIgnoreCase))
            {
                throw new InstanceFormatException(file, number, "this is a solution (Route #k: …), not an instance");
            }

            var first = text.Split((char[]?)null, 2)[0];
            if (first.Equals("VEHICLE", StringComparison.OrdinalIgnoreCase))
            {
                vehicle = true;
            }
            else if (vehicle && first.Equals("CUSTOMER", StringComparison.OrdinalIgnoreCase))
            {
                return InstanceFormat.Solomon;
            }
        }

        throw new InstanceFormatException(file, 1, number == 0 ? "the file is empty"
            : "neither a Solomon instance (VEHICLE and CUSTOMER blocks) nor a VRPLIB one (NAME/TYPE/DIMENSION : value)");
    }
}
