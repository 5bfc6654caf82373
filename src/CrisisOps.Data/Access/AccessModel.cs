using CrisisOps.Domain.Access;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrisisOps.Data;

public sealed partial class CrisisOpsDbContext
{
    public DbSet<Organisation> Organisations => Set<Organisation>();
}

internal sealed class OrganisationMapping : IEntityTypeConfiguration<Organisation>
{
    public void Configure(EntityTypeBuilder<Organisation> b)
    {
        b.ToTable("organisations");
        b.HasKey(o => o.Id);
        b.Property(o => o.Code).HasMaxLength(64);
        b.HasIndex(o => o.Code).IsUnique();
        b.Property(o => o.Name).HasMaxLength(Organisation.MaxNameLength);
        b.Property(o => o.RegionCode).HasMaxLength(64);
        b.Property(o => o.RegionPath).HasMaxLength(1024);
        b.HasIndex(o => o.RegionPath);
        b.Property(o => o.Contact).HasMaxLength(200);
        b.Property(o => o.CreatedBy).HasMaxLength(64);
    }
}
