using CrisisOps.Domain.Needs;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrisisOps.Data;

public sealed partial class CrisisOpsDbContext
{
    public DbSet<Need> Needs => Set<Need>();

    public DbSet<NeedClaim> NeedClaims => Set<NeedClaim>();
}

internal sealed class NeedMapping : IEntityTypeConfiguration<Need>
{
    public void Configure(EntityTypeBuilder<Need> b)
    {
        b.ToTable("needs");
        b.HasKey(n => n.Id);
        b.Property(n => n.Number).HasMaxLength(32);
        b.HasIndex(n => n.Number).IsUnique();
        b.Property(n => n.What).HasMaxLength(Need.MaxWhatLength);
        b.Property(n => n.ItemCode).HasMaxLength(64);
        b.Property(n => n.Unit).HasMaxLength(Need.MaxUnitLength);
        b.Property(n => n.SiteCode).HasMaxLength(64);
        b.Property(n => n.RegionCode).HasMaxLength(64);
        b.Property(n => n.RegionPath).HasMaxLength(1024);
        b.Property(n => n.PublishedBy).HasMaxLength(64);
        b.Property(n => n.CancelReason).HasMaxLength(Need.MaxReasonLength);

        // The totals of a need change only when the row is as it was read: concurrent claims retry instead of over-committing.
        b.Property(n => n.Version).IsConcurrencyToken();
        b.Ignore(n => n.Remaining);
        b.HasIndex(n => n.RegionPath);
        b.HasIndex(n => new { n.Status, n.NeededBy });
        b.HasIndex(n => n.IncidentId);
    }
}

internal sealed class NeedClaimMapping : IEntityTypeConfiguration<NeedClaim>
{
    public void Configure(EntityTypeBuilder<NeedClaim> b)
    {
        b.ToTable("need_claims");
        b.HasKey(c => c.Id);
        b.HasOne<Need>().WithMany().HasForeignKey(c => c.NeedId);
        b.Property(c => c.Organisation).HasMaxLength(64);
        b.Property(c => c.ClaimedBy).HasMaxLength(64);
        b.Property(c => c.DeliveredBy).HasMaxLength(64);
        b.Property(c => c.ReceivedBy).HasMaxLength(64);
        b.Property(c => c.Warehouse).HasMaxLength(64);
        b.Property(c => c.SourceType).HasMaxLength(40);
        b.Ignore(c => c.IsOpen);
        b.Ignore(c => c.IsAllocation);
        b.HasIndex(c => c.NeedId);
        b.HasIndex(c => new { c.Organisation, c.Status });
    }
}
