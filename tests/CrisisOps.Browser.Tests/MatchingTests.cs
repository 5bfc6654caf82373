using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace CrisisOps.Browser.Tests;

/// <summary>
/// Matching in a real browser, on the demo city's depot and pharmacy agreement: the commander asks for a proposal on a mask need, sees our stock first and the
/// pharmacy's agreement for the rest, picks the delivering unit and accepts; the board shows the need covered.
/// </summary>
public sealed class MatchingTests(BrowserServer server) : IClassFixture<BrowserServer>
{
    private const string Password = "password-of-a-browser-user";
    private static readonly PageWaitForFunctionOptions Patient = new() { Timeout = 30_000 };

    private static async Task<JsonElement> PostAsync(HttpClient api, string url, object body)
    {
        var response = await api.PostAsJsonAsync(url, body);
        Assert.True(response.IsSuccessStatusCode, $"{url}: {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task Match_WhenTheCommanderAccepts_StockIsReservedTheAgreementDrawnAndTheNeedCovered()
    {
        server.Require();
        using var admin = await server.ApiAsync("admin", BrowserServer.AdminPassword);
        await PostAsync(admin, "api/v1/users", new { userName = "match.commander", password = Password });
        await PostAsync(admin, "api/v1/users/match.commander/roles", new { role = "commander", regionCode = "KRE-01" });

        // The demo city's depot holds 4,000 masks and the Danube Pharmacy chain holds 50,000 for the city by agreement.
        var agreement = (await admin.GetFromJsonAsync<JsonElement>("api/v1/agreements?organisation=krems-pharmacy")).GetProperty("items")[0];

        using var commanderApi = await server.ApiAsync("match.commander", Password);
        var incident = await PostAsync(commanderApi, "api/v1/incidents", new
        {
            title = "Cluster of cases 聚集性疫情", category = "public-health", type = "epidemic", severity = "II", regionCode = "KRE-01-01",
        });
        var incidentId = incident.GetProperty("id").GetString();
        await PostAsync(commanderApi, $"api/v1/incidents/{incidentId}/headquarters", new { template = "epidemic", commander = "match.commander" });
        var need = await PostAsync(commanderApi, "api/v1/needs", new
        {
            what = "口罩 Masks", itemCode = "masks", quantity = 10_000, unit = "pieces", discrete = true, regionCode = "KRE-01-01",
            priority = "urgent", neededBy = TimeProvider.System.GetUtcNow().AddHours(8).ToString("O", CultureInfo.InvariantCulture),
            incidentId, publisherKind = "hq",
        });
        var number = need.GetProperty("number").GetString()!;

        var page = await server.SignInAsync("match.commander", Password);
        await page.GotoAsync("console/needs");
        await page.WaitForFunctionAsync("() => window.Blazor !== undefined", null, Patient);
        var row = page.Locator($"[data-testid=need-row][data-number='{number}']");
        await row.WaitForAsync(new() { Timeout = 30_000 });
        await Task.Delay(1500); // let the circuit connect

        await row.GetByTestId("match-open").ClickAsync();
        var proposal = page.GetByTestId("proposal");
        await proposal.WaitForAsync(new() { Timeout = 30_000 });
        var lines = proposal.GetByTestId("proposal-line");
        Assert.Equal(2, await lines.CountAsync());
        Assert.Equal(("stock", "kre-depot-01", "4000"), (await lines.Nth(0).GetAttributeAsync("data-kind"),
            await lines.Nth(0).GetAttributeAsync("data-reference"), await lines.Nth(0).GetByTestId("proposal-quantity").InnerTextAsync()));
        Assert.Equal(("agreement", agreement.GetProperty("id").GetString()), (await lines.Nth(1).GetAttributeAsync("data-kind"),
            await lines.Nth(1).GetAttributeAsync("data-reference")));
        await BrowserServer.ScreenshotAsync(page, "30-needs-matching-proposal");

        var transport = await proposal.GetByTestId("proposal-unit").Locator("option").Filter(new() { HasTextString = "交通" }).First.GetAttributeAsync("value");
        await proposal.GetByTestId("proposal-unit").SelectOptionAsync(transport!);
        await proposal.GetByTestId("proposal-accept").ClickAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('[data-testid=proposal]')?.dataset.status === 'accepted'", null, Patient);
        await page.WaitForFunctionAsync(
            $"() => document.querySelector(\"[data-testid=need-row][data-number='{number}'] [data-testid=need-remaining]\")?.innerText.startsWith('0 / 10000')",
            null, Patient);

        var stock = await commanderApi.GetFromJsonAsync<JsonElement>("api/v1/warehouses/kre-depot-01/stock");
        var masks = stock.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("itemCode").GetString() == "masks");
        Assert.Equal((4000m, 4000m), (masks.GetProperty("onHand").GetDecimal(), masks.GetProperty("reserved").GetDecimal()));
        var drawn = await admin.GetFromJsonAsync<JsonElement>($"api/v1/agreements/{agreement.GetProperty("id").GetString()}");
        Assert.Equal(6000m, drawn.GetProperty("lines")[0].GetProperty("drawn").GetDecimal());

        // On the incident's command page the commander activates the agreement for 1,000 more masks by hand.
        var agreementId = agreement.GetProperty("id").GetString();
        await page.GotoAsync($"console/incidents/{incidentId}/command");
        await page.WaitForFunctionAsync("() => document.querySelector('[data-testid=command-title]')?.dataset.ready === 'true'", null, Patient);
        var form = page.GetByTestId("activate-agreement");
        await form.GetByTestId("agreement-line").SelectOptionAsync($"{agreementId}|masks");
        await form.GetByTestId("agreement-quantity").FillAsync("1000");
        await form.GetByTestId("agreement-activate").ClickAsync();
        for (var tries = 0; tries < 60; tries++)
        {
            drawn = await admin.GetFromJsonAsync<JsonElement>($"api/v1/agreements/{agreementId}");
            if (drawn.GetProperty("lines")[0].GetProperty("drawn").GetDecimal() == 7000m)
            {
                break;
            }

            await Task.Delay(500);
        }

        Assert.Equal(7000m, drawn.GetProperty("lines")[0].GetProperty("drawn").GetDecimal());
        var activations = await admin.GetFromJsonAsync<JsonElement>($"api/v1/agreements/{agreementId}/activations");
        Assert.Equal(2, activations.GetArrayLength());
        await BrowserServer.ScreenshotAsync(page, "31-command-agreement-activated");
    }
}
