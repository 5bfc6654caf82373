using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace CrisisOps.Data.Postgres;

/// <summary>Lets <c>dotnet ef migrations add</c> build the context for PostgreSQL without a server.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<CrisisOpsDbContext>
{
    public CrisisOpsDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<CrisisOpsDbContext>();
        builder.UseCrisisOps(DatabaseProvider.Postgres, "Host=127.0.0.1;Database=crisisops_design;Username=postgres");
        return new CrisisOpsDbContext(builder.Options);
    }
}
