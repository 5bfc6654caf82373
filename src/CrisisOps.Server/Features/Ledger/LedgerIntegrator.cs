using CrisisOps.Data;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Ledger;
using CrisisOps.Server.Platform;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Ledger;

/// <summary>What one integration did: entries put in the tree and the checkpoint signed over them.</summary>
public sealed record IntegrationResult(int Integrated, long PreviousSize, long Size)
{
    public static IntegrationResult Nothing(long size) => new(0, size, size);
}

/// <summary>
/// Moves accepted entries from the durable queue (<c>ledger_entries</c>) into the tree: reads the entries after the
/// last integrated one in acceptance order, gives them the next leaf indexes, and writes the leaves, the changed tiles
/// and a new signed checkpoint in ONE transaction that also journals <c>ledger.checkpoint</c>. Nothing is integrated
/// twice (the leaves' entry ids are unique, and the claim below lets one integrator work at a time) and nothing is
/// lost across a restart (the queue is the table; the next run starts after the last leaf).
/// </summary>
/// <remarks>
/// One integrator across replicas: on PostgreSQL the transaction first tries a transaction-scoped advisory lock of
/// its own (<see cref="LockKey"/>) and a replica that does not get it leaves the round to the one that did; on
/// SQLite the write gate and <c>BEGIN IMMEDIATE</c> serialise it. Reading "after the last integrated id" is safe
/// because every append of an entry takes <see cref="PostgresJournalOrder"/>'s lock first, so entries commit in id
/// order (on SQLite writers are serial anyway): a later id never becomes visible before an earlier one.
/// </remarks>
public sealed partial class LedgerIntegrator(IDbContextFactory<CrisisOpsDbContext> factory, LedgerTree tree, LedgerSettings settings,
    SqliteWriteGate gate, TimeProvider clock, ILogger<LedgerIntegrator> logger)
{
    /// <summary>Arbitrary, fixed key of the advisory lock that lets one replica integrate at a time ("LEDGER").</summary>
    public const long LockKey = 0x4C_45_44_47_45_52;

    private readonly SemaphoreSlim _one = new(1, 1);
    private long _lastEntryId = -1;
    private TimeSpan _lastDuration;
    private string? _refusal;

    /// <summary>Signs the size-0 checkpoint on the first start (so one always exists) and loads the tree from the tiles.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        await _one.WaitAsync(ct);
        try
        {
            await IntegrateBatchAsync(genesisOnly: true, ct);
        }
        finally
        {
            _one.Release();
        }

        await tree.EnsureSizeAsync(long.MaxValue, ct);
        LogStarted(logger, tree.Size, settings.VerifierKey.ToString(), settings.KeySource);
    }

    /// <summary>Integrates everything accepted so far, in batches of at most <c>Ledger:MaxBatch</c>; returns what the last batch did.</summary>
    public async Task<IntegrationResult> IntegrateNowAsync(CancellationToken ct)
    {
        await _one.WaitAsync(ct);
        try
        {
            var started = clock.GetTimestamp();
            var first = await IntegrateBatchAsync(genesisOnly: false, ct);
            var last = first;
            while (last.Integrated == settings.MaxBatch)
            {
                last = await IntegrateBatchAsync(genesisOnly: false, ct);
            }

            _lastDuration = clock.GetElapsedTime(started);
            return first with { Integrated = (int)Math.Min(int.MaxValue, last.Size - first.PreviousSize), Size = last.Size };
        }
        finally
        {
            _one.Release();
        }
    }

    /// <summary>
    /// The worker's check: integrates once the oldest waiting entry has waited half the stated delay, less a poll period
    /// and the last integration's duration. Aiming at half leaves the other half for what cannot be foreseen — a round
    /// that takes longer than the last (a bigger batch, a WAL checkpoint or fsync stall in its commit) and the entries
    /// committed while it runs, which wait for it and then for the next one. Aiming at the whole interval less a margin
    /// missed the stated second for about 5 % of entries under a steady 47,000 appends/s (bench/README.md, "Ledger").
    /// Under steady load that makes about two checkpoints per interval; with nothing waiting, none.
    /// </summary>
    public async Task<bool> IntegrateIfDueAsync(CancellationToken ct)
    {
        DateTimeOffset? oldest;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            var after = Interlocked.Read(ref _lastEntryId);
            oldest = await db.LedgerEntries.AsNoTracking().Where(e => e.Id > after).OrderBy(e => e.Id)
                .Select(e => (DateTimeOffset?)e.AcceptedAt).FirstOrDefaultAsync(ct);
        }

        if (oldest is null)
        {
            return false;
        }

        var due = (settings.IntegrationInterval / 2) - settings.PollPeriod - _lastDuration;
        if (clock.GetUtcNow() - oldest.Value < due)
        {
            return false;
        }

        await IntegrateNowAsync(ct);
        return true;
    }

    private async Task<IntegrationResult> IntegrateBatchAsync(bool genesisOnly, CancellationToken ct)
    {
        // The integration delay is what the public waits for, so it goes ahead of ordinary writers at the SQLite gate.
        using var pass = await gate.EnterAsync(priority: true, ct);
        using var turn = await tree.EnterWriterAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (db.Database.IsNpgsql()
            && !await db.Database.SqlQuery<bool>($"SELECT pg_try_advisory_xact_lock({LockKey}) AS \"Value\"").SingleAsync(ct))
        {
            return IntegrationResult.Nothing(tree.Size); // another replica is integrating right now
        }

        var latest = await db.LedgerCheckpoints.AsNoTracking().OrderByDescending(c => c.Size).FirstOrDefaultAsync(ct);
        var now = clock.GetUtcNow();
        if (latest is null)
        {
            // First start: the empty tree's checkpoint, so /checkpoint always answers and the key is bound to the log from the start.
            Sign(db, 0, MerkleHash.Empty(), now, previousSize: 0, entries: 0);
            await PostgresJournalOrder.TakeAsync(db, ct);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            Interlocked.Exchange(ref _lastEntryId, 0);
            LogGenesis(logger, settings.Origin);
            return IntegrationResult.Nothing(0);
        }

        await tree.CatchUpAsync(db, ct);
        if (Refuse(latest) is { } refusal)
        {
            if (!string.Equals(refusal, _refusal, StringComparison.Ordinal))
            {
                LogRefused(logger, refusal);
            }

            _refusal = refusal;
            return IntegrationResult.Nothing(latest.Size);
        }

        _refusal = null;
        var lastEntryId = latest.Size == 0 ? 0 : await db.LedgerLeaves.MaxAsync(l => l.EntryId, ct);
        Interlocked.Exchange(ref _lastEntryId, lastEntryId);
        if (genesisOnly)
        {
            return IntegrationResult.Nothing(latest.Size);
        }

        var batch = await db.LedgerEntries.AsNoTracking().Where(e => e.Id > lastEntryId).OrderBy(e => e.Id).Take(settings.MaxBatch)
            .Select(e => new QueuedEntry(e.Id, e.LeafHash, e.NeedNumber, e.WarehouseCode, e.Party, e.Kind == LedgerEntryKinds.Transfer ? e.Body : null))
            .ToListAsync(ct);
        if (batch.Count == 0)
        {
            return IntegrationResult.Nothing(latest.Size);
        }

        var levels = tree.Levels;
        var size = latest.Size + batch.Count;
        try
        {
            foreach (var entry in batch)
            {
                levels.AppendLeaf(entry.LeafHash);
            }

            await LedgerRows.InsertLeavesAsync(db, latest.Size, batch.ConvertAll(e => e.Id), now, ct);
            await LedgerRows.InsertPostingsAsync(db, SearchPostings(batch), ct);
            await WriteTilesAsync(db, latest.Size, size, ct);
            Sign(db, size, levels.Root(size), now, latest.Size, batch.Count);

            // The journal-order lock (PostgreSQL) only now, for the journal row: appenders are not held up while leaves are copied.
            await PostgresJournalOrder.TakeAsync(db, ct);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        catch
        {
            levels.Discard();
            throw;
        }

        levels.Publish();
        Interlocked.Exchange(ref _lastEntryId, batch[^1].Id);
        return new IntegrationResult(batch.Count, latest.Size, size);
    }

    /// <summary>
    /// The batch's search keys, sorted: inserted in key order, consecutive postings land on the same index pages. A transfer
    /// is also found under its receiving warehouse (the body's <c>to</c>).
    /// </summary>
    private static List<LedgerSearchPosting> SearchPostings(List<QueuedEntry> batch)
    {
        var postings = new List<LedgerSearchPosting>(batch.Count * 2);
        foreach (var e in batch)
        {
            Add(LedgerSearchPosting.Need, e.NeedNumber, e.Id);
            Add(LedgerSearchPosting.Warehouse, e.WarehouseCode, e.Id);
            Add(LedgerSearchPosting.Party, e.Party, e.Id);
            if (e.TransferBody is { } body && ReceivingWarehouse(body) is { } to && to != e.WarehouseCode)
            {
                Add(LedgerSearchPosting.Warehouse, to, e.Id);
            }
        }

        postings.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key) is var byKey and not 0 ? byKey : a.EntryId.CompareTo(b.EntryId));
        return postings;

        void Add(string field, string? value, long entryId)
        {
            if (!string.IsNullOrEmpty(value))
            {
                postings.Add(new LedgerSearchPosting(LedgerSearchPosting.KeyOf(field, value), entryId));
            }
        }
    }

    private static string? ReceivingWarehouse(string body)
    {
        using var document = System.Text.Json.JsonDocument.Parse(body);
        return document.RootElement.TryGetProperty("to", out var to) && to.ValueKind == System.Text.Json.JsonValueKind.String
            && to.GetString() is { Length: > 0 and <= LedgerEntry.MaxSearchKeyLength } code
            ? code
            : null;
    }

    /// <summary>What integration reads of a queued entry: its id and leaf hash for the tree, its search keys for the postings.</summary>
    private sealed record QueuedEntry(long Id, byte[] LeafHash, string? NeedNumber, string? WarehouseCode, string? Party, string? TransferBody);

    /// <summary>Why this replica must not extend the stored tree, or null when it may.</summary>
    private string? Refuse(LedgerCheckpoint latest)
    {
        if (tree.Problem is { } problem)
        {
            return problem;
        }

        if (tree.Size != latest.Size)
        {
            return $"the tree holds {tree.Size} leaves but the latest checkpoint row is {latest.Size}: a checkpoint row is missing";
        }

        var (opened, why) = SignedCheckpoint.Open(latest.Note, settings.VerifierKey);
        if (opened is null)
        {
            // A replica started with another key (or a lost key replaced): signing on would fork what the public verifies.
            return $"checkpoint {latest.Size} does not verify with this server's key {settings.VerifierKey}: {why}. " +
                "Configure Ledger:SigningKey or Ledger:SigningKeyFile with the key that signed the ledger";
        }

        if (opened.Size != latest.Size || !opened.RootHash.AsSpan().SequenceEqual(latest.RootHash))
        {
            return $"checkpoint row {latest.Size} differs from its own signed note";
        }

        return tree.Levels.Root(latest.Size).AsSpan().SequenceEqual(latest.RootHash)
            ? null
            : $"the tree in memory does not reproduce checkpoint {latest.Size}'s root";
    }

    /// <summary>Every tile the new leaves touched, level by level: new tiles added, the rightmost partial one extended.</summary>
    private async Task WriteTilesAsync(CrisisOpsDbContext db, long oldSize, long newSize, CancellationToken ct)
    {
        for (var tileLevel = 0; ; tileLevel++)
        {
            var height = tileLevel * LedgerTile.Height;
            var oldCount = oldSize >> height;
            var newCount = newSize >> height;
            if (newCount == oldCount)
            {
                return; // nothing new at this level, so nothing above it either
            }

            var firstTile = oldCount / LedgerTile.FullWidth;
            var lastTile = (newCount - 1) / LedgerTile.FullWidth;
            for (var index = firstTile; index <= lastTile; index++)
            {
                var hashes = tree.Levels.TileHashes(tileLevel, index, newSize);
                var stored = index == firstTile && oldCount % LedgerTile.FullWidth != 0
                    ? await db.LedgerTiles.SingleOrDefaultAsync(t => t.Level == tileLevel && t.Index == index, ct)
                    : null;
                if (stored is null)
                {
                    db.LedgerTiles.Add(new LedgerTile(tileLevel, index, hashes));
                }
                else
                {
                    // Throws when the stored partial tile is not a prefix of what the tree holds: a changed tile stops integration.
                    stored.Extend(hashes);
                }
            }
        }
    }

    private void Sign(CrisisOpsDbContext db, long size, byte[] root, DateTimeOffset now, long previousSize, int entries)
    {
        var note = new SignedCheckpoint(settings.Origin, size, root, now).Sign(settings.Key);
        db.LedgerCheckpoints.Add(new LedgerCheckpoint(size, root, now, note));
        db.Append(new JournalRecord(now, "system", JournalTypes.LedgerCheckpoint, null, null, null,
            new { size, rootHash = Convert.ToBase64String(root), previousSize, entries }));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ledger: signed the empty tree's checkpoint for {Origin}")]
    private static partial void LogGenesis(ILogger logger, string origin);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ledger: tree of {Size} entries loaded; verifier key {VerifierKey} (signing key from {Source})")]
    private static partial void LogStarted(ILogger logger, long size, string verifierKey, string source);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Ledger: not integrating: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);
}

