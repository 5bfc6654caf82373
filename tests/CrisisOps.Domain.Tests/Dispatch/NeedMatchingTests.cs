using CrisisOps.Domain.Dispatch;

namespace CrisisOps.Domain.Tests.Dispatch;

public sealed class NeedMatchingTests
{
    private static SupplySource Stock(string code, decimal available, int travelMinutes) =>
        new(SupplyKind.Stock, code, code, available, TimeSpan.Zero, TimeSpan.FromMinutes(travelMinutes), travelMinutes * 0.5);

    private static SupplySource Agreement(string id, decimal available, int leadMinutes, int travelMinutes) =>
        new(SupplyKind.Agreement, id, id, available, TimeSpan.FromMinutes(leadMinutes), TimeSpan.FromMinutes(travelMinutes), travelMinutes * 0.5);

    [Fact]
    public void Propose_WhenStockIsShort_FillsFromTheEarliestSourcesAndTheAgreement()
    {
        var result = NeedMatching.Propose(10_000, discrete: true, TimeSpan.FromHours(6),
            [Agreement("pharmacy", 50_000, 120, 20), Stock("far", 3_000, 90), Stock("near", 4_000, 15)]);

        Assert.Equal(["near", "far", "pharmacy"], result.Lines.Select(l => l.Source.Reference));
        Assert.Equal([4_000m, 3_000m, 3_000m], result.Lines.Select(l => l.Quantity));
        Assert.Equal(0, result.Shortfall);
        Assert.True(result.MeetsDeadline);
    }

    [Fact]
    public void Propose_WhenSourcesArriveTogether_UsesOurStockBeforeAnAgreement()
    {
        var result = NeedMatching.Propose(100, discrete: true, null, [Agreement("partner", 500, 0, 30), Stock("depot", 500, 30)]);

        Assert.Equal("depot", Assert.Single(result.Lines).Source.Reference);
    }

    [Fact]
    public void Propose_WhenNothingArrivesInTime_MarksLateLinesAndTheShortfall()
    {
        var result = NeedMatching.Propose(500, discrete: true, TimeSpan.FromHours(1), [Stock("a", 200.5m, 30), Agreement("b", 100, 240, 30)]);

        Assert.Equal([200m, 100m], result.Lines.Select(l => l.Quantity));
        Assert.Equal([false, true], result.Lines.Select(l => l.Late));
        Assert.Equal(200, result.Shortfall);
        Assert.False(result.MeetsDeadline);
    }

    [Fact]
    public void Propose_WhenQuantityIsFractionalForDiscreteItems_Refuses() =>
        Assert.Equal("invalid-quantity", Assert.Throws<DomainException>(() => NeedMatching.Propose(2.5m, true, null, [])).Code);
}
