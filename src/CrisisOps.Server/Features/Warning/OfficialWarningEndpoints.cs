using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Regions;
using CrisisOps.Domain.Warning;
using CrisisOps.Server.Features.Regions;
using CrisisOps.Server.Platform;
using CrisisOps.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Warning;

public sealed record OfficialWarningDto(
    Guid Id, string Sender, string Identifier, DateTimeOffset Sent, CapStatus Status, CapMessageType MsgType, string Event,
    IReadOnlyList<string> Events, CapSeverity Severity, CapUrgency Urgency, CapCertainty Certainty, DateTimeOffset Effective,
    DateTimeOffset? Onset, DateTimeOffset? Expires, DateTimeOffset ValidUntil, string? HeadlineZh, string? HeadlineEn, string AreaDesc,
    string Source, DateTimeOffset ReceivedAt, OfficialWarningState State, DateTimeOffset? EndedAt, bool IsExercise, bool FeedsRisk,
    bool InForce, IReadOnlyList<string> Regions, IReadOnlyList<string> References);

public sealed record EndedWarningDto(Guid Id, string Identifier, OfficialWarningState State);

/// <summary>The answer to an upload: the verdict, whether it was stored now or was there already, and what to know about it.</summary>
public sealed record OfficialWarningUploadResponse(bool Accepted, CapVerdictKind Kind, bool Stored, bool Duplicate, IReadOnlyList<string> Warnings,
    OfficialWarningDto Warning, IReadOnlyList<EndedWarningDto> Ended);

public sealed record OfficialWarningList(IReadOnlyList<OfficialWarningDto> Items);

/// <summary>Official warnings (官方预警) in CAP 1.2, stored: upload, list, one, and the document as received.</summary>
public static class OfficialWarningEndpoints
{
    /// <summary>A CAP document plus the multipart envelope around it.</summary>
    public const long UploadBodyLimit = CapReader.MaxDocumentBytes + 64 * 1024;

    public static IEndpointRouteBuilder MapOfficialWarningEndpoints(this IEndpointRouteBuilder app)
    {
        var warnings = app.MapGroup("/api/v1/official-warnings").WithTags("Warning");
        warnings.MapPost("", UploadAsync).RequirePermission(Permission.ImportWarnings)
            .WithMetadata(new BodySizeLimit(UploadBodyLimit))
            .Accepts<string>("application/cap+xml", "application/xml", "text/xml", "multipart/form-data")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        warnings.MapGet("", ListAsync).RequirePermission(Permission.ReadRegions);
        warnings.MapGet("/{id:guid}", GetAsync).RequirePermission(Permission.ReadRegions);
        warnings.MapGet("/{id:guid}/cap", DocumentAsync).RequirePermission(Permission.ReadRegions);
        return app;
    }

    private static async Task<Results<Created<OfficialWarningUploadResponse>, Ok<OfficialWarningUploadResponse>>> UploadAsync(HttpRequest request,
        OfficialWarningStore store, CallerAccessor caller, TimeProvider clock, CancellationToken ct)
    {
        var document = await ReadDocumentAsync(request, ct);
        var access = await caller.GetAsync(ct);
        var result = await store.StoreAsync(document, OfficialWarningStore.UploadSource, access, ct);
        if (!result.Verdict.Accepted)
        {
            throw Rejected(result.Verdict);
        }

        var now = clock.GetUtcNow();
        var response = new OfficialWarningUploadResponse(true, result.Verdict.Kind, result.Created, !result.Created, result.Notes,
            ToDto(result.Warning!, now), [.. result.Ended.Select(e => new EndedWarningDto(e.Id, e.Identifier, e.State))]);
        return result.Created
            ? TypedResults.Created($"/api/v1/official-warnings/{result.Warning!.Id}", response)
            : TypedResults.Ok(response);
    }

