using System.Text.Json;
using CrisisOps.Data;
using CrisisOps.Domain.Alerts.Delivery;

namespace CrisisOps.Server.Features.Alerts.Delivery;

/// <summary>
/// The hand-off from a release to delivery: the fan-out job joins the caller's unit of work (so the release
/// and its delivery commit together), and <see cref="Wake"/> starts the workers at once.
/// </summary>
public sealed class DeliveryFanOut(DeliverySignal signal) : IAlertFanOut
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public void Enqueue(CrisisOpsDbContext db, AlertToDeliver alert, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(alert);
        if (alert.RegionCodes.Count == 0 && alert.Polygons.Count == 0)
        {
            throw new Domain.DomainException("alert-without-area", "An alert to deliver needs regions or polygons.");
        }

        if (alert.Messages.Count == 0)
        {
            throw new Domain.DomainException("alert-without-info", "An alert to deliver needs its text in at least one language.");
        }

        // Polygons are checked now, so a bad one fails the release, not the worker later.
        _ = AlertArea.Of(alert.Polygons);
        db.FanOutJobs.Add(new FanOutJob(alert.AlertId, alert.Identifier, alert.Tier.ToString(), alert.RegionCodes, alert.Polygons,
            alert.IsExercise, JsonSerializer.Serialize(alert.Messages, Json), now));
    }

    public void Wake() => signal.Wake();

    internal static IReadOnlyList<AlertMessage> Messages(FanOutJob job) =>
        JsonSerializer.Deserialize<List<AlertMessage>>(job.MessagesJson, Json) ?? [];
}

/// <summary>Wakes the delivery worker in this process (fan-out enqueued, receipts with failures, escalations).</summary>
public sealed class DeliverySignal
{
    private readonly SemaphoreSlim _work = new(0);

    public void Wake()
    {
        if (_work.CurrentCount == 0)
        {
            _work.Release();
        }
    }

    public async Task WaitAsync(TimeSpan timeout, TimeProvider clock, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var delay = Task.Delay(timeout, clock, limit.Token);
        var wake = _work.WaitAsync(limit.Token);
        await Task.WhenAny(delay, wake);
        await limit.CancelAsync();
        try
        {
            await Task.WhenAll(delay, wake);
        }
        catch (OperationCanceledException)
        {
            // One of them was cut short on purpose.
        }

        if (wake.IsCompletedSuccessfully)
        {
            return;
        }
    }
}
