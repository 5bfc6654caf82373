using System.Globalization;
using System.Text.Json;
using CrisisOps.Cli.Commands;
using CrisisOps.Domain.Ledger;
using CrisisOps.Domain.Ledger.Audit;

namespace CrisisOps.Cli.Tests;

/// <summary><c>ledger verify|export|prove</c> against the public ledger API as the contract defines it (<see cref="LedgerFakeServer"/>).</summary>
public sealed class LedgerCommandTests : IDisposable
{
    private const string Url = "http://ledger.test";
    private readonly CliHarness cli = new();
    private readonly TempDirectory files = new();
    private readonly LedgerFakeServer server = new();

    public void Dispose()
    {
        cli.Dispose();
        files.Dispose();
        server.Dispose();
    }

    private string StatePath => Path.Combine(files.Path, "state.json");

    private Task<CliResult> RunAsync(params string[] args) => cli.RunAsync(server.Handler, args);

    [Fact]
    public async Task Verify_CleanLog_PassesPinsTheKeyOnFirstUseAndRemembersTheCheckpoint()
    {
        server.Append(300).Append(20);

        var result = await RunAsync("ledger", "verify", "--url", Url, "--state", StatePath);

        Assert.True(result.ExitCode == ExitCodes.Success, result.Stdout + result.Stderr);
        Assert.Contains("The ledger at http://ledger.test verifies: size 320", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("2 checkpoints, 320 entries, 3 tiles checked", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Trusting the key the source publishes on first use: " + server.Key.VerifierKey, result.Stderr, StringComparison.Ordinal);
        var state = AuditState.Parse(await File.ReadAllTextAsync(StatePath));
        Assert.Equal(server.Key.VerifierKey.ToString(), state.VerifierKey);
        Assert.Equal(320, state.Size);
        Assert.Equal(server.Notes[320], state.Note);
        Assert.DoesNotContain(server.Handler.Requests, r => r.Header("Authorization") is not null);
    }

    [Fact]
    public async Task Verify_AppendedBetweenRuns_PassesWithTheConsistencyProofFromTheState()
    {
        server.Append(50);
        Assert.Equal(ExitCodes.Success, (await RunAsync("ledger", "verify", "--url", Url, "--state", StatePath)).ExitCode);

        server.Append(30);
        var second = await RunAsync("ledger", "verify", "--url", Url, "--state", StatePath);

        Assert.True(second.ExitCode == ExitCodes.Success, second.Stdout + second.Stderr);
        Assert.DoesNotContain("Trusting", second.Stderr, StringComparison.Ordinal);
        Assert.Contains(server.Handler.Requests, r => r.PathAndQuery == "/api/v1/public/ledger/proof/consistency?from=50&to=80");
        Assert.Equal(80, AuditState.Parse(await File.ReadAllTextAsync(StatePath)).Size);
    }

    [Fact]
    public async Task Verify_WithoutStateOption_KeepsAStatePerServerInTheHome()
    {
        server.Append(5);

        await RunAsync("ledger", "verify", "--url", Url);
        var second = await RunAsync("ledger", "verify", "--url", Url);

        Assert.Equal(ExitCodes.Success, second.ExitCode);
        Assert.DoesNotContain("Trusting", second.Stderr, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(cli.HomeDirectory, ".config", "crisisops", "ledger", "ledger.test.json")));
    }

    [Fact]
    public async Task Verify_TamperedBody_ExitsFiveWithAFindingsTableNamingTheLeaf()
    {
        server.Append(10);
        server.Bodies[3] = LedgerFakeServer.Body(42);

        var result = await RunAsync("ledger", "verify", "--url", Url, "--key", server.Key.VerifierKey.ToString(), "--state", StatePath);

        Assert.Equal(ExitCodes.VerificationFailed, result.ExitCode);
        Assert.Contains("leaf-mismatch", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("leaf 3 (entry 103): the body hashes to " + Convert.ToBase64String(LedgerFakeServer.Leaf(LedgerFakeServer.Body(42))),
            result.Stdout, StringComparison.Ordinal);
        Assert.Contains("does NOT verify: 1 finding(s)", result.Stderr, StringComparison.Ordinal);

        // A failed run pins the key but does not remember the tree as good.
        var state = AuditState.Parse(await File.ReadAllTextAsync(StatePath));
        Assert.Null(state.Size);
    }

    [Fact]
    public async Task Verify_Json_GivesFindingsAsData()
    {
        server.Append(300);
        var tile = server.Tiles[(0, 1)];
        tile[0] ^= 1;

        var result = await RunAsync("--json", "ledger", "verify", "--url", Url, "--state", StatePath);

        Assert.Equal(ExitCodes.VerificationFailed, result.ExitCode);
        var report = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.False(report.GetProperty("passed").GetBoolean());
        var finding = Assert.Single(report.GetProperty("findings").EnumerateArray());
        Assert.Equal("tile-hash", finding.GetProperty("kind").GetString());
        Assert.Equal(0, finding.GetProperty("level").GetInt32());
        Assert.Equal(1, finding.GetProperty("index").GetInt64());
        Assert.Equal(0, finding.GetProperty("position").GetInt32());
        Assert.StartsWith("tile 0/1 hash 0 differs", finding.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_ServerSwitchedItsKey_IsCaughtByTheStateAndAContradictingKeyIsRefused()
    {
        server.Append(5);
        await RunAsync("ledger", "verify", "--url", Url, "--state", StatePath);

        // The server now signs with another key (and publishes it): the pinned key still rules.
        using var other = LedgerSigningKey.Generate(LedgerFakeServer.Origin);
        var checkpoint = new SignedCheckpoint(LedgerFakeServer.Origin, 5, MerkleTree.Root(server.Leaves()), DateTimeOffset.UnixEpoch.AddYears(60));
        server.Notes[5] = checkpoint.Sign(other);

        var result = await RunAsync("ledger", "verify", "--url", Url, "--state", StatePath);
        Assert.Equal(ExitCodes.VerificationFailed, result.ExitCode);
        Assert.Contains("signature of checkpoint 5 does not verify", result.Stdout, StringComparison.Ordinal);

        var contradicting = await RunAsync("ledger", "verify", "--url", Url, "--state", StatePath, "--key", other.VerifierKey.ToString());
        Assert.Equal(ExitCodes.Usage, contradicting.ExitCode);
        Assert.Contains("--key differs from the key pinned in", contradicting.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not-a-key")]
    [InlineData("crisisops.test/ledger+00000000+AQ==")]
    public async Task Verify_MalformedKey_IsAUsageError(string key)
    {
        server.Append(1);

        var result = await RunAsync("ledger", "verify", "--url", Url, "--key", key, "--state", StatePath);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--key is not a verifier key", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExportThenVerifyOffline_PassesWithoutTheServer_AndAnEditedExportFails()
    {
        server.Append(280).Append(3);
        var dir = Path.Combine(files.Path, "export");

        var export = await RunAsync("ledger", "export", "--url", Url, "--out", dir);
        Assert.True(export.ExitCode == ExitCodes.Success, export.Stderr);
        Assert.Contains("Exported the ledger at size 283: 283 entries, 2 checkpoints, 3 tiles", export.Stdout, StringComparison.Ordinal);
        Assert.Equal(283, (await File.ReadAllLinesAsync(Path.Combine(dir, "entries.jsonl"))).Length);

        var offline = new FakeServer(_ => throw new InvalidOperationException("an offline verification must not call the server"));
        var key = server.Key.VerifierKey.ToString();
        var verified = await cli.RunAsync(offline, "ledger", "verify", "--export", dir, "--key", key);
        Assert.True(verified.ExitCode == ExitCodes.Success, verified.Stdout + verified.Stderr);
        Assert.Contains("size 283", verified.Stdout, StringComparison.Ordinal);

        var lines = await File.ReadAllLinesAsync(Path.Combine(dir, "entries.jsonl"));
        lines[7] = lines[7].Replace("7.5", "70.5", StringComparison.Ordinal);
        await File.WriteAllLinesAsync(Path.Combine(dir, "entries.jsonl"), lines);
        var tampered = await cli.RunAsync(offline, "ledger", "verify", "--export", dir, "--key", key);
        Assert.Equal(ExitCodes.VerificationFailed, tampered.ExitCode);
        Assert.Contains("leaf 7 (entry 107): the body hashes to", tampered.Stdout, StringComparison.Ordinal);
        Assert.Empty(offline.Requests);
    }

    [Fact]
    public async Task Export_IntoAnExistingExport_IsRefused()
    {
        server.Append(2);
        var dir = Path.Combine(files.Path, "export");
        await RunAsync("ledger", "export", "--url", Url, "--out", dir);

        var again = await RunAsync("ledger", "export", "--url", Url, "--out", dir);

        Assert.Equal(ExitCodes.Usage, again.ExitCode);
        Assert.Contains("already holds an export", again.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyExport_WithoutKey_TrustsTheExportedKeyWithAWarning_AndANonExportIsRefused()
    {
        server.Append(4);
        var dir = Path.Combine(files.Path, "export");
        await RunAsync("ledger", "export", "--url", Url, "--out", dir);

        var result = await cli.RunAsync(null, "ledger", "verify", "--export", dir);
        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Contains("Trusting the key the source publishes on first use", result.Stderr, StringComparison.Ordinal);

        var notExport = await cli.RunAsync(null, "ledger", "verify", "--export", files.Path, "--key", server.Key.VerifierKey.ToString());
        Assert.Equal(ExitCodes.Usage, notExport.ExitCode);
        Assert.Contains("is not a ledger export", notExport.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyDatabase_WithoutKey_OrOnAFileThatIsNoLedger_IsAUsageError()
    {
        var file = Path.Combine(files.Path, "empty.db");
        await File.WriteAllBytesAsync(file, []);

        var noKey = await cli.RunAsync(null, "ledger", "verify", "--database", file);
        var notLedger = await cli.RunAsync(null, "ledger", "verify", "--database", file, "--key", server.Key.VerifierKey.ToString());
        var missing = await cli.RunAsync(null, "ledger", "verify", "--database", Path.Combine(files.Path, "nope.db"), "--key", server.Key.VerifierKey.ToString());

        Assert.Equal(ExitCodes.Usage, noKey.ExitCode);
        Assert.Equal(ExitCodes.Usage, notLedger.ExitCode);
        Assert.Contains("is not a CrisisOps database with a ledger", notLedger.Stderr, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, missing.ExitCode);
    }

    [Fact]
    public async Task Prove_ByIndexEntryIdAndLeafHash_ShowsTheEntryAndAVerifiedProof()
    {
        server.Append(12).Append(5);
        var key = server.Key.VerifierKey.ToString();

        var byIndex = await RunAsync("ledger", "prove", "9", "--url", Url, "--key", key, "--state", StatePath);
        Assert.True(byIndex.ExitCode == ExitCodes.Success, byIndex.Stdout + byIndex.Stderr);
        Assert.Contains("Leaf 9 is in the tree of checkpoint 17: the proof verifies.", byIndex.Stdout, StringComparison.Ordinal);
        Assert.Contains("drinking-water", byIndex.Stdout, StringComparison.Ordinal);
        Assert.Contains("— " + LedgerFakeServer.Origin, byIndex.Stdout, StringComparison.Ordinal);

        var byEntry = await RunAsync("--json", "ledger", "prove", "entry:104", "--url", Url, "--key", key, "--state", StatePath);
        Assert.Equal(ExitCodes.Success, byEntry.ExitCode);
        var json = JsonDocument.Parse(byEntry.Stdout).RootElement;
        Assert.True(json.GetProperty("verified").GetBoolean());
        Assert.Equal(4, json.GetProperty("index").GetInt64());
        Assert.Equal(17, json.GetProperty("checkpoint").GetProperty("size").GetInt64());
        Assert.Equal(5, json.GetProperty("hashes").GetArrayLength());
        Assert.Contains("\"need\":\"N-0004\"", json.GetProperty("body").GetString(), StringComparison.Ordinal);

        var hash = Convert.ToBase64String(LedgerFakeServer.Leaf(server.Bodies[15]));
        var byHash = await RunAsync("--json", "ledger", "prove", hash, "--url", Url, "--key", key, "--state", StatePath);
        Assert.Equal(15, JsonDocument.Parse(byHash.Stdout).RootElement.GetProperty("index").GetInt64());
    }

    [Fact]
    public async Task Prove_PendingEntry_SaysItIsWaiting_WithItsOwnExitCode()
    {
        server.Append(3);
        server.Pending.Add(777);

        var result = await RunAsync("ledger", "prove", "entry:777", "--url", Url, "--state", StatePath);

        Assert.Equal(ExitCodes.Pending, result.ExitCode);
        Assert.Contains("Entry 777 is accepted and waiting to be included", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prove_ForgedProofOrBodyOrBeyondTheTree_Fails()
    {
        server.Append(8);
        var key = server.Key.VerifierKey.ToString();
        server.ForgedProofHash = new byte[32];

        var forged = await RunAsync("ledger", "prove", "2", "--url", Url, "--key", key, "--state", StatePath);
        Assert.Equal(ExitCodes.VerificationFailed, forged.ExitCode);
        Assert.Contains("The inclusion proof does not verify", forged.Stderr, StringComparison.Ordinal);

        server.ForgedProofHash = null;
        server.Bodies[2] = LedgerFakeServer.Body(99);
        var edited = await RunAsync("ledger", "prove", "2", "--url", Url, "--key", key, "--state", StatePath);
        Assert.Equal(ExitCodes.VerificationFailed, edited.ExitCode);

        var beyond = await RunAsync("ledger", "prove", "8", "--url", Url, "--key", key, "--state", StatePath);
        Assert.Equal(ExitCodes.Usage, beyond.ExitCode);
        Assert.Contains("Leaf 8 lies beyond the latest checkpoint (size 8)", beyond.Stderr, StringComparison.Ordinal);

        var garbage = await RunAsync("ledger", "prove", "twelve", "--url", Url, "--key", key, "--state", StatePath);
        Assert.Equal(ExitCodes.Usage, garbage.ExitCode);
    }

    [Fact]
    public void Finding_InChinese_ComesFromTheSameData()
    {
        var finding = new AuditFinding(AuditFindingKind.LeafMismatch, Index: 17, EntryId: 23, Expected: "Y=", Found: "X=");
        using (new CultureScope("zh-CN", "zh-Hans"))
        {
            Assert.Equal("叶 17（记录 23）：内容的哈希为 X=，树中为 Y=", LedgerCommands.Finding(finding));
        }

        using (new CultureScope("en-US", "en"))
        {
            Assert.Equal(finding.Describe(), LedgerCommands.Finding(finding));
        }
    }

    [Fact]
    public void Finding_EveryKind_ReadsTheSameInEnglishAsTheDomainSaysIt()
    {
        using var scope = new CultureScope("en-US", "en");
        foreach (var kind in Enum.GetValues<AuditFindingKind>())
        {
            var finding = new AuditFinding(kind, Index: 40, EntryId: 52, Level: 0, Position: 3, Other: 2, Expected: "E=", Found: "F=", Reason: "why");
            Assert.Equal(finding.Describe(), LedgerCommands.Finding(finding));
        }

        Assert.Equal("previous-checkpoint-inconsistent", LedgerCommands.KindName(AuditFindingKind.PreviousCheckpointInconsistent));
        Assert.Equal(string.Create(CultureInfo.InvariantCulture, $"entry at index 40 missing"),
            LedgerCommands.Finding(new AuditFinding(AuditFindingKind.EntryMissing, Index: 40)));
    }
}
