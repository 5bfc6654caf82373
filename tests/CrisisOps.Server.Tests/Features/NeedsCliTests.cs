using System.Globalization;
using System.Net;
using System.Text.Json;

namespace CrisisOps.Server.Tests.Features;

/// <summary>`crisisops needs list` and `crisisops needs claim` against the real server in process.</summary>
public sealed class NeedsCliTests(SqliteApp app) : IClassFixture<SqliteApp>, IDisposable
{
    private readonly CliRunner _cli = new(app);

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task ListAndClaim_WhenAnNgoMemberClaimsByNumber_RemainingDropsAndOverClaimIsRejected()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("community-officer", world.CommunityA1));
        var logistics = await app.UserAsync(("logistics-officer", world.CountyA));
        var code = "blue-sky-" + world.Prefix.ToLowerInvariant();
        (await logistics.PostJsonAsync("/api/v1/organisations", new { code, name = "蓝天救援队 Blue Sky", kind = "ngo", regionCode = world.CountyA }))
            .EnsureSuccessStatusCode();
        var (_, member) = await app.PersonAsync(new TestRole("partner-member", world.CountyA, Organisation: code));
        var need = await (await officer.PostJsonAsync("/api/v1/needs", new
        {
            what = "Sandbags 沙袋", quantity = 400, unit = "bags", discrete = true, regionCode = world.CommunityA1, priority = "high",
            neededBy = (app.Clock.GetUtcNow() + TimeSpan.FromHours(6)).ToString("O", CultureInfo.InvariantCulture),
        })).OkJsonAsync(HttpStatusCode.Created);
        var number = need.GetProperty("number").GetString()!;

        await _cli.LoginAsync(member, "password-of-a-test-user");
        var list = await _cli.RunAsync("needs", "list", "--status", "open", "--region", world.CommunityA1);
        Assert.True(list.Exit == 0, list.Err);
        Assert.Contains(number, list.Out, StringComparison.Ordinal);
        Assert.Contains("Sandbags", list.Out, StringComparison.Ordinal);

        var claim = await _cli.RunAsync("needs", "claim", number, "--quantity", "150", "--promised-by", "+3h");
        Assert.True(claim.Exit == 0, claim.Err);
        Assert.Contains("250", claim.Out, StringComparison.Ordinal);

        var json = JsonDocument.Parse((await _cli.RunAsync("--json", "needs", "list", "--region", world.CommunityA1)).Out).RootElement;
        var row = json.GetProperty("items").EnumerateArray().Single(n => n.GetProperty("number").GetString() == number);
        Assert.Equal(250m, row.GetProperty("remaining").GetDecimal());

        var over = await _cli.RunAsync("needs", "claim", number, "--quantity", "251", "--promised-by", "+3h");
        Assert.NotEqual(0, over.Exit);
        Assert.Contains("claim-exceeds-remaining", over.Err, StringComparison.Ordinal);
        var badTime = await _cli.RunAsync("needs", "claim", number, "--quantity", "1", "--promised-by", "soon");
        Assert.Equal(2, badTime.Exit);
    }
}
