using CrisisOps.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CrisisOps.Testing;

/// <summary>A real database for one test class: a temp SQLite file, or a fresh PostgreSQL database.</summary>
public abstract class TestDatabase : IAsyncDisposable
{
    public abstract DatabaseProvider Provider { get; }

    public abstract string ConnectionString { get; }

    /// <summary>Null when usable; otherwise why not.</summary>
    public string? UnavailableReason { get; protected set; }

    public abstract Task CreateAsync();

    public abstract ValueTask DisposeAsync();

    public void RequireAvailable() => TestEnvironment.RequireServer(
        Provider == DatabaseProvider.Postgres ? "PostgreSQL" : "SQLite", UnavailableReason,
        $"Set {TestEnvironment.PostgresVariable}=\"Host=127.0.0.1;Username=postgres;Password=…\" to run these tests (docs/operations.md).");

    /// <summary>A context on this database, migrated by whoever started the server.</summary>
    public CrisisOpsDbContext NewContext()
    {
        var builder = new DbContextOptionsBuilder<CrisisOpsDbContext>();
        builder.UseCrisisOps(Provider, ConnectionString);
        return new CrisisOpsDbContext(builder.Options);
    }
}

public sealed class SqliteTestDatabase : TestDatabase
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"crisisops-test-{Guid.NewGuid():N}.db");

    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    public override string ConnectionString => $"Data Source={_file}";

    public override Task CreateAsync() => Task.CompletedTask;

    public override ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            try
            {
                File.Delete(_file + suffix);
            }
            catch (IOException)
            {
                // A leftover temp file is harmless.
            }
        }

        return ValueTask.CompletedTask;
    }
}

public sealed class PostgresTestDatabase : TestDatabase
{
    private readonly string _name = $"crisisops_test_{Guid.NewGuid():N}";
    private string _connectionString = "";

    public override DatabaseProvider Provider => DatabaseProvider.Postgres;

    public override string ConnectionString => _connectionString;

    public override async Task CreateAsync()
    {
        var admin = TestEnvironment.PostgresConnectionString;
        if (admin is null)
        {
            UnavailableReason = $"{TestEnvironment.PostgresVariable} is not set";
            return;
        }

        try
        {
            await using var connection = new NpgsqlConnection(admin);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{_name}\"", connection);
            await command.ExecuteNonQueryAsync();
            _connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = _name }.ConnectionString;
        }
        catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            UnavailableReason = $"cannot reach PostgreSQL: {ex.Message}";
        }
    }

    public override async ValueTask DisposeAsync()
    {
        if (UnavailableReason is not null || TestEnvironment.PostgresConnectionString is not { } admin)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
