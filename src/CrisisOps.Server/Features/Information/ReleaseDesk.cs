using System.Globalization;
using System.Text.Json;
using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Incidents;
using CrisisOps.Domain.Information;
using CrisisOps.Domain.Journal;
using CrisisOps.Server.Platform;
using CrisisOps.Server.Platform.Auth;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Information;

/// <summary>A release as drafted: texts, figures as JSON, pictures as uploaded.</summary>
public sealed record ReleaseDraft(string? TitleZh, string? TextZh, string? TitleEn, string? TextEn, string? FiguresJson,
    IReadOnlyList<IncomingPhoto> Pictures);

/// <summary>Where releases are drafted, approved and published, withdrawn, and the update cadence is set. Each call saves.</summary>
public sealed class ReleaseDesk(ReleaseDuty duty, TimeProvider clock)
{
    /// <exception cref="ProblemException">400 validation-failed; 403; 404; 409 incident-closed; 413 photo-too-large; 415 unsupported-photo-type.</exception>
    public async Task<Release> DraftAsync(CrisisOpsDbContext db, CallerAccessor caller, Guid incidentId, ReleaseDraft draft, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(draft);
        var incident = await db.Incidents.AsNoTracking().SingleOrDefaultAsync(i => i.Id == incidentId, ct)
            ?? throw ProblemException.NotFound($"Incident '{incidentId}'");
        var access = await caller.RequireAsync(Permission.DraftReleases, incident.RegionPath, ct);
        if (incident.Status == IncidentStatus.Closed)
        {
            throw new ProblemException(StatusCodes.Status409Conflict, "incident-closed", "Incident closed", $"Incident {incident.Number} is closed.");
        }

        var errors = new FieldErrors();
        errors.Check(!string.IsNullOrWhiteSpace(draft.TitleZh) && draft.TitleZh.Length <= ReleaseContent.MaxTitleLength, "titleZh",
            $"Required, at most {ReleaseContent.MaxTitleLength} characters.");
        errors.Check(!string.IsNullOrWhiteSpace(draft.TextZh) && draft.TextZh.Length <= ReleaseContent.MaxTextLength, "textZh",
            $"Required, at most {ReleaseContent.MaxTextLength} characters.");
        errors.Check(draft.TitleEn is null || draft.TitleEn.Length <= ReleaseContent.MaxTitleLength, "titleEn",
            $"At most {ReleaseContent.MaxTitleLength} characters.");
        errors.Check(draft.TextEn is null || draft.TextEn.Length <= ReleaseContent.MaxTextLength, "textEn",
            $"At most {ReleaseContent.MaxTextLength} characters.");
        errors.Check(string.IsNullOrWhiteSpace(draft.TitleEn) == string.IsNullOrWhiteSpace(draft.TextEn), "titleEn",
            "An English version has both a title and a text, or neither.");
        var figures = ReadFigures(draft.FiguresJson, errors);
        errors.Check(draft.Pictures.Count <= ReleaseContent.MaxPictures, "pictures", $"At most {ReleaseContent.MaxPictures} pictures.");
        errors.ThrowIfAny();

        var pictures = await PhotoUpload.ReadAllAsync(draft.Pictures, ct);
        var now = clock.GetUtcNow();
        var count = await db.Releases.CountAsync(r => r.IncidentId == incident.Id, ct);
        var number = string.Create(CultureInfo.InvariantCulture, $"{incident.Number}-R{count + 1:00}");
        var release = new Release(Guid.CreateVersion7(now), number, incident.Id, incident.RegionCode, incident.RegionPath, incident.IsExercise,
            new ReleaseContent(draft.TitleZh!, draft.TextZh!, draft.TitleEn, draft.TextEn, figures), now, access.Name);
        foreach (var (format, bytes) in pictures)
        {
            release.AddPicture(Guid.CreateVersion7(now), format, bytes);
        }

        db.Releases.Add(release);
        db.Append(new JournalRecord(now, access.Name, JournalTypes.ReleaseDrafted, incident.RegionCode, incident.RegionPath, incident.Id,
            new
            {
                releaseId = release.Id,
                release.Number,
                release.TitleZh,
                release.TitleEn,
                figures,
                pictures = release.Pictures.Select(p => new { p.Id, p.ContentType, p.Size, p.Sha256 }).ToArray(),
            },
            incident.IsExercise));
        await db.SaveChangesAsync(ct);
        return release;
    }

    /// <summary>Approves and publishes a draft; meets the open release duty and arms the next at the incident's cadence.</summary>
    /// <exception cref="ProblemException">403 (ApproveReleases over the incident's region), 404.</exception>
    /// <exception cref="Domain.DomainException">approve-own-release; release-not-draft.</exception>
    public async Task<Release> PublishAsync(CrisisOpsDbContext db, CallerAccessor caller, Guid id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(caller);
        var release = await LoadAsync(db, id, ct);
        var access = await caller.RequireAsync(Permission.ApproveReleases, release.RegionPath, ct);
        var now = clock.GetUtcNow();
        release.Publish(access.Name, now);
        db.Append(new JournalRecord(now, access.Name, JournalTypes.ReleasePublished, release.RegionCode, release.RegionPath, release.IncidentId,
            new { releaseId = release.Id, release.Number, draftedBy = release.DraftedBy, approvedBy = access.Name }, release.IsExercise));
        await duty.OnPublishedAsync(db, release, access.Name, now, ct);
        await db.SaveChangesAsync(ct);
        return release;
    }

