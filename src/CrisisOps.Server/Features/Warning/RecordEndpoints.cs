using System.Globalization;
using System.Text;
using System.Text.Json;
using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Warning;
using CrisisOps.Server.Features.Regions;
using CrisisOps.Server.Platform;
using CrisisOps.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Warning;

public sealed record RecordBatchRequest(string? Source, List<RecordItemDto?>? Items);

/// <summary>A record as JSON. <c>time</c> and <c>severity</c> may be strings or numbers, as spreadsheets export them.</summary>
public sealed record RecordItemDto(string? Source, string? SourceId, string? Category, string? Region, JsonElement? Time, JsonElement? Severity,
    string? Summary);

public sealed record RecordDto(Guid Id, string Source, string SourceId, RecordCategory Category, string RegionCode, DateTimeOffset Time, int Severity,
    string? Summary, DateTimeOffset ReceivedAt);

public sealed record RecordList(IReadOnlyList<RecordDto> Items);

/// <summary>Government records (政府记录): relief requests, petitions, hazard-inspection findings, as JSON or as the offices' CSV and xlsx files.</summary>
public static class RecordEndpoints
{
    public const int MaxBatch = 10_000;
    public const int MaxFileRows = 50_000;
    public const long JsonBodyLimit = 16L * 1024 * 1024;
    public const long FileBodyLimit = 32L * 1024 * 1024;

    public static IEndpointRouteBuilder MapRecordEndpoints(this IEndpointRouteBuilder app)
    {
        var records = app.MapGroup("/api/v1/records").WithTags("Warning");
        records.MapPost("", PostAsync).RequirePermission(Permission.ImportRecords).WithMetadata(new BodySizeLimit(JsonBodyLimit));
        records.MapPost("/import", ImportAsync).RequirePermission(Permission.ImportRecords).WithMetadata(new BodySizeLimit(FileBodyLimit))
            .Accepts<IFormFile>("multipart/form-data", "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        records.MapGet("", ListAsync).RequirePermission(Permission.ReadIncidents);
        return app;
    }

    /// <summary>A JSON batch: <c>{"source": "…", "items": [{sourceId, category, region, time, severity, summary, source?}, …]}</c>.</summary>
    private static async Task<Ok<RecordImportResult>> PostAsync(RecordBatchRequest body, GovernmentRecordImport import, CallerAccessor caller,
        CancellationToken ct)
    {
        if (body.Items is null)
        {
            throw new ProblemException(StatusCodes.Status400BadRequest, "malformed-request", "No items",
                "Send {\"source\": \"office\", \"items\": [{\"sourceId\", \"category\", \"region\", \"time\", \"severity\", \"summary\"?}, …]}.");
        }

        if (body.Items.Count > MaxBatch)
        {
            throw TooMany(MaxBatch, "records per batch");
        }

        var access = await caller.GetAsync(ct);
        var source = string.IsNullOrWhiteSpace(body.Source) ? access.Name : body.Source;
        var items = body.Items.Select(i => i is null
            ? new IncomingRecord(source, null, null, null, null, null, null)
            : new IncomingRecord(string.IsNullOrWhiteSpace(i.Source) ? source : i.Source, i.SourceId, i.Category, i.Region, Text(i.Time),
                Text(i.Severity), i.Summary)).ToList();
        return TypedResults.Ok(await import.ImportAsync(items, null, access, ct));
    }

    /// <summary>A file: multipart (<c>file</c>, optional <c>source</c>), or the CSV or xlsx itself as the body; <c>?source=</c> names the office.</summary>
    private static async Task<Ok<RecordImportResult>> ImportAsync(HttpRequest request, string? source, GovernmentRecordImport import,
        CallerAccessor caller, CancellationToken ct)
    {
        var (bytes, fileName, formSource) = await ReadFileAsync(request, null, ct);
        var access = await caller.GetAsync(ct);
        var office = new[] { formSource, source }.FirstOrDefault(s => !string.IsNullOrWhiteSpace(s)) ?? access.Name;
        var xlsx = RecordFiles.LooksLikeXlsx(bytes) || fileName?.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase) == true;
        var rows = xlsx ? RecordFiles.ReadXlsx(bytes, office) : RecordFiles.ReadCsv(Decode(bytes), office);
        if (rows.Count > MaxFileRows)
        {
            throw TooMany(MaxFileRows, "rows per file");
        }

        return TypedResults.Ok(await import.ImportAsync([.. rows.Select(r => r.Record)], [.. rows.Select(r => r.Row)], access, ct));
    }

