namespace CrisisOps.Domain.Ledger;

/// <summary>
/// Stored tree hashes in tiles, as C2SP tlog-tiles lays them out: tiles of height 8, so a tile at level L and
/// index N holds up to 256 consecutive hashes of the tree's level 8·L (level 0: leaf hashes), the hashes with
/// node indexes 256·N … 256·N + Width − 1, concatenated (32 bytes each). A full tile (Width 256) never
/// changes; the rightmost tile of a level is partial and is rewritten as the tree grows. Everything a proof
/// needs is in tiles; nodes between tile levels are recomputed from the tile below.
/// </summary>
public sealed class LedgerTile
{
    public const int Height = 8;

    public const int FullWidth = 1 << Height;

    private LedgerTile() { }

    public LedgerTile(int level, long index, byte[] hashes)
    {
        ArgumentNullException.ThrowIfNull(hashes);
        ArgumentOutOfRangeException.ThrowIfNegative(level);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        if (hashes.Length == 0 || hashes.Length % MerkleHash.Size != 0 || hashes.Length > FullWidth * MerkleHash.Size)
        {
            throw new ArgumentException($"A tile holds 1 to {FullWidth} hashes of {MerkleHash.Size} bytes.", nameof(hashes));
        }

        Level = level;
        Index = index;
        Hashes = hashes;
    }

    public int Level { get; private set; }

    public long Index { get; private set; }

    /// <summary>The hashes, 32 bytes each, left to right.</summary>
    public byte[] Hashes { get; private set; } = [];

    public int Width => Hashes.Length / MerkleHash.Size;

    public bool IsFull => Width == FullWidth;

    /// <summary>Replaces a partial tile's hashes with a wider prefix-extension of them (the tree grew).</summary>
    /// <exception cref="InvalidOperationException">The tile is full, or the new hashes do not extend the old ones.</exception>
    public void Extend(byte[] hashes)
    {
        ArgumentNullException.ThrowIfNull(hashes);
        if (IsFull || hashes.Length <= Hashes.Length || hashes.Length > FullWidth * MerkleHash.Size || hashes.Length % MerkleHash.Size != 0
            || !hashes.AsSpan(0, Hashes.Length).SequenceEqual(Hashes))
        {
            throw new InvalidOperationException($"Tile {Level}/{Index} can only grow by appending hashes.");
        }

        Hashes = hashes;
    }
}
