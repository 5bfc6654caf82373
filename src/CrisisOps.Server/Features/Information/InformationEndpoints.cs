using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Deadlines;
using CrisisOps.Domain.Information;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Regions;
using CrisisOps.Server.Features.Incidents;
using CrisisOps.Server.Features.Regions;
using CrisisOps.Server.Platform;
using CrisisOps.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Information;

/// <summary>
/// Public information (黄金4小时): releases drafted, approved, published and withdrawn, the update cadence, the public
/// release feed and pictures; the 24-hour hotline (tickets, answer base, topics per hour) and its public web form.
/// </summary>
public static class InformationEndpoints
{
    /// <summary>Five pictures of at most 5 MB each, plus the texts and figures.</summary>
    public const long ReleaseBodyLimit = ReleaseContent.MaxPictures * Domain.Command.PhotoFormat.MaxBytes + 1024 * 1024;

    public static IEndpointRouteBuilder MapInformationEndpoints(this IEndpointRouteBuilder app)
    {
        var incidents = app.MapGroup("/api/v1/incidents").WithTags("Information");
        incidents.MapPost("/{id:guid}/releases", DraftAsync).RequirePermission(Permission.DraftReleases)
            .WithMetadata(new BodySizeLimit(ReleaseBodyLimit)).Accepts<IFormFile>("multipart/form-data").DisableAntiforgery();
        incidents.MapGet("/{key}/releases", BoardAsync).RequirePermission(Permission.ReadIncidents);
        incidents.MapPut("/{id:guid}/release-cadence", CadenceAsync).RequirePermission(Permission.FormHeadquarters);

        var releases = app.MapGroup("/api/v1/releases").WithTags("Information");
        releases.MapGet("/{id:guid}", GetReleaseAsync).RequirePermission(Permission.ReadIncidents);
        releases.MapPost("/{id:guid}/publish", async (Guid id, ReleaseDesk desk, CrisisOpsDbContext db, CallerAccessor caller, CancellationToken ct) =>
            TypedResults.Ok((await desk.PublishAsync(db, caller, id, ct)).ToDto())).RequirePermission(Permission.ApproveReleases);
        releases.MapPost("/{id:guid}/withdraw", async (Guid id, WithdrawRequest body, ReleaseDesk desk, CrisisOpsDbContext db, CallerAccessor caller,
            CancellationToken ct) => TypedResults.Ok((await desk.WithdrawAsync(db, caller, id, body.Reason, ct)).ToDto()))
            .RequirePermission(Permission.ApproveReleases);
        releases.MapGet("/{id:guid}/pictures/{pictureId:guid}", PictureAsync).RequirePermission(Permission.ReadIncidents);

        var hotline = app.MapGroup("/api/v1/hotline").WithTags("Information");
        hotline.MapGet("/topics", (InformationCatalog catalog) => TypedResults.Ok(new ItemList<HotlineTopic>(catalog.Topics)))
            .RequirePermission(Permission.HandleHotline);
        hotline.MapPost("/tickets", TakeAsync).RequirePermission(Permission.HandleHotline).Idempotent();
        hotline.MapGet("/tickets", TicketsAsync).RequirePermission(Permission.HandleHotline);
        hotline.MapGet("/tickets/{id:guid}", TicketAsync).RequirePermission(Permission.HandleHotline);
        hotline.MapPost("/tickets/{id:guid}/assign", async (Guid id, AssignRequest body, HotlineDesk desk, CrisisOpsDbContext db, CallerAccessor caller,
            CancellationToken ct) => TypedResults.Ok((await desk.AssignAsync(db, caller, id, body.To, ct)).ToDto(null, false)))
            .RequirePermission(Permission.HandleHotline);
        hotline.MapPost("/tickets/{id:guid}/answer", async (Guid id, AnswerTicketRequest body, HotlineDesk desk, CrisisOpsDbContext db,
            CallerAccessor caller, CancellationToken ct) => TypedResults.Ok((await desk.AnswerAsync(db, caller, id, body.Text, body.AnswerId, ct)).ToDto(null, false)))
            .RequirePermission(Permission.HandleHotline);
        hotline.MapPost("/tickets/{id:guid}/close", async (Guid id, CloseTicketRequest body, HotlineDesk desk, CrisisOpsDbContext db,
            CallerAccessor caller, CancellationToken ct) => TypedResults.Ok((await desk.CloseAsync(db, caller, id, body.Reason, ct)).ToDto(null, false)))
            .RequirePermission(Permission.HandleHotline);
        hotline.MapGet("/topics-per-hour", TopicsPerHourAsync).RequirePermission(Permission.HandleHotline);
        hotline.MapGet("/answers", AnswersAsync).RequirePermission(Permission.HandleHotline);
        hotline.MapPost("/answers", SaveAnswerAsync).RequirePermission(Permission.ManageAnswers);
        hotline.MapPut("/answers/{id:guid}", (Guid id, AnswerEntryRequest body, CrisisOpsDbContext db, CallerAccessor caller, InformationCatalog catalog,
            RegionDirectory directory, TimeProvider clock, CancellationToken ct) => SaveAnswerCoreAsync(id, body, db, caller, catalog, directory, clock, ct))
            .RequirePermission(Permission.ManageAnswers);
        hotline.MapDelete("/answers/{id:guid}", DeleteAnswerAsync).RequirePermission(Permission.ManageAnswers);

        // The public site: anyone may read what was published and ask the hotline, within a rate limit.
        app.MapGet("/public/releases.atom", FeedAsync).WithTags("Public").AllowAnonymous().RequireRateLimiting(RateLimits.Public);
        app.MapGet("/public/releases/{number}/pictures/{pictureId:guid}", PublicPictureAsync).WithTags("Public").AllowAnonymous()
            .RequireRateLimiting(RateLimits.Public);
        app.MapPost("/api/v1/public/hotline-tickets", WebTicketAsync).WithTags("Public").AllowAnonymous().RequireRateLimiting(RateLimits.Public);
        app.MapGet("/api/v1/public/hotline-topics", (InformationCatalog catalog) => TypedResults.Ok(new ItemList<HotlineTopic>(catalog.Topics)))
            .WithTags("Public").AllowAnonymous();
        return app;
    }

