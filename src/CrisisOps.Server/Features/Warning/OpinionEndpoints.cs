using System.Globalization;
using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Warning;
using CrisisOps.Server.Features.Journal;
using CrisisOps.Server.Features.Regions;
using CrisisOps.Server.Platform;
using CrisisOps.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Warning;

public sealed record OpinionBatchRequest(List<OpinionItemDto?>? Items);

/// <summary>
/// One count: posts on <c>keyword</c> in <c>region</c> in the bucket starting at <c>time</c>, from <c>source</c>; optionally
/// how many of them were negative.
/// </summary>
public sealed record OpinionItemDto(string? Region, string? Keyword, DateTimeOffset? Time, double? Count, string? Source, double? Negative = null);

public sealed record OpinionIngestResult(int Received, int Stored, int Replaced, int Unchanged, int Rejected, IReadOnlyList<OpinionRejection> Errors);

/// <summary>Opinion counts (舆情, for now posts per region and keyword), upserted per (source, region, keyword, bucket).</summary>
public static class OpinionEndpoints
{
    public const int MaxBatch = 10_000;

    public static IEndpointRouteBuilder MapOpinionEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/opinion/counts", PostAsync).WithTags("Warning").RequirePermission(Permission.IngestOpinion)
            .WithMetadata(new BodySizeLimit(8L * 1024 * 1024));
        return app;
    }

    private static async Task<Ok<OpinionIngestResult>> PostAsync(OpinionBatchRequest body, OpinionCountIngest ingest, CallerAccessor caller,
        CancellationToken ct)
    {
        if (body.Items is null)
        {
            throw new ProblemException(StatusCodes.Status400BadRequest, "malformed-request", "No items",
                "Send {\"items\": [{\"region\", \"keyword\", \"time\", \"count\", \"source\"}, …]}.");
        }

        if (body.Items.Count > MaxBatch)
        {
            throw new ProblemException(StatusCodes.Status413PayloadTooLarge, "batch-too-large", "Batch too large",
                string.Create(CultureInfo.InvariantCulture, $"At most {MaxBatch:N0} counts per batch; split it."));
        }

        var items = body.Items.Select(i => i is null
            ? new IncomingOpinionCount(null, null, null, null, null)
            : new IncomingOpinionCount(i.Region, i.Keyword, i.Time, i.Count, i.Source, i.Negative)).ToList();
        return TypedResults.Ok(await ingest.IngestAsync(items, await caller.GetAsync(ct), ct));
    }
}

/// <summary>
/// Stores opinion counts: new keys are added, a recount replaces the count held (so a re-post is
/// harmless), journals per region in the same save, and re-assesses the regions whose counts changed.
/// </summary>
public sealed class OpinionCountIngest(IDbContextFactory<CrisisOpsDbContext> factory, RegionDirectory directory, RiskQueue queue,
    TimeProvider clock)
{
    public async Task<OpinionIngestResult> IngestAsync(IReadOnlyList<IncomingOpinionCount> items, CallerAccess access, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(access);
        var now = clock.GetUtcNow();
        var snapshot = await directory.GetAsync(ct);
        RecordRegion? Region(string code) =>
            snapshot.Find(code) is { } r && access.Can(Permission.IngestOpinion, r.Path) ? new RecordRegion(r.Code, r.Path) : null;
        var check = OpinionCountRules.Check(items, Region, now);

        var (stored, replaced, changedRegions) = (0, 0, new HashSet<string>(StringComparer.Ordinal));
        for (var attempt = 0; check.Accepted.Count > 0; attempt++)
        {
            try
            {
                (stored, replaced, changedRegions) = await UpsertAsync(check.Accepted, access.Name, now, ct);
                break;
            }
            catch (DbUpdateException) when (attempt < 2)
            {
                // A concurrent post added one of the same keys first: read again and replace it instead.
            }
        }

        if (changedRegions.Count > 0)
        {
            await queue.WaitForAssessmentAsync(ct);
        }

        return new OpinionIngestResult(items.Count, stored, replaced, check.Accepted.Count - stored - replaced, check.Rejected.Count, check.Rejected);
    }

    private async Task<(int Stored, int Replaced, HashSet<string> Regions)> UpsertAsync(IReadOnlyList<ValidOpinionCount> accepted, string actor,
        DateTimeOffset now, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var regions = accepted.Select(a => a.Region.Code).Distinct(StringComparer.Ordinal).ToList();
        var keywords = accepted.Select(a => a.Keyword).Distinct(StringComparer.Ordinal).ToList();
        var from = accepted.Min(a => a.BucketStart);
        var to = accepted.Max(a => a.BucketStart);
        var held = (await db.OpinionCounts.Where(o => regions.Contains(o.RegionCode) && keywords.Contains(o.Keyword)
                && o.BucketStart >= from && o.BucketStart <= to).ToListAsync(ct))
            .ToDictionary(o => (o.Source, o.RegionCode, o.Keyword, o.BucketStart));
        var (stored, replaced) = (0, 0);
        var changed = new List<(ValidOpinionCount Item, bool Replaced)>();
        foreach (var item in accepted)
        {
            if (held.TryGetValue((item.Source, item.Region.Code, item.Keyword, item.BucketStart), out var count))
            {
                if (count.Replace(item.Count, item.Negative, now, actor))
                {
                    replaced++;
                    changed.Add((item, true));
                }
            }
            else
            {
                db.OpinionCounts.Add(new OpinionCount(item, now, actor));
                stored++;
                changed.Add((item, false));
            }
        }

        foreach (var region in changed.GroupBy(c => c.Item.Region))
        {
            db.Append(new JournalRecord(now, actor, JournalTypes.OpinionCountsIngested, region.Key.Code, region.Key.Path, null,
                new
                {
                    counts = region.Count(),
                    replaced = region.Count(c => c.Replaced),
                    posts = region.Sum(c => c.Item.Count),
                    keywords = region.Select(c => c.Item.Keyword).Distinct(StringComparer.Ordinal).ToList(),
                    sources = region.Select(c => c.Item.Source).Distinct(StringComparer.Ordinal).ToList(),
                    from = region.Min(c => c.Item.BucketStart),
                    to = region.Max(c => c.Item.BucketStart),
                }));
        }

        var changedRegions = changed.Select(c => c.Item.Region.Code).ToHashSet(StringComparer.Ordinal);
        await RiskQueue.SaveAndMarkAsync(db, changedRegions, now, ct);
        return (stored, replaced, changedRegions);
    }

}
