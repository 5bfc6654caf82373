using CrisisOps.Domain.Deadlines;
using CrisisOps.Domain.Incidents;
using CrisisOps.Server.Features.Deadlines;

namespace CrisisOps.Server.Features.Incidents;

public sealed record LocationDto(double? Lat, double? Lon);

public sealed record ReportIncidentRequest(
    string? Title,
    string? Description,
    IncidentCategory? Category,
    IncidentType? Type,
    IncidentSeverity? Severity,
    LocationDto? Location,
    string? RegionCode,
    Guid? EventId);

public sealed record PublicReportRequest(string? Title, string? Description, IncidentType? Type, LocationDto? Location);

public sealed record PublicReportResponse(string Number, string Message);

public sealed record IncidentDto(
    Guid Id,
    string Number,
    string Title,
    string Description,
    IncidentCategory Category,
    IncidentType Type,
    IncidentSeverity Severity,
    IncidentStatus Status,
    string RegionCode,
    string RegionNameZh,
    string RegionNameEn,
    LocationDto? Location,
    Guid? EventId,
    bool IsExercise,
    IncidentSource Source,
    DateTimeOffset ReportedAt,
    string ReportedBy,
    IReadOnlyList<string> Flags);

public sealed record IncidentPage(IReadOnlyList<IncidentDto> Items, int Page, int PageSize, int Total);

public sealed record ReportDto(Guid Id, ReportKind Kind, string Text, DateTimeOffset FiledAt, string FiledBy);

public sealed record IncidentDetail(IncidentDto Incident, IReadOnlyList<ReportDto> Reports, IReadOnlyList<DeadlineDto> Deadlines);

public sealed record ChangeStatusRequest(IncidentStatus? Status, string? Note);

public sealed record FileReportRequest(ReportKind? Kind, string? Text);

public sealed record CreateEventRequest(string? Name, string? RegionCode, bool? IsExercise);

public sealed record EventDto(Guid Id, string Name, string RegionCode, bool IsExercise, DateTimeOffset StartedAt, DateTimeOffset? ClosedAt);

internal static class IncidentMapping
{
    public static IncidentDto ToDto(this Incident i, Regions.RegionInfo? region) => new(
        i.Id, i.Number, i.Title, i.Description, i.Category, i.Type, i.Severity, i.Status, i.RegionCode,
        region?.NameZh ?? i.RegionCode, region?.NameEn ?? i.RegionCode,
        i.Location is { } l ? new LocationDto(l.Latitude, l.Longitude) : null,
        i.EventId, i.IsExercise, i.Source, i.ReportedAt, i.ReportedBy, i.Flags());

    public static ReportDto ToDto(this IncidentReport r) => new(r.Id, r.Kind, r.Text, r.FiledAt, r.FiledBy);

    public static EventDto ToDto(this CrisisEvent e) => new(e.Id, e.Name, e.RegionCode, e.IsExercise, e.StartedAt, e.ClosedAt);
}
