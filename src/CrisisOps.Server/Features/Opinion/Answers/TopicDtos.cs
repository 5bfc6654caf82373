using CrisisOps.Domain.Deadlines;
using CrisisOps.Domain.Opinion;

namespace CrisisOps.Server.Features.Opinion.Answers;

/// <summary>A topic's latest answer deadline: when it is due, whether it was met, and which region owes it now (after escalation).</summary>
public sealed record TopicDeadlineDto(Guid Id, DateTimeOffset DueAt, DeadlineStatus Status, bool Overdue, string RegionCode, int EscalationLevel,
    DateTimeOffset? MissedAt, DateTimeOffset? CompletedAt);

/// <summary>A hot topic (热点诉求) as the list shows it.</summary>
public sealed record TopicDto(Guid Id, string Label, string RegionCode, TopicStatus Status, int Posts, int NegativePosts, int VolumeHour,
    int VolumeSixHours, double Growth, double NegativeShare, DateTimeOffset FirstPostAt, DateTimeOffset LastPostAt, DateTimeOffset? HotSince,
    string? SpikeKind, DateTimeOffset? AnsweredAt, DateTimeOffset? EscalatedAt, TopicDeadlineDto? Deadline);

/// <summary>Posts of a topic in one clock hour (UTC) and the negative share among them (null when there were none).</summary>
public sealed record TopicHourDto(DateTimeOffset Hour, int Posts, int Negative, double? NegativeShare);

/// <summary>A representative post of a topic; what the public wrote, shown as text only.</summary>
public sealed record TopicPostDto(long Id, string Source, PostKind Kind, string? Author, DateTimeOffset PostedAt, string Text, string Language,
    PostTone Tone, double Score, string RegionCode, int GroupSize);

/// <summary>
/// A response linked to a topic: the negative share in the six hours before it (kept when it was linked) and after it (read now
/// from the topic's posts since), with the share per hour since.
/// </summary>
public sealed record TopicResponseDto(Guid Id, Guid TopicId, ResponseKind Kind, string? Reference, string Text, DateTimeOffset At, string By,
    double NegativeShareBefore, int PostsBefore, double? NegativeShareAfter, int PostsAfter, IReadOnlyList<TopicHourDto> HoursSince);

/// <summary>One topic with its last 24 hours, representative posts and responses (oldest first).</summary>
public sealed record TopicDetailDto(TopicDto Topic, IReadOnlyList<TopicHourDto> Hours, IReadOnlyList<TopicPostDto> Representatives,
    IReadOnlyList<TopicResponseDto> Responses);

public sealed record TopicList(IReadOnlyList<TopicDto> Items);

/// <summary>An analyst's answer: <c>kind</c> release (reference = a published release's number) or hotline (reference optional).</summary>
public sealed record AnswerTopicRequest(string? Kind, string? Reference, string? Text);
