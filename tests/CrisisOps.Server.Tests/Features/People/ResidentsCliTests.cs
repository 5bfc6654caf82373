using System.Text;

namespace CrisisOps.Server.Tests.Features.People;

/// <summary>`crisisops residents import` and `crisisops residents export` against the real server in process.</summary>
public sealed class ResidentsCliTests(SqliteApp app) : IClassFixture<SqliteApp>, IDisposable
{
    private readonly CliRunner _cli = new(app);

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task ImportAndExport_WhenARowIsBad_PrintsItAndExitsRejected_AndExportWritesTheFile()
    {
        var world = await app.WorldAsync();
        var (_, officer) = await app.PersonAsync(new TestRole("community-officer", world.CommunityA1));
        var file = Path.Combine(_cli.Home, "register.csv");
        await File.WriteAllTextAsync(file, $"""
            姓名,证件号或编号,所在社区,手机,特殊需求
            张秀英,{world.Prefix}-C1,{world.CommunityA1},13800138000,独居老人
            李伟,{world.Prefix}-C2,{world.CommunityA1},12345,
            """, Encoding.UTF8);
        await _cli.LoginAsync(officer, "password-of-a-test-user");

        var dry = await _cli.RunAsync("residents", "import", file, "--dry-run");
        Assert.Equal(4, dry.Exit);
        Assert.Contains("dry run", dry.Out, StringComparison.Ordinal);
        var import = await _cli.RunAsync("residents", "import", file);
        Assert.True(import.Exit == 4, import.Out + import.Err);
        Assert.Contains("1 created", import.Out, StringComparison.Ordinal);
        Assert.Contains("mobile", import.Out, StringComparison.Ordinal);
        Assert.Contains($"{world.Prefix}-C2", import.Out, StringComparison.Ordinal);

        var good = Path.Combine(_cli.Home, "good.csv");
        await File.WriteAllTextAsync(good, $"reference,name,community\n{world.Prefix}-C3,王芳,{world.CommunityA1}\n", Encoding.UTF8);
        Assert.Equal(0, (await _cli.RunAsync("residents", "import", good)).Exit);

        var output = Path.Combine(_cli.Home, "out.csv");
        var shortReason = await _cli.RunAsync("residents", "export", "--region", world.CommunityA1, "--reason", "why", "--out", output);
        Assert.Equal(1, shortReason.Exit);
        Assert.Contains("validation-failed", shortReason.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
        var neighbour = await _cli.RunAsync("residents", "export", "--region", world.CommunityA2, "--reason", "storm door-to-door list", "--out", output);
        Assert.Equal(1, neighbour.Exit);

        var export = await _cli.RunAsync("residents", "export", "--region", world.CommunityA1, "--reason", "storm door-to-door list", "--out", output);
        Assert.True(export.Exit == 0, export.Err);
        var text = await File.ReadAllTextAsync(output);
        Assert.Contains("+8613800138000", text, StringComparison.Ordinal);
        Assert.Contains($"{world.Prefix}-C3", text, StringComparison.Ordinal);
        Assert.DoesNotContain($"{world.Prefix}-C2", text, StringComparison.Ordinal);
    }
}
