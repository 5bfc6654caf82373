using CrisisOps.Data;
using CrisisOps.Domain.Needs;

namespace CrisisOps.Server.Features.Needs;

/// <summary>
/// What else must happen when a claim ends with a receipt or a cancellation, done by the capability that
/// made the claim (an allocation from our stock issues the goods received and gives the rest back). Runs
/// in the board's unit of work, so it commits with the receipt or not at all.
/// </summary>
public interface IClaimSettlement
{
    Task OnClaimEndedAsync(CrisisOpsDbContext db, Need need, NeedClaim claim, string actor, DateTimeOffset now, CancellationToken ct);
}