    /// <exception cref="ProblemException">400 without a reason, 403, 404.</exception>
    /// <exception cref="Domain.DomainException">release-withdrawn.</exception>
    public async Task<Release> WithdrawAsync(CrisisOpsDbContext db, CallerAccessor caller, Guid id, string? reason, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(caller);
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > 500)
        {
            new FieldErrors().Add("reason", "Required, at most 500 characters.").ThrowIfAny();
        }

        var release = await LoadAsync(db, id, ct);
        var access = await caller.RequireAsync(Permission.ApproveReleases, release.RegionPath, ct);
        var now = clock.GetUtcNow();
        release.Withdraw(access.Name, reason!.Trim(), now);
        db.Append(new JournalRecord(now, access.Name, JournalTypes.ReleaseWithdrawn, release.RegionCode, release.RegionPath, release.IncidentId,
            new { releaseId = release.Id, release.Number, reason = release.WithdrawReason }, release.IsExercise));
        await db.SaveChangesAsync(ct);
        return release;
    }

    /// <summary>Sets (or clears, with null) how often the incident's public updates are due.</summary>
    /// <exception cref="ProblemException">400 out of range, 403 (FormHeadquarters over the region), 404, 409 incident-closed.</exception>
    public async Task<ReleaseSchedule> SetCadenceAsync(CrisisOpsDbContext db, CallerAccessor caller, Guid incidentId, int? minutes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(caller);
        var incident = await db.Incidents.AsNoTracking().SingleOrDefaultAsync(i => i.Id == incidentId, ct)
            ?? throw ProblemException.NotFound($"Incident '{incidentId}'");
        var access = await caller.RequireAsync(Permission.FormHeadquarters, incident.RegionPath, ct);
        if (minutes is { } m && (m < ReleaseSchedule.MinCadence.TotalMinutes || m > ReleaseSchedule.MaxCadence.TotalMinutes))
        {
            new FieldErrors().Add("minutes", $"{ReleaseSchedule.MinCadence.TotalMinutes}–{ReleaseSchedule.MaxCadence.TotalMinutes} minutes, or null for none.")
                .ThrowIfAny();
        }

        if (incident.Status == IncidentStatus.Closed)
        {
            throw new ProblemException(StatusCodes.Status409Conflict, "incident-closed", "Incident closed", $"Incident {incident.Number} is closed.");
        }

        var now = clock.GetUtcNow();
        var schedule = await db.ReleaseSchedules.SingleOrDefaultAsync(s => s.IncidentId == incidentId, ct);
        if (schedule is null)
        {
            schedule = new ReleaseSchedule(incidentId);
            db.ReleaseSchedules.Add(schedule);
        }

        schedule.Set(minutes, access.Name, now);
        db.Append(new JournalRecord(now, access.Name, JournalTypes.ReleaseCadenceSet, incident.RegionCode, incident.RegionPath, incident.Id,
            new { minutes }, incident.IsExercise));
        await duty.OnCadenceChangedAsync(db, incident, schedule.Cadence, access.Name, now, ct);
        await db.SaveChangesAsync(ct);
        return schedule;
    }

    private static async Task<Release> LoadAsync(CrisisOpsDbContext db, Guid id, CancellationToken ct) =>
        await db.Releases.Include(r => r.Pictures).SingleOrDefaultAsync(r => r.Id == id, ct) ?? throw ProblemException.NotFound($"Release '{id}'");

    private sealed record FigureInput(string? Label, decimal? Value, string? Unit);

    private static List<ReleaseFigure> ReadFigures(string? json, FieldErrors errors)
    {
        var figures = new List<ReleaseFigure>();
        if (string.IsNullOrWhiteSpace(json))
        {
            return figures;
        }

        List<FigureInput?>? items;
        try
        {
            items = JsonSerializer.Deserialize<List<FigureInput?>>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web));
        }
        catch (JsonException)
        {
            errors.Add("figures", "A JSON array of {label, value, unit}, e.g. [{\"label\":\"转移安置\",\"value\":1203,\"unit\":\"人\"}].");
            return figures;
        }

        items ??= [];
        if (!errors.Check(items.Count <= ReleaseContent.MaxFigures, "figures", $"At most {ReleaseContent.MaxFigures} figures."))
        {
            return figures;
        }

        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (errors.Check(item is not null && ReleaseFigure.IsValid(item.Label, item.Value, item.Unit ?? ""), $"figures[{i}]",
                    $"A label of 1–{ReleaseFigure.MaxLabelLength} characters, a value of 0–{ReleaseFigure.MaxValue:N0} and a unit of at most {ReleaseFigure.MaxUnitLength}."))
            {
                figures.Add(new ReleaseFigure(item!.Label!.Trim(), item.Value!.Value, (item.Unit ?? "").Trim()));
            }
        }

        return figures;
    }
}
