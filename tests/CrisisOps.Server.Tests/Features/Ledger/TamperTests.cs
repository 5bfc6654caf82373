using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CrisisOps.Cli;
using CrisisOps.Data;
using CrisisOps.Domain.Ledger;
using CrisisOps.Server.Features.Ledger;
using CrisisOps.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CrisisOps.Server.Tests.Features.Ledger;

/// <summary>
/// The tamper test, for real: a server builds a ledger (300 entries in two batches, so there is a tile above the
/// leaves and two checkpoints); <c>crisisops ledger verify</c> passes against it; then a copy of its SQLite file is edited
/// with SQL the way someone with database access would — an entry's body, an entry deleted, two entries reordered, a
/// tile hash, a leaf deleted, a checkpoint forged — and verification fails and names the place, both offline on the
/// file (<c>--database</c>) and through a second real server started on the copy (<c>--url</c>).
/// </summary>
public sealed class TamperTests(TamperTests.LedgerServer original) : IClassFixture<TamperTests.LedgerServer>, IDisposable
{
    private readonly List<string> copies = [];

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in copies.SelectMany(c => new[] { c, c + "-wal", c + "-shm" }))
        {
            File.Delete(file);
        }
    }

    private string Key => original.VerifierKey;

    [Fact]
    public async Task Verify_CleanLogOnTheServer_PassesAndAgainAfterAppendsFromTheState()
    {
        using var cli = new CliRunner(original);
        var state = Path.Combine(cli.Home, "state.json");

        var first = await cli.RunAsync("ledger", "verify", "--url", "http://localhost", "--key", Key, "--state", state);
        Assert.True(first.Exit == ExitCodes.Success, first.Out + first.Err);
        Assert.Contains("verifies: size ", first.Out, StringComparison.Ordinal);
        var seen = JsonDocument.Parse(await File.ReadAllTextAsync(state)).RootElement.GetProperty("size").GetInt64();

        await original.AppendAsync(25);
        var second = await cli.RunAsync("--json", "ledger", "verify", "--url", "http://localhost", "--state", state);

        Assert.True(second.Exit == ExitCodes.Success, second.Out + second.Err);
        var report = JsonDocument.Parse(second.Out).RootElement;
        Assert.True(report.GetProperty("passed").GetBoolean());
        Assert.Equal(seen + 25, report.GetProperty("treeSize").GetInt64());
        Assert.Equal(seen + 25, JsonDocument.Parse(await File.ReadAllTextAsync(state)).RootElement.GetProperty("size").GetInt64());
    }

    [Fact]
    public async Task ExportProveAndOfflineVerify_OnTheRealServer_Pass()
    {
        using var cli = new CliRunner(original);
        var dir = Path.Combine(cli.Home, "export");

        var export = await cli.RunAsync("ledger", "export", "--url", "http://localhost", "--out", dir);
        Assert.True(export.Exit == ExitCodes.Success, export.Err);
        var offline = await cli.RunAsync("ledger", "verify", "--export", dir, "--key", Key);
        Assert.True(offline.Exit == ExitCodes.Success, offline.Out + offline.Err);

        var entryId = original.EntryIdAt(17);
        var prove = await cli.RunAsync("--json", "ledger", "prove", "entry:" + entryId.ToString(CultureInfo.InvariantCulture),
            "--url", "http://localhost", "--key", Key, "--state", Path.Combine(cli.Home, "prove.json"));
        Assert.True(prove.Exit == ExitCodes.Success, prove.Out + prove.Err);
        var proof = JsonDocument.Parse(prove.Out).RootElement;
        Assert.True(proof.GetProperty("verified").GetBoolean());
        Assert.Equal(17, proof.GetProperty("index").GetInt64());
        Assert.Contains("\"n\":17", proof.GetProperty("body").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_CleanCopy_PassesOfflineAndOnAServerStartedOnIt()
    {
        var copy = await CopyAsync();

        await AssertPassesAsync(copy);
    }

    [Fact]
    public async Task Verify_EntryBodyEdited_NamesTheLeafAndEntry()
    {
        var copy = await CopyAsync();
        var entry = original.EntryIdAt(17);
        await SqlAsync(copy, "UPDATE ledger_entries SET Body = replace(Body, '\"quantity\":\"29.5\"', '\"quantity\":\"2900.5\"') WHERE Id = $id",
            ("$id", entry));

        var expected = string.Create(CultureInfo.InvariantCulture, $"leaf 17 (entry {entry}): the body hashes to ");
        await AssertFailsAsync(copy, ("leaf-mismatch", expected), ("leaf-mismatch", expected));
    }

    [Fact]
    public async Task Verify_EntryDeleted_NamesTheMissingIndex()
    {
        var copy = await CopyAsync();
        await SqlAsync(copy, "DELETE FROM ledger_entries WHERE Id = $id", ("$id", original.EntryIdAt(40)));

        // Offline the leaf row still names the entry; the API serves leaves joined with their entries, so the index is absent.
        await AssertFailsAsync(copy,
            ("entry-missing", string.Create(CultureInfo.InvariantCulture, $"entry at index 40 missing: the leaf names entry {original.EntryIdAt(40)}, which is not there")),
            ("entry-missing", "entry at index 40 missing"));
    }

    [Fact]
    public async Task Verify_LeafDeleted_NamesTheMissingIndex()
    {
        var copy = await CopyAsync();
        await SqlAsync(copy, "DELETE FROM ledger_leaves WHERE \"Index\" = 40");

        await AssertFailsAsync(copy, ("entry-missing", "entry at index 40 missing"), ("entry-missing", "entry at index 40 missing"));
    }

    [Fact]
    public async Task Verify_TwoEntriesBodiesSwapped_NamesBothLeavesAsReordered()
    {
        var copy = await CopyAsync();
        var (third, fourth) = (original.EntryIdAt(3), original.EntryIdAt(4));
        var (thirdBody, fourthBody) = (await BodyAsync(copy, third), await BodyAsync(copy, fourth));
        await SqlAsync(copy, "UPDATE ledger_entries SET Body = $body WHERE Id = $id", ("$body", fourthBody), ("$id", third));
        await SqlAsync(copy, "UPDATE ledger_entries SET Body = $body WHERE Id = $id", ("$body", thirdBody), ("$id", fourth));

        var reordered = "(the hash of leaf 4's body: entries reordered)";
        await AssertFailsAsync(copy, ("leaf-mismatch", reordered), ("leaf-mismatch", reordered));
    }

    [Fact]
    public async Task Verify_LeavesSwapped_NamesBothLeavesAsReordered()
    {
        var copy = await CopyAsync();
        var (third, fourth) = (original.EntryIdAt(3), original.EntryIdAt(4));

        // EntryId is unique: swap through a placeholder.
        await SqlAsync(copy, """
            UPDATE ledger_leaves SET EntryId = -1 WHERE "Index" = 3;
            UPDATE ledger_leaves SET EntryId = $a WHERE "Index" = 4;
            UPDATE ledger_leaves SET EntryId = $b WHERE "Index" = 3;
            """, ("$a", third), ("$b", fourth));

        await AssertFailsAsync(copy,
            ("leaf-mismatch", string.Create(CultureInfo.InvariantCulture, $"leaf 3 (entry {fourth}): the body hashes to ")),
            ("leaf-mismatch", string.Create(CultureInfo.InvariantCulture, $"leaf 3 (entry {fourth}): the body hashes to ")));
    }

    [Fact]
    public async Task Verify_LeafTileHashEdited_NamesTheTileAndPosition()
    {
        var copy = await CopyAsync();
        await EditTileAsync(copy, level: 0, index: 0, position: 5);

        await AssertFailsAsync(copy, ("tile-hash", "tile 0/0 hash 5 differs"), ("tile-hash", "tile 0/0 hash 5 differs"));
    }

    [Fact]
    public async Task Verify_UpperTileHashEdited_NamesTheTile()
    {
        var copy = await CopyAsync();
        await EditTileAsync(copy, level: 1, index: 0, position: 0);

        await AssertFailsAsync(copy, ("tile-hash", "tile 1/0 hash 0 differs"), ("tile-hash", "tile 1/0 hash 0 differs"));
    }

    [Fact]
    public async Task Verify_CheckpointForged_NamesItsSignature()
    {
        var copy = await CopyAsync();
        var size = original.FirstBatchSize;

        // A checkpoint claiming another root, signed with a key that is not the ledger's (the forger does not have it).
        using var forger = LedgerSigningKey.Generate(LedgerServer.Origin);
        var forged = new SignedCheckpoint(LedgerServer.Origin, size, MerkleHash.Leaf([1, 2, 3]), CrisisOpsApp.Start);
        await SqlAsync(copy, "UPDATE ledger_checkpoints SET Note = $note, RootHash = $root WHERE Size = $size",
            ("$note", forged.Sign(forger)), ("$root", forged.RootHash), ("$size", size));

        var expected = string.Create(CultureInfo.InvariantCulture, $"signature of checkpoint {size} does not verify");
        await AssertFailsAsync(copy, ("checkpoint-signature", expected), ("checkpoint-signature", expected));
    }

    [Fact]
    public async Task Verify_CheckpointRootColumnEdited_SaysTheRowDiffersFromItsNote()
    {
        var copy = await CopyAsync();
        await SqlAsync(copy, "UPDATE ledger_checkpoints SET RootHash = $root WHERE Size = $size",
            ("$root", MerkleHash.Leaf([9])), ("$size", original.FirstBatchSize));

        var expected = string.Create(CultureInfo.InvariantCulture, $"checkpoint {original.FirstBatchSize}: the row says ");
        await AssertFailsAsync(copy, ("checkpoint-row", expected), ("checkpoint-row", expected));
    }

    /// <summary>A consistent copy of the original server's database (VACUUM INTO: a snapshot even while the server runs).</summary>
    private async Task<string> CopyAsync()
    {
        var copy = Path.Combine(Path.GetTempPath(), $"crisisops-tamper-{Guid.NewGuid():N}.db");
        copies.Add(copy);
        await using var connection = new SqliteConnection(original.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "VACUUM INTO $file";
        command.Parameters.AddWithValue("$file", copy);
        await command.ExecuteNonQueryAsync();
        return copy;
    }

    private static async Task SqlAsync(string file, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        Assert.True(await command.ExecuteNonQueryAsync() > 0, "the tampering changed nothing: " + sql);
    }

    private static async Task<string> BodyAsync(string file, long entryId)
    {
        await using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
        await connection.OpenAsync();
        await using var read = connection.CreateCommand();
        read.CommandText = "SELECT Body FROM ledger_entries WHERE Id = $id";
        read.Parameters.AddWithValue("$id", entryId);
        return (string)(await read.ExecuteScalarAsync())!;
    }

    private static async Task EditTileAsync(string file, int level, long index, int position)
    {
        byte[] hashes;
        await using (var connection = new SqliteConnection($"Data Source={file};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var read = connection.CreateCommand();
            read.CommandText = "SELECT Hashes FROM ledger_tiles WHERE Level = $level AND \"Index\" = $index";
            read.Parameters.AddWithValue("$level", level);
            read.Parameters.AddWithValue("$index", index);
            hashes = (byte[])(await read.ExecuteScalarAsync())!;
        }

        hashes[position * MerkleHash.Size] ^= 0x5a;
        await SqlAsync(file, "UPDATE ledger_tiles SET Hashes = $hashes WHERE Level = $level AND \"Index\" = $index",
            ("$hashes", hashes), ("$level", level), ("$index", index));
    }

    private async Task AssertPassesAsync(string copy)
    {
        using var cli = new CliRunner(original);
        var offline = await cli.RunAsync("ledger", "verify", "--database", copy, "--key", Key);
        Assert.True(offline.Exit == ExitCodes.Success, offline.Out + offline.Err);

        await using var server = new CopyServer(copy, original.SigningKey);
        await server.StartAsync();
        using var online = new CliRunner(server);
        var result = await online.RunAsync("ledger", "verify", "--url", "http://localhost", "--key", Key, "--state", Path.Combine(online.Home, "s.json"));
        Assert.True(result.Exit == ExitCodes.Success, result.Out + result.Err);
    }

    /// <summary>Verification fails offline on the file and through a server started on it, each with exactly one finding of the kind, naming the place.</summary>
    private async Task AssertFailsAsync(string copy, (string Kind, string Text) offline, (string Kind, string Text) online)
    {
        using (var cli = new CliRunner(original))
        {
            var result = await cli.RunAsync("--json", "ledger", "verify", "--database", copy, "--key", Key);
            AssertFinding(result, offline);
        }

        await using var server = new CopyServer(copy, original.SigningKey);
        await server.StartAsync();
        using var runner = new CliRunner(server);
        var served = await runner.RunAsync("--json", "ledger", "verify", "--url", "http://localhost", "--key", Key,
            "--state", Path.Combine(runner.Home, "s.json"));
        AssertFinding(served, online);

        // People get the same finding in the table (its sentence wraps inside the cell; the JSON above checked it).
        var table = await runner.RunAsync("ledger", "verify", "--url", "http://localhost", "--key", Key, "--state", Path.Combine(runner.Home, "s.json"));
        Assert.Equal(ExitCodes.VerificationFailed, table.Exit);
        Assert.Contains(online.Kind, table.Out, StringComparison.Ordinal);
        Assert.Contains("does NOT verify", table.Err, StringComparison.Ordinal);
    }

    private static void AssertFinding((int Exit, string Out, string Err) result, (string Kind, string Text) expected)
    {
        Assert.True(result.Exit == ExitCodes.VerificationFailed, $"exit {result.Exit}: {result.Out}{result.Err}");
        var findings = JsonDocument.Parse(result.Out).RootElement.GetProperty("findings").EnumerateArray().ToList();
        var texts = string.Join("\n", findings.Select(f => f.GetProperty("text").GetString()));
        Assert.True(findings.Count is 1 or 2, texts);
        Assert.All(findings, f => Assert.Equal(expected.Kind, f.GetProperty("kind").GetString()));
        Assert.Contains(findings, f => f.GetProperty("text").GetString()!.Contains(expected.Text, StringComparison.Ordinal));
    }

    /// <summary>The original: a real server on SQLite with a known signing key that builds the ledger, integrating on demand.</summary>
    public class LedgerServer : CrisisOpsApp, IAsyncLifetime
    {
        public const string Origin = "crisisops.test/ledger";
        private static readonly string NewKey = LedgerSigningKey.Generate(Origin).ExportText();
        private readonly List<long> entryIds = [];

        public LedgerServer()
            : this(new SqliteTestDatabase())
        {
        }

        protected LedgerServer(TestDatabase database)
            : base(database, settings: Settings(NewKey))
        {
            SigningKey = NewKey;
            using var key = LedgerSigningKey.ParseText(NewKey);
            VerifierKey = key.VerifierKey.ToString();
        }

        public string SigningKey { get; }

        public string VerifierKey { get; }

        /// <summary>The size of the first checkpoint after the genesis one.</summary>
        public long FirstBatchSize { get; private set; }

        public static Dictionary<string, string> Settings(string signingKey) => new()
        {
            ["Ledger:SigningKey"] = signingKey,
            ["Ledger:Origin"] = Origin,
            ["Ledger:IntegrateInBackground"] = "false",
        };

        public long EntryIdAt(int index) => entryIds[index];

        /// <summary>Re-implements the fixture's start (the interface is re-declared): the database, then the ledger.</summary>
        public new async ValueTask InitializeAsync()
        {
            await base.InitializeAsync();
            if (Database.UnavailableReason is not null)
            {
                return; // no PostgreSQL here: the test skips (or fails under CI) when it asks for the database
            }

            await AppendAsync(260);
            FirstBatchSize = entryIds.Count;
            await AppendAsync(40);
        }

        /// <summary>Queues entries the way capabilities do (in their own save) and integrates them into a new checkpoint.</summary>
        public async Task AppendAsync(int count)
        {
            var factory = Services.GetRequiredService<IDbContextFactory<CrisisOpsDbContext>>();
            await using (var db = await factory.CreateDbContextAsync())
            {
                var now = Clock.GetUtcNow();
                var entries = Enumerable.Range(entryIds.Count, count).Select(n => db.AppendToLedger($"tamper-test:{n}", new JsonObject
                {
                    ["v"] = 1,
                    ["kind"] = LedgerEntryKinds.StockReceipt,
                    ["time"] = LedgerEntry.FormatTime(now),
                    ["region"] = "TAMPER",
                    ["warehouse"] = "W-TAMPER",
                    ["item"] = "sandbags",
                    ["quantity"] = LedgerEntry.FormatDecimal(12.5m + n),
                    ["unit"] = "bag",
                    ["n"] = n,
                }, now)).ToList();
                await db.SaveChangesAsync();
                entryIds.AddRange(entries.Select(e => e.Id));
            }

            Clock.Advance(TimeSpan.FromSeconds(1));
            await Services.GetRequiredService<LedgerIntegrator>().IntegrateNowAsync(CancellationToken.None);
        }
    }

    /// <summary>A second real server, started on a (tampered) copy of the original's database with the original's key.</summary>
    private sealed class CopyServer(string copy, string signingKey)
        : CrisisOpsApp(new CopiedDatabase(copy), ownsDatabase: false, settings: LedgerServer.Settings(signingKey))
    {
        public async Task StartAsync()
        {
            await InitializeAsync();
            _ = Services; // builds and starts the host on the copy
        }
    }

    /// <summary>A copy of a database file, owned by the test that made it.</summary>
    private sealed class CopiedDatabase(string file) : TestDatabase
    {
        public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

        public override string ConnectionString => $"Data Source={file}";

        public override Task CreateAsync() => Task.CompletedTask;

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
