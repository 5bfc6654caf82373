using CrisisOps.Data;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Platform;

/// <summary>
/// Runs a unit of work that reads rows guarded by a concurrency token (a stock balance, a need), changes them
/// and saves in one transaction. When another writer saved the same rows first, the save fails and the whole
/// unit runs again in a fresh context on fresh numbers: rules such as "never below zero" or "never more than
/// remains" are checked on what is really there, without holding locks across reads.
/// </summary>
public sealed class UnitOfWork(IDbContextFactory<CrisisOpsDbContext> factory, SqliteWriteGate gate)
{
    /// <summary>Enough for hundreds of writers on one row at once; each attempt reads again.</summary>
    public const int MaxAttempts = 200;

    /// <summary>
    /// A unique-key clash (a balance row another writer created first) is a race too, but one that settles at
    /// once; a few attempts tell it from a real duplicate, which then surfaces.
    /// </summary>
    private const int MaxUniqueClashAttempts = 5;

    private long _retries;

    /// <summary>How many lost races were run again since start (benchmarks report it).</summary>
    public long Retries => Interlocked.Read(ref _retries);

    /// <exception cref="DbUpdateConcurrencyException">After <see cref="MaxAttempts"/> lost races (409 concurrent-change).</exception>
    public async Task<T> RunAsync<T>(Func<CrisisOpsDbContext, Task<T>> work, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(work);
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await factory.CreateDbContextAsync(ct);
            var result = await work(db);
            try
            {
                using (await gate.EnterAsync(priority: false, ct))
                {
                    await db.SaveChangesAsync(ct);
                }

                return result;
            }
            catch (DbUpdateConcurrencyException) when (attempt < MaxAttempts)
            {
                await BackOffAsync(attempt, ct);
            }
            catch (DbUpdateException ex) when (ex is not DbUpdateConcurrencyException && attempt < MaxUniqueClashAttempts)
            {
                await BackOffAsync(attempt, ct);
            }
        }
    }

    /// <summary>A short random pause, so the losers of a race do not collide again in lockstep.</summary>
    private Task BackOffAsync(int attempt, CancellationToken ct)
    {
        Interlocked.Increment(ref _retries);
        return Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5 + (Math.Min(attempt, 20) * 3))), ct);
    }
}
