using CrisisOps.Testing;
using CrisisOps.Text.Model;

namespace CrisisOps.Text.Tests;

/// <summary>
/// ChnSentiCorp hotel reviews from ../shared (no stated licence: read in tests only, never copied into the product),
/// read with the product's own labelled-CSV reader (<see cref="LabelledCsv"/>): <c>label,review</c>, 1 = positive.
/// </summary>
internal static class ChnSentiCorp
{
    public static readonly string[] Parts = ["sentiment-zh", "chnsenticorp", "ChnSentiCorp_htl_all.csv"];

    /// <summary>Whether ../shared holds the reviews.</summary>
    public static bool Available => File.Exists(RepositoryFiles.PathOf([.. new[] { "..", "shared", "data" }, .. Parts]));

    public static IEnumerable<string> Reviews() => Rows().Select(r => r.Review);

    /// <summary>Skips (laptop) or fails (CI) the test when the file is missing.</summary>
    public static IReadOnlyList<(int Label, string Review)> Rows() =>
        [.. LabelledCsv.ReadFile(SharedData.Require(Parts)).Rows.Select(r => (r.Positive ? 1 : 0, r.Text))];
}
