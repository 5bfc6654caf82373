using System.Globalization;
using System.Text.Json;
using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Regions;
using CrisisOps.Domain.Warning;
using CrisisOps.Server.Features.Regions;
using CrisisOps.Server.Platform;
using CrisisOps.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Warning;

public sealed record ThresholdsDto(double? General, double? Attention, double? Warning, double? Emergency);

public sealed record RegisterStationRequest(
    string? Code, string? NameZh, string? NameEn, StationKind? Kind, Incidents.LocationDto? Location, string? Unit,
    double? ValidMin, double? ValidMax, ThresholdsDto? Thresholds);

public sealed record LatestReadingDto(DateTimeOffset Time, double Value, WarningTier Tier);

public sealed record StationDto(
    string Code, string NameZh, string NameEn, StationKind Kind, double Lat, double Lon, string RegionCode, string Unit,
    double ValidMin, double ValidMax, ThresholdsDto Thresholds, bool IsDemo, LatestReadingDto? Latest);

public sealed record StationList(IReadOnlyList<StationDto> Items);

public sealed record ReadingDto(string ReadingId, DateTimeOffset Time, double Value);

public sealed record ReadingBatchRequest(List<ReadingItemDto>? Items);

public sealed record ReadingItemDto(string? Station, string? ReadingId, DateTimeOffset? Time, double? Value, string? Unit);

/// <summary>Monitoring stations (监测站) and their readings: the first source of the risk network.</summary>
public static class StationEndpoints
{
    public const int MaxBatch = 10_000;
    public const long BatchBodyLimit = 8L * 1024 * 1024;

    public static IEndpointRouteBuilder MapStationEndpoints(this IEndpointRouteBuilder app)
    {
        var stations = app.MapGroup("/api/v1/stations").WithTags("Warning");
        stations.MapPost("", RegisterAsync).RequirePermission(Permission.ManageStations).Idempotent();
        stations.MapGet("", ListAsync).RequirePermission(Permission.ReadRegions);
        stations.MapGet("/{code}/readings", ReadingsAsync).RequirePermission(Permission.ReadRegions);
        app.MapPost("/api/v1/readings", IngestAsync).WithTags("Warning").RequirePermission(Permission.IngestReadings)
            .WithMetadata(new BodySizeLimit(BatchBodyLimit))
            .Accepts<ReadingBatchRequest>("application/json", "text/csv");
        return app;
    }

    private static async Task<Results<Created<StationDto>, Ok<StationDto>>> RegisterAsync(RegisterStationRequest body, CrisisOpsDbContext db,
        CallerAccessor caller, RegionDirectory directory, TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Check(RegionCode.IsValid(body.Code), "code", "1–64 characters from A–Z, a–z, 0–9, '.', '_', '-'.");
        errors.Check(body.Kind is not null, "kind", "One of: " + ApiWords.List<StationKind>() + ".");
        errors.Check(body.Location is { Lat: >= -90 and <= 90, Lon: >= -180 and <= 180 }, "location", "lat within [-90, 90], lon within [-180, 180].");
        errors.Check(body.ValidMin is not null && body.ValidMax is not null, "validMin", "validMin and validMax are required.");
        errors.Check((body.NameZh?.Length ?? 0) <= 200 && (body.NameEn?.Length ?? 0) <= 200, "nameZh", "At most 200 characters.");
        errors.ThrowIfAny();

        var t = body.Thresholds ?? new ThresholdsDto(null, null, null, null);
        var definition = new StationDefinition(new RegionCode(body.Code!), body.NameZh ?? body.NameEn ?? "", body.NameEn ?? body.NameZh ?? "",
            body.Kind!.Value, new GeoPoint(body.Location!.Lat!.Value, body.Location.Lon!.Value), body.Unit ?? "",
            new ValidRange(body.ValidMin!.Value, body.ValidMax!.Value), new TierThresholds(t.General, t.Attention, t.Warning, t.Emergency), false);
        foreach (var problem in definition.Problems())
        {
            errors.Add("station", problem);
        }

        errors.ThrowIfAny();
        var region = (await directory.GetAsync(ct)).Locate(definition.Location)
            ?? throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "outside-all-regions", "No region there",
                "The station lies outside every region with a boundary.");
        var access = await caller.RequireAsync(Permission.ManageStations, region.Path, ct);
        var now = clock.GetUtcNow();
        var station = await db.Stations.SingleOrDefaultAsync(s => s.Code == definition.Code.Value, ct);
        var created = station is null;
        if (station is null)
        {
            station = new Station(definition, region.Code, region.Path, now);
            db.Stations.Add(station);
        }
        else
        {
            await caller.RequireAsync(Permission.ManageStations, station.RegionPath, ct);
            station.Apply(definition, region.Code, region.Path);
        }

