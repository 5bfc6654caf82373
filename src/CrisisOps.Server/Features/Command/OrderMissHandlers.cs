using CrisisOps.Data;
using CrisisOps.Domain.Command;
using CrisisOps.Domain.Deadlines;
using CrisisOps.Domain.Journal;
using CrisisOps.Server.Features.Deadlines;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Command;

/// <summary>An order nobody acknowledged in time is flagged and goes to its headquarters' commander.</summary>
public sealed class OrderAcknowledgementMissed : IDeadlineMissHandler
{
    public DeadlineKind Kind => DeadlineKind.OrderAcknowledgement;

    public async Task OnMissedAsync(CrisisOpsDbContext db, Deadline deadline, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(deadline);
        if (await db.Orders.SingleOrDefaultAsync(o => o.Id == deadline.SubjectId, ct) is not { Status: OrderStatus.Issued } order)
        {
            return;
        }

        var hq = await db.Headquarters.AsNoTracking().SingleAsync(h => h.Id == order.HeadquartersId, ct);
        order.FlagUnacknowledged();
        db.Append(new JournalRecord(now, "system", JournalTypes.OrderEscalated, order.RegionCode, order.RegionPath, order.IncidentId,
            new { orderId = order.Id, reason = "unacknowledged", to = hq.Commander, deadlineId = deadline.Id, order.AcknowledgeBy },
            order.IsExercise));
    }
}

/// <summary>An order not done by its time is flagged overdue and goes back to whoever issued it.</summary>
public sealed class OrderCompletionMissed : IDeadlineMissHandler
{
    public DeadlineKind Kind => DeadlineKind.OrderCompletion;

    public async Task OnMissedAsync(CrisisOpsDbContext db, Deadline deadline, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(deadline);
        if (await db.Orders.SingleOrDefaultAsync(o => o.Id == deadline.SubjectId, ct) is not { IsOpen: true } order)
        {
            return;
        }

        order.FlagOverdue();
        db.Append(new JournalRecord(now, "system", JournalTypes.OrderEscalated, order.RegionCode, order.RegionPath, order.IncidentId,
            new { orderId = order.Id, reason = "overdue", to = order.IssuedBy, deadlineId = deadline.Id, order.DueBy },
            order.IsExercise));
    }
}
