using CrisisOps.Data;
using CrisisOps.Domain.Needs;
using CrisisOps.Domain.Resources;
using CrisisOps.Server.Features.Needs;
using CrisisOps.Server.Features.Resources;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Dispatch;

/// <summary>
/// Settles an allocation from our stock when its claim ends: the quantity the receiver confirms leaves the
/// warehouse against the reservation (FEFO), and whatever was not received — a short delivery, a cancelled
/// need — goes back to available stock. So the warehouse's stock, the ledger lines and the board agree.
/// </summary>
public sealed class StockAllocationSettlement(StockKeeper keeper) : IClaimSettlement
{
    public async Task OnClaimEndedAsync(CrisisOpsDbContext db, Need need, NeedClaim claim, string actor, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(claim);
        if (claim.SourceType != NeedProposals.StockSource || claim.SourceId is not { } reservationId)
        {
            return;
        }

        var reservation = await db.Reservations.SingleAsync(r => r.Id == reservationId, ct);
        if (claim.Status == ClaimStatus.Received && claim.ReceivedQuantity is > 0 and var received)
        {
            await keeper.IssueReservedAsync(db, reservation, received, actor, now, ct);
        }

        if (reservation.Status == ReservationStatus.Active && reservation.Remaining > 0)
        {
            await keeper.ReleaseAsync(db, reservation, actor, now, ct);
        }
    }
}
