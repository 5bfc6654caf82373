using CrisisOps.Domain.Alerts.Delivery;

namespace CrisisOps.Server.Features.Alerts.Delivery.Gateways;

/// <summary>
/// The configured gateways by name, and which one carries each channel. The loopback gateway, when enabled,
/// is started here (so it stops with the host) and carries every channel no other gateway routes.
/// </summary>
public sealed class GatewayRegistry : IHostedService, IAsyncDisposable
{
    private readonly Dictionary<string, IDeliveryGateway> _gateways = new(StringComparer.Ordinal);
    private readonly DeliverySettings _settings;
    private readonly IHttpClientFactory _http;
    private readonly List<HttpClient> _clients = [];

    public GatewayRegistry(DeliverySettings settings, IHttpClientFactory http)
    {
        _settings = settings;
        _http = http;
        foreach (var webhook in settings.Webhooks)
        {
            _gateways[webhook.Name] = new WebhookGateway(NewClient(), webhook);
        }

        foreach (var smtp in settings.SmtpGateways)
        {
            _gateways[smtp.Name] = new SmtpGateway(smtp);
        }

    }

    /// <summary>The loopback gateway when <c>Delivery:Loopback:Enabled</c>; started with the host.</summary>
    public LoopbackGateway? Loopback { get; private set; }

    public IDeliveryGateway? For(DeliveryChannel channel) =>
        _settings.Routes.TryGetValue(channel, out var name) && _gateways.TryGetValue(name, out var gateway) ? gateway : null;

    public IDeliveryGateway? Named(string name) => _gateways.GetValueOrDefault(name);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!_settings.Loopback.Enabled || Loopback is not null)
        {
            return;
        }

        var loopback = new LoopbackGateway(_settings.Loopback);
        await loopback.StartAsync(cancellationToken);
        if (_settings.Loopback.ReceiptsBaseUrl is { } baseUrl)
        {
            var client = _http.CreateClient("delivery-loopback-receipts");
            client.BaseAddress = baseUrl;
            loopback.ReceiptClient = () => client;
        }

        Loopback = loopback;
        _gateways[_settings.Loopback.Name] = new WebhookGateway(NewClient(),
            new WebhookSettings(_settings.Loopback.Name, loopback.Url!, null, _settings.Loopback.ReceiptSecret, TimeSpan.FromSeconds(10), 2,
                TimeSpan.FromMilliseconds(50), 1_000_000, MaxBatch: 100));
    }

    // One long-lived client per gateway, without the factory's per-request log lines (tens of thousands in a
    // fan-out); pooled connections are recycled so a gateway's DNS change is picked up.
    private HttpClient NewClient()
    {
        var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = Timeout.InfiniteTimeSpan, // each hand-off has its own timeout (Delivery:Gateways:<name>:Timeout)
        };
        _clients.Add(client);
        return client;
    }

    /// <summary>Points the loopback gateway's receipts at this server once it listens (the host knows its address only then).</summary>
    public void ReceiptsTo(Func<HttpClient> client)
    {
        if (Loopback is not null && Loopback.ReceiptClient is null)
        {
            Loopback.ReceiptClient = client;
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Loopback is not null)
        {
            await Loopback.DisposeAsync();
            Loopback = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        foreach (var gateway in _gateways.Values.OfType<IDisposable>())
        {
            gateway.Dispose();
        }

        foreach (var client in _clients)
        {
            client.Dispose();
        }
    }
}
