using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace CrisisOps.Browser.Tests;

/// <summary>The alert desk in a real browser: compose in both languages, submit, approve, released; the public page shows it, escaped.</summary>
public sealed class AlertDeskTests(BrowserServer server) : IClassFixture<BrowserServer>
{
    private const string Password = "password-of-a-browser-user";
    private static readonly PageWaitForFunctionOptions Patient = new() { Timeout = 30_000 };

    private static async Task UserAsync(HttpClient admin, string name, object role)
    {
        (await admin.PostAsJsonAsync("api/v1/users", new { userName = name, password = Password })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync($"api/v1/users/{name}/roles", role)).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task Desk_WhenComposedSubmittedAndApproved_ReleasesAndThePublicPageShowsItEscaped()
    {
        server.Require();
        using var admin = await server.ApiAsync("admin", BrowserServer.AdminPassword);
        await UserAsync(admin, "alerts.composer", new { role = "information-officer", regionCode = "KRE" });
        await UserAsync(admin, "alerts.approver", new { role = "duty-officer", regionCode = "KRE" });
        const string hostile = "<script>window.pwned=1</script>暴雨预警";

        // The information officer composes in both languages and submits.
        var composer = await server.SignInAsync("alerts.composer", Password);
        await composer.GotoAsync("alerts");
        await composer.WaitForFunctionAsync("() => window.Blazor !== undefined", null, Patient);
        await composer.GetByTestId("alert-compose").WaitForAsync(new() { Timeout = 30_000 });
        await Task.Delay(1500); // let the circuit connect
        if (await composer.GetByTestId("alert-compose").GetAttributeAsync("open") is null)
        {
            await composer.Locator("[data-testid=alert-compose] summary").ClickAsync();
        }

        await composer.GetByTestId("alert-regions").FillAsync("KRE-01-01");
        await composer.GetByTestId("alert-tier").SelectOptionAsync("Warning");
        await composer.GetByTestId("alert-hazard").FillAsync("rainstorm");
        await composer.GetByTestId("alert-cap-status").SelectOptionAsync("Exercise");
        await composer.GetByTestId("alert-event-zh-CN").FillAsync("暴雨");
        await composer.GetByTestId("alert-headline-zh-CN").FillAsync(hostile);
        await composer.GetByTestId("alert-description-zh-CN").FillAsync("预计3小时内降雨量将达50毫米以上。");
        await composer.GetByTestId("alert-instruction-zh-CN").FillAsync("请勿进入下穿通道。");
        await composer.GetByTestId("alert-event-en").FillAsync("Rainstorm");
        await composer.GetByTestId("alert-headline-en").FillAsync("Rainstorm warning for Krems 01-01");
        await composer.GetByTestId("alert-description-en").FillAsync("Over 50 mm expected within 3 hours.");
        await composer.GetByTestId("alert-save").ClickAsync();

        await composer.GetByTestId("alert-submit").WaitForAsync(new() { Timeout = 30_000 });
        var identifier = await composer.GetByTestId("alert-identifier").InnerTextAsync();
        var alertUrl = composer.Url;
        Assert.Contains("urn:oasis:names:tc:emergency:cap:1.2", await composer.GetByTestId("alert-cap-xml").InnerTextAsync(), StringComparison.Ordinal);
        await Task.Delay(1000);
        await composer.GetByTestId("alert-submit").ClickAsync();
        await composer.WaitForFunctionAsync("() => document.querySelector('[data-testid=alert-stage]')?.dataset.stage === 'Submitted'", null, Patient);
        Assert.Equal(0, await composer.GetByTestId("alert-approve").CountAsync()); // the composer cannot approve

        // The duty officer approves from the desk; one approval releases a Warning-tier alert.
        var approver = await server.SignInAsync("alerts.approver", Password, "zh-CN");
        await approver.GotoAsync("alerts");
        await approver.WaitForFunctionAsync("() => window.Blazor !== undefined", null, Patient);
        var row = approver.Locator($"[data-testid=alert-row][data-identifier='{identifier}']");
        await row.WaitForAsync(new() { Timeout = 30_000 });
        await row.GetByTestId("alert-link").ClickAsync();
        await approver.GetByTestId("alert-approve").WaitForAsync(new() { Timeout = 30_000 });
        await Task.Delay(1500);
        await approver.GetByTestId("alert-approve").ClickAsync();
        await approver.WaitForFunctionAsync("() => document.querySelector('[data-testid=alert-stage]')?.dataset.stage === 'Released'", null, Patient);
        Assert.Equal(1, await approver.GetByTestId("alert-coverage").CountAsync());
        await BrowserServer.ScreenshotAsync(approver, "30-alert-released");

        // The composer's page follows live.
        await composer.WaitForFunctionAsync("() => document.querySelector('[data-testid=alert-stage]')?.dataset.stage === 'Released'", null, Patient);
        Assert.EndsWith(alertUrl[(alertUrl.IndexOf("/alerts/", StringComparison.Ordinal))..], composer.Url, StringComparison.Ordinal);

        // The public page for the subdistrict shows it, with the hostile headline as text.
        var citizen = await server.Browser.NewPageAsync(new() { Locale = "zh-CN" });
        await citizen.GotoAsync($"{server.BaseUrl}public/alerts?region=KRE-01-01");
        var card = citizen.Locator($"[data-testid=public-alert][data-identifier='{identifier}']");
        await card.WaitForAsync(new() { Timeout = 30_000 });
        Assert.Contains(hostile, await card.Locator("h2").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("undefined", await citizen.EvaluateAsync<string>("() => typeof window.pwned"));
        await BrowserServer.ScreenshotAsync(citizen, "31-public-alerts");

        // And the API agrees.
        using var api = await server.ApiAsync("alerts.approver", Password);
        var list = await api.GetFromJsonAsync<JsonElement>("api/v1/alerts?status=released");
        Assert.Contains(list.GetProperty("items").EnumerateArray(), a => a.GetProperty("identifier").GetString() == identifier);
    }
}
