using System.Globalization;
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

public sealed record ForecastPointDto(DateTimeOffset? Time, double? Value);

public sealed record PostForecastRequest(DateTimeOffset? IssuedAt, string? Source, string? Unit, List<ForecastPointDto?>? Points);

public sealed record PostedForecastPointDto(DateTimeOffset Time, double Value, DateTimeOffset IssuedAt, string Source);

public sealed record TrendDto(DateTimeOffset From, DateTimeOffset To, double WindowHours, int Points, int Used, double SlopePerHour,
    double SlopeLow, double SlopeHigh, TrendDirection Direction, double Level, double ResidualSpread);

/// <summary>Hours from <c>asOf</c>; null when not within 72 h.</summary>
public sealed record CrossingDto(WarningTier Tier, double Threshold, CrossingOutlook Outlook, double? EarliestHours, double? LikelyHours,
    double? LatestHours, DateTimeOffset? LikelyAt);

public sealed record ProjectionDto(double Hours, DateTimeOffset At, ProjectionKind Kind, double Low, double Likely, double High, WarningTier Tier);

public sealed record StationTrendResponse(string Station, StationKind Kind, string Unit, DateTimeOffset AsOf, ForecastBasis Basis, string? Reason,
    TrendDto? Trend, IReadOnlyList<CrossingDto> Crossings, IReadOnlyList<ProjectionDto> Projections, IReadOnlyList<ForecastPointDto> Posted);

public sealed record ChildTierDto(string Region, WarningTier Tier, double Score);

public sealed record HorizonForecastDto(double Hours, DateTimeOffset At, WarningTier Tier, double Score, IReadOnlyList<RuleContribution> Contributions,
    IReadOnlyList<ChildTierDto> Children);

public sealed record RegionForecastDto(string RegionCode, string Hazard, bool IsAggregate, WarningTier? TierNow, IReadOnlyList<HorizonForecastDto> Forecasts);

public sealed record StationBasisDto(string Code, string RegionCode, StationKind Kind, ForecastBasis Basis, string? Reason, double? SlopePerHour);

public sealed record RiskForecastResponse(DateTimeOffset AsOf, int RulesVersion, IReadOnlyList<double> Horizons, IReadOnlyList<RegionForecastDto> Items,
    IReadOnlyList<StationBasisDto> Stations);

/// <summary>
/// The 72-hour forecast (72小时预测): a station's trend and time to each threshold, posted forecast
/// series for rain gauges, and the tier each region is predicted to reach at +6 h, +24 h, +72 h.
/// </summary>
public static class ForecastEndpoints
{
    /// <summary>Room for 10,000 points and a little more, so that too many points is answered as such rather than as too many bytes.</summary>
    public const long ForecastBodyLimit = 2L * 1024 * 1024;

    public static IEndpointRouteBuilder MapForecastEndpoints(this IEndpointRouteBuilder app)
    {
        var stations = app.MapGroup("/api/v1/stations").WithTags("Warning");
        stations.MapGet("/{code}/trend", TrendAsync).RequirePermission(Permission.ReadRegions);
        stations.MapGet("/{code}/forecast", PostedAsync).RequirePermission(Permission.ReadRegions);
        stations.MapPost("/{code}/forecast", PostAsync).RequirePermission(Permission.IngestReadings)
            .WithMetadata(new BodySizeLimit(ForecastBodyLimit))
            .Accepts<PostForecastRequest>("application/json", "text/csv");
        app.MapGet("/api/v1/risk/forecast", RegionsAsync).WithTags("Warning").RequirePermission(Permission.ReadRegions);
        return app;
    }

    private static async Task<Ok<StationTrendResponse>> TrendAsync(string code, string? window, string? horizons, CrisisOpsDbContext db,
        CallerAccessor caller, ForecastService forecasts, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var trend = TrendOptions.Default;
        if (window is not null)
        {
            if (errors.Check(DurationText.TryParse(window, out var w) && w >= TimeSpan.FromMinutes(10) && w <= TimeSpan.FromHours(72), "window",
                "A duration from 10m to 72h, such as 6h or 90m."))
            {
                trend = trend with { Window = w };
            }
        }

        var ahead = Horizons(horizons, errors);
        errors.ThrowIfAny();
        var station = await StationAsync(code, Permission.ReadRegions, db, caller, ct);
        var forecast = await forecasts.StationAsync(station, trend, ahead, ct);
        return TypedResults.Ok(ToDto(forecast, trend.Window));
    }

