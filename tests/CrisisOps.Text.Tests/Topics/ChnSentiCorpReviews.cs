using System.Text;
using CrisisOps.Testing;
using CrisisOps.Text.Synthetic;
using CrisisOps.Text.Topics;

namespace CrisisOps.Text.Tests.Topics;

/// <summary>
/// Hotel reviews from ../shared (no stated licence: read in tests only) as foreign noise for the topic stream. The file
/// is `label,review` with RFC 4180 quoting; 1 = positive, 0 = negative.
/// </summary>
internal static class ChnSentiCorpReviews
{
    private static readonly string[] Parts = ["sentiment-zh", "chnsenticorp", "ChnSentiCorp_htl_all.csv"];

    /// <summary>Whether ../shared holds the reviews.</summary>
    public static bool Available => File.Exists(RepositoryFiles.PathOf([.. new[] { "..", "shared", "data" }, .. Parts]));

    /// <summary>Skips (laptop) or fails (CI) the test when the reviews are missing.</summary>
    public static string Require() => SharedData.Require(Parts);

    public static IReadOnlyList<ExtraText> Load()
    {
        var path = Require();
        var texts = new List<ExtraText>();
        foreach (var row in Rows(File.ReadAllText(path, Encoding.UTF8)).Skip(1))
        {
            if (row.Count == 2 && row[1].Length > 0)
            {
                texts.Add(new ExtraText(row[1], row[0] == "0" ? PostTone.Negative : PostTone.Positive));
            }
        }

        return texts;
    }

    private static IEnumerable<List<string>> Rows(string csv)
    {
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < csv.Length; i++)
        {
            var c = csv[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < csv.Length && csv[i + 1] == '"')
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
                row.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\n' || c == '\r')
            {
                if (c == '\r' && i + 1 < csv.Length && csv[i + 1] == '\n')
                {
                    i++;
                }

                row.Add(field.ToString());
                field.Clear();
                yield return row;
                row = [];
            }
            else
            {
                field.Append(c);
            }
        }

        if (field.Length > 0 || row.Count > 0)
        {
            row.Add(field.ToString());
            yield return row;
        }
    }
}
