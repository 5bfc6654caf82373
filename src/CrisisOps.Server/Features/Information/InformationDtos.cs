using CrisisOps.Domain.Deadlines;
using CrisisOps.Domain.Information;

namespace CrisisOps.Server.Features.Information;

public sealed record PictureDto(Guid Id, string ContentType, long Size, string Sha256, string Url);

public sealed record ReleaseDto(Guid Id, string Number, Guid IncidentId, string RegionCode, bool IsExercise, ReleaseStatus Status,
    string TitleZh, string TextZh, string? TitleEn, string? TextEn, IReadOnlyList<ReleaseFigure> Figures, IReadOnlyList<PictureDto> Pictures,
    DateTimeOffset DraftedAt, string DraftedBy, string? ApprovedBy, DateTimeOffset? PublishedAt, DateTimeOffset? WithdrawnAt, string? WithdrawReason,
    string? PublicUrl);

/// <summary>The releases of an incident, with its cadence and the next release due (the countdown).</summary>
public sealed record ReleaseBoard(Guid IncidentId, string IncidentNumber, int? CadenceMinutes, DateTimeOffset? NextDueAt, string? NextDueStep,
    bool NextDueOverdue, IReadOnlyList<ReleaseDto> Items);

public sealed record CadenceRequest(int? Minutes);

public sealed record CadenceDto(Guid IncidentId, int? CadenceMinutes, DateTimeOffset? NextDueAt);

public sealed record WithdrawRequest(string? Reason);

public sealed record TicketRequest(string? CallerName, string? CallerPhone, string? Topic, string? Urgency, string? RegionCode,
    double? Latitude, double? Longitude, string? Text);

/// <summary>A public web ticket: the same plus a honeypot field a person never sees nor fills.</summary>
public sealed record WebTicketRequest(string? CallerName, string? CallerPhone, string? Topic, string? RegionCode, double? Latitude,
    double? Longitude, string? Text, string? Website);

public sealed record WebTicketReceipt(string Number);

/// <summary>A ticket; <see cref="CallerName"/> and <see cref="CallerPhone"/> only in the single-ticket read (journaled).</summary>
public sealed record TicketDto(Guid Id, string Number, TicketSource Source, string Topic, TicketUrgency Urgency, string Text, string RegionCode,
    TicketStatus Status, string? AssignedTo, string? Answer, Guid? AnswerId, string? AnsweredBy, DateTimeOffset? AnsweredAt, DateTimeOffset? ClosedAt,
    bool Overdue, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? DueAt, string? CallerName, string? CallerPhone);

public sealed record AssignRequest(string? To);

public sealed record AnswerTicketRequest(string? Text, Guid? AnswerId);

public sealed record CloseTicketRequest(string? Reason);

public sealed record AnswerEntryRequest(string? RegionCode, string? Topic, string? Title, string? Text);

public sealed record AnswerEntryDto(Guid Id, string RegionCode, string? Topic, string Title, string Text, DateTimeOffset UpdatedAt, string UpdatedBy);

public sealed record TopicCount(DateTimeOffset Hour, string Topic, int Count);

public sealed record TopicsPerHour(string RegionCode, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<TopicCount> Items);

public sealed record ItemList<T>(IReadOnlyList<T> Items);

public static class InformationMapping
{
    public static ReleaseDto ToDto(this Release r) => new(r.Id, r.Number, r.IncidentId, r.RegionCode, r.IsExercise, r.Status, r.TitleZh, r.TextZh,
        r.TitleEn, r.TextEn, r.Figures,
        [.. r.Pictures.Select(p => new PictureDto(p.Id, p.ContentType, p.Size, p.Sha256, $"/api/v1/releases/{r.Id}/pictures/{p.Id}"))],
        r.DraftedAt, r.DraftedBy, r.ApprovedBy, r.PublishedAt, r.WithdrawnAt, r.WithdrawReason,
        r.Status == ReleaseStatus.Published ? $"/public/releases/{r.Number}" : null);

    public static TicketDto ToDto(this HotlineTicket t, Deadline? sla, bool withContact) => new(t.Id, t.Number, t.Source, t.Topic, t.Urgency, t.Text,
        t.RegionCode, t.Status, t.AssignedTo, t.Answer, t.AnswerId, t.AnsweredBy, t.AnsweredAt, t.ClosedAt, t.Overdue, t.CreatedAt, t.CreatedBy,
        sla?.DueAt, withContact ? t.CallerName : null, withContact ? t.CallerPhone : null);

    public static AnswerEntryDto ToDto(this HotlineAnswer a) => new(a.Id, a.RegionCode, a.Topic, a.Title, a.Text, a.UpdatedAt, a.UpdatedBy);
}
