using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.RateLimiting;
using CrisisOps.Domain.Alerts.Delivery;

namespace CrisisOps.Server.Features.Alerts.Delivery.Gateways;

/// <summary>Settings of one webhook gateway (<c>Delivery:Gateways:&lt;name&gt;</c>).</summary>
public sealed record WebhookSettings(string Name, Uri Url, string? Bearer, string? ReceiptSecret, TimeSpan Timeout, int Retries,
    TimeSpan RetryBackoff, double RatePerSecond, int MaxBatch = 100);

/// <summary>
/// An operator's HTTP gateway (SMS, voice, push, cell broadcast, loudspeaker controllers). Wire format in
/// docs/delivery.md: <c>POST {url}</c> with <c>{"messages": [...]}</c>, a batch of messages each with its
/// idempotency key; a 2xx answers <c>{"results": [...]}</c>, one per key: <c>accepted</c> with a messageId,
/// <c>retry</c> or <c>rejected</c>. A timeout, a 5xx, a 429 or an answer we cannot read leaves the whole batch
/// transient; another 4xx refuses the whole batch for good. Transient messages are retried here a few times
/// with backoff (only those, in a smaller batch), then by each delivery's own schedule. A token bucket keeps to
/// the operator's rate, counting messages, not requests.
/// </summary>
public sealed class WebhookGateway : IDeliveryGateway, IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient _http;
    private readonly WebhookSettings _settings;
    private readonly TokenBucketRateLimiter _rate;
    private readonly int _perSecond;

    public WebhookGateway(HttpClient http, WebhookSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _http = http;
        _settings = settings;
        _perSecond = Math.Max(1, (int)Math.Min(int.MaxValue, Math.Ceiling(settings.RatePerSecond)));
        _rate = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = _perSecond,
            TokensPerPeriod = _perSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    }

    public string Name => _settings.Name;

    public string? ReceiptSecret => _settings.ReceiptSecret;

    /// <summary>A batch never holds more messages than the rate lets through in a second.</summary>
    public int MaxBatch => Math.Max(1, Math.Min(_settings.MaxBatch, _perSecond));

    public async Task<SendResult> SendAsync(GatewayMessage message, CancellationToken ct) => (await SendBatchAsync([message], ct))[0];

    public async Task<IReadOnlyList<SendResult>> SendBatchAsync(IReadOnlyList<GatewayMessage> messages, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var results = new SendResult[messages.Count];
        var pending = Enumerable.Range(0, messages.Count).ToList();
        for (var attempt = 0; attempt <= _settings.Retries && pending.Count > 0; attempt++)
        {
            if (attempt > 0)
            {
                // Wall-clock backoff between quick retries of one hand-off; the delivery's own retries run on the injected clock.
                await Task.Delay(_settings.RetryBackoff * Math.Pow(2, attempt - 1), ct);
            }

            foreach (var chunk in pending.Chunk(MaxBatch).ToList())
            {
                using var lease = await _rate.AcquireAsync(chunk.Length, ct);
                var answers = await TryOnceAsync([.. chunk.Select(i => messages[i])], ct);
                for (var j = 0; j < chunk.Length; j++)
                {
                    results[chunk[j]] = answers[j];
                }
            }

            pending = [.. pending.Where(i => results[i].Outcome == SendOutcome.Transient)];
        }

        return results;
    }

    private static string KeyOf(GatewayMessage m) => m.Key.ToString(CultureInfo.InvariantCulture);

    private async Task<SendResult[]> TryOnceAsync(IReadOnlyList<GatewayMessage> batch, CancellationToken ct)
    {
        SendResult[] All(SendResult r) => [.. batch.Select(_ => r)];
        using var request = new HttpRequestMessage(HttpMethod.Post, _settings.Url)
        {
            Content = JsonContent.Create(new WebhookBatch([.. batch.Select(m => new WebhookMessage(KeyOf(m), m.Channel.Name(), m.To, m.Language, m.Text,
                m.AlertIdentifier, m.IsExercise))]), options: Json),
        };
        if (_settings.Bearer is { Length: > 0 } bearer)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_settings.Timeout);
        try
        {
            using var response = await _http.SendAsync(request, timeout.Token);
            if (response.StatusCode == HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500)
            {
                return All(SendResult.Transient($"gateway answered {(int)response.StatusCode}"));
            }

            if (!response.IsSuccessStatusCode)
            {
                return All(SendResult.Permanent($"gateway refused with {(int)response.StatusCode}"));
            }

            WebhookAnswer? answer;
            try
            {
                answer = await response.Content.ReadFromJsonAsync<WebhookAnswer>(Json, timeout.Token);
            }
            catch (Exception ex) when (ex is JsonException or NotSupportedException)
            {
                return All(SendResult.Transient("gateway answered garbage"));
            }

            if (answer?.Results is not { } items)
            {
                return All(SendResult.Transient("gateway answered without results"));
            }

            var byKey = new Dictionary<string, WebhookResult>(StringComparer.Ordinal);
            foreach (var item in items)
            {
                if (item?.IdempotencyKey is { } key)
                {
                    byKey.TryAdd(key, item);
                }
            }

            return [.. batch.Select(m => Classify(byKey.GetValueOrDefault(KeyOf(m))))];
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return All(SendResult.Transient($"gateway timed out after {_settings.Timeout.TotalSeconds:0.#} s"));
        }
        catch (HttpRequestException ex)
        {
            return All(SendResult.Transient("gateway unreachable: " + ex.Message));
        }
    }

    private static SendResult Classify(WebhookResult? item) => item?.Status switch
    {
        "accepted" when item.MessageId is { Length: > 0 and <= 128 } id => new SendResult(SendOutcome.Accepted, id, null),
        "rejected" => SendResult.Permanent("gateway rejected: " + (item.Error ?? "no reason")),
        "retry" => SendResult.Transient("gateway asked to retry: " + (item.Error ?? "no reason")),
        null => SendResult.Transient("gateway answered nothing for this message"),
        _ => SendResult.Transient("gateway answered garbage for this message"),
    };

    public void Dispose() => _rate.Dispose();
}

/// <summary>The webhook's request body: a batch of messages.</summary>
public sealed record WebhookBatch(IReadOnlyList<WebhookMessage>? Messages);

/// <summary>One message of the batch.</summary>
public sealed record WebhookMessage(string? IdempotencyKey, string? Channel, string? To, string? Language, string? Text, string? Alert, bool Exercise);

/// <summary>The webhook's answer: one result per message.</summary>
public sealed record WebhookAnswer(IReadOnlyList<WebhookResult>? Results);

/// <summary>One message's result: <c>accepted</c> (with the gateway's messageId), <c>retry</c> or <c>rejected</c>.</summary>
public sealed record WebhookResult(string? IdempotencyKey, string? Status, string? MessageId = null, string? Error = null);

/// <summary>A batch of receipts a gateway posts to <c>/api/v1/gateways/{name}/receipts</c>.</summary>
public sealed record ReceiptBatch(IReadOnlyList<Receipt>? Receipts);

/// <summary>One receipt: which message (our idempotency key), and whether it arrived.</summary>
public sealed record Receipt(string? IdempotencyKey, string? MessageId, string? Status, string? Reason);
