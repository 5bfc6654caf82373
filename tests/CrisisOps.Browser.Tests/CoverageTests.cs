using System.Globalization;
using CrisisOps.Server.Demo;
using System.Net.Http.Json;
using System.Text.Json;
using CrisisOps.Data;
using CrisisOps.Domain.People;
using CrisisOps.Domain.Warning;
using CrisisOps.Server.Features.Alerts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CrisisOps.Browser.Tests;

/// <summary>
/// Coverage of an alert in a real browser: an alert is handed to delivery over a community of the demo city,
/// the coverage page shows counts and the chart, the community's information officer takes and confirms a
/// door-to-door visit on the tasks page, and the coverage page follows live.
/// </summary>
public sealed class CoverageTests(BrowserServer server) : IClassFixture<BrowserServer>
{
    private const string Community = "KRE-01-01-003";
    private static readonly PageWaitForFunctionOptions Patient = new() { Timeout = 60_000 };

    [Fact]
    public async Task Coverage_WhenAnOfficerConfirmsAVisit_RisesLive()
    {
        server.Require();
        var factory = server.Services.GetRequiredService<IDbContextFactory<CrisisOpsDbContext>>();
        await using (var db = await factory.CreateDbContextAsync())
        {
            var region = await db.Regions.AsNoTracking().SingleAsync(r => r.Code == Community);
            var residents = SyntheticResidents.Generate([new SyntheticCommunity(region.Code, region.Path, 48.2, 16.37)], 20, seed: 61,
                TimeProvider.System.GetUtcNow(), firstNumber: 6_100_000).ToList();
            db.Residents.AddRange(residents);
            await db.SaveChangesAsync();
        }

        // No gateway is configured here: every message fails for good and each person climbs to a knock on the door.
        var alert = new AlertToDeliver(Guid.NewGuid(), "urn:oid:2.49.0.1.156.browser." + Guid.NewGuid().ToString("N"), WarningTier.Emergency,
            [Community], [], IsExercise: true,
            [new AlertMessage("zh-CN", "暴雨红色预警", "未来3小时降雨量将达100毫米以上。", "请立即转移到安全地带。"),
                new AlertMessage("en", "Red rainstorm warning", "Over 100 mm of rain within 3 hours.", "Move to safe ground now.")]);
        var fanOut = server.Services.GetRequiredService<IAlertFanOut>();
        await using (var db = await factory.CreateDbContextAsync())
        {
            fanOut.Enqueue(db, alert, TimeProvider.System.GetUtcNow());
            await db.SaveChangesAsync();
        }

        fanOut.Wake();
        using var admin = await server.ApiAsync("admin", BrowserServer.AdminPassword);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var response = await admin.GetAsync($"api/v1/alerts/{alert.AlertId}/coverage");
            if (response.IsSuccessStatusCode)
            {
                var report = await response.Content.ReadFromJsonAsync<JsonElement>();
                var doors = report.GetProperty("channels").EnumerateArray().Where(c => c.GetProperty("channel").GetString() == "door-to-door")
                    .Sum(c => c.GetProperty("open").GetInt32());
                if (report.GetProperty("expanded").GetBoolean() && doors >= 1)
                {
                    break;
                }
            }

            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), "the fan-out did not run");
            await Task.Delay(200);
        }

        var reviewer = await server.SignInAsync("admin", BrowserServer.AdminPassword);
        await reviewer.GotoAsync($"alerts/{alert.AlertId}/coverage");
        await reviewer.WaitForFunctionAsync("() => document.querySelector('[data-testid=coverage]')?.dataset.ready === 'true'", null, Patient);
        // The demo city's own synthetic residents of the community are targeted too.
        Assert.Equal((DemoSeed.DemoResidentsPerCommunity + 20).ToString(CultureInfo.InvariantCulture),
            await reviewer.GetByTestId("coverage-targeted").InnerTextAsync());
        Assert.Equal("0", await reviewer.GetByTestId("coverage-reached").InnerTextAsync());
        var bar = reviewer.Locator($"[data-testid=segment-bar][data-segment='region:{Community}']");
        Assert.Equal("true", await bar.GetAttributeAsync("data-below"));
        Assert.Equal(1, await reviewer.GetByTestId("target-line").CountAsync());
        await BrowserServer.ScreenshotAsync(reviewer, "60-coverage-before");

        // The community's information officer, in Chinese, takes a visit, sees whom to visit, and confirms it.
        var officer = await server.SignInAsync("community.altstadt", BrowserServer.DemoPassword, "zh-CN");
        await officer.GetByTestId("nav-delivery-tasks").ClickAsync();
        await officer.WaitForFunctionAsync("() => document.querySelector('[data-testid=delivery-tasks]')?.dataset.ready === 'true'", null, Patient);
        var task = officer.Locator("[data-testid=delivery-task][data-channel=door-to-door]").First;
        await task.WaitForAsync(new() { Timeout = 30_000 });
        var taskId = await task.GetAttributeAsync("data-task");
        var mine = officer.Locator($"[data-testid=delivery-task][data-task='{taskId}']");
        Assert.Equal(0, await mine.GetByTestId("task-address").CountAsync());
        await Task.Delay(1500); // let the circuit connect
        await mine.GetByTestId("task-take").ClickAsync();
        await mine.GetByTestId("task-address").WaitForAsync(new() { Timeout = 30_000 });
        Assert.False(string.IsNullOrWhiteSpace(await mine.GetByTestId("task-address").InnerTextAsync()));
        await mine.GetByTestId("task-reached").ClickAsync();
        await officer.GetByTestId("tasks-message").WaitForAsync(new() { Timeout = 30_000 });
        await BrowserServer.ScreenshotAsync(officer, "61-delivery-tasks");

        // The reviewer's page follows without a reload.
        await reviewer.WaitForFunctionAsync("() => document.querySelector('[data-testid=coverage-reached]')?.innerText === '1'", null, Patient);
        await BrowserServer.ScreenshotAsync(reviewer, "62-coverage-after");
    }
}
