namespace CrisisOps.Domain.Ledger;

/// <summary>
/// The Merkle tree hash and the proofs of RFC 6962 §2.1 computed from a list of leaf hashes: the
/// definition itself, used as the reference the stored tree is checked against and by offline
/// verification that recomputes a log from its entries.
/// </summary>
public static class MerkleTree
{
    /// <summary>MTH(D[n]) over the leaf hashes.</summary>
    public static byte[] Root(IReadOnlyList<byte[]> leaves) => Root(leaves, 0, leaves.Count);

    /// <summary>The audit path of leaf <paramref name="index"/> in the tree of the first <paramref name="size"/> leaves, bottom-up.</summary>
    public static IReadOnlyList<byte[]> InclusionProof(IReadOnlyList<byte[]> leaves, long index, long size)
    {
        Check(size <= leaves.Count, "size exceeds the leaves given");
        Check(index >= 0 && index < size, "index must lie inside the tree");
        var proof = new List<byte[]>();
        Path((int)index, 0, (int)size, leaves, proof);
        return proof;
    }

    /// <summary>The consistency proof between the trees of the first <paramref name="size1"/> and <paramref name="size2"/> leaves.</summary>
    public static IReadOnlyList<byte[]> ConsistencyProof(IReadOnlyList<byte[]> leaves, long size1, long size2)
    {
        Check(size2 <= leaves.Count, "size2 exceeds the leaves given");
        Check(size1 >= 0 && size1 <= size2, "size1 must lie between 0 and size2");
        var proof = new List<byte[]>();
        if (size1 > 0 && size1 < size2)
        {
            SubProof((int)size1, 0, (int)size2, true, leaves, proof);
        }

        return proof;
    }

    private static byte[] Root(IReadOnlyList<byte[]> leaves, int start, int end)
    {
        var n = end - start;
        if (n == 0)
        {
            return MerkleHash.Empty();
        }

        if (n == 1)
        {
            return leaves[start];
        }

        var k = LargestPowerOfTwoBelow(n);
        return MerkleHash.Node(Root(leaves, start, start + k), Root(leaves, start + k, end));
    }

    // PATH(m, D[start:end]) of RFC 6962 §2.1.1: the sibling subtree roots from the leaf upwards.
    private static void Path(int m, int start, int end, IReadOnlyList<byte[]> leaves, List<byte[]> proof)
    {
        var n = end - start;
        if (n <= 1)
        {
            return;
        }

        var k = LargestPowerOfTwoBelow(n);
        if (m < k)
        {
            Path(m, start, start + k, leaves, proof);
            proof.Add(Root(leaves, start + k, end));
        }
        else
        {
            Path(m - k, start + k, end, leaves, proof);
            proof.Add(Root(leaves, start, start + k));
        }
    }

    // SUBPROOF(m, D[start:end], b) of RFC 6962 §2.1.2.
    private static void SubProof(int m, int start, int end, bool whole, IReadOnlyList<byte[]> leaves, List<byte[]> proof)
    {
        var n = end - start;
        if (m == n)
        {
            if (!whole)
            {
                proof.Add(Root(leaves, start, end));
            }

            return;
        }

        var k = LargestPowerOfTwoBelow(n);
        if (m <= k)
        {
            SubProof(m, start, start + k, whole, leaves, proof);
            proof.Add(Root(leaves, start + k, end));
        }
        else
        {
            SubProof(m - k, start + k, end, false, leaves, proof);
            proof.Add(Root(leaves, start, start + k));
        }
    }

    /// <summary>The largest power of two strictly smaller than <paramref name="n"/> (n ≥ 2).</summary>
    internal static int LargestPowerOfTwoBelow(int n)
    {
        var k = 1;
        while (k << 1 < n)
        {
            k <<= 1;
        }

        return k;
    }

    private static void Check(bool condition, string problem)
    {
        if (!condition)
        {
            throw new ArgumentOutOfRangeException(null, problem);
        }
    }
}
