using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.RateLimiting;
using CrisisOps.Domain.Alerts.Delivery;

namespace CrisisOps.Server.Features.Alerts.Delivery.Gateways;

/// <summary>Settings of one webhook gateway (<c>Delivery:Gateways:&lt;name&gt;</c>).</summary>
public sealed record WebhookSettings(string Name, Uri Url, string? Bearer, string? ReceiptSecret, TimeSpan Timeout, int Retries,
    TimeSpan RetryBackoff, double RatePerSecond);

/// <summary>
/// An operator's HTTP gateway (SMS, voice, push, cell broadcast, loudspeaker controllers). Wire format in
/// docs/delivery.md: <c>POST {url}</c> with a JSON message and an <c>Idempotency-Key</c> header; a 2xx with
/// <c>{"messageId": "…"}</c> takes it. A timeout, a 5xx, a 429 or an answer we cannot read is transient
/// (retried here a few times with backoff, then by the delivery's own schedule); another 4xx is permanent.
/// A token bucket keeps to the operator's rate.
/// </summary>
public sealed class WebhookGateway : IDeliveryGateway, IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient _http;
    private readonly WebhookSettings _settings;
    private readonly TokenBucketRateLimiter _rate;

    public WebhookGateway(HttpClient http, WebhookSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _http = http;
        _settings = settings;
        var perSecond = Math.Max(1, (int)Math.Ceiling(settings.RatePerSecond));
        _rate = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = perSecond,
            TokensPerPeriod = perSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    }

    public string Name => _settings.Name;

    public string? ReceiptSecret => _settings.ReceiptSecret;

    public async Task<SendResult> SendAsync(GatewayMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        SendResult result = SendResult.Transient("not tried");
        for (var attempt = 0; attempt <= _settings.Retries; attempt++)
        {
            if (attempt > 0)
            {
                // Wall-clock backoff between quick retries of one hand-off; the delivery's own retries run on the injected clock.
                await Task.Delay(_settings.RetryBackoff * Math.Pow(2, attempt - 1), ct);
            }

            using var lease = await _rate.AcquireAsync(1, ct);
            result = await TryOnceAsync(message, ct);
            if (result.Outcome != SendOutcome.Transient)
            {
                return result;
            }
        }

        return result;
    }

    private async Task<SendResult> TryOnceAsync(GatewayMessage message, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _settings.Url)
        {
            Content = JsonContent.Create(new WebhookMessage(message.Key.ToString(System.Globalization.CultureInfo.InvariantCulture),
                message.Channel.Name(), message.To, message.Language, message.Text, message.AlertIdentifier, message.IsExercise), options: Json),
        };
        request.Headers.Add("Idempotency-Key", message.Key.ToString(System.Globalization.CultureInfo.InvariantCulture));
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
                return SendResult.Transient($"gateway answered {(int)response.StatusCode}");
            }

            if (!response.IsSuccessStatusCode)
            {
                return SendResult.Permanent($"gateway refused with {(int)response.StatusCode}");
            }

            try
            {
                var answer = await response.Content.ReadFromJsonAsync<WebhookAnswer>(Json, timeout.Token);
                return answer?.MessageId is { Length: > 0 and <= 128 } id
                    ? new SendResult(SendOutcome.Accepted, id, null)
                    : SendResult.Transient("gateway answered without a messageId");
            }
            catch (Exception ex) when (ex is JsonException or NotSupportedException)
            {
                return SendResult.Transient("gateway answered garbage");
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return SendResult.Transient($"gateway timed out after {_settings.Timeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException ex)
        {
            return SendResult.Transient("gateway unreachable: " + ex.Message);
        }
    }

    public void Dispose() => _rate.Dispose();
}

/// <summary>The webhook's request body.</summary>
public sealed record WebhookMessage(string IdempotencyKey, string Channel, string To, string Language, string Text, string Alert, bool Exercise);

/// <summary>The webhook's answer.</summary>
public sealed record WebhookAnswer(string? MessageId);

/// <summary>A batch of receipts a gateway posts to <c>/api/v1/gateways/{name}/receipts</c>.</summary>
public sealed record ReceiptBatch(IReadOnlyList<Receipt>? Receipts);

/// <summary>One receipt: which message (our idempotency key), and whether it arrived.</summary>
public sealed record Receipt(string? IdempotencyKey, string? MessageId, string? Status, string? Reason);
