using CrisisOps.Data;
using CrisisOps.Server.Features.Journal;
using CrisisOps.Server.Platform;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Warning;

/// <summary>
/// The durable queue of regions whose risk must be assessed again (<c>risk_queue</c>). Whatever
/// stores inputs marks their regions in the same transaction (<see cref="MarkAsync"/>); a round
/// takes every marked region, assesses them all in one <see cref="RiskEvaluator.EvaluateAsync"/>
/// call and removes the marks it covered. Many batches arriving while a round runs cost one more
/// round, not one each; a mark made during a round survives it; marks left by a crash are found
/// by the next round, in this replica or another. See docs/adr/0003-risk-assessment-queue.md.
/// </summary>
public sealed class RiskQueue : IDisposable
{
    /// <summary>Regions per round: bounds one round's memory and time; the rest wait for the next round.</summary>
    public const int RegionsPerRound = 1000;

    private readonly IDbContextFactory<CrisisOpsDbContext> _factory;
    private readonly RiskEvaluator _evaluator;
    private readonly SqliteWriteGate _gate;
    private readonly IDisposable _subscription;
    private readonly SemaphoreSlim _work = new(0);

    /// <summary>One round at a time in this process (the worker, and a drain called by hand).</summary>
    private readonly SemaphoreSlim _oneRound = new(1, 1);
    private readonly Lock _lock = new();
    private long _commits;
    private long _covered;
    private bool _failing;
    private long _rounds;
    private long _roundTicks;
    private TaskCompletionSource _roundDone = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>How long a writer that waits for its assessment (<see cref="WaitForAssessmentAsync"/>) waits at most.</summary>
    private static readonly TimeSpan AssessmentWait = TimeSpan.FromSeconds(10);

    private readonly TimeProvider _clock;

    // Without a worker in this process there is no round to wait for (tests drain the queue themselves).
    private readonly bool _writersWait;

    public RiskQueue(IDbContextFactory<CrisisOpsDbContext> factory, RiskEvaluator evaluator, SqliteWriteGate gate, JournalNotifier notifier,
        TimeProvider clock, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(notifier);
        _factory = factory;
        _evaluator = evaluator;
        _gate = gate;
        _clock = clock;
        _writersWait = configuration.GetValue("Risk:IngestWaitsForAssessment", true) && configuration.GetValue("Risk:AssessInBackground", true);

        // Every commit in this replica may have marked regions: count it (for WaitCoveredAsync) and wake the worker.
        // Marks committed by other replicas are found by the worker's polling. Subscribed without the execution
        // context of whichever request first needed the queue, which the callback must not keep alive.
        using (ExecutionContext.SuppressFlow())
        {
            _subscription = notifier.Subscribe(() =>
            {
                Interlocked.Increment(ref _commits);
                if (_work.CurrentCount == 0)
                {
                    _work.Release();
                }
            });
        }
    }

    /// <summary>
    /// Marks regions as needing assessment, inside the caller's open transaction, so the mark commits
    /// (or rolls back) with the inputs that caused it.
    /// </summary>
    /// <exception cref="InvalidOperationException">No transaction is open on <paramref name="db"/>.</exception>
    public static async Task MarkAsync(CrisisOpsDbContext db, IEnumerable<string> regionCodes, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(regionCodes);
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("Regions are marked in the transaction that stores their inputs; none is open.");
        }

        // Sorted, so concurrent writers lock the rows in the same order (PostgreSQL); one row per region.
        var codes = regionCodes.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (codes.Count == 0)
        {
            return;
        }

        var values = new List<object> { db.Database.IsSqlite() ? CrisisOpsDbContext.SqliteTime(now) : now.ToUniversalTime() };
        var rows = new List<string>(codes.Count);
        foreach (var code in codes)
        {
            rows.Add(FormattableString.Invariant($"({{{values.Count}}}, {{0}}, 1)"));
            values.Add(code);
        }

