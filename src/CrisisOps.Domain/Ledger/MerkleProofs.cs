namespace CrisisOps.Domain.Ledger;

/// <summary>The outcome of checking a proof: valid, or the precise reason it is not.</summary>
public sealed record ProofCheck(bool IsValid, string? Problem)
{
    public static ProofCheck Valid { get; } = new(true, null);

    public static ProofCheck Invalid(string problem) => new(false, problem);
}

/// <summary>
/// Verification of inclusion and consistency proofs as RFC 9162 §2.1.3.2 and §2.1.4.2 give them: anyone
/// holding a signed tree head can check, without trusting the server, that an entry is in the log and that
/// a later tree extends an earlier one.
/// </summary>
public static class MerkleProofs
{
    public static ProofCheck VerifyInclusion(long index, long size, byte[] leafHash, IReadOnlyList<byte[]> proof, byte[] root)
    {
        if (leafHash.Length != MerkleHash.Size || root.Length != MerkleHash.Size || proof.Any(p => p.Length != MerkleHash.Size))
        {
            return ProofCheck.Invalid($"hash length must be {MerkleHash.Size}");
        }

        if (index < 0 || index >= size)
        {
            return ProofCheck.Invalid($"index {index} is not inside a tree of size {size}");
        }

        var fn = index;
        var sn = size - 1;
        var r = leafHash;
        foreach (var p in proof)
        {
            if (sn == 0)
            {
                return ProofCheck.Invalid("the proof is longer than the path from the leaf to the root");
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                r = MerkleHash.Node(p, r);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                r = MerkleHash.Node(r, p);
            }

            fn >>= 1;
            sn >>= 1;
        }

        if (sn != 0)
        {
            return ProofCheck.Invalid("the proof is shorter than the path from the leaf to the root");
        }

        return r.AsSpan().SequenceEqual(root) ? ProofCheck.Valid : ProofCheck.Invalid("the computed root differs from the tree head's root");
    }

    public static ProofCheck VerifyConsistency(long size1, long size2, IReadOnlyList<byte[]> proof, byte[] root1, byte[] root2)
    {
        if (root1.Length != MerkleHash.Size || root2.Length != MerkleHash.Size || proof.Any(p => p.Length != MerkleHash.Size))
        {
            return ProofCheck.Invalid($"hash length must be {MerkleHash.Size}");
        }

        if (size1 < 0 || size2 < size1)
        {
            return ProofCheck.Invalid($"size1 {size1} must lie between 0 and size2 {size2}");
        }

        if (size1 == size2)
        {
            return proof.Count != 0 ? ProofCheck.Invalid("trees of equal size need an empty proof")
                : root1.AsSpan().SequenceEqual(root2) ? ProofCheck.Valid
                : ProofCheck.Invalid("trees of equal size have different roots");
        }

        if (size1 == 0)
        {
            // Every tree extends the empty one.
            return proof.Count == 0 ? ProofCheck.Valid : ProofCheck.Invalid("a proof from the empty tree must be empty");
        }

        if (proof.Count == 0)
        {
            return ProofCheck.Invalid("the proof is empty");
        }

        var path = new List<byte[]>(proof.Count + 1);
        if ((size1 & (size1 - 1)) == 0)
        {
            // The first tree is a complete subtree of the second: its root starts the path.
            path.Add(root1);
        }

        path.AddRange(proof);
        var fn = size1 - 1;
        var sn = size2 - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }

        var fr = path[0];
        var sr = path[0];
        foreach (var c in path.Skip(1))
        {
            if (sn == 0)
            {
                return ProofCheck.Invalid("the proof is longer than needed");
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                fr = MerkleHash.Node(c, fr);
                sr = MerkleHash.Node(c, sr);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                sr = MerkleHash.Node(sr, c);
            }

            fn >>= 1;
            sn >>= 1;
        }

        if (sn != 0)
        {
            return ProofCheck.Invalid("the proof is shorter than needed");
        }

        if (!fr.AsSpan().SequenceEqual(root1))
        {
            return ProofCheck.Invalid("the proof does not lead to the first tree's root");
        }

        return sr.AsSpan().SequenceEqual(root2) ? ProofCheck.Valid : ProofCheck.Invalid("the proof does not lead to the second tree's root");
    }
}