        db.Append(new JournalRecord(now, access.Name, JournalTypes.StationRegistered, region.Code, region.Path, null,
            new { station = station.Code, kind = station.Kind, unit = station.Unit, created, thresholds = station.Thresholds }));
        await db.SaveChangesAsync(ct);
        var dto = ToDto(station, null);
        return created ? TypedResults.Created($"/api/v1/stations/{station.Code}", dto) : TypedResults.Ok(dto);
    }

    private static async Task<Ok<StationList>> ListAsync(string? region, CrisisOpsDbContext db, CallerAccessor caller, RegionDirectory directory,
        CancellationToken ct)
    {
        var access = await caller.GetAsync(ct);
        var query = db.Stations.AsNoTracking().WhereUnder(s => s.RegionPath, access.ScopesFor(Permission.ReadRegions));
        if (region is not null)
        {
            var r = await directory.ScopeAsync(region, Permission.ReadRegions, caller, ct);
            query = query.Where(s => s.RegionPath.StartsWith(r.Path));
        }

        var stations = await query.OrderBy(s => s.Code).ToListAsync(ct);
        var codes = stations.Select(s => s.Code).ToList();
        var byStation = await WarningQueries.LatestReadingsAsync(db, codes, ct);
        return TypedResults.Ok(new StationList([.. stations.Select(s => ToDto(s, byStation.GetValueOrDefault(s.Code)))]));
    }

    /// <summary>
    /// Readings, oldest first: without <paramref name="from"/> the latest <paramref name="limit"/>
    /// (up to <paramref name="to"/>); with it, the first <paramref name="limit"/> from that time on — to
    /// page through a long record, ask again from the last time received (the readings at that time
    /// come again; skip them by reading id).
    /// </summary>
    private static async Task<Ok<ReadingDto[]>> ReadingsAsync(string code, int? limit, DateTimeOffset? from, DateTimeOffset? to, CrisisOpsDbContext db,
        CallerAccessor caller, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Check(limit is null or (>= 1 and <= 10_000), "limit", "From 1 to 10,000.");
        errors.Check(from is null || to is null || from <= to, "from", "from must not be after to.");
        errors.ThrowIfAny();
        var station = await db.Stations.AsNoTracking().SingleOrDefaultAsync(s => s.Code == code, ct) ?? throw ProblemException.NotFound($"Station '{code}'");
        await caller.RequireAsync(Permission.ReadRegions, station.RegionPath, ct);
        var query = db.Readings.AsNoTracking().Where(r => r.StationCode == code);
        if (to is { } until)
        {
            var u = until.ToUniversalTime();
            query = query.Where(r => r.Time <= u);
        }

        List<Reading> readings;
        if (from is { } since)
        {
            var s = since.ToUniversalTime();
            readings = await query.Where(r => r.Time >= s).OrderBy(r => r.Time).ThenBy(r => r.Id).Take(limit ?? 500).ToListAsync(ct);
        }
        else
        {
            readings = await query.OrderByDescending(r => r.Time).Take(limit ?? 500).ToListAsync(ct);
        }

        return TypedResults.Ok(readings.OrderBy(r => r.Time).Select(r => new ReadingDto(r.ReadingId, r.Time, r.Value)).ToArray());
    }

    /// <summary>A batch of readings as JSON (<c>{"items": […]}</c>) or CSV (<c>station,reading_id,time,value[,unit]</c>).</summary>
    private static async Task<Ok<IngestResult>> IngestAsync(HttpRequest request, ReadingIngest ingest, CallerAccessor caller, CancellationToken ct)
    {
        var items = new List<IncomingReading>();
        var rejected = new List<ReadingRejection>();
        var mediaType = request.ContentType?.Split(';')[0].Trim() ?? "";
        if (string.Equals(mediaType, "text/csv", StringComparison.OrdinalIgnoreCase))
        {
            await ReadCsvAsync(request.Body, items, rejected, ct);
        }
        else if (string.Equals(mediaType, "application/json", StringComparison.OrdinalIgnoreCase))
        {
            var batch = await RequestBodies.ReadJsonAsync<ReadingBatchRequest>(request, "a reading batch", ct);

            if (batch?.Items is null)
            {
                throw new ProblemException(StatusCodes.Status400BadRequest, "malformed-request", "No items",
                    "Send {\"items\": [{\"station\", \"readingId\", \"time\", \"value\", \"unit\"?}, …]}.");
            }

            items.AddRange(batch.Items.Select(i => i is null ? new IncomingReading(null, null, null, null, null)
                : new IncomingReading(i.Station, i.ReadingId, i.Time, i.Value, i.Unit)));
        }
        else
        {
            throw new ProblemException(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "Send JSON or CSV",
                "Content-Type must be application/json or text/csv.");
        }

        if (items.Count + rejected.Count > MaxBatch)
        {
            throw new ProblemException(StatusCodes.Status413PayloadTooLarge, "batch-too-large", "Batch too large",
                FormattableString.Invariant($"At most {MaxBatch:N0} readings per batch; split it."));
        }

        var access = await caller.GetAsync(ct);
        var result = await ingest.IngestAsync(items, access, ct);

        // CSV rows that could not even be read come first, numbered like the others (by data row).
        var errors = rejected.Concat(result.Errors.Select(e => e with { Index = Renumber(e.Index, rejected) })).OrderBy(e => e.Index).ToList();
        return TypedResults.Ok(result with { Received = result.Received + rejected.Count, Rejected = errors.Count, Errors = errors });
    }

    private static int Renumber(int index, List<ReadingRejection> unreadable)
    {
        // Readable rows were numbered after the unreadable ones were set aside; map back to the data row.
        var row = index;
        foreach (var skipped in unreadable.Select(u => u.Index).Order())
        {
            if (skipped <= row)
            {
                row++;
            }
        }

        return row;
    }

    private static async Task ReadCsvAsync(Stream body, List<IncomingReading> items, List<ReadingRejection> rejected, CancellationToken ct)
    {
        using var reader = new StreamReader(body);
        using var rows = Csv.Parse(await reader.ReadToEndAsync(ct)).GetEnumerator();
        if (!rows.MoveNext())
        {
            throw new ProblemException(StatusCodes.Status400BadRequest, "malformed-request", "Empty CSV", "The CSV has no header row.");
        }

        var header = rows.Current.Fields;
        int Column(string name) => Array.FindIndex(header, h => string.Equals(h.Trim(), name, StringComparison.OrdinalIgnoreCase));
        var (station, id, time, value, unit) = (Column("station"), Column("reading_id"), Column("time"), Column("value"), Column("unit"));
        if (station < 0 || id < 0 || time < 0 || value < 0)
        {
            throw new ProblemException(StatusCodes.Status400BadRequest, "malformed-request", "CSV header",
                "The header needs the columns station, reading_id, time, value (unit is optional).");
        }

        var row = 0;
        while (rows.MoveNext())
        {
            var (line, fields) = rows.Current;
            string? Field(int i) => i >= 0 && i < fields.Length ? fields[i] : null;
            var parsedTime = DateTimeOffset.TryParse(Field(time), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : (DateTimeOffset?)null;
            var parsedValue = double.TryParse(Field(value), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : (double?)null;
            if (fields.Length < 4 || parsedTime is null || parsedValue is null)
            {
                rejected.Add(new ReadingRejection(row, Field(station), Field(id),
                    FormattableString.Invariant($"line {line}: malformed row (needs station, reading_id, an ISO-8601 time and a number).")));
            }
            else
            {
                var u = Field(unit);
                items.Add(new IncomingReading(Field(station), Field(id), parsedTime, parsedValue, string.IsNullOrEmpty(u) ? null : u));
            }

            row++;
        }
    }

    private static StationDto ToDto(Station s, Reading? latest) => new(
        s.Code, s.NameZh, s.NameEn, s.Kind, s.Location.Latitude, s.Location.Longitude, s.RegionCode, s.Unit, s.Range.Min, s.Range.Max,
        new ThresholdsDto(s.Thresholds.General, s.Thresholds.Attention, s.Thresholds.Warning, s.Thresholds.Emergency), s.IsDemo,
        latest is null ? null : new LatestReadingDto(latest.Time, latest.Value, s.Thresholds.TierOf(latest.Value)));
}
