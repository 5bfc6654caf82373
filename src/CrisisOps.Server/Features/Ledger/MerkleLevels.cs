using System.Numerics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using CrisisOps.Domain.Ledger;

namespace CrisisOps.Server.Features.Ledger;

/// <summary>
/// Every hash of an append-only RFC 6962 tree, kept level by level: level k holds the root of each complete
/// subtree of 2^k leaves (node i covers leaves i·2^k … (i+1)·2^k − 1). Those nodes never change once written,
/// so any tree size's root and proofs are folds of stored nodes — at most one fold of O(log n) hashes per proof,
/// for the right edge that is not a complete subtree.
/// </summary>
/// <remarks>
/// One writer, many readers without locks: the writer appends leaves past <see cref="Size"/> (<see cref="AppendLeaf"/>),
/// then makes them visible at once with <see cref="Publish"/> after the database committed them, or forgets them
/// with <see cref="Discard"/>. Readers touch only nodes inside the published size, which never change, and the
/// chunk arrays are replaced (never resized in place) when a level grows.
/// </remarks>
internal sealed class MerkleLevels
{
    private const int ChunkBits = 12;
    private const int ChunkHashes = 1 << ChunkBits;
    private const int ChunkMask = ChunkHashes - 1;
    private const int HashSize = MerkleHash.Size;
    private const int MaxLevels = 63;

    private readonly byte[]?[][] _levels = new byte[]?[MaxLevels][];
    private long _size;
    private long _staged;

    public MerkleLevels()
    {
        for (var i = 0; i < MaxLevels; i++)
        {
            _levels[i] = [];
        }
    }

    /// <summary>The published tree size: what readers may ask about.</summary>
    public long Size => Volatile.Read(ref _size);

    /// <summary>Leaves appended, published or not (the writer's view).</summary>
    public long Staged => _staged;

    /// <summary>Appends one leaf hash after the staged ones; visible to readers only after <see cref="Publish"/>.</summary>
    public void AppendLeaf(ReadOnlySpan<byte> leafHash)
    {
        if (leafHash.Length != HashSize)
        {
            throw new ArgumentException("A leaf hash has 32 bytes.", nameof(leafHash));
        }

        var index = _staged;
        leafHash.CopyTo(Slot(0, index));

        // Each odd index closes a pair: the parent is a complete subtree, and so on up while the index stays odd.
        Span<byte> buffer = stackalloc byte[1 + (2 * HashSize)];
        buffer[0] = 0x01;
        var level = 0;
        while ((index & 1) == 1)
        {
            Read(level, index - 1).CopyTo(buffer[1..]);
            Read(level, index).CopyTo(buffer[(1 + HashSize)..]);
            level++;
            index >>= 1;
            SHA256.HashData(buffer, Slot(level, index));
        }

        _staged++;
    }

    /// <summary>Appends concatenated 32-byte leaf hashes (a level-0 tile's content).</summary>
    public void AppendLeaves(ReadOnlySpan<byte> hashes)
    {
        for (var offset = 0; offset + HashSize <= hashes.Length; offset += HashSize)
        {
            AppendLeaf(hashes.Slice(offset, HashSize));
        }
    }

    /// <summary>Makes the staged leaves visible (after their rows committed).</summary>
    public void Publish() => Volatile.Write(ref _size, _staged);

    /// <summary>Forgets staged leaves (their transaction rolled back); later appends overwrite them.</summary>
    public void Discard() => _staged = Size;

    /// <summary>The root of the tree of the first <paramref name="size"/> leaves (size ≤ staged, for the writer too).</summary>
    public byte[] Root(long size)
    {
        CheckSize(size, _staged);
        return size == 0 ? MerkleHash.Empty() : RangeRoot(0, size);
    }

    public byte[] LeafHash(long index)
    {
        CheckIndex(index, Size);
        return Read(0, index).ToArray();
    }

    /// <summary>RFC 6962 PATH(index, D[size]), bottom-up, the same as <see cref="MerkleTree.InclusionProof"/>.</summary>
    public List<byte[]> InclusionProof(long index, long size)
    {
        CheckSize(size, Size);
        CheckIndex(index, size);
        var path = new List<byte[]>(64);
        long start = 0;
        var end = size;
        while (end - start > 1)
        {
            var k = LargestPowerOfTwoBelow(end - start);
            if (index < start + k)
            {
                path.Add(RangeRoot(start + k, end));
                end = start + k;
            }
            else
            {
                path.Add(Node(start, k));
                start += k;
            }
        }

        path.Reverse();
        return path;
    }

    /// <summary>RFC 6962 PROOF(from, D[to]), the same as <see cref="MerkleTree.ConsistencyProof"/>; empty for from = 0 or from = to.</summary>
    public List<byte[]> ConsistencyProof(long from, long to)
    {
        CheckSize(to, Size);
        if (from < 0 || from > to)
        {
            throw new ArgumentOutOfRangeException(nameof(from), "from must lie between 0 and to");
        }

        var proof = new List<byte[]>(64);
        if (from == 0 || from == to)
        {
            return proof;
        }

        // SUBPROOF(m, D[start:end], whole) unrolled: each step pushes after its recursive call, so collect top-down and reverse.
        long start = 0;
        var end = to;
        var m = from;
        var whole = true;
        while (true)
        {
            var length = end - start;
            if (m == length)
            {
                if (!whole)
                {
                    proof.Add(RangeRoot(start, end));
                }

                break;
            }

            var k = LargestPowerOfTwoBelow(length);
            if (m <= k)
            {
                proof.Add(RangeRoot(start + k, end));
                end = start + k;
            }
            else
            {
                proof.Add(Node(start, k));
                m -= k;
                start += k;
                whole = false;
            }
        }

        proof.Reverse();
        return proof;
    }

