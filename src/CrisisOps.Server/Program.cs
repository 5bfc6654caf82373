using CrisisOps.Server.Platform;

// `--demo` loads the demo city; it is a switch, not a configuration key, so take it out first.
var demo = args.Contains("--demo", StringComparer.Ordinal);
var builder = WebApplication.CreateBuilder(args.Where(a => a != "--demo").ToArray());
builder.AddCrisisOpsServer();

var app = builder.Build();
await app.UseCrisisOpsServerAsync(demo || app.Configuration.GetValue("Demo:Enabled", false));
app.Lifetime.ApplicationStarted.Register(() =>
    Console.WriteLine("CrisisOps is listening on " + string.Join(", ", app.Urls) + "  (API docs at /scalar)"));
await app.RunAsync();

/// <summary>Entry point; public so tests can host it with WebApplicationFactory.</summary>
public partial class Program;
