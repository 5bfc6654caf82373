using CrisisOps.Domain.Resources;

namespace CrisisOps.Domain.Tests.Resources;

public sealed class QuantityTests
{
    [Theory]
    [InlineData("500", true)]
    [InlineData("2.5", false)]
    [InlineData("0.125", false)]
    public void Check_WhenPositiveAndFitting_Accepts(string text, bool discrete)
    {
        var quantity = decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(quantity, Quantity.Check(quantity, discrete, "quantity"));
    }

    [Theory]
    [InlineData("0", false, "more than zero")]
    [InlineData("-3", false, "more than zero")]
    [InlineData("2.5", true, "whole number")]
    [InlineData("0.0001", false, "three decimals")]
    [InlineData("1000000001", false, "at most")]
    public void Check_WhenOutOfRule_NamesTheRule(string text, bool discrete, string expected)
    {
        var quantity = decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
        var error = Assert.Throws<DomainException>(() => Quantity.Check(quantity, discrete, "claimed quantity"));
        Assert.Equal("invalid-quantity", error.Code);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("claimed quantity", error.Message, StringComparison.Ordinal);
    }
}
