using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Reflection;
using System.Text;
using System.Text.Json;
using CrisisOps.Cli.Api;

namespace CrisisOps.Cli;

/// <summary>
/// Talks to one CrisisOps server over an injected <see cref="HttpClient"/>: builds request URIs
/// under the server's base address, sends the bearer token, turns non-success responses into
/// <see cref="ApiProblem"/> and transport failures into <see cref="ServerUnreachableException"/>.
/// </summary>
internal sealed class ApiClient
{
    private static readonly ProductInfoHeaderValue UserAgent = new(
        "crisisops-cli",
        typeof(ApiClient).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0");

    private readonly HttpClient http;
    private readonly string? token;
    private readonly TimeProvider timeProvider;

    /// <param name="http">Client used for every request; its own timeout should be infinite, because the event feed never ends.</param>
    /// <param name="server">Base address of the server, ending in a slash (see <see cref="ParseServerUrl"/>).</param>
    /// <param name="token">Bearer token, or <c>null</c> for anonymous requests.</param>
    public ApiClient(HttpClient http, Uri server, string? token, TimeProvider? timeProvider = null)
    {
        this.http = http;
        this.token = token;
        this.timeProvider = timeProvider ?? TimeProvider.System;
        Server = server;
    }

    /// <summary>How long an ordinary request may take before the server counts as unreachable.</summary>
    public static TimeSpan RequestTimeout { get; } = TimeSpan.FromSeconds(100);

    public Uri Server { get; }

    public bool HasToken => token is not null;

    /// <summary>Checks a server URL given by the user and normalises it to a base address ending in a slash.</summary>
    /// <exception cref="CliUsageException">The text is not an absolute http or https URL.</exception>
    public static Uri ParseServerUrl(string url)
    {
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || !string.IsNullOrEmpty(uri.Query)
            || !string.IsNullOrEmpty(uri.Fragment))
        {
            throw new CliUsageException(Localized.Format(Strings.InvalidServerUrl, url));
        }

        var text = uri.GetLeftPart(UriPartial.Path);
        return new Uri(text.EndsWith('/') ? text : text + "/", UriKind.Absolute);
    }

