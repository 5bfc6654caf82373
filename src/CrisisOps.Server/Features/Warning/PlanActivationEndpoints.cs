using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Deadlines;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Warning;
using CrisisOps.Server.Features.Regions;
using CrisisOps.Server.Platform;
using CrisisOps.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Paths = CrisisOps.Domain.Regions.RegionPath;

namespace CrisisOps.Server.Features.Warning;

/// <summary>A step of a started plan with the state of its deadline.</summary>
public sealed record PlanActivationStepDto(
    string StepId,
    string TitleZh,
    string TitleEn,
    Role Owner,
    string ExpectedOutput,
    Guid? DeadlineId,
    DateTimeOffset? DueAt,
    DeadlineStatus? Status,
    bool IsOverdue,
    int EscalationLevel,
    string? OwedByRegionCode,
    DateTimeOffset? CompletedAt);

public sealed record PlanActivationDto(
    Guid Id,
    Guid PlanId,
    int PlanVersion,
    string PlanNameZh,
    string PlanNameEn,
    string RegionCode,
    string Hazard,
    WarningTier Tier,
    PlanActivationStatus Status,
    DateTimeOffset ActivatedAt,
    string ActivatedBy,
    DateTimeOffset? ClosedAt,
    string? ClosedReason,
    IReadOnlyList<PlanActivationStepDto> Steps);

public sealed record PlanActivationList(IReadOnlyList<PlanActivationDto> Items, DateTimeOffset Now);

public sealed record StepDoneRequest(string? Note);

/// <summary>Plans started by tiers, their steps and deadlines; marking a step done.</summary>
public static class PlanActivationEndpoints
{
    public const int MaxNoteLength = 2000;

    public static IEndpointRouteBuilder MapPlanActivationEndpoints(this IEndpointRouteBuilder app)
    {
        var activations = app.MapGroup("/api/v1/plan-activations").WithTags("Plans");
        activations.MapGet("", ListAsync).RequirePermission(Permission.ReadDeadlines);
        activations.MapGet("/{id:guid}", GetAsync).RequirePermission(Permission.ReadDeadlines);
        activations.MapPost("/{id:guid}/steps/{stepId}/done", DoneAsync).RequirePermission(Permission.CompletePlanSteps);
        return app;
    }

    /// <summary>Active activations (or closed, or all) in the caller's jurisdictions, newest first.</summary>
    private static async Task<Ok<PlanActivationList>> ListAsync(string? region, string? hazard, string? status, int? limit,
        CrisisOpsDbContext db, CallerAccessor caller, RegionDirectory directory, TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Check(status is null or "active" or "closed" or "all", "status", "active (default), closed or all.");
        errors.Check(limit is null or (>= 1 and <= 1000), "limit", "From 1 to 1000.");
        errors.Check(hazard is null || PlanHazards.IsValid(hazard), "hazard", "A hazard such as flood.");
        errors.ThrowIfAny();

        var access = await caller.GetAsync(ct);
        var query = db.PlanActivations.AsNoTracking().WhereUnder(a => a.RegionPath, access.ScopesFor(Permission.ReadDeadlines));
        if (region is not null)
        {
            var r = await directory.ScopeAsync(region, Permission.ReadDeadlines, caller, ct);
            query = query.Where(a => a.RegionPath.StartsWith(r.Path));
        }

        if (hazard is not null)
        {
            query = query.Where(a => a.Hazard == hazard);
        }

        query = status switch
        {
            null or "active" => query.Where(a => a.Status == PlanActivationStatus.Active),
            "closed" => query.Where(a => a.Status == PlanActivationStatus.Closed),
            _ => query,
        };

        var activations = await query.OrderByDescending(a => a.ActivatedAt).ThenBy(a => a.RegionPath).Take(limit ?? 200).ToListAsync(ct);
        var now = clock.GetUtcNow();
        var deadlines = await StepDeadlinesAsync(db, [.. activations.Select(a => a.Id)], ct);
        return TypedResults.Ok(new PlanActivationList([.. activations.Select(a => ToDto(a, deadlines, now))], now));
    }

    private static async Task<Ok<PlanActivationDto>> GetAsync(Guid id, CrisisOpsDbContext db, CallerAccessor caller, TimeProvider clock,
        CancellationToken ct)
    {
        var activation = await db.PlanActivations.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, ct)
            ?? throw ProblemException.NotFound($"Plan activation '{id}'");
        await caller.RequireAsync(Permission.ReadDeadlines, activation.RegionPath, ct);
        var deadlines = await StepDeadlinesAsync(db, [id], ct);
        return TypedResults.Ok(ToDto(activation, deadlines, clock.GetUtcNow()));
    }

    private static async Task<Ok<PlanActivationDto>> DoneAsync(Guid id, string stepId, StepDoneRequest? body, PlanSteps steps,
        CallerAccessor caller, CancellationToken ct) =>
        TypedResults.Ok(await steps.MarkDoneAsync(await caller.GetAsync(ct), id, stepId, body?.Note, ct));

    internal static async Task<ILookup<Guid, Deadline>> StepDeadlinesAsync(CrisisOpsDbContext db, List<Guid> activationIds, CancellationToken ct) =>
        (await db.Deadlines.AsNoTracking()
            .Where(d => d.SubjectType == PlanActivation.SubjectType && activationIds.Contains(d.SubjectId))
            .ToListAsync(ct))
        .ToLookup(d => d.SubjectId);

    internal static PlanActivationDto ToDto(PlanActivation a, ILookup<Guid, Deadline> deadlines, DateTimeOffset now)
    {
        var byStep = deadlines[a.Id].Where(d => d.StepId is not null).ToDictionary(d => d.StepId!, StringComparer.Ordinal);
        return new PlanActivationDto(a.Id, a.PlanId, a.PlanVersion, a.PlanNameZh, a.PlanNameEn, a.RegionCode, a.Hazard, a.Tier, a.Status,
            a.ActivatedAt, a.ActivatedBy, a.ClosedAt, a.ClosedReason,
            [.. a.Steps.Select(s => byStep.GetValueOrDefault(s.Id) is { } d
                ? new PlanActivationStepDto(s.Id, s.TitleZh, s.TitleEn, s.Owner, s.ExpectedOutput, d.Id, d.DueAt, d.Status, d.IsOverdue(now),
                    d.EscalationLevel, d.RegionCode, d.CompletedAt)
                : new PlanActivationStepDto(s.Id, s.TitleZh, s.TitleEn, s.Owner, s.ExpectedOutput, null, null, null, false, 0, null, null))]);
    }
}