    /// <summary>
    /// A draft as multipart/form-data: <c>titleZh</c>, <c>textZh</c>, optional <c>titleEn</c>/<c>textEn</c>, <c>figures</c>
    /// (a JSON array of {label, value, unit}) and up to five <c>pictures</c> (JPEG, PNG or WebP by their bytes, 5 MB each).
    /// </summary>
    private static async Task<Created<ReleaseDto>> DraftAsync(Guid id, HttpRequest request, ReleaseDesk desk, CrisisOpsDbContext db,
        CallerAccessor caller, CancellationToken ct)
    {
        var form = await RequestBodies.ReadMultipartAsync(request,
            "A release is a form: titleZh, textZh, titleEn, textEn, figures (JSON array) and pictures (files).", ct);

        static string? Field(IFormCollection f, string name) => f.TryGetValue(name, out var v) ? v.ToString() : null;
        var release = await desk.DraftAsync(db, caller, id, new ReleaseDraft(Field(form, "titleZh"), Field(form, "textZh"), Field(form, "titleEn"),
            Field(form, "textEn"), Field(form, "figures"), IncomingPhoto.From(form.Files)), ct);
        return TypedResults.Created($"/api/v1/releases/{release.Id}", release.ToDto());
    }

    private static async Task<Ok<ReleaseBoard>> BoardAsync(string key, CrisisOpsDbContext db, CallerAccessor caller, TimeProvider clock, CancellationToken ct)
    {
        var incident = await IncidentQueries.FindAsync(db, key, ct) ?? throw ProblemException.NotFound($"Incident '{key}'");
        await caller.RequireAsync(Permission.ReadIncidents, incident.RegionPath, ct);
        return TypedResults.Ok(await LoadBoardAsync(db, incident.Id, incident.Number, clock, ct));
    }

