using CrisisOps.Domain.Command;
using CrisisOps.Domain.Incidents;

namespace CrisisOps.Server.Features.Command;

public sealed record DepartmentDto(string Code, string NameZh, string NameEn);

public sealed record HqTemplateDto(string Code, string NameZh, string NameEn, IReadOnlyList<IncidentType> IncidentTypes, HqPositions Positions,
    IReadOnlyList<DepartmentDto> Departments);

public sealed record HqTemplateList(IReadOnlyList<HqTemplateDto> Items, IReadOnlyList<DepartmentDto> Departments);

public sealed record MemberRequest(string? Department, string? Person);

public sealed record FormHeadquartersRequest(string? Template, string? Commander, string? Deputy, IReadOnlyList<MemberRequest?>? Members);

public sealed record UnitRequest(string? Name, string? Kind, string? Department, string? RegionCode, string? SiteCode, IReadOnlyList<string?>? Members,
    string? Organisation);

public sealed record MemberChangeRequest(string? UserName);

public sealed record PlaceRequest(string? RegionCode, string? SiteCode, string? Text);

public sealed record IssueOrderRequest(Guid? UnitId, string? What, string? Details, PlaceRequest? Where, DateTimeOffset? DueBy, string? Priority,
    int? AcknowledgeWithinMinutes);

public sealed record CannotDoRequest(string? Reason);

public sealed record UnitDto(Guid Id, string Name, UnitKind Kind, string? Department, string? RegionCode, string? SiteCode, string? Organisation,
    IReadOnlyList<string> Members);

public sealed record HeadquartersDto(Guid Id, Guid IncidentId, string Template, string NameZh, string NameEn, string Commander, string? Deputy,
    string RegionCode, bool IsExercise, DateTimeOffset FormedAt, string FormedBy, IReadOnlyList<UnitDto> Units);

public sealed record PlaceDto(string? RegionCode, string? SiteCode, string? Text);

public sealed record SourceDto(string Type, Guid Id);

public sealed record OrderDto(Guid Id, Guid HeadquartersId, Guid IncidentId, Guid UnitId, string UnitName, string What, string? Details, PlaceDto Where,
    OrderPriority Priority, OrderStatus Status, DateTimeOffset IssuedAt, string IssuedBy, DateTimeOffset AcknowledgeBy, DateTimeOffset DueBy,
    DateTimeOffset? AcknowledgedAt, string? AcknowledgedBy, DateTimeOffset? StartedAt, DateTimeOffset? DoneAt, DateTimeOffset? CannotDoAt,
    string? CannotDoReason, bool Unacknowledged, bool Overdue, bool Late, bool FlaggedUnacknowledged, bool FlaggedOverdue, SourceDto? Source,
    bool IsExercise);

public sealed record BoardUnit(UnitDto Unit, IReadOnlyList<OrderDto> Orders, int Late);

public sealed record OrderBoard(Guid IncidentId, string IncidentNumber, HeadquartersDto? Headquarters, IReadOnlyList<BoardUnit> Units,
    IReadOnlyList<OrderDto> Orders, int Late);

public sealed record OrderList(IReadOnlyList<OrderDto> Items);

/// <summary>A photo without its bytes.</summary>
public sealed record PhotoFacts(Guid Id, Guid ReportId, string ContentType, long Size, string Sha256);

public sealed record PhotoDto(Guid Id, string ContentType, long Size, string Sha256, string Url);

public sealed record ReportDto(Guid Id, Guid OrderId, string? Text, IReadOnlyDictionary<string, decimal> Figures, DateTimeOffset ReportedAt,
    string ReportedBy, IReadOnlyList<PhotoDto> Photos);

public sealed record OrderDetail(OrderDto Order, IReadOnlyList<ReportDto> Reports);

public static class CommandMapping
{
    public static DepartmentDto ToDto(this Department d) => new(d.Code, d.NameZh, d.NameEn);

    public static HqTemplateDto ToDto(this HqTemplate t) =>
        new(t.Code, t.NameZh, t.NameEn, t.IncidentTypes, t.Positions, [.. t.Departments.Select(c => Departments.Find(c)!.ToDto())]);

    public static UnitDto ToDto(this CommandUnit u) =>
        new(u.Id, u.Name, u.Kind, u.Department, u.RegionCode, u.SiteCode, u.Organisation, [.. u.Members.Select(m => m.UserName).Order(StringComparer.Ordinal)]);

    public static HeadquartersDto ToDto(this Headquarters h, IEnumerable<CommandUnit> units) =>
        new(h.Id, h.IncidentId, h.TemplateCode, h.NameZh, h.NameEn, h.Commander, h.Deputy, h.RegionCode, h.IsExercise, h.FormedAt, h.FormedBy,
            [.. units.OrderBy(u => u.CreatedAt).ThenBy(u => u.Id).Select(u => u.ToDto())]);

    public static OrderDto ToDto(this Order o, string unitName, DateTimeOffset now) =>
        new(o.Id, o.HeadquartersId, o.IncidentId, o.UnitId, unitName, o.What, o.Details, new PlaceDto(o.WhereRegionCode, o.WhereSiteCode, o.WhereText),
            o.Priority, o.Status, o.IssuedAt, o.IssuedBy, o.AcknowledgeBy, o.DueBy, o.AcknowledgedAt, o.AcknowledgedBy, o.StartedAt, o.DoneAt,
            o.CannotDoAt, o.CannotDoReason, o.IsUnacknowledgedLate(now), o.IsOverdue(now), o.IsLate(now), o.FlaggedUnacknowledged, o.FlaggedOverdue,
            o.SourceType is { } type && o.SourceId is { } id ? new SourceDto(type, id) : null, o.IsExercise);

    /// <summary>A report with its photos' facts (not their bytes, which are fetched one by one).</summary>
    public static ReportDto ToDto(this OrderReport r, IEnumerable<PhotoFacts> photos) =>
        new(r.Id, r.OrderId, r.Text, r.Figures, r.ReportedAt, r.ReportedBy,
            [.. photos.Select(p => new PhotoDto(p.Id, p.ContentType, p.Size, p.Sha256, $"/api/v1/orders/{r.OrderId}/reports/{r.Id}/photos/{p.Id}"))]);

    /// <summary>Late first (overdue or unacknowledged), then by due time: the board reads top-down as "what needs chasing".</summary>
    public static IOrderedEnumerable<OrderDto> LateFirst(this IEnumerable<OrderDto> orders) =>
        orders.OrderByDescending(o => o.Late).ThenBy(o => IsClosed(o.Status)).ThenBy(o => o.DueBy).ThenBy(o => o.Id);

    private static bool IsClosed(OrderStatus status) => status is OrderStatus.Done or OrderStatus.CannotDo;
}
