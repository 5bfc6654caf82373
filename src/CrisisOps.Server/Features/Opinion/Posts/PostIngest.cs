using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Opinion;
using CrisisOps.Domain.Regions;
using CrisisOps.Domain.Warning;
using CrisisOps.Server.Features.Journal;
using CrisisOps.Server.Features.Regions;
using CrisisOps.Server.Platform;
using CrisisOps.Text;
using CrisisOps.Text.Language;
using CrisisOps.Text.Posts;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Opinion.Posts;

/// <summary>What one ingest did: counts, and each refused post with why.</summary>
public sealed record PostIngestResult(int Received, int Stored, int AlreadyHeld, int Rejected, IReadOnlyList<PostRejection> Errors);

/// <summary>
/// Takes posts in (JSON batches and the webhook): reads every text in parallel (check, language, segmentation,
/// sentiment — the costly part, on all cores, outside any lock), checks each post (<see cref="PostRules"/>), stores the
/// new ones in one transaction with a journal entry per region, and wakes the opinion worker. A post already held
/// (same source and source id) is counted, not stored again; a bad post is reported and the rest go on.
/// </summary>
public sealed class PostIngest(IDbContextFactory<CrisisOpsDbContext> factory, RegionDirectory directory, PostAnalyser analyser,
    OpinionWorkerSignal worker, SqliteWriteGate gate, TimeProvider clock)
{
    public async Task<PostIngestResult> IngestAsync(IReadOnlyList<IncomingPost?> items, CallerAccess access, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(access);
        var now = clock.GetUtcNow();
        var regions = new CallerPostRegions(await directory.GetAsync(ct), access);
        var readings = Read(items, ct);
        var (accepted, rejected) = PostRules.Check(items, regions, i => readings[i], now);

        var (stored, held) = (0, 0);
        for (var attempt = 0; accepted.Count > 0; attempt++)
        {
            try
            {
                (stored, held) = await StoreAsync(accepted, access.Name, now, ct);
                break;
            }
            catch (DbUpdateException) when (attempt < 2)
            {
                // Another sender stored one of these posts first: read again and count it as held.
            }
        }

        if (stored > 0)
        {
            worker.Wake();
        }

        return new PostIngestResult(items.Count, stored, held, rejected.Count, rejected);
    }

    private (PostReading?, string?, string?)[] Read(IReadOnlyList<IncomingPost?> items, CancellationToken ct)
    {
        var readings = new (PostReading?, string?, string?)[items.Count];
        Parallel.For(0, items.Count, new ParallelOptions { CancellationToken = ct }, i =>
        {
            if (items[i] is not { } item)
            {
                return;
            }

            readings[i] = analyser.TryAnalyse(item.Text, item.Language, out var analysis, out var problem)
                ? (new PostReading(analysis.Tokens.Text, analysis.Language.Tag(), ToneOf(analysis.Sentiment.Label), analysis.Sentiment.Score,
                    analysis.Model, analysis.TopicWords), null, null)
                : (null, problem.Code, problem.MessageEn);
        });
        return readings;
    }

    internal static PostTone ToneOf(SentimentLabel label) => label switch
    {
        SentimentLabel.Negative => PostTone.Negative,
        SentimentLabel.Positive => PostTone.Positive,
        _ => PostTone.Neutral,
    };

    private async Task<(int Stored, int Held)> StoreAsync(IReadOnlyList<ValidPost> accepted, string actor, DateTimeOffset now, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var ids = accepted.Select(a => a.SourceId).Distinct(StringComparer.Ordinal).ToList();
        var existing = new HashSet<(string, string)>();
        foreach (var chunk in ids.Chunk(500))
        {
            existing.UnionWith((await db.Posts.AsNoTracking().Where(p => chunk.Contains(p.SourceId))
                .Select(p => new { p.Source, p.SourceId }).ToListAsync(ct)).Select(p => (p.Source, p.SourceId)));
        }

        var fresh = accepted.Where(a => !existing.Contains((a.Source, a.SourceId))).ToList();
        if (fresh.Count == 0)
        {
            return (0, accepted.Count);
        }

        db.Posts.AddRange(fresh.Select(p => new Post(p, now, actor)));
        foreach (var region in fresh.GroupBy(p => p.Region))
        {
            db.Append(new JournalRecord(now, actor, JournalTypes.PostsIngested, region.Key.Code, region.Key.Path, null, new
            {
                posts = region.Count(),
                negative = region.Count(p => p.Tone == PostTone.Negative),
                sources = region.Select(p => p.Source).Distinct(StringComparer.Ordinal).ToList(),
                from = region.Min(p => p.PostedAt),
                to = region.Max(p => p.PostedAt),
            }));
        }

        using (await gate.EnterAsync(priority: false, ct))
        {
            await db.SaveChangesAsync(ct);
        }

        return (fresh.Count, accepted.Count - fresh.Count);
    }

    /// <summary>The regions a caller may post for: where they hold <see cref="Permission.IngestOpinion"/>.</summary>
    private sealed class CallerPostRegions(RegionDirectory.Snapshot snapshot, CallerAccess access) : IPostRegions
    {
        public RecordRegion? At(double latitude, double longitude) => Allowed(snapshot.Locate(new GeoPoint(latitude, longitude)));

        public RecordRegion? Named(string code) => Allowed(snapshot.Find(code));

        public RecordRegion? Sender => access.ScopesFor(Permission.IngestOpinion) is [var only]
            ? Allowed(snapshot.Find(RegionPath.Codes(only)[^1]))
            : null;

        private RecordRegion? Allowed(RegionInfo? region) =>
            region is not null && access.Can(Permission.IngestOpinion, region.Path) ? new RecordRegion(region.Code, region.Path) : null;
    }
}
