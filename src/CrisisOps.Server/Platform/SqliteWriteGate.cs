using CrisisOps.Data;

namespace CrisisOps.Server.Platform;

/// <summary>
/// One writer at a time on SQLite, queued in process. SQLite lets one transaction write at a time
/// anyway; without this, a second writer's <c>BEGIN IMMEDIATE</c> meets <c>SQLITE_BUSY</c> and
/// Microsoft.Data.Sqlite retries it after sleeping 150 ms, so under concurrent ingest a batch could
/// lose the race several times while the lock sat idle. Here waiters are served first come, first
/// served, except that a <c>priority</c> waiter (the risk assessment round, whose delay is the
/// decision latency) goes ahead of the ordinary ones. On PostgreSQL the gate is open: rows and the
/// journal-order lock decide there.
/// </summary>
public sealed class SqliteWriteGate
{
    private readonly bool _enabled;
    private readonly Lock _lock = new();
    private readonly LinkedList<TaskCompletionSource<IDisposable>> _priority = [];
    private readonly LinkedList<TaskCompletionSource<IDisposable>> _ordinary = [];
    private bool _held;

    public SqliteWriteGate(IConfiguration configuration) => _enabled = Storage.Resolve(configuration).Provider == DatabaseProvider.Sqlite;

    /// <summary>Waits for the gate; dispose the result to pass it on. Completes at once on PostgreSQL.</summary>
    public Task<IDisposable> EnterAsync(bool priority, CancellationToken ct)
    {
        if (!_enabled)
        {
            return Task.FromResult<IDisposable>(Open.Instance);
        }

        TaskCompletionSource<IDisposable> waiter;
        LinkedListNode<TaskCompletionSource<IDisposable>> node;
        lock (_lock)
        {
            if (!_held)
            {
                _held = true;
                return Task.FromResult<IDisposable>(new Pass(this));
            }

            waiter = new TaskCompletionSource<IDisposable>(TaskCreationOptions.RunContinuationsAsynchronously);
            node = (priority ? _priority : _ordinary).AddLast(waiter);
        }

        if (ct.CanBeCanceled)
        {
            // A waiter that gives up leaves the queue; one that was already handed the gate keeps it and passes it on.
            var registration = ct.Register(() =>
            {
                lock (_lock)
                {
                    if (node.List is null)
                    {
                        return;
                    }

                    node.List.Remove(node);
                }

                waiter.TrySetCanceled(ct);
            });
            _ = waiter.Task.ContinueWith(_ => registration.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }

        return waiter.Task;
    }

    private void Release()
    {
        TaskCompletionSource<IDisposable>? next;
        lock (_lock)
        {
            var queue = _priority.Count > 0 ? _priority : _ordinary;
            next = queue.First?.Value;
            if (next is null)
            {
                _held = false;
                return;
            }

            queue.RemoveFirst();
        }

        next.SetResult(new Pass(this));
    }

    private sealed class Pass(SqliteWriteGate gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }

    private sealed class Open : IDisposable
    {
        public static readonly Open Instance = new();

        public void Dispose()
        {
        }
    }
}
