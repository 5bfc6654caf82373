using CrisisOps.Data;
using CrisisOps.Domain.Information;
using CrisisOps.Server.Platform;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Opinion;

/// <summary>
/// The release an answer to the public points to — a hot topic's answer or a rumour's clarification. It must exist, be
/// published (only what the public can read answers the public) and not belong to an exercise (演练信息不得作为真实回应:
/// posts are the public's real concerns, and a drill's release answers nobody).
/// </summary>
public static class AnsweringRelease
{
    /// <exception cref="ProblemException">422 unknown-release / release-not-published / exercise-release.</exception>
    public static async Task<Release> RequireAsync(CrisisOpsDbContext db, string number, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var release = await db.Releases.AsNoTracking().SingleOrDefaultAsync(r => r.Number == number, ct)
            ?? throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "unknown-release", "Unknown release",
                $"There is no release '{number}'.");
        if (release.Status != ReleaseStatus.Published)
        {
            throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "release-not-published", "The release is not published",
                $"Release '{number}' is {System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(release.Status.ToString())}; link a published release.");
        }

        if (release.IsExercise)
        {
            throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "exercise-release", "The release belongs to an exercise",
                $"Release '{number}' was published in an exercise (演练); a real concern needs a real answer.");
        }

        return release;
    }
}
