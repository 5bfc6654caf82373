using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CrisisOps.Domain.Ledger;
using CrisisOps.Domain.Ledger.Audit;

namespace CrisisOps.Domain.Tests.Ledger;

/// <summary>
/// A ledger held in memory and built the slow, obvious way — tree hashes by the RFC 6962 reference
/// (<see cref="MerkleTree"/>), checkpoints signed with <see cref="SignedCheckpoint"/> — served through
/// <see cref="ILedgerSource"/> the way the public API serves it, with hooks to tamper with every part of it.
/// </summary>
internal sealed class AuditTestLog : ILedgerSource, IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 7, 12, 8, 0, 0, TimeSpan.Zero);

    private readonly List<AuditEntry> entries = [];
    private readonly List<AuditCheckpoint> checkpoints = [];
    private readonly Dictionary<(int Level, long Index), byte[]> tiles = [];
    private string? latestNote;

    public AuditTestLog(string origin = "crisisops.test/ledger")
    {
        Key = LedgerSigningKey.Generate(origin);
        Origin = origin;
    }

    public LedgerSigningKey Key { get; }

    public LedgerVerifierKey VerifierKey => Key.VerifierKey;

    public string Origin { get; }

    public int Size => entries.Count;

    /// <summary>The entries as served, by leaf index; tests edit them.</summary>
    public List<AuditEntry> Entries => entries;

    public List<AuditCheckpoint> Checkpoints => checkpoints;

    public Dictionary<(int Level, long Index), byte[]> Tiles => tiles;

    /// <summary>Whether the source serves consistency proofs (the API does; exports do not).</summary>
    public bool ServesProofs { get; set; } = true;

    /// <summary>A stock receipt body, accepted the way the server accepts entries (canonical, hashed).</summary>
    public static string Body(int n) => LedgerEntry.Accept($"test:{n}", new JsonObject
    {
        ["v"] = 1,
        ["kind"] = LedgerEntryKinds.StockReceipt,
        ["time"] = LedgerEntry.FormatTime(Start.AddSeconds(n)),
        ["region"] = "KRE",
        ["warehouse"] = "kre-depot-01",
        ["item"] = "drinking-water",
        ["quantity"] = LedgerEntry.FormatDecimal(10m + n),
        ["unit"] = "litres",
    }, Start).Body;

    /// <summary>Appends <paramref name="count"/> entries (entry ids start at 100 so they differ from leaf indexes), rebuilds the tiles and signs a checkpoint.</summary>
    public AuditTestLog Append(int count, bool sign = true)
    {
        for (var k = 0; k < count; k++)
        {
            var index = entries.Count;
            entries.Add(new AuditEntry(index, 100 + index, Body(index), LeafHash: LeafOf(Body(index)), Kind: LedgerEntryKinds.StockReceipt, SchemaVersion: 1));
        }

        RebuildTiles();
        if (sign)
        {
            SignCheckpoint();
        }

        return this;
    }

    /// <summary>Signs the current tree (as the integrator does after a batch) and serves it as the latest.</summary>
    public AuditCheckpoint SignCheckpoint(LedgerSigningKey? by = null)
    {
        var time = Start.AddMinutes(checkpoints.Count);
        var checkpoint = new SignedCheckpoint(Origin, Size, RootOf(Size), time);
        var row = new AuditCheckpoint(Size, checkpoint.RootHash, time, checkpoint.Sign(by ?? Key));
        checkpoints.RemoveAll(c => c.Size == Size);
        checkpoints.Add(row);
        latestNote = row.Note;
        return row;
    }

    public byte[] RootOf(long size) => MerkleTree.Root([.. LeafHashes().Take((int)size)]);

    /// <summary>The tiles from the leaf hashes as the entries now stand (a log that rewrites history rewrites its tiles too).</summary>
    public void RebuildTiles()
    {
        tiles.Clear();
        var level = LeafHashes();
        for (var tileLevel = 0; level.Count > 0; tileLevel++)
        {
            for (var t = 0; t * LedgerTile.FullWidth < level.Count; t++)
            {
                tiles[(tileLevel, t)] = [.. level.Skip(t * LedgerTile.FullWidth).Take(LedgerTile.FullWidth).SelectMany(h => h)];
            }

            // The next tile level holds the roots of complete 256-leaf subtrees of this one, by the reference definition.
            var next = new List<byte[]>();
            for (var s = 0; (s + 1) * LedgerTile.FullWidth <= level.Count; s++)
            {
                next.Add(MerkleTree.Root(level.GetRange(s * LedgerTile.FullWidth, LedgerTile.FullWidth)));
            }

            level = next;
        }
    }

    public void EditBody(int index, string body) => entries[index] = entries[index] with { Body = body };

    /// <summary>What an operator rewriting history does: the body and the leaf hash recorded with it.</summary>
    public void Rewrite(int index, string body) => entries[index] = entries[index] with { Body = body, LeafHash = LeafOf(body) };

    public void SetTileHash(int level, long tile, int position, byte[] hash) => hash.CopyTo(tiles[(level, tile)], position * MerkleHash.Size);

    public static byte[] LeafOf(string body) => MerkleHash.Leaf(Encoding.UTF8.GetBytes(body));

    public List<byte[]> LeafHashes() => [.. entries.Select(e => LeafOf(e.Body!))];

    public Task<AuditReport> VerifyAsync(AuditState? state = null, LedgerVerifierKey? key = null) =>
        LedgerAuditor.VerifyAsync(this, key ?? VerifierKey, state, null, CancellationToken.None);

    public Task<string> LatestCheckpointAsync(CancellationToken cancellationToken) =>
        Task.FromResult(latestNote ?? throw new InvalidOperationException("nothing signed yet"));

    public Task<IReadOnlyList<AuditCheckpoint>> CheckpointsAsync(long fromSize, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<AuditCheckpoint>>([.. checkpoints.OrderBy(c => c.Size).Where(c => c.Size >= fromSize).Take(limit)]);

    public Task<IReadOnlyList<AuditEntry>> EntriesAsync(long start, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<AuditEntry>>([.. entries.Where(e => e.Index >= start && e.Index < start + limit).OrderBy(e => e.Index)]);

    public Task<byte[]?> TileAsync(int level, long index, CancellationToken cancellationToken) =>
        Task.FromResult(tiles.TryGetValue((level, index), out var hashes) ? (byte[]?)hashes.ToArray() : null);

    public Task<IReadOnlyList<byte[]>?> ConsistencyProofAsync(long fromSize, long toSize, CancellationToken cancellationToken) =>
        Task.FromResult(ServesProofs ? MerkleTree.ConsistencyProof(LeafHashes(), fromSize, toSize) : null);

    public void Dispose() => Key.Dispose();

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Origin} of {Size}");
}
