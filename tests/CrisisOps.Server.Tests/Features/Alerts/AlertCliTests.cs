using System.Net;
using System.Text;
using System.Text.Json;
using CrisisOps.Domain.Warning;

namespace CrisisOps.Server.Tests.Features.Alerts;

/// <summary>`crisisops alerts list|show|cap|approve` against the real server in process.</summary>
public sealed class AlertCliTests(AlertSqliteApp app) : IClassFixture<AlertSqliteApp>, IDisposable
{
    private readonly CliRunner _cli = new(app);

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Approve_WhenRunByADutyOfficer_ReleasesAndCapIsWrittenValid()
    {
        var world = await app.WorldAsync();
        var composer = await app.UserAsync(("information-officer", world.City));
        var (_, approver) = await app.PersonAsync(new TestRole("duty-officer", world.City));
        var alert = await (await composer.PostJsonAsync("/api/v1/alerts", new
        {
            status = "exercise", tier = "attention", hazard = "heat", regions = new[] { world.CountyB },
            infos = new[] { new { language = "en", @event = "Heat", headline = "Heat advisory 高温", description = "Up to 38 °C." } },
        })).OkJsonAsync(HttpStatusCode.Created);
        var identifier = alert.GetProperty("identifier").GetString()!;
        (await composer.PostJsonAsync($"/api/v1/alerts/{alert.GetProperty("id").GetString()}/submit", new { })).EnsureSuccessStatusCode();

        await _cli.LoginAsync(approver, "password-of-a-test-user");
        var list = await _cli.RunAsync("alerts", "list", "--status", "submitted", "--region", world.City);
        Assert.True(list.Exit == 0, list.Err);
        Assert.Contains(identifier, list.Out, StringComparison.Ordinal);

        var approve = await _cli.RunAsync("alerts", "approve", identifier);
        Assert.True(approve.Exit == 0, approve.Err);
        Assert.Contains("released", approve.Out, StringComparison.Ordinal);

        var again = await _cli.RunAsync("alerts", "approve", identifier);
        Assert.NotEqual(0, again.Exit);
        Assert.Contains("alert-stage", again.Err, StringComparison.Ordinal);

        var show = await _cli.RunAsync("--json", "alerts", "show", identifier);
        Assert.Equal("released", JsonDocument.Parse(show.Out).RootElement.GetProperty("status").GetString());

        var file = Path.Combine(Path.GetTempPath(), $"alert-{Guid.NewGuid():N}.xml");
        try
        {
            var cap = await _cli.RunAsync("alerts", "cap", identifier, "--out", file);
            Assert.True(cap.Exit == 0, cap.Err);
            var verdict = CapReader.Read(await File.ReadAllBytesAsync(file));
            Assert.True(verdict.Accepted, string.Join("\n", verdict.Reasons));
            Assert.Equal(identifier, verdict.Alert!.Identifier);
            Assert.Equal("Heat advisory 高温", verdict.Alert.Infos[0].Headline);
        }
        finally
        {
            File.Delete(file);
        }

        var stdout = await _cli.RunAsync("alerts", "cap", identifier);
        Assert.Contains("<identifier>" + identifier + "</identifier>", stdout.Out, StringComparison.Ordinal);
        Assert.True(CapReader.Read(Encoding.UTF8.GetBytes(stdout.Out.Trim())).Accepted);

        var unknown = await _cli.RunAsync("alerts", "show", "NO-SUCH-ALERT");
        Assert.Equal(2, unknown.Exit);
    }
}
