using System.Globalization;
using System.Text.Json;
using CrisisOps.Cli;
using CrisisOps.Testing;

namespace CrisisOps.Server.Tests.Features;

/// <summary>The `crisisops` CLI against the real server in process: what a script or an operator sees.</summary>
public sealed class CliEndToEndTests(SqliteApp app) : IClassFixture<SqliteApp>, IDisposable
{
    private readonly CliRunner _cli = new(app);

    public void Dispose() => _cli.Dispose();

    private Task<(int Exit, string Out, string Err)> RunAsync(params string[] args) => _cli.RunAsync(args);

    private Task LoginAsync(string user = "admin", string password = CrisisOpsApp.AdminPassword) => _cli.LoginAsync(user, password);

    [Fact]
    public async Task RegionsImportListLocate_WhenLoggedIn_WorkAgainstTheServer()
    {
        await LoginAsync();
        var world = RegionWorld.Next();
        var file = Path.Combine(_cli.Home, "world.geojson");
        await File.WriteAllTextAsync(file, world.ToGeoJson());

        var import = await RunAsync("regions", "import", file);
        Assert.True(import.Exit == 0, import.Err);

        var list = await RunAsync("--json", "regions", "list", "--parent", world.TownshipA);
        Assert.Equal(0, list.Exit);
        var codes = JsonDocument.Parse(list.Out).RootElement.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("code").GetString());
        Assert.Equal([world.CommunityA1, world.CommunityA2], codes.ToArray());

        var (lat, lon) = world.PointIn(world.CommunityB1);
        var locate = await RunAsync("regions", "locate", lat.ToString(CultureInfo.InvariantCulture), lon.ToString(CultureInfo.InvariantCulture));
        Assert.True(locate.Exit == 0, locate.Err);
        Assert.Contains(world.CommunityB1, locate.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IncidentReportShowAndDeadlines_WhenUsed_ShowTheFirstReportDuty()
    {
        var world = await app.WorldAsync();
        await LoginAsync();
        var (lat, lon) = world.PointIn(world.CommunityA2);

        var report = await RunAsync("--json", "incident", "report", "--title", "Cellar flooded", "--type", "waterlogging",
            "--category", "natural-disaster", "--severity", "IV",
            "--lat", lat.ToString(CultureInfo.InvariantCulture), "--lon", lon.ToString(CultureInfo.InvariantCulture));
        Assert.True(report.Exit == 0, report.Err);
        var id = JsonDocument.Parse(report.Out).RootElement.GetProperty("id").GetString()!;

        var show = await RunAsync("incident", "show", id);
        Assert.True(show.Exit == 0, show.Err);
        Assert.Contains("Cellar flooded", show.Out, StringComparison.Ordinal);
        Assert.Contains("first-report", show.Out, StringComparison.Ordinal);

        var deadlines = await RunAsync("--json", "deadlines", "list", "--incident", id);
        Assert.Equal(0, deadlines.Exit);
        var deadline = Assert.Single(JsonDocument.Parse(deadlines.Out).RootElement.GetProperty("items").EnumerateArray());
        Assert.Equal(world.CommunityA2, deadline.GetProperty("regionCode").GetString());

        var list = await RunAsync("incident", "list", "--region", world.CountyA);
        Assert.Contains("Cellar flooded", list.Out, StringComparison.Ordinal);

        var tail = await RunAsync("--json", "journal", "tail", "--incident", id);
        Assert.True(tail.Exit == 0, tail.Err);
        Assert.Contains("deadline.created", tail.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Commands_WhenServerRefuses_PrintProblemAndExitNonZero()
    {
        await LoginAsync();

        var missing = await RunAsync("incident", "show", Guid.NewGuid().ToString());
        Assert.Equal(ExitCodes.ServerError, missing.Exit);
        Assert.Contains("not-found", missing.Err, StringComparison.Ordinal);

        var nowhere = await RunAsync("regions", "locate", "89.99", "179.99");
        Assert.Equal(ExitCodes.ServerError, nowhere.Exit);
        Assert.Contains("outside-all-regions", nowhere.Err, StringComparison.Ordinal);

        var wrong = await RunAsync("login", "--url", "http://localhost", "--user", "admin", "--password", "not-the-password");
        Assert.Equal(ExitCodes.ServerError, wrong.Exit);
        Assert.Contains("invalid-credentials", wrong.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JournalTailFollow_WhenIncidentReported_PrintsItLive()
    {
        var world = await app.WorldAsync();
        await LoginAsync();
        var stdout = new StringWriter(CultureInfo.InvariantCulture);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var environment = _cli.Environment(stdout, new StringWriter(CultureInfo.InvariantCulture));
        var follow = CliApp.RunAsync(["--json", "journal", "tail", "--follow", "--region", world.CountyA], environment, stop.Token);

        var officer = await app.UserAsync(("duty-officer", world.CountyA));
        var (lat, lon) = world.PointIn(world.CommunityA1);
        for (var attempt = 0; attempt < 100 && !stdout.ToString().Contains("Followed live", StringComparison.Ordinal); attempt++)
        {
            if (attempt % 20 == 0)
            {
                (await officer.PostJsonAsync("/api/v1/incidents", new
                {
                    title = "Followed live", category = "accident", type = "fire", severity = "IV", location = new { lat, lon },
                })).EnsureSuccessStatusCode();
            }

            await Task.Delay(100);
        }

        await stop.CancelAsync();
        await follow;
        Assert.Contains("Followed live", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("incident.reported", stdout.ToString(), StringComparison.Ordinal);
    }
}
