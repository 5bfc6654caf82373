using System.Globalization;
using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Command;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Resources;
using CrisisOps.Server.Features.Command;
using CrisisOps.Server.Features.Incidents;
using CrisisOps.Server.Platform;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Resources;

/// <summary>What an activation asks of the partner: the items drawn (or none, for a service), the order's words and place and when.</summary>
public sealed record ActivationOrder(IReadOnlyList<AgreementDrawRequest> Draws, string What, string? Details, OrderPlace Where, DateTimeOffset DueBy,
    OrderPriority Priority, Guid? ProposalId);

/// <summary>
/// What a person asks when activating by hand: the draws, and optionally the order's words (default: what is
/// drawn, in Chinese and English), place (default: the incident's region) and due time (default: now + lead time).
/// </summary>
public sealed record ActivationWish(IReadOnlyList<AgreementDrawRequest> Draws, string? What, string? Details, OrderPlace? DeliverTo,
    DateTimeOffset? DueBy, OrderPriority Priority);

/// <summary>
/// Activates a partner agreement (启动应急协作协议) for an incident: draws the quantities on the agreement
/// and gives the partner an order from the incident's headquarters, tracked like any order (acknowledge in
/// time, done by the due time, or it escalates). Works in the caller's unit of work and does not save, so
/// an accepted matching proposal can activate agreements, reserve stock and issue orders in one transaction.
/// </summary>
public sealed class AgreementActivator(OrderDesk desk, StockKeeper keeper, TimeProvider clock)
{
    /// <summary>
    /// Activates an agreement for an incident by hand (API and console) and saves: finds the incident's headquarters,
    /// fills in the defaults, and reruns on a fresh read when the agreement changed meanwhile.
    /// </summary>
    /// <exception cref="ProblemException">404 agreement or incident; 409 no-headquarters; and those of <see cref="ActivateAsync"/>.</exception>
    public Task<(AgreementActivation Activation, Order Order, PartnerAgreement Agreement)> ActivateForIncidentAsync(CallerAccess access,
        Guid agreementId, string incidentKey, ActivationWish wish, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(wish);
        return keeper.RunAsync(async db =>
        {
            var now = clock.GetUtcNow();
            var agreement = await db.PartnerAgreements.Include(a => a.Lines).SingleOrDefaultAsync(a => a.Id == agreementId, ct)
                ?? throw ProblemException.NotFound($"Agreement '{agreementId}'");
            var incident = await IncidentQueries.FindAsync(db, incidentKey, ct) ?? throw ProblemException.NotFound($"Incident '{incidentKey}'");
            var hq = await db.Headquarters.SingleOrDefaultAsync(h => h.IncidentId == incident.Id, ct)
                ?? throw new ProblemException(StatusCodes.Status409Conflict, "no-headquarters", "No headquarters",
                    $"Incident {incident.Number} has no headquarters yet; form it first, then activate agreements from it.");
            var what = wish.What?.Trim() is { Length: > 0 } text ? text : await DescribeAsync(db, agreement, wish.Draws, ct);
            var where = wish.DeliverTo is { } to ? to with { RegionCode = to.RegionCode ?? incident.RegionCode } : new OrderPlace(incident.RegionCode, null, null);
            var (activation, order) = await ActivateAsync(db, access, agreement, hq, new ActivationOrder(wish.Draws, what, wish.Details, where,
                wish.DueBy ?? now + TimeSpan.FromMinutes(agreement.ActivationLeadMinutes), wish.Priority, null), now, ct);
            return (activation, order, agreement);
        }, ct);
    }

    /// <exception cref="ProblemException">403 without ActivateAgreements (or IssueOrders) at the incident's region; 422 agreement-not-here.</exception>
    /// <exception cref="DomainException">invalid-quantity, not-in-agreement (422); agreement-not-valid, over-commitment (409).</exception>
    public async Task<(AgreementActivation Activation, Order Order)> ActivateAsync(CrisisOpsDbContext db, CallerAccess access,
        PartnerAgreement agreement, Headquarters hq, ActivationOrder request, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(agreement);
        ArgumentNullException.ThrowIfNull(hq);
        ArgumentNullException.ThrowIfNull(request);
        if (!access.Can(Permission.ActivateAgreements, hq.RegionPath))
        {
            throw ProblemException.Forbidden($"Your roles do not allow '{Permission.ActivateAgreements}' in region '{hq.RegionCode}'.");
        }

        if (!agreement.Serves(hq.RegionPath))
        {
            throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "agreement-not-here", "The agreement does not serve this incident",
                $"The agreement covers region '{agreement.RegionCode}', which neither contains nor lies within the incident's region '{hq.RegionCode}'.");
        }

