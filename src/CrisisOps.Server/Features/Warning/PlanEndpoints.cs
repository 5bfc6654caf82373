using System.Globalization;
using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Warning;
using CrisisOps.Server.Features.Regions;
using CrisisOps.Server.Platform;
using CrisisOps.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Warning;

public sealed record PlanStepDto(string Id, string TitleZh, string TitleEn, Role Owner, int WithinMinutes, string ExpectedOutput,
    int EscalateEveryMinutes);

public sealed record PlanDto(Guid Id, string Hazard, WarningTier Tier, string NameZh, string NameEn, int Version, bool IsBuiltIn,
    IReadOnlyList<PlanStepDto> Steps, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string UpdatedBy);

public sealed record PlanList(IReadOnlyList<PlanDto> Items);

/// <summary>A plan as an edit sends it. Words stay strings so that a wrong one is a field error, not a parse failure.</summary>
public sealed record PlanRequest(string? Hazard, string? Tier, string? NameZh, string? NameEn, int? Version, List<PlanStepRequest?>? Steps);

public sealed record PlanStepRequest(string? Id, string? TitleZh, string? TitleEn, string? Owner, int? WithinMinutes, string? ExpectedOutput,
    int? EscalateEveryMinutes);

/// <summary>
/// Response plans (预案) as data: read by all staff, edited by those who hold <see cref="Permission.ManagePlans"/>
/// over the whole region tree. Plans apply everywhere — a county's flood rises start the same plan as
/// another province's — so a grant that covers only part of the tree would let one jurisdiction change
/// what another is asked to do.
/// </summary>
public static class PlanEndpoints
{
    public static IEndpointRouteBuilder MapPlanEndpoints(this IEndpointRouteBuilder app)
    {
        var plans = app.MapGroup("/api/v1/plans").WithTags("Plans");
        plans.MapGet("", ListAsync).RequirePermission(Permission.ReadDeadlines);
        plans.MapGet("/{id:guid}", GetAsync).RequirePermission(Permission.ReadDeadlines);
        plans.MapPost("", CreateAsync).RequirePermission(Permission.ManagePlans).Idempotent();
        plans.MapPut("/{id:guid}", UpdateAsync).RequirePermission(Permission.ManagePlans);
        plans.MapDelete("/{id:guid}", RetireAsync).RequirePermission(Permission.ManagePlans);
        return app;
    }

    private static async Task<Ok<PlanList>> ListAsync(string? hazard, string? tier, CrisisOpsDbContext db, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var wanted = default(WarningTier);
        errors.Check(tier is null || (ApiWords.TryParse(tier, out wanted) && wanted != WarningTier.None), "tier",
            "One of general, attention, warning, emergency.");
        errors.Check(hazard is null || PlanHazards.IsValid(hazard), "hazard", "'*' or a hazard such as flood.");
        errors.ThrowIfAny();

        var query = db.ResponsePlans.AsNoTracking();
        if (hazard is not null)
        {
            query = query.Where(p => p.Hazard == hazard);
        }

        if (tier is not null)
        {
            query = query.Where(p => p.Tier == wanted);
        }

        var plans = await query.ToListAsync(ct);
        return TypedResults.Ok(new PlanList([.. plans.OrderBy(p => p.Tier).ThenBy(p => p.Hazard, StringComparer.Ordinal).Select(ToDto)]));
    }

