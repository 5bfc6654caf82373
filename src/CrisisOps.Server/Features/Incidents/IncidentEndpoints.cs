using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Deadlines;
using CrisisOps.Domain.Incidents;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Regions;
using CrisisOps.Server.Features.Deadlines;
using CrisisOps.Server.Features.Regions;
using CrisisOps.Server.Platform;
using CrisisOps.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Incidents;

public static class IncidentEndpoints
{
    public static IEndpointRouteBuilder MapIncidentEndpoints(this IEndpointRouteBuilder app)
    {
        var incidents = app.MapGroup("/api/v1/incidents").WithTags("Incidents");
        incidents.MapPost("", ReportAsync).RequirePermission(Permission.ReportIncident).Idempotent();
        incidents.MapGet("", ListAsync).RequirePermission(Permission.ReadIncidents);
        incidents.MapGet("/{key}", GetAsync).RequirePermission(Permission.ReadIncidents);
        incidents.MapPost("/{id:guid}/status", ChangeStatusAsync).RequirePermission(Permission.ChangeIncidentStatus);
        incidents.MapPost("/{id:guid}/reports", FileReportAsync).RequirePermission(Permission.FileIncidentReport).Idempotent();

        app.MapPost("/api/v1/public/incident-reports", PublicReportAsync).WithTags("Public")
            .AllowAnonymous().RequireRateLimiting(RateLimits.Public).Idempotent()
            .WithMetadata(new BodySizeLimit(16 * 1024));

        var events = app.MapGroup("/api/v1/events").WithTags("Events");
        events.MapPost("", CreateEventAsync).RequirePermission(Permission.ManageEvents).Idempotent();
        events.MapGet("", ListEventsAsync).RequirePermission(Permission.ReadIncidents);
        events.MapPost("/{id:guid}/close", CloseEventAsync).RequirePermission(Permission.ManageEvents);
        return app;
    }

    private static async Task<Created<IncidentDto>> ReportAsync(ReportIncidentRequest body, IncidentService service,
        CallerAccessor caller, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Check(!string.IsNullOrWhiteSpace(body.Title) && body.Title.Length <= 200, "title", "Required, at most 200 characters.");
        errors.Check(body.Description is null || body.Description.Length <= 20_000, "description", "At most 20,000 characters.");
        errors.Check(body.Category is not null, "category", "Required: natural-disaster, accident, public-health or social-security.");
        errors.Check(body.Type is not null, "type", "Required, e.g. flood, waterlogging, landslide, epidemic, subway-failure.");
        errors.Check(body.Severity is not null, "severity", "Required: I, II, III or IV.");
        var location = ReadLocation(body.Location, errors);
        errors.Check(location is not null || body.RegionCode is not null, "location", "Give a location or a regionCode.");
        errors.ThrowIfAny();

        var access = await caller.GetAsync(ct);
        var (incident, region) = await service.ReportAsync(
            new NewIncident(body.Title!, body.Description, body.Category!.Value, body.Type!.Value, body.Severity!.Value,
                location, body.EventId, false, IncidentSource.Staff),
            body.RegionCode, access.Name, path => access.Can(Permission.ReportIncident, path), ct);
        return TypedResults.Created($"/api/v1/incidents/{incident.Id}", incident.ToDto(region));
    }

    private static async Task<Accepted<PublicReportResponse>> PublicReportAsync(PublicReportRequest body, IncidentService service, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Check(!string.IsNullOrWhiteSpace(body.Title) && body.Title.Length <= 200, "title", "Required, at most 200 characters.");
        errors.Check(body.Description is null || body.Description.Length <= 5_000, "description", "At most 5,000 characters.");
        var location = ReadLocation(body.Location, errors);
        errors.Check(location is not null, "location", "Required: where it happens (lat, lon).");
        errors.ThrowIfAny();

        var type = body.Type ?? IncidentType.Other;
        var category = type.DefaultCategory();
        var (incident, _) = await service.ReportAsync(
            new NewIncident(body.Title!, body.Description, category, type, IncidentSeverity.IV, location, null, false, IncidentSource.Public),
            null, "public", _ => true, ct);
        return TypedResults.Accepted((string?)null,
            new PublicReportResponse(incident.Number, "Thank you. Your report reached the duty officers and will be verified."));
    }

    private static async Task<Ok<IncidentPage>> ListAsync(string? region, string? status, Guid? eventId, int? page, int? pageSize,
        CrisisOpsDbContext db, CallerAccessor caller, RegionDirectory directory, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var wanted = default(IncidentStatus);
        errors.Check(status is null || ApiWords.TryParse(status, out wanted), "status", "One of: " + ApiWords.List<IncidentStatus>() + ".");
        errors.Check(page is null or >= 1, "page", "From 1.");
        errors.Check(pageSize is null or (>= 1 and <= 200), "pageSize", "From 1 to 200.");
        errors.ThrowIfAny();

        var access = await caller.GetAsync(ct);
        var snapshot = await directory.GetAsync(ct);
        var query = IncidentQueries.Visible(db, access);
        if (region is not null)
        {
            var r = await directory.ScopeAsync(region, Permission.ReadIncidents, caller, ct);
            query = query.Where(i => i.RegionPath.StartsWith(r.Path));
        }

        if (status is not null)
        {
            query = query.Where(i => i.Status == wanted);
        }

        if (eventId is not null)
        {
            query = query.Where(i => i.EventId == eventId);
        }

        var size = pageSize ?? 50;
        var number = page ?? 1;
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(i => i.ReportedAt).ThenBy(i => i.Id)
            .Skip((number - 1) * size).Take(size).ToListAsync(ct);
        return TypedResults.Ok(new IncidentPage([.. items.Select(i => i.ToDto(snapshot.Find(i.RegionCode)))], number, size, total));
    }

