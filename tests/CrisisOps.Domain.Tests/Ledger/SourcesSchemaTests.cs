using System.Text.Json.Nodes;
using CrisisOps.Domain.Ledger;

namespace CrisisOps.Domain.Tests.Ledger;

/// <summary>Entry schemas of the sources (v1) and pseudonyms.</summary>
public sealed class SourcesSchemaTests
{
    private static readonly PseudonymKey KeyA = PseudonymKey.FromBytes(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private static readonly PseudonymKey KeyB = PseudonymKey.FromBytes(Enumerable.Range(2, 32).Select(i => (byte)i).ToArray());

    private static JsonObject Receipt() => new()
    {
        ["v"] = 1, ["kind"] = "stock-receipt", ["time"] = "2026-07-12T08:00:00Z", ["region"] = "KRE-01",
        ["warehouse"] = "north-depot", ["item"] = "blankets", ["quantity"] = "40", ["unit"] = "piece",
    };

    [Fact]
    public void Check_WhenEveryRequiredMemberIsThere_AcceptsAndTheEntryHashes()
    {
        var body = LedgerEntrySchema.Check(Receipt());
        var entry = LedgerEntry.Accept("k1", body, DateTimeOffset.UnixEpoch);
        Assert.Equal("north-depot", entry.WarehouseCode);
        Assert.True(CanonicalJson.IsCanonical(entry.Body));
    }

    [Theory]
    [InlineData("quantity", null, "\"quantity\" is missing")]
    [InlineData("quantity", "-1", "must be a decimal")]
    [InlineData("quantity", "1.50", "must be a decimal")]
    [InlineData("quantity", "1e3", "must be a decimal")]
    [InlineData("expires", "12/07/2026", "yyyy-MM-dd")]
    [InlineData("source", "Wang Fang", "\"source\" is not a member of stock-receipt entries")]
    [InlineData("warehouse", "", "non-empty string")]
    public void Check_WhenAMemberIsMissingMalformedOrUnknown_NamesIt(string member, string? value, string expected)
    {
        var body = Receipt();
        body[member] = value;
        if (value is null)
        {
            body.Remove(member);
        }

        var e = Assert.Throws<DomainException>(() => LedgerEntrySchema.Check(body));
        Assert.Equal("ledger-entry-invalid", e.Code);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_WhenADonationOfMoneyLacksItsCurrencyOrNamesAWarehouse_Refuses()
    {
        var money = new JsonObject
        {
            ["v"] = 1, ["kind"] = "donation", ["time"] = "2026-07-12T08:00:00Z", ["region"] = "KRE", ["donation"] = "DON-1", ["gift"] = "money",
            ["donor"] = "organisation", ["party"] = "Rotary", ["amount"] = "5", ["warehouse"] = "north",
        };
        var e = Assert.Throws<DomainException>(() => LedgerEntrySchema.Check(money));
        Assert.Contains("a gift of money needs \"currency\"", e.Message, StringComparison.Ordinal);
        Assert.Contains("names no warehouse", e.Message, StringComparison.Ordinal);

        money["gift"] = "services";
        Assert.Contains("one of goods, money", Assert.Throws<DomainException>(() => LedgerEntrySchema.Check(money)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Donation_WhenBuilt_CarriesNoPersonalDataAndPassesItsSchema()
    {
        var person = new PersonDetails("王芳", "+43 660 111 2222");
        var pseudonym = Pseudonym.Of(KeyA, PseudonymRole.Donor, person);
        var donation = new Donation(Guid.CreateVersion7(), "key", "hash", LedgerParty.Person(pseudonym, Guid.NewGuid()),
            new GoodsGift("north-depot", "blankets", "piece", 40m, null), null, new RecordRegion("KRE-01", "/KRE/KRE-01/"), null, "officer",
            new DateTimeOffset(2026, 7, 12, 8, 0, 0, TimeSpan.Zero));

        var text = CanonicalJson.Serialize(donation.LedgerBody());

        Assert.DoesNotContain("王芳", text, StringComparison.Ordinal);
        Assert.DoesNotContain("officer", text, StringComparison.Ordinal);
        Assert.Contains($"\"party\":\"{pseudonym.Value}\"", text, StringComparison.Ordinal);
        Assert.Throws<DomainException>(() => new Donation(Guid.NewGuid(), "k", "h", LedgerParty.Organisation("Org"), null, null,
            new RecordRegion("KRE", "/KRE/"), null, "a", DateTimeOffset.UnixEpoch));
    }

    [Fact]
    public void Pseudonym_WhenTheSamePersonIsWrittenDifferently_IsTheSame()
    {
        var a = Pseudonym.Of(KeyA, PseudonymRole.Donor, new PersonDetails("Li  Wei", "+43 660-123 4567"));
        var b = Pseudonym.Of(KeyA, PseudonymRole.Donor, new PersonDetails(" li wei ", "+43 (660) 1234567"));
        var fullWidth = Pseudonym.Of(KeyA, PseudonymRole.Donor, new PersonDetails("Ｌｉ Ｗｅｉ", "＋４３６６０１２３４５６７"));

        Assert.Equal(a, b);
        Assert.Equal(a, fullWidth);
        Assert.Matches("^D-[A-Z2-7]{10}$", a.Value);
    }

    [Fact]
    public void Pseudonym_WhenPersonRoleOrKeyDiffers_Differs()
    {
        var person = new PersonDetails("Li Wei", "+436601234567");
        var donor = Pseudonym.Of(KeyA, PseudonymRole.Donor, person);

        Assert.NotEqual(donor, Pseudonym.Of(KeyA, PseudonymRole.Donor, new PersonDetails("Li Wei", "+436609999999")));
        Assert.NotEqual(donor.Value[2..], Pseudonym.Of(KeyA, PseudonymRole.Payee, person).Value[2..]);
        Assert.NotEqual(donor, Pseudonym.Of(KeyB, PseudonymRole.Donor, person));
        Assert.StartsWith("P-", Pseudonym.Of(KeyA, PseudonymRole.Payee, person).Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Pseudonym_WhenComputed_IsTheHmacOfTheDocumentedInput()
    {
        // docs/ledger-entries.md: base32 of HMAC-SHA256(key, "donor\n" + name + "\n" + contact), first 10 characters.
        var key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        var mac = System.Security.Cryptography.HMACSHA256.HashData(key, "donor\nli wei\n+436601234567"u8.ToArray());
        var expected = "D-" + Base32(mac)[..10];

        Assert.Equal(expected, Pseudonym.Of(KeyA, PseudonymRole.Donor, new PersonDetails("Li Wei", "+43 660 1234567")).Value);
    }

    [Theory]
    [InlineData("D-ABCDEFGHIJ", true)]
    [InlineData("P-2345672345", true)]
    [InlineData("D-ABCDEFGHI1", false)]
    [InlineData("D-abcdefghij", false)]
    [InlineData("X-ABCDEFGHIJ", false)]
    [InlineData("D-ABCDEFGHIJK", false)]
    public void Parse_WhenText_AcceptsOnlyThePseudonymShape(string text, bool ok) => Assert.Equal(ok, Pseudonym.Parse(text) is not null);

    [Fact]
    public void PersonDetails_WhenNameOrContactIsEmpty_Refuses()
    {
        Assert.Equal("invalid-person", Assert.Throws<DomainException>(() => new PersonDetails(" ", "1")).Code);
        Assert.Equal("invalid-person", Assert.Throws<DomainException>(() => new PersonDetails("A", null)).Code);
        Assert.Throws<FormatException>(() => PseudonymKey.Parse("c2hvcnQ="));
        Assert.Equal("invalid-party", Assert.Throws<DomainException>(() => LedgerParty.Organisation("P-ABCDEFGHIJ")).Code);
    }

    [Theory]
    [InlineData("0", false)]
    [InlineData("100000000000", false)]
    [InlineData("1.0005", false)]
    [InlineData("1.005", true)]
    public void Money_WhenAmountIsOutOfRange_Refuses(string text, bool ok)
    {
        Assert.True(Money.TryParseAmount(text, out var amount));
        if (ok)
        {
            Assert.Equal(amount, new Money(amount, "EUR").Amount);
        }
        else
        {
            Assert.Equal("invalid-amount", Assert.Throws<DomainException>(() => new Money(amount, "EUR")).Code);
        }
    }

    private static string Base32(byte[] bytes)
    {
        // RFC 4648 written out bit by bit, independent of the implementation under test.
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bits = string.Concat(bytes.Select(b => Convert.ToString(b, 2).PadLeft(8, '0')));
        return string.Concat(Enumerable.Range(0, bits.Length / 5).Select(i => alphabet[Convert.ToInt32(bits.Substring(i * 5, 5), 2)]));
    }
}
