using CrisisOps.Domain.Opinion;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrisisOps.Data;

public sealed partial class CrisisOpsDbContext
{
    public DbSet<Post> Posts => Set<Post>();

    public DbSet<OpinionTopic> OpinionTopics => Set<OpinionTopic>();

    public DbSet<TopicHour> TopicHours => Set<TopicHour>();

    public DbSet<TopicResponse> TopicResponses => Set<TopicResponse>();

    public DbSet<RumourMark> RumourMarks => Set<RumourMark>();
}

internal sealed class PostMapping : IEntityTypeConfiguration<Post>
{
    public void Configure(EntityTypeBuilder<Post> b)
    {
        b.ToTable("opinion_posts");
        b.HasKey(p => p.Id);
        b.Property(p => p.Source).HasMaxLength(Post.MaxSourceLength);
        b.Property(p => p.SourceId).HasMaxLength(Post.MaxSourceIdLength);
        // The post's identity: a source sending it again changes nothing.
        b.HasIndex(p => new { p.Source, p.SourceId }).IsUnique();
        b.Property(p => p.Kind).HasConversion<string>().HasMaxLength(16);
        b.Property(p => p.Author).HasMaxLength(Post.MaxAuthorLength);
        b.Property(p => p.Text).HasMaxLength(5_000);
        b.Property(p => p.Language).HasMaxLength(8);
        b.Property(p => p.RegionCode).HasMaxLength(64);
        b.Property(p => p.RegionPath).HasMaxLength(1024);
        b.Property(p => p.Tone).HasConversion<string>().HasMaxLength(16);
        b.Property(p => p.Model).HasMaxLength(100);
        b.Property(p => p.Terms).HasMaxLength(20_000);
        b.Property(p => p.ReceivedBy).HasMaxLength(64);
        b.Ignore(p => p.TopicWords);
        // The worker's queue: posts it has not seen, in id order.
        b.HasIndex(p => p.AssignedAt);
        b.HasIndex(p => new { p.TopicId, p.PostedAt });
        b.HasIndex(p => p.PostedAt);
    }
}

internal sealed class OpinionTopicMapping : IEntityTypeConfiguration<OpinionTopic>
{
    public void Configure(EntityTypeBuilder<OpinionTopic> b)
    {
        b.ToTable("opinion_topics");
        b.HasKey(t => t.Id);
        b.Property(t => t.Label).HasMaxLength(OpinionTopic.MaxLabelLength);
        b.Property(t => t.RegionCode).HasMaxLength(64);
        b.Property(t => t.RegionPath).HasMaxLength(1024);
        b.HasIndex(t => t.RegionPath);
        b.Property(t => t.Status).HasConversion<string>().HasMaxLength(16);
        b.HasIndex(t => new { t.Status, t.LastPostAt });
        b.Property(t => t.SpikeKind).HasMaxLength(16);
        b.Property(t => t.Representatives).HasMaxLength(200);
        b.Ignore(t => t.IsOpen);
        b.Property(t => t.Version).IsConcurrencyToken();
    }
}

internal sealed class TopicHourMapping : IEntityTypeConfiguration<TopicHour>
{
    public void Configure(EntityTypeBuilder<TopicHour> b)
    {
        b.ToTable("opinion_topic_hours");
        b.HasKey(h => new { h.TopicId, h.HourStart });
    }
}

internal sealed class TopicResponseMapping : IEntityTypeConfiguration<TopicResponse>
{
    public void Configure(EntityTypeBuilder<TopicResponse> b)
    {
        b.ToTable("opinion_topic_responses");
        b.HasKey(r => r.Id);
        b.HasIndex(r => r.TopicId);
        b.Property(r => r.Kind).HasConversion<string>().HasMaxLength(16);
        b.Property(r => r.Reference).HasMaxLength(TopicResponse.MaxReferenceLength);
        b.Property(r => r.Text).HasMaxLength(TopicResponse.MaxTextLength);
        b.Property(r => r.By).HasMaxLength(64);
    }
}

internal sealed class RumourMarkMapping : IEntityTypeConfiguration<RumourMark>
{
    public void Configure(EntityTypeBuilder<RumourMark> b)
    {
        b.ToTable("opinion_rumour_marks");
        b.HasKey(r => r.Id);
        b.HasIndex(r => r.PostId).IsUnique();
        b.HasIndex(r => new { r.IsPublic, r.At });
        b.Property(r => r.ReleaseNumber).HasMaxLength(64);
        b.Property(r => r.ClaimZh).HasMaxLength(RumourMark.MaxClaimLength);
        b.Property(r => r.ClaimEn).HasMaxLength(RumourMark.MaxClaimLength);
        b.Property(r => r.RegionCode).HasMaxLength(64);
        b.Property(r => r.RegionPath).HasMaxLength(1024);
        b.Property(r => r.By).HasMaxLength(64);
    }
}
