using System.Text;
using System.Text.Json.Nodes;
using CrisisOps.Domain.Ledger;

namespace CrisisOps.Domain.Tests.Ledger;

public sealed class LedgerEntryTests
{
    private static readonly DateTimeOffset Now = new(2026, 7, 12, 8, 0, 0, TimeSpan.Zero);

    private static JsonObject Receipt() => new()
    {
        ["v"] = 1, ["kind"] = LedgerEntryKinds.StockReceipt, ["time"] = LedgerEntry.FormatTime(Now), ["region"] = "KRE",
        ["warehouse"] = "kre-depot-01", ["item"] = "drinking-water", ["quantity"] = LedgerEntry.FormatDecimal(120.50m), ["unit"] = "litres",
    };

    [Fact]
    public void Accept_CanonicalBody_LeafHashOfItsBytes_SearchKeysFromTheBody()
    {
        var entry = LedgerEntry.Accept("receipt:1", Receipt(), Now);

        Assert.Equal(
            "{\"item\":\"drinking-water\",\"kind\":\"stock-receipt\",\"quantity\":\"120.5\",\"region\":\"KRE\",\"time\":\"2026-07-12T08:00:00Z\",\"unit\":\"litres\",\"v\":1,\"warehouse\":\"kre-depot-01\"}",
            entry.Body);
        Assert.Equal(MerkleHash.Leaf(Encoding.UTF8.GetBytes(entry.Body)), entry.LeafHash);
        Assert.Equal(Now, entry.Time);
        Assert.Equal("kre-depot-01", entry.WarehouseCode);
        Assert.Equal("drinking-water", entry.ItemCode);
        Assert.Null(entry.NeedNumber);
    }

    [Theory]
    [InlineData("kind", "parking-ticket")]
    [InlineData("v", 2)]
    [InlineData("time", "2026-07-12 08:00")]
    [InlineData("time", "2026-07-12T08:00:00+02:00")]
    [InlineData("region", "")]
    public void Accept_BadEnvelope_IsRefusedNamingTheMember(string member, object value)
    {
        var body = Receipt();
        body[member] = JsonValue.Create(value);

        var refused = Assert.Throws<DomainException>(() => LedgerEntry.Accept("k", body, Now));

        Assert.Equal("ledger-entry-invalid", refused.Code);
        Assert.Contains($"\"{member}\"", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Accept_OversizedBody_IsRefused()
    {
        var body = Receipt();
        body["note"] = new string('x', LedgerEntry.MaxBodyBytes);

        Assert.Equal("ledger-entry-too-large", Assert.Throws<DomainException>(() => LedgerEntry.Accept("k", body, Now)).Code);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Accept_WithoutIdempotencyKey_IsRefused(string key)
    {
        Assert.Equal("ledger-entry-invalid", Assert.Throws<DomainException>(() => LedgerEntry.Accept(key, Receipt(), Now)).Code);
    }

    [Theory]
    [InlineData(12.0, "12")]
    [InlineData(0.10, "0.1")]
    [InlineData(1234567.891, "1234567.891")]
    public void FormatDecimal_HasNoTrailingZerosOrExponent(double value, string expected)
    {
        Assert.Equal(expected, LedgerEntry.FormatDecimal((decimal)value));
    }
}
