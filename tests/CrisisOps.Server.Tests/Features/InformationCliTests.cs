using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CrisisOps.Testing;

namespace CrisisOps.Server.Tests.Features;

/// <summary>`crisisops releases list` and `crisisops hotline tickets` against the real server in process.</summary>
public sealed class InformationCliTests(SqliteApp app) : IClassFixture<SqliteApp>, IDisposable
{
    private readonly CliRunner _cli = new(app);

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task ReleasesList_WhenAReleaseIsPublishedWithACadence_ShowsItAndTheNextUpdateDue()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("duty-officer", world.City));
        var drafter = await app.UserAsync(("information-officer", world.CountyA));
        var (commander, commanderName) = await app.PersonAsync(new TestRole("commander", world.City));
        var (lat, lon) = world.PointIn(world.CommunityA1);
        var incident = await (await officer.PostJsonAsync("/api/v1/incidents", new
        {
            title = "Underpass flooded 地下通道积水", category = "natural-disaster", type = "waterlogging", severity = "I", location = new { lat, lon },
        })).OkJsonAsync(HttpStatusCode.Created);
        var id = incident.GetProperty("id").GetString()!;
        var number = incident.GetProperty("number").GetString()!;

        await _cli.LoginAsync(commanderName, "password-of-a-test-user");
        var before = await _cli.RunAsync("releases", "list", "--incident", number);
        Assert.True(before.Exit == 0, before.Err);
        Assert.Contains("First release due", before.Out, StringComparison.Ordinal);

        using var form = new MultipartFormDataContent { { new StringContent("暴雨通报 CLI"), "titleZh" }, { new StringContent("全市转移安置群众。"), "textZh" } };
        var release = await (await drafter.PostAsync($"/api/v1/incidents/{id}/releases", form)).OkJsonAsync(HttpStatusCode.Created);
        (await commander.PostAsync($"/api/v1/releases/{release.GetProperty("id").GetString()}/publish", null)).EnsureSuccessStatusCode();
        (await commander.PutAsJsonAsync($"/api/v1/incidents/{id}/release-cadence", new { minutes = 60 })).EnsureSuccessStatusCode();

        var list = await _cli.RunAsync("releases", "list", "--incident", number);
        Assert.True(list.Exit == 0, list.Err);
        Assert.Contains($"{number}-R01", list.Out, StringComparison.Ordinal);
        Assert.Contains("published", list.Out, StringComparison.Ordinal);
        Assert.Contains("every 60 min", list.Out, StringComparison.Ordinal);
        Assert.Contains("Next update due", list.Out, StringComparison.Ordinal);

        var json = JsonDocument.Parse((await _cli.RunAsync("--json", "releases", "list", "--incident", id)).Out).RootElement;
        Assert.Equal(60, json.GetProperty("cadenceMinutes").GetInt32());
        Assert.Equal("published", json.GetProperty("items")[0].GetProperty("status").GetString());

        var unknown = await _cli.RunAsync("releases", "list", "--incident", "INC-NO-SUCH-" + world.Prefix);
        Assert.NotEqual(0, unknown.Exit);
        var missing = await _cli.RunAsync("releases", "list");
        Assert.Equal(2, missing.Exit);
    }

    [Fact]
    public async Task HotlineTickets_WhenOneIsAnswered_OpenListDropsItAndNoContactIsShown()
    {
        var world = await app.WorldAsync();
        var (op, opName) = await app.PersonAsync(new TestRole("hotline-operator", world.CountyA));
        var open = await (await op.PostJsonAsync("/api/v1/hotline/tickets", new
        {
            callerName = "Li Hua", callerPhone = "+86 555 0199", topic = "shelter", urgency = "urgent", regionCode = world.CommunityA1, text = "最近的避难场所在哪里？",
        })).OkJsonAsync(HttpStatusCode.Created);
        var answered = await (await op.PostJsonAsync("/api/v1/hotline/tickets", new
        {
            topic = "traffic", regionCode = world.CommunityA1, text = "Is the bridge open?",
        })).OkJsonAsync(HttpStatusCode.Created);
        (await op.PostJsonAsync($"/api/v1/hotline/tickets/{answered.GetProperty("id").GetString()}/answer", new { text = "Closed until 18:00." }))
            .EnsureSuccessStatusCode();

        await _cli.LoginAsync(opName, "password-of-a-test-user");
        var openList = await _cli.RunAsync("hotline", "tickets", "--open", "--region", world.CountyA);
        Assert.True(openList.Exit == 0, openList.Err);
        Assert.Contains(open.GetProperty("number").GetString()!, openList.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(answered.GetProperty("number").GetString()!, openList.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("0199", openList.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("Li Hua", openList.Out, StringComparison.Ordinal);
        Assert.Contains("urgent", openList.Out, StringComparison.Ordinal);

        var all = JsonDocument.Parse((await _cli.RunAsync("--json", "hotline", "tickets", "--region", world.CountyA)).Out).RootElement;
        var numbers = all.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("number").GetString()).ToList();
        Assert.Contains(answered.GetProperty("number").GetString(), numbers);
        Assert.Contains(open.GetProperty("number").GetString(), numbers);
        Assert.All(all.GetProperty("items").EnumerateArray(), t => Assert.Equal(JsonValueKind.Null, t.GetProperty("callerPhone").ValueKind));

        var badRegion = await _cli.RunAsync("hotline", "tickets", "--region", "NOPE-" + world.Prefix);
        Assert.NotEqual(0, badRegion.Exit);
        Assert.Contains("unknown-region", badRegion.Err, StringComparison.Ordinal);
    }
}
