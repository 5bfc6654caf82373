namespace CrisisOps.Server.Features.Warning;

/// <summary>
/// Re-assesses every region with stations on a timer from the injected clock (default every
/// 5 minutes): tiers fall when readings stop arriving, and an assessment that failed after an
/// ingest is redone.
/// </summary>
public sealed partial class RiskSweep(RiskEvaluator evaluator, TimeProvider clock, IConfiguration configuration, ILogger<RiskSweep> logger)
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
                await evaluator.EvaluateAllAsync(stoppingToken);
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
