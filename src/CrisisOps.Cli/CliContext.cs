using System.Text.Json;
using CrisisOps.Cli.Api;
using CrisisOps.Cli.Output;
using Spectre.Console;

namespace CrisisOps.Cli;

/// <summary>
/// What one command invocation works with: consoles for people, stdout for <c>--json</c>, the
/// stored login and the rules that choose which server and token to use.
/// </summary>
internal sealed class CliContext : IDisposable
{
    public const string UrlVariable = "CRISISOPS_URL";
    public const string TokenVariable = "CRISISOPS_TOKEN";

    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(15);

    private readonly string? urlOption;
    private readonly string? tokenOption;
    private readonly Lazy<StoredCredentials?> stored;
    private HttpClient? http;

    public CliContext(CliEnvironment environment, bool json, string? urlOption, string? tokenOption)
    {
        Environment = environment;
        Json = json;
        this.urlOption = urlOption;
        this.tokenOption = tokenOption;
        Out = Consoles.Create(environment.Stdout, environment.IsRealConsole);
        Error = Consoles.Create(environment.Stderr, environment.IsRealConsole);
        Credentials = CredentialStore.ForEnvironment(environment);

        // Read only when needed: with --url and --token a broken credentials file does not matter.
        stored = new Lazy<StoredCredentials?>(Credentials.Load);
    }

    public CliEnvironment Environment { get; }

    /// <summary>Whether <c>--json</c> was given: stdout then carries only server JSON.</summary>
    public bool Json { get; }

    /// <summary>Tables and messages for people, on stdout.</summary>
    public IAnsiConsole Out { get; }

    /// <summary>Errors, warnings and prompts, on stderr.</summary>
    public IAnsiConsole Error { get; }

    public CredentialStore Credentials { get; }

    public StoredCredentials? StoredCredentials => stored.Value;

    /// <summary>The server to talk to: <c>--url</c>, else <c>$CRISISOPS_URL</c>, else the stored login.</summary>
    /// <exception cref="CliUsageException">None of them is set, or the URL is not valid.</exception>
    public Uri ResolveServer()
    {
        var url = NonEmpty(urlOption) ?? NonEmpty(Environment.GetVariable(UrlVariable)) ?? StoredCredentials?.Url
            ?? throw new CliUsageException(Strings.NoServer);
        return ApiClient.ParseServerUrl(url);
    }

    /// <summary>
    /// The token to send: <c>--token</c>, else <c>$CRISISOPS_TOKEN</c>, else the stored token, but
    /// only if it was issued by <paramref name="server"/> so that it never leaks to another host.
    /// </summary>
    public string? ResolveToken(Uri server)
    {
        if ((NonEmpty(tokenOption) ?? NonEmpty(Environment.GetVariable(TokenVariable))) is { } given)
        {
            return given;
        }

        return StoredCredentials is { } credentials && IsSameServer(credentials.Url, server) ? credentials.Token : null;
    }

    /// <summary>A client for the resolved server and token.</summary>
    public ApiClient Connect()
    {
        var server = ResolveServer();
        return Connect(server, ResolveToken(server));
    }

    public ApiClient Connect(Uri server, string? token) => new(HttpClient, server, token, Environment.TimeProvider);

    /// <summary>Writes a server document to stdout as it came, on its own line.</summary>
    public void WriteJson(string body)
    {
        if (body.Length == 0)
        {
            return;
        }

        Environment.Stdout.Write(body);
        if (!body.EndsWith('\n'))
        {
            Environment.Stdout.WriteLine();
        }

        Environment.Stdout.Flush();
    }

    public void WriteJson(JsonElement element) => WriteJson(element.GetRawText());

    public void Warn(string message) => Error.MarkupLine($"[yellow]{Markup.Escape(message)}[/]");

    public string Moment(DateTimeOffset? time) => TimeText.Moment(time, Environment.DisplayTimeZone);

    public void Dispose() => http?.Dispose();

    private HttpClient HttpClient => http ??= new HttpClient(
        Environment.Handler ?? new SocketsHttpHandler { ConnectTimeout = ConnectTimeout },
        disposeHandler: Environment.Handler is null)
    {
        // The event feed is open-ended; ApiClient times out ordinary requests itself.
        Timeout = Timeout.InfiniteTimeSpan,
    };

    private static bool IsSameServer(string storedUrl, Uri server)
    {
        try
        {
            return ApiClient.ParseServerUrl(storedUrl) == server;
        }
        catch (CliUsageException)
        {
            return false;
        }
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
