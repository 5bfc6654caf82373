using System.Security.Cryptography;
using CrisisOps.Domain.Ledger;
using CrisisOps.Server.Features.Ledger;

namespace CrisisOps.Server.Tests.Features.Ledger;

/// <summary>The in-memory tree against the RFC 6962 definition (<see cref="MerkleTree"/>) for every size up to 2,000.</summary>
public sealed class LogTreeTests
{
    private const int Leaves = 2000;
    private static readonly List<byte[]> Hashes = [.. Enumerable.Range(0, Leaves).Select(i => MerkleHash.Leaf(BitConverter.GetBytes(i * 7919)))];

    private static MerkleLevels Tree(int count)
    {
        var tree = new MerkleLevels();
        foreach (var hash in Hashes.Take(count))
        {
            tree.AppendLeaf(hash);
        }

        tree.Publish();
        return tree;
    }

    [Fact]
    public void Root_WhenEveryPrefixIsAsked_EqualsTheReference()
    {
        var tree = new MerkleLevels();
        Assert.Equal(MerkleHash.Empty(), tree.Root(0));

        // Grown one leaf at a time, the root of every size is the reference root of that prefix.
        var prefix = new List<byte[]>();
        for (var n = 1; n <= Leaves; n++)
        {
            tree.AppendLeaf(Hashes[n - 1]);
            prefix.Add(Hashes[n - 1]);
            if (n <= 300 || n % 97 == 0 || n == Leaves)
            {
                Assert.Equal(MerkleTree.Root(prefix), tree.Root(n));
            }
        }
    }

    [Fact]
    public void InclusionProof_WhenRandomSizesAndIndexes_EqualsTheReferenceAndVerifies()
    {
        var tree = Tree(Leaves);
        var random = new Random(8);
        var sizes = Enumerable.Range(1, 64).Concat([255, 256, 257, 511, 512, 513, 1023, 1024, 1025, Leaves]).Concat(Enumerable.Range(0, 150).Select(_ => random.Next(1, Leaves + 1)));
        foreach (var size in sizes)
        {
            var root = tree.Root(size);
            foreach (var index in new[] { 0, size - 1, random.Next(size), random.Next(size) }.Distinct())
            {
                var proof = tree.InclusionProof(index, size);
                Assert.Equal(MerkleTree.InclusionProof(Hashes, index, size), proof);
                Assert.True(MerkleProofs.VerifyInclusion(index, size, Hashes[index], proof, root).IsValid, $"leaf {index} of {size}");
            }
        }
    }

    [Fact]
    public void ConsistencyProof_WhenRandomSizePairs_EqualsTheReferenceAndVerifies()
    {
        var tree = Tree(Leaves);
        var random = new Random(9);
        var pairs = new List<(int, int)> { (0, 0), (0, 5), (5, 5), (1, 2), (3, 7), (4, 8), (255, 256), (256, 257), (256, 1024), (1000, Leaves) };
        for (var i = 0; i < 200; i++)
        {
            var to = random.Next(0, Leaves + 1);
            pairs.Add((random.Next(0, to + 1), to));
        }

        foreach (var (from, to) in pairs)
        {
            var proof = tree.ConsistencyProof(from, to);
            Assert.Equal(MerkleTree.ConsistencyProof(Hashes, from, to), proof);
            Assert.True(MerkleProofs.VerifyConsistency(from, to, proof, tree.Root(from), tree.Root(to)).IsValid, $"{from} → {to}");
        }
    }

    [Fact]
    public void Publish_WhenLeavesAreStaged_ReadersSeeThemOnlyAfterwardAndDiscardForgetsThem()
    {
        var tree = Tree(10);
        tree.AppendLeaf(Hashes[10]);
        tree.AppendLeaf(Hashes[11]);
        Assert.Equal(10, tree.Size);
        Assert.Equal(12, tree.Staged);
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.InclusionProof(11, 12));

        tree.Discard();
        Assert.Equal(10, tree.Staged);
        tree.AppendLeaf(Hashes[10]);
        tree.Publish();
        Assert.Equal(11, tree.Size);
        Assert.Equal(MerkleTree.Root(Hashes.Take(11).ToList()), tree.Root(11));
    }

    [Fact]
    public void IndexOf_WhenHashIsInsideOrOutsideTheSize_FindsTheFirstLeafOrNone()
    {
        var tree = Tree(600);
        Assert.Equal(517, tree.IndexOf(Hashes[517], 600));
        Assert.Equal(-1, tree.IndexOf(Hashes[517], 517));
        Assert.Equal(-1, tree.IndexOf(SHA256.HashData([1, 2, 3]), 600));
    }

    [Fact]
    public void TileHashes_WhenTreeSpansTiles_HoldLeavesAndTheRootsOf256LeafSubtrees()
    {
        var tree = Tree(Leaves);
        Assert.Equal(Hashes.Skip(256).Take(256).SelectMany(h => h).ToArray(), tree.TileHashes(0, 1, Leaves));
        Assert.Equal((Leaves % 256) * 32, tree.TileHashes(0, Leaves / 256, Leaves).Length);

        // Level 1 holds tree level 8: one hash per complete run of 256 leaves.
        var level1 = tree.TileHashes(1, 0, Leaves);
        Assert.Equal(Leaves / 256 * 32, level1.Length);
        for (var i = 0; i < Leaves / 256; i++)
        {
            Assert.Equal(MerkleTree.Root(Hashes.Skip(i * 256).Take(256).ToList()), level1.AsSpan(i * 32, 32).ToArray());
        }

        Assert.Empty(tree.TileHashes(2, 0, Leaves));
    }
}
