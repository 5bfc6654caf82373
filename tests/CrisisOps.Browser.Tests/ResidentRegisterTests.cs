using System.Net.Http.Json;
using System.Text;
using Microsoft.Playwright;

namespace CrisisOps.Browser.Tests;

/// <summary>The residents' register in a real browser: an import with a bad row shows the error and the good rows; a profile opens.</summary>
public sealed class ResidentRegisterTests(BrowserServer server) : IClassFixture<BrowserServer>
{
    private const string Password = "password-of-a-browser-user";
    private static readonly PageWaitForFunctionOptions Patient = new() { Timeout = 30_000 };

    [Fact]
    public async Task Register_WhenAFileHasABadRow_ShowsItsErrorAndTheGoodRows_AndAProfileOpens()
    {
        server.Require();
        using var admin = await server.ApiAsync("admin", BrowserServer.AdminPassword);
        (await admin.PostAsJsonAsync("api/v1/users", new { userName = "register.officer", password = Password })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync("api/v1/users/register.officer/roles", new { role = "community-officer", regionCode = "KRE-01-01-003" }))
            .EnsureSuccessStatusCode();

        var page = await server.SignInAsync("register.officer", Password);
        await page.GetByTestId("nav-residents").ClickAsync();
        await page.WaitForFunctionAsync("() => window.Blazor !== undefined", null, Patient);
        await page.GetByTestId("residents-table").WaitForAsync(new() { Timeout = 30_000 });
        await Task.Delay(1500); // let the circuit connect

        var csv = """
            姓名,证件号或编号,所在社区,手机,特殊需求,出生年份
            张秀英,BRW-0001,KRE-01-01-003,138 0013 8000,独居老人,1941
            李伟,BRW-0002,KRE-01-01-003,12345,,1980
            王芳,BRW-0003,KRE-01-01-003,139 0013 9000,听障,1990
            """;
        await page.GetByTestId("import-open").ClickAsync();
        await page.GetByTestId("import-file").SetInputFilesAsync(new FilePayload
        {
            Name = "登记表.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv),
        });
        await page.GetByTestId("import-submit").ClickAsync();
        var summary = page.GetByTestId("import-summary");
        await summary.WaitForAsync(new() { Timeout = 30_000 });
        Assert.Equal(("2", "1"), (await summary.GetAttributeAsync("data-created"), await summary.GetAttributeAsync("data-rejected")));
        var error = page.Locator("[data-testid=import-error-row][data-row='3']");
        Assert.Contains("12345", await error.InnerTextAsync(), StringComparison.Ordinal);
        await page.Locator("[data-testid=resident-row][data-reference='BRW-0003']").WaitForAsync(new() { Timeout = 30_000 });
        Assert.Equal(0, await page.Locator("[data-testid=resident-row][data-reference='BRW-0002']").CountAsync());
        Assert.Contains("张*", await page.Locator("[data-testid=resident-row][data-reference='BRW-0001']").InnerTextAsync(), StringComparison.Ordinal);
        await BrowserServer.ScreenshotAsync(page, "60-residents-import-errors");

        await page.Locator("[data-testid=resident-row][data-reference='BRW-0001']").GetByTestId("resident-view").ClickAsync();
        await page.GetByTestId("profile").WaitForAsync(new() { Timeout = 30_000 });
        Assert.Equal("+8613800138000", await page.GetByTestId("profile-mobile").InnerTextAsync());
        await BrowserServer.ScreenshotAsync(page, "61-residents-profile");

        var reads = await admin.GetFromJsonAsync<System.Text.Json.JsonElement>("api/v1/journal?type=profile.read&limit=100");
        Assert.Contains(reads.GetProperty("items").EnumerateArray(), e => e.GetProperty("actor").GetString() == "register.officer");
    }
}
