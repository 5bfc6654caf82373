using CrisisOps.Data;
using CrisisOps.Server.Features.Journal;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Platform;

/// <summary>
/// Chooses the database from configuration: SQLite in <c>./data/crisisops.db</c> by default,
/// PostgreSQL when <c>Database:Provider</c> is <c>postgres</c> with <c>ConnectionStrings:CrisisOps</c>.
/// </summary>
public static partial class Storage
{
    public const string DefaultSqlite = "Data Source=data/crisisops.db";

    public static IServiceCollection AddCrisisOpsStorage(this IServiceCollection services, IConfiguration configuration)
    {
        var (provider, connectionString) = Resolve(configuration);
        services.AddSingleton<JournalSaveInterceptor>();
        services.AddDbContextFactory<CrisisOpsDbContext>((sp, options) =>
        {
            options.UseCrisisOps(provider, connectionString);
            options.AddInterceptors(sp.GetRequiredService<JournalSaveInterceptor>());
        });
        return services;
    }

    public static (DatabaseProvider Provider, string ConnectionString) Resolve(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var name = configuration["Database:Provider"] ?? "sqlite";
        var provider = name.ToLowerInvariant() switch
        {
            "sqlite" => DatabaseProvider.Sqlite,
            "postgres" or "postgresql" or "npgsql" => DatabaseProvider.Postgres,
            _ => throw new InvalidOperationException($"Database:Provider '{name}' is not known; use sqlite or postgres."),
        };
        var connectionString = configuration.GetConnectionString("CrisisOps");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            connectionString = provider == DatabaseProvider.Sqlite
                ? DefaultSqlite
                : throw new InvalidOperationException("Database:Provider is postgres but ConnectionStrings:CrisisOps is empty.");
        }

        return (provider, connectionString);
    }

    /// <summary>Creates the SQLite folder, applies migrations (unless turned off) and sets WAL.</summary>
    public static async Task InitializeDatabaseAsync(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var (provider, connectionString) = Resolve(app.Configuration);
        if (provider == DatabaseProvider.Sqlite)
        {
            var file = new SqliteConnectionStringBuilder(connectionString).DataSource;
            var folder = Path.GetDirectoryName(Path.GetFullPath(file));
            if (!string.IsNullOrEmpty(folder) && file != ":memory:")
            {
                Directory.CreateDirectory(folder);
            }
        }

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrisisOpsDbContext>();
        var logger = scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("CrisisOps.Storage");
        if (app.Configuration.GetValue("Database:MigrateOnStart", true))
        {
            await db.Database.MigrateAsync();
            LogMigrated(logger, provider);
        }
        else if ((await db.Database.GetPendingMigrationsAsync()).Any())
        {
            LogPending(logger);
        }

        if (provider == DatabaseProvider.Sqlite)
        {
            // WAL lets readers (the live feed, queries) run while a writer commits; it persists in the file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Database ready ({Provider}); migrations applied")]
    private static partial void LogMigrated(ILogger logger, DatabaseProvider provider);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database has pending migrations and Database:MigrateOnStart is false")]
    private static partial void LogPending(ILogger logger);
}
