using System.Text;
using CrisisOps.Testing;

namespace CrisisOps.Text.Tests;

/// <summary>
/// ChnSentiCorp hotel reviews from ../shared (no stated licence: read in tests only, never copied into the product).
/// The file is RFC 4180 CSV with a <c>label,review</c> header; reviews may hold quoted commas, quotes and line breaks.
/// </summary>
internal static class ChnSentiCorp
{
    public static IEnumerable<string> Reviews() => Rows().Select(r => r.Review);

    public static IReadOnlyList<(int Label, string Review)> Rows()
    {
        var path = SharedData.Require("sentiment-zh", "chnsenticorp", "ChnSentiCorp_htl_all.csv");
        var records = ParseCsv(File.ReadAllText(path, Encoding.UTF8));
        return records.Skip(1).Where(r => r.Count == 2 && r[1].Length > 0)
            .Select(r => (int.Parse(r[0], System.Globalization.CultureInfo.InvariantCulture), r[1])).ToList();
    }

    private static List<List<string>> ParseCsv(string text)
    {
        var records = new List<List<string>>();
        var record = new List<string>();
        var field = new StringBuilder();
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

                continue;
            }

            switch (c)
            {
                case '"':
                    quoted = true;
                    break;
                case ',':
                    record.Add(field.ToString());
                    field.Clear();
                    break;
                case '\r':
                    break;
                case '\n':
                    record.Add(field.ToString());
                    field.Clear();
                    records.Add(record);
                    record = [];
                    break;
                default:
                    field.Append(c);
                    break;
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
