using System.Globalization;
using CrisisOps.Cli;

namespace CrisisOps.Server.Tests;

/// <summary>
/// Runs the `crisisops` CLI in process against the test server, with its own home folder (where
/// `login` stores the token) and the server's fake clock.
/// </summary>
internal sealed class CliRunner(CrisisOpsApp app) : IDisposable
{
    public string Home { get; } = Directory.CreateTempSubdirectory("crisisops-cli-").FullName;

    public CliEnvironment Environment(TextWriter stdout, TextWriter stderr) => new()
    {
        Handler = app.Server.CreateHandler(),
        Stdout = stdout,
        Stderr = stderr,
        Stdin = new StringReader(""),
        HomeDirectory = Home,
        GetVariable = _ => null,
        TimeProvider = app.Clock,
        DisplayTimeZone = TimeZoneInfo.Utc,
    };

    public async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        var stdout = new StringWriter(CultureInfo.InvariantCulture);
        var stderr = new StringWriter(CultureInfo.InvariantCulture);
        var exit = await CliApp.RunAsync(args, Environment(stdout, stderr), CancellationToken.None);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>`crisisops login` against the test server.</summary>
    public async Task LoginAsync(string user, string password)
    {
        app.Anonymous();
        var (exit, _, err) = await RunAsync("login", "--url", "http://localhost", "--user", user, "--password", password);
        Assert.True(exit == 0, err);
    }

    public void Dispose() => Directory.Delete(Home, recursive: true);
}
