namespace CrisisOps.Server.Features.Warning;

/// <summary>
/// Drains the <see cref="RiskQueue"/> in the background: at once when something commits in this
/// replica, and on a timer from the injected clock (<c>Risk:PollInterval</c>, default 5 s) so that
/// marks committed by other replicas, or left behind by a crash, are picked up too.
/// </summary>
public sealed partial class RiskAssessmentWorker(RiskQueue queue, TimeProvider clock, IConfiguration configuration,
    ILogger<RiskAssessmentWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = configuration.GetValue("Risk:PollInterval", TimeSpan.FromSeconds(5));
        Task? commit = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            var failed = false;
            try
            {
                await queue.DrainAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The marks stay in the table; nothing is lost. Wait a full interval rather than spin on every commit.
                LogRoundFailed(logger, ex);
                failed = true;
            }

            using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var tick = Task.Delay(interval, clock, wait.Token);
            commit ??= queue.WaitForCommitAsync(stoppingToken);
            if (!failed && await Task.WhenAny(commit, tick) == commit)
            {
                commit = null;
            }
            else
            {
                await tick;
            }

            await wait.CancelAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Risk assessment round failed; the regions stay queued and are retried")]
    private static partial void LogRoundFailed(ILogger logger, Exception ex);
}
