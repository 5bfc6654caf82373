using System.Net;
using System.Text.Json;
using CrisisOps.Server.Features.Deadlines;
using Microsoft.Extensions.DependencyInjection;

namespace CrisisOps.Server.Tests.Features;

/// <summary>`crisisops orders board` and `crisisops orders mine` against the real server in process.</summary>
public sealed class OrderCliTests(SqliteApp app) : IClassFixture<SqliteApp>, IDisposable
{
    private const string Password = "password-of-a-test-user";
    private readonly CliRunner _cli = new(app);

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task OrdersBoardAndMine_ShowWhoHoldsWhat_LateFlagged()
    {
        var world = await app.WorldAsync();
        var (commander, commanderName) = await app.PersonAsync(new TestRole("commander", world.City));
        var (_, liaisonName) = await app.PersonAsync(new TestRole("department-liaison", world.CountyA, Department: "water"));
        var (lat, lon) = world.PointIn(world.CommunityA1);
        var incident = await (await commander.PostJsonAsync("/api/v1/incidents", new
        {
            title = "Underpass flooded", category = "natural-disaster", type = "waterlogging", severity = "II", location = new { lat, lon },
        })).OkJsonAsync(HttpStatusCode.Created);
        var number = incident.GetProperty("number").GetString()!;
        var hq = await (await commander.PostJsonAsync($"/api/v1/incidents/{incident.GetProperty("id").GetString()}/headquarters",
            new { template = "rainstorm", commander = commanderName })).OkJsonAsync(HttpStatusCode.Created);
        var water = hq.GetProperty("units").EnumerateArray().Single(u => u.GetProperty("department").GetString() == "water").GetProperty("id").GetString();
        var now = app.Clock.GetUtcNow();
        await (await commander.PostJsonAsync($"/api/v1/headquarters/{hq.GetProperty("id").GetString()}/orders", new
        {
            unitId = water, what = "Pump out the underpass", dueBy = now.AddHours(2), priority = "urgent",
        })).OkJsonAsync(HttpStatusCode.Created);
        app.Clock.Advance(TimeSpan.FromMinutes(11));
        await app.Services.GetRequiredService<DeadlineRunner>().FireDueAsync(CancellationToken.None);

        await _cli.LoginAsync(commanderName, Password);
        var board = await _cli.RunAsync("orders", "board", "--incident", number);
        Assert.True(board.Exit == 0, board.Err);
        Assert.Contains("Pump out the underpass", board.Out, StringComparison.Ordinal);
        Assert.Contains("issued", board.Out, StringComparison.Ordinal);
        Assert.Contains("unacknowledged", board.Out, StringComparison.Ordinal);

        var json = JsonDocument.Parse((await _cli.RunAsync("--json", "orders", "board", "--incident", number)).Out).RootElement;
        Assert.Equal(1, json.GetProperty("late").GetInt32());

        var missing = await _cli.RunAsync("orders", "board", "--incident", "INC-00000000-000000-00000000");
        Assert.NotEqual(0, missing.Exit);
        Assert.Contains("not-found", missing.Err, StringComparison.Ordinal);

        await _cli.LoginAsync(liaisonName, Password);
        var mine = await _cli.RunAsync("orders", "mine");
        Assert.True(mine.Exit == 0, mine.Err);
        Assert.Contains("Pump out the underpass", mine.Out, StringComparison.Ordinal);
    }
}