        // The same upsert on both databases: a new mark starts at 1, a repeated one counts up and keeps its first time.
        var sql = $"""
            INSERT INTO risk_queue ("RegionCode", "DirtySince", "Marks") VALUES {string.Join(", ", rows)}
            ON CONFLICT ("RegionCode") DO UPDATE SET "Marks" = risk_queue."Marks" + 1
            """;
        await db.Database.ExecuteSqlRawAsync(sql, values, ct);
    }

    /// <summary>
    /// Saves <paramref name="db"/>'s changes and marks the regions in one transaction: for writers of
    /// risk inputs (records, opinion counts, official warnings, tier decisions) that have no transaction
    /// of their own. The journal-order lock comes first, as in every writer, then the queue rows.
    /// </summary>
    public static async Task SaveAndMarkAsync(CrisisOpsDbContext db, IEnumerable<string> regionCodes, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await PostgresJournalOrder.TakeAsync(db, ct);
        await MarkAsync(db, regionCodes, now, ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
    }

    /// <summary>
    /// Marks every region with inputs (<see cref="RiskEvaluator.RegionsWithInputsAsync(CrisisOpsDbContext, CancellationToken)"/>):
    /// the periodic sweep, which the worker's rounds then assess like any other marks. Returns how many.
    /// </summary>
    public async Task<int> MarkAllWithInputsAsync(CancellationToken ct)
    {
        await using var db = await _factory.CreateDbContextAsync(ct);
        var regions = await _evaluator.RegionsWithInputsAsync(db, ct);
        using (await _gate.EnterAsync(priority: false, ct))
        {
            await SaveAndMarkAsync(db, regions, _clock.GetUtcNow(), ct);
        }

        return regions.Count;
    }

    /// <summary>
    /// After a commit that marked regions: waits (at most 10 s) until a round has covered it, so the
    /// answer reflects the new tiers (read-your-writes). Group commit: every writer waiting now is
    /// covered by the same next round. Returns at once when <c>Risk:IngestWaitsForAssessment</c> is off
    /// or no worker runs in this process; on time-out the marks stay queued and the tier follows.
    /// </summary>
    public async Task WaitForAssessmentAsync(CancellationToken ct)
    {
        if (!_writersWait)
        {
            return;
        }

        var ticket = Ticket();
        using var limit = new CancellationTokenSource(AssessmentWait, _clock);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct, limit.Token);
        try
        {
            await WaitCoveredAsync(ticket, bounded.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // Stored and queued; the tier follows when the worker gets to it.
        }
    }

    /// <summary>Rounds this replica has completed that covered at least one region (for monitoring and the load driver).</summary>
    public long Rounds => Interlocked.Read(ref _rounds);

    /// <summary>Time those rounds took, from taking the marks to the commit.</summary>
    public TimeSpan RoundTime => TimeSpan.FromTicks(Interlocked.Read(ref _roundTicks));

    /// <summary>A ticket for <see cref="WaitCoveredAsync"/>: take it after the commit that marked regions.</summary>
    public long Ticket() => Volatile.Read(ref _commits);

    /// <summary>Completes when something has committed in this replica since the last call consumed a wake-up.</summary>
    public Task WaitForCommitAsync(CancellationToken ct) => _work.WaitAsync(ct);

    /// <summary>
    /// Waits until a round that started after the commit behind <paramref name="ticket"/> has ended
    /// in this replica, so the tiers reflect what that commit stored. Returns at once while rounds
    /// fail: a broken assessment must not hold up storing readings; their marks wait in the table.
    /// </summary>
    public async Task WaitCoveredAsync(long ticket, CancellationToken ct)
    {
        while (true)
        {
            Task done;
            lock (_lock)
            {
                if (_covered >= ticket || _failing)
                {
                    return;
                }

                done = _roundDone.Task;
            }

            await done.WaitAsync(ct);
        }
    }

    /// <summary>Runs rounds until the queue is empty; returns how many region marks were covered.</summary>
    public async Task<int> DrainAsync(CancellationToken ct)
    {
        var covered = 0;
        while (true)
        {
            var round = await RunRoundAsync(ct);
            if (round == 0)
            {
                return covered;
            }

            covered += round;
        }
    }

    /// <summary>
    /// One round: takes the marked regions (oldest first, at most <see cref="RegionsPerRound"/>),
    /// assesses them together and removes the marks it read, unless they were marked again meanwhile.
    /// Returns how many regions it took (0: the queue was empty).
    /// </summary>
    public async Task<int> RunRoundAsync(CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        Round round;
        await _oneRound.WaitAsync(ct);
        try
        {
            // Rounds run one at a time across replicas too: two rounds assessing the same region from readings read at
            // different moments could commit in the other order, and the older assessment's tier would overwrite the
            // newer one after the newer round had removed the mark (a lost update the marks alone cannot see).
            await using var exclusive = await RoundLock.EnterAsync(_factory, ct);
            round = await TakeAsync(ct);
            await CompleteAsync(round, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Ended(covered: null);
            throw;
        }
        finally
        {
            _oneRound.Release();
        }

        if (round.Regions.Count > 0)
        {
            Interlocked.Add(ref _roundTicks, System.Diagnostics.Stopwatch.GetElapsedTime(started).Ticks);
        }

        return round.Regions.Count;
    }

    /// <summary>The first half of a round: what is marked now, and the marks as read.</summary>
    internal async Task<Round> TakeAsync(CancellationToken ct)
    {
        // Read before the queue: every commit counted up to here is in the table the query below sees.
        var started = Volatile.Read(ref _commits);
        await using var db = await _factory.CreateDbContextAsync(ct);
        var regions = await db.RiskQueue.AsNoTracking().OrderBy(e => e.DirtySince).Take(RegionsPerRound)
            .Select(e => new QueuedRegion(e.RegionCode, e.Marks)).ToListAsync(ct);
        return new Round(started, regions);
    }

    /// <summary>
    /// The second half: assess, and in the same transaction remove each mark that is still as it was
    /// read. Only that transaction holds the SQLite writer gate (ahead of waiting ingests); the
    /// assessment's reads run beside them.
    /// </summary>
    internal async Task CompleteAsync(Round round, CancellationToken ct)
    {
        if (round.Regions.Count > 0)
        {
            await _evaluator.EvaluateAsync([.. round.Regions.Select(r => r.RegionCode)], async (db, token) =>
            {
                using (await _gate.EnterAsync(priority: true, token))
                {
                    await using var relaxed = await SqliteRelaxedCommit.EnterAsync(db, token);
                    await using var transaction = await db.Database.BeginTransactionAsync(token);
                    await db.SaveChangesAsync(token);
                    foreach (var (code, marks) in round.Regions.OrderBy(r => r.RegionCode, StringComparer.Ordinal))
                    {
                        await db.RiskQueue.Where(e => e.RegionCode == code && e.Marks == marks).ExecuteDeleteAsync(token);
                    }

                    await transaction.CommitAsync(token);
                }
            }, ct);
            Interlocked.Increment(ref _rounds);
        }

        Ended(round.StartedAfterCommit);
    }

    /// <summary>Wakes the requests waiting for a round: covered up to the given commit, or (null) the round failed.</summary>
    private void Ended(long? covered)
    {
        TaskCompletionSource done;
        lock (_lock)
        {
            _failing = covered is null;
            _covered = Math.Max(_covered, covered ?? 0);
            done = _roundDone;
            _roundDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        done.SetResult();
    }

    internal sealed record QueuedRegion(string RegionCode, long Marks);

    internal sealed record Round(long StartedAfterCommit, IReadOnlyList<QueuedRegion> Regions);

    public void Dispose()
    {
        _subscription.Dispose();
        _work.Dispose();
        _oneRound.Dispose();
    }
}

/// <summary>
/// On SQLite, lets one unit of work commit without waiting for the disk (<c>synchronous=NORMAL</c> in WAL
/// mode): the commit is atomic and survives the process dying, and only a power cut or OS crash before the
/// next synchronous commit can lose it. The risk round uses it because what it writes is derived: its
/// inputs and the marks it removes commit together, so a lost round puts the marks back and the next
/// round assesses again. The connection is set back to the server's <c>synchronous=FULL</c> afterwards,
/// or dropped from the pool if that fails, so no other writer ever inherits it.
/// </summary>
internal sealed class SqliteRelaxedCommit : IAsyncDisposable
{
    private readonly CrisisOpsDbContext? _db;

    private SqliteRelaxedCommit(CrisisOpsDbContext? db) => _db = db;

    public static async Task<SqliteRelaxedCommit> EnterAsync(CrisisOpsDbContext db, CancellationToken ct)
    {
        if (!db.Database.IsSqlite())
        {
            return new SqliteRelaxedCommit(null);
        }

        await db.Database.OpenConnectionAsync(ct);
        await db.Database.ExecuteSqlRawAsync("PRAGMA synchronous = NORMAL;", ct);
        return new SqliteRelaxedCommit(db);
    }

    public async ValueTask DisposeAsync()
    {
        if (_db is null)
        {
            return;
        }

        try
        {
            await _db.Database.ExecuteSqlRawAsync("PRAGMA synchronous = FULL;");
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearPool((Microsoft.Data.Sqlite.SqliteConnection)_db.Database.GetDbConnection());
        }
        finally
        {
            await _db.Database.CloseConnectionAsync();
        }
    }
}

/// <summary>
/// The cross-replica side of "one round at a time": on PostgreSQL a session advisory lock held on its own connection
/// for the whole round (reads included, which a transaction-scoped lock taken at the write would not cover); on SQLite,
/// where every replica is this one process, nothing.
/// </summary>
internal sealed class RoundLock : IAsyncDisposable
{
    /// <summary>Arbitrary, fixed key ("RISKRD").</summary>
    private const long Key = 0x52_49_53_4B_52_44;

    private readonly CrisisOpsDbContext? _db;

    private RoundLock(CrisisOpsDbContext? db) => _db = db;

    public static async Task<RoundLock> EnterAsync(IDbContextFactory<CrisisOpsDbContext> factory, CancellationToken ct)
    {
        var db = await factory.CreateDbContextAsync(ct);
        if (!db.Database.IsNpgsql())
        {
            await db.DisposeAsync();
            return new RoundLock(null);
        }

        try
        {
            await db.Database.OpenConnectionAsync(ct);
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({Key})", ct);
            return new RoundLock(db);
        }
        catch
        {
            await db.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_db is null)
        {
            return;
        }

        try
        {
            await _db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({Key})", CancellationToken.None);
        }
        finally
        {
            // Closing the session releases the lock as well, should the unlock itself fail.
            await _db.Database.CloseConnectionAsync();
            await _db.DisposeAsync();
        }
    }
}
