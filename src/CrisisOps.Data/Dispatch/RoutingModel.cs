using CrisisOps.Domain.Dispatch;
using CrisisOps.Domain.Resources;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrisisOps.Data;

public sealed partial class CrisisOpsDbContext
{
    public DbSet<Vehicle> Vehicles => Set<Vehicle>();

    public DbSet<RoadClosure> RoadClosures => Set<RoadClosure>();

    public DbSet<DeliveryPlan> DeliveryPlans => Set<DeliveryPlan>();
}

internal sealed class VehicleMapping : IEntityTypeConfiguration<Vehicle>
{
    public void Configure(EntityTypeBuilder<Vehicle> b)
    {
        b.ToTable("vehicles");
        b.HasKey(v => v.Id);
        b.Property(v => v.Code).HasMaxLength(64);
        b.HasIndex(v => v.Code).IsUnique();
        b.Property(v => v.Name).HasMaxLength(Vehicle.MaxNameLength);
        b.Property(v => v.WarehouseCode).HasMaxLength(64);
        b.HasOne<Warehouse>().WithMany().HasForeignKey(v => v.WarehouseId).OnDelete(DeleteBehavior.Restrict);
        b.Property(v => v.RegionCode).HasMaxLength(64);
        b.Property(v => v.RegionPath).HasMaxLength(1024);
        b.HasIndex(v => v.RegionPath);
        b.Property(v => v.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(v => v.CreatedBy).HasMaxLength(64);
        b.Property(v => v.Version).IsConcurrencyToken();
    }
}

internal sealed class RoadClosureMapping : IEntityTypeConfiguration<RoadClosure>
{
    public void Configure(EntityTypeBuilder<RoadClosure> b)
    {
        b.ToTable("road_closures");
        b.HasKey(c => c.Id);
        b.Ignore(c => c.Area);
        b.Ignore(c => c.IsActive);
        b.Property(c => c.Kind).HasConversion<string>().HasMaxLength(10);
        b.Property(c => c.Source).HasConversion<string>().HasMaxLength(10);
        b.Property(c => c.Status).HasConversion<string>().HasMaxLength(10);
        b.Property(c => c.ReasonZh).HasMaxLength(RoadClosure.MaxReasonLength);
        b.Property(c => c.ReasonEn).HasMaxLength(RoadClosure.MaxReasonLength);
        b.Property(c => c.RegionCode).HasMaxLength(64);
        b.Property(c => c.RegionPath).HasMaxLength(1024);
        b.Property(c => c.RuleKey).HasMaxLength(200);
        b.Property(c => c.ClosedBy).HasMaxLength(64);
        b.Property(c => c.ReopenedBy).HasMaxLength(64);
        b.Property(c => c.Version).IsConcurrencyToken();
        b.HasIndex(c => c.Status);
        b.HasIndex(c => c.RuleKey);
    }
}

internal sealed class DeliveryPlanMapping : IEntityTypeConfiguration<DeliveryPlan>
{
    public void Configure(EntityTypeBuilder<DeliveryPlan> b)
    {
        b.ToTable("delivery_plans");
        b.HasKey(p => p.Id);
        b.Ignore(p => p.IsCurrent);
        b.Property(p => p.Number).HasMaxLength(40);
        b.HasIndex(p => new { p.Number, p.PlanVersion }).IsUnique();
        b.Property(p => p.IncidentNumber).HasMaxLength(64);
        b.HasIndex(p => p.IncidentId);
        b.Property(p => p.RegionCode).HasMaxLength(64);
        b.Property(p => p.RegionPath).HasMaxLength(1024);
        b.Property(p => p.Method).HasConversion<string>().HasMaxLength(20);
        b.Property(p => p.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(p => p.CreatedBy).HasMaxLength(64);
        b.Property(p => p.IssuedBy).HasMaxLength(64);
        b.Property(p => p.ReplanCode).HasMaxLength(64);
        b.Property(p => p.ReplanText).HasMaxLength(1000);
        b.Property(p => p.Version).IsConcurrencyToken();
        b.OwnsMany(p => p.Routes, r =>
        {
            r.ToTable("delivery_plan_routes");
            r.WithOwner().HasForeignKey(x => x.PlanId);
            r.HasKey(x => new { x.PlanId, x.Number });
            r.Property(x => x.VehicleCode).HasMaxLength(64);
            r.Property(x => x.VehicleName).HasMaxLength(Vehicle.MaxNameLength);
            r.Property(x => x.DepotCode).HasMaxLength(64);
        });
        b.OwnsMany(p => p.Stops, s =>
        {
            s.ToTable("delivery_plan_stops");
            s.WithOwner().HasForeignKey(x => x.PlanId);
            s.HasKey(x => new { x.PlanId, x.Number });
            s.Property(x => x.NeedNumber).HasMaxLength(32);
            s.Property(x => x.SiteCode).HasMaxLength(64);
            s.Property(x => x.PlaceName).HasMaxLength(400);
            s.Property(x => x.ItemCode).HasMaxLength(64);
            s.Property(x => x.Unit).HasMaxLength(40);
            s.Property(x => x.ServedBy).HasMaxLength(64);
        });
        b.OwnsMany(p => p.Unserved, u =>
        {
            u.ToTable("delivery_plan_unserved");
            u.WithOwner().HasForeignKey(x => x.PlanId);
            u.HasKey(x => new { x.PlanId, x.Number });
            u.Property(x => x.NeedNumber).HasMaxLength(32);
            u.Property(x => x.SiteCode).HasMaxLength(64);
            u.Property(x => x.PlaceName).HasMaxLength(400);
            u.Property(x => x.Unit).HasMaxLength(40);
            u.Property(x => x.Cause).HasConversion<string>().HasMaxLength(20);
        });
    }
}
