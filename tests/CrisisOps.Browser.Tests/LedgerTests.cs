using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace CrisisOps.Browser.Tests;

/// <summary>
/// The sunshine ledger in a real browser: a delivery the community confirms on the needs board is found on the public
/// page by its need number and shown as included once the integrator has signed a checkpoint, with its proof checked in
/// the browser; a donation recorded in the console under a hostile organisation name reads as text.
/// </summary>
public sealed class LedgerTests(BrowserServer server) : IClassFixture<BrowserServer>
{
    private const string Password = "password-of-a-ledger-user";
    private static readonly PageWaitForFunctionOptions Patient = new() { Timeout = 30_000 };

    private static async Task UserAsync(HttpClient admin, string name, object role)
    {
        (await admin.PostAsJsonAsync("api/v1/users", new { userName = name, password = Password })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync($"api/v1/users/{name}/roles", role)).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task PublicLedger_WhenTheCommunityConfirmsADelivery_FindsItByNeedNumberAndShowsItIncluded()
    {
        server.Require();
        using var admin = await server.ApiAsync("admin", BrowserServer.AdminPassword);
        (await admin.PostAsJsonAsync("api/v1/organisations", new { code = "ledger-aid", name = "阳光互助 Ledger Aid", kind = "ngo", regionCode = "KRE-01" }))
            .EnsureSuccessStatusCode();
        await UserAsync(admin, "ledger.ngo", new { role = "partner-member", regionCode = "KRE-01", organisation = "ledger-aid" });
        await UserAsync(admin, "ledger.officer", new { role = "community-officer", regionCode = "KRE-01-01" });

        using var officerApi = await server.ApiAsync("ledger.officer", Password);
        using var ngoApi = await server.ApiAsync("ledger.ngo", Password);
        var need = await (await officerApi.PostAsJsonAsync("api/v1/needs", new
        {
            what = "Blankets 毛毯", itemCode = "blankets", quantity = 60, unit = "pieces", discrete = true, regionCode = "KRE-01-01", priority = "urgent",
            neededBy = TimeProvider.System.GetUtcNow().AddHours(8).ToString("O", CultureInfo.InvariantCulture),
        })).Content.ReadFromJsonAsync<JsonElement>();
        var number = need.GetProperty("number").GetString()!;
        var claim = await (await ngoApi.PostAsJsonAsync($"api/v1/needs/{need.GetProperty("id").GetString()}/claims", new
        {
            quantity = 40, promisedBy = TimeProvider.System.GetUtcNow().AddHours(3).ToString("O", CultureInfo.InvariantCulture),
        })).Content.ReadFromJsonAsync<JsonElement>();
        (await ngoApi.PostAsJsonAsync($"api/v1/claims/{claim.GetProperty("claim").GetProperty("id").GetString()}/delivered", new { }))
            .EnsureSuccessStatusCode();

        // The community officer confirms on the needs board.
        var officer = await server.SignInAsync("ledger.officer", Password);
        await officer.GotoAsync("console/needs");
        await officer.WaitForFunctionAsync("() => window.Blazor !== undefined", null, Patient);
        var awaiting = officer.Locator($"[data-testid=awaiting-row][data-number='{number}']");
        await awaiting.WaitForAsync(new() { Timeout = 30_000 });
        await Task.Delay(1500); // let the circuit connect
        await awaiting.GetByTestId("receipt-quantity").FillAsync("38");
        await awaiting.GetByTestId("receipt-confirm").ClickAsync();
        await awaiting.WaitForAsync(new() { State = WaitForSelectorState.Detached, Timeout = 30_000 });

        // Anyone, signed in or not, finds it on the public page by the need number.
        var context = await server.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.BaseUrl, Locale = "en-US" });
        var visitor = await context.NewPageAsync();
        await visitor.GotoAsync("public/ledger");
        await visitor.GetByTestId("ledger-search-need").FillAsync(number);
        await visitor.GetByTestId("ledger-search-submit").ClickAsync();
        var row = visitor.Locator($"[data-testid=ledger-entry][data-need='{number}'][data-kind=delivery-confirmed]");
        await row.WaitForAsync(new() { Timeout = 30_000 });
        Assert.Equal("ledger-aid", await row.GetByTestId("ledger-entry-party").InnerTextAsync());
        Assert.Contains("38", await row.GetByTestId("ledger-entry-what").InnerTextAsync(), StringComparison.Ordinal);

