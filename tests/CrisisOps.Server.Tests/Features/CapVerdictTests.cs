using System.Globalization;
using System.Net;
using System.Text;
using CrisisOps.Cli;
using CrisisOps.Testing;

namespace CrisisOps.Server.Tests.Features;

/// <summary>Official CAP warnings: the verdict over the API and through `crisisops warning check-cap`.</summary>
public sealed class CapVerdictTests(SqliteApp app) : IClassFixture<SqliteApp>, IDisposable
{
    private readonly CliRunner _cli = new(app);

    public void Dispose() => _cli.Dispose();

    /// <summary>A red rainstorm warning whose polygon covers the north half of county A.</summary>
    private static string RainstormCap(RegionWorld world)
    {
        string P(double lat, double lon) => string.Create(CultureInfo.InvariantCulture, $"{lat},{lon}");
        var (s, w) = (world.South + 0.45, world.West + 0.05);
        var (n, e) = (world.South + 0.75, world.West + 0.35);
        var polygon = $"{P(s, w)} {P(s, e)} {P(n, e)} {P(n, w)} {P(s, w)}";
        return $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
              <identifier>CMA-RAINSTORM-{world.Prefix}</identifier>
              <sender>warning@cma.example</sender>
              <sent>2026-07-12T08:00:00+08:00</sent>
              <status>Actual</status>
              <msgType>Alert</msgType>
              <scope>Public</scope>
              <info>
                <language>zh-CN</language>
                <category>Met</category>
                <event>暴雨红色预警</event>
                <urgency>Immediate</urgency>
                <severity>Extreme</severity>
                <certainty>Likely</certainty>
                <headline>暴雨红色预警 &lt;b&gt;</headline>
                <area>
                  <areaDesc>County A north</areaDesc>
                  <polygon>{polygon}</polygon>
                </area>
              </info>
            </alert>
            """;
    }

    [Fact]
    public async Task Verdict_WhenValidAlert_ListsTheRegionsItsAreaCovers()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("duty-officer", world.City));

        var verdict = await (await officer.PostRawAsync("/api/v1/warnings/cap/verdict", RainstormCap(world), "application/xml")).OkJsonAsync();

        Assert.True(verdict.GetProperty("accepted").GetBoolean());
        Assert.Equal("valid", verdict.GetProperty("kind").GetString());
        var area = verdict.GetProperty("infos")[0].GetProperty("areas")[0];
        Assert.Equal([world.CommunityA1], area.GetProperty("regions").EnumerateArray().Select(r => r.GetString()).ToArray());
        Assert.Equal("extreme", verdict.GetProperty("infos")[0].GetProperty("severity").GetString());
    }

    [Fact]
    public async Task Verdict_WhenDtdOrBroken_RejectsWithReason()
    {
        var admin = await app.AdminAsync();
        const string xxe = """
            <?xml version="1.0"?>
            <!DOCTYPE alert [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
            <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&xxe;</identifier></alert>
            """;

        var unsafeVerdict = await (await admin.PostRawAsync("/api/v1/warnings/cap/verdict", xxe, "application/xml")).OkJsonAsync();
        Assert.False(unsafeVerdict.GetProperty("accepted").GetBoolean());
        Assert.Equal("unsafe", unsafeVerdict.GetProperty("kind").GetString());
        Assert.DoesNotContain("root:", unsafeVerdict.GetRawText(), StringComparison.Ordinal);

        var cap11 = "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.1\"><identifier>x</identifier></alert>";
        var old = await (await admin.PostRawAsync("/api/v1/warnings/cap/verdict", cap11, "application/xml")).OkJsonAsync();
        Assert.Equal("other-version", old.GetProperty("kind").GetString());
        Assert.NotEmpty(old.GetProperty("reasons").EnumerateArray());
    }

    [Fact]
    public async Task Verdict_WhenEncodedInGb2312_ReadsTheChineseText()
    {
        var world = await app.WorldAsync();
        var admin = await app.AdminAsync();
        var xml = RainstormCap(world).Replace("encoding=\"UTF-8\"", "encoding=\"GB2312\"", StringComparison.Ordinal);
        var bytes = System.Text.Encoding.GetEncoding("GB2312").GetBytes(xml);
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new("application/xml");

        var verdict = await (await admin.PostAsync("/api/v1/warnings/cap/verdict", content)).OkJsonAsync();

        Assert.True(verdict.GetProperty("accepted").GetBoolean(), verdict.GetRawText());
        Assert.Equal("暴雨红色预警", verdict.GetProperty("infos")[0].GetProperty("event").GetString());
    }

    [Fact]
    public async Task Verdict_WhenNotSignedIn_Returns401()
    {
        await (await app.Anonymous().PostRawAsync("/api/v1/warnings/cap/verdict", "<alert/>", "application/xml"))
            .ProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task CheckCapCommand_WhenFilesGiven_ReportsVerdictAndExitCode()
    {
        var world = await app.WorldAsync();
        var good = Path.Combine(_cli.Home, "rainstorm.xml");
        var bad = Path.Combine(_cli.Home, "old.xml");
        await File.WriteAllTextAsync(good, RainstormCap(world), Encoding.UTF8);
        await File.WriteAllTextAsync(bad, "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.1\"/>", Encoding.UTF8);
        await _cli.LoginAsync("admin", CrisisOpsApp.AdminPassword);

        var accepted = await CliAsync("warning", "check-cap", good);
        Assert.True(accepted.Exit == 0, accepted.Err);
        Assert.Contains("accepted", accepted.Out, StringComparison.Ordinal);
        Assert.Contains(world.CommunityA1, accepted.Out, StringComparison.Ordinal);

        var rejected = await CliAsync("warning", "check-cap", bad);
        Assert.Equal(ExitCodes.Rejected, rejected.Exit);
        Assert.Contains("rejected (other-version)", rejected.Out, StringComparison.Ordinal);
    }

    private Task<(int Exit, string Out, string Err)> CliAsync(params string[] args) => _cli.RunAsync(args);
}
