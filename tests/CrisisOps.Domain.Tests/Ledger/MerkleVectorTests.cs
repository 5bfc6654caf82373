using System.Text.Json;
using CrisisOps.Domain.Ledger;
using CrisisOps.Testing;

namespace CrisisOps.Domain.Tests.Ledger;

/// <summary>
/// The Merkle hashes and proofs against the published vectors in <c>../shared/data/merkle</c>
/// (transparency-dev/merkle, Apache-2.0): the RFC 6962 hasher, roots and proofs of an 8-leaf tree, and
/// the golden inclusion/consistency files with their mutated, must-fail variants.
/// </summary>
public sealed class MerkleVectorTests
{
    private static JsonElement Vectors() =>
        JsonDocument.Parse(File.ReadAllText(SharedData.Require("merkle", "rfc6962-vectors.json"))).RootElement;

    private static byte[] Hex(JsonElement e) => Convert.FromHexString(e.GetString()!);

    private static List<byte[]> Leaves(JsonElement v) => [.. v.GetProperty("leaf_hashes").EnumerateArray().Select(Hex)];

    [Fact]
    public void Hasher_MatchesEveryVector()
    {
        foreach (var vector in Vectors().GetProperty("hasher_vectors").EnumerateArray())
        {
            var op = vector.GetProperty("op").GetString();
            var got = op switch
            {
                "empty_root" => MerkleHash.Empty(),
                "leaf" => MerkleHash.Leaf(Convert.FromHexString(vector.GetProperty("input_hex").GetString()!)),
                "node" => MerkleHash.Node(Convert.FromHexString(vector.GetProperty("left_hex").GetString()!),
                    Convert.FromHexString(vector.GetProperty("right_hex").GetString()!)),
                _ => throw new InvalidOperationException($"unknown op {op}"),
            };
            Assert.Equal(vector.GetProperty("want").GetString(), Convert.ToHexStringLower(got));
        }
    }

    [Fact]
    public void LeafHashesAndRoots_MatchForEverySize()
    {
        var v = Vectors();
        var inputs = v.GetProperty("leaf_inputs_hex").EnumerateArray().Select(Hex).ToList();
        var leaves = Leaves(v);
        Assert.Equal(leaves.Select(Convert.ToHexStringLower), inputs.Select(i => Convert.ToHexStringLower(MerkleHash.Leaf(i))));
        var roots = v.GetProperty("root_hashes_by_tree_size").GetProperty("roots");
        for (var n = 0; n <= leaves.Count; n++)
        {
            var want = roots.ValueKind == JsonValueKind.Array ? roots[n] : roots.GetProperty(n.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(want.GetString(), Convert.ToHexStringLower(MerkleTree.Root(leaves.Take(n).ToList())));
        }
    }

    [Fact]
    public void InclusionProofs_AreProducedAndVerifiedAsPublished()
    {
        var v = Vectors();
        var leaves = Leaves(v);
        foreach (var p in v.GetProperty("inclusion_proofs").EnumerateArray())
        {
            var (index, size) = (p.GetProperty("leaf_index").GetInt64(), p.GetProperty("tree_size").GetInt64());
            var want = p.GetProperty("proof").EnumerateArray().Select(e => e.GetString()).ToList();
            Assert.Equal(want, MerkleTree.InclusionProof(leaves, index, size).Select(Convert.ToHexStringLower));
            var check = MerkleProofs.VerifyInclusion(index, size, Hex(p.GetProperty("leaf_hash")),
                [.. p.GetProperty("proof").EnumerateArray().Select(Hex)], Hex(p.GetProperty("root")));
            Assert.True(check.IsValid, check.Problem);
        }
    }

    [Fact]
    public void ConsistencyProofs_AreProducedAndVerifiedAsPublished()
    {
        var v = Vectors();
        var leaves = Leaves(v);
        foreach (var p in v.GetProperty("consistency_proofs").EnumerateArray())
        {
            var (size1, size2) = (p.GetProperty("size1").GetInt64(), p.GetProperty("size2").GetInt64());
            var want = p.GetProperty("proof").EnumerateArray().Select(e => e.GetString()).ToList();
            Assert.Equal(want, MerkleTree.ConsistencyProof(leaves, size1, size2).Select(Convert.ToHexStringLower));
            var check = MerkleProofs.VerifyConsistency(size1, size2, [.. p.GetProperty("proof").EnumerateArray().Select(Hex)],
                Hex(p.GetProperty("root1")), Hex(p.GetProperty("root2")));
            Assert.True(check.IsValid, check.Problem);
        }
    }

    [Fact]
    public void EveryProofOfEveryTreeUpToSeventeenLeaves_Verifies()
    {
        var leaves = Enumerable.Range(0, 17).Select(i => MerkleHash.Leaf([(byte)i])).ToList();
        for (var size = 1; size <= leaves.Count; size++)
        {
            var root = MerkleTree.Root(leaves.Take(size).ToList());
            for (var index = 0; index < size; index++)
            {
                Assert.True(MerkleProofs.VerifyInclusion(index, size, leaves[index], MerkleTree.InclusionProof(leaves, index, size), root).IsValid);
            }

            for (var size1 = 0; size1 <= size; size1++)
            {
                var root1 = MerkleTree.Root(leaves.Take(size1).ToList());
                var check = MerkleProofs.VerifyConsistency(size1, size, MerkleTree.ConsistencyProof(leaves, size1, size), root1, root);
                Assert.True(check.IsValid, $"{size1}→{size}: {check.Problem}");
            }
        }
    }

    public static TheoryData<string> GoldenFiles()
    {
        var data = new TheoryData<string>();
        var root = Path.GetFullPath(Path.Combine(RepositoryFiles.Root, "..", "shared", "data", "merkle", "transparency-dev-testdata"));
        if (!Directory.Exists(root))
        {
            data.Add("(missing)");
            return data;
        }

        foreach (var file in Directory.EnumerateFiles(root, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(root, file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(GoldenFiles))]
    public void GoldenFile_VerifiesExactlyWhenItShould(string file)
    {
        var path = SharedData.Require("merkle", "transparency-dev-testdata", file);
        var v = JsonDocument.Parse(File.ReadAllText(path)).RootElement;
        static byte[] B64(JsonElement e) => Convert.FromBase64String(e.GetString() ?? "");
        // Sizes are unsigned 64-bit upstream; beyond our long they are out of range anyway.
        static long Size(JsonElement e) => e.GetUInt64() is var u && u > long.MaxValue ? long.MaxValue : (long)u;
        static List<byte[]> Proof(JsonElement e) => e.ValueKind == JsonValueKind.Array ? [.. e.EnumerateArray().Select(B64)] : [];

        var check = file.StartsWith("inclusion", StringComparison.Ordinal)
            ? MerkleProofs.VerifyInclusion(Size(v.GetProperty("leafIdx")), Size(v.GetProperty("treeSize")), B64(v.GetProperty("leafHash")),
                Proof(v.GetProperty("proof")), B64(v.GetProperty("root")))
            : MerkleProofs.VerifyConsistency(Size(v.GetProperty("size1")), Size(v.GetProperty("size2")), Proof(v.GetProperty("proof")),
                B64(v.GetProperty("root1")), B64(v.GetProperty("root2")));

        Assert.True(check.IsValid != v.GetProperty("wantErr").GetBoolean(), $"{v.GetProperty("desc").GetString()}: {check.Problem ?? "valid"}");
    }
}
