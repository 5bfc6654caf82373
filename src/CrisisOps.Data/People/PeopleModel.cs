using System.Text.Json;
using CrisisOps.Domain.People;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrisisOps.Data;

public sealed partial class CrisisOpsDbContext
{
    public DbSet<Resident> Residents => Set<Resident>();
}

internal sealed class ResidentMapping : IEntityTypeConfiguration<Resident>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public void Configure(EntityTypeBuilder<Resident> b)
    {
        b.ToTable("residents");
        b.HasKey(r => r.Id);
        b.Property(r => r.Reference).HasMaxLength(Resident.MaxReferenceLength);
        b.HasIndex(r => r.Reference).IsUnique();
        b.Property(r => r.Name).HasMaxLength(Resident.MaxNameLength);
        b.Property(r => r.HomeRegionCode).HasMaxLength(64);
        b.Property(r => r.HomeRegionPath).HasMaxLength(1024);
        b.Property(r => r.HomeAddress).HasMaxLength(Resident.MaxAddressLength);
        b.Property(r => r.WorkRegionCode).HasMaxLength(64);
        b.Property(r => r.WorkRegionPath).HasMaxLength(1024);
        b.Property(r => r.Mobile).HasMaxLength(Resident.MaxPhoneLength);
        b.Property(r => r.Landline).HasMaxLength(Resident.MaxPhoneLength);
        b.Property(r => r.Email).HasMaxLength(Resident.MaxEmailLength);
        b.Property(r => r.PushToken).HasMaxLength(Resident.MaxPushTokenLength);
        b.Property(r => r.Language).HasMaxLength(35);

        // Special needs are flags stored as their number, not as the convention's enum text ("HearingImpaired, Elderly"):
        // segment counts and fan-out test bits in the database ((needs & 8) = 8), and a text of several flags outgrows its column.
        b.Property(r => r.Needs).HasConversion<int>();
        b.HasIndex(r => r.Needs);

        // Training history is read and written whole with the person, never queried course by course.
        b.Property(r => r.Trainings).HasConversion(
            list => JsonSerializer.Serialize(list, Json),
            json => JsonSerializer.Deserialize<List<TrainingRecord>>(json, Json) ?? new List<TrainingRecord>(),
            new ValueComparer<List<TrainingRecord>>(
                (a, c) => a == null ? c == null : c != null && a.SequenceEqual(c),
                list => list.Aggregate(0, (hash, t) => HashCode.Combine(hash, t)),
                list => list.ToList()));
        b.Property(r => r.Version).IsConcurrencyToken();

        // Fan-out and access checks select residents by the subtree of their home (or work) region.
        b.HasIndex(r => r.HomeRegionPath);
        b.HasIndex(r => r.WorkRegionPath);
    }
}
