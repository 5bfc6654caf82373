using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Command;
using CrisisOps.Domain.Resources;
using CrisisOps.Server.Features.Command;
using CrisisOps.Server.Platform;
using CrisisOps.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Resources;

public sealed record ActivationLineRequest(string? Item, decimal? Quantity);

/// <param name="Incident">The incident (id or number) whose headquarters gives the order.</param>
/// <param name="Lines">Items and quantities drawn; empty or absent for a service agreement, which then needs <paramref name="What"/>.</param>
public sealed record ActivationRequest(string? Incident, IReadOnlyList<ActivationLineRequest?>? Lines, string? What, string? Details,
    PlaceRequest? DeliverTo, DateTimeOffset? DueBy, string? Priority);

public sealed record ActivationDto(Guid Id, Guid AgreementId, string Organisation, Guid IncidentId, Guid HeadquartersId, string What,
    IReadOnlyList<ActivationLineRequest> Draws, Guid? OrderId, DateTimeOffset? DueBy, DateTimeOffset ActivatedAt, string ActivatedBy,
    IReadOnlyList<AgreementLineDto> AgreementLines);

/// <summary>
/// Activating an agreement for an incident (启动协议): the quantities drawn and an order to the partner from the
/// incident's headquarters, in one transaction. Needs <see cref="Permission.ActivateAgreements"/> and
/// <see cref="Permission.IssueOrders"/> at the incident's region (a commander or duty officer).
/// </summary>
public static class AgreementActivationEndpoints
{
    public const int MaxLines = 50;

    public static IEndpointRouteBuilder MapAgreementActivationEndpoints(this IEndpointRouteBuilder app)
    {
        var agreements = app.MapGroup("/api/v1/agreements").WithTags("Resources");
        agreements.MapPost("/{id:guid}/activate", ActivateAsync).RequirePermission(Permission.ActivateAgreements).Idempotent();
        agreements.MapGet("/{id:guid}/activations", ListAsync).RequirePermission(Permission.ReadResources);
        return app;
    }

    private static async Task<Created<ActivationDto>> ActivateAsync(Guid id, ActivationRequest body, CallerAccessor caller,
        AgreementActivator activator, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Check(!string.IsNullOrWhiteSpace(body.Incident), "incident", "Required: the incident (id or INC- number) whose headquarters activates.");
        var lines = body.Lines ?? [];
        errors.Check(lines.Count <= MaxLines, "lines", $"At most {MaxLines} lines.");
        for (var i = 0; i < lines.Count && i < MaxLines; i++)
        {
            errors.Check(lines[i] is { Item.Length: > 0, Quantity: not null }, $"lines[{i}]", "Each line names an item and a quantity.");
        }

        errors.Check(lines.Select(l => l?.Item).Distinct(StringComparer.Ordinal).Count() == lines.Count, "lines", "Name each item once.");
        errors.Check(lines.Count > 0 || !string.IsNullOrWhiteSpace(body.What), "what", "Say what the partner is to do when no items are drawn.");
        errors.Check((body.What?.Length ?? 0) <= AgreementActivation.MaxWhatLength, "what", $"At most {AgreementActivation.MaxWhatLength} characters.");
        var priority = OrderPriority.High;
        errors.Check(body.Priority is null || ApiWords.TryParse(body.Priority, out priority), "priority", "One of urgent, high, normal, low.");
        errors.ThrowIfAny();

        var draws = lines.Select(l => new AgreementDrawRequest(l!.Item!, l.Quantity!.Value)).ToList();
        var (activation, order, agreement) = await activator.ActivateForIncidentAsync(await caller.GetAsync(ct), id, body.Incident!,
            new ActivationWish(draws, body.What, body.Details, body.DeliverTo is { } to ? new OrderPlace(to.RegionCode, to.SiteCode, to.Text) : null,
                body.DueBy, priority), ct);

        return TypedResults.Created($"/api/v1/agreements/{id}/activations", ToDto(activation, order.DueBy, agreement));
    }

    private static async Task<Ok<ActivationDto[]>> ListAsync(Guid id, CrisisOpsDbContext db, CallerAccessor caller, CancellationToken ct)
    {
        var access = await caller.GetAsync(ct);
        var agreement = await db.PartnerAgreements.AsNoTracking().Include(a => a.Lines).SingleOrDefaultAsync(a => a.Id == id, ct)
            ?? throw ProblemException.NotFound($"Agreement '{id}'");
        if (!access.Can(Permission.ReadResources, agreement.RegionPath))
        {
            throw ProblemException.Forbidden($"Your roles do not allow reading agreements in region '{agreement.RegionCode}'.");
        }

        var activations = await db.AgreementActivations.AsNoTracking().Where(a => a.AgreementId == id).OrderBy(a => a.ActivatedAt).ToListAsync(ct);
        var orderIds = activations.Select(a => a.OrderId).OfType<Guid>().ToList();
        var due = await db.Orders.AsNoTracking().Where(o => orderIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.DueBy, ct);
        return TypedResults.Ok(activations.Select(a => ToDto(a, a.OrderId is { } o && due.TryGetValue(o, out var d) ? d : null, agreement)).ToArray());
    }

    private static ActivationDto ToDto(AgreementActivation a, DateTimeOffset? dueBy, PartnerAgreement agreement) =>
        new(a.Id, a.AgreementId, a.OrganisationCode, a.IncidentId, a.HeadquartersId, a.What,
            [.. a.Draws.OrderBy(d => d.Number).Select(d => new ActivationLineRequest(d.ItemCode, d.Quantity))], a.OrderId, dueBy, a.ActivatedAt,
            a.ActivatedBy,
            [.. agreement.Lines.OrderBy(l => l.Number).Select(l => new AgreementLineDto(l.Number, l.ItemCode, l.Committed, l.Drawn,
                l.ItemCode is null ? null : l.Remaining, l.Service))]);
}
