using System.Globalization;
using System.Text.Json;
using CrisisOps.Cli;
using CrisisOps.Domain.Ledger;
using CrisisOps.Testing;
using Npgsql;

namespace CrisisOps.Server.Tests.Features.Ledger;

/// <summary>
/// The tamper test on PostgreSQL: <c>crisisops ledger verify --url</c> passes against a real server on PostgreSQL, then
/// fails naming the place when someone with database access edits an entry's body under the running server, and — the
/// body put back — when a tile hash is edited and a second server is started on that database.
/// </summary>
public sealed class TamperOnPostgresTests(TamperOnPostgresTests.PostgresLedgerServer original) : IClassFixture<TamperOnPostgresTests.PostgresLedgerServer>
{
    [Fact]
    public async Task Verify_OnPostgres_PassesThenNamesAnEditedBodyAndAnEditedTile()
    {
        original.Database.RequireAvailable();
        var key = original.VerifierKey;
        using var cli = new CliRunner(original);
        var clean = await cli.RunAsync("ledger", "verify", "--url", "http://localhost", "--key", key, "--state", Path.Combine(cli.Home, "clean.json"));
        Assert.True(clean.Exit == ExitCodes.Success, clean.Out + clean.Err);

        // An entry's body edited under the running server: the public API serves the edited body and the verifier names the leaf.
        var entry = original.EntryIdAt(17);
        var body = await ScalarAsync<string>("""SELECT "Body" FROM ledger_entries WHERE "Id" = @id""", ("id", entry));
        await ExecuteAsync("""UPDATE ledger_entries SET "Body" = replace("Body", '"quantity":"29.5"', '"quantity":"2900.5"') WHERE "Id" = @id""", ("id", entry));
        var edited = await cli.RunAsync("--json", "ledger", "verify", "--url", "http://localhost", "--key", key, "--state", Path.Combine(cli.Home, "edited.json"));
        AssertFinding(edited, "leaf-mismatch", string.Create(CultureInfo.InvariantCulture, $"leaf 17 (entry {entry}): the body hashes to "));

        // Put back, a leaf tile's hash edited instead; a server started on the database serves the stored tiles.
        await ExecuteAsync("""UPDATE ledger_entries SET "Body" = @body WHERE "Id" = @id""", ("body", body), ("id", entry));
        var hashes = await ScalarAsync<byte[]>("""SELECT "Hashes" FROM ledger_tiles WHERE "Level" = 0 AND "Index" = 0""");
        hashes[5 * MerkleHash.Size] ^= 0x5a;
        await ExecuteAsync("""UPDATE ledger_tiles SET "Hashes" = @hashes WHERE "Level" = 0 AND "Index" = 0""", ("hashes", hashes));
        await using var restarted = new SecondServer(original.Database, original.SigningKey);
        await restarted.InitializeAsync();
        using var second = new CliRunner(restarted);
        var tile = await second.RunAsync("--json", "ledger", "verify", "--url", "http://localhost", "--key", key, "--state", Path.Combine(second.Home, "tile.json"));
        AssertFinding(tile, "tile-hash", "tile 0/0 hash 5 differs");
    }

    private static void AssertFinding((int Exit, string Out, string Err) result, string kind, string text)
    {
        Assert.True(result.Exit == ExitCodes.VerificationFailed, $"exit {result.Exit}: {result.Out}{result.Err}");
        var findings = JsonDocument.Parse(result.Out).RootElement.GetProperty("findings").EnumerateArray().ToList();
        Assert.Contains(findings, f => f.GetProperty("kind").GetString() == kind && f.GetProperty("text").GetString()!.Contains(text, StringComparison.Ordinal));
    }

    private async Task ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(original.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        Assert.True(await command.ExecuteNonQueryAsync() > 0, "the tampering changed nothing: " + sql);
    }

    private async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(original.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary><see cref="TamperTests.LedgerServer"/> on a fresh PostgreSQL database.</summary>
    public sealed class PostgresLedgerServer() : TamperTests.LedgerServer(new PostgresTestDatabase());

    /// <summary>A second real server on the same PostgreSQL database with the same key (a restart after the tampering).</summary>
    private sealed class SecondServer(TestDatabase database, string signingKey)
        : CrisisOpsApp(database, ownsDatabase: false, settings: TamperTests.LedgerServer.Settings(signingKey));
}
