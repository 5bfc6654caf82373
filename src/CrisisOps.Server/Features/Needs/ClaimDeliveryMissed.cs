using CrisisOps.Data;
using CrisisOps.Domain.Deadlines;
using CrisisOps.Server.Features.Deadlines;

namespace CrisisOps.Server.Features.Needs;

/// <summary>A claim not delivered by the promised time expires: its quantity returns to the board for others to claim.</summary>
public sealed class ClaimDeliveryMissed : IDeadlineMissHandler
{
    public DeadlineKind Kind => DeadlineKind.ClaimDelivery;

    public Task OnMissedAsync(CrisisOpsDbContext db, Deadline deadline, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(deadline);
        return deadline.SubjectType == NeedBoard.ClaimSubject ? NeedBoard.ExpireAsync(db, deadline.SubjectId, now, ct) : Task.CompletedTask;
    }
}
