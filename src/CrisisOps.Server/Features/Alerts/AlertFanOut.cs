using CrisisOps.Data;

namespace CrisisOps.Server.Features.Alerts;

/// <summary>
/// What delivery needs to know about a released alert: who (the area) and what to say, per language.
/// Released alerts are public, so nothing here is personal.
/// </summary>
/// <param name="AlertId">The stored alert's id; deliveries are idempotent per alert × resident × channel.</param>
/// <param name="Identifier">The CAP identifier, for gateways and receipts.</param>
/// <param name="Tier">The warning tier the alert announces (drives channel rules, e.g. cell broadcast for the area).</param>
/// <param name="RegionCodes">Regions whose whole subtree is targeted (residents living or working there).</param>
/// <param name="Polygons">CAP polygons (<c>lat,lon lat,lon …</c>, closed) also targeted; empty when the area is regions only.</param>
/// <param name="IsExercise">An exercise or test alert: delivered and counted, but marked as such to everyone.</param>
/// <param name="Messages">The text per language; delivery picks the resident's language, else zh-CN.</param>
public sealed record AlertToDeliver(
    Guid AlertId,
    string Identifier,
    Domain.Warning.WarningTier Tier,
    IReadOnlyList<string> RegionCodes,
    IReadOnlyList<string> Polygons,
    bool IsExercise,
    IReadOnlyList<AlertMessage> Messages);

/// <summary>One language's text of an alert, as a message a gateway can carry.</summary>
public sealed record AlertMessage(string Language, string Headline, string Description, string? Instruction);

/// <summary>
/// The hand-off from releasing an alert to delivering it. <see cref="Enqueue"/> adds the fan-out job to the
/// caller's unit of work without saving, so the release and its delivery job commit together (nothing lost
/// across a crash); <see cref="Wake"/> after the save starts work at once instead of at the next poll.
/// </summary>
public interface IAlertFanOut
{
    void Enqueue(CrisisOpsDbContext db, AlertToDeliver alert, DateTimeOffset now);

    void Wake();
}
