using System.Globalization;
using CrisisOps.Data;
using CrisisOps.Domain;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Command;
using CrisisOps.Domain.Dispatch;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Needs;
using CrisisOps.Domain.Regions;
using CrisisOps.Domain.Resources;
using CrisisOps.Server.Features.Command;
using CrisisOps.Server.Features.Incidents;
using CrisisOps.Server.Features.Resources;
using CrisisOps.Server.Platform;
using Microsoft.EntityFrameworkCore;
using Paths = CrisisOps.Domain.Regions.RegionPath;

namespace CrisisOps.Server.Features.Dispatch;

/// <summary>
/// Matches a need to the pool and the agreements (匹配): proposes, with <see cref="NeedMatching"/>, which
/// warehouses and agreements cover it and when each would arrive, stores the proposal, and on acceptance
/// does all of it in one transaction — stock reserved, agreements activated, an order per line from the
/// incident's headquarters, and an allocation on the need for each line, so the board shows the quantity
/// as committed and the receiver confirms it like any claim.
/// </summary>
public sealed class NeedProposals(IDbContextFactory<CrisisOpsDbContext> factory, StockKeeper keeper, AgreementActivator activator, OrderDesk desk,
    TravelTimes travel, TimeProvider clock)
{
    /// <summary>Speed class of a delivery from a warehouse (<c>Resources:ArrivalSpeeds:truck</c>).</summary>
    public const string DeliveryKind = "truck";

    public const string StockSource = "stock-reservation";
    public const string AgreementSource = "agreement-activation";

    /// <exception cref="ProblemException">404; 403 outside-jurisdiction; 422 need-without-item, unknown-item; 409 need-not-open, nothing-to-match.</exception>
    public async Task<MatchProposal> ProposeAsync(Guid needId, CallerAccess access, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(access);
        var now = clock.GetUtcNow();
        await using var db = await factory.CreateDbContextAsync(ct);
        var need = await db.Needs.SingleOrDefaultAsync(n => n.Id == needId, ct) ?? throw ProblemException.NotFound($"Need '{needId}'");
        Require(access, Permission.MatchNeeds, need.RegionPath);
        if (need.Status != NeedStatus.Open)
        {
            throw DomainException.Conflict("need-not-open", $"Need {need.Number} is {need.Status.ToString().ToLowerInvariant()}.");
        }

        if (need.ItemCode is null)
        {
            throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "need-without-item", "The need names no catalogue item",
                $"Need {need.Number} says '{need.What}' without an item code; matching looks up stock and agreements by item.");
        }

        var item = await db.Items.AsNoTracking().SingleOrDefaultAsync(i => i.Code == need.ItemCode, ct) ?? throw StockKeeper.UnknownItem(need.ItemCode);
        if (need.Remaining <= 0)
        {
            throw DomainException.Conflict("nothing-to-match", $"Everything need {need.Number} asks for is claimed or received.");
        }

        var target = await PlaceAsync(db, need, ct);
        var sources = new List<SupplySource>();
        var scopes = access.ScopesFor(Permission.ReadResources);
        var stocks = (await keeper.AvailableAsync(item.Code, now, ct)).Where(stock => scopes.Any(s => Paths.Covers(s, stock.RegionPath))).ToList();

        // Road times with the closures in force when the road network is loaded, straight lines otherwise; a
        // warehouse no open road leads from cannot deliver and is left out, named in the journal.
        var located = stocks.Where(s => s.Location is not null).ToList();
        var estimates = target is { } place
            ? travel.ToOne([.. located.Select(s => s.Location!.Value)], place, await TravelTimes.ClosuresAsync(db, ct), DeliveryKind)
            : [];
        var unreachable = new List<string>();
        foreach (var stock in stocks)
        {
            var at = located.IndexOf(stock);
            var estimate = at >= 0 && at < estimates.Count ? estimates[at] : null;
            if (estimate?.Problem is not null)
            {
                unreachable.Add(stock.WarehouseCode);
                continue;
            }

            sources.Add(new SupplySource(SupplyKind.Stock, stock.WarehouseCode, stock.WarehouseName, stock.Available, TimeSpan.Zero,
                TimeSpan.FromMinutes(estimate?.Minutes ?? 0), estimate?.RoadKm ?? 0));
        }

        // A partner delivers within its agreement's activation lead time: that is what it committed to.
        var today = StockKeeper.Today(now);
        var agreements = await db.PartnerAgreements.AsNoTracking().Include(a => a.Lines)
            .Where(a => a.Lines.Any(l => l.ItemCode == item.Code)).ToListAsync(ct);
        foreach (var agreement in agreements.Where(a => a.IsValidOn(today) && a.Serves(need.RegionPath)))
        {
            var line = agreement.Lines.First(l => l.ItemCode == item.Code);
            sources.Add(new SupplySource(SupplyKind.Agreement, agreement.Id.ToString(), $"{agreement.OrganisationCode}: {agreement.Title}",
                line.Remaining, TimeSpan.FromMinutes(agreement.ActivationLeadMinutes), TimeSpan.Zero, 0));
        }

        var result = NeedMatching.Propose(need.Remaining, need.Discrete, need.NeededBy - now, sources);
        foreach (var earlier in await db.MatchProposals.Where(p => p.NeedId == need.Id && p.Status == ProposalStatus.Proposed).ToListAsync(ct))
        {
            earlier.Supersede();
        }

        var proposal = new MatchProposal(Guid.CreateVersion7(now), need.Id, need.Number, item.Code, need.RegionCode, need.RegionPath, need.IncidentId,
            result, now, access.Name);
        db.MatchProposals.Add(proposal);
        db.Append(new JournalRecord(now, access.Name, JournalTypes.ProposalMade, need.RegionCode, need.RegionPath, need.IncidentId, new
        {
            proposalId = proposal.Id,
            needId = need.Id,
            need.Number,
            item = item.Code,
            wanted = result.Wanted,
            proposed = result.Proposed,
            shortfall = result.Shortfall,
            travel = TravelTimes.ToOneMethod(travel),
            unreachable,
            lines = result.Lines.Select(l => new { kind = l.Source.Kind, l.Source.Reference, l.Quantity, arrivalMinutes = Math.Round(l.Arrival.TotalMinutes, 1), l.Late }),
        }, need.IsExercise));
        await db.SaveChangesAsync(ct);
        return proposal;
    }

    /// <summary>
    /// Accepts a proposal as it stands. Stock lines are delivered by <paramref name="deliveryUnit"/> (a unit of the
    /// incident's headquarters); agreement lines by the partner, through the activation's order.
    /// </summary>
    /// <exception cref="ProblemException">404; 403; 400 delivery unit missing; 409 no-headquarters, proposal-stale.</exception>
    /// <exception cref="DomainException">proposal-not-open, need-not-open, insufficient-stock, over-commitment (409).</exception>
    public Task<(MatchProposal Proposal, Need Need)> AcceptAsync(Guid proposalId, Guid? deliveryUnit, CallerAccess access, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(access);
        return keeper.RunAsync(async db =>
        {
            var now = clock.GetUtcNow();
            var proposal = await db.MatchProposals.SingleOrDefaultAsync(p => p.Id == proposalId, ct)
                ?? throw ProblemException.NotFound($"Proposal '{proposalId}'");
            var need = await db.Needs.SingleAsync(n => n.Id == proposal.NeedId, ct);
            Require(access, Permission.MatchNeeds, need.RegionPath);
            proposal.Accept(now, access.Name);
            if (need.Status != NeedStatus.Open || proposal.Proposed > need.Remaining)
            {
                throw new ProblemException(StatusCodes.Status409Conflict, "proposal-stale", "The need changed since the proposal",
                    string.Create(CultureInfo.InvariantCulture,
                        $"Need {need.Number} now has {need.Remaining:0.###} {need.Unit} to cover and is {need.Status.ToString().ToLowerInvariant()}; ask for a new proposal."));
            }

            var hq = need.IncidentId is { } incident ? await db.Headquarters.SingleOrDefaultAsync(h => h.IncidentId == incident, ct) : null;
            if (hq is null)
            {
                throw new ProblemException(StatusCodes.Status409Conflict, "no-headquarters", "No headquarters to give the orders",
                    $"Need {need.Number} belongs to no incident with a headquarters; deliveries are ordered by an incident's headquarters.");
            }

            if (proposal.Lines.Any(l => l.Kind == SupplyKind.Stock) && deliveryUnit is null)
            {
                throw ProblemException.Validation(new Dictionary<string, string[]>
                {
                    ["deliveryUnit"] = ["Required: the headquarters unit that takes the goods from our warehouses to the need."],
                });
            }

            var item = await db.Items.SingleAsync(i => i.Code == proposal.ItemCode, ct);
            var place = new OrderPlace(need.RegionCode, need.SiteCode, null);
            var priority = Enum.Parse<OrderPriority>(need.Priority.ToString());
            foreach (var line in proposal.Lines.OrderBy(l => l.Number))
            {
                var arrival = now + TimeSpan.FromMinutes(line.ArrivalMinutes);
                var dueBy = need.NeededBy > arrival ? need.NeededBy : arrival;
                var promisedBy = dueBy < now + Need.MaxPromiseAhead ? dueBy : now + Need.MaxPromiseAhead;
                var quantity = string.Create(CultureInfo.InvariantCulture, $"{line.Quantity:0.###}");
                Order order;
                NeedClaim claim;
                Guid? reservationId = null, activationId = null;
                if (line.Kind == SupplyKind.Stock)
                {
                    var warehouse = await db.Warehouses.SingleOrDefaultAsync(w => w.Code == line.Reference, ct)
                        ?? throw new ProblemException(StatusCodes.Status409Conflict, "proposal-stale", "A warehouse is gone",
                            $"Warehouse '{line.Reference}' no longer exists; ask for a new proposal.");
                    var reservation = await keeper.ReserveAsync(db, warehouse.Id, item.Code, line.Quantity,
                        new StockReference("need-proposal", proposal.Id.ToString()), access.Name, now, ct);
                    reservationId = reservation.Id;
                    order = await desk.IssueAsync(db, access, hq.Id, deliveryUnit!.Value, new NewOrder(
                        $"从{warehouse.Name}运送{item.NameZh}{quantity}{item.UnitZh}至{need.Number} / Deliver {quantity} {item.UnitEn} {item.NameEn} from {warehouse.Code} to {need.Number}",
                        need.What, place, dueBy, priority, null, new OrderSource("need-proposal", proposal.Id)), ct);
                    claim = need.Claim(Guid.CreateVersion7(now), "", line.Quantity, promisedBy, access.Name, now,
                        new ClaimOrigin(StockSource, reservation.Id, warehouse.Code, order.Id));
                }
                else
                {
                    var agreement = await db.PartnerAgreements.Include(a => a.Lines).SingleOrDefaultAsync(a => a.Id == Guid.Parse(line.Reference), ct)
                        ?? throw new ProblemException(StatusCodes.Status409Conflict, "proposal-stale", "An agreement is gone",
                            $"Agreement '{line.Reference}' no longer exists; ask for a new proposal.");
                    var (activation, activationOrder) = await activator.ActivateAsync(db, access, agreement, hq,
                        new ActivationOrder([new AgreementDrawRequest(item.Code, line.Quantity)],
                            $"按协议向{need.Number}供应{item.NameZh}{quantity}{item.UnitZh} / Supply {quantity} {item.UnitEn} {item.NameEn} to {need.Number} under the agreement",
                            need.What, place, dueBy, priority, proposal.Id), now, ct);
                    activationId = activation.Id;
                    order = activationOrder;
                    claim = need.Claim(Guid.CreateVersion7(now), agreement.OrganisationCode, line.Quantity, promisedBy, access.Name, now,
                        new ClaimOrigin(AgreementSource, activation.Id, null, order.Id));
                }

                db.NeedClaims.Add(claim);
                line.Carried(reservationId, activationId, order.Id, claim.Id);
                db.Append(new JournalRecord(now, access.Name, JournalTypes.NeedAllocated, need.RegionCode, need.RegionPath, need.IncidentId, new
                {
                    needId = need.Id,
                    need.Number,
                    claimId = claim.Id,
                    source = claim.SourceType,
                    claim.Organisation,
                    claim.Warehouse,
                    claim.Quantity,
                    orderId = order.Id,
                    proposalId = proposal.Id,
                    remaining = need.Remaining,
                }, need.IsExercise));
            }

            db.Append(new JournalRecord(now, access.Name, JournalTypes.ProposalAccepted, need.RegionCode, need.RegionPath, need.IncidentId,
                new { proposalId = proposal.Id, needId = need.Id, need.Number, proposal.Proposed, proposal.Shortfall, lines = proposal.Lines.Count },
                need.IsExercise));
            return (proposal, need);
        }, ct);
    }

    /// <summary>Where goods for the need go: its site, else a point inside its region; null when neither is known.</summary>
    private static async Task<GeoPoint?> PlaceAsync(CrisisOpsDbContext db, Need need, CancellationToken ct)
    {
        if (need.SiteCode is not null && await db.Sites.AsNoTracking().SingleOrDefaultAsync(s => s.Code == need.SiteCode, ct) is { } site)
        {
            return site.Location;
        }

        var boundary = await db.Regions.AsNoTracking().Where(r => r.Code == need.RegionCode).Select(r => r.BoundaryGeoJson).SingleOrDefaultAsync(ct);
        if (boundary is null)
        {
            return null;
        }

        var inside = GeoJson.ReadGeometry(boundary).InteriorPoint;
        return new GeoPoint(inside.Y, inside.X);
    }

    private static void Require(CallerAccess access, Permission permission, string regionPath)
    {
        if (!access.Can(permission, regionPath))
        {
            throw ProblemException.Forbidden($"Your roles do not allow '{permission}' in region '{Paths.Codes(regionPath).LastOrDefault() ?? "/"}'.");
        }
    }
}