    /// <summary>The body as CAP XML, or the first file of a multipart form.</summary>
    private static async Task<byte[]> ReadDocumentAsync(HttpRequest request, CancellationToken ct)
    {
        var mediaType = request.ContentType?.Split(';')[0].Trim() ?? "";
        if (string.Equals(mediaType, "multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            var (file, _) = await RequestBodies.ReadFormFileAsync(request,
                "Send the CAP document as a file part of the form (e.g. curl -F file=@alert.xml).", ct);
            await using var stream = file.OpenReadStream();
            return await ReadAllAsync(stream, ct);
        }

        if (mediaType is not ("application/cap+xml" or "application/xml" or "text/xml"))
        {
            throw new ProblemException(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "Send CAP XML",
                "Content-Type must be application/cap+xml, application/xml, text/xml or multipart/form-data.");
        }

        return await ReadAllAsync(request.Body, ct);
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, ct);
        return buffer.ToArray();
    }

    private static ProblemException Rejected(CapVerdict verdict) => verdict.Kind == CapVerdictKind.TooLarge
        ? new ProblemException(StatusCodes.Status413PayloadTooLarge, "body-too-large", "CAP document too large", verdict.Reasons[0],
            extensions: new Dictionary<string, object?> { ["kind"] = "too-large", ["reasons"] = verdict.Reasons })
        : new ProblemException(StatusCodes.Status422UnprocessableEntity, "cap-rejected", "Not a valid CAP 1.2 alert",
            verdict.Reasons[0],
            extensions: new Dictionary<string, object?> { ["kind"] = System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(verdict.Kind.ToString()), ["reasons"] = verdict.Reasons });

    private static async Task<Ok<OfficialWarningList>> ListAsync(string? region, bool? active, int? limit, CrisisOpsDbContext db, CallerAccessor caller,
        RegionDirectory directory, TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Check(limit is null or (>= 1 and <= 1000), "limit", "From 1 to 1,000.");
        errors.ThrowIfAny();
        var access = await caller.GetAsync(ct);
        var scopes = access.ScopesFor(Permission.ReadRegions);
        IQueryable<OfficialWarning> query = db.OfficialWarnings.AsNoTracking();
        if (region is not null)
        {
            var r = await directory.ScopeAsync(region, Permission.ReadRegions, caller, ct);
            var covering = db.OfficialWarningRegions.Where(x => x.RegionPath.StartsWith(r.Path)).Select(x => x.WarningId);
            query = query.Where(w => covering.Contains(w.Id));
        }
        else if (!scopes.Contains(RegionPath.Separator))
        {
            // Warnings covering none of our regions belong to no jurisdiction: only callers at the root see them.
            var visible = db.OfficialWarningRegions.WhereUnder(x => x.RegionPath, scopes).Select(x => x.WarningId);
            query = query.Where(w => visible.Contains(w.Id));
        }

        var now = clock.GetUtcNow();
        if (active is true)
        {
            query = query.Where(w => (w.MsgType == CapMessageType.Alert || w.MsgType == CapMessageType.Update)
                && w.State == OfficialWarningState.Issued && w.Effective <= now && w.ValidUntil > now);
        }

        // Projected, so the kept documents (up to 512 KiB each) are not read for a list.
        var warnings = await query.OrderByDescending(w => w.Sent).Take(limit ?? 100)
            .Select(w => new OfficialWarningDto(w.Id, w.Sender, w.Identifier, w.Sent, w.Status, w.MsgType, w.Event, w.Events, w.Severity, w.Urgency,
                w.Certainty, w.Effective, w.Onset, w.Expires, w.ValidUntil, w.HeadlineZh, w.HeadlineEn, w.AreaDesc, w.Source, w.ReceivedAt, w.State,
                w.EndedAt, w.Status == CapStatus.Exercise, false, false, w.Regions.Select(r => r.RegionCode).ToList(), w.References))
            .ToListAsync(ct);
        return TypedResults.Ok(new OfficialWarningList([.. warnings.Select(w => w with
        {
            FeedsRisk = OfficialWarning.Feeds(w.Status, w.MsgType),
            InForce = OfficialWarning.InForce(w.MsgType, w.Effective, w.ValidUntil, w.EndedAt, now),
            Regions = [.. w.Regions.Order(StringComparer.Ordinal)],
        })]));
    }

    private static async Task<Ok<OfficialWarningDto>> GetAsync(Guid id, CrisisOpsDbContext db, CallerAccessor caller, TimeProvider clock, CancellationToken ct)
    {
        var warning = await VisibleAsync(id, db, caller, ct);
        return TypedResults.Ok(ToDto(warning, clock.GetUtcNow()));
    }

    /// <summary>The CAP document exactly as received (kept up to <see cref="OfficialWarning.MaxRawBytes"/>).</summary>
    private static async Task<IResult> DocumentAsync(Guid id, CrisisOpsDbContext db, CallerAccessor caller, CancellationToken ct)
    {
        var warning = await VisibleAsync(id, db, caller, ct);
        return warning.RawXml is { } raw
            ? TypedResults.Bytes(raw, "application/cap+xml")
            : throw ProblemException.NotFound($"The document of warning '{id}' (it had {warning.RawSize:N0} bytes, more than are kept)");
    }

    /// <exception cref="ProblemException">404 when there is none, or none the caller may read (a warning outside the jurisdiction is not there for them).</exception>
    private static async Task<OfficialWarning> VisibleAsync(Guid id, CrisisOpsDbContext db, CallerAccessor caller, CancellationToken ct)
    {
        var warning = await db.OfficialWarnings.AsNoTracking().Include(w => w.Regions).SingleOrDefaultAsync(w => w.Id == id, ct);
        var access = await caller.GetAsync(ct);
        var visible = warning is not null && (warning.Regions.Count == 0
            ? access.ScopesFor(Permission.ReadRegions).Contains(RegionPath.Separator)
            : warning.Regions.Any(r => access.Can(Permission.ReadRegions, r.RegionPath)));
        return visible ? warning! : throw ProblemException.NotFound($"Official warning '{id}'");
    }

    public static OfficialWarningDto ToDto(OfficialWarning w, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(w);
        return new OfficialWarningDto(w.Id, w.Sender, w.Identifier, w.Sent, w.Status, w.MsgType, w.Event, w.Events, w.Severity, w.Urgency,
            w.Certainty, w.Effective, w.Onset, w.Expires, w.ValidUntil, w.HeadlineZh, w.HeadlineEn, w.AreaDesc, w.Source, w.ReceivedAt, w.State,
            w.EndedAt, w.IsExercise, w.FeedsRisk, w.IsInForceAt(now), [.. w.Regions.Select(r => r.RegionCode).Order(StringComparer.Ordinal)],
            w.References);
    }
}
