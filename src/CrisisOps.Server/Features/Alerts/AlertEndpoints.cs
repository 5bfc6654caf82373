using System.Globalization;
using System.Text;
using System.Xml;
using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Alerts;
using CrisisOps.Domain.Warning;
using CrisisOps.Server.Features.Regions;
using CrisisOps.Server.Platform;
using CrisisOps.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Alerts;

public sealed record AlertRegionDto(string Code, string NameZh, string NameEn);

/// <summary>
/// An alert as the API shows it. <see cref="Status"/> is the workflow stage (draft, submitted, released, withdrawn);
/// <see cref="CapStatus"/> is CAP's handling code (actual, exercise, …).
/// </summary>
public sealed record AlertDto(Guid Id, string Identifier, string Sender, AlertStage Status, CapStatus CapStatus, CapMessageType MsgType,
    CapScope Scope, WarningTier Tier, string? Hazard, IReadOnlyList<string> Regions, IReadOnlyList<AlertRegionDto> RegionNames,
    IReadOnlyList<AlertInfo> Infos, IReadOnlyList<string> References, string ComposedBy, DateTimeOffset ComposedAt, DateTimeOffset? SubmittedAt,
    int ApprovalsRequired, IReadOnlyList<AlertApproval> Approvals, DateTimeOffset? Sent, string? WithdrawnBy, DateTimeOffset? WithdrawnAt,
    bool IsExercise, string? PublicCapUrl)
{
    public static AlertDto Of(Alert a) => new(a.Id, a.Identifier, a.Sender, a.Stage, a.Status, a.MsgType, a.Scope, a.Tier, a.Hazard,
        [.. a.Regions.Select(r => r.Code)], [.. a.Regions.Select(r => new AlertRegionDto(r.Code, r.NameZh, r.NameEn))], a.Infos,
        [.. a.References.Select(r => CapWriter.References([r]))], a.ComposedBy, a.ComposedAt, a.SubmittedAt, a.ApprovalsRequired, a.Approvals,
        a.Sent, a.WithdrawnBy, a.WithdrawnAt, a.IsExercise,
        a.Stage == AlertStage.Released && a.Scope == CapScope.Public ? PublicAlertEndpoints.CapPath(a.Identifier) : null);
}

public sealed record AlertList(IReadOnlyList<AlertDto> Items);

/// <summary>The alert desk API: compose (by hand or from a tier), submit, approve, withdraw, list, read and the CAP document.</summary>
public static class AlertEndpoints
{
    public static IEndpointRouteBuilder MapAlertEndpoints(this IEndpointRouteBuilder app)
    {
        var alerts = app.MapGroup("/api/v1/alerts").WithTags("Alerts");
        alerts.MapGet("", ListAsync).RequirePermission(Permission.ReadAlerts);
        alerts.MapPost("", ComposeAsync).RequirePermission(Permission.ComposeAlerts).Idempotent();
        alerts.MapPost("/from-tier", FromTierAsync).RequirePermission(Permission.ComposeAlerts).Idempotent();
        alerts.MapGet("/{id:guid}", GetAsync).RequirePermission(Permission.ReadAlerts);
        alerts.MapGet("/{id:guid}/cap", CapAsync).RequirePermission(Permission.ReadAlerts);
        alerts.MapPost("/{id:guid}/submit", SubmitAsync).RequirePermission(Permission.ComposeAlerts);
        alerts.MapPost("/{id:guid}/approve", ApproveAsync).RequirePermission(Permission.ApproveAlerts);
        alerts.MapPost("/{id:guid}/withdraw", WithdrawAsync).RequirePermission(Permission.ReadAlerts);
        return app;
    }

    private static async Task<Ok<AlertList>> ListAsync(string? status, string? region, AlertDesk desk, CallerAccessor caller, RegionDirectory directory,
        CancellationToken ct)
    {
        AlertStage? stage = null;
        if (status is not null)
        {
            if (!ApiWords.TryParse<AlertStage>(status, out var s))
            {
                throw ProblemException.Validation(new Dictionary<string, string[]> { ["status"] = ["One of: " + ApiWords.List<AlertStage>() + "."] });
            }

            stage = s;
        }

        var under = region is null ? null : (await directory.ScopeAsync(region, Permission.ReadAlerts, caller, ct)).Path;
        var items = await desk.ListAsync(await caller.GetAsync(ct), stage, under, ct);
        return TypedResults.Ok(new AlertList([.. items.Select(AlertDto.Of)]));
    }

