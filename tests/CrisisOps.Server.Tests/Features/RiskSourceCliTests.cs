using System.Globalization;
using System.Text;
using System.Text.Json;
using CrisisOps.Cli;
using CrisisOps.Domain.Tests.Warning;

namespace CrisisOps.Server.Tests.Features;

/// <summary>`crisisops warning import-cap` and `crisisops records import` against the test server.</summary>
public abstract class RiskSourceCliTests<TApp>(TApp app) : IClassFixture<TApp>, IDisposable where TApp : CrisisOpsApp
{
    private readonly CliRunner _cli = new(app);

    public void Dispose()
    {
        _cli.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task ImportCap_WhenEveryCorpusFile_ReportsEachAsTheManifestSaysAndExitsRejected()
    {
        var files = CapCorpus.Manifest.Select(r => r.File).ToList();
        await _cli.LoginAsync("admin", CrisisOpsApp.AdminPassword);

        var (exit, output, error) = await _cli.RunAsync(["warning", "import-cap", .. files.Select(f => Path.Combine(CapCorpus.Directory, f))]);

        Assert.True(exit == ExitCodes.Rejected, error);
        var lines = output.Split('\n');
        foreach (var row in CapCorpus.Manifest)
        {
            var name = Path.GetFileName(row.File);
            var verdict = lines.First(l => l.StartsWith(name + ":", StringComparison.Ordinal));
            if (row.File.StartsWith("alerts/valid/", StringComparison.Ordinal))
            {
                Assert.True(verdict.Contains(": stored (valid)", StringComparison.Ordinal) || verdict.Contains(": accepted, already stored", StringComparison.Ordinal), verdict);
            }
            else
            {
                Assert.Contains($": rejected ({OfficialWarningTests<TApp>.Expected(row)})", verdict, StringComparison.Ordinal);
            }
        }

        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"{files.Count} file(s):"), output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImportCap_WhenAlertsValid_StoresThemOnceWithJsonLinesAndExitsZero()
    {
        var world = await app.WorldAsync();
        var file = Path.Combine(_cli.Home, "red.xml");
        await File.WriteAllTextAsync(file, RiskSources.Cap(world.Prefix + "-CLI", app.Clock.GetUtcNow(), [world.CommunityA1]), Encoding.UTF8);
        await _cli.LoginAsync("admin", CrisisOpsApp.AdminPassword);

        var first = await _cli.RunAsync("warning", "import-cap", file);
        var second = await _cli.RunAsync("--json", "warning", "import-cap", file);
        var missing = await _cli.RunAsync("warning", "import-cap", file, Path.Combine(_cli.Home, "nope.xml"));

        Assert.True(first.Exit == 0, first.Err);
        Assert.Contains($"red.xml: stored (valid): {world.Prefix}-CLI, 暴雨红色预警, extreme.", first.Out, StringComparison.Ordinal);
        Assert.Contains($"regions: {world.CommunityA1}", first.Out, StringComparison.Ordinal);
        Assert.Equal(0, second.Exit);
        using var line = JsonDocument.Parse(second.Out.Trim());
        Assert.Equal(200, line.RootElement.GetProperty("status").GetInt32());
        Assert.True(line.RootElement.GetProperty("response").GetProperty("duplicate").GetBoolean());
        Assert.Equal(ExitCodes.Usage, missing.Exit);
    }

    [Fact]
    public async Task RecordsImport_WhenCsvWithABadRow_PrintsCountsAndTheRowAndExitsRejected()
    {
        var world = await app.WorldAsync();
        var time = app.Clock.GetUtcNow().AddHours(-1).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        var file = Path.Combine(_cli.Home, "petitions.csv");
        await File.WriteAllTextAsync(file, $"""
            source_id,category,region_code,time,severity,summary
            {world.Prefix}-1,petition,{world.CommunityB2},{time},2,"wages, unpaid"
            {world.Prefix}-2,petition,{world.CommunityB2},{time},7,
            """, new UTF8Encoding(true));
        await _cli.LoginAsync("admin", CrisisOpsApp.AdminPassword);

        var (exit, output, error) = await _cli.RunAsync("records", "import", file, "--source", "letters-office");

        Assert.True(exit == ExitCodes.Rejected, error);
        Assert.Contains("petitions.csv: 2 rows, 1 stored, 0 already stored, 1 rejected.", output, StringComparison.Ordinal);
        Assert.Contains("severity '7' is not 1–4", output, StringComparison.Ordinal);
        var stored = (await (await app.AdminAsync()).GetJsonAsync($"/api/v1/records?region={world.CommunityB2}")).GetProperty("items")[0];
        Assert.Equal("letters-office", stored.GetProperty("source").GetString());
    }
}

public sealed class RiskSourceCliTestsOnSqlite(SqliteApp app) : RiskSourceCliTests<SqliteApp>(app);

public sealed class RiskSourceCliTestsOnPostgres(PostgresApp app) : RiskSourceCliTests<PostgresApp>(app);
