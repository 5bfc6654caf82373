using System.Globalization;

namespace CrisisOps.Domain.Ledger.Audit;

/// <summary>What kind of thing an audit found wrong; each names a place in the log (see docs/ledger-verify.md).</summary>
public enum AuditFindingKind
{
    /// <summary>A checkpoint's note does not carry a valid signature by the pinned key (<see cref="AuditFinding.Index"/> = its size).</summary>
    CheckpointSignature,

    /// <summary>A checkpoint row's size, root or time differs from what its own signed note says.</summary>
    CheckpointRow,

    /// <summary>Two validly signed checkpoints of the same size with different roots: a fork, signed.</summary>
    CheckpointFork,

    /// <summary>A signed checkpoint's root is not the tree of the entries (and no later checkpoint is).</summary>
    CheckpointRoot,

    /// <summary>A later checkpoint (<see cref="AuditFinding.Index"/>) is the tree of the entries, an earlier one (<see cref="AuditFinding.Other"/>) is not its prefix.</summary>
    CheckpointInconsistent,

    /// <summary>The checkpoint remembered from an earlier run (<see cref="AuditFinding.Other"/>) is not a prefix of today's log.</summary>
    PreviousCheckpointInconsistent,

    /// <summary>Today's log is smaller than the checkpoint remembered from an earlier run.</summary>
    LogShrank,

    /// <summary>The source's consistency proof between the remembered and the latest checkpoint does not verify.</summary>
    ConsistencyProof,

    /// <summary>A checkpoint's time lies before the time of a smaller checkpoint.</summary>
    CheckpointTime,

    /// <summary>The latest checkpoint the source serves is older than one it lists.</summary>
    LatestCheckpointStale,

    /// <summary>No entry at a leaf index inside the tree.</summary>
    EntryMissing,

    /// <summary>An entry's body is not its own canonical JSON.</summary>
    EntryNotCanonical,

    /// <summary>An entry's body does not hash to the leaf hash the tree holds at its index.</summary>
    LeafMismatch,

    /// <summary>The leaf hash recorded with an entry is not the hash of its body.</summary>
    EntryLeafHash,

    /// <summary>The kind or schema version recorded beside an entry differs from its body's.</summary>
    EntryColumns,

    /// <summary>A stored tile the tree needs is absent or narrower than the tree.</summary>
    TileMissing,

    /// <summary>A stored tile hash differs from the hash the entries and the signed checkpoints give.</summary>
    TileHash,

    /// <summary>Part of the log could not be checked because hashes were missing.</summary>
    Unverifiable,
}

/// <summary>
/// One thing wrong with the log, as data: the kind, the place (leaf index, checkpoint size or tile), the hashes
/// expected and found (base64) and a reason where a check gave one. <see cref="Describe"/> says it in English;
/// the CLI says it in the user's language from the same data.
/// </summary>
/// <param name="Kind">What is wrong.</param>
/// <param name="Index">The leaf index, or the checkpoint size, or the tile index (with <paramref name="Level"/>).</param>
/// <param name="EntryId">The entry the leaf names, for leaf findings.</param>
/// <param name="Level">The tile level, for tile findings.</param>
/// <param name="Position">The hash's position inside the tile, for tile findings.</param>
/// <param name="Other">A second place: the earlier checkpoint size, the leaf whose body a reordered leaf holds, the number of later checkpoints alike.</param>
/// <param name="Expected">What the signed tree or the body says (base64 hash, or text).</param>
/// <param name="Found">What the source holds (base64 hash, or text).</param>
/// <param name="Reason">The checker's own words (a signature or proof problem).</param>
public sealed record AuditFinding(
    AuditFindingKind Kind,
    long? Index = null,
    long? EntryId = null,
    int? Level = null,
    int? Position = null,
    long? Other = null,
    string? Expected = null,
    string? Found = null,
    string? Reason = null)
{
    /// <summary>The finding in one English sentence that names the place.</summary>
    public string Describe() => Kind switch
    {
        AuditFindingKind.CheckpointSignature => F($"signature of checkpoint {Index} does not verify: {Reason}"),
        AuditFindingKind.CheckpointRow => F($"checkpoint {Index}: the row says {Found}, its signed note says {Expected}"),
        AuditFindingKind.CheckpointFork => F($"two signed checkpoints of size {Index} with different roots {Expected} and {Found}: the log forked"),
        AuditFindingKind.CheckpointRoot => F($"checkpoint {Index} signs root {Found}, but the entries give {Expected}")
            + (Other > 0 ? F($" (and {Other} later checkpoints likewise)") : ""),
        AuditFindingKind.CheckpointInconsistent => F($"checkpoint {Index} not consistent with {Other}: the tree of {Index} has root {Expected} at size {Other}, checkpoint {Other} signs {Found}"),
        AuditFindingKind.PreviousCheckpointInconsistent => F($"checkpoint {Index} not consistent with {Other} seen before: the log now has root {Expected} at size {Other}, the remembered checkpoint signs {Found}"),
        AuditFindingKind.LogShrank => F($"the log shrank: its latest checkpoint has size {Index}, but size {Other} was seen before"),
        AuditFindingKind.ConsistencyProof => F($"the source's consistency proof from {Other} to {Index} does not verify: {Reason}"),
        AuditFindingKind.CheckpointTime => F($"checkpoint {Index} is dated {Found}, before checkpoint {Other} ({Expected})"),
        AuditFindingKind.LatestCheckpointStale => F($"the latest checkpoint served has size {Found}, but checkpoint {Index} is listed"),
        AuditFindingKind.EntryMissing => EntryId is null
            ? F($"entry at index {Index} missing")
            : F($"entry at index {Index} missing: the leaf names entry {EntryId}, which is not there"),
        AuditFindingKind.EntryNotCanonical => F($"leaf {Index} (entry {EntryId}): the body is not canonical JSON ({Reason})"),
        AuditFindingKind.LeafMismatch => F($"leaf {Index} (entry {EntryId}): the body hashes to {Found}, the tree holds {Expected}")
            + (Other is { } leaf ? F($" (the hash of leaf {leaf}'s body: entries reordered)") : ""),
        AuditFindingKind.EntryLeafHash => F($"leaf {Index} (entry {EntryId}): the body hashes to {Expected}, the entry records {Found}"),
        AuditFindingKind.EntryColumns => F($"leaf {Index} (entry {EntryId}): the body says {Expected}, the entry's columns say {Found}"),
        AuditFindingKind.TileMissing => F($"tile {Level}/{Index} missing or short: {Reason}"),
        AuditFindingKind.TileHash => F($"tile {Level}/{Index} hash {Position} differs: it holds {Found}, the entries and checkpoints give {Expected}"),
        AuditFindingKind.Unverifiable => F($"checkpoints from size {Index} on cannot be checked: {Reason}"),
        _ => Kind.ToString(),
    };

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
