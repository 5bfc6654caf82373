using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Deadlines;
using CrisisOps.Server.Features.Regions;
using CrisisOps.Server.Platform;
using CrisisOps.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Deadlines;

public sealed record DeadlineDto(
    Guid Id,
    DeadlineKind Kind,
    string SubjectType,
    Guid SubjectId,
    Guid? IncidentId,
    string RegionCode,
    string OriginRegionCode,
    Role OwnerRole,
    DateTimeOffset CreatedAt,
    DateTimeOffset DueAt,
    DeadlineStatus Status,
    int EscalationLevel,
    bool IsOverdue,
    DateTimeOffset? MissedAt,
    DateTimeOffset? CompletedAt,
    long? TimeTakenSeconds,
    bool IsExercise,
    string? StepId,
    string? TitleZh,
    string? TitleEn,
    long EscalateEverySeconds);

public sealed record DeadlineList(IReadOnlyList<DeadlineDto> Items, DateTimeOffset Now);

public static class DeadlineEndpoints
{
    public static IEndpointRouteBuilder MapDeadlineEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/deadlines", ListAsync).WithTags("Deadlines").RequirePermission(Permission.ReadDeadlines);
        return app;
    }

    /// <summary>Open deadlines (or all with status=all), overdue first, then by due time.</summary>
    private static async Task<Ok<DeadlineList>> ListAsync(string? region, string? owner, Guid? incidentId, string? status, int? limit,
        CrisisOpsDbContext db, CallerAccessor caller, RegionDirectory directory, TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var ownerRole = default(Role);
        errors.Check(owner is null || Roles.TryParse(owner, out ownerRole), "owner", "One of: " + ApiWords.List<Role>() + ".");
        errors.Check(status is null or "open" or "all", "status", "open (default) or all.");
        errors.Check(limit is null or (>= 1 and <= 1000), "limit", "From 1 to 1000.");
        errors.ThrowIfAny();

        var access = await caller.GetAsync(ct);

        // Staff of the region where a duty arose and of every region above it see it, wherever it has escalated to.
        var query = DeadlineQueries.Visible(db, access);
        if (region is not null)
        {
            var r = await directory.ScopeAsync(region, Permission.ReadDeadlines, caller, ct);
            query = query.Where(d => d.OriginRegionPath.StartsWith(r.Path));
        }

        if (owner is not null)
        {
            query = query.Where(d => d.OwnerRole == ownerRole);
        }

        if (incidentId is not null)
        {
            query = query.Where(d => d.IncidentId == incidentId);
        }

        if (status is null or "open")
        {
            query = query.Where(d => d.Status == DeadlineStatus.Open);
        }

        var now = clock.GetUtcNow();
        var items = await query.OrderBy(d => d.DueAt).Take(limit ?? 500).ToListAsync(ct);
        return TypedResults.Ok(new DeadlineList(
            [.. items.OverdueFirst(now).Select(d => d.ToDto(now))], now));
    }

    internal static DeadlineDto ToDto(this Deadline d, DateTimeOffset now) => new(
        d.Id, d.Kind, d.SubjectType, d.SubjectId, d.IncidentId, d.RegionCode, d.OriginRegionCode, d.OwnerRole, d.CreatedAt, d.DueAt,
        d.Status, d.EscalationLevel, d.IsOverdue(now), d.MissedAt, d.CompletedAt,
        d.TimeTaken is { } t ? (long)t.TotalSeconds : null, d.IsExercise, d.StepId, d.TitleZh, d.TitleEn, (long)d.EscalateEvery.TotalSeconds);
}
