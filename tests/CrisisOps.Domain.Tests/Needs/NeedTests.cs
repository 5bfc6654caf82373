using CrisisOps.Domain.Needs;

namespace CrisisOps.Domain.Tests.Needs;

public sealed class NeedTests
{
    private static readonly DateTimeOffset Now = new(2026, 7, 12, 8, 0, 0, TimeSpan.Zero);

    private static Need Water(decimal quantity = 500, bool discrete = true) =>
        new(Guid.NewGuid(), new NeedRequest("Bottled water", "water-bottled", quantity, "boxes", discrete, NeedPriority.Urgent, Now.AddHours(12),
            NeedPublisherKind.Community, null, null), "C1", "/P/C/C1/", "officer", isExercise: false, Now);

    [Fact]
    public void Claim_WhenTwoClaimsCoverTheNeed_NothingRemainsAndReceiptsCloseIt()
    {
        var need = Water();
        var a = need.Claim(Guid.NewGuid(), "red-cross", 300, Now.AddHours(2), "m1", Now);
        var b = need.Claim(Guid.NewGuid(), "pharmacy", 200, Now.AddHours(2), "m2", Now);
        Assert.Equal(0, need.Remaining);

        Assert.False(need.ConfirmReceipt(a, 300, "officer", Now.AddHours(1)));
        Assert.True(need.ConfirmReceipt(b, 200, "officer", Now.AddHours(1)));
        Assert.Equal(NeedStatus.Closed, need.Status);
        Assert.Equal(500, need.Received);
        Assert.Equal(0, need.Committed);
    }

    [Fact]
    public void Claim_WhenMoreThanRemains_IsAConflictNamingWhatRemains()
    {
        var need = Water(100);
        need.Claim(Guid.NewGuid(), "red-cross", 60, Now.AddHours(2), "m1", Now);
        var error = Assert.Throws<DomainException>(() => need.Claim(Guid.NewGuid(), "pharmacy", 41, Now.AddHours(2), "m2", Now));
        Assert.Equal("claim-exceeds-remaining", error.Code);
        Assert.True(error.IsConflict);
        Assert.Contains("Only 40 boxes remain", error.Message, StringComparison.Ordinal);
        Assert.Equal(60, need.Committed);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("0")]
    [InlineData("1.5")]
    public void Claim_WhenQuantityBreaksTheRulesForADiscreteItem_IsRefused(string text)
    {
        var need = Water();
        var error = Assert.Throws<DomainException>(() =>
            need.Claim(Guid.NewGuid(), "red-cross", decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture), Now.AddHours(2), "m", Now));
        Assert.Equal("invalid-quantity", error.Code);
        Assert.Equal(0, need.Committed);
    }

    [Fact]
    public void Claim_WhenPromisedInThePastOrTooFarAhead_IsRefused()
    {
        var need = Water();
        Assert.Equal("invalid-promise", Assert.Throws<DomainException>(() => need.Claim(Guid.NewGuid(), "o", 1, Now, "m", Now)).Code);
        Assert.Equal("invalid-promise", Assert.Throws<DomainException>(() => need.Claim(Guid.NewGuid(), "o", 1, Now.AddDays(31), "m", Now)).Code);
    }

    [Fact]
    public void Receipt_WhenShortOrRepeated_ReturnsTheShortfallAndRefusesTheSecond()
    {
        var need = Water(100);
        var claim = need.Claim(Guid.NewGuid(), "red-cross", 100, Now.AddHours(2), "m", Now);
        claim.MarkDelivered("m", Now.AddHours(1));
        Assert.Equal("receipt-exceeds-claim", Assert.Throws<DomainException>(() => need.ConfirmReceipt(claim, 101, "o", Now)).Code);
        need.ConfirmReceipt(claim, 70, "o", Now.AddHours(1));
        Assert.Equal(30, need.Remaining);
        var again = Assert.Throws<DomainException>(() => need.ConfirmReceipt(claim, 70, "o", Now.AddHours(1)));
        Assert.Equal("receipt-already-confirmed", again.Code);
        Assert.True(again.IsConflict);
    }

    [Fact]
    public void ExpireAndWithdraw_WhenActive_ReturnTheQuantity_AndNotTwice()
    {
        var need = Water(100);
        var a = need.Claim(Guid.NewGuid(), "red-cross", 40, Now.AddHours(2), "m", Now);
        var b = need.Claim(Guid.NewGuid(), "pharmacy", 50, Now.AddHours(2), "m", Now);
        need.Expire(a, Now.AddHours(3));
        need.Withdraw(b, Now.AddHours(3));
        Assert.Equal(100, need.Remaining);
        Assert.Equal(ClaimStatus.Expired, a.Status);
        Assert.Equal("claim-not-active", Assert.Throws<DomainException>(() => need.Withdraw(a, Now.AddHours(4))).Code);
        Assert.Equal(100, need.Remaining);
    }

    [Fact]
    public void Cancel_WhenClaimsAreOpen_ReleasesThemAndTakesNoMore()
    {
        var need = Water(100);
        var a = need.Claim(Guid.NewGuid(), "red-cross", 40, Now.AddHours(2), "m", Now);
        Assert.Equal("invalid-reason", Assert.Throws<DomainException>(() => need.Cancel(" ", [a], Now)).Code);
        need.Cancel("Supplied by the district", [a], Now);
        Assert.Equal(ClaimStatus.Released, a.Status);
        Assert.Equal(NeedStatus.Cancelled, need.Status);
        Assert.Equal("need-not-open", Assert.Throws<DomainException>(() => need.Claim(Guid.NewGuid(), "o", 1, Now.AddHours(1), "m", Now)).Code);
    }

    [Theory]
    [InlineData("mask-n95", true)]
    [InlineData("water.bottled-500ml", true)]
    [InlineData("Mask", false)]
    [InlineData("-mask", false)]
    [InlineData("m", false)]
    public void IsValidItemCode_FollowsTheCatalogueFormat(string code, bool valid) => Assert.Equal(valid, Need.IsValidItemCode(code));
}
