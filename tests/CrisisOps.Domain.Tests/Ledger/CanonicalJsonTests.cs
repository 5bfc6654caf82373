using System.Text.Json.Nodes;
using CrisisOps.Domain.Ledger;

namespace CrisisOps.Domain.Tests.Ledger;

public sealed class CanonicalJsonTests
{
    [Fact]
    public void Serialize_SortsMembersByUtf16CodeUnits_WithoutWhitespace()
    {
        // RFC 8785 §3.2.3's sorting example: "\u20ac" (€) sorts before the surrogate pair of 😀, and "\r" first.
        var json = "{ \"\\u20ac\": \"Euro Sign\", \"\\r\": \"Carriage Return\", \"\\ud83d\\ude00\": \"Emoji: Grinning Face\", "
            + "\"1\": \"One\", \"\\u0080\": \"Control\", \"\\u00f6\": \"Latin Small Letter O With Diaeresis\" }";

        var canonical = CanonicalJson.Canonicalize(json);

        Assert.Equal(
            "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\",\"ö\":\"Latin Small Letter O With Diaeresis\",\"€\":\"Euro Sign\",\"😀\":\"Emoji: Grinning Face\"}",
            canonical);
    }

    [Fact]
    public void Serialize_EscapesOnlyWhatRfc8785Escapes()
    {
        var canonical = CanonicalJson.Serialize(new JsonObject { ["s"] = "a\"b\\c\b\f\n\r\t\u0001\u001f/é<>&内涝" });

        Assert.Equal("{\"s\":\"a\\\"b\\\\c\\b\\f\\n\\r\\t\\u0001\\u001f/é<>&内涝\"}", canonical);
    }

    [Fact]
    public void Serialize_NestedArraysAndLiterals_AreCanonical()
    {
        var canonical = CanonicalJson.Canonicalize("{\"b\":[1, true, null, {\"z\":0,\"a\":-7}], \"a\":false}");

        Assert.Equal("{\"a\":false,\"b\":[1,true,null,{\"a\":-7,\"z\":0}]}", canonical);
        Assert.True(CanonicalJson.IsCanonical(canonical));
        Assert.False(CanonicalJson.IsCanonical("{\"b\":1,\"a\":2}"));
        Assert.False(CanonicalJson.IsCanonical("{\"a\": 2}"));
    }

    [Theory]
    [InlineData("{\"q\":1.5}")]
    [InlineData("{\"q\":1000000000000000}")]
    [InlineData("{\"a\":1,\"a\":2}")]
    [InlineData("{\"a\":")]
    [InlineData("{\"s\":\"\\ud800\"}")]
    public void Canonicalize_RefusesWhatEntriesMayNotHold(string json)
    {
        var refused = Assert.Throws<DomainException>(() => CanonicalJson.Canonicalize(json));

        Assert.Equal("ledger-entry-not-canonicalisable", refused.Code);
    }

    [Fact]
    public void Canonicalize_IntegerWrittenWithAFractionOfZero_IsTheInteger()
    {
        Assert.Equal("{\"n\":12}", CanonicalJson.Canonicalize("{\"n\":12.0}"));
    }

    [Theory]
    [InlineData("{\"items\":[{\"qty\":0.5}]}", "$.items[0].qty")]
    [InlineData("{\"n\":-1000000000000000}", "$.n")]
    public void Refusal_NamesWhereInTheEntry(string json, string path)
    {
        var refused = Assert.Throws<DomainException>(() => CanonicalJson.Canonicalize(json));

        Assert.Contains(path + " ", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Serialize_LoneSurrogateDeepInside_IsRefusedWithItsPath()
    {
        var body = new JsonObject { ["a"] = new JsonObject { ["b"] = new JsonArray(1, 2, "x\ud800y") } };

        var refused = Assert.Throws<DomainException>(() => CanonicalJson.Serialize(body));

        Assert.Contains("$.a.b[2] holds a lone surrogate", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Serialize_NumbersFromClrValues_AreWrittenAsIntegersOrRefused()
    {
        var body = new JsonObject { ["i"] = 7, ["l"] = 999_999_999_999_999L, ["m"] = 12m, ["neg"] = -3L };

        Assert.Equal("{\"i\":7,\"l\":999999999999999,\"m\":12,\"neg\":-3}", CanonicalJson.Serialize(body));
        Assert.Throws<DomainException>(() => CanonicalJson.Serialize(new JsonObject { ["d"] = 0.25 }));
        Assert.Throws<DomainException>(() => CanonicalJson.Serialize(new JsonObject { ["l"] = 1_000_000_000_000_000L }));
    }

    [Fact]
    public void SerializeToUtf8_IsTheUtf8OfTheCanonicalText_AcrossBufferGrowth()
    {
        var long_ = string.Concat(Enumerable.Repeat("内涝\n转移安置 ", 400));
        var body = new JsonObject { ["text"] = long_, ["list"] = new JsonArray([.. Enumerable.Range(0, 300).Select(i => (JsonNode)i)]) };

        var bytes = CanonicalJson.SerializeToUtf8(body);

        Assert.Equal(System.Text.Encoding.UTF8.GetBytes(CanonicalJson.Serialize(body)), bytes);
        Assert.StartsWith("{\"list\":[0,1,2,", System.Text.Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        Assert.Contains("内涝\\n转移安置", System.Text.Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
    }
}
