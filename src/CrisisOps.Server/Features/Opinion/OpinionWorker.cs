using CrisisOps.Data;
using CrisisOps.Domain.Deadlines;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Opinion;
using CrisisOps.Domain.Regions;
using CrisisOps.Domain.Warning;
using CrisisOps.Server.Features.Journal;
using CrisisOps.Server.Features.Regions;
using CrisisOps.Server.Features.Warning;
using CrisisOps.Server.Platform;
using CrisisOps.Text;
using CrisisOps.Text.Posts;
using CrisisOps.Text.Topics;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Opinion;

/// <summary>Wakes the opinion worker when posts were stored, so a batch is in its topics within moments, not at the next tick.</summary>
public sealed class OpinionWorkerSignal
{
    private TaskCompletionSource _woken = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Wake() => Volatile.Read(ref _woken).TrySetResult();

    /// <summary>Waits for a wake or the timeout on <paramref name="clock"/>, whichever comes first.</summary>
    internal async Task WaitAsync(TimeSpan timeout, TimeProvider clock, CancellationToken ct)
    {
        var woken = Volatile.Read(ref _woken);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var delay = Task.Delay(timeout, clock, stop.Token);
        await Task.WhenAny(woken.Task, delay);
        await stop.CancelAsync();
        ct.ThrowIfCancellationRequested();
        if (woken.Task.IsCompleted)
        {
            // A wake after this line completes the new source, so the next wait returns at once: none is lost.
            Interlocked.CompareExchange(ref _woken, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), woken);
        }
    }
}

/// <summary>What one round did.</summary>
public sealed record OpinionRound(int Posts, int NewTopics, int Spikes, bool Rebuilt);

