namespace CrisisOps.Domain.Ledger.Audit;

/// <summary>
/// Tree roots of many prefix sizes in one pass over the leaves: the leaves are folded into a stack of complete
/// subtrees (a compact range, as Trillian's merkle package keeps one), and at each size the stack folded right to
/// left is RFC 6962's MTH — so checking every checkpoint costs O(n + checkpoints · log n), not O(n) each.
/// </summary>
internal static class CompactRange
{
    /// <summary>The root for each of the ascending <paramref name="sizes"/>; null from the first size that needs a leaf <paramref name="leaf"/> does not know.</summary>
    public static Dictionary<long, byte[]?> Roots(Func<long, byte[]?> leaf, IEnumerable<long> sizes)
    {
        var roots = new Dictionary<long, byte[]?>();
        var stack = new List<(byte[] Hash, long Count)>();
        long next = 0;
        var broken = false;
        foreach (var size in sizes.Distinct().Order())
        {
            while (!broken && next < size)
            {
                if (leaf(next) is not { } hash)
                {
                    broken = true;
                    break;
                }

                stack.Add((hash, 1));
                while (stack.Count >= 2 && stack[^1].Count == stack[^2].Count)
                {
                    var right = stack[^1];
                    var left = stack[^2];
                    stack.RemoveRange(stack.Count - 2, 2);
                    stack.Add((MerkleHash.Node(left.Hash, right.Hash), left.Count * 2));
                }

                next++;
            }

            roots[size] = broken ? null : Fold(stack);
        }

        return roots;
    }

    private static byte[] Fold(List<(byte[] Hash, long Count)> stack)
    {
        if (stack.Count == 0)
        {
            return MerkleHash.Empty();
        }

        var root = stack[^1].Hash;
        for (var k = stack.Count - 2; k >= 0; k--)
        {
            root = MerkleHash.Node(stack[k].Hash, root);
        }

        return root;
    }
}
