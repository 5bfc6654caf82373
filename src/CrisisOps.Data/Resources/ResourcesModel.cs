using CrisisOps.Domain.Resources;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrisisOps.Data;

public sealed partial class CrisisOpsDbContext
{
    public DbSet<Item> Items => Set<Item>();

    public DbSet<Warehouse> Warehouses => Set<Warehouse>();

    public DbSet<StockBalance> StockBalances => Set<StockBalance>();

    public DbSet<StockLot> StockLots => Set<StockLot>();

    public DbSet<StockMovement> StockMovements => Set<StockMovement>();

    public DbSet<Reservation> Reservations => Set<Reservation>();

    public DbSet<Team> Teams => Set<Team>();

    public DbSet<Expert> Experts => Set<Expert>();

    public DbSet<Equipment> Equipment => Set<Equipment>();

    public DbSet<PartnerAgreement> PartnerAgreements => Set<PartnerAgreement>();
}

internal sealed class ItemMapping : IEntityTypeConfiguration<Item>
{
    public void Configure(EntityTypeBuilder<Item> b)
    {
        b.ToTable("items");
        b.HasKey(i => i.Code);
        b.Property(i => i.Code).HasMaxLength(64);
        b.Property(i => i.NameZh).HasMaxLength(Item.MaxNameLength);
        b.Property(i => i.NameEn).HasMaxLength(Item.MaxNameLength);
        b.Property(i => i.UnitZh).HasMaxLength(Item.MaxUnitLength);
        b.Property(i => i.UnitEn).HasMaxLength(Item.MaxUnitLength);
        b.Property(i => i.Category).HasMaxLength(64);
        b.Property(i => i.CreatedBy).HasMaxLength(64);
    }
}

internal sealed class WarehouseMapping : IEntityTypeConfiguration<Warehouse>
{
    public void Configure(EntityTypeBuilder<Warehouse> b)
    {
        b.ToTable("warehouses");
        b.HasKey(w => w.Id);
        b.Property(w => w.Id).ValueGeneratedNever();
        b.Property(w => w.Code).HasMaxLength(64);
        b.HasIndex(w => w.Code).IsUnique();
        b.Property(w => w.Name).HasMaxLength(200);
        b.Property(w => w.Operator).HasMaxLength(200);
        b.Property(w => w.RegionCode).HasMaxLength(64);
        b.Property(w => w.RegionPath).HasMaxLength(1024);
        b.HasIndex(w => w.RegionPath);
        b.Ignore(w => w.Location);
        b.Property(w => w.CreatedBy).HasMaxLength(64);
    }
}

