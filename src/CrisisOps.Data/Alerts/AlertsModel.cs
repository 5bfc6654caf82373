using System.Text.Json;
using System.Text.Json.Serialization;
using CrisisOps.Domain.Alerts;
using CrisisOps.Domain.Warning;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrisisOps.Data;

public sealed partial class CrisisOpsDbContext
{
    public DbSet<Alert> Alerts => Set<Alert>();

    public DbSet<AlertRegion> AlertRegions => Set<AlertRegion>();
}

internal sealed class AlertMapping : IEntityTypeConfiguration<Alert>
{
    private static readonly JsonSerializerOptions Json = CreateJson();

    public void Configure(EntityTypeBuilder<Alert> b)
    {
        b.ToTable("alerts");
        b.HasKey(a => a.Id);
        b.Property(a => a.Identifier).HasMaxLength(Alert.MaxIdentifierLength);
        b.HasIndex(a => new { a.Sender, a.Identifier }).IsUnique();
        b.Property(a => a.Sender).HasMaxLength(200);
        b.Property(a => a.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(a => a.MsgType).HasConversion<string>().HasMaxLength(16);
        b.Property(a => a.Scope).HasConversion<string>().HasMaxLength(16);
        b.Property(a => a.Stage).HasConversion<string>().HasMaxLength(16);
        b.Property(a => a.Restriction).HasMaxLength(Alert.MaxRestrictionLength);
        b.Property(a => a.Hazard).HasMaxLength(Alert.MaxHazardLength);
        b.Property(a => a.ComposedBy).HasMaxLength(200);
        b.Property(a => a.WithdrawnBy).HasMaxLength(200);
        b.Property(a => a.WithdrawReason).HasMaxLength(Alert.MaxReasonLength);
        b.Property(a => a.Version).IsConcurrencyToken();

        // Info blocks, references and approvals are read and written whole with the alert, never queried apart.
        Whole(b.Property(a => a.Infos));
        Whole(b.Property(a => a.References));
        Whole(b.Property(a => a.Approvals));
        b.HasMany(a => a.Regions).WithOne().HasForeignKey(r => r.AlertId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(a => a.Regions).AutoInclude();

        // The public feed lists released alerts newest first.
        b.HasIndex(a => new { a.Stage, a.Sent });
    }

    private static void Whole<T>(PropertyBuilder<List<T>> property) => property.HasConversion(
        list => JsonSerializer.Serialize(list, Json),
        json => JsonSerializer.Deserialize<List<T>>(json, Json) ?? new List<T>(),
        new ValueComparer<List<T>>(
            (a, c) => a == null ? c == null : c != null && a.SequenceEqual(c),
            list => list.Aggregate(0, (hash, x) => HashCode.Combine(hash, x)),
            list => list.ToList()));

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.Converters.Add(new JsonStringEnumConverter());
        return options;
    }
}

internal sealed class AlertRegionMapping : IEntityTypeConfiguration<AlertRegion>
{
    public void Configure(EntityTypeBuilder<AlertRegion> b)
    {
        b.ToTable("alert_regions");
        b.HasKey(r => new { r.AlertId, r.Code });
        b.Property(r => r.Code).HasMaxLength(64);
        b.Property(r => r.Path).HasMaxLength(1024);
        b.Property(r => r.NameZh).HasMaxLength(200);
        b.Property(r => r.NameEn).HasMaxLength(200);

        // Lists are scoped by jurisdiction (path prefix), and the public page finds alerts covering a region's ancestors.
        b.HasIndex(r => r.Path);
    }
}