/// <summary>Runs <see cref="LedgerIntegrator"/> on a timer from the injected clock, so fake time drives it in tests.</summary>
public sealed partial class LedgerIntegrationWorker(LedgerIntegrator integrator, LedgerSettings settings, TimeProvider clock,
    ILogger<LedgerIntegrationWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A one-shot delay re-armed after each round, not a PeriodicTimer: a fake clock advanced by a day would fire a
        // periodic timer once per elapsed period (864,000 times at 100 ms) and starve everything else; a delay fires once.
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(settings.PollPeriod, clock, stoppingToken);
            try
            {
                await integrator.IntegrateIfDueAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The queue is durable: a failed round is retried on the next tick with nothing lost.
                LogRoundFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Ledger integration round failed; retrying on the next tick")]
    private static partial void LogRoundFailed(ILogger logger, Exception ex);
}

/// <summary>Startup of the ledger: reads the key (a malformed one stops the start), signs the first checkpoint, loads the tree.</summary>
public static class LedgerStartup
{
    public static IServiceCollection AddLedger(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<LedgerSettings>();
        services.AddSingleton<LedgerTree>();
        services.AddSingleton<LedgerIntegrator>();
        if (configuration.GetValue("Ledger:IntegrateInBackground", true))
        {
            services.AddHostedService<LedgerIntegrationWorker>();
        }

        return services;
    }

    public static Task StartLedgerAsync(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Services.GetRequiredService<LedgerIntegrator>().StartAsync(app.Lifetime.ApplicationStopping);
    }
}