    private static async Task<Created<AlertDto>> ComposeAsync(ComposeAlertRequest body, AlertDesk desk, CallerAccessor caller, CancellationToken ct)
    {
        var alert = await desk.ComposeAsync(await caller.GetAsync(ct), body, ct);
        return TypedResults.Created($"/api/v1/alerts/{alert.Id}", AlertDto.Of(alert));
    }

    private static async Task<Created<AlertDto>> FromTierAsync(FromTierRequest body, AlertDesk desk, CallerAccessor caller, CancellationToken ct)
    {
        var alert = await desk.FromTierAsync(await caller.GetAsync(ct), body, ct);
        return TypedResults.Created($"/api/v1/alerts/{alert.Id}", AlertDto.Of(alert));
    }

    private static async Task<Ok<AlertDto>> GetAsync(Guid id, AlertDesk desk, CallerAccessor caller, CancellationToken ct) =>
        TypedResults.Ok(AlertDto.Of(await desk.GetAsync(await caller.GetAsync(ct), id, ct)));

    /// <summary>The CAP XML: as published once released, otherwise a preview.</summary>
    private static async Task<IResult> CapAsync(Guid id, AlertDesk desk, CallerAccessor caller, CancellationToken ct)
    {
        var alert = await desk.GetAsync(await caller.GetAsync(ct), id, ct);
        return Results.Text(await desk.CapAsync(alert, ct), PublicAlertEndpoints.CapContentType, Encoding.UTF8);
    }

    private static async Task<Ok<AlertDto>> SubmitAsync(Guid id, AlertDesk desk, CallerAccessor caller, CancellationToken ct) =>
        TypedResults.Ok(AlertDto.Of(await desk.SubmitAsync(await caller.GetAsync(ct), id, ct)));

    private static async Task<Ok<AlertDto>> ApproveAsync(Guid id, AlertDesk desk, CallerAccessor caller, CancellationToken ct) =>
        TypedResults.Ok(AlertDto.Of(await desk.ApproveAsync(await caller.GetAsync(ct), id, ct)));

    /// <summary>Composers and approvers of every region of the alert may withdraw it before release (checked in <see cref="AlertDesk"/>).</summary>
    private static async Task<Ok<AlertDto>> WithdrawAsync(Guid id, WithdrawAlertRequest? body, AlertDesk desk, CallerAccessor caller, CancellationToken ct) =>
        TypedResults.Ok(AlertDto.Of(await desk.WithdrawAsync(await caller.GetAsync(ct), id, body?.Reason, ct)));
}

/// <summary>
/// The public side: each released public alert as a CAP document, and an Atom 1.0 feed of them (updates and
/// cancels are entries of their own, naming what they refer to). No sign-in; cacheable; rate-limited.
/// </summary>
public static class PublicAlertEndpoints
{
    public const string CapContentType = "application/cap+xml";
    public const string AtomContentType = "application/atom+xml";
    public const int FeedSize = 100;

    public static string CapPath(string identifier) => $"/public/alerts/{Uri.EscapeDataString(identifier)}.xml";

