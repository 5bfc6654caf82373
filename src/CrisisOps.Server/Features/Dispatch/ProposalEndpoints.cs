using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Dispatch;
using CrisisOps.Server.Platform;
using CrisisOps.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Dispatch;

public sealed record ProposalLineDto(int Number, SupplyKind Kind, string Reference, string Source, decimal Quantity, double LeadMinutes,
    double ArrivalMinutes, double DistanceKm, bool Late, Guid? ReservationId, Guid? ActivationId, Guid? OrderId, Guid? ClaimId);

public sealed record ProposalDto(Guid Id, Guid NeedId, string NeedNumber, string ItemCode, decimal Wanted, decimal Proposed, decimal Shortfall,
    bool MeetsDeadline, ProposalStatus Status, IReadOnlyList<ProposalLineDto> Lines, DateTimeOffset CreatedAt, string CreatedBy,
    DateTimeOffset? AcceptedAt, string? AcceptedBy);

/// <param name="DeliveryUnit">The headquarters unit that takes goods from our warehouses to the need (required when a line is stock).</param>
public sealed record AcceptProposalRequest(Guid? DeliveryUnit);

/// <summary>
/// Matching (资源匹配): a proposal for a need from the pool and the agreements, and its acceptance by
/// headquarters. Both need <see cref="Permission.MatchNeeds"/> at the need's region; accepting issues orders,
/// so it also needs <see cref="Permission.IssueOrders"/> (and <see cref="Permission.ActivateAgreements"/> for
/// agreement lines) at the incident's region.
/// </summary>
public static class ProposalEndpoints
{
    public static IEndpointRouteBuilder MapProposalEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/needs/{id:guid}/proposals", ProposeAsync).WithTags("Dispatch").RequirePermission(Permission.MatchNeeds);
        var proposals = app.MapGroup("/api/v1/proposals").WithTags("Dispatch");
        proposals.MapGet("/{id:guid}", GetAsync).RequirePermission(Permission.MatchNeeds);
        proposals.MapPost("/{id:guid}/accept", AcceptAsync).RequirePermission(Permission.MatchNeeds).Idempotent();
        return app;
    }

    private static async Task<Created<ProposalDto>> ProposeAsync(Guid id, NeedProposals proposals, CallerAccessor caller, CancellationToken ct)
    {
        var proposal = await proposals.ProposeAsync(id, await caller.GetAsync(ct), ct);
        return TypedResults.Created($"/api/v1/proposals/{proposal.Id}", ToDto(proposal));
    }

    private static async Task<Ok<ProposalDto>> GetAsync(Guid id, CrisisOpsDbContext db, CallerAccessor caller, CancellationToken ct)
    {
        var access = await caller.GetAsync(ct);
        var proposal = await db.MatchProposals.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, ct)
            ?? throw ProblemException.NotFound($"Proposal '{id}'");
        if (!access.Can(Permission.MatchNeeds, proposal.RegionPath))
        {
            throw ProblemException.Forbidden($"Your roles do not allow '{Permission.MatchNeeds}' in region '{proposal.RegionCode}'.");
        }

        return TypedResults.Ok(ToDto(proposal));
    }

    private static async Task<Ok<ProposalDto>> AcceptAsync(Guid id, AcceptProposalRequest? body, NeedProposals proposals, CallerAccessor caller,
        CancellationToken ct)
    {
        var (proposal, _) = await proposals.AcceptAsync(id, body?.DeliveryUnit, await caller.GetAsync(ct), ct);
        return TypedResults.Ok(ToDto(proposal));
    }

    internal static ProposalDto ToDto(MatchProposal p) =>
        new(p.Id, p.NeedId, p.NeedNumber, p.ItemCode, p.Wanted, p.Proposed, p.Shortfall, p.Shortfall == 0 && p.Lines.All(l => !l.Late), p.Status,
            [.. p.Lines.OrderBy(l => l.Number).Select(l => new ProposalLineDto(l.Number, l.Kind, l.Reference, l.SourceName, l.Quantity, l.LeadMinutes,
                l.ArrivalMinutes, l.DistanceKm, l.Late, l.ReservationId, l.ActivationId, l.OrderId, l.ClaimId))],
            p.CreatedAt, p.CreatedBy, p.AcceptedAt, p.AcceptedBy);
}