        var today = StockKeeper.Today(now);
        if (!agreement.IsValidOn(today))
        {
            throw Domain.DomainException.Conflict("agreement-not-valid",
                $"The agreement holds from {agreement.ValidFrom:yyyy-MM-dd} to {agreement.ValidTo:yyyy-MM-dd}.");
        }

        var codes = request.Draws.Select(d => d.ItemCode).Distinct(StringComparer.Ordinal).ToList();
        var items = await db.Items.Where(i => codes.Contains(i.Code)).ToDictionaryAsync(i => i.Code, StringComparer.Ordinal, ct);
        foreach (var draw in request.Draws)
        {
            var item = items.GetValueOrDefault(draw.ItemCode) ?? throw StockKeeper.UnknownItem(draw.ItemCode);
            agreement.Draw(draw.ItemCode, draw.Quantity, item.Discrete, today);
        }

        var organisation = await db.Organisations.SingleAsync(o => o.Code == agreement.OrganisationCode, ct);
        var unit = await desk.PartnerUnitAsync(db, hq, organisation, now, access.Name, ct);
        var activation = new AgreementActivation(Guid.CreateVersion7(now), agreement, hq.IncidentId, hq.Id, request.What, request.Draws,
            request.ProposalId, now, access.Name);
        db.AgreementActivations.Add(activation);
        var order = await desk.IssueAsync(db, access, hq.Id, unit.Id,
            new NewOrder(request.What, request.Details, request.Where, request.DueBy, request.Priority, null,
                new OrderSource("agreement-activation", activation.Id)), ct);
        activation.CarriedBy(order.Id);
        db.Append(new JournalRecord(now, access.Name, JournalTypes.AgreementActivated, hq.RegionCode, hq.RegionPath, hq.IncidentId, new
        {
            activationId = activation.Id,
            agreementId = agreement.Id,
            agreement.Title,
            organisation = organisation.Code,
            draws = request.Draws.Select(d => new { item = d.ItemCode, quantity = d.Quantity }),
            remaining = agreement.Lines.Where(l => l.ItemCode is not null && codes.Contains(l.ItemCode)).Select(l => new { item = l.ItemCode, l.Remaining }),
            orderId = order.Id,
            order.DueBy,
            proposalId = request.ProposalId,
        }, hq.IsExercise));
        return (activation, order);
    }

    /// <summary>The order's words when the caller gives none: the agreement and what is drawn, in Chinese and English.</summary>
    private static async Task<string> DescribeAsync(CrisisOpsDbContext db, PartnerAgreement agreement, IReadOnlyList<AgreementDrawRequest> draws,
        CancellationToken ct)
    {
        var codes = draws.Select(d => d.ItemCode).ToList();
        var items = await db.Items.AsNoTracking().Where(i => codes.Contains(i.Code)).ToDictionaryAsync(i => i.Code, StringComparer.Ordinal, ct);
        string Zh(AgreementDrawRequest d) => items.TryGetValue(d.ItemCode, out var i)
            ? string.Create(CultureInfo.InvariantCulture, $"{i.NameZh}{d.Quantity:0.###}{i.UnitZh}") : d.ItemCode;
        string En(AgreementDrawRequest d) => items.TryGetValue(d.ItemCode, out var i)
            ? string.Create(CultureInfo.InvariantCulture, $"{d.Quantity:0.###} {i.UnitEn} {i.NameEn}") : d.ItemCode;
        var text = $"按协议“{agreement.Title}”供应{string.Join("、", draws.Select(Zh))} / Supply {string.Join(", ", draws.Select(En))} under the agreement";
        return text.Length <= Order.MaxWhatLength ? text : text[..Order.MaxWhatLength];
    }
}
