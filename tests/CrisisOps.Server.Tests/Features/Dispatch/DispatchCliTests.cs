using System.Globalization;
using System.Net;
using System.Text.Json;

namespace CrisisOps.Server.Tests.Features.Dispatch;

/// <summary>`crisisops dispatch plan|show|closures|close` against the real server in process (straight lines: no road network here).</summary>
public sealed class DispatchCliTests(SqliteApp app) : IClassFixture<SqliteApp>, IDisposable
{
    private const string Password = "password-of-a-test-user";
    private readonly CliRunner _cli = new(app);

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task DispatchPlanShowAndClosures_FromTheCommandLine()
    {
        var world = await app.WorldAsync();
        var (commander, commanderName) = await app.PersonAsync(new TestRole("commander", world.CountyA));
        var logistics = await app.UserAsync(("logistics-officer", world.CountyA));
        var (lat, lon) = world.PointIn(world.CommunityA1);
        var incident = await (await commander.PostJsonAsync("/api/v1/incidents", new
        {
            title = "Flooding", category = "natural-disaster", type = "waterlogging", severity = "III", location = new { lat, lon },
        })).OkJsonAsync(HttpStatusCode.Created);
        var number = incident.GetProperty("number").GetString()!;
        var depot = "cli-depot-" + Guid.NewGuid().ToString("N")[..6];
        var (dlat, dlon) = world.PointIn(world.CommunityA2);
        await (await logistics.PostJsonAsync("/api/v1/warehouses", new { code = depot, name = "Depot", latitude = dlat, longitude = dlon }))
            .OkJsonAsync(HttpStatusCode.Created);
        await (await logistics.PostJsonAsync("/api/v1/stock/receive", new { warehouse = depot, item = "food-parcel", quantity = 100 }))
            .OkJsonAsync(HttpStatusCode.Created);
        await (await logistics.PostJsonAsync("/api/v1/vehicles", new
        {
            code = depot + "-van", name = "Van", warehouse = depot, capacityKg = 500, capacityM3 = 5, shiftStart = "00:00", shiftEnd = "23:59",
        })).OkJsonAsync(HttpStatusCode.Created);
        await (await commander.PostJsonAsync("/api/v1/needs", new
        {
            what = "Food parcels", itemCode = "food-parcel", quantity = 10, unit = "parcels", discrete = true, regionCode = world.CommunityA1,
            priority = "urgent", neededBy = app.Clock.GetUtcNow().AddHours(4).ToString("O", CultureInfo.InvariantCulture), publisherKind = "hq",
            incidentId = incident.GetProperty("id").GetString(),
        })).OkJsonAsync(HttpStatusCode.Created);

        await _cli.LoginAsync(commanderName, Password);
        var planned = await _cli.RunAsync("--json", "dispatch", "plan", "--incident", number, "--seconds", "1");
        Assert.True(planned.Exit == 0, planned.Err);
        var plan = JsonDocument.Parse(planned.Out).RootElement;
        Assert.Equal("straight-line", plan.GetProperty("method").GetString());
        var id = plan.GetProperty("id").GetString()!;

        var shown = await _cli.RunAsync("dispatch", "show", id);
        Assert.True(shown.Exit == 0, shown.Err);
        Assert.True(shown.Out.Contains(depot + "-van", StringComparison.Ordinal), shown.Out);
        Assert.Contains("straight-line", shown.Out, StringComparison.Ordinal);

        var bad = await _cli.RunAsync("dispatch", "plan", "--incident", number, "--seconds", "0");
        Assert.NotEqual(0, bad.Exit);
        Assert.Contains("validation-failed", bad.Err, StringComparison.Ordinal);

        // Without the road network a way cannot be placed: the closure names the incident to find its region.
        var closed = await _cli.RunAsync("--json", "dispatch", "close", "--way", "4242", "--reason", "塌方", "--reason-en", "Landslide",
            "--incident", incident.GetProperty("id").GetString()!);
        Assert.True(closed.Exit == 0, closed.Err);
        var closures = await _cli.RunAsync("dispatch", "closures");
        Assert.True(closures.Exit == 0, closures.Err);
        Assert.Contains("4242", closures.Out, StringComparison.Ordinal);
        var json = JsonDocument.Parse((await _cli.RunAsync("--json", "dispatch", "closures")).Out).RootElement;
        Assert.Contains(json.GetProperty("items").EnumerateArray(), c => c.GetProperty("wayId").GetInt64() == 4242);
    }
}