/// <summary>
/// The stateful half of the opinion pipeline on the server: takes the posts ingest stored, in id order, through one
/// <see cref="OpinionStream"/> (repost groups, topics, spikes) and writes what it found — each post's group and topic,
/// topics with their labels and figures, hourly counts, spikes (a hot topic owes an answer by
/// <c>Opinion:AnswerWithin</c>, on the deadline mechanism) and the region counts the risk model reads — in ONE
/// transaction per round.
/// </summary>
/// <remarks>
/// One worker across replicas: a round takes a transaction-scoped advisory lock on PostgreSQL (a replica that does not
/// get it leaves the round to the one that did); on SQLite the write gate serialises it. The stream lives in memory, so
/// a round first checks that the last post it assigned is the last one assigned in the database; when another replica
/// (or a previous process) went on since, the stream is rebuilt from the stored assignments of the last twelve hours —
/// stored topic ids are kept by mapping each rebuilt topic to the stored topic most of its posts belong to.
/// </remarks>
public sealed partial class OpinionWorker(IDbContextFactory<CrisisOpsDbContext> factory, OpinionSettings settings, RegionDirectory directory,
    RiskRulesProvider rules, SqliteWriteGate gate, TimeProvider clock, ILogger<OpinionWorker> logger)
{
    /// <summary>Arbitrary, fixed key of the advisory lock that lets one replica run the stream ("OPINIO").</summary>
    public const long LockKey = 0x4F_50_49_4E_49_4F;

    /// <summary>The source under which the worker counts posts for the risk model (opinion counts).</summary>
    public const string CountSource = "crisisops-posts";

    private const int Batch = 5_000;

    private readonly SemaphoreSlim _one = new(1, 1);
    private OpinionStream? _stream;
    private long _lastAssigned = -1;
    private readonly Dictionary<long, Guid> _topicIds = [];

    /// <summary>Runs rounds until no post waits; answers what the last did (tests and the background service call it).</summary>
    public async Task<OpinionRound> RunOnceAsync(CancellationToken ct)
    {
        await _one.WaitAsync(ct);
        try
        {
            var total = new OpinionRound(0, 0, 0, false);
            while (true)
            {
                OpinionRound round;
                try
                {
                    round = await RoundAsync(ct);
                }
                catch
                {
                    // The stream took posts the database did not: forget it, and rebuild from what was stored next time.
                    _stream = null;
                    throw;
                }

                total = new OpinionRound(total.Posts + round.Posts, total.NewTopics + round.NewTopics, total.Spikes + round.Spikes,
                    total.Rebuilt || round.Rebuilt);
                if (round.Posts < Batch)
                {
                    return total;
                }
            }
        }
        finally
        {
            _one.Release();
        }
    }

    private async Task<OpinionRound> RoundAsync(CancellationToken ct)
    {
        using var pass = await gate.EnterAsync(priority: false, ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (db.Database.IsNpgsql()
            && !await db.Database.SqlQuery<bool>($"SELECT pg_try_advisory_xact_lock({LockKey}) AS \"Value\"").SingleAsync(ct))
        {
            return new OpinionRound(0, 0, 0, false); // another replica runs the stream right now
        }

        await PostgresJournalOrder.TakeAsync(db, ct);
        var now = clock.GetUtcNow();
        var rebuilt = await EnsureStreamAsync(db, ct);
        var stream = _stream!;
        var pending = await db.Posts.Where(p => p.AssignedAt == null).OrderBy(p => p.Id).Take(Batch).ToListAsync(ct);
        var snapshot = await directory.GetAsync(ct);
        var topics = new Dictionary<Guid, OpinionTopic>();
        var hours = new Dictionary<(Guid, DateTimeOffset), TopicHour>();
        var counts = new Dictionary<(string Region, string Keyword, DateTimeOffset Hour), (long Posts, long Negative, string Path)>();
        var groups = new Dictionary<long, int>();
        var keywords = RuleKeywords();
        var newTopics = 0;

        foreach (var post in pending)
        {
            var negative = post.Tone == PostTone.Negative;
            StreamAssignment assignment;
            try
            {
                assignment = stream.Add(new StreamedPost(Key(post.Id), post.PostedAt, post.Text, LabelOf(post.Tone), post.Score, post.RegionCode,
                    post.TopicWords));
            }
            catch (ArgumentException ex)
            {
                // One post the stream cannot take must not stall the rest: it is kept, counted nowhere, and logged.
                post.Assign(post.Id, null, now);
                LogPostSkipped(logger, post.Id, ex);
                continue;
            }

            var groupId = long.Parse(assignment.Repost.GroupId, System.Globalization.CultureInfo.InvariantCulture);
            groups[groupId] = assignment.Repost.GroupCount;

            OpinionTopic? topic = null;
            if (assignment.Topic.Topic is { } tracked)
            {
                var resolved = stream.Topics.Resolve(tracked).Value;
                if (_topicIds.TryGetValue(resolved, out var id))
                {
                    topic = await TopicAsync(db, topics, id, ct);
                }

                if (topic is null)
                {
                    topic = new OpinionTopic(Guid.CreateVersion7(now), Label(post.TopicWords), post.RegionCode, post.RegionPath, post.PostedAt, now);
                    db.OpinionTopics.Add(topic);
                    topics[topic.Id] = topic;
                    _topicIds[resolved] = topic.Id;
                    newTopics++;
                }

                topic.Count(negative, post.PostedAt);
                var hour = TopicHour.Of(post.PostedAt);
                if (!hours.TryGetValue((topic.Id, hour), out var row))
                {
                    row = await db.TopicHours.SingleOrDefaultAsync(h => h.TopicId == topic.Id && h.HourStart == hour, ct);
                    if (row is null)
                    {
                        row = new TopicHour(topic.Id, hour);
                        db.TopicHours.Add(row);
                    }

                    hours[(topic.Id, hour)] = row;
                }

                row.Count(negative);
            }

            post.Assign(groupId, topic?.Id, now);
            if (post.Located)
            {
                // Each located post counts once for the risk model: under the first rule keyword it mentions, else its topic's lead term.
                var keyword = keywords.FirstOrDefault(k => post.Text.Contains(k, StringComparison.OrdinalIgnoreCase))
                    ?? topic?.Label.Split(" / ")[0] ?? post.TopicWords.FirstOrDefault() ?? "—";
                var key = (post.RegionCode, keyword, TopicHour.Of(post.PostedAt));
                var held = counts.GetValueOrDefault(key, (0, 0, post.RegionPath));
                counts[key] = (held.Posts + 1, held.Negative + (negative ? 1 : 0), post.RegionPath);
            }
        }

        foreach (var (groupId, size) in groups.Where(g => g.Value > 1))
        {
            var first = pending.FirstOrDefault(p => p.Id == groupId) ?? await db.Posts.SingleOrDefaultAsync(p => p.Id == groupId, ct);
            first?.CountGroup(size);
        }

        var spikes = await ReviewAsync(db, stream, topics, snapshot, now, ct);
        await CountForRiskAsync(db, counts, now, ct);
        if (pending.Count > 0)
        {
            db.Append(new JournalRecord(now, "system", JournalTypes.PostsAssigned, null, null, null,
                new { assigned = pending.Count, newTopics, spikes, lastPostId = pending[^1].Id }));
        }

        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        if (pending.Count > 0)
        {
            _lastAssigned = pending[^1].Id;
        }

        return new OpinionRound(pending.Count, newTopics, spikes, rebuilt);
    }

    /// <summary>
    /// Takes stock: refreshes every topic seen in the windows (label, region, figures, representatives), merges the
    /// stored topics the tracker merged, and makes spiking topics hot with an answer deadline.
    /// </summary>
    private async Task<int> ReviewAsync(CrisisOpsDbContext db, OpinionStream stream, Dictionary<Guid, OpinionTopic> topics,
        RegionDirectory.Snapshot snapshot, DateTimeOffset now, CancellationToken ct)
    {
        var review = stream.Review(now);
        var hour = review.Snapshots.First(s => s.Window == review.Snapshots.Min(x => x.Window));
        var largest = review.Snapshots.First(s => s.Window == review.Snapshots.Max(x => x.Window));
        var byHour = hour.Topics.ToDictionary(t => t.Id.Value);
        foreach (var summary in largest.Topics)
        {
            if (!_topicIds.TryGetValue(summary.Id.Value, out var id) || await TopicAsync(db, topics, id, ct) is not { } topic)
            {
                continue;
            }

            var recent = byHour.GetValueOrDefault(summary.Id.Value);
            var (code, path) = CommonRegion(summary.Regions, snapshot) ?? (topic.RegionCode, topic.RegionPath);
            topic.Refresh(summary.LabelText, code, path, recent?.Volume ?? 0, summary.Volume, recent?.Growth ?? 0,
                recent is { Volume: > 0 } ? recent.NegativeShare : summary.NegativeShare,
                summary.Representatives.Select(r => long.Parse(r.Id, System.Globalization.CultureInfo.InvariantCulture)), now);
        }

        foreach (var (tracked, id) in _topicIds.ToList())
        {
            var into = stream.Topics.Resolve(new TopicId(tracked)).Value;
            if (into != tracked && _topicIds.TryGetValue(into, out var survivor) && survivor != id
                && await TopicAsync(db, topics, id, ct) is { Status: not TopicStatus.Merged } merged)
            {
                var owed = merged.Status is TopicStatus.Hot or TopicStatus.Escalated;
                var kind = merged.SpikeKind;
                merged.Merge(survivor, now);
                _topicIds.Remove(tracked);
                if (owed && await TopicAsync(db, topics, survivor, ct) is { } heir)
                {
                    await HandOverAnswerAsync(db, merged, heir, kind, now, ct);
                }
            }
        }

        var started = 0;
        foreach (var flag in review.Spikes)
        {
            if (!_topicIds.TryGetValue(stream.Topics.Resolve(flag.Topic).Value, out var id) || await TopicAsync(db, topics, id, ct) is not { } topic
                || !topic.Spike(flag.Kind == SpikeKind.Volume ? "volume" : "negativity", now))
            {
                continue;
            }

            started++;
            var deadline = AnswerOwed(db, topic, settings.AnswerWithin, now);
            db.Append(new JournalRecord(now, "system", JournalTypes.TopicSpiked, topic.RegionCode, topic.RegionPath, null, new
            {
                topicId = topic.Id,
                label = topic.Label,
                kind = topic.SpikeKind,
                volume = flag.Volume,
                previousVolume = flag.PreviousVolume,
                negativeShare = flag.NegativeShare,
                window = flag.Window,
                deadlineId = deadline.Id,
                dueAt = deadline.DueAt,
            }));
            LogSpike(logger, topic.Label, topic.SpikeKind!, flag.Volume, flag.NegativeShare);
        }

        return started;
    }

    /// <summary>
    /// A hot topic that merged into another hands its owed answer over: its deadline is cancelled, and the topic it became
    /// is hot (unless it already owes an answer) with a deadline due when the old one was — a merge neither erases a
    /// concern nor buys it time.
    /// </summary>
    private async Task HandOverAnswerAsync(CrisisOpsDbContext db, OpinionTopic merged, OpinionTopic heir, string? kind, DateTimeOffset now,
        CancellationToken ct)
    {
        var open = await db.Deadlines.Where(d => d.Kind == DeadlineKind.TopicAnswer && d.SubjectId == merged.Id && d.Status == DeadlineStatus.Open)
            .ToListAsync(ct);
        foreach (var deadline in open)
        {
            deadline.Cancel(now);
        }

        if (!heir.Spike(kind ?? "volume", now))
        {
            return;
        }

        var due = open.Count > 0 ? open.Min(d => d.DueAt) : now + settings.AnswerWithin;
        var within = due > now ? due - now : TimeSpan.Zero;
        var handed = AnswerOwed(db, heir, within, now);
        db.Append(new JournalRecord(now, "system", JournalTypes.TopicSpiked, heir.RegionCode, heir.RegionPath, null, new
        {
            topicId = heir.Id,
            label = heir.Label,
            kind = heir.SpikeKind,
            mergedFrom = merged.Id,
            deadlineId = handed.Id,
            dueAt = handed.DueAt,
        }));
    }

    /// <summary>The <c>topic-answer</c> deadline a hot topic owes, due <paramref name="within"/> from now, added to the unit of work.</summary>
    private static Deadline AnswerOwed(CrisisOpsDbContext db, OpinionTopic topic, TimeSpan within, DateTimeOffset now)
    {
        var deadline = Deadline.Start(Guid.CreateVersion7(now), DeadlinePolicies.TopicAnswer(within),
            new DeadlineSubject("opinion-topic", topic.Id, null, false), topic.RegionPath, now);
        db.Deadlines.Add(deadline);
        return deadline;
    }

    /// <summary>Adds this round's located posts to the opinion counts the risk model reads, and marks their regions.</summary>
    private static async Task CountForRiskAsync(CrisisOpsDbContext db,
        Dictionary<(string Region, string Keyword, DateTimeOffset Hour), (long Posts, long Negative, string Path)> counts, DateTimeOffset now,
        CancellationToken ct)
    {
        if (counts.Count == 0)
        {
            return;
        }

        var regions = counts.Keys.Select(k => k.Region).Distinct(StringComparer.Ordinal).ToList();
        var from = counts.Keys.Min(k => k.Hour);
        var held = (await db.OpinionCounts.Where(o => o.Source == CountSource && regions.Contains(o.RegionCode) && o.BucketStart >= from).ToListAsync(ct))
            .ToDictionary(o => (o.RegionCode, o.Keyword, o.BucketStart));
        foreach (var ((region, keyword, hour), (posts, negative, path)) in counts)
        {
            if (held.TryGetValue((region, keyword, hour), out var row))
            {
                row.Replace(row.Count + posts, row.Negative + negative, now, "system");
            }
            else
            {
                db.OpinionCounts.Add(new OpinionCount(new ValidOpinionCount(CountSource, new RecordRegion(region, path),
                    keyword.Length > OpinionCount.MaxKeywordLength ? keyword[..OpinionCount.MaxKeywordLength] : keyword, hour, posts, negative), now, "system"));
            }
        }

        await RiskQueue.MarkAsync(db, regions, now, ct);
    }

    /// <summary>
    /// Makes sure the in-memory stream continues exactly where the stored assignments end; rebuilds it from the last
    /// twelve hours of assigned posts when it does not (first round, another replica went on, a failed round).
    /// </summary>
    private async Task<bool> EnsureStreamAsync(CrisisOpsDbContext db, CancellationToken ct)
    {
        var last = await db.Posts.Where(p => p.AssignedAt != null).MaxAsync(p => (long?)p.Id, ct) ?? 0;
        if (_stream is not null && last == _lastAssigned)
        {
            return false;
        }

        _stream = settings.NewStream();
        _topicIds.Clear();
        var newest = await db.Posts.Where(p => p.AssignedAt != null).MaxAsync(p => (DateTimeOffset?)p.PostedAt, ct);
        var votes = new Dictionary<long, Dictionary<Guid, int>>();
        if (newest is { } end)
        {
            var since = end - (2 * settings.Topics.LargestWindow);
            var stored = await db.Posts.AsNoTracking().Where(p => p.AssignedAt != null && p.PostedAt > since).OrderBy(p => p.Id)
                .Select(p => new { p.Id, p.PostedAt, p.Text, p.Tone, p.Score, p.RegionCode, p.Terms, p.TopicId }).ToListAsync(ct);
            foreach (var p in stored)
            {
                var assignment = _stream.Add(new StreamedPost(Key(p.Id), p.PostedAt, p.Text, LabelOf(p.Tone), p.Score, p.RegionCode,
                    Post.WordsOf(p.Terms)));
                if (assignment.Topic.Topic is { } tracked && p.TopicId is { } topicId)
                {
                    var tally = votes.TryGetValue(tracked.Value, out var t) ? t : votes[tracked.Value] = [];
                    tally[topicId] = tally.GetValueOrDefault(topicId) + 1;
                }
            }
        }

        foreach (var (tracked, tally) in votes)
        {
            var resolved = _stream.Topics.Resolve(new TopicId(tracked)).Value;
            if (!_topicIds.ContainsKey(resolved))
            {
                _topicIds[resolved] = tally.MaxBy(v => v.Value).Key;
            }
        }

        _lastAssigned = last;
        LogRebuilt(logger, votes.Count, last);
        return true;
    }

    private static async Task<OpinionTopic?> TopicAsync(CrisisOpsDbContext db, Dictionary<Guid, OpinionTopic> loaded, Guid id, CancellationToken ct)
    {
        if (loaded.TryGetValue(id, out var topic))
        {
            return topic;
        }

        topic = await db.OpinionTopics.SingleOrDefaultAsync(t => t.Id == id, ct);
        if (topic is not null)
        {
            loaded[id] = topic;
        }

        return topic;
    }

    /// <summary>The nearest region holding all the topic's posts' regions; the busiest when none holds them all; null when it has none.</summary>
    private static (string Code, string Path)? CommonRegion(IReadOnlyList<RegionCount> regions, RegionDirectory.Snapshot snapshot)
    {
        IReadOnlyList<string>? common = null;
        foreach (var code in regions.Select(r => r.Region).OfType<string>())
        {
            if (snapshot.Find(code) is not { } region)
            {
                continue;
            }

            var codes = RegionPath.Codes(region.Path);
            common = common is null ? codes : [.. common.Zip(codes).TakeWhile(p => p.First == p.Second).Select(p => p.First)];
        }

        if (common is { Count: > 0 } && snapshot.Find(common[^1]) is { } found)
        {
            return (found.Code, found.Path);
        }

        // Posts from trees with no common root (two provinces): the topic belongs where most of them are.
        return regions.Where(r => r.Region is not null).OrderByDescending(r => r.Posts).Select(r => snapshot.Find(r.Region)).OfType<RegionInfo>()
            .Select(r => ((string Code, string Path)?)(r.Code, r.Path)).FirstOrDefault();
    }

    private List<string> RuleKeywords() =>
        [.. rules.Current.Hazards.SelectMany(h => h.Rules).Where(r => r.Kind is RuleKind.OpinionCount or RuleKind.OpinionNegative)
            .SelectMany(r => r.Keywords).Distinct(StringComparer.OrdinalIgnoreCase)];

    private static string Label(IReadOnlyList<string> words) =>
        words.Count == 0 ? "—" : string.Join(" / ", words.Distinct(StringComparer.Ordinal).Take(3));

    private static string Key(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static SentimentLabel LabelOf(PostTone tone) => tone switch
    {
        PostTone.Negative => SentimentLabel.Negative,
        PostTone.Positive => SentimentLabel.Positive,
        _ => SentimentLabel.Neutral,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Opinion: topic '{Label}' spiked ({Kind}): {Volume} posts, negative share {Share:P0}")]
    private static partial void LogSpike(ILogger logger, string label, string kind, int volume, double share);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Opinion: post {PostId} could not join the stream; kept without a topic")]
    private static partial void LogPostSkipped(ILogger logger, long postId, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Opinion: stream rebuilt with {Topics} topics from stored assignments up to post {Last}")]
    private static partial void LogRebuilt(ILogger logger, int topics, long last);
}

/// <summary>Runs <see cref="OpinionWorker"/> when ingest wakes it, and at least every <c>Opinion:WorkerInterval</c> on the injected clock.</summary>
public sealed partial class OpinionWorkerService(OpinionWorker worker, OpinionWorkerSignal signal, OpinionSettings settings, TimeProvider clock,
    ILogger<OpinionWorkerService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            // A one-shot wait re-armed after each round (not a periodic timer, which a fake clock advanced by hours would fire thousands of times).
            await signal.WaitAsync(settings.WorkerInterval, clock, stoppingToken);
            try
            {
                await worker.RunOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Posts stay unassigned in the table: the next round takes them again, and rebuilds the stream first.
                LogRoundFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Opinion: a worker round failed; it will be retried")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);
}
