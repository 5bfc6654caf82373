using System.Text;
using CrisisOps.Domain.Warning;

namespace CrisisOps.Domain.Tests.Warning;

/// <summary>What a government record, an opinion count and an official warning must be to be kept.</summary>
public sealed class RiskSourceInputTests
{
    private static readonly DateTimeOffset Now = new(2026, 7, 12, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private static RecordRegion? Ours(string code) => code is "C1" or "C2" ? new RecordRegion(code, "/P/" + code + "/") : null;

    private static IncomingRecord Good(string id = "X-1") => new("civil-affairs", id, "信访", "C1", "2026-07-12 09:30", "3", "水费争议");

    [Fact]
    public void Check_WhenRecordGood_ReadsChineseWordsAndLocalTime()
    {
        var check = GovernmentRecordRules.Check([Good(), Good("X-2") with { Category = "relief-request", Severity = "特别重大", Time = "2026-07-12T07:00:00Z" }],
            Ours, Now, Shanghai);

        Assert.Empty(check.Rejected);
        var first = check.Accepted[0].Record;
        Assert.Equal(RecordCategory.Petition, first.Category);
        Assert.Equal(new DateTimeOffset(2026, 7, 12, 1, 30, 0, TimeSpan.Zero), first.Time); // 09:30 in Shanghai
        Assert.Equal(3, first.Severity);
        Assert.Equal(4, check.Accepted[1].Record.Severity);
        Assert.Equal(RecordCategory.ReliefRequest, check.Accepted[1].Record.Category);
    }

    [Theory]
    [InlineData("region", "NOPE", "unknown region 'NOPE'")]
    [InlineData("category", "gossip", "unknown category 'gossip'")]
    [InlineData("category", "", "missing category")]
    [InlineData("time", "yesterday", "time 'yesterday' is not readable")]
    [InlineData("time", "", "missing time")]
    [InlineData("time", "2026-07-13T08:00:00Z", "is in the future")]
    [InlineData("severity", "5", "severity '5' is not 1–4")]
    [InlineData("severity", "2.5", "severity '2.5' is not 1–4")]
    [InlineData("id", "", "missing record number")]
    [InlineData("source", "", "missing source office")]
    [InlineData("summary", "LONG", "summary has 2,001 characters")]
    public void Check_WhenRecordBad_RefusesItWithTheReason(string field, string value, string expected)
    {
        var record = field switch
        {
            "region" => Good() with { Region = value },
            "category" => Good() with { Category = value },
            "time" => Good() with { Time = value },
            "severity" => Good() with { Severity = value },
            "id" => Good() with { SourceId = value },
            "source" => Good() with { Source = value },
            _ => Good() with { Summary = new string('字', 2001) },
        };

        var check = GovernmentRecordRules.Check([Good("OK-1"), record], Ours, Now, Shanghai);

        Assert.Single(check.Accepted);
        var rejection = Assert.Single(check.Rejected);
        Assert.Equal(1, rejection.Index);
        Assert.Contains(expected, rejection.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_WhenRecordNumberTwiceInBatch_RefusesTheSecond()
    {
        var check = GovernmentRecordRules.Check([Good(), Good() with { Severity = "1" }, Good() with { Source = "police" }], Ours, Now, Shanghai);

        Assert.Equal(2, check.Accepted.Count); // the same number from another office is another record
        Assert.Contains("appears twice", Assert.Single(check.Rejected).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_WhenOpinionCounts_RefusesBadOnesAndRoundsBucketsToSeconds()
    {
        IncomingOpinionCount good = new("C1", "维权", Now.AddMinutes(-60).AddMilliseconds(250), 42, "weibo-monitor");
        var check = OpinionCountRules.Check(
        [
            good,
            good with { Region = "C9" },
            good with { Keyword = " " },
            good with { Time = Now.AddHours(1) },
            good with { Count = -1 },
            good with { Count = 1.5 },
            good with { Source = null },
            good with { Count = 43 },
        ], Ours, Now);

        var accepted = Assert.Single(check.Accepted);
        Assert.Equal(Now.AddMinutes(-60), accepted.BucketStart);
        Assert.Equal(
            ["unknown region 'C9'", "missing keyword", "in the future", "whole number", "whole number", "missing source", "appear twice"],
            check.Rejected.Select(r => new[] { "unknown region 'C9'", "missing keyword", "in the future", "whole number", "missing source", "appear twice" }
                .First(w => r.Reason.Contains(w, StringComparison.Ordinal))).ToArray());
    }

    [Fact]
    public void OfficialWarning_WhenBuiltFromBilingualAlert_KeepsBothHeadlinesEveryEventAndTheWorstSeverity()
    {
        var xml = """
            <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
              <identifier>CMA-2</identifier><sender>cma@example</sender><sent>2026-07-12T16:00:00+08:00</sent>
              <status>Actual</status><msgType>Update</msgType><scope>Public</scope>
              <references>cma@example,CMA-1,2026-07-12T14:00:00+08:00</references>
              <info><language>en-US</language><category>Met</category><event>Rainstorm</event><urgency>Immediate</urgency>
                <severity>Severe</severity><certainty>Likely</certainty><expires>2026-07-13T04:00:00+08:00</expires>
                <headline>Rainstorm orange warning</headline><area><areaDesc>City</areaDesc></area></info>
              <info><language>zh-CN</language><category>Met</category><event>暴雨</event><urgency>Immediate</urgency>
                <severity>Extreme</severity><certainty>Likely</certainty><expires>2026-07-13T06:00:00+08:00</expires>
                <headline>暴雨红色预警</headline><area><areaDesc>全市</areaDesc></area></info>
            </alert>
            """;
        var alert = CapReader.Read(Encoding.UTF8.GetBytes(xml)).Alert!;

        var warning = new OfficialWarning(Guid.NewGuid(), alert, Encoding.UTF8.GetBytes(xml), "upload", [new RecordRegion("C1", "/P/C1/")],
            new RecordRegion("C1", "/P/C1/"), Now, "duty");

        Assert.Equal(CapSeverity.Extreme, warning.Severity);
        Assert.Equal("暴雨", warning.Event);
        Assert.Equal(["Rainstorm", "暴雨"], warning.Events);
        Assert.Equal("暴雨红色预警", warning.HeadlineZh);
        Assert.Equal("Rainstorm orange warning", warning.HeadlineEn);
        Assert.Equal(new DateTimeOffset(2026, 7, 12, 22, 0, 0, TimeSpan.Zero), warning.ValidUntil);
        Assert.Equal(new DateTimeOffset(2026, 7, 12, 8, 0, 0, TimeSpan.Zero), warning.Effective); // sent, as CAP says when no effective is given
        Assert.Equal(["cma@example,CMA-1,2026-07-12T06:00:00Z"], warning.References);
        Assert.True(warning.FeedsRisk);
        Assert.Equal("C1", Assert.Single(warning.Regions).RegionCode);
    }

    [Fact]
    public void EndBy_WhenAlreadyEnded_ChangesNothing()
    {
        static OfficialWarning Make(string id, string type) => new(Guid.NewGuid(), CapReader.Read(Encoding.UTF8.GetBytes($"""
            <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>{id}</identifier><sender>s</sender>
            <sent>2026-07-12T08:00:00+00:00</sent><status>Actual</status><msgType>{type}</msgType><scope>Public</scope></alert>
            """)).Alert!, [], "upload", [], null, Now, "duty");
        var alert = Make("A", "Alert");
        var cancel = Make("C", "Cancel");

        Assert.True(alert.EndBy(cancel, Now));
        Assert.False(alert.EndBy(Make("U", "Update"), Now.AddHours(1)));
        Assert.Equal(OfficialWarningState.Cancelled, alert.State);
        Assert.Equal(Now, alert.EndedAt);
        Assert.False(alert.IsInForceAt(Now));
        Assert.Throws<ArgumentException>(() => Make("B", "Alert").EndBy(Make("D", "Ack"), Now));
        Assert.Equal(OfficialWarning.DefaultValidity, alert.ValidUntil - alert.Effective);
    }
}