        // The integrator signs a checkpoint within a second or so; the page then names it.
        for (var attempt = 0; attempt < 30 && await row.GetAttributeAsync("data-state") != "included"; attempt++)
        {
            await Task.Delay(500);
            await visitor.ReloadAsync();
            row = visitor.Locator($"[data-testid=ledger-entry][data-need='{number}'][data-kind=delivery-confirmed]");
        }

        Assert.Equal("included", await row.GetAttributeAsync("data-state"));
        Assert.StartsWith("Included in checkpoint #", await row.GetByTestId("ledger-entry-status").InnerTextAsync(), StringComparison.Ordinal);
        await BrowserServer.ScreenshotAsync(visitor, "60-public-ledger-included");

        // The entry's page fetches the proof from the log API and checks it against the checkpoint's root in the browser.
        await row.GetByTestId("ledger-entry-link").ClickAsync();
        var proof = visitor.GetByTestId("ledger-proof");
        await visitor.WaitForFunctionAsync("() => document.querySelector('[data-testid=ledger-proof]')?.dataset.verified !== undefined", null, Patient);
        Assert.Equal("true", await proof.GetAttributeAsync("data-verified"));
        Assert.StartsWith("Checked in your browser", await proof.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("\"kind\":\"delivery-confirmed\"", await visitor.GetByTestId("ledger-entry-body").InnerTextAsync(), StringComparison.Ordinal);
        await BrowserServer.ScreenshotAsync(visitor, "61-public-ledger-proof");
        await context.CloseAsync();
    }

    [Fact]
    public async Task Donations_WhenAnOrganisationNameIsHostile_ThePublicPageShowsItAsText()
    {
        server.Require();
        using var admin = await server.ApiAsync("admin", BrowserServer.AdminPassword);
        await UserAsync(admin, "ledger.logistics", new { role = "logistics-officer", regionCode = "KRE" });
        const string hostile = "<img src=x onerror=\"document.title='pwned'\"><script>document.title='pwned'</script> Bakery";

        // Recorded in the console, in Chinese.
        var staff = await server.SignInAsync("ledger.logistics", Password, "zh-CN");
        await staff.GetByTestId("nav-donations").ClickAsync();
        await staff.WaitForFunctionAsync("() => window.Blazor !== undefined", null, Patient);
        await staff.GetByTestId("donation-form").WaitForAsync(new() { Timeout = 30_000 });
        Assert.Equal("捐赠登记与阳光台账", await staff.Locator("h1").InnerTextAsync());
        await Task.Delay(1500); // let the circuit connect
        await staff.GetByTestId("donation-money").CheckAsync();
        await staff.GetByTestId("donor-name").FillAsync(hostile);
        await staff.GetByTestId("donation-amount").FillAsync("250");
        await staff.GetByTestId("donation-currency").FillAsync("EUR");
        await staff.GetByTestId("donation-submit").ClickAsync();
        var recorded = staff.GetByTestId("donations-recorded");
        await recorded.WaitForAsync(new() { Timeout = 30_000 });
        Assert.Contains(hostile, await recorded.InnerTextAsync(), StringComparison.Ordinal);

        var dialogs = 0;
        var context = await server.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.BaseUrl, Locale = "en-US" });
        var visitor = await context.NewPageAsync();
        visitor.Dialog += (_, dialog) => { dialogs++; _ = dialog.DismissAsync(); };
        await visitor.GotoAsync("public/ledger");
        await visitor.GetByTestId("ledger-search-party").FillAsync(hostile);
        await visitor.GetByTestId("ledger-search-submit").ClickAsync();
        var row = visitor.Locator("[data-testid=ledger-entry][data-kind=donation]");
        await row.WaitForAsync(new() { Timeout = 30_000 });

        Assert.Equal(hostile, await row.GetByTestId("ledger-entry-party").InnerTextAsync());
        Assert.Equal(0, await row.Locator("img, script").CountAsync());
        Assert.NotEqual("pwned", await visitor.TitleAsync());
        Assert.Equal(0, dialogs);
        await BrowserServer.ScreenshotAsync(visitor, "62-public-ledger-hostile-name");
        await context.CloseAsync();
    }
}
