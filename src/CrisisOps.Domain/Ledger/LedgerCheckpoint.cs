namespace CrisisOps.Domain.Ledger;

/// <summary>
/// A signed tree head: after integrating a batch the integrator commits to the tree's size and root at a time,
/// signed with the ledger's key, as a C2SP signed note (docs/ledger.md):
/// <c>&lt;origin&gt;\n&lt;size&gt;\n&lt;base64 root&gt;\n</c> + timestamp extension line, a blank line, then
/// <c>— &lt;key name&gt; &lt;base64(key id ‖ signature)&gt;\n</c>. Appended, never updated or deleted.
/// </summary>
public sealed class LedgerCheckpoint
{
    private LedgerCheckpoint() { }

    public LedgerCheckpoint(long size, byte[] rootHash, DateTimeOffset time, string note)
    {
        ArgumentNullException.ThrowIfNull(rootHash);
        ArgumentException.ThrowIfNullOrEmpty(note);
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        if (rootHash.Length != MerkleHash.Size)
        {
            throw new ArgumentException("A root hash has 32 bytes.", nameof(rootHash));
        }

        Size = size;
        RootHash = rootHash;
        Time = time;
        Note = note;
    }

    /// <summary>Tree size (number of leaves); the key: one checkpoint per size.</summary>
    public long Size { get; private set; }

    public byte[] RootHash { get; private set; } = [];

    public DateTimeOffset Time { get; private set; }

    /// <summary>The signed note exactly as published.</summary>
    public string Note { get; private set; } = "";
}
