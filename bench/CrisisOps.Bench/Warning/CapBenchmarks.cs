using System.Globalization;
using System.Xml;
using BenchmarkDotNet.Attributes;
using CrisisOps.Domain.Warning;

namespace CrisisOps.Bench.Warning;

/// <summary>
/// CAP alerts read per second: <see cref="CapReader.Read(byte[])"/> (safe parse, OASIS schema
/// validation, mapping to <see cref="CapAlert"/> and the geometry checks) against a plain
/// <see cref="XmlReader"/> reading the same bytes to the end (no validation, DTD prohibited).
/// Each invocation reads every file of <c>../shared/data/cap/alerts</c> that the plain reader
/// can read (valid, invalid and other-version alike, as a feed would deliver them), once, from
/// memory.
/// </summary>
[MemoryDiagnoser]
public class CapBenchmarks
{
    /// <summary>The corpus files the plain reader reads without throwing (all but the XXE file).</summary>
    public const int AlertsPerInvoke = 32;

    private static readonly XmlReaderSettings PlainSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
    };

    private byte[][] _documents = [];

    /// <exception cref="InvalidOperationException">The shared CAP data is missing, or holds another number of readable files than <see cref="AlertsPerInvoke"/>.</exception>
    [GlobalSetup]
    public void Setup()
    {
        var folder = CapCorpusFolder();
        var files = Directory.GetFiles(folder, "*.xml", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        var readable = new List<byte[]>();
        var skipped = new List<string>();
        foreach (var file in files)
        {
            var bytes = File.ReadAllBytes(file);
            try
            {
                ReadToEnd(bytes);
                readable.Add(bytes);
            }
            catch (XmlException)
            {
                skipped.Add(Path.GetFileName(file));
            }
        }

        if (readable.Count != AlertsPerInvoke)
        {
            throw new InvalidOperationException(
                $"{folder} holds {readable.Count} files the plain reader can read; the benchmark expects {AlertsPerInvoke}. Update AlertsPerInvoke.");
        }

        _documents = [.. readable];
        var kinds = _documents.Select(d => CapReader.Read(d).Kind).GroupBy(k => k)
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key} {g.Count()}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"// {_documents.Length} of {files.Count} files, {_documents.Sum(d => d.Length) / 1024.0:F0} KiB; skipped (plain reader throws): {string.Join(", ", skipped)}; CapReader: {string.Join(", ", kinds)}."));
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = AlertsPerInvoke)]
    public long PlainXmlReader()
    {
        var nodes = 0L;
        foreach (var document in _documents)
        {
            nodes += ReadToEnd(document);
        }

        return nodes;
    }

    [Benchmark(OperationsPerInvoke = AlertsPerInvoke)]
    public int CapReaderRead()
    {
        var accepted = 0;
        foreach (var document in _documents)
        {
            accepted += CapReader.Read(document).Accepted ? 1 : 0;
        }

        return accepted;
    }

    private static long ReadToEnd(byte[] document)
    {
        using var reader = XmlReader.Create(new MemoryStream(document, writable: false), PlainSettings);
        var nodes = 0L;
        while (reader.Read())
        {
            nodes++;
        }

        return nodes;
    }

    // BenchmarkDotNet runs from a generated folder below bin/, still inside the repository.
    private static string CapCorpusFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CrisisOps.slnx")))
            {
                var alerts = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data", "cap", "alerts"));
                return Directory.Exists(alerts)
                    ? alerts
                    : throw new InvalidOperationException($"The shared CAP data is missing: {alerts} does not exist.");
            }
        }

        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} holds CrisisOps.slnx.");
    }
}
