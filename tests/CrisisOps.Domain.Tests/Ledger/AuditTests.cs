using CrisisOps.Domain.Ledger;
using CrisisOps.Domain.Ledger.Audit;

namespace CrisisOps.Domain.Tests.Ledger;

/// <summary>
/// <see cref="LedgerAuditor"/> against a log built by the reference definitions (<see cref="AuditTestLog"/>): a clean
/// log passes at every size, and each way of tampering with it is found and named at its place, with nothing else.
/// </summary>
public sealed class AuditTests : IDisposable
{
    private readonly AuditTestLog log = new();

    public void Dispose() => log.Dispose();

    private static AuditFinding Only(AuditReport report) => Assert.Single(report.Findings);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(256)]
    [InlineData(257)]
    [InlineData(600)]
    public async Task Verify_CleanLog_PassesAndRemembersTheLatestCheckpoint(int size)
    {
        log.Append(size / 3).Append(size / 3).Append(size - 2 * (size / 3));

        var report = await log.VerifyAsync();

        Assert.True(report.Passed, string.Join("\n", report.Findings.Select(f => f.Describe())));
        Assert.Equal(size, report.TreeSize);
        Assert.Equal(size, report.Entries);
        Assert.Equal(log.RootOf(size), report.RootHash);
        Assert.Equal(log.Checkpoints.Count, report.Checkpoints);
        Assert.Equal(size, report.NextState.Size);
        Assert.Equal(Convert.ToBase64String(log.RootOf(size)), report.NextState.RootHash);
        Assert.Equal(log.VerifierKey.ToString(), report.NextState.VerifierKey);
        Assert.Equal(size >= 256 ? (size + 255) / 256 + 1 : (size + 255) / 256, report.Tiles);
    }

    [Fact]
    public async Task Verify_EveryPrefixSizeSigned_RootsMatchTheReference()
    {
        // A checkpoint at every size 1…70 exercises every shape of the right edge of the tree.
        for (var n = 0; n < 70; n++)
        {
            log.Append(1);
        }

        var report = await log.VerifyAsync();

        Assert.True(report.Passed, string.Join("\n", report.Findings.Select(f => f.Describe())));
        Assert.Equal(70, report.Checkpoints);
    }

    [Fact]
    public async Task Verify_EditedBody_NamesTheLeafTheEntryAndBothHashes()
    {
        log.Append(30);
        var original = log.Entries[17].Body!;
        log.EditBody(17, original.Replace("\"quantity\":\"27\"", "\"quantity\":\"2700\"", StringComparison.Ordinal));

        var finding = Only(await log.VerifyAsync());

        Assert.Equal(AuditFindingKind.LeafMismatch, finding.Kind);
        Assert.Equal(17, finding.Index);
        Assert.Equal(117, finding.EntryId);
        Assert.Equal(Convert.ToBase64String(AuditTestLog.LeafOf(log.Entries[17].Body!)), finding.Found);
        Assert.Equal(Convert.ToBase64String(AuditTestLog.LeafOf(original)), finding.Expected);
        Assert.StartsWith("leaf 17 (entry 117): the body hashes to ", finding.Describe(), StringComparison.Ordinal);
        Assert.Contains(", the tree holds ", finding.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_EditedBodyAndRecordedHash_StillNamesTheLeaf()
    {
        log.Append(30);
        var body = AuditTestLog.Body(999);
        log.Entries[17] = log.Entries[17] with { Body = body, LeafHash = AuditTestLog.LeafOf(body) };

        var finding = Only(await log.VerifyAsync());

        Assert.Equal(AuditFindingKind.LeafMismatch, finding.Kind);
        Assert.Equal(17, finding.Index);
    }

    [Fact]
    public async Task Verify_EntryGoneButLeafStays_SaysWhichEntryIsMissing()
    {
        log.Append(50);
        log.Entries[40] = log.Entries[40] with { Body = null };

        var finding = Only(await log.VerifyAsync());

        Assert.Equal(AuditFindingKind.EntryMissing, finding.Kind);
        Assert.Equal("entry at index 40 missing: the leaf names entry 140, which is not there", finding.Describe());
    }

    [Fact]
    public async Task Verify_LeafDeleted_SaysTheIndexIsMissing()
    {
        log.Append(50);
        log.Entries.RemoveAt(40);

        var finding = Only(await log.VerifyAsync());

        Assert.Equal(AuditFindingKind.EntryMissing, finding.Kind);
        Assert.Equal("entry at index 40 missing", finding.Describe());
    }

    [Fact]
    public async Task Verify_EntryAndItsStoredHashGone_CannotCheckLaterCheckpoints()
    {
        log.Append(10).Append(10);
        log.Entries.RemoveAt(12);
        log.SetTileHash(0, 0, 12, new byte[MerkleHash.Size]);
        log.Tiles[(0, 0)] = log.Tiles[(0, 0)][..(12 * MerkleHash.Size)];

        var report = await log.VerifyAsync();

        Assert.Contains(report.Findings, f => f is { Kind: AuditFindingKind.EntryMissing, Index: 12 });
        Assert.Contains(report.Findings, f => f is { Kind: AuditFindingKind.TileMissing, Level: 0, Index: 0 });
        Assert.Contains(report.Findings, f => f is { Kind: AuditFindingKind.Unverifiable, Index: 13 });
        Assert.False(report.Passed);
    }

    [Fact]
    public async Task Verify_TwoBodiesSwapped_NamesBothLeavesAsReordered()
    {
        log.Append(10);
        var (third, fourth) = (log.Entries[3].Body, log.Entries[4].Body);
        log.EditBody(3, fourth!);
        log.EditBody(4, third!);

        var report = await log.VerifyAsync();

        Assert.Equal(2, report.Findings.Count);
        Assert.All(report.Findings, f => Assert.Equal(AuditFindingKind.LeafMismatch, f.Kind));
        Assert.Equal([(3L, 4L), (4L, 3L)], report.Findings.Select(f => (f.Index!.Value, f.Other!.Value)));
        Assert.Contains("(the hash of leaf 4's body: entries reordered)", report.Findings[0].Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_LeavesSwappedInTheTreeAndResigned_IsInconsistentWithTheEarlierCheckpoint()
    {
        // The operator swaps two leaves, rebuilds the tree and signs again: the new checkpoint is the tree of the
        // entries, but the one signed before is not a prefix of it.
        log.Append(10).Append(5);
        (log.Entries[3], log.Entries[4]) = (log.Entries[4] with { Index = 3 }, log.Entries[3] with { Index = 4 });
        log.RebuildTiles();
        log.SignCheckpoint();

        var finding = Only(await log.VerifyAsync());

        Assert.Equal(AuditFindingKind.CheckpointInconsistent, finding.Kind);
        Assert.StartsWith("checkpoint 15 not consistent with 10", finding.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_LeafTileHashEdited_NamesTheTileAndPosition()
    {
        log.Append(300);
        log.SetTileHash(0, 1, 5, AuditTestLog.LeafOf("{}"));

        var finding = Only(await log.VerifyAsync());

        Assert.Equal(AuditFindingKind.TileHash, finding.Kind);
        Assert.Equal("tile 0/1 hash 5 differs", finding.Describe()[..23]);
        Assert.Equal(0, finding.Level);
        Assert.Equal(1, finding.Index);
        Assert.Equal(5, finding.Position);
        Assert.Equal(Convert.ToBase64String(AuditTestLog.LeafOf("{}")), finding.Found);
    }

    [Fact]
    public async Task Verify_UpperTileHashEdited_NamesTheTile()
    {
        log.Append(600);
        log.SetTileHash(1, 0, 1, AuditTestLog.LeafOf("{}"));

        var finding = Only(await log.VerifyAsync());

        Assert.Equal(AuditFindingKind.TileHash, finding.Kind);
        Assert.StartsWith("tile 1/0 hash 1 differs", finding.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_TileMissing_IsNamed()
    {
        log.Append(300);
        log.Tiles.Remove((0, 1));

        var finding = Only(await log.VerifyAsync());

        Assert.Equal(AuditFindingKind.TileMissing, finding.Kind);
        Assert.StartsWith("tile 0/1 missing or short", finding.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_CheckpointSignedByAnotherKey_SaysItsSignatureDoesNotVerify()
    {
        log.Append(96, sign: false);
        using var forger = LedgerSigningKey.Generate(log.Origin);
        log.SignCheckpoint(forger);
        log.Append(4);

        var finding = Only(await log.VerifyAsync());

        Assert.Equal(AuditFindingKind.CheckpointSignature, finding.Kind);
        Assert.StartsWith("signature of checkpoint 96 does not verify", finding.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_CheckpointNoteEdited_SignatureFails()
    {
        log.Append(96).Append(4);
        var row = log.Checkpoints[0];
        log.Checkpoints[0] = row with { Note = row.Note.Replace("\n96\n", "\n95\n", StringComparison.Ordinal) };

        var finding = Only(await log.VerifyAsync());

        Assert.Equal(AuditFindingKind.CheckpointSignature, finding.Kind);
        Assert.Equal(96, finding.Index);
        Assert.Contains("does not verify", finding.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_CheckpointRowColumnsForged_SaysRowAndNoteDiffer()
    {
        log.Append(20).Append(5);
        log.Checkpoints[0] = log.Checkpoints[0] with { RootHash = log.RootOf(19) };

        var finding = Only(await log.VerifyAsync());

        Assert.Equal(AuditFindingKind.CheckpointRow, finding.Kind);
        Assert.Equal(20, finding.Index);
    }

    [Fact]
    public async Task Verify_HistoryRewrittenAndResigned_LaterCheckpointIsNotConsistentWithTheEarlier()
    {
        log.Append(80);
        log.Rewrite(10, AuditTestLog.Body(1000));
        log.Append(40);

        var finding = Only(await log.VerifyAsync());

        Assert.Equal(AuditFindingKind.CheckpointInconsistent, finding.Kind);
        Assert.Equal(120, finding.Index);
        Assert.Equal(80, finding.Other);
        Assert.StartsWith("checkpoint 120 not consistent with 80", finding.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_LatestCheckpointNotTheTree_NamesIt()
    {
        log.Append(20).Append(10);
        var wrong = new SignedCheckpoint(log.Origin, 30, log.RootOf(29), AuditTestLog.Start.AddHours(1));
        log.Checkpoints[^1] = new AuditCheckpoint(30, wrong.RootHash, wrong.Time, wrong.Sign(log.Key));

        var report = await log.VerifyAsync();

        // The listed row and the served latest note are two different signed checkpoints of size 30: a fork, and not the tree.
        Assert.Contains(report.Findings, f => f.Kind == AuditFindingKind.CheckpointFork && f.Index == 30);
    }

    [Fact]
    public async Task Verify_CheckpointsOutOfTimeOrder_AreNamed()
    {
        log.Append(5).Append(5);
        var later = log.Checkpoints[1];
        var (checkpoint, _) = SignedCheckpoint.Open(later.Note, log.VerifierKey);
        var backdated = checkpoint! with { Time = AuditTestLog.Start.AddDays(-1) };
        log.Checkpoints[1] = new AuditCheckpoint(10, backdated.RootHash, backdated.Time, backdated.Sign(log.Key));

        var report = await log.VerifyAsync();

        Assert.Contains(report.Findings, f => f is { Kind: AuditFindingKind.CheckpointTime, Index: 10, Other: 5 });
    }

    [Fact]
    public async Task Verify_NonCanonicalBodySigned_IsNamed()
    {
        log.Append(3, sign: false);
        log.EditBody(1, log.Entries[1].Body!.Replace(",", ", ", StringComparison.Ordinal));
        log.RebuildTiles();
        log.Entries[1] = log.Entries[1] with { LeafHash = AuditTestLog.LeafOf(log.Entries[1].Body!) };
        log.SignCheckpoint();

        var finding = Only(await log.VerifyAsync());

        Assert.Equal(AuditFindingKind.EntryNotCanonical, finding.Kind);
        Assert.Equal(1, finding.Index);
    }

    [Fact]
    public async Task Verify_KindColumnDiffersFromBody_IsNamed()
    {
        log.Append(3);
        log.Entries[2] = log.Entries[2] with { Kind = LedgerEntryKinds.Donation };

        var finding = Only(await log.VerifyAsync());

        Assert.Equal(AuditFindingKind.EntryColumns, finding.Kind);
        Assert.Equal("leaf 2 (entry 102): the body says kind stock-receipt, v 1, the entry's columns say kind donation, v 1", finding.Describe());
    }

    [Fact]
    public async Task Verify_WithAnotherKey_NothingVerifies()
    {
        log.Append(5).Append(5);
        using var other = LedgerSigningKey.Generate(log.Origin);

        var report = await log.VerifyAsync(key: other.VerifierKey);

        Assert.Equal(0, report.TreeSize);
        Assert.Equal(3, report.Findings.Count); // two listed checkpoints and the latest note
        Assert.All(report.Findings, f => Assert.Equal(AuditFindingKind.CheckpointSignature, f.Kind));
        Assert.Null(report.NextState.Size);
    }

    [Fact]
    public async Task Verify_AppendedSinceTheLastRun_PassesFromTheState()
    {
        log.Append(80);
        var first = await log.VerifyAsync();
        Assert.True(first.Passed);

        log.Append(40);
        var second = await log.VerifyAsync(first.NextState);

        Assert.True(second.Passed, string.Join("\n", second.Findings.Select(f => f.Describe())));
        Assert.Equal(120, second.NextState.Size);
    }

    [Fact]
    public async Task Verify_RewrittenSinceTheLastRun_IsNotConsistentWithTheRememberedCheckpoint()
    {
        log.Append(80);
        var state = (await log.VerifyAsync()).NextState;

        // The operator rewrites leaf 10, rebuilds everything and keeps only checkpoints signed afterwards.
        log.Rewrite(10, AuditTestLog.Body(1000));
        log.Checkpoints.Clear();
        log.Append(40);
        var report = await log.VerifyAsync(state);

        Assert.Equal(2, report.Findings.Count);
        var inconsistent = report.Findings[0];
        Assert.Equal(AuditFindingKind.PreviousCheckpointInconsistent, inconsistent.Kind);
        Assert.StartsWith("checkpoint 120 not consistent with 80 seen before", inconsistent.Describe(), StringComparison.Ordinal);
        Assert.Equal(AuditFindingKind.ConsistencyProof, report.Findings[1].Kind);
        Assert.Equal(state, report.NextState);
    }

    [Fact]
    public async Task Verify_BadConsistencyProof_IsNamed()
    {
        log.Append(80);
        var state = (await log.VerifyAsync()).NextState;
        log.Append(40);

        var proofless = new ProofTamperingSource(log);
        var report = await LedgerAuditor.VerifyAsync(proofless, log.VerifierKey, state, null, CancellationToken.None);

        var finding = Only(report);
        Assert.Equal(AuditFindingKind.ConsistencyProof, finding.Kind);
        Assert.StartsWith("the source's consistency proof from 80 to 120 does not verify", finding.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_LogShrankSinceTheLastRun_IsNamed()
    {
        log.Append(80);
        var report = await log.VerifyAsync(new AuditState(log.VerifierKey.ToString(), 120, Convert.ToBase64String(log.RootOf(80))));

        Assert.Contains(report.Findings, f => f is { Kind: AuditFindingKind.LogShrank, Index: 80, Other: 120 });
    }

    [Fact]
    public async Task Verify_ReportsProgressOverEntries()
    {
        log.Append(2500);
        var seen = new List<AuditProgress>();

        await LedgerAuditor.VerifyAsync(log, log.VerifierKey, null, new SynchronousProgress(seen.Add), CancellationToken.None);

        Assert.Equal([0L, 1000L, 2000L, 2500L], seen.Select(p => p.EntriesRead));
        Assert.All(seen, p => Assert.Equal(2500, p.TreeSize));
    }

    [Fact]
    public void State_RoundTripsThroughJson_AndGarbageIsRefused()
    {
        var state = new AuditState(log.VerifierKey.ToString(), 12, Convert.ToBase64String(log.RootOf(0)), "note\n");

        Assert.Equal(state, AuditState.Parse(state.ToJson()));
        Assert.Equal(new AuditState(log.VerifierKey.ToString()), AuditState.Parse(new AuditState(log.VerifierKey.ToString()).ToJson()));
        Assert.Throws<FormatException>(() => AuditState.Parse("not json"));
        Assert.Throws<FormatException>(() => AuditState.Parse("{\"verifierKey\":\"x+y+z\"}"));
        Assert.Throws<FormatException>(() => AuditState.Parse(state.ToJson().Replace("\"size\": 12", "\"size\": -1", StringComparison.Ordinal)));
        Assert.Throws<FormatException>(() => AuditState.Parse(state.ToJson().Replace(state.RootHash!, "AAAA", StringComparison.Ordinal)));
    }

    [Fact]
    public void VerifierKey_WhoseBase64HoldsAPlus_Parses()
    {
        // About half of all keys have a '+' in their base64; the pinned text must read back whatever the key.
        for (var seed = 0; seed < 64; seed++)
        {
            using var key = LedgerSigningKey.FromSeed("crisisops.test/ledger", Enumerable.Repeat((byte)seed, 32).ToArray());
            var text = key.VerifierKey.ToString();

            Assert.Equal(text, LedgerVerifierKey.Parse(text).ToString());
        }
    }

    private sealed class SynchronousProgress(Action<AuditProgress> report) : IProgress<AuditProgress>
    {
        public void Report(AuditProgress value) => report(value);
    }

    /// <summary>The log, but every consistency proof it serves has its first hash flipped.</summary>
    private sealed class ProofTamperingSource(AuditTestLog log) : ILedgerSource
    {
        public Task<string> LatestCheckpointAsync(CancellationToken cancellationToken) => log.LatestCheckpointAsync(cancellationToken);

        public Task<IReadOnlyList<AuditCheckpoint>> CheckpointsAsync(long fromSize, int limit, CancellationToken cancellationToken) =>
            log.CheckpointsAsync(fromSize, limit, cancellationToken);

        public Task<IReadOnlyList<AuditEntry>> EntriesAsync(long start, int limit, CancellationToken cancellationToken) =>
            log.EntriesAsync(start, limit, cancellationToken);

        public Task<byte[]?> TileAsync(int level, long index, CancellationToken cancellationToken) => log.TileAsync(level, index, cancellationToken);

        public async Task<IReadOnlyList<byte[]>?> ConsistencyProofAsync(long fromSize, long toSize, CancellationToken cancellationToken)
        {
            var proof = (await log.ConsistencyProofAsync(fromSize, toSize, cancellationToken))!.Select(h => h.ToArray()).ToList();
            proof[0][0] ^= 0xff;
            return proof;
        }
    }
}
