using System.Globalization;
using System.IO.Compression;
using System.Text;
using ClosedXML.Excel;
using CrisisOps.Domain.Warning;
using CrisisOps.Server.Platform;

namespace CrisisOps.Server.Features.Warning;

/// <summary>A record read from a file, with the line (CSV) or sheet row (xlsx) it came from.</summary>
public sealed record RecordRow(int Row, IncomingRecord Record);

/// <summary>One row of a CSV or xlsx file as text cells, with its line (CSV) or sheet row (xlsx).</summary>
public sealed record TableRow(int Row, string?[] Cells);

/// <summary>
/// Reads government records from the files offices keep: CSV (RFC 4180, via <see cref="Csv.Parse"/>;
/// a library such as CsvHelper would add nothing the parser does not do) or xlsx (the first sheet,
/// via ClosedXML). The first row is the header, in English or Chinese; column order is free.
/// </summary>
public static class RecordFiles
{
    /// <summary>Decompressed size an xlsx may have: a zip of a few MiB can unpack to gigabytes.</summary>
    public const long MaxUnpackedXlsxBytes = 256L * 1024 * 1024;

    private static readonly (string Field, string[] Names)[] Columns =
    [
        ("sourceId", ["source_id", "sourceid", "id", "record_id", "编号", "来源编号", "记录编号"]),
        ("category", ["category", "类别", "类型"]),
        ("region", ["region", "region_code", "regioncode", "地区编码", "区域编码", "行政区划代码", "地区代码"]),
        ("time", ["time", "date", "时间", "日期", "发生时间"]),
        ("severity", ["severity", "level", "等级", "严重程度", "级别"]),
        ("summary", ["summary", "摘要", "内容摘要"]),
        ("source", ["source", "office", "来源", "来源单位"]),
    ];

    private static readonly string[] Required = ["sourceId", "category", "region", "time", "severity"];

    /// <summary>True when the bytes are a zip (an xlsx), whatever the file is called.</summary>
    public static bool LooksLikeXlsx(ReadOnlySpan<byte> bytes) => bytes.StartsWith("PK\u0003\u0004"u8);

    /// <exception cref="ProblemException">400 missing-columns when the header lacks a required column.</exception>
    public static List<RecordRow> ReadCsv(string text, string? defaultSource) => Records(ReadCsvTable(text), defaultSource);

    /// <exception cref="ProblemException">400 unreadable-file when it is no workbook; 400 missing-columns when the header lacks a required column.</exception>
    public static List<RecordRow> ReadXlsx(byte[] bytes, string? defaultSource) => Records(ReadXlsxTable(bytes), defaultSource);

    /// <summary>
    /// A CSV file as rows of cells, the header first (empty when the file is). Other registers (residents) map their own
    /// columns on top of it, so there is one CSV reading for every import.
    /// </summary>
    public static List<TableRow> ReadCsvTable(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return [.. Csv.Parse(text.TrimStart('\uFEFF')).Select(r => new TableRow(r.Line, r.Fields))];
    }

    /// <summary>The first sheet of an xlsx as rows of cells (as text, see <see cref="Text"/>), the header first.</summary>
    /// <exception cref="ProblemException">400 unreadable-file when it is no workbook or unpacks too large.</exception>
    public static List<TableRow> ReadXlsxTable(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        CheckUnpackedSize(bytes);
        XLWorkbook workbook;
        try
        {
            workbook = new XLWorkbook(new MemoryStream(bytes, writable: false));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw Unreadable($"Not an xlsx workbook ClosedXML can read: {ex.Message}");
        }

        using (workbook)
        {
            var sheet = workbook.Worksheets.FirstOrDefault() ?? throw Unreadable("The workbook has no sheet.");
            var used = sheet.RowsUsed().ToList();
            if (used.Count == 0)
            {
                return [];
            }

            var last = used[0].LastCellUsed()?.Address.ColumnNumber ?? 0;
            return [.. used.Select(row => new TableRow(row.RowNumber(), [.. Enumerable.Range(1, last).Select(c => Text(row.Cell(c)))]))];
        }
    }

    private static List<RecordRow> Records(List<TableRow> table, string? defaultSource)
    {
        if (table.Count == 0)
        {
            throw MissingColumns(Required);
        }

        var map = Header(table[0].Cells);
        return [.. table.Skip(1).Select(r => new RecordRow(r.Row, Record(map, i => i < r.Cells.Length ? r.Cells[i] : null, defaultSource)))];
    }

    private static void CheckUnpackedSize(byte[] bytes)
    {
        try
        {
            using var zip = new ZipArchive(new MemoryStream(bytes, writable: false), ZipArchiveMode.Read);
            var unpacked = zip.Entries.Sum(e => e.Length);
            if (unpacked > MaxUnpackedXlsxBytes)
            {
                throw Unreadable(string.Create(CultureInfo.InvariantCulture,
                    $"The workbook unpacks to {unpacked:N0} bytes; at most {MaxUnpackedXlsxBytes:N0} are read. Split it or send CSV."));
            }
        }
        catch (InvalidDataException ex)
        {
            throw Unreadable($"Not an xlsx workbook (not a zip archive): {ex.Message}");
        }
    }

    /// <summary>A cell as text: dates as local times without an offset (spreadsheets keep no zone), numbers invariantly.</summary>
    private static string? Text(IXLCell cell)
    {
        if (cell.IsEmpty())
        {
            return null;
        }

        return cell.Value switch
        {
            DateTime date => date.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture),
            double number => number.ToString("R", CultureInfo.InvariantCulture),
            bool flag => flag ? "true" : "false",
            TimeSpan span => span.ToString("c", CultureInfo.InvariantCulture),
            var other => Convert.ToString(other, CultureInfo.InvariantCulture),
        };
    }

    private static Dictionary<string, int> Header(string?[] names)
    {
        var map = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < names.Length; i++)
        {
            var name = (names[i] ?? "").Trim().Replace(' ', '_');
            foreach (var (field, aliases) in Columns)
            {
                if (!map.ContainsKey(field) && aliases.Contains(name, StringComparer.OrdinalIgnoreCase))
                {
                    map[field] = i;
                }
            }
        }

        var missing = Required.Where(r => !map.ContainsKey(r)).ToList();
        return missing.Count > 0 ? throw MissingColumns(missing) : map;
    }

    private static IncomingRecord Record(Dictionary<string, int> map, Func<int, string?> field, string? defaultSource)
    {
        string? Get(string name) => map.TryGetValue(name, out var i) ? field(i) : null;
        var source = Get("source");
        return new IncomingRecord(string.IsNullOrWhiteSpace(source) ? defaultSource : source, Get("sourceId"), Get("category"), Get("region"),
            Get("time"), Get("severity"), Get("summary"));
    }

    private static ProblemException MissingColumns(IEnumerable<string> missing)
    {
        var names = new StringBuilder();
        foreach (var field in missing)
        {
            var aliases = Columns.Single(c => c.Field == field).Names;
            names.Append(names.Length == 0 ? "" : "; ").Append(string.Join(" / ", aliases.Take(1).Concat(aliases.Where(a => a.Any(ch => ch > 127)).Take(1))));
        }

        return new ProblemException(StatusCodes.Status400BadRequest, "missing-columns", "Header missing",
            $"The first row must name the columns; missing: {names}. (summary and source are optional.)");
    }

    private static ProblemException Unreadable(string detail) =>
        new(StatusCodes.Status400BadRequest, "unreadable-file", "The file cannot be read", detail);
}
