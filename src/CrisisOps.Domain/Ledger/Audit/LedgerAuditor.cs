using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CrisisOps.Domain.Ledger.Audit;

/// <summary>How far an audit has read: entries so far of the tree's size.</summary>
public sealed record AuditProgress(long EntriesRead, long TreeSize);

/// <summary>
/// The outcome of one audit: the tree it checked (the largest validly signed checkpoint), what it read, every
/// finding, and the state to remember for the next run (advanced only when the log passed).
/// </summary>
public sealed record AuditReport(
    long TreeSize,
    byte[]? RootHash,
    DateTimeOffset? Time,
    int Checkpoints,
    long Entries,
    int Tiles,
    IReadOnlyList<AuditFinding> Findings,
    AuditState NextState)
{
    public bool Passed => Findings.Count == 0;
}

/// <summary>
/// Checks a sunshine ledger without trusting whoever serves it (docs/ledger-verify.md). Only the signed checkpoints
/// are believed, and only once their signatures verify with the pinned key; everything else — entries, the stored
/// tree (tiles), the checkpoint rows — must agree with them:
/// <list type="number">
/// <item>every checkpoint's note verifies and says what its row says; no two signed checkpoints of one size differ;</item>
/// <item>every leaf up to the latest size has an entry whose body is canonical JSON; its leaf hash is recomputed from the body;</item>
/// <item>the tree is recomputed from those leaf hashes and every signed root must be the tree of its size — an earlier
/// checkpoint that is not a prefix of a later, matching one is named as inconsistent; so is the checkpoint remembered
/// from the last run (the state), whose consistency proof from the source is verified too;</item>
/// <item>every stored tile hash must be the recomputed one.</item>
/// </list>
/// Where the body and the stored tree disagree about a leaf, the signed roots decide which one was altered: the one
/// whose tree the checkpoints sign is the original.
/// </summary>
public static class LedgerAuditor
{
    /// <summary>Items per request to the source (the public API's maximum).</summary>
    public const int PageSize = 1000;

