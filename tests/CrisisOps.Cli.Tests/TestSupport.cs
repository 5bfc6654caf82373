using System.Globalization;
using System.Net;
using System.Text;

namespace CrisisOps.Cli.Tests;

/// <summary>Sets the thread's cultures for one test and restores them afterwards.</summary>
internal sealed class CultureScope : IDisposable
{
    private readonly CultureInfo culture = CultureInfo.CurrentCulture;
    private readonly CultureInfo uiCulture = CultureInfo.CurrentUICulture;

    public CultureScope(string name, string? uiName = null)
    {
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(name);
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(uiName ?? name);
    }

    public void Dispose()
    {
        CultureInfo.CurrentCulture = culture;
        CultureInfo.CurrentUICulture = uiCulture;
    }
}

/// <summary>A directory under the system temp folder, deleted with its contents when disposed.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "crisisops-cli-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

/// <summary>A request as the server would have seen it, body included.</summary>
internal sealed record RecordedRequest(HttpMethod Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, string? ContentType, string Body)
{
    public string PathAndQuery => Uri.PathAndQuery;

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>Answers requests from a function and records them; stands in for the server in unit tests.</summary>
internal sealed class FakeServer(Func<RecordedRequest, HttpResponseMessage> respond) : HttpMessageHandler
{
    private readonly List<RecordedRequest> requests = [];

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (requests)
            {
                return [.. requests];
            }
        }
    }

    public static HttpResponseMessage Json(HttpStatusCode status, string json, string mediaType = "application/json") =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, mediaType) };

    public static HttpResponseMessage Problem(HttpStatusCode status, string json) => Json(status, json, "application/problem+json");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var headers = request.Headers.ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        var recorded = new RecordedRequest(request.Method, request.RequestUri!, headers, request.Content?.Headers.ContentType?.ToString(), body);
        lock (requests)
        {
            requests.Add(recorded);
        }

        var response = respond(recorded);
        response.RequestMessage = request;
        return response;
    }
}

internal sealed record CliResult(int ExitCode, string Stdout, string Stderr);

/// <summary>Runs the CLI in-process with captured output, a private home directory and given environment variables.</summary>
internal sealed class CliHarness : IDisposable
{
    private readonly TempDirectory home = new();

    public Dictionary<string, string> Variables { get; } = new(StringComparer.Ordinal);

    public string Stdin { get; set; } = "";

    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    public string HomeDirectory => home.Path;

    public string DefaultCredentialsPath => Path.Combine(home.Path, ".config", "crisisops", "credentials.json");

    public async Task<CliResult> RunAsync(HttpMessageHandler? handler, params string[] args) =>
        await RunAsync(handler, CancellationToken.None, args);

    public async Task<CliResult> RunAsync(HttpMessageHandler? handler, CancellationToken cancellationToken, params string[] args)
    {
        // Culture set here flows into the CLI run and is undone when this method returns.
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en");
        var stdout = new StringWriter(CultureInfo.InvariantCulture);
        var stderr = new StringWriter(CultureInfo.InvariantCulture);
        var environment = new CliEnvironment
        {
            Handler = handler ?? new FakeServer(_ => throw new HttpRequestException("no server in this test")),
            Stdout = stdout,
            Stderr = stderr,
            Stdin = new StringReader(Stdin),
            StdinIsTerminal = false,
            IsRealConsole = false,
            GetVariable = name => Variables.TryGetValue(name, out var value) ? value : null,
            HomeDirectory = home.Path,
            TimeProvider = TimeProvider,
            DisplayTimeZone = TimeZoneInfo.Utc,
        };
        var exitCode = await CliApp.RunAsync(args, environment, cancellationToken);
        return new CliResult(exitCode, stdout.ToString(), stderr.ToString());
    }

    public void Dispose() => home.Dispose();
}
