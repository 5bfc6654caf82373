using System.Security.Cryptography;

namespace CrisisOps.Domain.Ledger;

/// <summary>
/// The hashes of RFC 6962 §2.1 / RFC 9162 §2.1 with SHA-256. Leaves and inner nodes get different
/// one-byte prefixes so that no leaf can be passed off as a node (second-preimage resistance).
/// </summary>
public static class MerkleHash
{
    public const int Size = 32;

    private const byte LeafPrefix = 0x00;
    private const byte NodePrefix = 0x01;

    /// <summary>The root of the empty tree: SHA-256 of nothing.</summary>
    public static byte[] Empty() => SHA256.HashData(ReadOnlySpan<byte>.Empty);

    /// <summary>SHA-256(0x00 ‖ entry).</summary>
    public static byte[] Leaf(ReadOnlySpan<byte> entry)
    {
        Span<byte> buffer = entry.Length < 2048 ? stackalloc byte[entry.Length + 1] : new byte[entry.Length + 1];
        buffer[0] = LeafPrefix;
        entry.CopyTo(buffer[1..]);
        return SHA256.HashData(buffer);
    }

    /// <summary>SHA-256(0x01 ‖ left ‖ right). Children are normally 32-byte hashes; the definition takes any bytes.</summary>
    public static byte[] Node(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        var length = 1 + left.Length + right.Length;
        Span<byte> buffer = length <= 1 + 2 * Size ? stackalloc byte[length] : new byte[length];
        buffer[0] = NodePrefix;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[(1 + left.Length)..]);
        return SHA256.HashData(buffer);
    }
}
