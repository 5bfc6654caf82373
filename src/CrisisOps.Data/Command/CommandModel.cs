using CrisisOps.Domain.Command;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrisisOps.Data;

public sealed partial class CrisisOpsDbContext
{
    public DbSet<Headquarters> Headquarters => Set<Headquarters>();

    public DbSet<CommandUnit> CommandUnits => Set<CommandUnit>();

    public DbSet<Order> Orders => Set<Order>();

    public DbSet<OrderReport> OrderReports => Set<OrderReport>();

    public DbSet<OrderPhoto> OrderPhotos => Set<OrderPhoto>();
}

internal sealed class HeadquartersMapping : IEntityTypeConfiguration<Headquarters>
{
    public void Configure(EntityTypeBuilder<Headquarters> b)
    {
        b.ToTable("headquarters");
        b.HasKey(h => h.Id);

        // One headquarters per incident, enforced by the database too (two commanders forming at once).
        b.HasIndex(h => h.IncidentId).IsUnique();
        b.Property(h => h.TemplateCode).HasMaxLength(64);
        b.Property(h => h.NameZh).HasMaxLength(100);
        b.Property(h => h.NameEn).HasMaxLength(100);
        b.Property(h => h.Commander).HasMaxLength(64);
        b.Property(h => h.Deputy).HasMaxLength(64);
        b.Property(h => h.RegionCode).HasMaxLength(64);
        b.Property(h => h.RegionPath).HasMaxLength(1024);
        b.HasIndex(h => h.RegionPath);
        b.Property(h => h.FormedBy).HasMaxLength(64);
    }
}

internal sealed class CommandUnitMapping : IEntityTypeConfiguration<CommandUnit>
{
    public void Configure(EntityTypeBuilder<CommandUnit> b)
    {
        b.ToTable("command_units");
        b.HasKey(u => u.Id);
        b.HasOne<Headquarters>().WithMany().HasForeignKey(u => u.HeadquartersId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(u => u.HeadquartersId);
        b.HasIndex(u => u.IncidentId);
        b.Property(u => u.Name).HasMaxLength(CommandUnit.MaxNameLength);
        b.Property(u => u.Department).HasMaxLength(64);
        b.Property(u => u.RegionCode).HasMaxLength(64);
        b.Property(u => u.SiteCode).HasMaxLength(64);
        b.Property(u => u.Organisation).HasMaxLength(64);
        b.Property(u => u.CreatedBy).HasMaxLength(64);
        b.HasMany(u => u.Members).WithOne().HasForeignKey(m => m.UnitId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class UnitMemberMapping : IEntityTypeConfiguration<UnitMember>
{
    public void Configure(EntityTypeBuilder<UnitMember> b)
    {
        b.ToTable("command_unit_members");
        b.HasKey(m => new { m.UnitId, m.UserName });
        b.Property(m => m.UserName).HasMaxLength(64);
        b.HasIndex(m => m.UserName);
        b.Property(m => m.AddedBy).HasMaxLength(64);
    }
}

internal sealed class OrderMapping : IEntityTypeConfiguration<Order>
{
    public void Configure(EntityTypeBuilder<Order> b)
    {
        b.ToTable("orders");
        b.HasKey(o => o.Id);
        b.HasOne<Headquarters>().WithMany().HasForeignKey(o => o.HeadquartersId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<CommandUnit>().WithMany().HasForeignKey(o => o.UnitId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(o => o.IncidentId);
        b.HasIndex(o => o.UnitId);
        b.HasIndex(o => new { o.SourceType, o.SourceId });
        b.Property(o => o.What).HasMaxLength(Order.MaxWhatLength);
        b.Property(o => o.Details).HasMaxLength(Order.MaxDetailsLength);
        b.Property(o => o.WhereRegionCode).HasMaxLength(64);
        b.Property(o => o.WhereSiteCode).HasMaxLength(64);
        b.Property(o => o.WhereText).HasMaxLength(500);
        b.Property(o => o.SourceType).HasMaxLength(64);
        b.Property(o => o.RegionCode).HasMaxLength(64);
        b.Property(o => o.RegionPath).HasMaxLength(1024);
        b.HasIndex(o => o.RegionPath);
        b.Property(o => o.IssuedBy).HasMaxLength(64);
        b.Property(o => o.AcknowledgedBy).HasMaxLength(64);
        b.Property(o => o.LastActor).HasMaxLength(64);
        b.Property(o => o.CannotDoReason).HasMaxLength(Order.MaxReasonLength);
    }
}

internal sealed class OrderReportMapping : IEntityTypeConfiguration<OrderReport>
{
    public void Configure(EntityTypeBuilder<OrderReport> b)
    {
        b.ToTable("order_reports");
        b.HasKey(r => r.Id);
        b.HasOne<Order>().WithMany().HasForeignKey(r => r.OrderId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(r => r.OrderId);
        b.Property(r => r.Text).HasMaxLength(OrderReport.MaxTextLength);
        b.Property(r => r.FiguresJson).HasMaxLength(4000);
        b.Property(r => r.ReportedBy).HasMaxLength(64);
        b.Ignore(r => r.Figures);
        b.HasMany(r => r.Photos).WithOne().HasForeignKey(p => p.ReportId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class OrderPhotoMapping : IEntityTypeConfiguration<OrderPhoto>
{
    public void Configure(EntityTypeBuilder<OrderPhoto> b)
    {
        b.ToTable("order_photos");
        b.HasKey(p => p.Id);
        b.Property(p => p.ContentType).HasMaxLength(32);
        b.Property(p => p.Sha256).HasMaxLength(64);
        b.Property(p => p.Bytes).IsRequired();
    }
}
