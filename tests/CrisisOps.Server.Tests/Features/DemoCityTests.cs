using System.Globalization;
using System.Text.Json;
using CrisisOps.Cli;
using CrisisOps.Testing;

namespace CrisisOps.Server.Tests.Features;

public sealed class DemoApp() : CrisisOpsApp(new SqliteTestDatabase(), settings: new Dictionary<string, string>
{
    ["Demo:Enabled"] = "true",
    ["Demo:Password"] = DemoCityTests.DemoPassword,
});

/// <summary>What a newcomer does first: start with --demo, list the city's regions, locate a point, report, watch the duty escalate.</summary>
public sealed class DemoCityTests(DemoApp app) : IClassFixture<DemoApp>, IDisposable
{
    public const string DemoPassword = "demo-password-for-tests";
    private readonly CliRunner _cli = new(app);

    public void Dispose() => _cli.Dispose();

    private Task<(int Exit, string Out, string Err)> CliAsync(params string[] args) => _cli.RunAsync(args);

    [Fact]
    public async Task Demo_WhenStarted_CliListsKremsAndLocatesTheOldTown()
    {
        await _cli.LoginAsync("duty.krems", DemoPassword);

        var districts = await CliAsync("--json", "regions", "list", "--parent", "KRE");
        Assert.True(districts.Exit == 0, districts.Err);
        var items = JsonDocument.Parse(districts.Out).RootElement.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(4, items.Count);
        Assert.All(items, r => Assert.True(r.GetProperty("isDemo").GetBoolean()));

        // Krems old town, near the Steiner Tor.
        var located = await CliAsync("--json", "regions", "locate", "48.4105", "15.6020");
        Assert.True(located.Exit == 0, located.Err);
        var region = JsonDocument.Parse(located.Out).RootElement;
        Assert.Equal("community", region.GetProperty("level").GetString());
        Assert.StartsWith("KRE-", region.GetProperty("code").GetString(), StringComparison.Ordinal);

        var officer = await app.SignInAsync("duty.krems", DemoPassword);
        var stations = (await officer.GetJsonAsync("/api/v1/stations")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(3, stations.Count);
        Assert.All(stations, s => Assert.True(s.GetProperty("isDemo").GetBoolean()));

        var table = await CliAsync("regions", "list", "--parent", "KRE");
        Assert.Contains("KRE-01", table.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_WhenStarted_HasADepotPartnersAndTheirAgreement()
    {
        var logistics = await app.SignInAsync("logistics.krems", DemoPassword);
        var stock = (await logistics.GetJsonAsync("/api/v1/warehouses/kre-depot-01/stock")).GetProperty("items").EnumerateArray()
            .ToDictionary(i => i.GetProperty("itemCode").GetString()!, i => i.GetProperty("available").GetDecimal());
        Assert.Equal(4000m, stock["masks"]);
        Assert.Equal(2000m, stock["food-parcel"]);
        var agreement = Assert.Single((await logistics.GetJsonAsync("/api/v1/agreements?organisation=krems-pharmacy")).GetProperty("items").EnumerateArray());
        Assert.True(agreement.GetProperty("validToday").GetBoolean());

        // The NGO volunteer belongs to the Red Cross and, as an NGO member, may claim on the board.
        var volunteer = await app.SignInAsync("ngo.krems", DemoPassword);
        Assert.Equal("krems-red-cross", Assert.Single((await volunteer.GetJsonAsync("/api/v1/organisations")).GetProperty("items").EnumerateArray())
            .GetProperty("code").GetString());
        Assert.Equal(System.Net.HttpStatusCode.OK, (await volunteer.GetAsync("/api/v1/needs")).StatusCode);
    }

    [Fact]
    public async Task Demo_WhenIncidentUnreported_EscalatesFromCommunityToSubdistrict()
    {
        var officer = await app.SignInAsync("duty.kre0101", DemoPassword);
        var incident = await (await officer.PostJsonAsync("/api/v1/incidents", new
        {
            title = "Cellar flooding in the old town", category = "natural-disaster", type = "waterlogging", severity = "IV",
            location = new { lat = 48.4105, lon = 15.6020 },
        })).OkJsonAsync(System.Net.HttpStatusCode.Created);
        var community = incident.GetProperty("regionCode").GetString()!;

        app.Clock.Advance(TimeSpan.FromMinutes(61));
        await Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<CrisisOps.Server.Features.Deadlines.DeadlineRunner>(app.Services).FireDueAsync(CancellationToken.None);

        var escalated = Assert.Single((await officer.GetJsonAsync(
            $"/api/v1/journal?incidentId={incident.GetProperty("id").GetString()}&type=deadline.escalated")).GetProperty("items").EnumerateArray());
        Assert.Equal(community, escalated.GetProperty("payload").GetProperty("from").GetString());
        Assert.Equal(community[..community.LastIndexOf('-')], escalated.GetProperty("payload").GetProperty("to").GetString());
    }

    [Fact]
    public async Task Demo_WhenStarted_OpinionHasLabelledTopicsAndTheSubwayBurstIsHot()
    {
        await using var db = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<CrisisOps.Data.CrisisOpsDbContext>>(app.Services)
            .CreateDbContext();
        var topics = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(db.OpinionTopics);
        Assert.True(topics.Count >= 4, $"{topics.Count} topics");
        Assert.Contains(topics, t => t.Status == CrisisOps.Domain.Opinion.TopicStatus.Hot && t.Label.Contains("地铁", StringComparison.Ordinal));
    }
}
