using CrisisOps.Data;
using CrisisOps.Domain.Deadlines;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Opinion;
using CrisisOps.Domain.Warning;

namespace CrisisOps.Testing;

/// <summary>A post to seed: when it was written, its tone, its text and (optionally) its author's pseudonym.</summary>
public sealed record SeedPost(DateTimeOffset At, PostTone Tone, string Text = "地铁站被困，救援什么时候到", string? Author = "user-1");

/// <summary>A topic to seed in a region, with its posts; a hot one owes an answer within <see cref="AnswerWithin"/>.</summary>
public sealed record SeedTopic(string Label, string RegionCode, string RegionPath, IReadOnlyList<SeedPost> Posts, bool Hot = false,
    TimeSpan? AnswerWithin = null, string SpikeKind = "volume");

/// <summary>
/// Puts topics, their posts and hourly counts straight into the database the way the opinion worker leaves them (assigned
/// posts, <see cref="TopicHour"/> rows, refreshed figures, and for a hot topic the spike, its answer deadline and the journal
/// entry), so answer-loop tests need neither ingest nor clustering.
/// </summary>
public static class OpinionSeed
{
    public static async Task<Guid> TopicAsync(CrisisOpsDbContext db, SeedTopic seed, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(seed);
        var first = seed.Posts.Count == 0 ? now : seed.Posts.Min(p => p.At);
        var topic = new OpinionTopic(Guid.CreateVersion7(now), seed.Label, seed.RegionCode, seed.RegionPath, first, now);
        db.OpinionTopics.Add(topic);
        var posts = seed.Posts.Select(p => new Post(new ValidPost("seed", Guid.NewGuid().ToString("N"), PostKind.Social, p.Author, p.At, p.Text,
            "zh", new RecordRegion(seed.RegionCode, seed.RegionPath), true, null, null, p.Tone,
            p.Tone switch { PostTone.Negative => -0.8, PostTone.Positive => 0.8, _ => 0 }, "seed-1", ["地铁", "被困"]), now, "seed")).ToList();
        db.Posts.AddRange(posts);
        await db.SaveChangesAsync();

        var hours = new Dictionary<DateTimeOffset, TopicHour>();
        foreach (var post in posts)
        {
            post.Assign(post.Id, topic.Id, now);
            var negative = post.Tone == PostTone.Negative;
            topic.Count(negative, post.PostedAt);
            var hour = TopicHour.Of(post.PostedAt);
            if (!hours.TryGetValue(hour, out var row))
            {
                hours[hour] = row = new TopicHour(topic.Id, hour);
                db.TopicHours.Add(row);
            }

            row.Count(negative);
        }

        var lastHour = posts.Where(p => p.PostedAt > now.AddHours(-1)).ToList();
        var sixHours = posts.Count(p => p.PostedAt > now.AddHours(-6));
        var before = posts.Count(p => p.PostedAt <= now.AddHours(-1) && p.PostedAt > now.AddHours(-2));
        topic.Refresh(seed.Label, seed.RegionCode, seed.RegionPath, lastHour.Count, sixHours, before == 0 ? lastHour.Count : (double)(lastHour.Count - before) / before,
            lastHour.Count == 0 ? 0 : (double)lastHour.Count(p => p.Tone == PostTone.Negative) / lastHour.Count, posts.Take(3).Select(p => p.Id), now);

        if (seed.Hot && topic.Spike(seed.SpikeKind, now))
        {
            var deadline = Deadline.Start(Guid.CreateVersion7(now), DeadlinePolicies.TopicAnswer(seed.AnswerWithin ?? TimeSpan.FromHours(2)),
                new DeadlineSubject("opinion-topic", topic.Id, null, false), topic.RegionPath, now);
            db.Deadlines.Add(deadline);
            db.Append(new JournalRecord(now, "system", JournalTypes.TopicSpiked, topic.RegionCode, topic.RegionPath, null,
                new { topicId = topic.Id, topic.Label, kind = seed.SpikeKind, deadlineId = deadline.Id, deadline.DueAt }, false));
        }

        await db.SaveChangesAsync();
        return topic.Id;
    }

    /// <summary>More posts of an existing topic (e.g. after its answer), counted into its hours as the worker would.</summary>
    public static async Task AddPostsAsync(CrisisOpsDbContext db, Guid topicId, IReadOnlyList<SeedPost> seeds, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(seeds);
        var topic = await db.OpinionTopics.FindAsync(topicId) ?? throw new InvalidOperationException($"No topic {topicId}.");
        var region = new RecordRegion(topic.RegionCode, topic.RegionPath);
        var posts = seeds.Select(p => new Post(new ValidPost("seed", Guid.NewGuid().ToString("N"), PostKind.Social, p.Author, p.At, p.Text, "zh", region,
            true, null, null, p.Tone, p.Tone == PostTone.Negative ? -0.8 : 0.5, "seed-1", ["地铁"]), now, "seed")).ToList();
        db.Posts.AddRange(posts);
        await db.SaveChangesAsync();
        var hours = new Dictionary<DateTimeOffset, TopicHour>();
        foreach (var post in posts)
        {
            post.Assign(post.Id, topicId, now);
            var negative = post.Tone == PostTone.Negative;
            topic.Count(negative, post.PostedAt);
            var hour = TopicHour.Of(post.PostedAt);
            if (!hours.TryGetValue(hour, out var row))
            {
                row = await db.TopicHours.FindAsync(topicId, hour);
                if (row is null)
                {
                    row = new TopicHour(topicId, hour);
                    db.TopicHours.Add(row);
                }

                hours[hour] = row;
            }

            row.Count(negative);
        }

        await db.SaveChangesAsync();
    }

    /// <summary>Merges topic <paramref name="id"/> into <paramref name="into"/>, as the worker does when two topics turn out to be one.</summary>
    public static async Task MergeAsync(CrisisOpsDbContext db, Guid id, Guid into, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(db);
        var topic = await db.OpinionTopics.FindAsync(id) ?? throw new InvalidOperationException($"No topic {id}.");
        topic.Merge(into, now);
        await db.SaveChangesAsync();
    }
}
