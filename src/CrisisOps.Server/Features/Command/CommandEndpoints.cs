using System.Text.Json;
using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Command;
using CrisisOps.Domain.Journal;
using CrisisOps.Server.Features.Incidents;
using CrisisOps.Server.Platform;
using CrisisOps.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Command;

/// <summary>
/// Headquarters (指挥部), their units and orders (指令): forming from a template, giving orders, the units
/// acknowledging, working, reporting with photos and finishing, and the order board that shows who is late.
/// </summary>
public static class CommandEndpoints
{
    /// <summary>Five photos of at most 5 MB each, plus the text and figures.</summary>
    public const long ReportBodyLimit = OrderReport.MaxPhotos * PhotoFormat.MaxBytes + 1024 * 1024;

    public static IEndpointRouteBuilder MapCommandEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/hq-templates", Templates).WithTags("Command").RequirePermission(Permission.ReadOrders);

        var incidents = app.MapGroup("/api/v1/incidents").WithTags("Command");
        incidents.MapPost("/{id:guid}/headquarters", FormAsync).RequirePermission(Permission.FormHeadquarters).Idempotent();
        incidents.MapGet("/{key}/headquarters", GetHeadquartersAsync).RequirePermission(Permission.ReadOrders);
        incidents.MapGet("/{key}/orders", BoardAsync).RequirePermission(Permission.ReadOrders);

        var hqs = app.MapGroup("/api/v1/headquarters/{id:guid}").WithTags("Command");
        hqs.MapPost("/units", AddUnitAsync).RequirePermission(Permission.FormHeadquarters).Idempotent();
        hqs.MapPost("/units/{unitId:guid}/members", AddMemberAsync).RequirePermission(Permission.FormHeadquarters);
        hqs.MapDelete("/units/{unitId:guid}/members/{userName}", RemoveMemberAsync).RequirePermission(Permission.FormHeadquarters);
        hqs.MapPost("/orders", IssueAsync).RequirePermission(Permission.IssueOrders).Idempotent();