    /// <summary>An incident's releases, newest first, with its cadence and the open release duty (shared by the API and the console).</summary>
    public static async Task<ReleaseBoard> LoadBoardAsync(CrisisOpsDbContext db, Guid incidentId, string incidentNumber, TimeProvider clock,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        var items = await db.Releases.AsNoTracking().Include(r => r.Pictures).Where(r => r.IncidentId == incidentId)
            .OrderByDescending(r => r.DraftedAt).ToListAsync(ct);
        var schedule = await db.ReleaseSchedules.AsNoTracking().SingleOrDefaultAsync(s => s.IncidentId == incidentId, ct);
        var due = await db.Deadlines.AsNoTracking().SingleOrDefaultAsync(d => d.IncidentId == incidentId && d.Kind == DeadlineKind.ReleaseDue
            && d.Status == DeadlineStatus.Open, ct);
        return new ReleaseBoard(incidentId, incidentNumber, schedule?.CadenceMinutes, due?.DueAt, due?.StepId,
            due?.IsOverdue(clock.GetUtcNow()) == true, [.. items.Select(r => r.ToDto())]);
    }

    private static async Task<Ok<CadenceDto>> CadenceAsync(Guid id, CadenceRequest body, ReleaseDesk desk, CrisisOpsDbContext db, CallerAccessor caller,
        CancellationToken ct)
    {
        var schedule = await desk.SetCadenceAsync(db, caller, id, body.Minutes, ct);
        var due = await db.Deadlines.AsNoTracking().SingleOrDefaultAsync(d => d.IncidentId == id && d.Kind == DeadlineKind.ReleaseDue
            && d.Status == DeadlineStatus.Open, ct);
        return TypedResults.Ok(new CadenceDto(id, schedule.CadenceMinutes, due?.DueAt));
    }

    private static async Task<Ok<ReleaseDto>> GetReleaseAsync(Guid id, CrisisOpsDbContext db, CallerAccessor caller, CancellationToken ct)
    {
        var release = await db.Releases.AsNoTracking().Include(r => r.Pictures).SingleOrDefaultAsync(r => r.Id == id, ct)
            ?? throw ProblemException.NotFound($"Release '{id}'");
        await caller.RequireAsync(Permission.ReadIncidents, release.RegionPath, ct);
        return TypedResults.Ok(release.ToDto());
    }

