using CrisisOps.Data;
using CrisisOps.Domain.Ledger;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Ledger;

/// <summary>
/// The ledger's Merkle tree in this replica's memory (<see cref="MerkleLevels"/>), loaded from the stored level-0
/// tiles at start and caught up from them whenever a request asks for a size this replica has not loaded — another
/// replica may have integrated it. Proofs come from here, never from the database, so they cost hashing only.
/// </summary>
/// <remarks>
/// When the stored tiles do not reproduce the latest checkpoint's root, the tree keeps what the database holds (so the
/// public sees exactly that, and verifiers name the place) and <see cref="Problem"/> says why; the integrator then
/// refuses to sign anything on top of it.
/// </remarks>
public sealed partial class LedgerTree(IDbContextFactory<CrisisOpsDbContext> factory, ILogger<LedgerTree> logger)
{
    private readonly SemaphoreSlim _writer = new(1, 1);

    internal MerkleLevels Levels { get; } = new();

    /// <summary>Leaves this replica can prove things about.</summary>
    public long Size => Levels.Size;

    /// <summary>Why the stored tree cannot be extended (tampered or missing tiles, a root that differs), or null.</summary>
    public string? Problem { get; private set; }

    /// <summary>Makes sure the tree holds at least <paramref name="size"/> leaves; false when the stored tiles do not reach it.</summary>
    public async Task<bool> EnsureSizeAsync(long size, CancellationToken ct)
    {
        if (Size >= size)
        {
            return true;
        }

        await _writer.WaitAsync(ct);
        try
        {
            if (Size < size)
            {
                await using var db = await factory.CreateDbContextAsync(ct);
                await CatchUpAsync(db, ct);
            }
        }
        finally
        {
            _writer.Release();
        }

        return Size >= size;
    }

    /// <summary>The writer's turn (the integrator holds it across its transaction); dispose to pass it on.</summary>
    internal async Task<IDisposable> EnterWriterAsync(CancellationToken ct)
    {
        await _writer.WaitAsync(ct);
        return new Turn(_writer);
    }

    /// <summary>
    /// Reads the level-0 tiles past the loaded size up to the latest checkpoint (in the caller's transaction, if any)
    /// and checks the result against that checkpoint's root. The caller holds the writer's turn.
    /// </summary>
    internal async Task CatchUpAsync(CrisisOpsDbContext db, CancellationToken ct)
    {
        var latest = await db.LedgerCheckpoints.AsNoTracking().OrderByDescending(c => c.Size)
            .Select(c => new { c.Size, c.RootHash }).FirstOrDefaultAsync(ct);
        if (latest is null || latest.Size <= Levels.Size)
        {
            return;
        }

        var from = Levels.Size;
        var expected = from / LedgerTile.FullWidth;
        var lastTile = (latest.Size - 1) / LedgerTile.FullWidth;
        try
        {
            await foreach (var tile in db.LedgerTiles.AsNoTracking().Where(t => t.Level == 0 && t.Index >= expected && t.Index <= lastTile)
                               .OrderBy(t => t.Index).AsAsyncEnumerable().WithCancellation(ct))
            {
                if (tile.Index != expected)
                {
                    break;
                }

                // Only the part past what is loaded and inside the checkpoint; a tile never holds less than its checkpoint.
                var first = tile.Index * LedgerTile.FullWidth;
                var skip = (int)(Levels.Staged - first);
                var take = (int)Math.Min(tile.Width, latest.Size - first) - skip;
                if (take <= 0)
                {
                    break;
                }

                Levels.AppendLeaves(tile.Hashes.AsSpan(skip * MerkleHash.Size, take * MerkleHash.Size));
                if (Levels.Staged < Math.Min(first + LedgerTile.FullWidth, latest.Size))
                {
                    break; // a tile short of its neighbours: the tree ends here
                }

                expected++;
            }

            if (Levels.Staged < latest.Size)
            {
                Problem = $"tile 0/{Levels.Staged / LedgerTile.FullWidth} is missing or shorter than checkpoint {latest.Size} needs: the stored tree ends at {Levels.Staged} leaves";
            }
            else if (!Levels.Root(latest.Size).AsSpan().SequenceEqual(latest.RootHash))
            {
                Problem = $"the stored tiles hash to a root that differs from checkpoint {latest.Size}'s";
            }
        }
        catch
        {
            Levels.Discard();
            throw;
        }

        // What the database holds is what this replica serves, checked or not: proofs from it then fail to verify, which is the point.
        Levels.Publish();
        if (Problem is not null)
        {
            LogTreeProblem(logger, Problem);
        }
    }

    private sealed class Turn(SemaphoreSlim writer) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                writer.Release();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "Ledger: the stored tree does not match its checkpoints ({Problem}); nothing will be integrated until it is restored. Run `crisisops ledger verify`.")]
    private static partial void LogTreeProblem(ILogger logger, string problem);
}
