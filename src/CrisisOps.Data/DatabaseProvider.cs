using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Data;

/// <summary>Which database holds the system of record.</summary>
public enum DatabaseProvider
{
    Sqlite = 1,
    Postgres = 2,
}

public static class DatabaseOptions
{
    public const string SqliteMigrationsAssembly = "CrisisOps.Data.Sqlite";
    public const string PostgresMigrationsAssembly = "CrisisOps.Data.Postgres";

    /// <summary>Points the context at the provider and at that provider's own migration set.</summary>
    public static DbContextOptionsBuilder UseCrisisOps(this DbContextOptionsBuilder builder, DatabaseProvider provider, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return provider switch
        {
            DatabaseProvider.Sqlite => builder
                .UseSqlite(connectionString, o => o.MigrationsAssembly(SqliteMigrationsAssembly))
                .AddInterceptors(new SqliteConnectionSettings()),
            DatabaseProvider.Postgres => builder
                .UseNpgsql(connectionString, o => o.MigrationsAssembly(PostgresMigrationsAssembly))
                .AddInterceptors(new PostgresJournalOrder()),
            _ => throw new ArgumentOutOfRangeException(nameof(provider)),
        };
    }
}