    /// <summary>Audits the log the source serves against the pinned key and the state of the previous run.</summary>
    public static async Task<AuditReport> VerifyAsync(ILedgerSource source, LedgerVerifierKey key, AuditState? previous,
        IProgress<AuditProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(key);
        var findings = new List<AuditFinding>();

        // 1. Checkpoints: listed first, then the latest, so that an honest log that grows meanwhile never looks stale.
        var (signed, listed) = await ReadCheckpointsAsync(source, key, findings, cancellationToken);
        if (signed.Count == 0)
        {
            return new AuditReport(0, null, null, listed, 0, 0, findings, previous ?? new AuditState(key.ToString()));
        }

        var checkpoints = signed.Values.ToList();
        var latest = checkpoints[^1];
        var size = latest.Size;
        if (previous?.Size is { } seen && seen > size)
        {
            findings.Add(new AuditFinding(AuditFindingKind.LogShrank, Index: size, Other: seen));
        }

        // 2. Entries: leaf hashes from the bodies.
        var entries = new EntryHashes(size);
        await ReadEntriesAsync(source, size, entries, findings, progress, cancellationToken);

        // 3. The stored tree's leaf level.
        var tiles = 0;
        var stored = new byte[]?[size];
        for (long t = 0; t * LedgerTile.FullWidth < size; t++)
        {
            var width = (int)Math.Min(LedgerTile.FullWidth, size - t * LedgerTile.FullWidth);
            var hashes = await ReadTileAsync(source, 0, t, width, size, findings, cancellationToken);
            tiles++;
            for (var p = 0; p < hashes.Count; p++)
            {
                stored[t * LedgerTile.FullWidth + p] = hashes[p];
            }
        }

        // 4. Which leaf hash the signed roots vouch for, where the body and the stored tree differ.
        var sizes = checkpoints.Select(c => c.Size).Append(previous?.Size is { } m && m <= size ? m : 0).ToList();
        var fromBodies = CompactRange.Roots(i => entries.Hashes[i] ?? stored[i], sizes);
        var fromTree = CompactRange.Roots(i => stored[i] ?? entries.Hashes[i], sizes);
        var trusted = new byte[]?[size];
        Dictionary<string, long>? bodyIndex = null;
        for (long i = 0; i < size; i++)
        {
            var body = entries.Hashes[i];
            var tree = stored[i];
            trusted[i] = body ?? tree;
            if (body is null || tree is null || body.AsSpan().SequenceEqual(tree))
            {
                continue;
            }

            var covering = checkpoints.First(c => c.Size > i);
            var bodyGood = Same(fromBodies[covering.Size], covering.RootHash);
            var treeGood = Same(fromTree[covering.Size], covering.RootHash);
            if (bodyGood && !treeGood)
            {
                findings.Add(new AuditFinding(AuditFindingKind.TileHash, Index: i / LedgerTile.FullWidth, EntryId: entries.Ids[i], Level: 0,
                    Position: (int)(i % LedgerTile.FullWidth), Expected: B64(body), Found: B64(tree)));
                continue;
            }

            bodyIndex ??= IndexBodies(entries.Hashes);
            long? reordered = bodyIndex.TryGetValue(B64(tree), out var j) && j != i ? j : null;
            findings.Add(new AuditFinding(AuditFindingKind.LeafMismatch, Index: i, EntryId: entries.Ids[i], Other: reordered,
                Expected: B64(tree), Found: B64(body)));
            entries.RecordedDiffers.Remove(i);
            if (treeGood)
            {
                trusted[i] = tree;
            }
        }

        foreach (var (i, recorded) in entries.RecordedDiffers.OrderBy(r => r.Key))
        {
            findings.Add(new AuditFinding(AuditFindingKind.EntryLeafHash, Index: i, EntryId: entries.Ids[i],
                Expected: B64(entries.Hashes[i]!), Found: B64(recorded)));
        }

        // 5. Every signed root against the tree the trusted leaves make; then the state's checkpoint.
        var roots = CompactRange.Roots(i => trusted[i], sizes);
        CheckRoots(checkpoints, roots, trusted, findings);
        if (previous?.Size is { } before && before <= size && previous.RootHash is { } beforeRoot)
        {
            await CheckPreviousAsync(source, before, Convert.FromBase64String(beforeRoot), latest, roots[before], findings, cancellationToken);
        }

        // 6. The stored tree above the leaves.
        tiles += await CheckUpperTilesAsync(source, trusted, findings, cancellationToken);

        var next = findings.Count == 0
            ? new AuditState(key.ToString(), size, B64(latest.RootHash), latest.Note)
            : previous ?? new AuditState(key.ToString());
        return new AuditReport(size, latest.RootHash, latest.Time, listed, entries.Read, tiles, findings, next);
    }

    private static async Task<(SortedDictionary<long, OpenedCheckpoint> Signed, int Listed)> ReadCheckpointsAsync(
        ILedgerSource source, LedgerVerifierKey key, List<AuditFinding> findings, CancellationToken cancellationToken)
    {
        var signed = new SortedDictionary<long, OpenedCheckpoint>();
        var listed = 0;
        long from = 0;
        while (true)
        {
            var page = await source.CheckpointsAsync(from, PageSize, cancellationToken);
            if (page.Count == 0)
            {
                break;
            }

            foreach (var row in page)
            {
                listed++;
                var (checkpoint, problem) = SignedCheckpoint.Open(row.Note, key);
                if (checkpoint is null)
                {
                    findings.Add(new AuditFinding(AuditFindingKind.CheckpointSignature, Index: row.Size, Reason: problem));
                    continue;
                }

                if (checkpoint.Size != row.Size || !Same(checkpoint.RootHash, row.RootHash) || checkpoint.Time != row.Time)
                {
                    findings.Add(new AuditFinding(AuditFindingKind.CheckpointRow, Index: row.Size,
                        Expected: Describe(checkpoint.Size, checkpoint.RootHash, checkpoint.Time), Found: Describe(row.Size, row.RootHash, row.Time)));
                }

                Add(signed, new OpenedCheckpoint(checkpoint.Size, checkpoint.RootHash, checkpoint.Time, row.Note), findings);
            }

            var next = page[^1].Size + 1;
            if (next <= from)
            {
                break; // a source that does not advance would loop for ever
            }

            from = next;
        }

        var largestListed = signed.Count > 0 ? signed.Keys.Max() : -1;
        var note = await source.LatestCheckpointAsync(cancellationToken);
        var (latest, latestProblem) = SignedCheckpoint.Open(note, key);
        if (latest is null)
        {
            findings.Add(new AuditFinding(AuditFindingKind.CheckpointSignature, Index: ClaimedSize(note), Reason: "(latest) " + latestProblem));
        }
        else
        {
            Add(signed, new OpenedCheckpoint(latest.Size, latest.RootHash, latest.Time, note), findings);
            if (latest.Size < largestListed)
            {
                findings.Add(new AuditFinding(AuditFindingKind.LatestCheckpointStale, Index: largestListed,
                    Found: latest.Size.ToString(CultureInfo.InvariantCulture)));
            }
        }

        OpenedCheckpoint? earlier = null;
        foreach (var checkpoint in signed.Values)
        {
            if (earlier is not null && checkpoint.Time < earlier.Time)
            {
                findings.Add(new AuditFinding(AuditFindingKind.CheckpointTime, Index: checkpoint.Size, Other: earlier.Size,
                    Expected: LedgerEntry.FormatTime(earlier.Time), Found: LedgerEntry.FormatTime(checkpoint.Time)));
            }

            earlier = checkpoint;
        }

        return (signed, listed);
    }