    private static async Task<FileContentHttpResult> PictureAsync(Guid id, Guid pictureId, CrisisOpsDbContext db, CallerAccessor caller,
        HttpResponse response, CancellationToken ct)
    {
        var release = await db.Releases.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, ct) ?? throw ProblemException.NotFound($"Release '{id}'");
        await caller.RequireAsync(Permission.ReadIncidents, release.RegionPath, ct);
        return await PictureFileAsync(db, release.Id, pictureId, response, ct);
    }

    private static async Task<FileContentHttpResult> PublicPictureAsync(string number, Guid pictureId, CrisisOpsDbContext db, HttpResponse response,
        CancellationToken ct)
    {
        var release = await db.Releases.AsNoTracking().SingleOrDefaultAsync(r => r.Number == number && r.Status == ReleaseStatus.Published, ct)
            ?? throw ProblemException.NotFound($"Release '{number}'");
        return await PictureFileAsync(db, release.Id, pictureId, response, ct);
    }

    private static async Task<FileContentHttpResult> PictureFileAsync(CrisisOpsDbContext db, Guid releaseId, Guid pictureId, HttpResponse response,
        CancellationToken ct)
    {
        var picture = await db.ReleasePictures.AsNoTracking().SingleOrDefaultAsync(p => p.Id == pictureId && p.ReleaseId == releaseId, ct)
            ?? throw ProblemException.NotFound($"Picture '{pictureId}'");

        // Served as the image it was checked to be, never sniffed into something else.
        response.Headers.XContentTypeOptions = "nosniff";
        return TypedResults.File(picture.Bytes, picture.ContentType, entityTag: new Microsoft.Net.Http.Headers.EntityTagHeaderValue($"\"{picture.Sha256}\""));
    }

    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";

    /// <summary>The latest 50 published releases as an Atom 1.0 feed; every text is written by the XML writer, so it is escaped.</summary>
    private static async Task<IResult> FeedAsync(HttpRequest request, CrisisOpsDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var items = await db.Releases.AsNoTracking().Where(r => r.Status == ReleaseStatus.Published)
            .OrderByDescending(r => r.PublishedAt).Take(50).ToListAsync(ct);
        var site = $"{request.Scheme}://{request.Host}";
        static string Time(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var updated = items.Count > 0 ? items.Max(r => r.PublishedAt!.Value) : clock.GetUtcNow();
        var feed = new XElement(Atom + "feed",
            new XElement(Atom + "id", $"{site}/public/releases"),
            new XElement(Atom + "title", "CrisisOps 官方发布 · Official releases"),
            new XElement(Atom + "updated", Time(updated)),
            new XElement(Atom + "author", new XElement(Atom + "name", "CrisisOps")),
            new XElement(Atom + "link", new XAttribute("rel", "self"), new XAttribute("href", $"{site}/public/releases.atom")),
            new XElement(Atom + "link", new XAttribute("rel", "alternate"), new XAttribute("type", "text/html"), new XAttribute("href", $"{site}/public/releases")),
            items.Select(r => new XElement(Atom + "entry",
                new XElement(Atom + "id", $"urn:uuid:{r.Id}"),
                new XElement(Atom + "title", new XAttribute("type", "text"), (r.IsExercise ? "[演练 Exercise] " : "") + r.TitleZh
                    + (r.TitleEn is null ? "" : " / " + r.TitleEn)),
                new XElement(Atom + "updated", Time(r.PublishedAt!.Value)),
                new XElement(Atom + "published", Time(r.PublishedAt!.Value)),
                new XElement(Atom + "link", new XAttribute("rel", "alternate"), new XAttribute("type", "text/html"),
                    new XAttribute("href", $"{site}/public/releases/{Uri.EscapeDataString(r.Number)}")),
                new XElement(Atom + "content", new XAttribute("type", "text"), r.TextZh + (r.TextEn is null ? "" : "\n\n" + r.TextEn)))));
        var builder = new StringBuilder();
        await using (var writer = XmlWriter.Create(builder, new XmlWriterSettings { Indent = true, OmitXmlDeclaration = true, Async = true }))
        {
            await new XDocument(feed).SaveAsync(writer, ct);
        }

        return TypedResults.Text("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n" + builder, "application/atom+xml; charset=utf-8", Encoding.UTF8);
    }

    private static async Task<Created<TicketDto>> TakeAsync(TicketRequest body, HotlineDesk desk, CrisisOpsDbContext db, CallerAccessor caller,
        CancellationToken ct)
    {
        var access = await caller.GetAsync(ct);
        var ticket = await desk.TakeAsync(db, new NewTicket(TicketSource.Call, body.CallerName, body.CallerPhone, body.Topic, body.Urgency, body.RegionCode,
            body.Latitude, body.Longitude, body.Text), access, ct);
        return TypedResults.Created($"/api/v1/hotline/tickets/{ticket.Id}", ticket.ToDto(null, false));
    }

    /// <summary>
    /// The public form's API: anonymous, rate-limited per address, and a filled honeypot (<c>website</c>) is answered like a
    /// success but stores nothing, so a bot learns nothing.
    /// </summary>
    private static async Task<Results<Created<WebTicketReceipt>, ProblemHttpResult>> WebTicketAsync(WebTicketRequest body, HttpContext context,
        HotlineDesk desk, WebTicketLimiter limiter, CrisisOpsDbContext db, CancellationToken ct)
    {
        var number = await TakeWebTicketAsync(body, context, desk, limiter, db, ct);
        return TypedResults.Created("/public/hotline", new WebTicketReceipt(number));
    }

    /// <summary>Shared by the API and the public page's form.</summary>
    /// <exception cref="ProblemException">429 too-many-requests; 400; 422.</exception>
    public static async Task<string> TakeWebTicketAsync(WebTicketRequest body, HttpContext context, HotlineDesk desk, WebTicketLimiter limiter,
        CrisisOpsDbContext db, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(desk);
        ArgumentNullException.ThrowIfNull(limiter);
        if (!limiter.TryTake(context.Connection.RemoteIpAddress?.ToString() ?? "unknown"))
        {
            throw new ProblemException(StatusCodes.Status429TooManyRequests, "too-many-requests", "Too many questions",
                "This address has sent the most questions allowed in an hour; please call the hotline.");
        }

        if (!string.IsNullOrEmpty(body.Website))
        {
            return string.Create(CultureInfo.InvariantCulture, $"H-{DateTime.MinValue:yyyyMMdd}-000000");
        }

        var ticket = await desk.TakeAsync(db, new NewTicket(TicketSource.Web, body.CallerName, body.CallerPhone, body.Topic, null, body.RegionCode,
            body.Latitude, body.Longitude, body.Text), null, ct);
        return ticket.Number;
    }

    private static async Task<Ok<ItemList<TicketDto>>> TicketsAsync(bool? open, string? region, CrisisOpsDbContext db, CallerAccessor caller,
        CancellationToken ct)
    {
        var access = await caller.GetAsync(ct);
        var query = db.HotlineTickets.AsNoTracking().WhereUnder(t => t.RegionPath, access.ScopesFor(Permission.HandleHotline));
        if (region is not null)
        {
            var path = (await db.Regions.AsNoTracking().SingleOrDefaultAsync(r => r.Code == region, ct))?.Path
                ?? throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "unknown-region", "Unknown region", $"There is no region '{region}'.");
            query = query.Where(t => t.RegionPath.StartsWith(path));
        }

        return TypedResults.Ok(new ItemList<TicketDto>(await ListTicketsAsync(query, open == true, db, ct)));
    }

    /// <summary>The caller's ticket queue (without contacts): the latest 500, with their open SLA (shared by the API and the console).</summary>
    public static Task<IReadOnlyList<TicketDto>> ListTicketsAsync(CrisisOpsDbContext db, CallerAccess access, bool openOnly, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(access);
        return ListTicketsAsync(db.HotlineTickets.AsNoTracking().WhereUnder(t => t.RegionPath, access.ScopesFor(Permission.HandleHotline)), openOnly, db, ct);
    }

    private static async Task<IReadOnlyList<TicketDto>> ListTicketsAsync(IQueryable<HotlineTicket> query, bool openOnly, CrisisOpsDbContext db,
        CancellationToken ct)
    {
        if (openOnly)
        {
            query = query.Where(t => t.Status == TicketStatus.Open || t.Status == TicketStatus.Assigned);
        }

        var tickets = await query.OrderByDescending(t => t.CreatedAt).Take(500).ToListAsync(ct);
        var ids = tickets.Select(t => t.Id).ToList();
        var slas = await db.Deadlines.AsNoTracking().Where(d => d.Kind == DeadlineKind.HotlineTicket && ids.Contains(d.SubjectId)
            && d.Status == DeadlineStatus.Open).ToDictionaryAsync(d => d.SubjectId, ct);
        return [.. tickets.Select(t => t.ToDto(slas.GetValueOrDefault(t.Id), false))];
    }

    /// <summary>One ticket with the caller's name and number: a read of personal data, journaled (without the data).</summary>
    private static async Task<Ok<TicketDto>> TicketAsync(Guid id, CrisisOpsDbContext db, CallerAccessor caller, TimeProvider clock, CancellationToken ct) =>
        TypedResults.Ok(await OpenTicketAsync(db, caller, id, clock, ct));

    /// <summary>Opens one ticket with the caller's contact (shared by the API and the console); the read is journaled, without the data.</summary>
    /// <exception cref="ProblemException">403, 404.</exception>
    public static async Task<TicketDto> OpenTicketAsync(CrisisOpsDbContext db, CallerAccessor caller, Guid id, TimeProvider clock, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(clock);
        var ticket = await db.HotlineTickets.AsNoTracking().SingleOrDefaultAsync(t => t.Id == id, ct) ?? throw ProblemException.NotFound($"Ticket '{id}'");
        var access = await caller.RequireAsync(Permission.HandleHotline, ticket.RegionPath, ct);
        var sla = await db.Deadlines.AsNoTracking().SingleOrDefaultAsync(d => d.Kind == DeadlineKind.HotlineTicket && d.SubjectId == id
            && d.Status == DeadlineStatus.Open, ct);
        if (ticket.CallerName is not null || ticket.CallerPhone is not null)
        {
            db.Append(new JournalRecord(clock.GetUtcNow(), access.Name, JournalTypes.TicketContactRead, ticket.RegionCode, ticket.RegionPath, null,
                new { ticketId = ticket.Id, ticket.Number }, false));
            await db.SaveChangesAsync(ct);
        }

        return ticket.ToDto(sla, true);
    }

    /// <summary>Tickets per topic per hour under a region, for charts: at most 7 days, default the 24 hours up to the end of this hour.</summary>
    private static async Task<Ok<TopicsPerHour>> TopicsPerHourAsync(string region, DateTimeOffset? from, DateTimeOffset? to, CrisisOpsDbContext db,
        CallerAccessor caller, TimeProvider clock, CancellationToken ct)
    {
        var place = await db.Regions.AsNoTracking().SingleOrDefaultAsync(r => r.Code == region, ct)
            ?? throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "unknown-region", "Unknown region", $"There is no region '{region}'.");
        await caller.RequireAsync(Permission.HandleHotline, place.Path, ct);
        var end = to ?? Hour(clock.GetUtcNow()).AddHours(1);
        var start = from ?? end.AddHours(-24);
        var errors = new FieldErrors();
        errors.Check(start < end, "from", "Before 'to'.");
        errors.Check(end - start <= TimeSpan.FromDays(7), "to", "At most 7 days after 'from'.");
        errors.ThrowIfAny();
        var rows = await db.HotlineTickets.AsNoTracking().Where(t => t.RegionPath.StartsWith(place.Path) && t.CreatedAt >= start && t.CreatedAt < end)
            .Select(t => new { t.CreatedAt, t.Topic }).ToListAsync(ct);
        var counts = rows.GroupBy(r => (Hour: Hour(r.CreatedAt), r.Topic)).Select(g => new TopicCount(g.Key.Hour, g.Key.Topic, g.Count()))
            .OrderBy(c => c.Hour).ThenBy(c => c.Topic, StringComparer.Ordinal).ToList();
        return TypedResults.Ok(new TopicsPerHour(place.Code, start, end, counts));
    }

    private static DateTimeOffset Hour(DateTimeOffset t)
    {
        var u = t.ToUniversalTime();
        return new DateTimeOffset(u.Year, u.Month, u.Day, u.Hour, 0, 0, TimeSpan.Zero);
    }

    /// <summary>The answer base entries over the caller's regions (and above them, which apply to them too), filtered by topic and text.</summary>
    private static async Task<Ok<ItemList<AnswerEntryDto>>> AnswersAsync(string? q, string? topic, CrisisOpsDbContext db, CallerAccessor caller,
        CancellationToken ct)
    {
        var access = await caller.GetAsync(ct);
        return TypedResults.Ok(new ItemList<AnswerEntryDto>(await FindAnswersAsync(db, access, q, topic, ct)));
    }

    /// <summary>Answer base entries the caller may use, by topic and text (shared by the API and the console).</summary>
    public static async Task<IReadOnlyList<AnswerEntryDto>> FindAnswersAsync(CrisisOpsDbContext db, CallerAccess access, string? q, string? topic,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(access);
        var scopes = access.ScopesFor(Permission.HandleHotline);
        var entries = await db.HotlineAnswers.AsNoTracking().OrderBy(a => a.Title).ToListAsync(ct);
        var visible = entries.Where(a => scopes.Any(s => RegionPath.Covers(a.RegionPath, s) || RegionPath.Covers(s, a.RegionPath)))
            .Where(a => topic is null || a.Topic == topic)
            .Where(a => string.IsNullOrWhiteSpace(q) || a.Title.Contains(q, StringComparison.OrdinalIgnoreCase) || a.Text.Contains(q, StringComparison.OrdinalIgnoreCase))
            .Take(200);
        return [.. visible.Select(a => a.ToDto())];
    }

    private static Task<Created<AnswerEntryDto>> SaveAnswerAsync(AnswerEntryRequest body, CrisisOpsDbContext db, CallerAccessor caller,
        InformationCatalog catalog, RegionDirectory directory, TimeProvider clock, CancellationToken ct) =>
        SaveAnswerCoreAsync(null, body, db, caller, catalog, directory, clock, ct);

    private static async Task<Created<AnswerEntryDto>> SaveAnswerCoreAsync(Guid? id, AnswerEntryRequest body, CrisisOpsDbContext db, CallerAccessor caller,
        InformationCatalog catalog, RegionDirectory directory, TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Check(body.Topic is null || catalog.IsTopic(body.Topic), "topic", "One of: " + string.Join(", ", catalog.Topics.Select(t => t.Code)) + ".");
        errors.Check(!string.IsNullOrWhiteSpace(body.Title) && body.Title.Length <= HotlineAnswer.MaxTitleLength, "title",
            $"Required, at most {HotlineAnswer.MaxTitleLength} characters.");
        errors.Check(!string.IsNullOrWhiteSpace(body.Text) && body.Text.Length <= TicketQuestion.MaxTextLength, "text",
            $"Required, at most {TicketQuestion.MaxTextLength} characters.");
        errors.Check(id is not null || body.RegionCode is not null, "regionCode", "Required: the region the answer serves.");
        errors.ThrowIfAny();
        var now = clock.GetUtcNow();
        HotlineAnswer entry;
        CallerAccess access;
        if (id is { } existing)
        {
            entry = await db.HotlineAnswers.SingleOrDefaultAsync(a => a.Id == existing, ct) ?? throw ProblemException.NotFound($"Answer '{existing}'");
            access = await caller.RequireAsync(Permission.ManageAnswers, entry.RegionPath, ct);
            entry.Change(body.Topic, body.Title!, body.Text!, now, access.Name);
        }
        else
        {
            var region = (await directory.GetAsync(ct)).Find(body.RegionCode)
                ?? throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "unknown-region", "Unknown region", $"There is no region '{body.RegionCode}'.");
            access = await caller.RequireAsync(Permission.ManageAnswers, region.Path, ct);
            entry = new HotlineAnswer(Guid.CreateVersion7(now), region.Code, region.Path, body.Topic, body.Title!, body.Text!, now, access.Name);
            db.HotlineAnswers.Add(entry);
        }

        db.Append(new JournalRecord(now, access.Name, JournalTypes.AnswerSaved, entry.RegionCode, entry.RegionPath, null,
            new { answerId = entry.Id, entry.Topic, entry.Title, created = id is null }, false));
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/hotline/answers/{entry.Id}", entry.ToDto());
    }

    private static async Task<NoContent> DeleteAnswerAsync(Guid id, CrisisOpsDbContext db, CallerAccessor caller, TimeProvider clock, CancellationToken ct)
    {
        var entry = await db.HotlineAnswers.SingleOrDefaultAsync(a => a.Id == id, ct) ?? throw ProblemException.NotFound($"Answer '{id}'");
        var access = await caller.RequireAsync(Permission.ManageAnswers, entry.RegionPath, ct);
        db.HotlineAnswers.Remove(entry);
        db.Append(new JournalRecord(clock.GetUtcNow(), access.Name, JournalTypes.AnswerDeleted, entry.RegionCode, entry.RegionPath, null,
            new { answerId = entry.Id, entry.Title }, false));
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }
}
