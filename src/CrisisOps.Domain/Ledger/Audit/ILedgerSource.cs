namespace CrisisOps.Domain.Ledger.Audit;

/// <summary>
/// Where a ledger is read from for an audit: the public API of a running server, an export directory, a copy of
/// the database. Everything it returns is a claim; <see cref="LedgerAuditor"/> believes only what the signed
/// checkpoints and the hashes prove.
/// </summary>
public interface ILedgerSource
{
    /// <summary>The latest signed checkpoint note the source serves.</summary>
    Task<string> LatestCheckpointAsync(CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> checkpoints with size ≥ <paramref name="fromSize"/>, ascending by size; empty at the end.</summary>
    Task<IReadOnlyList<AuditCheckpoint>> CheckpointsAsync(long fromSize, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// The integrated entries with leaf indexes in [<paramref name="start"/>, <paramref name="start"/> + <paramref name="limit"/>),
    /// ascending. An index the source does not have is simply absent (the auditor reports it missing).
    /// </summary>
    Task<IReadOnlyList<AuditEntry>> EntriesAsync(long start, int limit, CancellationToken cancellationToken);

    /// <summary>The stored hashes of tile <paramref name="level"/>/<paramref name="index"/> (Width·32 bytes), or null when there is none.</summary>
    Task<byte[]?> TileAsync(int level, long index, CancellationToken cancellationToken);

    /// <summary>The source's consistency proof between two sizes, or null when it serves none (offline sources).</summary>
    Task<IReadOnlyList<byte[]>?> ConsistencyProofAsync(long fromSize, long toSize, CancellationToken cancellationToken);
}

/// <summary>A checkpoint as a source lists it: the columns it claims and the signed note that alone is proof.</summary>
public sealed record AuditCheckpoint(long Size, byte[] RootHash, DateTimeOffset Time, string Note);

/// <summary>
/// One leaf as a source serves it: the entry it names and that entry's canonical body. <see cref="Body"/> is null
/// when the leaf names an entry the source does not have; <see cref="LeafHash"/>, <see cref="Kind"/> and
/// <see cref="SchemaVersion"/> are what the source recorded beside the body, when it says.
/// </summary>
public sealed record AuditEntry(long Index, long? EntryId, string? Body, byte[]? LeafHash = null, string? Kind = null, int? SchemaVersion = null);