    private static async Task<Ok<PlanDto>> GetAsync(Guid id, CrisisOpsDbContext db, HttpResponse response, CancellationToken ct)
    {
        var plan = await db.ResponsePlans.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, ct)
            ?? throw ProblemException.NotFound($"Plan '{id}'");
        response.Headers.ETag = ETag(plan.Version);
        return TypedResults.Ok(ToDto(plan));
    }

    private static async Task<Created<PlanDto>> CreateAsync(PlanRequest body, CrisisOpsDbContext db, CallerAccessor caller,
        RegionDirectory directory, TimeProvider clock, HttpResponse response, CancellationToken ct)
    {
        var access = await RequireWholeTreeAsync(caller, directory, ct);
        var definition = Read(body);
        if (await db.ResponsePlans.AnyAsync(p => p.Hazard == definition.Hazard && p.Tier == definition.Tier, ct))
        {
            throw new ProblemException(StatusCodes.Status409Conflict, "plan-exists", "A plan exists",
                $"There is already a plan for hazard '{definition.Hazard}' at tier {Word(definition.Tier)}: edit that one.");
        }

        var now = clock.GetUtcNow();
        var plan = new ResponsePlan(Guid.CreateVersion7(now), definition, access.Name, now);
        db.ResponsePlans.Add(plan);
        db.Append(new JournalRecord(now, access.Name, JournalTypes.PlanCreated, null, null, null, Payload(plan)));
        await db.SaveChangesAsync(ct);
        response.Headers.ETag = ETag(plan.Version);
        return TypedResults.Created($"/api/v1/plans/{plan.Id}", ToDto(plan));
    }

    /// <summary>
    /// Optimistic: the caller says which version it edited (If-Match or <c>version</c>); an older one is
    /// refused with 409. Fields left out keep their values; hazard and tier are what the plan is.
    /// </summary>
    private static async Task<Ok<PlanDto>> UpdateAsync(Guid id, PlanRequest body, CrisisOpsDbContext db, CallerAccessor caller,
        RegionDirectory directory, TimeProvider clock, HttpRequest request, HttpResponse response, CancellationToken ct)
    {
        var access = await RequireWholeTreeAsync(caller, directory, ct);
        var expected = ExpectedVersion(request, body.Version, required: true);
        var plan = await db.ResponsePlans.SingleOrDefaultAsync(p => p.Id == id, ct) ?? throw ProblemException.NotFound($"Plan '{id}'");
        var definition = Read(body with
        {
            Hazard = body.Hazard ?? plan.Hazard,
            Tier = body.Tier ?? Word(plan.Tier),
            NameZh = body.NameZh ?? plan.NameZh,
            NameEn = body.NameEn ?? plan.NameEn,
            Steps = body.Steps ?? [.. plan.Steps.Select(s => new PlanStepRequest(s.Id, s.TitleZh, s.TitleEn, s.Owner.Name(),
                (int)s.Within.TotalMinutes, s.ExpectedOutput, (int)s.EscalateEvery.TotalMinutes))],
        });
        EnsureVersion(plan, expected);
        var now = clock.GetUtcNow();
        plan.Revise(definition, access.Name, now);
        db.Append(new JournalRecord(now, access.Name, JournalTypes.PlanUpdated, null, null, null, Payload(plan)));
        await db.SaveChangesAsync(ct);
        response.Headers.ETag = ETag(plan.Version);
        return TypedResults.Ok(ToDto(plan));
    }

    /// <summary>
    /// Retires a plan: it is removed and the plan for any hazard answers its tier again. Activations
    /// already started keep their copy of its steps, and the journal keeps every version.
    /// </summary>
    private static async Task<NoContent> RetireAsync(Guid id, CrisisOpsDbContext db, CallerAccessor caller, RegionDirectory directory,
        TimeProvider clock, HttpRequest request, CancellationToken ct)
    {
        var access = await RequireWholeTreeAsync(caller, directory, ct);
        var expected = ExpectedVersion(request, null, required: false);
        var plan = await db.ResponsePlans.SingleOrDefaultAsync(p => p.Id == id, ct) ?? throw ProblemException.NotFound($"Plan '{id}'");
        EnsureVersion(plan, expected);
        plan.EnsureRetirable();
        var now = clock.GetUtcNow();
        db.ResponsePlans.Remove(plan);
        db.Append(new JournalRecord(now, access.Name, JournalTypes.PlanRetired, null, null, null, Payload(plan)));
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// <see cref="Permission.ManagePlans"/> must cover every top region: held at <c>*</c>, or at the single
    /// top region of a tree that has one. Where the tree has several top regions (provinces), a
    /// grant at one of them is not enough.
    /// </summary>
    /// <exception cref="ProblemException">403 outside-jurisdiction.</exception>
    private static async Task<CallerAccess> RequireWholeTreeAsync(CallerAccessor caller, RegionDirectory directory, CancellationToken ct)
    {
        var access = await caller.GetAsync(ct);
        var tops = (await directory.GetAsync(ct)).Regions.Values.Where(r => r.ParentCode is null).ToList();
        var wholeTree = access.Can(Permission.ManagePlans, Domain.Regions.RegionPath.Separator)
            || (tops.Count > 0 && tops.All(r => access.Can(Permission.ManagePlans, r.Path)));
        if (!wholeTree)
        {
            throw ProblemException.Forbidden("Plans apply to every region: editing them needs 'ManagePlans' held over the whole region tree (at '*').");
        }

        return access;
    }

    /// <exception cref="ProblemException">400 validation-failed with a field per problem.</exception>
    private static PlanDefinition Read(PlanRequest body)
    {
        var errors = new FieldErrors();

        // An unknown word becomes a value the plan's own rules refuse, so each field is reported once, by them.
        var tier = body.Tier is not null && ApiWords.TryParse(body.Tier, out WarningTier parsed) ? parsed : WarningTier.None;
        var steps = new List<PlanStep>();
        for (var i = 0; i < (body.Steps?.Count ?? 0); i++)
        {
            var step = body.Steps![i];
            if (step is null)
            {
                steps.Add(null!);
                continue;
            }

            errors.Check(step.WithinMinutes is not null, string.Create(CultureInfo.InvariantCulture, $"steps[{i}].withinMinutes"),
                "Required: minutes from activation (0 = at once).");
            steps.Add(new PlanStep(step.Id ?? "", step.TitleZh ?? "", step.TitleEn ?? "",
                Roles.TryParse(step.Owner, out var owner) ? owner : default,
                TimeSpan.FromMinutes(step.WithinMinutes ?? 0), step.ExpectedOutput ?? "",
                step.EscalateEveryMinutes is { } every ? TimeSpan.FromMinutes(every) : PlanStep.DefaultEscalateEvery));
        }

        var definition = new PlanDefinition(body.Hazard ?? "", tier, body.NameZh ?? "", body.NameEn ?? "", steps);
        foreach (var problem in definition.Problems())
        {
            errors.Add(problem.Field, problem.Message);
        }

        errors.ThrowIfAny();
        return definition;
    }

    /// <summary>The version the caller edited, from If-Match (<c>"3"</c>) or the body; both given must agree.</summary>
    /// <exception cref="ProblemException">400 for an unreadable If-Match or a disagreement; 428 version-required.</exception>
    private static int? ExpectedVersion(HttpRequest request, int? fromBody, bool required)
    {
        int? fromHeader = null;
        var ifMatch = request.Headers.IfMatch.ToString().Trim();
        if (ifMatch.Length > 0 && ifMatch != "*")
        {
            var text = ifMatch.StartsWith("W/", StringComparison.Ordinal) ? ifMatch[2..] : ifMatch;
            fromHeader = int.TryParse(text.Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
                ? parsed
                : throw new ProblemException(StatusCodes.Status400BadRequest, "malformed-request", "Unreadable If-Match",
                    "If-Match carries the plan version as an entity tag, e.g. \"3\".");
        }

        if (fromHeader is not null && fromBody is not null && fromHeader != fromBody)
        {
            throw ProblemException.Validation(new Dictionary<string, string[]> { ["version"] = ["Differs from If-Match."] });
        }

        var expected = fromHeader ?? fromBody;
        if (expected is null && required && ifMatch != "*")
        {
            throw new ProblemException(StatusCodes.Status428PreconditionRequired, "version-required", "Say which version you edited",
                "Send If-Match with the plan's ETag, or 'version' in the body, so an edit never silently overwrites another.");
        }

        return expected;
    }

    /// <exception cref="ProblemException">409 stale-version.</exception>
    private static void EnsureVersion(ResponsePlan plan, int? expected)
    {
        if (expected is not null && expected != plan.Version)
        {
            throw new ProblemException(StatusCodes.Status409Conflict, "stale-version", "The plan has changed",
                $"You edited version {expected}; the plan is at version {plan.Version}. Reload it and edit again.",
                extensions: new Dictionary<string, object?> { ["currentVersion"] = plan.Version });
        }
    }

    private static string ETag(int version) => string.Create(CultureInfo.InvariantCulture, $"\"{version}\"");

    private static string Word(WarningTier tier) => tier.ToString().ToLowerInvariant();

    private static object Payload(ResponsePlan plan) => new
    {
        planId = plan.Id,
        plan.Hazard,
        plan.Tier,
        plan.Version,
        plan.NameZh,
        plan.NameEn,
        steps = plan.Steps.Select(ToDto),
    };

    internal static PlanDto ToDto(ResponsePlan plan) => new(plan.Id, plan.Hazard, plan.Tier, plan.NameZh, plan.NameEn, plan.Version,
        plan.IsBuiltIn, [.. plan.Steps.Select(ToDto)], plan.CreatedAt, plan.UpdatedAt, plan.UpdatedBy);

    internal static PlanStepDto ToDto(PlanStep step) => new(step.Id, step.TitleZh, step.TitleEn, step.Owner, (int)step.Within.TotalMinutes,
        step.ExpectedOutput, (int)step.EscalateEvery.TotalMinutes);
}
