using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Deadlines;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Opinion;
using CrisisOps.Server.Platform;
using CrisisOps.Server.Platform.Auth;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Opinion.Answers;

/// <summary>Which topics a list shows: <c>open</c> (watching, hot or escalated — the default), <c>hot</c>, <c>answered</c>, <c>escalated</c>, <c>all</c>.</summary>
public enum TopicFilter
{
    Open,
    Hot,
    Answered,
    Escalated,
    All,
}

/// <summary>
/// Reads of hot topics for the API and the console alike: a topic is visible to whoever holds <see cref="Permission.ReadOpinion"/>
/// at its region or above; merged topics are never listed (their posts count in the topic they joined).
/// </summary>
public static class TopicQueries
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 500;

    /// <summary>The hours of the chart: the last 24 clock hours, this one included.</summary>
    public const int ChartHours = 24;

    /// <summary>How far a response's hourly series reaches: a week after it.</summary>
    public const int MaxHoursSince = 7 * 24;

    /// <summary>The window of the negative share kept with a response: the six hours before it.</summary>
    public static readonly TimeSpan ShareWindow = TimeSpan.FromHours(6);

    /// <summary>Parses the <c>status</c> filter; 400 naming the words allowed.</summary>
    /// <exception cref="ProblemException">400 validation-failed.</exception>
    public static TopicFilter ParseFilter(string? status, int? limit, out int take)
    {
        var errors = new FieldErrors();
        var filter = TopicFilter.Open;
        errors.Check(status is null || ApiWords.TryParse(status, out filter), "status", "One of: " + ApiWords.List<TopicFilter>() + ".");
        errors.Check(limit is null or >= 1 and <= MaxLimit, "limit", $"1–{MaxLimit}.");
        errors.ThrowIfAny();
        take = limit ?? DefaultLimit;
        return filter;
    }

    /// <summary>The caller's topics, busiest first (posts in six hours, then the latest post).</summary>
    public static async Task<IReadOnlyList<TopicDto>> ListAsync(CrisisOpsDbContext db, CallerAccess access, TopicFilter filter, int limit,
        DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(access);
        var query = db.OpinionTopics.AsNoTracking().WhereUnder(t => t.RegionPath, access.ScopesFor(Permission.ReadOpinion))
            .Where(t => t.Status != TopicStatus.Merged);
        query = filter switch
        {
            TopicFilter.Open => query.Where(t => t.Status == TopicStatus.Watching || t.Status == TopicStatus.Hot || t.Status == TopicStatus.Escalated),
            TopicFilter.Hot => query.Where(t => t.Status == TopicStatus.Hot),
            TopicFilter.Answered => query.Where(t => t.Status == TopicStatus.Answered),
            TopicFilter.Escalated => query.Where(t => t.Status == TopicStatus.Escalated),
            _ => query,
        };
        var topics = await query.OrderByDescending(t => t.VolumeSixHours).ThenByDescending(t => t.LastPostAt).Take(limit).ToListAsync(ct);
        var deadlines = await LatestDeadlinesAsync(db, [.. topics.Select(t => t.Id)], ct);
        return [.. topics.Select(t => ToDto(t, deadlines.GetValueOrDefault(t.Id), now))];
    }

    /// <summary>
    /// One topic with its chart, representative posts and responses. With <paramref name="withAuthors"/> the posts carry their
    /// authors' pseudonyms and the read is journaled (<see cref="JournalTypes.PostsRead"/>) once; without, authors are left out
    /// and nothing is written (the console's live refreshes).
    /// </summary>
    /// <exception cref="ProblemException">404 not-found; 403 outside-jurisdiction.</exception>
    public static async Task<TopicDetailDto> DetailAsync(CrisisOpsDbContext db, CallerAccessor caller, Guid id, bool withAuthors, DateTimeOffset now,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(caller);
        var topic = await db.OpinionTopics.AsNoTracking().SingleOrDefaultAsync(t => t.Id == id, ct) ?? throw ProblemException.NotFound($"Topic '{id}'");
        var access = await caller.RequireAsync(Permission.ReadOpinion, topic.RegionPath, ct);
        var deadlines = await LatestDeadlinesAsync(db, [topic.Id], ct);

        var thisHour = TopicHour.Of(now);
        var from = thisHour.AddHours(1 - ChartHours);
        var hours = await db.TopicHours.AsNoTracking().Where(h => h.TopicId == id && h.HourStart >= from).ToListAsync(ct);
        var chart = Series([.. hours.Select(h => (h.HourStart, h.Posts, h.Negative))], from, thisHour);

        var representatives = Representatives(topic.Representatives);
        var posts = representatives.Count == 0 ? [] : await db.Posts.AsNoTracking().Where(p => representatives.Contains(p.Id)).ToListAsync(ct);
        var shown = posts.OrderBy(p => representatives.IndexOf(p.Id)).Select(p => new TopicPostDto(p.Id, p.Source, p.Kind, withAuthors ? p.Author : null,
            p.PostedAt, p.Text, p.Language, p.Tone, p.Score, p.RegionCode, p.GroupSize)).ToList();

        var responses = await db.TopicResponses.AsNoTracking().Where(r => r.TopicId == id).OrderBy(r => r.At).ThenBy(r => r.Id).ToListAsync(ct);
        var answers = new List<TopicResponseDto>(responses.Count);
        foreach (var response in responses)
        {
            answers.Add(await ResponseAsync(db, response, now, ct));
        }

        if (withAuthors && shown.Any(p => p.Author is not null))
        {
            // Authors are pseudonyms, but who read whose posts is still worth a trace.
            db.Append(new JournalRecord(now, access.Name, JournalTypes.PostsRead, topic.RegionCode, topic.RegionPath, null,
                new { topicId = topic.Id, posts = shown.Select(p => p.Id).ToArray() }, false));
            await db.SaveChangesAsync(ct);
        }

        return new TopicDetailDto(ToDto(topic, deadlines.GetValueOrDefault(topic.Id), now), chart, shown, answers);
    }

    /// <summary>
    /// A response with its share after: the topic's posts written at or after the answer (negative over all), and the share per
    /// clock hour since from the topic's hours; the hour of the answer counts only the posts from the answer on, so the series
    /// starts with nothing the answer could not have changed.
    /// </summary>
    public static async Task<TopicResponseDto> ResponseAsync(CrisisOpsDbContext db, TopicResponse response, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(response);
        var after = db.Posts.AsNoTracking().Where(p => p.TopicId == response.TopicId && p.PostedAt >= response.At);
        var total = await after.CountAsync(ct);
        var negative = total == 0 ? 0 : await after.CountAsync(p => p.Tone == PostTone.Negative, ct);
        var first = TopicHour.Of(response.At);
        var last = TopicHour.Of(now);
        if (last < first)
        {
            last = first;
        }

        if ((last - first).TotalHours >= MaxHoursSince)
        {
            last = first.AddHours(MaxHoursSince - 1);
        }

        var hours = await db.TopicHours.AsNoTracking().Where(h => h.TopicId == response.TopicId && h.HourStart > first && h.HourStart <= last)
            .ToListAsync(ct);
        var restOfHour = after.Where(p => p.PostedAt < first.AddHours(1));
        var postsInHour = await restOfHour.CountAsync(ct);
        var negativeInHour = postsInHour == 0 ? 0 : await restOfHour.CountAsync(p => p.Tone == PostTone.Negative, ct);
        return new TopicResponseDto(response.Id, response.TopicId, response.Kind, response.Reference, response.Text, response.At, response.By,
            response.NegativeShareBefore, response.PostsBefore, total == 0 ? null : (double)negative / total, total,
            Series([(first, postsInHour, negativeInHour), .. hours.Select(h => (h.HourStart, h.Posts, h.Negative))], first, last));
    }

    private static List<TopicHourDto> Series(List<(DateTimeOffset HourStart, int Posts, int Negative)> rows, DateTimeOffset first, DateTimeOffset last)
    {
        var byHour = rows.ToDictionary(h => h.HourStart);
        var series = new List<TopicHourDto>();
        for (var hour = first; hour <= last; hour = hour.AddHours(1))
        {
            var (_, posts, negative) = byHour.GetValueOrDefault(hour);
            series.Add(new TopicHourDto(hour, posts, negative, posts == 0 ? null : (double)negative / posts));
        }

        return series;
    }

    private static List<long> Representatives(string ids) =>
        [.. ids.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => long.TryParse(s, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : -1)
            .Where(v => v > 0).Distinct()];

    /// <summary>Each topic's latest answer deadline (a topic that spiked again has one per spike; the newest is the one that counts).</summary>
    private static async Task<Dictionary<Guid, Deadline>> LatestDeadlinesAsync(CrisisOpsDbContext db, List<Guid> ids, CancellationToken ct)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        var rows = await db.Deadlines.AsNoTracking().Where(d => d.Kind == DeadlineKind.TopicAnswer && ids.Contains(d.SubjectId)).ToListAsync(ct);
        return rows.GroupBy(d => d.SubjectId).ToDictionary(g => g.Key, g => g.OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id).First());
    }

    private static TopicDto ToDto(OpinionTopic t, Deadline? d, DateTimeOffset now) => new(t.Id, t.Label, t.RegionCode, t.Status, t.Posts,
        t.NegativePosts, t.VolumeHour, t.VolumeSixHours, t.Growth, t.NegativeShare, t.FirstPostAt, t.LastPostAt, t.HotSince, t.SpikeKind, t.AnsweredAt,
        t.EscalatedAt, d is null ? null : new TopicDeadlineDto(d.Id, d.DueAt, d.Status, d.IsOverdue(now), d.RegionCode, d.EscalationLevel, d.MissedAt,
            d.CompletedAt));
}
