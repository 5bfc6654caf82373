using CrisisOps.Data;
using CrisisOps.Domain;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Deadlines;
using CrisisOps.Domain.Incidents;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Needs;
using CrisisOps.Server.Features.Ledger.Sources;
using CrisisOps.Server.Features.Regions;
using CrisisOps.Server.Platform;
using Microsoft.EntityFrameworkCore;
using Paths = CrisisOps.Domain.Regions.RegionPath;

namespace CrisisOps.Server.Features.Needs;

/// <summary>A need to publish, as the API received it (already parsed).</summary>
public sealed record NeedPublication(NeedRequest Request, string RegionCode);

/// <summary>
/// The needs board (应急协作平台): publishing needs, claims by partner organisations, deliveries and
/// receipts. Every change to a need's totals runs in one transaction that saves only if the need row is
/// unchanged since it was read (<see cref="Need.Version"/>); on a conflict the whole change is read again
/// and retried, so parallel claimers never commit more than the need asks for.
/// </summary>
public sealed class NeedBoard(IDbContextFactory<CrisisOpsDbContext> factory, UnitOfWork unitOfWork, RegionDirectory directory,
    SqliteWriteGate gate, TimeProvider clock, IEnumerable<IClaimSettlement> settlements)
{
    /// <summary>The subject type of claim-delivery deadlines.</summary>
    public const string ClaimSubject = "need-claim";

    /// <summary>How many times a change met a concurrent one and was retried since start (the claims benchmark reports it).</summary>
    public long Retries => unitOfWork.Retries;

    /// <exception cref="ProblemException">422 unknown-region, unknown-site, unknown-incident; 403 outside-jurisdiction; 409 incident-closed.</exception>
    /// <exception cref="DomainException">invalid-need, invalid-quantity.</exception>
    public async Task<Need> PublishAsync(NeedPublication publication, CallerAccess access, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(publication);
        ArgumentNullException.ThrowIfNull(access);
        var request = publication.Request;
        var region = await directory.NamedAsync(publication.RegionCode, ct);
        Require(access, Permission.PublishNeeds, region.Path);

        await using var db = await factory.CreateDbContextAsync(ct);
        if (request.SiteCode is not null)
        {
            var site = await db.Sites.AsNoTracking().SingleOrDefaultAsync(s => s.Code == request.SiteCode, ct);
            if (site is null || !Paths.Covers(region.Path, site.RegionPath))
            {
                throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "unknown-site", "Unknown site",
                    $"There is no site '{request.SiteCode}' in region '{region.Code}'.");
            }
        }

        var isExercise = false;
        if (request.IncidentId is { } incidentId)
        {
            var incident = await db.Incidents.AsNoTracking().SingleOrDefaultAsync(i => i.Id == incidentId, ct)
                ?? throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "unknown-incident", "Unknown incident",
                    $"There is no incident '{incidentId}'.");

            // A headquarters asks for its incident: its staff hold the right at the incident's region.
            Require(access, Permission.PublishNeeds, incident.RegionPath);
            if (incident.Status == IncidentStatus.Closed)
            {
                throw DomainException.Conflict("incident-closed", $"Incident {incident.Number} is closed; it needs nothing more.");
            }

            isExercise = incident.IsExercise;
        }

        var now = clock.GetUtcNow();
        var need = new Need(Guid.CreateVersion7(now), request, region.Code, region.Path, access.Name, isExercise, now);
        db.Needs.Add(need);
        db.Append(new JournalRecord(now, access.Name, JournalTypes.NeedPublished, need.RegionCode, need.RegionPath, need.IncidentId,
            new
            {
                needId = need.Id, need.Number, need.What, need.ItemCode, need.Quantity, need.Unit, need.Priority, need.NeededBy,
                publisherKind = need.PublisherKind, need.SiteCode,
            },
            need.IsExercise));
        await SaveAsync(db, ct);
        return need;
    }

    /// <exception cref="ProblemException">404, 403.</exception>
    /// <exception cref="DomainException">invalid-reason; need-not-open (409).</exception>
    public Task<Need> CancelAsync(Guid needId, string? reason, CallerAccess access, CancellationToken ct) =>
        OnNeedAsync(needId, async (db, need, now) =>
        {
            Require(access, Permission.PublishNeeds, need.RegionPath);
            var open = await db.NeedClaims.Where(c => c.NeedId == needId
                && (c.Status == ClaimStatus.Active || c.Status == ClaimStatus.Delivered)).ToListAsync(ct);
            need.Cancel(reason, open, now);
            foreach (var claim in open)
            {
                await EndDeadlineAsync(db, need, claim, met: false, access.Name, now, ct);
                await SettleAsync(db, need, claim, access.Name, now, ct);
            }

            Journal(db, need, access.Name, JournalTypes.NeedCancelled, now,
                new { needId = need.Id, need.Number, reason = need.CancelReason, releasedClaims = open.Select(c => c.Id) });
            return need;
        }, ct);

    /// <summary>
    /// Claims part or all of what remains for <paramref name="organisation"/> (or the caller's only one).
    /// The claim, the need's new total, the delivery deadline and the journal entry commit together.
    /// </summary>
    /// <exception cref="ProblemException">404; 403 outside-jurisdiction or not-your-organisation; 400 when the organisation must be named.</exception>
    /// <exception cref="DomainException">invalid-quantity, invalid-promise; need-not-open, claim-exceeds-remaining (409).</exception>
    public Task<(Need Need, NeedClaim Claim)> ClaimAsync(Guid needId, decimal quantity, DateTimeOffset promisedBy, string? organisation,
        CallerAccess access, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(access);
        var code = OrganisationOf(access, organisation);
        return OnNeedAsync(needId, async (db, need, now) =>
        {
            // The claiming organisation's member grant must cover the need's region: its area on the board.
            if (!access.Grants.Any(g => g.Organisation == code && g.Allows(Permission.ClaimNeeds) && Paths.Covers(g.RegionPath, need.RegionPath)))
            {
                throw ProblemException.Forbidden($"Need {need.Number} is outside the area of '{code}'.");
            }

            var claim = need.Claim(Guid.CreateVersion7(now), code, quantity, promisedBy, access.Name, now);
            db.NeedClaims.Add(claim);
            var deadline = Deadline.Start(Guid.CreateVersion7(now), DeadlinePolicies.ClaimDelivery(promisedBy - now),
                new DeadlineSubject(ClaimSubject, claim.Id, need.IncidentId, need.IsExercise), need.RegionPath, now);
            db.Deadlines.Add(deadline);
            db.Append(new JournalRecord(now, "system", JournalTypes.DeadlineCreated, need.RegionCode, need.RegionPath, need.IncidentId,
                new { deadlineId = deadline.Id, kind = deadline.Kind, deadline.DueAt, owner = deadline.OwnerRole.Name(), region = need.RegionCode, claimId = claim.Id },
                need.IsExercise));
            Journal(db, need, access.Name, JournalTypes.NeedClaimed, now, new
            {
                needId = need.Id, need.Number, claimId = claim.Id, organisation = code, claim.Quantity, claim.PromisedBy,
                remaining = need.Remaining, deadlineId = deadline.Id,
            });
            await Task.CompletedTask;
            return (need, claim);
        }, ct);
    }

    /// <exception cref="ProblemException">404; 403 not-your-organisation.</exception>
    /// <exception cref="DomainException">claim-not-active (409).</exception>
    public Task<(Need Need, NeedClaim Claim)> DeliverAsync(Guid claimId, CallerAccess access, CancellationToken ct) =>
        OnClaimAsync(claimId, async (db, need, claim, now) =>
        {
            RequireMember(access, claim);
            claim.MarkDelivered(access.Name, now);
            await EndDeadlineAsync(db, need, claim, met: true, access.Name, now, ct);
            Journal(db, need, access.Name, JournalTypes.NeedClaimDelivered, now,
                new { needId = need.Id, need.Number, claimId = claim.Id, claim.Organisation, claim.Quantity, late = now > claim.PromisedBy });
        }, ct);

    /// <exception cref="ProblemException">404; 403 not-your-organisation.</exception>
    /// <exception cref="DomainException">claim-not-active (409).</exception>
    public Task<(Need Need, NeedClaim Claim)> WithdrawAsync(Guid claimId, CallerAccess access, CancellationToken ct) =>
        OnClaimAsync(claimId, async (db, need, claim, now) =>
        {
            RequireMember(access, claim);
            need.Withdraw(claim, now);
            await EndDeadlineAsync(db, need, claim, met: false, access.Name, now, ct);
            Journal(db, need, access.Name, JournalTypes.NeedClaimWithdrawn, now,
                new { needId = need.Id, need.Number, claimId = claim.Id, claim.Organisation, claim.Quantity, remaining = need.Remaining });
        }, ct);

    /// <summary>The community or headquarters that receives confirms the quantity; the need closes when receipts cover it.</summary>
    /// <exception cref="ProblemException">404; 403 outside-jurisdiction.</exception>
    /// <exception cref="DomainException">invalid-quantity, receipt-exceeds-claim (422); receipt-already-confirmed, claim-not-active (409).</exception>
    public Task<(Need Need, NeedClaim Claim)> ConfirmReceiptAsync(Guid claimId, decimal received, CallerAccess access, CancellationToken ct) =>
        OnClaimAsync(claimId, async (db, need, claim, now) =>
        {
            Require(access, Permission.ConfirmReceipts, need.RegionPath);
            var wasActive = claim.Status == ClaimStatus.Active;
            var closed = need.ConfirmReceipt(claim, received, access.Name, now);
            if (wasActive)
            {
                // The goods arrived before the organisation said so: the delivery duty is met by the receipt.
                await EndDeadlineAsync(db, need, claim, met: true, access.Name, now, ct);
            }

            await SettleAsync(db, need, claim, access.Name, now, ct);
            SourceEntries.DeliveryConfirmed(db, need, claim, received, now);
            Journal(db, need, access.Name, JournalTypes.NeedReceiptConfirmed, now, new
            {
                needId = need.Id, need.Number, claimId = claim.Id, claim.Organisation, claimed = claim.Quantity, received,
                shortfall = claim.Quantity - received, remaining = need.Remaining,
            });
            if (closed)
            {
                Journal(db, need, access.Name, JournalTypes.NeedClosed, now,
                    new { needId = need.Id, need.Number, need.Quantity, need.Received, need.Unit });
            }
        }, ct);

    /// <summary>
    /// What a missed delivery deadline means: the claim expires and its quantity returns to the board, in the
    /// runner's unit of work (a concurrent change to the need makes the runner drop and retry the firing).
    /// </summary>
    public static async Task ExpireAsync(CrisisOpsDbContext db, Guid claimId, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var claim = await db.NeedClaims.SingleOrDefaultAsync(c => c.Id == claimId, ct);
        if (claim is not { Status: ClaimStatus.Active })
        {
            return;
        }

        var need = await db.Needs.SingleAsync(n => n.Id == claim.NeedId, ct);
        need.Expire(claim, now);
        Journal(db, need, "system", JournalTypes.NeedClaimExpired, now, new
        {
            needId = need.Id, need.Number, claimId = claim.Id, claim.Organisation, claim.Quantity, claim.PromisedBy, remaining = need.Remaining,
        });
    }

    private static string OrganisationOf(CallerAccess access, string? named)
    {
        var mine = access.Grants.Where(g => g.Organisation is not null && g.Allows(Permission.ClaimNeeds))
            .Select(g => g.Organisation!).Distinct(StringComparer.Ordinal).ToList();
        if (named is not null)
        {
            return mine.Contains(named, StringComparer.Ordinal)
                ? named
                : throw new ProblemException(StatusCodes.Status403Forbidden, "not-your-organisation", "Not your organisation",
                    $"You do not claim for '{named}': claims are made by members of an organisation that may claim.");
        }

        return mine.Count switch
        {
            1 => mine[0],
            0 => throw new ProblemException(StatusCodes.Status403Forbidden, "not-your-organisation", "No organisation",
                "Claims are made for an organisation that may claim (an enterprise or NGO); you are not a member of one."),
            _ => throw ProblemException.Validation(new Dictionary<string, string[]>(StringComparer.Ordinal)
            {
                ["organisation"] = [$"You are a member of several organisations; name one of {string.Join(", ", mine)}."],
            }),
        };
    }

    private static void RequireMember(CallerAccess access, NeedClaim claim)
    {
        if (!access.Grants.Any(g => g.Organisation == claim.Organisation && g.Allows(Permission.ClaimNeeds)))
        {
            throw new ProblemException(StatusCodes.Status403Forbidden, "not-your-organisation", "Not your organisation",
                $"The claim belongs to '{claim.Organisation}'; only its members may act on it.");
        }
    }

    private static void Require(CallerAccess access, Permission permission, string regionPath)
    {
        if (!access.Can(permission, regionPath))
        {
            throw ProblemException.Forbidden(
                $"Your roles do not allow '{permission}' in region '{Paths.Codes(regionPath).LastOrDefault() ?? "/"}'.");
        }
    }

    private static async Task EndDeadlineAsync(CrisisOpsDbContext db, Need need, NeedClaim claim, bool met, string actor, DateTimeOffset now,
        CancellationToken ct)
    {
        var duty = await db.Deadlines.SingleOrDefaultAsync(d => d.SubjectType == ClaimSubject && d.SubjectId == claim.Id
            && d.Status == DeadlineStatus.Open, ct);
        if (duty is null)
        {
            return;
        }

        if (met)
        {
            duty.Meet(now);
        }
        else
        {
            duty.Cancel(now);
        }

        db.Append(new JournalRecord(now, actor, met ? JournalTypes.DeadlineMet : JournalTypes.DeadlineCancelled, duty.OriginRegionCode,
            duty.OriginRegionPath, need.IncidentId, new { deadlineId = duty.Id, kind = duty.Kind, claimId = claim.Id, late = duty.WasMetLate },
            need.IsExercise));
    }

    private async Task SettleAsync(CrisisOpsDbContext db, Need need, NeedClaim claim, string actor, DateTimeOffset now, CancellationToken ct)
    {
        foreach (var settlement in settlements)
        {
            await settlement.OnClaimEndedAsync(db, need, claim, actor, now, ct);
        }
    }

    private static void Journal(CrisisOpsDbContext db, Need need, string actor, string type, DateTimeOffset now, object payload) =>
        db.Append(new JournalRecord(now, actor, type, need.RegionCode, need.RegionPath, need.IncidentId, payload, need.IsExercise));

    private Task<(Need, NeedClaim)> OnClaimAsync(Guid claimId, Func<CrisisOpsDbContext, Need, NeedClaim, DateTimeOffset, Task> change,
        CancellationToken ct) =>
        OnNeedAsync(null, claimId, async (db, need, claim, now) =>
        {
            await change(db, need, claim!, now);
            return (need, claim!);
        }, ct);

    private Task<T> OnNeedAsync<T>(Guid needId, Func<CrisisOpsDbContext, Need, DateTimeOffset, Task<T>> change, CancellationToken ct) =>
        OnNeedAsync(needId, null, (db, need, _, now) => change(db, need, now), ct);

    /// <summary>
    /// Reads the need (and claim), applies <paramref name="change"/> and saves it in one transaction guarded by the need's
    /// version; a concurrent change to the same need makes it start again from a fresh read.
    /// </summary>
    private Task<T> OnNeedAsync<T>(Guid? needId, Guid? claimId, Func<CrisisOpsDbContext, Need, NeedClaim?, DateTimeOffset, Task<T>> change,
        CancellationToken ct) =>
        unitOfWork.RunAsync(async db =>
        {
            NeedClaim? claim = null;
            var id = needId;
            if (claimId is { } cid)
            {
                claim = await db.NeedClaims.SingleOrDefaultAsync(c => c.Id == cid, ct) ?? throw ProblemException.NotFound($"Claim '{cid}'");
                id = claim.NeedId;
            }

            var need = await db.Needs.SingleOrDefaultAsync(n => n.Id == id, ct) ?? throw ProblemException.NotFound($"Need '{id}'");
            return await change(db, need, claim, clock.GetUtcNow());
        }, ct);

    private async Task SaveAsync(CrisisOpsDbContext db, CancellationToken ct)
    {
        using (await gate.EnterAsync(priority: false, ct))
        {
            await db.SaveChangesAsync(ct);
        }
    }
}