    /// <summary>One incident by id or by its number (<c>INC-…</c>).</summary>
    private static async Task<Ok<IncidentDetail>> GetAsync(string key, CrisisOpsDbContext db, CallerAccessor caller,
        RegionDirectory directory, TimeProvider clock, CancellationToken ct)
    {
        var incident = await IncidentQueries.FindAsync(db, key, ct) ?? throw ProblemException.NotFound($"Incident '{key}'");
        var id = incident.Id;
        await caller.RequireAsync(Permission.ReadIncidents, incident.RegionPath, ct);
        var deadlines = await db.Deadlines.AsNoTracking().Where(d => d.IncidentId == id).ToListAsync(ct);
        var snapshot = await directory.GetAsync(ct);
        var now = clock.GetUtcNow();
        return TypedResults.Ok(new IncidentDetail(
            incident.ToDto(snapshot.Find(incident.RegionCode)),
            [.. incident.Reports.OrderBy(r => r.FiledAt).Select(r => r.ToDto())],
            [.. deadlines.OrderBy(d => d.DueAt).Select(d => d.ToDto(now))]));
    }

    private static async Task<Ok<IncidentDto>> ChangeStatusAsync(Guid id, ChangeStatusRequest body, IncidentService service,
        CallerAccessor caller, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Check(body.Status is not null, "status", "Required: verified, responding, recovering or closed.");
        errors.Check(body.Note is null || body.Note.Length <= 2_000, "note", "At most 2,000 characters.");
        errors.ThrowIfAny();
        var (incident, region) = await service.ChangeStatusAsync(id, body.Status!.Value, body.Note, caller, ct);
        return TypedResults.Ok(incident.ToDto(region));
    }

    private static async Task<Created<ReportDto>> FileReportAsync(Guid id, FileReportRequest body, IncidentService service,
        CallerAccessor caller, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Check(body.Kind is not null, "kind", "Required: initial, follow-up or final.");
        errors.Check(!string.IsNullOrWhiteSpace(body.Text) && body.Text.Length <= 20_000, "text", "Required, at most 20,000 characters.");
        errors.ThrowIfAny();
        var report = await service.FileReportAsync(id, body.Kind!.Value, body.Text!, caller, ct);
        return TypedResults.Created($"/api/v1/incidents/{id}", report.ToDto());
    }

    private static async Task<Created<EventDto>> CreateEventAsync(CreateEventRequest body, CrisisOpsDbContext db, CallerAccessor caller,
        RegionDirectory directory, TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Check(!string.IsNullOrWhiteSpace(body.Name) && body.Name.Length <= 200, "name", "Required, at most 200 characters.");
        errors.Check(body.RegionCode is not null, "regionCode", "Required.");
        errors.ThrowIfAny();
        var region = await directory.NamedAsync(body.RegionCode, ct);
        var access = await caller.RequireAsync(Permission.ManageEvents, region.Path, ct);
        var now = clock.GetUtcNow();
        var crisisEvent = new CrisisEvent(Guid.CreateVersion7(now), body.Name!, region.Code, region.Path, body.IsExercise ?? false, now, access.Name);
        db.Events.Add(crisisEvent);
        db.Append(new JournalRecord(now, access.Name, JournalTypes.EventCreated, region.Code, region.Path, null,
            new { eventId = crisisEvent.Id, crisisEvent.Name, crisisEvent.IsExercise }, crisisEvent.IsExercise));
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/events/{crisisEvent.Id}", crisisEvent.ToDto());
    }

    private static async Task<Ok<EventDto[]>> ListEventsAsync(CrisisOpsDbContext db, CallerAccessor caller, CancellationToken ct)
    {
        var access = await caller.GetAsync(ct);
        var events = await db.Events.AsNoTracking().WhereUnder(e => e.RegionPath, access.ScopesFor(Permission.ReadIncidents))
            .ToListAsync(ct);
        return TypedResults.Ok(events.OrderByDescending(e => e.StartedAt).Select(e => e.ToDto()).ToArray());
    }

    private static async Task<Ok<EventDto>> CloseEventAsync(Guid id, CrisisOpsDbContext db, CallerAccessor caller, TimeProvider clock, CancellationToken ct)
    {
        var crisisEvent = await db.Events.SingleOrDefaultAsync(e => e.Id == id, ct) ?? throw ProblemException.NotFound($"Event '{id}'");
        var access = await caller.RequireAsync(Permission.ManageEvents, crisisEvent.RegionPath, ct);
        var now = clock.GetUtcNow();
        crisisEvent.Close(now);
        db.Append(new JournalRecord(now, access.Name, JournalTypes.EventClosed, crisisEvent.RegionCode, crisisEvent.RegionPath, null,
            new { eventId = id }, crisisEvent.IsExercise));
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(crisisEvent.ToDto());
    }

    private static GeoPoint? ReadLocation(LocationDto? location, FieldErrors errors)
    {
        if (location is null)
        {
            return null;
        }

        var ok = errors.Check(location.Lat is >= -90 and <= 90, "location.lat", "Required, within [-90, 90].")
            & errors.Check(location.Lon is >= -180 and <= 180, "location.lon", "Required, within [-180, 180].");
        return ok ? new GeoPoint(location.Lat!.Value, location.Lon!.Value) : null;
    }
}
