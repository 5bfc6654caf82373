namespace CrisisOps.Cli.Api;

internal sealed record ReleaseBoard(string? IncidentNumber, int? CadenceMinutes, DateTimeOffset? NextDueAt, string? NextDueStep, bool? NextDueOverdue,
    IReadOnlyList<ReleaseItem>? Items);

internal sealed record ReleaseItem(string? Id, string? Number, string? Status, string? TitleZh, string? TitleEn, string? DraftedBy, string? ApprovedBy,
    DateTimeOffset? DraftedAt, DateTimeOffset? PublishedAt, string? PublicUrl);

internal sealed record TicketList(IReadOnlyList<TicketItem>? Items);

internal sealed record TicketItem(string? Id, string? Number, string? Source, string? Topic, string? Urgency, string? RegionCode, string? Status,
    string? AssignedTo, bool? Overdue, DateTimeOffset? CreatedAt, DateTimeOffset? DueAt, DateTimeOffset? AnsweredAt);