    public static IEndpointRouteBuilder MapPublicAlertEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/public/alerts/{identifier}.xml", CapAsync).AllowAnonymous().RequireRateLimiting(RateLimits.Public).WithTags("Public");
        app.MapGet("/public/alerts.atom", FeedAsync).AllowAnonymous().RequireRateLimiting(RateLimits.Public).WithTags("Public");
        return app;
    }

    private static async Task<IResult> CapAsync(string identifier, CrisisOpsDbContext db, AlertSettings settings, HttpContext http, CancellationToken ct)
    {
        var alert = await db.Alerts.AsNoTracking().SingleOrDefaultAsync(a => a.Sender == settings.Sender && a.Identifier == identifier
            && a.Stage == AlertStage.Released && a.Scope == CapScope.Public, ct);
        if (alert?.CapXml is null)
        {
            return TypedResults.NotFound();
        }

        // A released document never changes: cache it for long, and let clients revalidate cheaply.
        http.Response.Headers.CacheControl = "public, max-age=3600";
        http.Response.Headers.ETag = $"\"{alert.Id:N}\"";
        return Results.Text(alert.CapXml, CapContentType, Encoding.UTF8);
    }

    private static async Task<IResult> FeedAsync(CrisisOpsDbContext db, AlertSettings settings, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var alerts = await db.Alerts.AsNoTracking().Where(a => a.Stage == AlertStage.Released && a.Scope == CapScope.Public)
            .OrderByDescending(a => a.Sent).Take(FeedSize).ToListAsync(ct);
        var root = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}";
        http.Response.Headers.CacheControl = "public, max-age=60";
        return Results.Text(Atom(alerts, root, settings.Sender, clock.GetUtcNow()), AtomContentType, Encoding.UTF8);
    }

    /// <summary>The Atom 1.0 feed (RFC 4287) of <paramref name="alerts"/>, newest first; links are absolute under <paramref name="root"/>.</summary>
    public static string Atom(IReadOnlyList<Alert> alerts, string root, string sender, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        const string atom = "http://www.w3.org/2005/Atom";
        var text = new StringBuilder();
        using (var xml = XmlWriter.Create(text, new XmlWriterSettings { Indent = true }))
        {
            xml.WriteStartElement("feed", atom);
            xml.WriteAttributeString("xml", "lang", null, "zh-CN");
            xml.WriteElementString("id", atom, $"{root}/public/alerts.atom");
            xml.WriteElementString("title", atom, "CrisisOps 预警信息 · Public alerts");
            xml.WriteElementString("updated", atom, Rfc3339(alerts.Count > 0 ? alerts[0].Sent!.Value : now));
            xml.WriteStartElement("author", atom);
            xml.WriteElementString("name", atom, sender);
            xml.WriteEndElement();
            Link(xml, "self", $"{root}/public/alerts.atom", AtomContentType);
            Link(xml, "alternate", $"{root}/public/alerts", "text/html");
            foreach (var alert in alerts)
            {
                var zh = alert.InfoFor("zh-CN");
                var en = alert.InfoFor("en");
                xml.WriteStartElement("entry", atom);
                xml.WriteElementString("id", atom, $"{root}{CapPath(alert.Identifier)}");
                var kind = alert.MsgType switch { CapMessageType.Update => "[更新 Update] ", CapMessageType.Cancel => "[解除 Cancel] ", _ => "" };
                var exercise = alert.IsExercise ? "[演练 Exercise] " : "";
                xml.WriteElementString("title", atom, exercise + kind + zh.Headline + (ReferenceEquals(zh, en) ? "" : " · " + en.Headline));
                xml.WriteElementString("updated", atom, Rfc3339(alert.Sent!.Value));
                xml.WriteElementString("published", atom, Rfc3339(alert.Sent!.Value));
                xml.WriteStartElement("category", atom);
                xml.WriteAttributeString("term", alert.MsgType.ToString());
                xml.WriteAttributeString("scheme", "urn:oasis:names:tc:emergency:cap:1.2:msgType");
                xml.WriteEndElement();
                Link(xml, "alternate", $"{root}{CapPath(alert.Identifier)}", CapContentType);
                foreach (var reference in alert.References)
                {
                    // Updates and cancels point at what they replace, so a reader can strike it out.
                    Link(xml, "related", $"{root}{CapPath(reference.Identifier)}", CapContentType);
                }

                xml.WriteStartElement("summary", atom);
                xml.WriteAttributeString("type", "text");
                xml.WriteString(zh.Description + (ReferenceEquals(zh, en) ? "" : "\n\n" + en.Description));
                xml.WriteEndElement();
                xml.WriteEndElement();
            }

            xml.WriteEndElement();
        }

        return text.ToString().Replace("encoding=\"utf-16\"", "encoding=\"utf-8\"", StringComparison.Ordinal);
    }

    private static void Link(XmlWriter xml, string rel, string href, string type)
    {
        xml.WriteStartElement("link", "http://www.w3.org/2005/Atom");
        xml.WriteAttributeString("rel", rel);
        xml.WriteAttributeString("type", type);
        xml.WriteAttributeString("href", href);
        xml.WriteEndElement();
    }

    private static string Rfc3339(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