internal sealed class StockBalanceMapping : IEntityTypeConfiguration<StockBalance>
{
    public void Configure(EntityTypeBuilder<StockBalance> b)
    {
        b.ToTable("stock_balances");
        b.HasKey(s => s.Id);
        b.Property(s => s.Id).ValueGeneratedNever();
        b.HasIndex(s => new { s.WarehouseId, s.ItemCode }).IsUnique();
        b.HasOne<Warehouse>().WithMany().HasForeignKey(s => s.WarehouseId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Item>().WithMany().HasForeignKey(s => s.ItemCode).OnDelete(DeleteBehavior.Restrict);
        b.Property(s => s.ItemCode).HasMaxLength(64);
        b.Property(s => s.RegionPath).HasMaxLength(1024);
        b.HasIndex(s => s.RegionPath);

        // Every movement bumps it: a second writer on stale numbers fails and retries (StockKeeper).
        b.Property(s => s.Version).IsConcurrencyToken();
        b.HasMany(s => s.Lots).WithOne().HasForeignKey(l => l.BalanceId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(s => s.Lots).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class StockLotMapping : IEntityTypeConfiguration<StockLot>
{
    public void Configure(EntityTypeBuilder<StockLot> b)
    {
        b.ToTable("stock_lots");
        b.HasKey(l => l.Id);
        b.Property(l => l.Id).ValueGeneratedNever();
        b.HasIndex(l => l.Expires);
    }
}

internal sealed class StockMovementMapping : IEntityTypeConfiguration<StockMovement>
{
    public void Configure(EntityTypeBuilder<StockMovement> b)
    {
        b.ToTable("stock_movements");
        b.HasKey(m => m.Sequence);
        b.Property(m => m.Sequence).ValueGeneratedOnAdd();
        b.Property(m => m.WarehouseCode).HasMaxLength(64);
        b.Property(m => m.ItemCode).HasMaxLength(64);
        b.Property(m => m.CounterpartWarehouseCode).HasMaxLength(64);
        b.Property(m => m.ReferenceType).HasMaxLength(64);
        b.Property(m => m.ReferenceId).HasMaxLength(100);
        b.Property(m => m.Source).HasMaxLength(200);
        b.Property(m => m.Actor).HasMaxLength(64);
        b.Property(m => m.RegionCode).HasMaxLength(64);
        b.Property(m => m.RegionPath).HasMaxLength(1024);
        b.HasIndex(m => m.RegionPath);
        b.HasIndex(m => new { m.WarehouseId, m.ItemCode });
        b.HasIndex(m => new { m.ReferenceType, m.ReferenceId });
    }
}

internal sealed class ReservationMapping : IEntityTypeConfiguration<Reservation>
{
    public void Configure(EntityTypeBuilder<Reservation> b)
    {
        b.ToTable("reservations");
        b.HasKey(r => r.Id);
        b.Property(r => r.Id).ValueGeneratedNever();
        b.HasOne<StockBalance>().WithMany().HasForeignKey(r => r.BalanceId).OnDelete(DeleteBehavior.Restrict);
        b.Property(r => r.WarehouseCode).HasMaxLength(64);
        b.Property(r => r.ItemCode).HasMaxLength(64);
        b.Property(r => r.ReferenceType).HasMaxLength(64);
        b.Property(r => r.ReferenceId).HasMaxLength(100);
        b.Property(r => r.RegionCode).HasMaxLength(64);
        b.Property(r => r.RegionPath).HasMaxLength(1024);
        b.HasIndex(r => r.RegionPath);
        b.HasIndex(r => new { r.ReferenceType, r.ReferenceId });
        b.Property(r => r.CreatedBy).HasMaxLength(64);
    }
}

internal sealed class TeamMapping : IEntityTypeConfiguration<Team>
{
    public void Configure(EntityTypeBuilder<Team> b)
    {
        b.ToTable("teams");
        b.HasKey(t => t.Id);
        b.Property(t => t.Id).ValueGeneratedNever();
        b.Property(t => t.Name).HasMaxLength(200);
        b.Property(t => t.Kind).HasMaxLength(64);
        b.Property(t => t.RegionCode).HasMaxLength(64);
        b.Property(t => t.RegionPath).HasMaxLength(1024);
        b.HasIndex(t => t.RegionPath);
        b.Ignore(t => t.Location);
        b.Property(t => t.CreatedBy).HasMaxLength(64);
    }
}

internal sealed class ExpertMapping : IEntityTypeConfiguration<Expert>
{
    public void Configure(EntityTypeBuilder<Expert> b)
    {
        b.ToTable("experts");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).ValueGeneratedNever();
        b.Property(e => e.Name).HasMaxLength(100);
        b.Property(e => e.Organisation).HasMaxLength(200);
        b.Property(e => e.Telephone).HasMaxLength(40);
        b.Property(e => e.RegionCode).HasMaxLength(64);
        b.Property(e => e.RegionPath).HasMaxLength(1024);
        b.HasIndex(e => e.RegionPath);
        b.Ignore(e => e.Location);
        b.Property(e => e.CreatedBy).HasMaxLength(64);
    }
}

internal sealed class EquipmentMapping : IEntityTypeConfiguration<Equipment>
{
    public void Configure(EntityTypeBuilder<Equipment> b)
    {
        b.ToTable("equipment");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).ValueGeneratedNever();
        b.Property(e => e.Code).HasMaxLength(64);
        b.HasIndex(e => e.Code).IsUnique();
        b.Property(e => e.Kind).HasMaxLength(64);
        b.Property(e => e.Name).HasMaxLength(200);
        b.Property(e => e.Capacity).HasMaxLength(200);
        b.Property(e => e.HomeWarehouseCode).HasMaxLength(64);
        b.Property(e => e.OwnerOrganisation).HasMaxLength(200);
        b.Property(e => e.RegionCode).HasMaxLength(64);
        b.Property(e => e.RegionPath).HasMaxLength(1024);
        b.HasIndex(e => e.RegionPath);
        b.Ignore(e => e.Location);
        b.Property(e => e.CreatedBy).HasMaxLength(64);
    }
}

internal sealed class PartnerAgreementMapping : IEntityTypeConfiguration<PartnerAgreement>
{
    public void Configure(EntityTypeBuilder<PartnerAgreement> b)
    {
        b.ToTable("partner_agreements");
        b.HasKey(a => a.Id);
        b.Property(a => a.Id).ValueGeneratedNever();
        b.Property(a => a.OrganisationCode).HasMaxLength(64);
        b.HasIndex(a => a.OrganisationCode);
        b.Property(a => a.Title).HasMaxLength(200);
        b.Property(a => a.Contacts).HasMaxLength(500);
        b.Property(a => a.RegionCode).HasMaxLength(64);
        b.Property(a => a.RegionPath).HasMaxLength(1024);
        b.HasIndex(a => a.RegionPath);
        b.Property(a => a.CreatedBy).HasMaxLength(64);

        // Activations draw on lines; the token keeps two of them from spending one remainder twice.
        b.Property(a => a.Version).IsConcurrencyToken();
        b.HasMany(a => a.Lines).WithOne().HasForeignKey(l => l.AgreementId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(a => a.Lines).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class AgreementLineMapping : IEntityTypeConfiguration<AgreementLine>
{
    public void Configure(EntityTypeBuilder<AgreementLine> b)
    {
        b.ToTable("agreement_lines");
        b.HasKey(l => l.Id);
        b.Property(l => l.Id).ValueGeneratedNever();
        b.Property(l => l.ItemCode).HasMaxLength(64);
        b.Property(l => l.Service).HasMaxLength(500);
        b.Ignore(l => l.Remaining);
    }
}