    /// <summary>A CSV or xlsx upload (multipart, or the file as the body) as bytes; shared with the residents' register import.</summary>
    /// <exception cref="ProblemException">415 unsupported-media-type; 400 malformed-request when a form holds no file.</exception>
    internal static async Task<(byte[] Bytes, string? FileName, string? Source)> ReadFileAsync(HttpRequest request, string? hint, CancellationToken ct)
    {
        var mediaType = request.ContentType?.Split(';')[0].Trim() ?? "";
        using var buffer = new MemoryStream();
        if (string.Equals(mediaType, "multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            var (file, form) = await RequestBodies.ReadFormFileAsync(request,
                hint ?? "Send the CSV or xlsx as a file part of the form (e.g. curl -F file=@records.xlsx -F source=civil-affairs).", ct);
            await using var stream = file.OpenReadStream();
            await stream.CopyToAsync(buffer, ct);
            return (buffer.ToArray(), file.FileName, form["source"].FirstOrDefault());
        }

        if (mediaType is not ("text/csv" or "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
        {
            throw new ProblemException(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "Send CSV or xlsx",
                "Content-Type must be multipart/form-data, text/csv or application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.");
        }

        await request.Body.CopyToAsync(buffer, ct);
        return (buffer.ToArray(), mediaType == "text/csv" ? "records.csv" : "records.xlsx", null);
    }

    /// <summary>UTF-8 (with or without a byte-order mark); a file that is not UTF-8 is read as GB18030, as Chinese offices' Excel writes CSV.</summary>
    internal static string Decode(byte[] bytes)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return Encoding.GetEncoding("GB18030").GetString(bytes);
        }
    }

    private static async Task<Ok<RecordList>> ListAsync(string? region, string? category, int? limit, CrisisOpsDbContext db, CallerAccessor caller,
        RegionDirectory directory, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Check(limit is null or (>= 1 and <= 10_000), "limit", "From 1 to 10,000.");
        var parsed = RecordCategory.ReliefRequest;
        errors.Check(category is null || RecordCategories.TryParse(category, out parsed), "category", "One of: " + string.Join(", ", RecordCategories.Words) + ".");
        errors.ThrowIfAny();
        var access = await caller.GetAsync(ct);
        var query = db.GovernmentRecords.AsNoTracking().WhereUnder(r => r.RegionPath, access.ScopesFor(Permission.ReadIncidents));
        if (region is not null)
        {
            var r = await directory.ScopeAsync(region, Permission.ReadIncidents, caller, ct);
            query = query.Where(x => x.RegionPath.StartsWith(r.Path));
        }

        if (category is not null)
        {
            query = query.Where(x => x.Category == parsed);
        }

        var records = await query.OrderByDescending(r => r.Time).Take(limit ?? 500).ToListAsync(ct);
        return TypedResults.Ok(new RecordList([.. records.Select(r => new RecordDto(r.Id, r.Source, r.SourceId, r.Category, r.RegionCode, r.Time,
            r.Severity, r.Summary, r.ReceivedAt))]));
    }

    private static string? Text(JsonElement? value) => value switch
    {
        { ValueKind: JsonValueKind.String } s => s.GetString(),
        { ValueKind: JsonValueKind.Number } n => n.GetRawText(),
        null or { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined } => null,
        { } other => other.GetRawText(),
    };

    private static ProblemException TooMany(int limit, string what) =>
        new(StatusCodes.Status413PayloadTooLarge, "batch-too-large", "Batch too large",
            string.Create(CultureInfo.InvariantCulture, $"At most {limit:N0} {what}; split it."));
}
