using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace CrisisOps.Browser.Tests;

/// <summary>A logistics desk in a real browser: receive stock into a warehouse and see the balance and its lot.</summary>
public sealed class StockTests(BrowserServer server) : IClassFixture<BrowserServer>
{
    private static readonly PageWaitForFunctionOptions Patient = new() { Timeout = 30_000 };

    [Fact]
    public async Task Resources_WhenStockReceivedInTheConsole_ShowsTheBalanceAndTheLotExpiringSoon()
    {
        var page = await server.SignInAsync("admin", BrowserServer.AdminPassword);

        using var api = await server.ApiAsync("admin", BrowserServer.AdminPassword);
        var code = "browser-depot-" + Guid.NewGuid().ToString("N")[..6];
        (await api.PostAsJsonAsync("api/v1/warehouses", new { code, name = "Krems depot 克雷姆斯储备库", regionCode = "KRE" })).EnsureSuccessStatusCode();

        await page.GetByRole(AriaRole.Link, new() { Name = "Resources" }).ClickAsync();
        await page.WaitForFunctionAsync("() => window.Blazor !== undefined", null, Patient);
        await page.GetByTestId("warehouse-table").WaitForAsync();
        await Task.Delay(1000); // let the circuit connect before clicking
        await page.GetByTestId("warehouse-select").GetByText(code).ClickAsync();
        await page.Locator($"[data-testid=warehouse-stock][data-warehouse={code}]").WaitForAsync(new() { Timeout = 30_000 });

        // Received today on the system clock (the browser server's), expiring in ten days.
        var expires = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime).AddDays(10);
        await page.GetByTestId("stock-kind").SelectOptionAsync("receive");
        await page.GetByTestId("stock-expires").WaitForAsync(new() { Timeout = 30_000 }); // the receive fields are rendered
        await page.GetByTestId("stock-item").SelectOptionAsync("masks");
        await page.GetByTestId("stock-quantity").FillAsync("40");
        await page.GetByTestId("stock-expires").FillAsync(expires.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByTestId("stock-source").FillAsync("Red Cross donation");
        await page.GetByTestId("stock-submit").ClickAsync();

        // The balance appears when the receipt is stored; a refusal would show its reason instead (say which, not just "timeout").
        var row = page.Locator("[data-testid=stock-row][data-item=masks]");
        await page.WaitForFunctionAsync(
            "() => document.querySelector('[data-testid=stock-row][data-item=masks]') !== null || document.querySelector('[data-testid=stock-error]') !== null",
            null, Patient);
        if (await page.GetByTestId("stock-error").CountAsync() > 0)
        {
            Assert.Fail("The receipt was refused: " + await page.GetByTestId("stock-error").InnerTextAsync());
        }
        Assert.StartsWith("40", await row.GetByTestId("stock-on-hand").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("40", await row.GetByTestId("stock-available").InnerTextAsync());
        Assert.Contains("expiring-soon", await row.GetByTestId("stock-lot").GetAttributeAsync("class") ?? "", StringComparison.Ordinal);
        await BrowserServer.ScreenshotAsync(page, "20-stock-received");

        // Issuing more than there is is refused with the reason, and the balance stays.
        await page.GetByTestId("stock-kind").SelectOptionAsync("issue");
        await page.GetByTestId("stock-item").SelectOptionAsync("masks");
        await page.GetByTestId("stock-quantity").FillAsync("41");
        await page.GetByTestId("stock-submit").ClickAsync();
        await page.GetByTestId("stock-error").WaitForAsync();
        Assert.Equal("40", await row.GetByTestId("stock-available").InnerTextAsync());

        var ledger = await api.GetFromJsonAsync<JsonElement>($"api/v1/stock/movements?warehouse={code}");
        var movement = Assert.Single(ledger.GetProperty("items").EnumerateArray());
        Assert.Equal("Red Cross donation", movement.GetProperty("source").GetString());
    }
}