    private static async Task<Ok<PostedForecastPointDto[]>> PostedAsync(string code, CrisisOpsDbContext db, CallerAccessor caller,
        ForecastService forecasts, CancellationToken ct)
    {
        var station = await StationAsync(code, Permission.ReadRegions, db, caller, ct);
        var points = await forecasts.PostedPointsAsync(station.Code, ct);
        return TypedResults.Ok(points.Select(p => new PostedForecastPointDto(p.Time, p.Value, p.IssuedAt, p.Source)).ToArray());
    }

    /// <summary>A forecast issue as JSON (<c>{issuedAt?, source?, unit?, points: [{time, value}]}</c>) or CSV (<c>time,value</c>; issuedAt and source in the query).</summary>
    private static async Task<Ok<PostedForecast>> PostAsync(string code, DateTimeOffset? issuedAt, string? source, HttpRequest request,
        CrisisOpsDbContext db, CallerAccessor caller, ForecastService forecasts, CancellationToken ct)
    {
        var station = await StationAsync(code, Permission.IngestReadings, db, caller, ct);
        var mediaType = request.ContentType?.Split(';')[0].Trim() ?? "";
        IncomingForecast issue;
        if (string.Equals(mediaType, "text/csv", StringComparison.OrdinalIgnoreCase))
        {
            using var reader = new StreamReader(request.Body);
            issue = new IncomingForecast(issuedAt, source, null, ReadCsv(await reader.ReadToEndAsync(ct)));
        }
        else if (string.Equals(mediaType, "application/json", StringComparison.OrdinalIgnoreCase))
        {
            var body = await RequestBodies.ReadJsonAsync<PostForecastRequest>(request, "a forecast", ct);

            if (body?.Points is null)
            {
                throw new ProblemException(StatusCodes.Status400BadRequest, "malformed-request", "No points",
                    "Send {\"issuedAt\"?, \"source\"?, \"points\": [{\"time\", \"value\"}, …]}.");
            }

            issue = new IncomingForecast(body.IssuedAt ?? issuedAt, body.Source ?? source, body.Unit,
                [.. body.Points.Select(p => new IncomingForecastPoint(p?.Time, p?.Value))]);
        }
        else
        {
            throw new ProblemException(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "Send JSON or CSV",
                "Content-Type must be application/json or text/csv.");
        }

        if (issue.Points.Count > ForecastService.MaxPoints)
        {
            throw new ProblemException(StatusCodes.Status413PayloadTooLarge, "batch-too-large", "Forecast too large",
                FormattableString.Invariant($"At most {ForecastService.MaxPoints:N0} points per forecast issue."));
        }

        return TypedResults.Ok(await forecasts.PostAsync(station, issue, await caller.GetAsync(ct), ct));
    }

    private static async Task<Ok<RiskForecastResponse>> RegionsAsync(string? region, string? hazard, string? horizons, CallerAccessor caller,
        RegionDirectory directory, ForecastService forecasts, CrisisOpsDbContext db, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var ahead = Horizons(horizons, errors);
        errors.ThrowIfAny();
        var access = await caller.GetAsync(ct);
        IReadOnlyList<string> scopes = region is null
            ? access.ScopesFor(Permission.ReadRegions)
            : [(await directory.ScopeAsync(region, Permission.ReadRegions, caller, ct)).Path];
        var result = await forecasts.RegionsAsync(scopes, ahead, ct);
        var now = (await db.RegionRisks.AsNoTracking().WhereUnder(r => r.RegionPath, scopes).Select(r => new { r.RegionCode, r.Hazard, r.Tier }).ToListAsync(ct))
            .ToDictionary(r => (r.RegionCode, r.Hazard), r => r.Tier);
        var items = result.Items.Where(i => hazard is null || i.Hazard == hazard).Select(i => new RegionForecastDto(i.Region.Code, i.Hazard, i.IsAggregate,
            now.TryGetValue((i.Region.Code, i.Hazard), out var tier) ? tier : null,
            [.. i.Horizons.Select(h => new HorizonForecastDto(h.Ahead.TotalHours, h.At, h.Tier, Math.Round(h.Score, 3), h.Contributions,
                [.. h.Children.Select(c => new ChildTierDto(c.Region, c.Tier, Math.Round(c.Score, 3)))]))])).ToList();
        var stations = result.Stations.Select(s => new StationBasisDto(s.Station.Code, s.Station.RegionCode, s.Station.Kind, s.Basis, s.NoForecastReason,
            s.Trend is null ? null : Math.Round(s.Trend.SlopePerHour, 4))).ToList();
        return TypedResults.Ok(new RiskForecastResponse(result.AsOf, result.RulesVersion, [.. ahead.Select(a => a.TotalHours)], items, stations));
    }