    /// <summary>The first leaf index below <paramref name="size"/> whose hash is <paramref name="leafHash"/>, or −1.</summary>
    public long IndexOf(ReadOnlySpan<byte> leafHash, long size)
    {
        CheckSize(size, Size);
        if (leafHash.Length != HashSize)
        {
            return -1;
        }

        var head = MemoryMarshal.Read<ulong>(leafHash);
        var chunks = Volatile.Read(ref _levels[0]);
        for (long i = 0; i < size; i++)
        {
            var slot = chunks[i >> ChunkBits]!.AsSpan((int)(i & ChunkMask) * HashSize, HashSize);
            if (MemoryMarshal.Read<ulong>(slot) == head && slot.SequenceEqual(leafHash))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// The hashes of tile <paramref name="tileLevel"/>/<paramref name="tileIndex"/> of a tree of <paramref name="size"/>
    /// leaves (C2SP tlog-tiles: tree level 8·L, nodes 256·N …), concatenated; empty when the tile has none yet.
    /// </summary>
    public byte[] TileHashes(int tileLevel, long tileIndex, long size)
    {
        CheckSize(size, _staged);
        var level = tileLevel * LedgerTile.Height;
        var count = level >= MaxLevels ? 0 : size >> level;
        var first = tileIndex * LedgerTile.FullWidth;
        var width = (int)Math.Clamp(count - first, 0, LedgerTile.FullWidth);
        var hashes = new byte[width * HashSize];
        for (var i = 0; i < width; i++)
        {
            Read(level, first + i).CopyTo(hashes.AsSpan(i * HashSize));
        }

        return hashes;
    }

    /// <summary>The largest power of two strictly below n (n ≥ 2): RFC 6962's split point k.</summary>
    internal static long LargestPowerOfTwoBelow(long n) => 1L << (63 - BitOperations.LeadingZeroCount((ulong)(n - 1)));

    /// <summary>
    /// The hash of leaves [start, end) where start is a multiple of a power of two at least end − start (true of every
    /// range RFC 6962's recursion visits): its pieces are complete subtrees of decreasing size, folded from the right.
    /// </summary>
    private byte[] RangeRoot(long start, long end)
    {
        Span<byte> buffer = stackalloc byte[1 + (2 * HashSize)];
        buffer[0] = 0x01;
        var acc = new byte[HashSize];
        var first = true;
        var position = end;
        while (position > start)
        {
            var level = BitOperations.TrailingZeroCount(position - start);
            var piece = 1L << level;
            var node = Read(level, (position - piece) >> level);
            if (first)
            {
                node.CopyTo(acc);
                first = false;
            }
            else
            {
                node.CopyTo(buffer[1..]);
                acc.CopyTo(buffer[(1 + HashSize)..]);
                SHA256.HashData(buffer, acc);
            }

            position -= piece;
        }

        return acc;
    }

    /// <summary>The stored root of the complete subtree of <paramref name="width"/> (a power of two) leaves from <paramref name="start"/>.</summary>
    private byte[] Node(long start, long width)
    {
        var level = BitOperations.TrailingZeroCount(width);
        return Read(level, start >> level).ToArray();
    }

    private ReadOnlySpan<byte> Read(int level, long index)
    {
        var chunks = Volatile.Read(ref _levels[level]);
        return chunks[index >> ChunkBits]!.AsSpan((int)(index & ChunkMask) * HashSize, HashSize);
    }

    /// <summary>The writer's slot for a node, growing the level by a chunk when needed.</summary>
    private Span<byte> Slot(int level, long index)
    {
        var chunk = index >> ChunkBits;
        var chunks = _levels[level];
        if (chunk >= chunks.Length)
        {
            // Readers keep the old array (its chunks are the same objects); they see the new one with the next publish.
            var grown = new byte[]?[Math.Max(chunk + 1, chunks.Length * 2)];
            Array.Copy(chunks, grown, chunks.Length);
            Volatile.Write(ref _levels[level], grown);
            chunks = grown;
        }

        // Chunks are allocated as the level reaches them; no reader looks at one before a publish covers it.
        var hashes = chunks[chunk] ??= new byte[ChunkHashes * HashSize];
        return hashes.AsSpan((int)(index & ChunkMask) * HashSize, HashSize);
    }

    private static void CheckSize(long size, long limit)
    {
        if (size < 0 || size > limit)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, $"the tree holds {limit} leaves");
        }
    }

    private static void CheckIndex(long index, long size)
    {
        if (index < 0 || index >= size)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"the index must lie inside a tree of {size} leaves");
        }
    }
}
