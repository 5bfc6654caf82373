using System.Globalization;
using System.Text;
using ClosedXML.Excel;
using CrisisOps.Domain.People;
using CrisisOps.Server.Features.Warning;
using CrisisOps.Server.Platform;

namespace CrisisOps.Server.Features.People;

/// <summary>A register row read from a file, with the line (CSV) or sheet row (xlsx) it came from.</summary>
public sealed record ResidentRow(int Row, ResidentInput Input);

/// <summary>
/// Community registers of residents as files (docs/people.md): CSV or the first sheet of an xlsx, read by the same
/// readers as government records (<see cref="RecordFiles"/>); the header names the columns in English or Chinese, in
/// any order. An export writes the English header, so an exported file imports again unchanged.
/// </summary>
public static class ResidentFiles
{
    public const string CsvMediaType = "text/csv";
    public const string XlsxMediaType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>Columns: the English name first (errors and exports use it), then the aliases registers use.</summary>
    public static readonly (string Column, string[] Aliases)[] Columns =
    [
        ("reference", ["ref", "id", "证件号或编号", "编号", "证件号", "登记编号"]),
        ("name", ["姓名", "名字"]),
        ("community", ["region", "region_code", "所在社区", "社区", "社区编码", "地区编码"]),
        ("address", ["住址", "地址", "家庭住址"]),
        ("latitude", ["lat", "纬度"]),
        ("longitude", ["lon", "lng", "经度"]),
        ("work_community", ["work_region", "工作地社区", "工作社区"]),
        ("mobile", ["mobile_phone", "手机", "手机号", "手机号码"]),
        ("landline", ["phone", "固定电话", "座机"]),
        ("email", ["e-mail", "邮箱", "电子邮箱"]),
        ("push_token", ["推送令牌"]),
        ("language", ["lang", "语言"]),
        ("needs", ["special_needs", "特殊需求"]),
        ("birth_year", ["出生年份", "出生年"]),
        ("training", ["trainings", "培训", "培训记录"]),
    ];

    public static readonly string[] Required = ["reference", "name", "community"];

    /// <summary>Rows of a CSV (UTF-8 or GB18030) or xlsx file, picked by content: an xlsx is a zip.</summary>
    /// <exception cref="ProblemException">400 unreadable-file or missing-columns.</exception>
    public static List<ResidentRow> Read(byte[] bytes, string? fileName)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var xlsx = RecordFiles.LooksLikeXlsx(bytes) || fileName?.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase) == true;
        var table = xlsx ? RecordFiles.ReadXlsxTable(bytes) : RecordFiles.ReadCsvTable(RecordEndpoints.Decode(bytes));
        if (table.Count == 0)
        {
            throw MissingColumns(Required);
        }

        var map = Header(table[0].Cells);
        return [.. table.Skip(1).Select(r => new ResidentRow(r.Row, Input(map, r.Cells)))];
    }

    private static Dictionary<string, int> Header(string?[] names)
    {
        var map = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < names.Length; i++)
        {
            var name = (names[i] ?? "").Trim().Replace(' ', '_');
            foreach (var (column, aliases) in Columns)
            {
                if (!map.ContainsKey(column)
                    && (string.Equals(column, name, StringComparison.OrdinalIgnoreCase) || aliases.Contains(name, StringComparer.OrdinalIgnoreCase)))
                {
                    map[column] = i;
                }
            }
        }

        var missing = Required.Where(r => !map.ContainsKey(r)).ToList();
        return missing.Count > 0 ? throw MissingColumns(missing) : map;
    }

    private static ResidentInput Input(Dictionary<string, int> map, string?[] cells)
    {
        string? Get(string column) => map.TryGetValue(column, out var i) && i < cells.Length ? cells[i] : null;
        return new ResidentInput(Get("reference"), Get("name"), Get("community"), Get("address"), Get("latitude"), Get("longitude"),
            Get("work_community"), Get("mobile"), Get("landline"), Get("email"), Get("push_token"), Get("language"), Get("needs"),
            Get("birth_year"), Get("training"));
    }

    /// <summary>A resident as a row of cells in the order of <see cref="Columns"/>.</summary>
    public static string?[] Cells(Resident r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return
        [
            r.Reference, r.Name, r.HomeRegionCode, r.HomeAddress,
            r.HomeLatitude?.ToString("R", CultureInfo.InvariantCulture), r.HomeLongitude?.ToString("R", CultureInfo.InvariantCulture),
            r.WorkRegionCode, r.Mobile, r.Landline, r.Email, r.PushToken, r.Language,
            string.Join(";", SpecialNeedsWords.WordsOf(r.Needs)), r.BirthYear?.ToString(CultureInfo.InvariantCulture),
            ResidentRules.TrainingText(r.Trainings),
        ];
    }

    /// <summary>The residents as a UTF-8 CSV (with a byte-order mark, so Excel reads Chinese correctly).</summary>
    public static byte[] WriteCsv(IEnumerable<Resident> residents)
    {
        ArgumentNullException.ThrowIfNull(residents);
        var text = new StringBuilder();
        text.AppendJoin(',', Columns.Select(c => c.Column)).Append("\r\n");
        foreach (var resident in residents)
        {
            text.AppendJoin(',', Cells(resident).Select(Field)).Append("\r\n");
        }

        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
    }

    /// <summary>The residents as the first sheet of an xlsx; every cell is text, so numbers keep their + and leading zeros.</summary>
    public static byte[] WriteXlsx(IEnumerable<Resident> residents)
    {
        ArgumentNullException.ThrowIfNull(residents);
        using var workbook = new XLWorkbook();
        var sheet = workbook.AddWorksheet("residents");
        for (var c = 0; c < Columns.Length; c++)
        {
            sheet.Cell(1, c + 1).SetValue(Columns[c].Column);
        }

        var row = 2;
        foreach (var resident in residents)
        {
            var cells = Cells(resident);
            for (var c = 0; c < cells.Length; c++)
            {
                if (cells[c] is { Length: > 0 } text)
                {
                    var cell = sheet.Cell(row, c + 1);
                    cell.DataType = XLDataType.Text;
                    cell.SetValue(text);
                }
            }

            row++;
        }

        using var buffer = new MemoryStream();
        workbook.SaveAs(buffer);
        return buffer.ToArray();
    }

    /// <summary>
    /// A CSV field, quoted when needed. A cell a spreadsheet would run as a formula (=, @, or + and − not followed by
    /// digits only) gets a leading apostrophe: an exported register must not run code when opened.
    /// </summary>
    private static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        var formula = value[0] is '=' or '@' or '\t' or '\r'
            || value[0] is '+' or '-' && !(value.Length > 1 && value[1..].All(char.IsAsciiDigit));
        var text = formula ? "'" + value : value;
        return text.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }

    private static ProblemException MissingColumns(IEnumerable<string> missing)
    {
        var names = string.Join("; ", missing.Select(m => m + " / " + Columns.Single(c => c.Column == m).Aliases.First(a => a.Any(ch => ch > 127))));
        return new ProblemException(StatusCodes.Status400BadRequest, "missing-columns", "Header missing",
            $"The first row must name the columns; missing: {names}. See docs/people.md for the optional ones.");
    }
}
