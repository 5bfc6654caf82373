using CrisisOps.Domain.Ledger;

namespace CrisisOps.Domain.Tests.Ledger;

/// <summary>
/// The signed-note format against the example Go's golang.org/x/mod/sumdb/note publishes (Ed25519 is
/// deterministic, so our signature must be theirs byte for byte), and our checkpoints on top of it.
/// </summary>
public sealed class SignedNoteTests
{
    private const string GoSignerKey = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    private const string GoVerifierKey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    private const string GoText = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
    private const string GoNote = GoText + "\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

    [Fact]
    public void Sign_GoExample_ReproducesThePublishedNote()
    {
        using var key = LedgerSigningKey.ParseText(GoSignerKey);

        Assert.Equal(GoVerifierKey, key.VerifierKey.ToString());
        Assert.Equal(GoSignerKey, key.ExportText());
        Assert.Equal(GoNote, SignedNote.Sign(GoText, key));
    }

    [Fact]
    public void Open_GoExample_VerifiesAndAnAlteredNoteDoesNot()
    {
        var key = LedgerVerifierKey.Parse(GoVerifierKey);

        Assert.Equal(GoText, SignedNote.Open(GoNote, key).Text);
        var (text, problem) = SignedNote.Open(GoNote.Replace("cryptography", "cryptographY", StringComparison.Ordinal), key);
        Assert.Null(text);
        Assert.Contains("does not verify", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_NoteSignedByAnotherKey_SaysWhichKeyIsMissing()
    {
        using var other = LedgerSigningKey.Generate("PeterNeumann");
        var note = SignedNote.Sign(GoText, other);

        var (text, problem) = SignedNote.Open(note, LedgerVerifierKey.Parse(GoVerifierKey));

        Assert.Null(text);
        Assert.Contains("no signature by the key PeterNeumann+c74f20a3", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")]
    [InlineData("PeterNeumann+c74f20a3+AhpcxQcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")]
    [InlineData("PeterNeumann+c74f20a3")]
    [InlineData("Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")]
    public void ParseVerifierKey_Mangled_IsRefused(string text)
    {
        Assert.Throws<FormatException>(() => LedgerVerifierKey.Parse(text));
    }

    [Fact]
    public void Checkpoint_SignedAndOpened_RoundTrips_AndATamperedSizeFails()
    {
        using var key = LedgerSigningKey.Generate("crisisops.example/ledger");
        var root = MerkleHash.Node([1, 2], [3]);
        var checkpoint = new SignedCheckpoint("crisisops.example/ledger", 42, root, new DateTimeOffset(2026, 7, 12, 8, 0, 1, TimeSpan.Zero));

        var note = checkpoint.Sign(key);
        var (opened, problem) = SignedCheckpoint.Open(note, key.VerifierKey);

        Assert.Null(problem);
        Assert.StartsWith("crisisops.example/ledger\n42\n", note, StringComparison.Ordinal);
        Assert.Equal(42, opened!.Size);
        Assert.Equal(root, opened.RootHash);
        Assert.Equal(checkpoint.Time, opened.Time);
        Assert.NotNull(SignedCheckpoint.Open(note.Replace("\n42\n", "\n43\n", StringComparison.Ordinal), key.VerifierKey).Problem);
    }
}