    private static void Add(SortedDictionary<long, OpenedCheckpoint> signed, OpenedCheckpoint checkpoint, List<AuditFinding> findings)
    {
        if (!signed.TryGetValue(checkpoint.Size, out var other))
        {
            signed[checkpoint.Size] = checkpoint;
        }
        else if (!Same(other.RootHash, checkpoint.RootHash))
        {
            findings.Add(new AuditFinding(AuditFindingKind.CheckpointFork, Index: checkpoint.Size, Expected: B64(other.RootHash), Found: B64(checkpoint.RootHash)));
        }
    }

    private static async Task ReadEntriesAsync(ILedgerSource source, long size, EntryHashes entries, List<AuditFinding> findings,
        IProgress<AuditProgress>? progress, CancellationToken cancellationToken)
    {
        var present = new bool[size];
        progress?.Report(new AuditProgress(0, size));
        for (long start = 0; start < size; start += PageSize)
        {
            var count = (int)Math.Min(PageSize, size - start);
            foreach (var entry in await source.EntriesAsync(start, count, cancellationToken))
            {
                var i = entry.Index;
                if (i < start || i >= start + count || present[i])
                {
                    continue;
                }

                present[i] = true;
                entries.Read++;
                entries.Ids[i] = entry.EntryId;
                if (entry.Body is null)
                {
                    continue;
                }

                var hash = MerkleHash.Leaf(Encoding.UTF8.GetBytes(entry.Body));
                entries.Hashes[i] = hash;
                if (entry.LeafHash is { } recorded && !Same(recorded, hash))
                {
                    entries.RecordedDiffers[i] = recorded;
                }

                CheckBody(entry, findings);
            }

            progress?.Report(new AuditProgress(start + count, size));
        }

        for (long i = 0; i < size; i++)
        {
            if (entries.Hashes[i] is null)
            {
                findings.Add(new AuditFinding(AuditFindingKind.EntryMissing, Index: i, EntryId: present[i] ? entries.Ids[i] : null));
            }
        }
    }

