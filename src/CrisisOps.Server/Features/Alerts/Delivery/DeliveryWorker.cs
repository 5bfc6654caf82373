namespace CrisisOps.Server.Features.Alerts.Delivery;

/// <summary>Expands fan-out jobs and sends due deliveries; woken by <see cref="DeliverySignal"/>, else polls on the injected clock.</summary>
public sealed partial class DeliveryWorker(DeliveryEngine engine, DeliverySignal signal, DeliverySettings settings, TimeProvider clock,
    ILogger<DeliveryWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var did = 0;
            try
            {
                did = await engine.RunOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Jobs and deliveries are durable: a failed round is taken up again on the next one.
                LogRoundFailed(logger, ex);
            }

            if (did == 0)
            {
                await signal.WaitAsync(settings.PollInterval, clock, stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivery round failed; retrying")]
    private static partial void LogRoundFailed(ILogger logger, Exception ex);
}

/// <summary>One round of delivery work: a batch of fan-out, then a batch of sending.</summary>
public sealed class DeliveryEngine(FanOutExpander expander, DeliverySender sender)
{
    public async Task<int> RunOnceAsync(CancellationToken ct) =>
        await expander.ExpandOnceAsync(ct) + await sender.SendOnceAsync(ct);

    /// <summary>Rounds until nothing is due now (tests, the benchmark).</summary>
    public async Task<int> RunUntilIdleAsync(CancellationToken ct)
    {
        var total = 0;
        int did;
        while ((did = await RunOnceAsync(ct)) > 0)
        {
            total += did;
        }

        return total;
    }
}