    /// <summary>The station, if the caller may act on it there: 404 when unknown, 403 outside the caller's jurisdiction.</summary>
    private static async Task<Station> StationAsync(string code, Permission permission, CrisisOpsDbContext db, CallerAccessor caller, CancellationToken ct)
    {
        var station = await db.Stations.AsNoTracking().SingleOrDefaultAsync(s => s.Code == code, ct) ?? throw ProblemException.NotFound($"Station '{code}'");
        await caller.RequireAsync(permission, station.RegionPath, ct);
        return station;
    }

    /// <summary>Hours ahead, e.g. <c>6,24,72</c>: whole hours from 0 (now) to 72, at most 12 of them.</summary>
    private static List<TimeSpan> Horizons(string? text, FieldErrors errors)
    {
        if (text is null)
        {
            return [.. ForecastOptions.StandardHorizons];
        }

        var hours = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var h) || h > 72)
            {
                errors.Add("horizons", $"'{(part.Length > 20 ? part[..20] + "…" : part)}' is not a whole number of hours from 0 to 72.");
                return [];
            }

            hours.Add(h);
        }

        errors.Check(hours.Count is >= 1 and <= 12 && hours.Distinct().Count() == hours.Count, "horizons", "1–12 different hours, such as 6,24,72.");
        return [.. hours.Order().Select(h => TimeSpan.FromHours(h))];
    }

    private static List<IncomingForecastPoint> ReadCsv(string text)
    {
        using var rows = Csv.Parse(text).GetEnumerator();
        if (!rows.MoveNext())
        {
            throw new ProblemException(StatusCodes.Status400BadRequest, "malformed-request", "Empty CSV", "The CSV has no header row.");
        }

        var header = rows.Current.Fields;
        int Column(string name) => Array.FindIndex(header, h => string.Equals(h.Trim(), name, StringComparison.OrdinalIgnoreCase));
        var (time, value) = (Column("time"), Column("value"));
        if (time < 0 || value < 0)
        {
            throw new ProblemException(StatusCodes.Status400BadRequest, "malformed-request", "CSV header", "The header needs the columns time, value.");
        }

        var points = new List<IncomingForecastPoint>();
        while (rows.MoveNext())
        {
            var (line, fields) = rows.Current;
            string? Field(int i) => i < fields.Length ? fields[i].Trim() : null;

            // An unreadable time or value stays null and is reported with its line, like any other bad point.
            var t = DateTimeOffset.TryParse(Field(time), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsedTime) ? parsedTime : (DateTimeOffset?)null;
            var v = double.TryParse(Field(value), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsedValue) ? parsedValue : (double?)null;
            points.Add(new IncomingForecastPoint(t, v, line));
        }

        return points;
    }

    private static StationTrendResponse ToDto(StationForecast f, TimeSpan window)
    {
        static double? Hours(TimeSpan? t) => t is { } x ? Math.Round(x.TotalHours, 2) : null;
        var trend = f.Trend is { } t
            ? new TrendDto(t.From, t.To, window.TotalHours, t.Points, t.Used, Math.Round(t.SlopePerHour, 4),
                Math.Round(t.SlopeLow, 4), Math.Round(t.SlopeHigh, 4), t.Direction, Math.Round(t.Level, 3), Math.Round(t.ResidualSpread, 4))
            : null;
        return new StationTrendResponse(f.Station.Code, f.Station.Kind, f.Station.Unit, f.AsOf, f.Basis, f.NoForecastReason, trend,
            [.. f.Crossings.Select(c => new CrossingDto(c.Tier, c.Threshold, c.Outlook, Hours(c.Earliest), Hours(c.Likely), Hours(c.Latest),
                c.Likely is { } l ? f.AsOf + l : null))],
            [.. f.Projections.Select(p => new ProjectionDto(p.Ahead.TotalHours, p.At, p.Kind, Math.Round(p.Low, 3), Math.Round(p.Likely, 3),
                Math.Round(p.High, 3), p.Tier))],
            [.. f.PostedSeries.Select(p => new ForecastPointDto(p.Time, p.Value))]);
    }
}
