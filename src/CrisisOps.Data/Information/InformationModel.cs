using System.Text.Json;
using CrisisOps.Domain.Information;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrisisOps.Data;

public sealed partial class CrisisOpsDbContext
{
    public DbSet<Release> Releases => Set<Release>();

    public DbSet<ReleasePicture> ReleasePictures => Set<ReleasePicture>();

    public DbSet<ReleaseSchedule> ReleaseSchedules => Set<ReleaseSchedule>();

    public DbSet<HotlineTicket> HotlineTickets => Set<HotlineTicket>();

    public DbSet<HotlineAnswer> HotlineAnswers => Set<HotlineAnswer>();
}

internal sealed class ReleaseMapping : IEntityTypeConfiguration<Release>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public void Configure(EntityTypeBuilder<Release> b)
    {
        b.ToTable("releases");
        b.HasKey(r => r.Id);
        b.Property(r => r.Number).HasMaxLength(64);
        b.HasIndex(r => r.Number).IsUnique();
        b.HasOne<Domain.Incidents.Incident>().WithMany().HasForeignKey(r => r.IncidentId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(r => r.IncidentId);
        b.Property(r => r.RegionCode).HasMaxLength(64);
        b.Property(r => r.RegionPath).HasMaxLength(1024);
        b.HasIndex(r => r.RegionPath);
        b.Property(r => r.TitleZh).HasMaxLength(ReleaseContent.MaxTitleLength);
        b.Property(r => r.TitleEn).HasMaxLength(ReleaseContent.MaxTitleLength);
        b.Property(r => r.TextZh).HasMaxLength(ReleaseContent.MaxTextLength);
        b.Property(r => r.TextEn).HasMaxLength(ReleaseContent.MaxTextLength);
        b.Property(r => r.DraftedBy).HasMaxLength(64);
        b.Property(r => r.ApprovedBy).HasMaxLength(64);
        b.Property(r => r.WithdrawnBy).HasMaxLength(64);
        b.Property(r => r.WithdrawReason).HasMaxLength(500);
        b.HasIndex(r => new { r.Status, r.PublishedAt });

        // Figures are read and written with their release, never queried one by one.
        b.Property(r => r.Figures).HasConversion(
            list => JsonSerializer.Serialize(list, Json),
            json => JsonSerializer.Deserialize<List<ReleaseFigure>>(json, Json) ?? new List<ReleaseFigure>(),
            new ValueComparer<List<ReleaseFigure>>(
                (a, c) => a == null ? c == null : c != null && a.SequenceEqual(c),
                list => list.Aggregate(0, (hash, f) => HashCode.Combine(hash, f)),
                list => list.ToList()));
        b.HasMany(r => r.Pictures).WithOne().HasForeignKey(p => p.ReleaseId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(r => r.Pictures).AutoInclude(false);
        b.Property(r => r.Version).IsConcurrencyToken();
    }
}

internal sealed class ReleasePictureMapping : IEntityTypeConfiguration<ReleasePicture>
{
    public void Configure(EntityTypeBuilder<ReleasePicture> b)
    {
        b.ToTable("release_pictures");
        b.HasKey(p => p.Id);
        b.HasIndex(p => p.ReleaseId);
        b.Property(p => p.ContentType).HasMaxLength(40);
        b.Property(p => p.Sha256).HasMaxLength(64);
    }
}

internal sealed class ReleaseScheduleMapping : IEntityTypeConfiguration<ReleaseSchedule>
{
    public void Configure(EntityTypeBuilder<ReleaseSchedule> b)
    {
        b.ToTable("release_schedules");
        b.HasKey(s => s.IncidentId);
        b.HasOne<Domain.Incidents.Incident>().WithOne().HasForeignKey<ReleaseSchedule>(s => s.IncidentId).OnDelete(DeleteBehavior.Restrict);
        b.Property(s => s.SetBy).HasMaxLength(64);
        b.Ignore(s => s.Cadence);
    }
}

internal sealed class HotlineTicketMapping : IEntityTypeConfiguration<HotlineTicket>
{
    public void Configure(EntityTypeBuilder<HotlineTicket> b)
    {
        b.ToTable("hotline_tickets");
        b.HasKey(t => t.Id);
        b.Property(t => t.Number).HasMaxLength(32);
        b.HasIndex(t => t.Number).IsUnique();
        b.Property(t => t.CallerName).HasMaxLength(TicketCaller.MaxNameLength);
        b.Property(t => t.CallerPhone).HasMaxLength(TicketCaller.MaxPhoneLength);
        b.Property(t => t.Topic).HasMaxLength(40);
        b.Property(t => t.Text).HasMaxLength(TicketQuestion.MaxTextLength);
        b.Property(t => t.Answer).HasMaxLength(TicketQuestion.MaxTextLength);
        b.Property(t => t.RegionCode).HasMaxLength(64);
        b.Property(t => t.RegionPath).HasMaxLength(1024);
        b.Property(t => t.AssignedTo).HasMaxLength(64);
        b.Property(t => t.AnsweredBy).HasMaxLength(64);
        b.Property(t => t.ClosedBy).HasMaxLength(64);
        b.Property(t => t.CreatedBy).HasMaxLength(64);
        b.HasIndex(t => new { t.RegionPath, t.CreatedAt });
        b.HasIndex(t => t.Status);
        b.Ignore(t => t.IsOpen);
        b.Property(t => t.Version).IsConcurrencyToken();
    }
}

internal sealed class HotlineAnswerMapping : IEntityTypeConfiguration<HotlineAnswer>
{
    public void Configure(EntityTypeBuilder<HotlineAnswer> b)
    {
        b.ToTable("hotline_answers");
        b.HasKey(a => a.Id);
        b.Property(a => a.RegionCode).HasMaxLength(64);
        b.Property(a => a.RegionPath).HasMaxLength(1024);
        b.HasIndex(a => a.RegionPath);
        b.Property(a => a.Topic).HasMaxLength(40);
        b.Property(a => a.Title).HasMaxLength(HotlineAnswer.MaxTitleLength);
        b.Property(a => a.Text).HasMaxLength(TicketQuestion.MaxTextLength);
        b.Property(a => a.UpdatedBy).HasMaxLength(64);
        b.Property(a => a.Version).IsConcurrencyToken();
    }
}