    /// <summary>The body must be exactly its canonical form (else two verifiers could hash different bytes) and agree with the columns beside it.</summary>
    private static void CheckBody(AuditEntry entry, List<AuditFinding> findings)
    {
        string canonical;
        try
        {
            canonical = CanonicalJson.Canonicalize(entry.Body!);
        }
        catch (DomainException e)
        {
            findings.Add(new AuditFinding(AuditFindingKind.EntryNotCanonical, Index: entry.Index, EntryId: entry.EntryId, Reason: e.Message));
            return;
        }

        if (!string.Equals(canonical, entry.Body, StringComparison.Ordinal))
        {
            findings.Add(new AuditFinding(AuditFindingKind.EntryNotCanonical, Index: entry.Index, EntryId: entry.EntryId,
                Reason: "its canonical form differs in spacing, member order or escapes"));
            return;
        }

        if (entry.Kind is null && entry.SchemaVersion is null)
        {
            return;
        }

        var body = JsonNode.Parse(canonical) as JsonObject;
        var kind = body?["kind"] is JsonValue k && k.TryGetValue<string>(out var kindText) ? kindText : null;
        int? version = body?["v"] is JsonValue v && v.TryGetValue<int>(out var versionNumber) ? versionNumber : null;
        if ((entry.Kind is not null && !string.Equals(entry.Kind, kind, StringComparison.Ordinal))
            || (entry.SchemaVersion is not null && entry.SchemaVersion != version))
        {
            findings.Add(new AuditFinding(AuditFindingKind.EntryColumns, Index: entry.Index, EntryId: entry.EntryId,
                Expected: string.Create(CultureInfo.InvariantCulture, $"kind {kind}, v {version}"),
                Found: string.Create(CultureInfo.InvariantCulture, $"kind {entry.Kind}, v {entry.SchemaVersion}")));
        }
    }

    /// <summary>A tile's hashes, checked to cover <paramref name="width"/> positions; wider partial tiles are fine (the log grew meanwhile).</summary>
    private static async Task<List<byte[]>> ReadTileAsync(ILedgerSource source, int level, long index, int width, long size,
        List<AuditFinding> findings, CancellationToken cancellationToken)
    {
        var bytes = await source.TileAsync(level, index, cancellationToken);
        var hashes = new List<byte[]>(width);
        if (bytes is null)
        {
            findings.Add(new AuditFinding(AuditFindingKind.TileMissing, Index: index, Level: level,
                Reason: string.Create(CultureInfo.InvariantCulture, $"there is none; the tree of size {size} needs {width} hashes in it")));
            return hashes;
        }

        for (var p = 0; p < width && (p + 1) * MerkleHash.Size <= bytes.Length; p++)
        {
            hashes.Add(bytes[(p * MerkleHash.Size)..((p + 1) * MerkleHash.Size)]);
        }

        if (hashes.Count < width || bytes.Length % MerkleHash.Size != 0)
        {
            findings.Add(new AuditFinding(AuditFindingKind.TileMissing, Index: index, Level: level,
                Reason: string.Create(CultureInfo.InvariantCulture, $"it holds {bytes.Length} bytes; the tree of size {size} needs {width} hashes of 32 bytes")));
        }

        return hashes;
    }

    /// <summary>
    /// A run of checkpoints whose roots are not the tree is reported once: as inconsistent with the next checkpoint when
    /// that one is the tree (so the log was rewritten after they were signed), else as not the tree of the entries.
    /// </summary>
    private static void CheckRoots(List<OpenedCheckpoint> checkpoints, Dictionary<long, byte[]?> roots, byte[]?[] trusted, List<AuditFinding> findings)
    {
        var unknown = Array.FindIndex(trusted, h => h is null);
        if (unknown >= 0)
        {
            findings.Add(new AuditFinding(AuditFindingKind.Unverifiable, Index: unknown + 1L,
                Reason: string.Create(CultureInfo.InvariantCulture, $"leaf {unknown} has neither an entry nor a stored hash")));
        }

        var k = 0;
        while (k < checkpoints.Count)
        {
            if (roots[checkpoints[k].Size] is not { } root || Same(root, checkpoints[k].RootHash))
            {
                k++;
                continue;
            }

            var first = k;
            while (k < checkpoints.Count && roots[checkpoints[k].Size] is { } r && !Same(r, checkpoints[k].RootHash))
            {
                k++;
            }

            var a = checkpoints[first];
            if (k < checkpoints.Count && roots[checkpoints[k].Size] is not null)
            {
                findings.Add(new AuditFinding(AuditFindingKind.CheckpointInconsistent, Index: checkpoints[k].Size, Other: a.Size,
                    Expected: B64(roots[a.Size]!), Found: B64(a.RootHash)));
            }
            else
            {
                findings.Add(new AuditFinding(AuditFindingKind.CheckpointRoot, Index: a.Size, Other: k - first - 1,
                    Expected: B64(roots[a.Size]!), Found: B64(a.RootHash)));
            }
        }
    }

