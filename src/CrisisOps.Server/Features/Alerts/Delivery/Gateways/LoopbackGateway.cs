using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace CrisisOps.Server.Features.Alerts.Delivery.Gateways;

/// <summary>Settings of the loopback test gateway (<c>Delivery:Loopback</c>).</summary>
public sealed record LoopbackSettings
{
    public bool Enabled { get; init; }

    /// <summary>Share of messages on <see cref="FailChannels"/> answered <c>retry</c> on every attempt (deterministic by seed and key).</summary>
    public double FailShare { get; init; }

    /// <summary>Share of messages answered <c>retry</c> on their first attempt only.</summary>
    public double FlakyShare { get; init; }

    /// <summary>Share of accepted messages whose receipt says failed (number unreachable).</summary>
    public double FailedReceiptShare { get; init; }

    public IReadOnlyList<string> FailChannels { get; init; } = ["sms"];

    public TimeSpan Delay { get; init; }

    public TimeSpan ReceiptDelay { get; init; } = TimeSpan.FromMilliseconds(20);

    public int Seed { get; init; } = 1;

    public string ReceiptSecret { get; init; } = "loopback-receipt-secret";

    /// <summary>Where to post receipts; default the server's own address.</summary>
    public Uri? ReceiptsBaseUrl { get; init; }

    /// <summary>The gateway's name in receipts' URL.</summary>
    public string Name { get; init; } = "loopback";
}

/// <summary>
/// A real HTTP gateway on 127.0.0.1 (Kestrel, a free port) that speaks the webhook wire format, for tests,
/// the benchmark and <c>--demo</c>. It dedupes by idempotency key (a re-sent key gets the first answer and
/// is not handed on again), can delay, fail a share of messages (deterministically by seed and key) and
/// posts signed receipts back asynchronously, in batches. <see cref="HandedOn"/> counts what it "sent" per key.
/// </summary>
public sealed class LoopbackGateway : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly ConcurrentDictionary<string, string> _answered = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _requests = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _handedOn = new(StringComparer.Ordinal);
    private readonly Channel<Receipt> _receipts = System.Threading.Channels.Channel.CreateUnbounded<Receipt>();
    private readonly LoopbackSettings _settings;
    private WebApplication? _app;
    private int _batches;
    private Task? _receiptPump;
    private readonly CancellationTokenSource _stop = new();

    public LoopbackGateway(LoopbackSettings settings) => _settings = settings;

    public Uri? Url { get; private set; }

    public LoopbackSettings Settings => _settings;

    /// <summary>Where receipts go: set by the host (its own address) or a test (an in-process client).</summary>
    public Func<HttpClient>? ReceiptClient { get; set; }

    /// <summary>Messages handed on (once per key, whatever the re-sends).</summary>
    public IReadOnlyDictionary<string, int> HandedOn => _handedOn;

    /// <summary>Requests seen per key, re-sends included.</summary>
    public IReadOnlyDictionary<string, int> Requests => _requests;

    public int ReceiptsPosted { get; private set; }

    /// <summary>Requests (batches) received.</summary>
    public int Batches => _batches;

    public async Task StartAsync(CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapPost("/messages", HandleAsync);
        await app.StartAsync(ct);
        _app = app;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Url = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/messages");
        _receiptPump = Task.Run(() => PumpReceiptsAsync(_stop.Token), CancellationToken.None);
    }

    private async Task<IResult> HandleAsync(HttpRequest request)
    {
        WebhookBatch? batch;
        try
        {
            batch = await JsonSerializer.DeserializeAsync<WebhookBatch>(request.Body, Json, request.HttpContext.RequestAborted);
        }
        catch (JsonException)
        {
            return Results.BadRequest();
        }

        if (batch?.Messages is not { Count: > 0 } messages
            || messages.Any(m => m?.IdempotencyKey is not { Length: > 0 } || string.IsNullOrEmpty(m.To) || string.IsNullOrEmpty(m.Text)))
        {
            return Results.BadRequest();
        }

        Interlocked.Increment(ref _batches);
        if (_settings.Delay > TimeSpan.Zero)
        {
            await Task.Delay(_settings.Delay, request.HttpContext.RequestAborted);
        }

        return Results.Ok(new WebhookAnswer([.. messages.Select(Handle)]));
    }

    private WebhookResult Handle(WebhookMessage message)
    {
        var key = message.IdempotencyKey!;
        var seen = _requests.AddOrUpdate(key, 1, (_, n) => n + 1);
        if (_answered.TryGetValue(key, out var earlier))
        {
            return new WebhookResult(key, "accepted", earlier);
        }

        var failing = _settings.FailChannels.Contains(message.Channel, StringComparer.Ordinal) && Draw(key, "fail") < _settings.FailShare;
        if (failing || (seen == 1 && Draw(key, "flaky") < _settings.FlakyShare))
        {
            return new WebhookResult(key, "retry", Error: "operator busy");
        }

        var id = "lb-" + key;
        if (_answered.TryAdd(key, id))
        {
            _handedOn.AddOrUpdate(key, 1, (_, n) => n + 1);
            var failed = Draw(key, "receipt") < _settings.FailedReceiptShare;
            _receipts.Writer.TryWrite(new Receipt(key, id, failed ? "failed" : "delivered", failed ? "unreachable" : null));
        }

        return new WebhookResult(key, "accepted", _answered[key]);
    }

    // The same seed and key always draw the same number, so a test knows which messages fail.
    private double Draw(string key, string purpose)
    {
        var hash = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{_settings.Seed}:{purpose}:{key}"))));
        return (hash >> 11) / (double)(1UL << 53);
    }

    private async Task PumpReceiptsAsync(CancellationToken ct)
    {
        var batch = new List<Receipt>();
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (!await _receipts.Reader.WaitToReadAsync(ct))
                {
                    return;
                }

                if (_settings.ReceiptDelay > TimeSpan.Zero)
                {
                    await Task.Delay(_settings.ReceiptDelay, ct);
                }

                while (batch.Count < 500 && _receipts.Reader.TryRead(out var receipt))
                {
                    batch.Add(receipt);
                }

                await PostAsync(batch, ct);
                ReceiptsPosted += batch.Count;
                batch.Clear();
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or OperationCanceledException or ObjectDisposedException)
            {
                // The server is away (restarting; a request it aborted on its way down is cancelled, and its client may be
                // disposed): keep the receipts and try again shortly — a pump that stopped here would strand every later receipt.
                await Task.Delay(TimeSpan.FromMilliseconds(200), CancellationToken.None);
            }
        }
    }

    private async Task PostAsync(List<Receipt> batch, CancellationToken ct)
    {
        var client = ReceiptClient?.Invoke() ?? throw new InvalidOperationException("No receipt target yet.");
        var body = JsonSerializer.SerializeToUtf8Bytes(new ReceiptBatch(batch), Json);
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/v1/gateways/{_settings.Name}/receipts", UriKind.Relative)) { Content = content };
        if (client.BaseAddress is null && _settings.ReceiptsBaseUrl is { } baseUrl)
        {
            request.RequestUri = new Uri(baseUrl, request.RequestUri!);
        }

        request.Headers.Add(ReceiptSignature.Header, ReceiptSignature.Sign(_settings.ReceiptSecret, body));
        using var response = await client.SendAsync(request, ct);
        if ((int)response.StatusCode >= 500)
        {
            throw new HttpRequestException($"receipts answered {(int)response.StatusCode}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_receiptPump is not null)
        {
            await _receiptPump;
        }

        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        _stop.Dispose();
    }
}
