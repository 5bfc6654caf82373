using CrisisOps.Data;
using CrisisOps.Domain.Warning;

namespace CrisisOps.Server.Features.Warning;

/// <summary>
/// Another capability's answer to a change of the tier in force (the model's or a person's), called by
/// <see cref="PlanActivator"/> in the same unit of work, so whatever it adds commits with the tier change or not at all.
/// Dispatch closes and reopens roads by its closure rules this way.
/// </summary>
public interface ITierChangeReaction
{
    /// <param name="actor"><c>system</c> for the model; the person's name for a decision.</param>
    Task OnTierChangedAsync(CrisisOpsDbContext db, RegionRisk row, WarningTier from, string actor, DateTimeOffset now, CancellationToken ct);
}
