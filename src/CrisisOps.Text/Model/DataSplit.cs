using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace CrisisOps.Text.Model;

/// <summary>
/// The stable, stratified split that every figure in docs/opinion-model.md is measured on. Each row gets a key: the
/// first 8 bytes (big-endian) of SHA-256 over the UTF-8 of <c>salt + "\n" + label + "\n" + text</c>. Within each class
/// the rows are ordered by key (then by line), and the first round(fraction × class size) are held back. The split
/// depends only on the rows themselves — not on their order, the seed, or the machine — and identical rows always land
/// on the same side, so a duplicated review cannot leak from training into the held-back part.
/// </summary>
public static class DataSplit
{
    /// <summary>The salt of the documented held-back 20 % (the test split).</summary>
    public const string HeldBackSalt = "crisisops-heldback-v1";

    /// <summary>The salt of the validation split inside the training 80 %, used for tuning and never the held-back part.</summary>
    public const string ValidationSalt = "crisisops-validation-v1";

    public const double HeldBackFraction = 0.2;

    /// <summary>Splits rows into the part to train on and the part held back.</summary>
    public static (IReadOnlyList<LabelledText> Train, IReadOnlyList<LabelledText> HeldBack) Stratified(
        IReadOnlyList<LabelledText> rows, double fraction = HeldBackFraction, string salt = HeldBackSalt)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(fraction);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fraction, 1);
        var train = new List<LabelledText>();
        var heldBack = new List<LabelledText>();
        foreach (var positive in new[] { false, true })
        {
            var keyed = rows.Where(r => r.Positive == positive).Select(r => (Key: Key(r, salt), Row: r))
                .OrderBy(k => k.Key).ThenBy(k => k.Row.Line).ToList();
            var held = (int)Math.Round(fraction * keyed.Count, MidpointRounding.AwayFromZero);
            heldBack.AddRange(keyed.Take(held).Select(k => k.Row));
            train.AddRange(keyed.Skip(held).Select(k => k.Row));
        }

        // Back in file order, so the result does not depend on how the classes were visited.
        return ([.. train.OrderBy(r => r.Line)], [.. heldBack.OrderBy(r => r.Line)]);
    }

    private static ulong Key(LabelledText row, string salt)
    {
        var bytes = Encoding.UTF8.GetBytes(salt + "\n" + (row.Positive ? "1" : "0") + "\n" + row.Text);
        return BinaryPrimitives.ReadUInt64BigEndian(SHA256.HashData(bytes));
    }
}
