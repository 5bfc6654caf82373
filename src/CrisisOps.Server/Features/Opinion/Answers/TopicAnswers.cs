using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Deadlines;
using CrisisOps.Domain.Information;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Opinion;
using CrisisOps.Server.Features.Deadlines;
using CrisisOps.Server.Platform;
using CrisisOps.Server.Platform.Auth;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Opinion.Answers;

/// <summary>
/// The answer loop (每一个关切都有回应): an analyst links a topic to the public answer it got — a published release or a hotline
/// answer. The topic becomes answered, its open answer deadline is met, and the negative share of its posts in the six hours
/// before is kept with the response so the share after can be set against it. One save: all of it or nothing.
/// </summary>
public sealed class TopicAnswers(TimeProvider clock)
{
    /// <summary>Links a response to topic <paramref name="id"/>. A topic may be answered again (after it spikes again); each response is kept.</summary>
    /// <exception cref="ProblemException">
    /// 404 not-found; 403 outside-jurisdiction; 400 validation-failed (kind, reference, text); 409 topic-merged;
    /// 422 unknown-release / release-not-published / exercise-release.
    /// </exception>
    public async Task<TopicResponse> AnswerAsync(CrisisOpsDbContext db, CallerAccessor caller, Guid id, AnswerTopicRequest body, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(body);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await AnswerOnceAsync(db, caller, id, body, ct);
            }
            catch (DbUpdateConcurrencyException) when (attempt < 3)
            {
                // The opinion worker refreshes a busy topic every round; its figures changed under us, not the answer.
                // Start again from a clean unit of work (nothing was saved).
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task<TopicResponse> AnswerOnceAsync(CrisisOpsDbContext db, CallerAccessor caller, Guid id, AnswerTopicRequest body, CancellationToken ct)
    {
        var topic = await db.OpinionTopics.SingleOrDefaultAsync(t => t.Id == id, ct) ?? throw ProblemException.NotFound($"Topic '{id}'");
        var access = await caller.RequireAsync(Permission.AnswerOpinion, topic.RegionPath, ct);

        var errors = new FieldErrors();
        var kind = default(ResponseKind);
        var kindOk = errors.Check(body.Kind is not null && ApiWords.TryParse(body.Kind, out kind), "kind", "One of: " + ApiWords.List<ResponseKind>() + ".");
        var reference = string.IsNullOrWhiteSpace(body.Reference) ? null : body.Reference.Trim();
        if (kindOk && kind == ResponseKind.Release)
        {
            errors.Check(reference is not null, "reference", "The number of the published release that answers the topic.");
        }

        errors.Check(reference is null || reference.Length <= TopicResponse.MaxReferenceLength, "reference",
            $"At most {TopicResponse.MaxReferenceLength} characters.");
        var text = body.Text?.Trim();
        errors.Check(!string.IsNullOrEmpty(text) && text.Length <= TopicResponse.MaxTextLength, "text",
            $"Required: what the answer says, 1–{TopicResponse.MaxTextLength:N0} characters.");
        errors.ThrowIfAny();

        if (topic.Status == TopicStatus.Merged)
        {
            throw new ProblemException(StatusCodes.Status409Conflict, "topic-merged", "The topic was merged",
                $"Topic '{topic.Id}' became part of topic '{topic.MergedInto}'; answer that one.",
                extensions: new Dictionary<string, object?>(StringComparer.Ordinal) { ["mergedInto"] = topic.MergedInto });
        }

        Release? release = null;
        if (kind == ResponseKind.Release)
        {
            release = await AnsweringRelease.RequireAsync(db, reference!, ct);
        }

        var now = clock.GetUtcNow();
        var since = now - TopicQueries.ShareWindow;
        var before = db.Posts.Where(p => p.TopicId == topic.Id && p.PostedAt > since && p.PostedAt <= now);
        var postsBefore = await before.CountAsync(ct);
        var negativeBefore = postsBefore == 0 ? 0 : await before.CountAsync(p => p.Tone == PostTone.Negative, ct);
        var shareBefore = postsBefore == 0 ? 0 : (double)negativeBefore / postsBefore;

        topic.Answer(now);
        var response = new TopicResponse(Guid.CreateVersion7(now), topic.Id, kind, reference, text!, shareBefore, postsBefore, now, access.Name);
        db.TopicResponses.Add(response);
        db.Append(new JournalRecord(now, access.Name, JournalTypes.TopicAnswered, topic.RegionCode, topic.RegionPath, release?.IncidentId,
            new
            {
                topicId = topic.Id, topic.Label, responseId = response.Id, kind, reference, negativeShareBefore = shareBefore, postsBefore,
            }, false));

        // A topic that spiked owes its answer by a deadline; linking one meets it (late or not, the time taken is kept).
        var owed = await db.Deadlines.Where(d => d.Kind == DeadlineKind.TopicAnswer && d.SubjectId == topic.Id && d.Status == DeadlineStatus.Open)
            .ToListAsync(ct);
        foreach (var deadline in owed)
        {
            deadline.Meet(now);
            db.Append(new JournalRecord(now, access.Name, JournalTypes.DeadlineMet, deadline.OriginRegionCode, deadline.OriginRegionPath, null,
                new
                {
                    deadlineId = deadline.Id, kind = deadline.Kind, timeTakenSeconds = (long)deadline.TimeTaken!.Value.TotalSeconds,
                    late = deadline.WasMetLate, topicId = topic.Id,
                }, false));
        }

        await db.SaveChangesAsync(ct);
        return response;
    }
}

/// <summary>A hot topic left unanswered past its deadline escalates (the deadline itself climbs the region tree).</summary>
public sealed class TopicAnswerMissed : IDeadlineMissHandler
{
    public DeadlineKind Kind => DeadlineKind.TopicAnswer;

    public async Task OnMissedAsync(CrisisOpsDbContext db, Deadline deadline, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(deadline);
        if (await db.OpinionTopics.SingleOrDefaultAsync(t => t.Id == deadline.SubjectId, ct) is not { Status: TopicStatus.Hot } topic)
        {
            return;
        }

        topic.Escalate(now);
        db.Append(new JournalRecord(now, "system", JournalTypes.TopicEscalated, topic.RegionCode, topic.RegionPath, null,
            new
            {
                topicId = topic.Id, topic.Label, deadlineId = deadline.Id, deadline.DueAt,
                escalatedTo = deadline.EscalationLevel > 0 ? deadline.RegionCode : null,
            }, false));
    }
}
