using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace CrisisOps.Browser.Tests;

/// <summary>Headquarters formed in the console, an order acknowledged by the water liaison on "My orders", the board updated; an unacknowledged order turns late.</summary>
public sealed class OrderBoardTests(BrowserServer server) : IClassFixture<BrowserServer>
{
    [Fact]
    public async Task Board_WhenLiaisonAcknowledgesInTheConsole_ShowsTheOrderAcknowledged()
    {
        using var api = await server.ApiAsync("commander.krems", BrowserServer.DemoPassword);
        var commander = await server.SignInAsync("commander.krems", BrowserServer.DemoPassword);
        var incident = await (await api.PostAsJsonAsync("api/v1/incidents", new
        {
            title = "Underpass flooded 地下通道积水", category = "natural-disaster", type = "waterlogging", severity = "II", regionCode = "KRE-01-01",
        })).Content.ReadFromJsonAsync<JsonElement>();
        var number = incident.GetProperty("number").GetString();

        // Form the headquarters from its template in the console, reached from the incident page.
        await commander.GotoAsync($"console/incidents/{number}");
        await commander.GetByTestId("command-link").ClickAsync();
        await commander.GetByTestId("form-hq").WaitForAsync(new() { Timeout = 30_000 });

        // Buttons work once the page is interactive (it is first rendered on the server).
        await commander.WaitForFunctionAsync("() => document.querySelector('[data-testid=command-title]')?.dataset.ready === 'true'", null, new() { Timeout = 30_000 });
        Assert.Equal("rainstorm", await commander.GetByTestId("hq-template").InputValueAsync());
        await commander.GetByTestId("hq-form-submit").ClickAsync();
        await commander.GetByTestId("headquarters").WaitForAsync(new() { Timeout = 15_000 });
        Assert.Equal("commander.krems", await commander.GetByTestId("hq-commander-name").InnerTextAsync());

        var hq = await api.GetFromJsonAsync<JsonElement>($"api/v1/incidents/{number}/headquarters");
        var water = hq.GetProperty("units").EnumerateArray().Single(u => u.GetProperty("department").GetString() == "water");
        Assert.Contains("water.krems", water.GetProperty("members").EnumerateArray().Select(m => m.GetString()));
        var order = await (await api.PostAsJsonAsync($"api/v1/headquarters/{hq.GetProperty("id").GetString()}/orders", new
        {
            unitId = water.GetProperty("id").GetString(), what = "Pump out the Ringstraße underpass", where = new { text = "Ringstraße" },
            dueBy = TimeProvider.System.GetUtcNow().AddHours(2).ToString("O", CultureInfo.InvariantCulture), priority = "urgent",
        })).Content.ReadFromJsonAsync<JsonElement>();
        var orderId = order.GetProperty("id").GetString();

        // A second order that nobody acknowledges: after its minute it escalates and the board marks it late.
        var fire = hq.GetProperty("units").EnumerateArray().Single(u => u.GetProperty("department").GetString() == "fire");
        var unanswered = await (await api.PostAsJsonAsync($"api/v1/headquarters/{hq.GetProperty("id").GetString()}/orders", new
        {
            unitId = fire.GetProperty("id").GetString(), what = "Check the tunnel for trapped cars", acknowledgeWithinMinutes = 1,
            dueBy = TimeProvider.System.GetUtcNow().AddHours(1).ToString("O", CultureInfo.InvariantCulture), priority = "urgent",
        })).Content.ReadFromJsonAsync<JsonElement>();
        var unansweredId = unanswered.GetProperty("id").GetString();
        var row = commander.Locator($"[data-testid=order-row][data-order='{orderId}']");
        await row.WaitForAsync(new() { Timeout = 15_000 });
        Assert.Equal("issued", await row.GetAttributeAsync("data-status"));
        Assert.Equal("false", await row.GetAttributeAsync("data-late"));

        // The water liaison acknowledges on "My orders", in Chinese.
        var liaison = await server.SignInAsync("water.krems", BrowserServer.DemoPassword, "zh-CN");
        await liaison.GetByTestId("nav-my-orders").ClickAsync();
        var mine = liaison.Locator($"[data-testid=my-order][data-order='{orderId}']");
        await mine.WaitForAsync(new() { Timeout = 30_000 });
        await liaison.WaitForFunctionAsync("() => document.querySelector('[data-testid=my-orders]')?.dataset.ready === 'true'", null, new() { Timeout = 30_000 });
        await mine.GetByTestId("acknowledge").ClickAsync();
        await liaison.WaitForFunctionAsync($"() => document.querySelector(\"[data-testid=my-order][data-order='{orderId}']\")?.dataset.status === 'acknowledged'",
            null, new() { Timeout = 15_000 });
        Assert.Equal("已签收", await mine.GetByTestId("my-order-status").InnerTextAsync());
        await BrowserServer.ScreenshotAsync(liaison, "20-my-orders-acknowledged");

        // The commander's board follows without a reload.
        await commander.WaitForFunctionAsync($"() => document.querySelector(\"[data-testid=order-row][data-order='{orderId}']\")?.dataset.status === 'acknowledged'",
            null, new() { Timeout = 15_000 });
        Assert.Contains("acknowledged", await row.InnerTextAsync(), StringComparison.Ordinal);

        // The deadline worker (on the real clock) escalates the unacknowledged order; the board turns it red, first.
        await commander.WaitForFunctionAsync($"() => document.querySelector(\"[data-testid=order-row][data-order='{unansweredId}']\")?.dataset.late === 'true'",
            null, new() { Timeout = 120_000 });
        Assert.Equal(unansweredId, await commander.Locator("[data-testid=order-row]").First.GetAttributeAsync("data-order"));
        Assert.Contains("late", await commander.Locator($"[data-testid=order-row][data-order='{unansweredId}']").GetAttributeAsync("class") ?? "",
            StringComparison.Ordinal);
        Assert.Equal("false", await row.GetAttributeAsync("data-late"));
        await BrowserServer.ScreenshotAsync(commander, "21-order-board");
    }
}
