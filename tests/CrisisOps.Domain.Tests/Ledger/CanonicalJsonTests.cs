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
}