    private static async Task CheckPreviousAsync(ILedgerSource source, long before, byte[] beforeRoot, OpenedCheckpoint latest, byte[]? rootNow,
        List<AuditFinding> findings, CancellationToken cancellationToken)
    {
        if (rootNow is not null && !Same(rootNow, beforeRoot))
        {
            findings.Add(new AuditFinding(AuditFindingKind.PreviousCheckpointInconsistent, Index: latest.Size, Other: before,
                Expected: B64(rootNow), Found: B64(beforeRoot)));
        }

        // The check a light client makes without reading the entries: the source must prove the extension itself.
        if (before > 0 && before < latest.Size && await source.ConsistencyProofAsync(before, latest.Size, cancellationToken) is { } proof)
        {
            var check = MerkleProofs.VerifyConsistency(before, latest.Size, proof, beforeRoot, latest.RootHash);
            if (!check.IsValid)
            {
                findings.Add(new AuditFinding(AuditFindingKind.ConsistencyProof, Index: latest.Size, Other: before, Reason: check.Problem));
            }
        }
    }

    /// <summary>Tiles of levels 1, 2, …: the hashes of tree levels 8, 16, … recomputed from the trusted leaves, position by position.</summary>
    private static async Task<int> CheckUpperTilesAsync(ILedgerSource source, byte[]?[] trusted, List<AuditFinding> findings, CancellationToken cancellationToken)
    {
        var tiles = 0;
        var level = trusted;
        for (var tileLevel = 1; ; tileLevel++)
        {
            for (var round = 0; round < LedgerTile.Height; round++)
            {
                var up = new byte[]?[level.Length / 2];
                for (var j = 0; j < up.Length; j++)
                {
                    up[j] = level[2 * j] is { } left && level[2 * j + 1] is { } right ? MerkleHash.Node(left, right) : null;
                }

                level = up;
            }

            if (level.Length == 0)
            {
                return tiles;
            }

            for (long t = 0; t * LedgerTile.FullWidth < level.Length; t++)
            {
                var width = (int)Math.Min(LedgerTile.FullWidth, level.Length - t * LedgerTile.FullWidth);
                var hashes = await ReadTileAsync(source, tileLevel, t, width, trusted.Length, findings, cancellationToken);
                tiles++;
                for (var p = 0; p < hashes.Count; p++)
                {
                    if (level[t * LedgerTile.FullWidth + p] is { } expected && !Same(expected, hashes[p]))
                    {
                        findings.Add(new AuditFinding(AuditFindingKind.TileHash, Index: t, Level: tileLevel, Position: p,
                            Expected: B64(expected), Found: B64(hashes[p])));
                    }
                }
            }
        }
    }

    private static Dictionary<string, long> IndexBodies(byte[]?[] hashes)
    {
        var index = new Dictionary<string, long>(StringComparer.Ordinal);
        for (long i = 0; i < hashes.Length; i++)
        {
            if (hashes[i] is { } hash)
            {
                index.TryAdd(B64(hash), i);
            }
        }

        return index;
    }

    private static long? ClaimedSize(string note)
    {
        var lines = note.Split('\n');
        return lines.Length > 1 && long.TryParse(lines[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size) ? size : null;
    }

    private static string Describe(long size, byte[] root, DateTimeOffset time) =>
        string.Create(CultureInfo.InvariantCulture, $"size {size}, root {B64(root)}, time {LedgerEntry.FormatTime(time)}");

    private static bool Same(byte[]? a, byte[]? b) => a is not null && b is not null && a.AsSpan().SequenceEqual(b);

    private static string B64(byte[] hash) => Convert.ToBase64String(hash);

    private sealed record OpenedCheckpoint(long Size, byte[] RootHash, DateTimeOffset Time, string Note);

    private sealed class EntryHashes(long size)
    {
        public byte[]?[] Hashes { get; } = new byte[]?[size];

        public long?[] Ids { get; } = new long?[size];

        /// <summary>Leaves whose entry records a leaf hash other than its body's.</summary>
        public Dictionary<long, byte[]> RecordedDiffers { get; } = [];

        public long Read { get; set; }
    }
}
