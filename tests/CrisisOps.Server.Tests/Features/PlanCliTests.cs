using System.Text.Json;

namespace CrisisOps.Server.Tests.Features;

/// <summary>`crisisops plans` and `crisisops risk` against the real server in process.</summary>
public sealed class PlanCliTests(SqliteApp app) : IClassFixture<SqliteApp>, IDisposable
{
    private readonly CliRunner _cli = new(app);

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task PlansAndRisk_WhenAnOfficerEscalates_ShowThePlanStartedWithItsSteps()
    {
        var world = await app.WorldAsync();
        await _cli.LoginAsync("admin", CrisisOpsApp.AdminPassword);

        var list = await _cli.RunAsync("plans", "list", "--hazard", "*");
        Assert.True(list.Exit == 0, list.Err);
        Assert.Contains("全员响应", (await _cli.RunAsync("--json", "plans", "list", "--tier", "emergency")).Out, StringComparison.Ordinal);
        var id = JsonDocument.Parse((await _cli.RunAsync("--json", "plans", "list", "--hazard", "*", "--tier", "attention")).Out)
            .RootElement.GetProperty("items")[0].GetProperty("id").GetString()!;
        var show = await _cli.RunAsync("plans", "show", id);
        Assert.True(show.Exit == 0, show.Err);
        Assert.Contains("special-analysis", show.Out, StringComparison.Ordinal);
        Assert.Contains("analyst", show.Out, StringComparison.Ordinal);

        var escalate = await _cli.RunAsync("risk", "escalate", world.CommunityB1, "flood", "--tier", "warning", "--reason", "Levee seeping");
        Assert.True(escalate.Exit == 0, escalate.Err);
        Assert.Contains("tier warning", escalate.Out, StringComparison.Ordinal);

        var activations = await _cli.RunAsync("plans", "activations", "--region", world.CommunityB1);
        Assert.True(activations.Exit == 0, activations.Err);
        Assert.Contains("emergency-preparation", activations.Out, StringComparison.Ordinal);
        Assert.Contains("information-report", activations.Out, StringComparison.Ordinal);

        var refused = await _cli.RunAsync("risk", "escalate", world.CommunityB1, "flood", "--tier", "attention", "--reason", "lower");
        Assert.Equal(1, refused.Exit);
        Assert.Contains("not-an-escalation", refused.Err, StringComparison.Ordinal);

        var cleared = await _cli.RunAsync("risk", "clear-override", world.CommunityB1, "flood", "--reason", "Levee holds");
        Assert.True(cleared.Exit == 0, cleared.Err);
        Assert.Contains("tier none", cleared.Out, StringComparison.Ordinal);
    }
}
