using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Information;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Opinion;
using CrisisOps.Server.Features.Journal;
using CrisisOps.Server.Platform;
using CrisisOps.Server.Platform.Auth;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Opinion.Rumours;

/// <summary>An analyst's mark: the claim in their words, the release that sets it right, and whether the public sees it.</summary>
public sealed record RumourRequest(string? ReleaseNumber, string? ClaimZh, string? ClaimEn, bool? Public);

/// <summary>A mark as analysts see it, with the post it was put on.</summary>
public sealed record RumourDto(Guid Id, long PostId, string PostText, string PostSource, DateTimeOffset PostedAt, Guid? TopicId, string ReleaseNumber,
    string ClaimZh, string? ClaimEn, bool Public, string Region, DateTimeOffset At, string By);

/// <summary>A clarification as the public sees it: the claim (never the post, so the page does not spread it) and the release.</summary>
public sealed record ClarificationDto(string ClaimZh, string? ClaimEn, string ReleaseNumber, string ReleaseTitleZh, string? ReleaseTitleEn,
    DateTimeOffset? ReleasedAt, DateTimeOffset MarkedAt);

/// <summary>
/// Rumours (谣言): an analyst marks a post that contradicts a published release, stating the claim in their own words;
/// a public mark shows on the public clarifications page (辟谣) and under its release. One mark per post.
/// </summary>
public sealed class RumourDesk(IDbContextFactory<CrisisOpsDbContext> factory, CallerAccessor caller, SqliteWriteGate gate, TimeProvider clock)
{
    public async Task<RumourDto> MarkAsync(long postId, RumourRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        var number = request.ReleaseNumber?.Trim();
        errors.Check(!string.IsNullOrEmpty(number), "releaseNumber", "Name the published release that sets the claim right.");
        var claimZh = request.ClaimZh?.Trim();
        errors.Check(!string.IsNullOrEmpty(claimZh) && claimZh.Length <= RumourMark.MaxClaimLength, "claimZh",
            $"State the claim in Chinese, 1–{RumourMark.MaxClaimLength} characters (your words, not the post's).");
        var claimEn = string.IsNullOrWhiteSpace(request.ClaimEn) ? null : request.ClaimEn.Trim();
        errors.Check(claimEn is null || claimEn.Length <= RumourMark.MaxClaimLength, "claimEn", $"At most {RumourMark.MaxClaimLength} characters.");
        errors.ThrowIfAny();

        await using var db = await factory.CreateDbContextAsync(ct);
        var post = await db.Posts.AsNoTracking().SingleOrDefaultAsync(p => p.Id == postId, ct) ?? throw ProblemException.NotFound($"Post {postId}");
        var access = await caller.GetAsync(ct);
        if (!access.Can(Permission.ReadOpinion, post.RegionPath))
        {
            throw ProblemException.NotFound($"Post {postId}");
        }

        await caller.RequireAsync(Permission.AnswerOpinion, post.RegionPath, ct);
        var release = await AnsweringRelease.RequireAsync(db, number!, ct);
        if (await db.RumourMarks.AnyAsync(m => m.PostId == postId, ct))
        {
            throw new ProblemException(StatusCodes.Status409Conflict, "rumour-marked", "Already marked", $"Post {postId} is already marked as a rumour.");
        }

        var now = clock.GetUtcNow();
        var mark = new RumourMark(Guid.CreateVersion7(now), post.Id, post.TopicId, release.Number, claimZh!, claimEn, request.Public ?? true,
            post.RegionCode, post.RegionPath, now, access.Name);
        db.RumourMarks.Add(mark);
        db.Append(new JournalRecord(now, access.Name, JournalTypes.RumourMarked, post.RegionCode, post.RegionPath, release.IncidentId, new
        {
            markId = mark.Id,
            postId = post.Id,
            topicId = post.TopicId,
            releaseNumber = release.Number,
            claimZh = mark.ClaimZh,
            @public = mark.IsPublic,
        }));
        using (await gate.EnterAsync(priority: false, ct))
        {
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                throw new ProblemException(StatusCodes.Status409Conflict, "rumour-marked", "Already marked", $"Post {postId} is already marked as a rumour.");
            }
        }

        return Dto(mark, post);
    }

    /// <summary>The marks in the caller's regions, newest first.</summary>
    public async Task<IReadOnlyList<RumourDto>> ListAsync(int limit, CancellationToken ct)
    {
        var scopes = (await caller.GetAsync(ct)).ScopesFor(Permission.ReadOpinion);
        await using var db = await factory.CreateDbContextAsync(ct);
        var marks = await db.RumourMarks.AsNoTracking().WhereUnder(m => m.RegionPath, scopes).OrderByDescending(m => m.At).Take(limit).ToListAsync(ct);
        var ids = marks.Select(m => m.PostId).ToList();
        var posts = await db.Posts.AsNoTracking().Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
        return [.. marks.Where(m => posts.ContainsKey(m.PostId)).Select(m => Dto(m, posts[m.PostId]))];
    }

    /// <summary>The public clarifications: public marks whose release is still published, newest first.</summary>
    public static async Task<IReadOnlyList<ClarificationDto>> PublicAsync(CrisisOpsDbContext db, string? releaseNumber, int limit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var query = from m in db.RumourMarks.AsNoTracking()
                    join r in db.Releases.AsNoTracking() on m.ReleaseNumber equals r.Number
                    where m.IsPublic && r.Status == ReleaseStatus.Published && (releaseNumber == null || r.Number == releaseNumber)
                    orderby m.At descending
                    select new ClarificationDto(m.ClaimZh, m.ClaimEn, r.Number, r.TitleZh, r.TitleEn, r.PublishedAt, m.At);
        return await query.Take(limit).ToListAsync(ct);
    }

    private static RumourDto Dto(RumourMark m, Post p) =>
        new(m.Id, m.PostId, p.Text, p.Source, p.PostedAt, m.TopicId, m.ReleaseNumber, m.ClaimZh, m.ClaimEn, m.IsPublic, m.RegionCode, m.At, m.By);
}
