using System.Globalization;

namespace CrisisOps.Domain.Ledger;

/// <summary>
/// A checkpoint (signed tree head): a C2SP tlog-checkpoint body — <c>origin\nsize\nbase64(root)\n</c> plus our one
/// extension line <c>time &lt;UTC ISO 8601&gt;\n</c> — in a <see cref="SignedNote"/> signed with the ledger's key.
/// </summary>
public sealed record SignedCheckpoint(string Origin, long Size, byte[] RootHash, DateTimeOffset Time)
{
    private const string TimePrefix = "time ";

    /// <summary>The body lines the signature covers.</summary>
    public string Body() => string.Create(CultureInfo.InvariantCulture,
        $"{Origin}\n{Size}\n{Convert.ToBase64String(RootHash)}\n{TimePrefix}{LedgerEntry.FormatTime(Time)}\n");

    /// <summary>The signed note as published.</summary>
    public string Sign(LedgerSigningKey key) => SignedNote.Sign(Body(), key);

    /// <summary>Checks the note's signature by the key and parses the checkpoint, or says precisely what is wrong.</summary>
    public static (SignedCheckpoint? Checkpoint, string? Problem) Open(string note, LedgerVerifierKey key)
    {
        var (text, problem) = SignedNote.Open(note, key);
        if (text is null)
        {
            return (null, problem);
        }

        var lines = text.TrimEnd('\n').Split('\n');
        if (lines.Length < 3)
        {
            return (null, "the checkpoint needs an origin, a size and a root hash");
        }

        if (!long.TryParse(lines[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size))
        {
            return (null, $"the size \"{lines[1]}\" is not a decimal number");
        }

        byte[] root;
        try
        {
            root = Convert.FromBase64String(lines[2]);
        }
        catch (FormatException)
        {
            return (null, "the root hash is not base64");
        }

        if (root.Length != MerkleHash.Size)
        {
            return (null, $"the root hash has {root.Length} bytes, not 32");
        }

        var time = DateTimeOffset.MinValue;
        var timeLine = lines.Skip(3).FirstOrDefault(l => l.StartsWith(TimePrefix, StringComparison.Ordinal));
        if (timeLine is not null && !DateTimeOffset.TryParse(timeLine[TimePrefix.Length..], CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time))
        {
            return (null, $"the line \"{timeLine}\" holds no time");
        }

        return (new SignedCheckpoint(lines[0], size, root, time), null);
    }
}
