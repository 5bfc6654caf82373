using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace CrisisOps.Data.Sqlite;

/// <summary>Lets <c>dotnet ef migrations add</c> build the context for SQLite without the server.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<CrisisOpsDbContext>
{
    public CrisisOpsDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<CrisisOpsDbContext>();
        builder.UseCrisisOps(DatabaseProvider.Sqlite, "Data Source=design-time.db");
        return new CrisisOpsDbContext(builder.Options);
    }
}
