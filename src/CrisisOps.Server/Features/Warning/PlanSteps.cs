using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Warning;
using CrisisOps.Server.Platform;
using Microsoft.EntityFrameworkCore;
using Paths = CrisisOps.Domain.Regions.RegionPath;

namespace CrisisOps.Server.Features.Warning;

/// <summary>Reads started plans and marks their steps done, for the API and the console alike.</summary>
public sealed class PlanSteps(CrisisOpsDbContext db, TimeProvider clock, CrisisOpsMetrics metrics)
{
    /// <summary>The active plans of a region and everything below it that the caller may see, newest first.</summary>
    public async Task<List<PlanActivationDto>> ActiveUnderAsync(CallerAccess access, string regionPath, int limit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(access);
        var activations = await db.PlanActivations.AsNoTracking()
            .WhereUnder(a => a.RegionPath, access.ScopesFor(Permission.ReadDeadlines))
            .Where(a => a.RegionPath.StartsWith(regionPath) && a.Status == PlanActivationStatus.Active)
            .OrderByDescending(a => a.ActivatedAt).Take(limit).ToListAsync(ct);
        var deadlines = await PlanActivationEndpoints.StepDeadlinesAsync(db, [.. activations.Select(a => a.Id)], ct);
        var now = clock.GetUtcNow();
        return [.. activations.Select(a => PlanActivationEndpoints.ToDto(a, deadlines, now))];
    }

    /// <summary>Whether the caller owes (or may answer for) a step: its owner role at the region or above.</summary>
    public static bool Owns(CallerAccess access, Role owner, string regionPath)
    {
        ArgumentNullException.ThrowIfNull(access);
        return access.Grants.Any(g => g.Role == owner && Paths.Covers(g.RegionPath, regionPath));
    }

    /// <summary>
    /// The step's owner says it is done: someone holding the step's owner role at the activation's
    /// region or above (where a missed step has escalated to is above it). Another role may not
    /// answer for the owner, not even an administrator: the record says who did the duty.
    /// </summary>
    /// <exception cref="ProblemException">404 unknown activation or step; 403 not-step-owner; 409 deadline-closed.</exception>
    public async Task<PlanActivationDto> MarkDoneAsync(CallerAccess access, Guid id, string stepId, string? note, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(access);
        var errors = new FieldErrors();
        errors.Check(note is null || note.Length <= PlanActivationEndpoints.MaxNoteLength, "note",
            $"At most {PlanActivationEndpoints.MaxNoteLength} characters.");
        errors.ThrowIfAny();

        var activation = await db.PlanActivations.SingleOrDefaultAsync(a => a.Id == id, ct)
            ?? throw ProblemException.NotFound($"Plan activation '{id}'");
        if (!access.Can(Permission.ReadDeadlines, activation.RegionPath))
        {
            throw ProblemException.Forbidden($"Your roles do not allow '{Permission.ReadDeadlines}' in region '{activation.RegionCode}'.");
        }

        var step = activation.Step(stepId) ?? throw ProblemException.NotFound($"Step '{stepId}' of plan activation '{id}'");
        if (!Owns(access, step.Owner, activation.RegionPath))
        {
            throw new ProblemException(StatusCodes.Status403Forbidden, "not-step-owner", "Not the step's owner",
                $"Step '{step.Id}' is owed by the {step.Owner.Name()} of region '{activation.RegionCode}' (or above).");
        }

        var deadline = await db.Deadlines.SingleOrDefaultAsync(d => d.SubjectId == id && d.SubjectType == PlanActivation.SubjectType
            && d.StepId == stepId, ct) ?? throw ProblemException.NotFound($"Deadline of step '{stepId}'");
        var now = clock.GetUtcNow();
        deadline.Meet(now);
        db.Append(new JournalRecord(now, access.Name, JournalTypes.DeadlineMet, deadline.OriginRegionCode, deadline.OriginRegionPath, null,
            new
            {
                deadlineId = deadline.Id,
                kind = deadline.Kind,
                activationId = activation.Id,
                stepId = step.Id,
                titleZh = step.TitleZh,
                titleEn = step.TitleEn,
                timeTakenSeconds = (long)deadline.TimeTaken!.Value.TotalSeconds,
                late = deadline.WasMetLate,
                escalationLevel = deadline.EscalationLevel,
                note,
            }));
        await db.SaveChangesAsync(ct);
        metrics.DeadlineMet(deadline);
        return PlanActivationEndpoints.ToDto(activation, await PlanActivationEndpoints.StepDeadlinesAsync(db, [id], ct), now);
    }
}
