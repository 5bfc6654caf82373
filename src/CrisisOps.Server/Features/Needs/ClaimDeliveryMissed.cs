using CrisisOps.Data;
using CrisisOps.Domain.Deadlines;
using CrisisOps.Domain.Journal;
using CrisisOps.Server.Features.Deadlines;

namespace CrisisOps.Server.Features.Needs;

/// <summary>
/// A claim not delivered by the promised time expires: its quantity returns to the board for others to claim.
/// The duty ends with it — nothing can meet an expired claim — so the deadline is closed as cancelled (its miss
/// stays recorded), rather than staying open and overdue in every list for ever.
/// </summary>
public sealed class ClaimDeliveryMissed : IDeadlineMissHandler
{
    public DeadlineKind Kind => DeadlineKind.ClaimDelivery;

    public async Task OnMissedAsync(CrisisOpsDbContext db, Deadline deadline, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(deadline);
        if (deadline.SubjectType != NeedBoard.ClaimSubject)
        {
            return;
        }

        await NeedBoard.ExpireAsync(db, deadline.SubjectId, now, ct);
        deadline.Cancel(now);
        db.Append(new JournalRecord(now, "system", JournalTypes.DeadlineCancelled, deadline.OriginRegionCode, deadline.OriginRegionPath,
            deadline.IncidentId, new { deadlineId = deadline.Id, kind = deadline.Kind, claimId = deadline.SubjectId, reason = "claim expired" },
            deadline.IsExercise));
    }
}
