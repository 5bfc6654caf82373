using CrisisOps.Testing;

namespace CrisisOps.Domain.Tests.Warning;

/// <summary>One row of <c>../shared/data/cap/MANIFEST.csv</c>: what a CAP test file is and holds.</summary>
internal sealed record CapManifestRow(
    string File,
    int InfoBlocks,
    int Polygons,
    int Circles,
    string Languages,
    string ValidityPerSource,
    string Xmllint,
    string Notes);

/// <summary>
/// The CAP test files written by others (licences in <c>../shared/data/SOURCES.md</c>). They are
/// read where they lie, beside the repository, and never copied into it.
/// </summary>
internal static class CapCorpus
{
    private const string HowToRun = "Put the shared test data at ../shared/data/cap next to the repository root (the folder holding CrisisOps.slnx).";

    private static readonly Lazy<(string? Directory, string? Missing)> Located = new(Locate);

    private static readonly Lazy<IReadOnlyList<CapManifestRow>> Rows = new(() =>
        Located.Value.Directory is { } directory ? ReadManifest(Path.Combine(directory, "MANIFEST.csv")) : []);

    /// <summary>The folder holding MANIFEST.csv; skips the test on a laptop and fails it under CI=true when missing.</summary>
    public static string Directory
    {
        get
        {
            var (directory, missing) = Located.Value;
            TestEnvironment.RequireServer("The shared CAP test data", missing, HowToRun);
            return directory!;
        }
    }

    public static IReadOnlyList<CapManifestRow> Manifest
    {
        get
        {
            _ = Directory;
            return Rows.Value;
        }
    }

    /// <summary>The manifest's file names, for a theory; a single placeholder when the data is missing, so the theory still runs and skips or fails.</summary>
    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var row in Rows.Value)
        {
            data.Add(row.File);
        }

        if (data.Count == 0)
        {
            data.Add(MissingPlaceholder);
        }

        return data;
    }

    public const string MissingPlaceholder = "(shared CAP data not found)";

    public static byte[] Bytes(string file) => File.ReadAllBytes(Path.Combine(Directory, file));

    private static (string? Directory, string? Missing) Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "CrisisOps.slnx")))
            {
                continue;
            }

            var cap = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data", "cap"));
            return File.Exists(Path.Combine(cap, "MANIFEST.csv"))
                ? (cap, null)
                : (null, $"{Path.Combine(cap, "MANIFEST.csv")} does not exist");
        }

        return (null, $"no folder above {AppContext.BaseDirectory} holds CrisisOps.slnx");
    }

    private static List<CapManifestRow> ReadManifest(string path)
    {
        var records = ParseCsv(File.ReadAllText(path));
        var header = records[0];
        int Column(string name)
        {
            var index = header.IndexOf(name);
            return index >= 0 ? index : throw new InvalidOperationException($"MANIFEST.csv has no column '{name}'.");
        }

        var (file, info, polygons, circles, languages, validity, xmllint, notes) = (
            Column("file"), Column("info_blocks"), Column("polygons"), Column("circles"),
            Column("languages"), Column("validity_per_source"), Column("xmllint_vs_CAP-v1.2.xsd"), Column("notes"));
        return [.. records.Skip(1).Where(r => r.Count == header.Count).Select(r => new CapManifestRow(
            r[file],
            int.Parse(r[info], System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(r[polygons], System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(r[circles], System.Globalization.CultureInfo.InvariantCulture),
            r[languages], r[validity], r[xmllint], r[notes]))];
    }

    // RFC 4180: fields may be quoted, quotes inside doubled, commas and line breaks inside quotes.
    private static List<List<string>> ParseCsv(string text)
    {
        var records = new List<List<string>>();
        var record = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                record.Add(field.ToString());
                field.Clear();
            }
            else if (c is '\n' or '\r')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                record.Add(field.ToString());
                field.Clear();
                records.Add(record);
                record = [];
            }
            else
            {
                field.Append(c);
            }
        }

        if (field.Length > 0 || record.Count > 0)
        {
            record.Add(field.ToString());
            records.Add(record);
        }

        return records;
    }
}
