using System.Text.Json;

namespace CrisisOps.Cli.Api;

// Shapes of the server's JSON as far as the CLI reads them. Enumerations stay strings so that a
// value added on the server is shown rather than rejected; every member is nullable because the
// CLI must still print what it got from an older or newer server.

internal sealed record CreateTokenRequest(string UserName, string Password, string Name, int? ExpiresInDays);

internal sealed record TokenResponse(string? Id, string? Name, string? Token, DateTimeOffset? ExpiresAt);

internal sealed record Me(string? UserName, string? DisplayName, IReadOnlyList<RoleAssignment>? Roles);

internal sealed record RoleAssignment(string? Role, string? RegionCode, string? Department);

internal sealed record RegionList(IReadOnlyList<Region>? Items);

internal sealed record Region(
    string? Code,
    string? ParentCode,
    string? Level,
    string? NameZh,
    string? NameEn,
    long? Population,
    bool? HasBoundary,
    bool? IsDemo);

internal sealed record RegionRef(string? Code, string? Level, string? NameZh, string? NameEn);

internal sealed record LocateResult(string? Code, string? Level, string? NameZh, string? NameEn, IReadOnlyList<RegionRef>? Chain);

internal sealed record ImportResult(int? Regions, int? Sites, bool? DryRun, IReadOnlyList<ImportWarning>? Warnings);

internal sealed record ImportWarning(int? Index, string? Code, string? Message);

internal sealed record GeoPoint(double Lat, double Lon);

internal sealed record ReportIncidentRequest(
    string Title,
    string? Description,
    string Category,
    string Type,
    string Severity,
    GeoPoint? Location,
    string? RegionCode,
    string? EventId);

internal sealed record Incident(
    string? Id,
    string? Number,
    string? Title,
    string? Description,
    string? Category,
    string? Type,
    string? Severity,
    string? Status,
    string? RegionCode,
    string? RegionNameZh,
    string? RegionNameEn,
    GeoPoint? Location,
    string? EventId,
    bool? IsExercise,
    string? Source,
    DateTimeOffset? ReportedAt,
    string? ReportedBy,
    IReadOnlyList<JsonElement>? Flags);

internal sealed record IncidentPage(IReadOnlyList<Incident>? Items, int? Page, int? PageSize, int? Total);

internal sealed record IncidentDetail(Incident? Incident, IReadOnlyList<IncidentReport>? Reports, IReadOnlyList<Deadline>? Deadlines);

internal sealed record IncidentReport(string? Id, string? Kind, string? Text, DateTimeOffset? FiledAt, string? FiledBy);

internal sealed record DeadlineList(IReadOnlyList<Deadline>? Items);

internal sealed record Deadline(
    string? Id,
    string? Kind,
    string? SubjectType,
    string? SubjectId,
    string? IncidentId,
    string? RegionCode,
    string? OwnerRole,
    DateTimeOffset? DueAt,
    string? Status,
    int? EscalationLevel,
    bool? IsOverdue,
    DateTimeOffset? CreatedAt,
    DateTimeOffset? CompletedAt);

internal sealed record JournalPage(IReadOnlyList<JournalEntry>? Items, string? Next);

internal sealed record JournalEntry(
    string? Id,
    DateTimeOffset? Time,
    string? Actor,
    string? RegionCode,
    string? IncidentId,
    string? Type,
    JsonElement? Payload,
    bool? IsExercise);

internal sealed record PlanList(IReadOnlyList<Plan>? Items);

internal sealed record Plan(
    string? Id,
    string? Hazard,
    string? Tier,
    string? NameZh,
    string? NameEn,
    int? Version,
    bool? IsBuiltIn,
    IReadOnlyList<PlanStep>? Steps);

internal sealed record PlanStep(
    string? Id,
    string? TitleZh,
    string? TitleEn,
    string? Owner,
    int? WithinMinutes,
    string? ExpectedOutput,
    int? EscalateEveryMinutes);

internal sealed record PlanActivationList(IReadOnlyList<PlanActivation>? Items);

internal sealed record PlanActivation(
    string? Id,
    string? PlanNameZh,
    string? PlanNameEn,
    int? PlanVersion,
    string? RegionCode,
    string? Hazard,
    string? Tier,
    string? Status,
    DateTimeOffset? ActivatedAt,
    string? ClosedReason,
    IReadOnlyList<PlanActivationStep>? Steps);

internal sealed record PlanActivationStep(
    string? StepId,
    string? TitleZh,
    string? TitleEn,
    string? Owner,
    DateTimeOffset? DueAt,
    string? Status,
    bool? IsOverdue,
    int? EscalationLevel,
    string? OwedByRegionCode,
    DateTimeOffset? CompletedAt);

internal sealed record TierDecisionRequest(string? Tier, string? Reason);

internal sealed record StepDoneRequest(string? Note);

internal sealed record RegionRisk(
    string? RegionCode,
    string? Hazard,
    string? Tier,
    string? ModelTier,
    TierOverride? Override,
    string? ConfirmedBy,
    DateTimeOffset? ConfirmedAt);

internal sealed record TierOverride(string? Tier, string? Reason, string? By, DateTimeOffset? At);
internal sealed record RecordImportResult(int? Received, int? Stored, int? Duplicates, int? Rejected, IReadOnlyList<RecordError>? Errors);

internal sealed record RecordError(int? Index, int? Row, string? SourceId, string? Reason);

internal sealed record ResidentImportResult(bool DryRun, int? Received, int? Created, int? Updated, int? Unchanged, int? Rejected,
    IReadOnlyList<ResidentRowError>? Errors);

internal sealed record ResidentRowError(int? Row, string? Reference, string? Column, string? Message);

internal sealed record NeedList(IReadOnlyList<Need>? Items);

internal sealed record Need(string? Id, string? Number, string? What, decimal? Quantity, decimal? Remaining, string? Unit, string? RegionCode,
    string? Priority, DateTimeOffset? NeededBy, string? Status);

internal sealed record NeedClaim(string? Id, string? Organisation, decimal? Quantity, DateTimeOffset? PromisedBy, string? Status);

internal sealed record ClaimResult(NeedClaim? Claim, Need? Need);

internal sealed record AlertList(IReadOnlyList<Alert>? Items);

internal sealed record AlertInfo(string? Language, string? Headline, string? Description, string? Instruction);

internal sealed record AlertApproval(string? By, DateTimeOffset? At);

internal sealed record Alert(string? Id, string? Identifier, string? Status, string? CapStatus, string? MsgType, string? Tier,
    IReadOnlyList<string>? Regions, IReadOnlyList<AlertInfo>? Infos, int ApprovalsRequired, IReadOnlyList<AlertApproval>? Approvals,
    DateTimeOffset? Sent);
