using CrisisOps.Domain.Alerts.Delivery;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrisisOps.Data;

public sealed partial class CrisisOpsDbContext
{
    public DbSet<Delivery> Deliveries => Set<Delivery>();

    public DbSet<FanOutJob> FanOutJobs => Set<FanOutJob>();

    public DbSet<AlertRecipient> AlertRecipients => Set<AlertRecipient>();
}

internal sealed class DeliveryMapping : IEntityTypeConfiguration<Delivery>
{
    public void Configure(EntityTypeBuilder<Delivery> b)
    {
        // Written in bulk by raw INSERT … ON CONFLICT DO NOTHING (fan-out) and claimed by raw UPDATE (senders).
        b.ToTable("deliveries");
        b.HasKey(d => d.Id);
        b.Property(d => d.Id).ValueGeneratedOnAdd();
        b.Property(d => d.TargetKey).HasMaxLength(80);
        b.Property(d => d.RegionCode).HasMaxLength(64);
        b.Property(d => d.RegionPath).HasMaxLength(1024);
        b.Property(d => d.Address).HasMaxLength(Delivery.MaxAddressLength);
        b.Property(d => d.Language).HasMaxLength(35);
        b.Property(d => d.Gateway).HasMaxLength(64);
        b.Property(d => d.GatewayMessageId).HasMaxLength(128);
        b.Property(d => d.LastError).HasMaxLength(500);
        b.Property(d => d.TakenBy).HasMaxLength(100);

        // Nobody gets the same alert twice on the same channel: a rerun of a batch inserts nothing.
        b.HasIndex(d => new { d.AlertId, d.Channel, d.TargetKey }).IsUnique();

        // Senders claim by status and due time; receipts and counts go by alert.
        b.HasIndex(d => new { d.Status, d.NextAttemptAt });
        b.HasIndex(d => new { d.AlertId, d.ResidentId });
        b.HasIndex(d => d.ClaimToken);
    }
}

internal sealed class FanOutJobMapping : IEntityTypeConfiguration<FanOutJob>
{
    public void Configure(EntityTypeBuilder<FanOutJob> b)
    {
        // No foreign key to the alerts table: delivery joins alerts only through this id (see docs/delivery.md).
        b.ToTable("delivery_fanout_jobs");
        b.HasKey(j => j.AlertId);
        b.Property(j => j.Identifier).HasMaxLength(200);
        b.Property(j => j.Tier).HasMaxLength(40);
        b.Property(j => j.Version).IsConcurrencyToken();
        b.HasIndex(j => j.ExpandedAt);
    }
}

internal sealed class AlertRecipientMapping : IEntityTypeConfiguration<AlertRecipient>
{
    public void Configure(EntityTypeBuilder<AlertRecipient> b)
    {
        b.ToTable("alert_recipients");
        b.HasKey(r => new { r.AlertId, r.ResidentId });
        b.Property(r => r.RegionCode).HasMaxLength(64);
        b.Property(r => r.RegionPath).HasMaxLength(1024);
        b.HasIndex(r => new { r.AlertId, r.ReachedAt });
    }
}