        var orders = app.MapGroup("/api/v1/orders").WithTags("Command");
        orders.MapGet("/mine", MineAsync).RequirePermission(Permission.ActOnOrders);
        orders.MapGet("/{id:guid}", GetOrderAsync).RequireAuthorization(PermissionPolicies.SignedIn);
        orders.MapPost("/{id:guid}/acknowledge", (Guid id, OrderDesk desk, CrisisOpsDbContext db, CallerAccessor caller, TimeProvider clock, CancellationToken ct) =>
            StepAsync(id, OrderStep.Acknowledge, null, desk, db, caller, clock, ct)).RequirePermission(Permission.ActOnOrders);
        orders.MapPost("/{id:guid}/start", (Guid id, OrderDesk desk, CrisisOpsDbContext db, CallerAccessor caller, TimeProvider clock, CancellationToken ct) =>
            StepAsync(id, OrderStep.Start, null, desk, db, caller, clock, ct)).RequirePermission(Permission.ActOnOrders);
        orders.MapPost("/{id:guid}/done", (Guid id, OrderDesk desk, CrisisOpsDbContext db, CallerAccessor caller, TimeProvider clock, CancellationToken ct) =>
            StepAsync(id, OrderStep.Done, null, desk, db, caller, clock, ct)).RequirePermission(Permission.ActOnOrders);
        orders.MapPost("/{id:guid}/cannot-do", (Guid id, CannotDoRequest body, OrderDesk desk, CrisisOpsDbContext db, CallerAccessor caller,
            TimeProvider clock, CancellationToken ct) => StepAsync(id, OrderStep.CannotDo, body.Reason, desk, db, caller, clock, ct))
            .RequirePermission(Permission.ActOnOrders);
        orders.MapPost("/{id:guid}/reports", ReportAsync).RequirePermission(Permission.ActOnOrders).WithMetadata(new BodySizeLimit(ReportBodyLimit))
            .Accepts<IFormFile>("multipart/form-data").DisableAntiforgery();
        orders.MapGet("/{id:guid}/reports/{reportId:guid}/photos/{photoId:guid}", PhotoAsync).RequireAuthorization(PermissionPolicies.SignedIn);
        return app;
    }

    private static Ok<HqTemplateList> Templates(HqTemplateCatalog catalog) =>
        TypedResults.Ok(new HqTemplateList([.. catalog.Templates.Select(t => t.ToDto())], [.. Departments.All.Select(d => d.ToDto())]));

    private static async Task<Created<HeadquartersDto>> FormAsync(Guid id, FormHeadquartersRequest body, HeadquartersService service,
        CallerAccessor caller, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Check(!string.IsNullOrWhiteSpace(body.Template), "template", "Required, e.g. rainstorm or epidemic (GET /api/v1/hq-templates).");
        errors.Check(!string.IsNullOrWhiteSpace(body.Commander) && body.Commander.Length <= 64, "commander", "Required: the commander's user name.");
        errors.Check(body.Deputy is null || (body.Deputy.Length is > 0 and <= 64), "deputy", "A user name.");
        var members = new List<MemberDepartment>();
        var i = 0;
        foreach (var member in body.Members ?? [])
        {
            var at = $"members[{i++}]";
            if (errors.Check(member is not null && Departments.IsKnown(member.Department), at + ".department",
                    "A department code: " + string.Join(", ", Departments.All.Select(d => d.Code)) + ".")
                & errors.Check(member?.Person is null || member.Person.Length is > 0 and <= 64, at + ".person", "A user name."))
            {
                members.Add(new MemberDepartment(member!.Department!, member.Person));
            }
        }

        errors.Check(members.Count <= 50, "members", "At most 50.");
        errors.ThrowIfAny();
        var (hq, units) = await service.FormAsync(await caller.GetAsync(ct), id, new HeadquartersFormation(body.Template!, body.Commander!, body.Deputy, members), ct);
        return TypedResults.Created($"/api/v1/incidents/{id}/headquarters", hq.ToDto(units));
    }

    private static async Task<Ok<HeadquartersDto>> GetHeadquartersAsync(string key, CrisisOpsDbContext db, CallerAccessor caller, CancellationToken ct)
    {
        var incident = await IncidentQueries.FindAsync(db, key, ct) ?? throw ProblemException.NotFound($"Incident '{key}'");
        await caller.RequireAsync(Permission.ReadOrders, incident.RegionPath, ct);
        var hq = await db.Headquarters.AsNoTracking().SingleOrDefaultAsync(h => h.IncidentId == incident.Id, ct)
            ?? throw ProblemException.NotFound($"The headquarters of incident '{incident.Number}'");
        var units = await db.CommandUnits.AsNoTracking().Include(u => u.Members).Where(u => u.HeadquartersId == hq.Id).ToListAsync(ct);
        return TypedResults.Ok(hq.ToDto(units));
    }

    private static async Task<Created<UnitDto>> AddUnitAsync(Guid id, UnitRequest body, HeadquartersService service, CallerAccessor caller,
        CancellationToken ct)
    {
        var errors = new FieldErrors();
        var kind = default(UnitKind);
        errors.Check(body.Kind is not null && ApiWords.TryParse(body.Kind, out kind), "kind", "One of: " + ApiWords.List<UnitKind>() + ".");
        errors.Check(kind == UnitKind.Partner || (!string.IsNullOrWhiteSpace(body.Name) && body.Name.Length <= CommandUnit.MaxNameLength), "name",
            $"Required, at most {CommandUnit.MaxNameLength} characters.");
        errors.Check(body.Department is null || Departments.IsKnown(body.Department), "department", "A department code.");
        errors.Check(kind != UnitKind.DepartmentTeam || body.Department is not null, "department", "A department team names its department.");
        errors.Check((kind == UnitKind.Partner) == (body.Organisation is not null), "organisation", "A partner unit, and only a partner unit, names an organisation.");
        errors.Check(body.Members is null || (body.Members.Count <= CommandUnit.MaxMembers && body.Members.All(m => m is { Length: > 0 and <= 64 })),
            "members", $"User names, at most {CommandUnit.MaxMembers}.");
        errors.ThrowIfAny();
        var unit = await service.AddUnitAsync(await caller.GetAsync(ct), id, new NewUnit(body.Name?.Trim() ?? "", kind, body.Department, body.RegionCode, body.SiteCode,
            body.Organisation, [.. (body.Members ?? []).OfType<string>().Distinct(StringComparer.Ordinal)]), ct);
        return TypedResults.Created($"/api/v1/headquarters/{id}/units/{unit.Id}", unit.ToDto());
    }

    private static async Task<Ok<UnitDto>> AddMemberAsync(Guid id, Guid unitId, MemberChangeRequest body, HeadquartersService service,
        CallerAccessor caller, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body.UserName) || body.UserName.Length > 64)
        {
            new FieldErrors().Add("userName", "Required: a user name.").ThrowIfAny();
        }

        return TypedResults.Ok((await service.AddMemberAsync(await caller.GetAsync(ct), id, unitId, body.UserName!, ct)).ToDto());
    }

    private static async Task<Ok<UnitDto>> RemoveMemberAsync(Guid id, Guid unitId, string userName, HeadquartersService service,
        CallerAccessor caller, CancellationToken ct) =>
        TypedResults.Ok((await service.RemoveMemberAsync(await caller.GetAsync(ct), id, unitId, userName, ct)).ToDto());

    private static async Task<Created<OrderDto>> IssueAsync(Guid id, IssueOrderRequest body, OrderDesk desk, CrisisOpsDbContext db,
        CallerAccessor caller, TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var priority = OrderPriority.Normal;
        errors.Check(body.UnitId is not null, "unitId", "Required: the unit that is to carry it out.");
        errors.Check(!string.IsNullOrWhiteSpace(body.What) && body.What.Length <= Order.MaxWhatLength, "what", $"Required, at most {Order.MaxWhatLength} characters.");
        errors.Check(body.Details is null || body.Details.Length <= Order.MaxDetailsLength, "details", $"At most {Order.MaxDetailsLength} characters.");
        errors.Check(body.DueBy is not null, "dueBy", "Required: when it must be done (ISO 8601 with offset).");
        errors.Check(body.DueBy is null || body.DueBy > clock.GetUtcNow(), "dueBy", "Must be in the future.");
        errors.Check(body.Priority is not null && ApiWords.TryParse(body.Priority, out priority), "priority", "One of: " + ApiWords.List<OrderPriority>() + ".");
        errors.Check(body.AcknowledgeWithinMinutes is null or (>= 1 and <= 1440), "acknowledgeWithinMinutes", "From 1 to 1440.");
        errors.Check(body.Where?.Text is null || body.Where.Text.Length <= 500, "where.text", "At most 500 characters.");
        errors.ThrowIfAny();

        var access = await caller.GetAsync(ct);
        var where = new OrderPlace(body.Where?.RegionCode, body.Where?.SiteCode, body.Where?.Text);
        var order = await desk.IssueAsync(db, access, id, body.UnitId!.Value,
            new NewOrder(body.What!, body.Details, where, body.DueBy!.Value, priority,
                body.AcknowledgeWithinMinutes is { } minutes ? TimeSpan.FromMinutes(minutes) : null), ct);
        await db.SaveChangesAsync(ct);
        var unit = await db.CommandUnits.AsNoTracking().SingleAsync(u => u.Id == order.UnitId, ct);
        return TypedResults.Created($"/api/v1/orders/{order.Id}", order.ToDto(unit.Name, clock.GetUtcNow()));
    }

    private static async Task<Ok<OrderBoard>> BoardAsync(string key, CrisisOpsDbContext db, CallerAccessor caller, TimeProvider clock,
        CancellationToken ct)
    {
        var incident = await IncidentQueries.FindAsync(db, key, ct) ?? throw ProblemException.NotFound($"Incident '{key}'");
        await caller.RequireAsync(Permission.ReadOrders, incident.RegionPath, ct);
        var now = clock.GetUtcNow();
        var hq = await db.Headquarters.AsNoTracking().SingleOrDefaultAsync(h => h.IncidentId == incident.Id, ct);
        if (hq is null)
        {
            return TypedResults.Ok(new OrderBoard(incident.Id, incident.Number, null, [], [], 0));
        }

        var units = await db.CommandUnits.AsNoTracking().Include(u => u.Members).Where(u => u.HeadquartersId == hq.Id).ToListAsync(ct);
        var names = units.ToDictionary(u => u.Id, u => u.Name);
        var orders = (await db.Orders.AsNoTracking().Where(o => o.HeadquartersId == hq.Id).ToListAsync(ct))
            .Select(o => o.ToDto(names[o.UnitId], now)).LateFirst().ToList();
        var board = units
            .Select(u => new BoardUnit(u.ToDto(), [.. orders.Where(o => o.UnitId == u.Id)], orders.Count(o => o.UnitId == u.Id && o.Late)))
            .OrderByDescending(b => b.Late).ThenByDescending(b => b.Orders.Count(o => o.Status is not (OrderStatus.Done or OrderStatus.CannotDo)))
            .ThenBy(b => b.Unit.Name, StringComparer.Ordinal).ToList();
        return TypedResults.Ok(new OrderBoard(incident.Id, incident.Number, hq.ToDto(units), board, orders, orders.Count(o => o.Late)));
    }

    /// <summary>The orders of every unit the caller acts for, including their organisation's partner units.</summary>
    private static async Task<Ok<OrderList>> MineAsync(CrisisOpsDbContext db, CallerAccessor caller, TimeProvider clock, CancellationToken ct)
    {
        var access = await caller.GetAsync(ct);
        var units = await MyUnitsAsync(db, access, ct);
        var ids = units.Keys.ToList();
        var now = clock.GetUtcNow();
        var orders = await db.Orders.AsNoTracking().Where(o => ids.Contains(o.UnitId)).ToListAsync(ct);
        return TypedResults.Ok(new OrderList([.. orders.Select(o => o.ToDto(units[o.UnitId].Name, now)).LateFirst()]));
    }

    /// <summary>The units the caller acts for, by id.</summary>
    public static async Task<Dictionary<Guid, CommandUnit>> MyUnitsAsync(CrisisOpsDbContext db, CallerAccess access, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(access);
        var name = access.Name;
        var departments = access.Departments.ToList();
        var organisations = access.Organisations.ToList();
        var candidates = await db.CommandUnits.AsNoTracking().Include(u => u.Members)
            .Where(u => u.Members.Any(m => m.UserName == name)
                || (u.Kind == UnitKind.DepartmentTeam && u.Department != null && departments.Contains(u.Department))
                || (u.Kind == UnitKind.Partner && u.Organisation != null && organisations.Contains(u.Organisation)))
            .ToListAsync(ct);
        var incidentIds = candidates.Select(u => u.HeadquartersId).Distinct().ToList();
        var regions = await db.Headquarters.AsNoTracking().Where(h => incidentIds.Contains(h.Id)).ToDictionaryAsync(h => h.Id, h => h.RegionPath, ct);
        return candidates.Where(u => OrderDesk.ActsFor(access, u, regions[u.HeadquartersId])).ToDictionary(u => u.Id);
    }

    private static async Task<Ok<OrderDetail>> GetOrderAsync(Guid id, CrisisOpsDbContext db, CallerAccessor caller, TimeProvider clock, CancellationToken ct)
    {
        var (order, unit) = await ReadableAsync(db, caller, id, ct);
        var reports = await db.OrderReports.AsNoTracking().Where(r => r.OrderId == id).OrderBy(r => r.ReportedAt).ToListAsync(ct);
        var reportIds = reports.Select(r => r.Id).ToList();
        var photos = await db.OrderPhotos.AsNoTracking().Where(p => reportIds.Contains(p.ReportId))
            .Select(p => new PhotoFacts(p.Id, p.ReportId, p.ContentType, p.Size, p.Sha256)).ToListAsync(ct);
        return TypedResults.Ok(new OrderDetail(order.ToDto(unit.Name, clock.GetUtcNow()),
            [.. reports.Select(r => r.ToDto(photos.Where(p => p.ReportId == r.Id)))]));
    }

    private static async Task<Ok<OrderDto>> StepAsync(Guid id, OrderStep step, string? reason, OrderDesk desk, CrisisOpsDbContext db,
        CallerAccessor caller, TimeProvider clock, CancellationToken ct)
    {
        var access = await caller.GetAsync(ct);
        var order = await desk.StepAsync(db, access, id, step, reason, ct);
        var unit = await db.CommandUnits.AsNoTracking().SingleAsync(u => u.Id == order.UnitId, ct);
        return TypedResults.Ok(order.ToDto(unit.Name, clock.GetUtcNow()));
    }

    /// <summary>
    /// A progress report as multipart/form-data: <c>text</c>, <c>figures</c> (a JSON object name → number) and up to
    /// five <c>photos</c> (JPEG, PNG or WebP by their bytes, 5 MB each). It starts an acknowledged order.
    /// </summary>
    private static async Task<Created<ReportDto>> ReportAsync(Guid id, HttpRequest request, OrderDesk desk, CrisisOpsDbContext db,
        CallerAccessor caller, TimeProvider clock, CancellationToken ct)
    {
        var access = await caller.GetAsync(ct);
        var (order, unit) = await OrderDesk.LoadForActorAsync(db, access, id, ct);
        var form = await RequestBodies.ReadMultipartAsync(request, "A report is a form: text, figures (JSON object) and photos (files).", ct);

        var photos = form.Files.Select(f => new IncomingPhoto(f.FileName, f.ContentType, f.Length, f.OpenReadStream)).ToList();
        var report = await desk.ReportAsync(db, access, order, unit, form["text"].ToString(), form["figures"].ToString(), photos, ct);
        return TypedResults.Created($"/api/v1/orders/{order.Id}",
            report.ToDto(report.Photos.Select(p => new PhotoFacts(p.Id, p.ReportId, p.ContentType, p.Size, p.Sha256))));
    }

    private static async Task<FileContentHttpResult> PhotoAsync(Guid id, Guid reportId, Guid photoId, CrisisOpsDbContext db, CallerAccessor caller,
        HttpResponse response, CancellationToken ct)
    {
        await ReadableAsync(db, caller, id, ct);
        var photo = await (from p in db.OrderPhotos.AsNoTracking()
                           join r in db.OrderReports.AsNoTracking() on p.ReportId equals r.Id
                           where p.Id == photoId && r.Id == reportId && r.OrderId == id
                           select p).SingleOrDefaultAsync(ct)
            ?? throw ProblemException.NotFound($"Photo '{photoId}'");

        // The bytes were checked on the way in; the header stops a browser from guessing otherwise.
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.CacheControl = "private, max-age=3600";
        return TypedResults.File(photo.Bytes, photo.ContentType, entityTag: new Microsoft.Net.Http.Headers.EntityTagHeaderValue($"\"{photo.Sha256}\""));
    }

    private static async Task<(Order, CommandUnit)> ReadableAsync(CrisisOpsDbContext db, CallerAccessor caller, Guid id, CancellationToken ct)
    {
        var order = await db.Orders.AsNoTracking().SingleOrDefaultAsync(o => o.Id == id, ct) ?? throw ProblemException.NotFound($"Order '{id}'");
        var unit = await db.CommandUnits.AsNoTracking().Include(u => u.Members).SingleAsync(u => u.Id == order.UnitId, ct);
        var access = await caller.GetAsync(ct);
        if (!OrderDesk.MayRead(access, order, unit))
        {
            throw ProblemException.Forbidden($"Your roles do not allow reading orders in region '{order.RegionCode}', and you do not act for unit '{unit.Name}'.");
        }

        return (order, unit);
    }
}
