using CrisisOps.Data;
using CrisisOps.Domain.Ledger;
using CrisisOps.Server.Features.Ledger;
using CrisisOps.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static CrisisOps.Server.Tests.Features.Ledger.LogTestKit;

namespace CrisisOps.Server.Tests.Features.Ledger;

/// <summary>The integrator across restarts and replicas, and the signing key's life: each test on a database of its own.</summary>
public abstract class LogIntegratorTests<TDatabase> : IAsyncLifetime where TDatabase : TestDatabase, new()
{
    private readonly TDatabase _database = new();
    private readonly string _keyFile = Path.Combine(Path.GetTempPath(), $"crisisops-ledger-key-{Guid.NewGuid():N}.key");

    public async ValueTask InitializeAsync() => await _database.CreateAsync();

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        File.Delete(_keyFile);
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Restart_WhenEntriesWereQueuedBeforeTheStop_IntegratesThemAndReloadsTheSameTree()
    {
        SignedCheckpoint before;
        List<LedgerEntry> queued;
        await using (var first = Replica())
        {
            var client = first.Anonymous();
            await AppendAsync(first, 300);
            await IntegrateAsync(first);
            before = await CheckpointAsync(client, await KeyAsync(client));
            Assert.Equal(300, before.Size);
            queued = await AppendAsync(first, 40);
        }

        await using var second = Replica();
        var again = second.Anonymous();
        var key = await KeyAsync(again);

        // The new process loaded the tree from the tiles: it proves what the first one signed, before integrating anything.
        Assert.Equal(300, second.Services.GetRequiredService<LedgerTree>().Size);
        var proof = await again.GetJsonAsync("/api/v1/public/ledger/proof/inclusion?index=299&size=300");
        Assert.Equal(Convert.ToBase64String(before.RootHash), proof.GetProperty("rootHash").GetString());

        Assert.Equal(40, (await IntegrateAsync(second)).Integrated);
        var after = await CheckpointAsync(again, key);
        Assert.Equal(340, after.Size);
        var leaves = await LeafHashesAsync(again, 340);
        Assert.Equal(MerkleTree.Root(leaves), after.RootHash);
        Assert.Equal(queued.Select(e => e.LeafHash), leaves.Skip(300));
    }

    [Fact]
    public async Task Replicas_WhenOneIntegrates_TheOtherCatchesUpFromTheTilesAndContinues()
    {
        await using var a = Replica();
        await using var b = Replica();
        var clientA = a.Anonymous();
        var clientB = b.Anonymous();
        var key = await KeyAsync(clientA);
        Assert.Equal(key.ToString(), (await KeyAsync(clientB)).ToString());

        await AppendAsync(a, 260);
        await IntegrateAsync(a);
        Assert.Equal(0, b.Services.GetRequiredService<LedgerTree>().Size);
        var fromB = await clientB.GetJsonAsync("/api/v1/public/ledger/proof/inclusion?index=257&size=260");
        var fromA = await clientA.GetJsonAsync("/api/v1/public/ledger/proof/inclusion?index=257&size=260");
        Assert.Equal(fromA.GetRawText(), fromB.GetRawText());

        // B integrates next, on top of A's tiles; A catches up in turn.
        await AppendAsync(b, 5);
        Assert.Equal(5, (await IntegrateAsync(b)).Integrated);
        var latest = await CheckpointAsync(clientA, key);
        Assert.Equal(265, latest.Size);
        var consistency = await clientA.GetJsonAsync("/api/v1/public/ledger/proof/consistency?from=260&to=265");
        var leaves = await LeafHashesAsync(clientA, 265);
        Assert.Equal(MerkleTree.ConsistencyProof(leaves, 260, 265), Hashes(consistency));
        Assert.Equal(MerkleTree.Root(leaves), latest.RootHash);
    }

    [Fact]
    public async Task Start_WhenTheKeyFileIsMissing_CreatesItOwnerOnlyAndSignsTheEmptyTree()
    {
        await using var app = Replica();
        var client = app.Anonymous();
        var key = await KeyAsync(client);
        var empty = await CheckpointAsync(client, key);
        Assert.Equal(0, empty.Size);
        Assert.Equal(MerkleHash.Empty(), empty.RootHash);
        Assert.StartsWith("PRIVATE+KEY+crisisops.local/ledger+", await File.ReadAllTextAsync(_keyFile), StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_keyFile));
        }
    }

    [Fact]
    public async Task Start_WhenTheKeyFileIsMalformed_StopsNamingTheFile()
    {
        await File.WriteAllTextAsync(_keyFile, "PRIVATE+KEY+not-a-key\n");
        await using var app = Replica();
        var failure = Assert.ThrowsAny<InvalidOperationException>(() => app.Anonymous());
        Assert.Contains(_keyFile, failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Integrate_WhenThisServerHasAnotherKey_RefusesToSignOnTopOfTheLedger()
    {
        await using (var first = Replica())
        {
            await AppendAsync(first, 3);
            await IntegrateAsync(first);
        }

        using var stranger = LedgerSigningKey.Generate("crisisops.local/ledger");
        await using var second = Replica(new() { ["Ledger:SigningKey"] = stranger.ExportText() });
        var client = second.Anonymous();
        Assert.Equal(stranger.VerifierKey.ToString(), (await KeyAsync(client)).ToString());
        var entries = await AppendAsync(second, 2);
        Assert.Equal(0, (await IntegrateAsync(second)).Integrated);
        Assert.Equal("pending", (await QueueAsync(client, entries[0].Id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Start_WhenATileWasChanged_ServesWhatIsStoredAndRefusesToIntegrate()
    {
        await using (var first = Replica())
        {
            await AppendAsync(first, 10);
            await IntegrateAsync(first);
        }

        await using (var db = _database.NewContext())
        {
            var tile = await db.LedgerTiles.SingleAsync(t => t.Level == 0 && t.Index == 0);
            var forged = tile.Hashes.ToArray();
            forged[5 * 32] ^= 0xff;
            await db.Database.ExecuteSqlAsync($"UPDATE ledger_tiles SET \"Hashes\" = {forged} WHERE \"Level\" = 0 AND \"Index\" = 0");
        }

        await using var second = Replica();
        var client = second.Anonymous();
        var tree = second.Services.GetRequiredService<LedgerTree>();
        Assert.Contains("differs from checkpoint 10", tree.Problem, StringComparison.Ordinal);
        var checkpoint = await CheckpointAsync(client, await KeyAsync(client));
        var proof = await client.GetJsonAsync("/api/v1/public/ledger/proof/inclusion?index=5&size=10");
        Assert.NotEqual(Convert.ToBase64String(checkpoint.RootHash), proof.GetProperty("rootHash").GetString());

        await AppendAsync(second, 1);
        Assert.Equal(0, (await IntegrateAsync(second)).Integrated);
    }

    private Host Replica(Dictionary<string, string>? settings = null)
    {
        settings ??= [];
        settings.TryAdd("Ledger:SigningKeyFile", _keyFile);
        return new Host(_database, settings);
    }

    private sealed class Host(TestDatabase database, Dictionary<string, string> settings) : CrisisOpsApp(database, ownsDatabase: false, settings: settings);
}

public sealed class LogIntegratorTestsOnSqlite : LogIntegratorTests<SqliteTestDatabase>;

public sealed class LogIntegratorTestsOnPostgres : LogIntegratorTests<PostgresTestDatabase>;
