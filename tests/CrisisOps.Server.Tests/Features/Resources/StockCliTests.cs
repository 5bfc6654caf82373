using System.Globalization;
using System.Net;
using System.Text.Json;

namespace CrisisOps.Server.Tests.Features.Resources;

/// <summary>`crisisops stock receive` and `crisisops stock list` against the real server in process.</summary>
public sealed class StockCliTests(SqliteApp app) : IClassFixture<SqliteApp>, IDisposable
{
    private readonly CliRunner _cli = new(app);

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task ReceiveAndList_WhenAKeeperReceivesGoods_ListShowsTheBalance()
    {
        var world = await app.WorldAsync();
        var admin = await app.AdminAsync();
        var depot = "cli-depot-" + world.Prefix.ToLowerInvariant();
        await (await admin.PostJsonAsync("/api/v1/warehouses", new { code = depot, name = "CLI depot", regionCode = world.CountyA }))
            .OkJsonAsync(HttpStatusCode.Created);
        await _cli.LoginAsync("admin", CrisisOpsApp.AdminPassword);
        var expires = DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime).AddDays(90).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        var received = await _cli.RunAsync("stock", "receive", "--warehouse", depot, "--item", "drinking-water", "--quantity", "120.5",
            "--expires", expires, "--source", "donation");
        Assert.True(received.Exit == 0, received.Err);
        Assert.Contains(depot, received.Out, StringComparison.Ordinal);

        var list = await _cli.RunAsync("stock", "list", "--warehouse", depot);
        Assert.True(list.Exit == 0, list.Err);
        Assert.Contains("drinking-water", list.Out, StringComparison.Ordinal);
        Assert.Contains("120.5", list.Out, StringComparison.Ordinal);
        Assert.Contains(expires, list.Out, StringComparison.Ordinal);

        var json = JsonDocument.Parse((await _cli.RunAsync("--json", "stock", "list", "--item", "drinking-water")).Out).RootElement;
        var row = json.GetProperty("items").EnumerateArray().Single(r => r.GetProperty("warehouse").GetString() == depot);
        Assert.Equal(120.5m, row.GetProperty("available").GetDecimal());

        var fractional = await _cli.RunAsync("stock", "receive", "--warehouse", depot, "--item", "tents", "--quantity", "1.5");
        Assert.NotEqual(0, fractional.Exit);
        Assert.Contains("invalid-quantity", fractional.Err, StringComparison.Ordinal);
        var garbled = await _cli.RunAsync("stock", "receive", "--warehouse", depot, "--item", "tents", "--quantity", "lots");
        Assert.Equal(2, garbled.Exit);
    }
}
