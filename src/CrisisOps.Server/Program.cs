using CrisisOps.Server.Features.Alerts.Delivery.Gateways;
using CrisisOps.Server.Platform;

// `--demo` loads the demo city; it is a switch, not a configuration key, so take it out first.
var demo = args.Contains("--demo", StringComparer.Ordinal);
var builder = WebApplication.CreateBuilder(args.Where(a => a != "--demo").ToArray());
if (demo)
{
    // The demo delivers its alerts through the loopback test gateway (a tenth of SMS fail, so retries, escalation
    // and door-to-door tasks show), unless the operator configured gateways of their own.
    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Delivery:Loopback:Enabled"] = builder.Configuration["Delivery:Loopback:Enabled"] ?? "true",
        ["Delivery:Loopback:FailShare"] = builder.Configuration["Delivery:Loopback:FailShare"] ?? "0.1",

        // Delivery plans and arrival estimates drive on the demo city's roads (OpenStreetMap, ODbL).
        ["Routing:OsmFile"] = builder.Configuration["Routing:OsmFile"] ?? CrisisOps.Server.Demo.DemoSeed.OsmFile,
    });
}

builder.AddCrisisOpsServer();

var app = builder.Build();
await app.UseCrisisOpsServerAsync(demo || app.Configuration.GetValue("Demo:Enabled", false));
app.Lifetime.ApplicationStarted.Register(() =>
{
    Console.WriteLine("CrisisOps is listening on " + string.Join(", ", app.Urls) + "  (API docs at /scalar)");

    // The loopback gateway posts its receipts back to this server, whose address is known only now.
    if (app.Urls.FirstOrDefault() is { } url)
    {
        var receipts = new HttpClient { BaseAddress = new Uri(url.Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal).Replace("://*", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://+", "://127.0.0.1", StringComparison.Ordinal)) };
        app.Services.GetRequiredService<GatewayRegistry>().ReceiptsTo(() => receipts);
    }
});
await app.RunAsync();

/// <summary>Entry point; public so tests can host it with WebApplicationFactory.</summary>
public partial class Program;