    public Task<ApiResponse> GetAsync(string path, QueryParameters? query, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, BuildUri(path, query)), cancellationToken);

    /// <summary>GETs a binary answer (a ledger tile) as bytes.</summary>
    /// <exception cref="ApiProblem">The server answered with a non-success status.</exception>
    public async Task<byte[]> GetBytesAsync(string path, QueryParameters? query, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, BuildUri(path, query));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/octet-stream"));
        return await SendForBytesAsync(request, cancellationToken);
    }

    public Task<ApiResponse> DeleteAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Delete, BuildUri(path, null)), cancellationToken);

    public Task<ApiResponse> PostJsonAsync<TBody>(
        string path,
        TBody body,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? headers = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, BuildUri(path, null))
        {
            Content = JsonContent.Create(body, options: ApiJson.Options),
        };
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return SendAsync(request, cancellationToken);
    }

    /// <summary>Posts JSON and returns the answer's bytes (a file the server writes, e.g. an export).</summary>
    /// <exception cref="ApiProblem">The server answered with a non-success status.</exception>
    public async Task<byte[]> PostJsonForFileAsync<TBody>(string path, TBody body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, BuildUri(path, null)) { Content = JsonContent.Create(body, options: ApiJson.Options) };
        return await SendForBytesAsync(request, cancellationToken);
    }

    /// <summary>Sends a request whose answer is a file, not JSON: the bytes, or the problem the server answered with.</summary>
    private Task<byte[]> SendForBytesAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        TransportAsync(
            async ct =>
            {
                using var response = await http.SendAsync(Prepare(request), HttpCompletionOption.ResponseContentRead, ct);
                if (!response.IsSuccessStatusCode)
                {
                    throw await ReadProblemAsync(response, ct);
                }

                return await response.Content.ReadAsByteArrayAsync(ct);
            },
            cancellationToken);

    public Task<ApiResponse> PostAsync(string path, QueryParameters? query, HttpContent content, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, BuildUri(path, query)) { Content = content }, cancellationToken);

    /// <summary>
    /// Opens a Server-Sent Events stream. The timeout covers only the response headers; the body
    /// stays open until the server or the caller ends it.
    /// </summary>
    /// <exception cref="ApiProblem">The server answered with a non-success status.</exception>
    /// <exception cref="ServerUnreachableException">No response arrived.</exception>
    public async Task<HttpResponseMessage> OpenEventStreamAsync(
        string path,
        QueryParameters? query,
        string? lastEventId,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, BuildUri(path, query));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        request.Headers.CacheControl = new CacheControlHeaderValue { NoCache = true };
        if (!string.IsNullOrEmpty(lastEventId))
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }

        return await TransportAsync(
            async ct =>
            {
                var response = await http.SendAsync(Prepare(request), HttpCompletionOption.ResponseHeadersRead, ct);
                if (response.IsSuccessStatusCode)
                {
                    return response;
                }

                using (response)
                {
                    throw await ReadProblemAsync(response, ct);
                }
            },
            cancellationToken);
    }

    private async Task<ApiResponse> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            return await TransportAsync(
                async ct =>
                {
                    using var response = await http.SendAsync(Prepare(request), HttpCompletionOption.ResponseContentRead, ct);
                    if (!response.IsSuccessStatusCode)
                    {
                        throw await ReadProblemAsync(response, ct);
                    }

                    var body = await response.Content.ReadAsStringAsync(ct);
                    return new ApiResponse((int)response.StatusCode, body, response.Headers.Date);
                },
                cancellationToken);
        }
    }

    /// <summary>Runs one exchange under <see cref="RequestTimeout"/>, translating transport failures.</summary>
    private async Task<T> TransportAsync<T>(Func<CancellationToken, Task<T>> exchange, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(RequestTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            return await exchange(linked.Token);
        }
        catch (HttpRequestException e)
        {
            throw new ServerUnreachableException(Server, e.Message, e);
        }
        catch (IOException e)
        {
            throw new ServerUnreachableException(Server, e.Message, e);
        }
        catch (OperationCanceledException e) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new ServerUnreachableException(
                Server,
                Localized.Format(Strings.RequestTimedOut, RequestTimeout.TotalSeconds.ToString(CultureInfo.CurrentCulture)),
                e);
        }
    }

    private HttpRequestMessage Prepare(HttpRequestMessage request)
    {
        request.Headers.UserAgent.Add(UserAgent);
        if (request.Headers.Accept.Count == 0)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/problem+json"));
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return request;
    }

    private static async Task<ApiProblem> ReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return ApiProblem.Parse((int)response.StatusCode, response.ReasonPhrase, body);
    }

    private Uri BuildUri(string path, QueryParameters? query)
    {
        var relative = new StringBuilder(path.TrimStart('/'));
        var separator = '?';
        foreach (var (name, value) in query ?? [])
        {
            if (value is null)
            {
                continue;
            }

            relative.Append(separator).Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
        }

        return new Uri(Server, relative.ToString());
    }
}

/// <summary>Query string parameters in order; a <c>null</c> value leaves the parameter out.</summary>
internal sealed class QueryParameters : List<(string Name, string? Value)>
{
    public void Add(string name, string? value) => Add((name, value));
}

/// <summary>A successful response: its status, body text and the server's clock from the <c>Date</c> header.</summary>
internal sealed record ApiResponse(int Status, string Body, DateTimeOffset? Date)
{
    /// <summary>Reads the body as <typeparamref name="T"/>.</summary>
    /// <exception cref="UnexpectedResponseException">The body is empty or does not have the expected shape.</exception>
    public T Read<T>()
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(Body, ApiJson.Options)
                ?? throw new UnexpectedResponseException(Strings.EmptyResponse);
        }
        catch (JsonException e)
        {
            throw new UnexpectedResponseException(Localized.Format(Strings.UnreadableResponse, e.Message), e);
        }
    }
}
