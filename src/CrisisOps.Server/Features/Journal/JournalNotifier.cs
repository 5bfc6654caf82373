using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CrisisOps.Server.Features.Journal;

/// <summary>
/// Tells live readers (the SSE feed, later the console) that the journal grew. Subscribers get an
/// <see cref="IDisposable"/> and read the new rows from the database themselves, so a wake-up
/// carries no data and a missed one costs nothing but a moment.
/// </summary>
public sealed class JournalNotifier
{
    private readonly Lock _lock = new();
    private readonly List<(Action Callback, ExecutionContext? Context)> _subscribers = [];

    /// <summary>
    /// Calls <paramref name="onAppended"/> after each committed save. The callback runs in the
    /// subscriber's own execution context (its culture above all), not the writer's: a console page
    /// in English stays in English when a request in another language wakes it.
    /// </summary>
    public IDisposable Subscribe(Action onAppended)
    {
        lock (_lock)
        {
            _subscribers.Add((onAppended, ExecutionContext.Capture()));
        }

        return new Subscription(this, onAppended);
    }

    public void Notify()
    {
        (Action Callback, ExecutionContext? Context)[] subscribers;
        lock (_lock)
        {
            subscribers = [.. _subscribers];
        }

        foreach (var (callback, context) in subscribers)
        {
            if (context is null)
            {
                callback();
            }
            else
            {
                ExecutionContext.Run(context, static state => ((Action)state!)(), callback);
            }
        }
    }

    private void Unsubscribe(Action onAppended)
    {
        lock (_lock)
        {
            _subscribers.RemoveAll(s => s.Callback == onAppended);
        }
    }

    private sealed class Subscription(JournalNotifier owner, Action callback) : IDisposable
    {
        public void Dispose() => owner.Unsubscribe(callback);
    }
}

/// <summary>
/// Wakes live readers after every commit. Every save runs in a transaction (the context sets
/// AutoTransactionBehavior.Always), and bulk ingest commits its own, so the commit is the one moment
/// to notify. Readers query for rows past their position, so a wake-up without new journal rows
/// costs one cheap query and nothing else.
/// </summary>
public sealed class JournalSaveInterceptor(JournalNotifier notifier) : DbTransactionInterceptor
{
    public override void TransactionCommitted(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData) => notifier.Notify();

    public override Task TransactionCommittedAsync(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData,
        CancellationToken cancellationToken = default)
    {
        notifier.Notify();
        return Task.CompletedTask;
    }
}
