using CrisisOps.Domain.Regions;
using CrisisOps.Domain.Resources;

namespace CrisisOps.Domain.Tests.Resources;

public sealed class PartnerAgreementTests
{
    private static readonly DateTimeOffset Now = new(2026, 7, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Today = new(2026, 7, 1);

    private static PartnerAgreement Masks(decimal committed) => new(Guid.NewGuid(), "kangjian-pharmacy", "Mask supply",
        [(new AgreementLineDefinition("masks", committed, null), true), (new AgreementLineDefinition(null, null, "delivery"), false)],
        120, null, new DateOnly(2026, 1, 1), new DateOnly(2026, 12, 31), "c", "/p/c/", Now, "officer");

    [Fact]
    public void Draw_WhenWithinCommitment_IncreasesDrawnUntilNothingRemains()
    {
        var agreement = Masks(100);
        agreement.Draw("masks", 60, discrete: true, Today);
        var line = agreement.Draw("masks", 40, discrete: true, Today);
        Assert.Equal(100, line.Drawn);
        Assert.Equal(0, line.Remaining);
        var ex = Assert.Throws<DomainException>(() => agreement.Draw("masks", 1, discrete: true, Today));
        Assert.Equal("over-commitment", ex.Code);
        Assert.True(ex.IsConflict);
    }

    [Fact]
    public void Draw_WhenItemMissingQuantityBadOrOutOfDate_Refuses()
    {
        var agreement = Masks(100);
        Assert.Equal("not-in-agreement", Assert.Throws<DomainException>(() => agreement.Draw("tents", 1, true, Today)).Code);
        Assert.Equal("invalid-quantity", Assert.Throws<DomainException>(() => agreement.Draw("masks", 1.5m, true, Today)).Code);
        Assert.Equal("agreement-not-valid", Assert.Throws<DomainException>(() => agreement.Draw("masks", 1, true, new DateOnly(2027, 1, 1))).Code);
        Assert.Equal(0, agreement.Lines[0].Drawn);
    }

    [Fact]
    public void Constructor_WhenEndsBeforeItStarts_Refuses() =>
        Assert.Equal("invalid-agreement", Assert.Throws<DomainException>(() => new PartnerAgreement(Guid.NewGuid(), "x-org", "t",
            [(new AgreementLineDefinition("masks", 1, null), true)], 10, null, new DateOnly(2026, 2, 1), new DateOnly(2026, 1, 1), "c", "/c/", Now, "o")).Code);
}

public sealed class ArrivalEstimatorTests
{
    [Fact]
    public void Estimate_WhenOneDegreeOfLatitude_IsAbout111KmStretchedAndTimedBySpeed()
    {
        var estimator = new ArrivalEstimator(new ArrivalSettings { SpeedsKmh = new Dictionary<string, double> { ["expert"] = 60 } });
        var byRoad = estimator.Estimate(new GeoPoint(30, 114), new GeoPoint(31, 114), "team");
        Assert.InRange(byRoad.StraightKm, 111.1, 111.3);
        Assert.Equal(byRoad.StraightKm * 1.3, byRoad.RoadKm, 6);
        Assert.Equal(byRoad.RoadKm / 40 * 60, byRoad.Minutes, 6);
        Assert.False(byRoad.WithinTarget);
        var expert = estimator.Estimate(new GeoPoint(30, 114), new GeoPoint(30.1, 114), "expert");
        Assert.True(expert.WithinTarget);
        Assert.Equal(expert.RoadKm, expert.Minutes, 6);
    }
}

public sealed class StockBalanceTests
{
    private static readonly DateOnly Today = new(2026, 7, 1);

    private static StockBalance Balance()
    {
        var warehouse = new Warehouse(Guid.NewGuid(), "depot", "Depot", new Placement("c", "/c/", null), null, DateTimeOffset.UnixEpoch, "o");
        var item = new Item(new ItemDefinition("tents", "帐篷", "Tent", "顶", "tent", true, "shelter", null), DateTimeOffset.UnixEpoch, "o");
        return new StockBalance(Guid.NewGuid(), warehouse, item);
    }

    [Fact]
    public void Issue_WhenSeveralLots_TakesEarliestExpiryFirstAndSkipsExpired()
    {
        var balance = Balance();
        balance.Receive(3, true, null, Today);
        balance.Receive(2, true, Today.AddDays(9), Today);
        balance.Receive(4, true, Today.AddDays(2), Today);
        var taken = balance.Issue(5, true, Today);
        Assert.Equal([new LotTaken(Today.AddDays(2), 4), new LotTaken(Today.AddDays(9), 1)], taken);

        // Three days on the 9-day lot still counts, after ten days only the lot without expiry does.
        Assert.Equal(4, balance.Available(Today.AddDays(3)));
        Assert.Equal(3, balance.Available(Today.AddDays(10)));
        Assert.Equal("insufficient-stock", Assert.Throws<DomainException>(() => balance.Issue(4, true, Today.AddDays(10))).Code);
    }

    [Fact]
    public void Reserve_WhenMoreThanAvailable_RefusesAndUnreservedIssuesKeepOff()
    {
        var balance = Balance();
        balance.Receive(5, true, null, Today);
        balance.Reserve(4, true, Today);
        Assert.Equal("insufficient-stock", Assert.Throws<DomainException>(() => balance.Reserve(2, true, Today)).Code);
        Assert.Equal("insufficient-stock", Assert.Throws<DomainException>(() => balance.Issue(2, true, Today)).Code);
        Assert.Equal(5, balance.OnHand);
    }
}
