namespace CrisisOps.Server.Features.Warning;

/// <summary>
/// Every 5 minutes by default (on the injected clock) queues every region with inputs for assessment
/// (<see cref="RiskQueue.MarkAllWithInputsAsync"/>): tiers fall when readings stop arriving or warnings
/// expire, and nothing missed stays missed. The worker's rounds assess them like any other marks, so
/// the sweep never writes tiers beside the queue.
/// </summary>
public sealed partial class RiskSweep(RiskQueue queue, TimeProvider clock, IConfiguration configuration, ILogger<RiskSweep> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = configuration.GetValue("Risk:SweepInterval", TimeSpan.FromMinutes(5));
        using var timer = new PeriodicTimer(interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await queue.MarkAllWithInputsAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogSweepFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Risk sweep failed; retrying on the next tick")]
    private static partial void LogSweepFailed(ILogger logger, Exception ex);
}
