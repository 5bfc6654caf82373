using System.Globalization;
using CrisisOps.Text.Model;

namespace CrisisOps.Text.Tests.Model;

public sealed class DataSplitTests
{
    private static List<LabelledText> Rows(int positives, int negatives) =>
    [
        .. Enumerable.Range(0, positives).Select(i => new LabelledText(true, "好评 " + i.ToString(CultureInfo.InvariantCulture), i + 2)),
        .. Enumerable.Range(0, negatives).Select(i => new LabelledText(false, "差评 " + i.ToString(CultureInfo.InvariantCulture), positives + i + 2)),
    ];

    [Fact]
    public void Stratified_HoldsBackTwentyPercentOfEachClass()
    {
        var (train, held) = DataSplit.Stratified(Rows(500, 201));

        Assert.Equal(100, held.Count(r => r.Positive));
        Assert.Equal(40, held.Count(r => !r.Positive)); // round(40.2)
        Assert.Equal(701, train.Count + held.Count);
        Assert.Empty(train.Intersect(held));
    }

    [Fact]
    public void Stratified_DoesNotDependOnTheOrderOfRows()
    {
        var rows = Rows(300, 100);
        var shuffled = rows.ToArray();
        new Random(7).Shuffle(shuffled);

        var (_, held) = DataSplit.Stratified(rows);
        var (_, heldShuffled) = DataSplit.Stratified(shuffled);

        Assert.Equal(held.Select(r => r.Line).Order(), heldShuffled.Select(r => r.Line).Order());
    }

    [Fact]
    public void Stratified_KeepsIdenticalRowsOnTheSameSide()
    {
        var rows = Rows(100, 100);
        rows.AddRange(rows.Select(r => r with { Line = r.Line + 1000 }).ToList());

        var (_, held) = DataSplit.Stratified(rows);

        Assert.All(held, r => Assert.Contains(held, o => o.Text == r.Text && o.Line != r.Line));
    }

    [Fact]
    public void Stratified_WithAnotherSalt_GivesAnotherSplit()
    {
        var rows = Rows(300, 100);

        var (_, held) = DataSplit.Stratified(rows);
        var (_, validation) = DataSplit.Stratified(rows, 0.2, DataSplit.ValidationSalt);

        Assert.NotEqual(held.Select(r => r.Line), validation.Select(r => r.Line));
    }
}
