using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace CrisisOps.Browser.Tests;

/// <summary>The needs board in a real browser: an NGO member claims part of a need and the community officer confirms the receipt.</summary>
public sealed class NeedsBoardTests(BrowserServer server) : IClassFixture<BrowserServer>
{
    private const string Password = "password-of-a-browser-user";
    private static readonly PageWaitForFunctionOptions Patient = new() { Timeout = 30_000 };

    private static async Task UserAsync(HttpClient admin, string name, object role)
    {
        (await admin.PostAsJsonAsync("api/v1/users", new { userName = name, password = Password })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync($"api/v1/users/{name}/roles", role)).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task Board_WhenAnNgoMemberClaimsPartAndTheCommunityConfirms_RemainingDropsAndTheClaimIsReceived()
    {
        server.Require();
        using var admin = await server.ApiAsync("admin", BrowserServer.AdminPassword);
        (await admin.PostAsJsonAsync("api/v1/organisations", new { code = "danube-aid", name = "多瑙河互助会 Danube Aid", kind = "ngo", regionCode = "KRE-01" }))
            .EnsureSuccessStatusCode();
        await UserAsync(admin, "ngo.member", new { role = "partner-member", regionCode = "KRE-01", organisation = "danube-aid" });
        await UserAsync(admin, "community.officer", new { role = "community-officer", regionCode = "KRE-01-01" });

        using var officerApi = await server.ApiAsync("community.officer", Password);
        var need = await (await officerApi.PostAsJsonAsync("api/v1/needs", new
        {
            what = "Drinking water 饮用水", quantity = 100, unit = "boxes", discrete = true, regionCode = "KRE-01-01", priority = "urgent",
            neededBy = TimeProvider.System.GetUtcNow().AddHours(8).ToString("O", CultureInfo.InvariantCulture),
        })).Content.ReadFromJsonAsync<JsonElement>();
        var number = need.GetProperty("number").GetString()!;

        var ngo = await server.SignInAsync("ngo.member", Password);
        await ngo.GetByTestId("nav-needs").ClickAsync();
        await ngo.WaitForFunctionAsync("() => window.Blazor !== undefined", null, Patient);
        var row = ngo.Locator($"[data-testid=need-row][data-number='{number}']");
        await row.WaitForAsync(new() { Timeout = 30_000 });
        Assert.StartsWith("100 / 100", await row.GetByTestId("need-remaining").InnerTextAsync(), StringComparison.Ordinal);
        await Task.Delay(1500); // let the circuit connect

        await row.GetByTestId("claim-open").ClickAsync();
        await row.GetByTestId("claim-quantity").FillAsync("30");
        await row.GetByTestId("claim-hours").FillAsync("3");
        await row.GetByTestId("claim-submit").ClickAsync();
        await ngo.WaitForFunctionAsync(
            $"() => document.querySelector(\"[data-testid=need-row][data-number='{number}'] [data-testid=need-remaining]\")?.innerText.startsWith('70 / 100')",
            null, Patient);
        var claim = ngo.GetByTestId("my-claim-row").First;
        Assert.Equal("Active", await claim.GetByTestId("my-claim-status").InnerTextAsync());
        await BrowserServer.ScreenshotAsync(ngo, "20-needs-board-claimed");
        await claim.GetByTestId("claim-delivered").ClickAsync();
        await ngo.WaitForFunctionAsync("() => document.querySelector('[data-testid=my-claim-row]')?.dataset.status === 'delivered'", null, Patient);

        // The community officer sees the delivery awaiting receipt, in Chinese, and confirms it; the member's page follows live.
        var officer = await server.SignInAsync("community.officer", Password, "zh-CN");
        await officer.GotoAsync("console/needs");
        await officer.WaitForFunctionAsync("() => window.Blazor !== undefined", null, Patient);
        var awaiting = officer.Locator($"[data-testid=awaiting-row][data-number='{number}']");
        await awaiting.WaitForAsync(new() { Timeout = 30_000 });
        Assert.Equal("应急协作平台：需求、认领与接收", await officer.Locator("h1").InnerTextAsync());
        await Task.Delay(1500);
        await awaiting.GetByTestId("receipt-quantity").FillAsync("30");
        await awaiting.GetByTestId("receipt-confirm").ClickAsync();
        await awaiting.WaitForAsync(new() { State = WaitForSelectorState.Detached, Timeout = 30_000 });
        await ngo.WaitForFunctionAsync("() => document.querySelector('[data-testid=my-claim-row]')?.dataset.status === 'received'", null, Patient);
        await BrowserServer.ScreenshotAsync(officer, "21-needs-board-received");
    }
}
