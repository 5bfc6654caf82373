using System.Text.Json;
using System.Text.Json.Serialization;

namespace CrisisOps.Domain.Journal;

/// <summary>
/// One state change, appended in the same transaction as the change and never updated or
/// deleted. The live feed, audit trail, review metrics and drill scoring all read these.
/// </summary>
public sealed class JournalEntry
{
    // Enums read as the API writes them (kebab-case words), so the journal reads the same everywhere.
    private static readonly JsonSerializerOptions PayloadOptions = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    private JournalEntry() { }

    public JournalEntry(JournalRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        Time = record.Time;
        Actor = record.Actor;
        RegionCode = record.RegionCode;
        RegionPath = record.RegionPath;
        IncidentId = record.IncidentId;
        Type = record.Type;
        Payload = JsonSerializer.Serialize(record.Payload ?? new { }, PayloadOptions);
        IsExercise = record.IsExercise;
    }

    /// <summary>Position in the journal; increases with every append. The live feed's event id.</summary>
    public long Id { get; private set; }

    public DateTimeOffset Time { get; private set; }

    /// <summary>User name, <c>system</c> for timers, <c>public</c> for anonymous reports.</summary>
    public string Actor { get; private set; } = "";

    /// <summary>Jurisdiction the change belongs to; null for system-wide changes (visible to admins at the root).</summary>
    public string? RegionCode { get; private set; }

    public string? RegionPath { get; private set; }

    public Guid? IncidentId { get; private set; }

    /// <summary>Dotted kind, see <see cref="JournalTypes"/>.</summary>
    public string Type { get; private set; } = "";

    /// <summary>JSON object with the facts of the change.</summary>
    public string Payload { get; private set; } = "{}";

    public bool IsExercise { get; private set; }
}

/// <summary>What to append. <paramref name="Payload"/> is serialised as JSON (web defaults, camelCase).</summary>
public sealed record JournalRecord(
    DateTimeOffset Time,
    string Actor,
    string Type,
    string? RegionCode,
    string? RegionPath,
    Guid? IncidentId,
    object? Payload,
    bool IsExercise = false);

/// <summary>Journal entry types. Stable: scripts, review metrics and drills read them.</summary>
public static class JournalTypes
{
    public const string RegionsImported = "regions.imported";
    public const string UserCreated = "user.created";
    public const string RoleGranted = "user.role-granted";
    public const string RoleRevoked = "user.role-revoked";
    public const string TokenCreated = "user.token-created";
    public const string TokenRevoked = "user.token-revoked";
    public const string EventCreated = "event.created";
    public const string EventClosed = "event.closed";
    public const string IncidentReported = "incident.reported";
    public const string IncidentStatusChanged = "incident.status-changed";
    public const string IncidentReportFiled = "incident.report-filed";
    public const string IncidentFlagged = "incident.flagged";
    public const string DeadlineCreated = "deadline.created";
    public const string DeadlineMet = "deadline.met";
    public const string DeadlineMissed = "deadline.missed";
    public const string DeadlineEscalated = "deadline.escalated";
    public const string DeadlineCancelled = "deadline.cancelled";
    public const string DeadlineExhausted = "deadline.exhausted";
    public const string StationRegistered = "station.registered";
    public const string ReadingsIngested = "readings.ingested";
    public const string RiskTierChanged = "risk.tier-changed";
    public const string ForecastPosted = "forecast.posted";
    public const string RiskTierConfirmed = "risk.tier-confirmed";
    public const string RiskTierOverridden = "risk.tier-overridden";
    public const string RiskOverrideCleared = "risk.override-cleared";
    public const string PlanCreated = "plan.created";
    public const string PlanUpdated = "plan.updated";
    public const string PlanRetired = "plan.retired";
    public const string PlanActivated = "plan.activated";
    public const string PlanClosed = "plan.closed";
    public const string OfficialWarningReceived = "official-warning.received";
    public const string OfficialWarningSuperseded = "official-warning.superseded";
    public const string OfficialWarningCancelled = "official-warning.cancelled";
    public const string WarningFeedFailed = "warning-feed.failed";
    public const string WarningFeedRecovered = "warning-feed.recovered";
    public const string WarningFeedEntryRejected = "warning-feed.entry-rejected";
    public const string RecordsImported = "records.imported";
    public const string OpinionCountsIngested = "opinion.counts-ingested";

    // Public opinion (舆情): posts, hot topics and the answer loop.
    public const string PostsIngested = "opinion.posts-ingested";
    public const string PostsAssigned = "opinion.posts-assigned";
    public const string TopicSpiked = "opinion.topic-spiked";
    public const string TopicAnswered = "opinion.topic-answered";
    public const string TopicEscalated = "opinion.topic-escalated";
    public const string RumourMarked = "opinion.rumour-marked";
    public const string PostsRead = "opinion.posts-read";
    public const string OrganisationRegistered = "organisation.registered";

    // Resources (物资-人力-技术): catalogue, warehouses, stock movements, teams, experts, equipment, agreements.
    public const string ItemCreated = "item.created";
    public const string WarehouseRegistered = "warehouse.registered";
    public const string StockReceived = "stock.received";
    public const string StockIssued = "stock.issued";
    public const string StockTransferred = "stock.transferred";
    public const string StockReserved = "stock.reserved";
    public const string StockReleased = "stock.released";
    public const string StockReservationIssued = "stock.reservation-issued";
    public const string TeamRegistered = "team.registered";
    public const string TeamStatusChanged = "team.status-changed";
    public const string ExpertRegistered = "expert.registered";
    public const string ExpertAvailabilityChanged = "expert.availability-changed";
    public const string ContactRead = "contact.read";
    public const string EquipmentRegistered = "equipment.registered";
    public const string EquipmentStatusChanged = "equipment.status-changed";
    public const string AgreementRecorded = "agreement.recorded";
    // Needs board (应急协作平台): needs, claims, deliveries and receipts.
    public const string NeedPublished = "need.published";
    public const string NeedCancelled = "need.cancelled";
    public const string NeedClosed = "need.closed";
    public const string NeedClaimed = "need.claimed";
    public const string NeedClaimDelivered = "need.claim-delivered";
    public const string NeedReceiptConfirmed = "need.receipt-confirmed";
    public const string NeedClaimWithdrawn = "need.claim-withdrawn";
    public const string NeedClaimExpired = "need.claim-expired";
    // Command (指挥部, units, orders): issue 5, command helper.
    public const string HeadquartersFormed = "headquarters.formed";
    public const string UnitCreated = "unit.created";
    public const string UnitMemberAdded = "unit.member-added";
    public const string UnitMemberRemoved = "unit.member-removed";
    public const string OrderIssued = "order.issued";
    public const string OrderAcknowledged = "order.acknowledged";
    public const string OrderStarted = "order.started";
    public const string OrderReported = "order.reported";
    public const string OrderDone = "order.done";
    public const string OrderCannotDo = "order.cannot-do";
    public const string OrderEscalated = "order.escalated";

    // Dispatch (资源调度): agreement activations and matching proposals that join the pool, the board and the orders.
    public const string AgreementActivated = "agreement.activated";
    public const string ProposalMade = "proposal.made";
    public const string ProposalAccepted = "proposal.accepted";
    public const string NeedAllocated = "need.allocated";

    // Dispatch routing (issue 7): vehicles, road closures, delivery plans and their orders.
    public const string VehicleAdded = "vehicle.added";
    public const string VehicleUpdated = "vehicle.updated";
    public const string RoadClosed = "road.closed";
    public const string RoadReopened = "road.reopened";
    public const string PlanComputed = "dispatch-plan.computed";
    public const string PlanIssued = "dispatch-plan.issued";
    public const string PlanStopServed = "dispatch-plan.stop-served";
    public const string PlanNeedsReplan = "dispatch-plan.needs-replan";
    public const string PlanReplanned = "dispatch-plan.replanned";

    // People (公民应急数字画像): register imports, edits, exports and every read of a full profile. Payloads hold ids and
    // counts, never names, numbers or addresses.
    public const string ResidentsImported = "residents.imported";
    public const string ResidentUpdated = "resident.updated";
    public const string ResidentDeleted = "resident.deleted";
    public const string ResidentsExported = "residents.exported";
    public const string ProfileRead = "profile.read";
    // Alerts out (CAP 1.2, issue 6, alerts helper): composing, submitting, approving, releasing and withdrawing public alerts.
    public const string AlertComposed = "alert.composed";
    public const string AlertSubmitted = "alert.submitted";
    public const string AlertApproved = "alert.approved";
    public const string AlertReleased = "alert.released";
    public const string AlertWithdrawn = "alert.withdrawn";
    // Information (官方发布, 黄金4小时, 24小时热线): issue 6, information helper.
    public const string ReleaseDrafted = "release.drafted";
    public const string ReleasePublished = "release.published";
    public const string ReleaseWithdrawn = "release.withdrawn";
    public const string ReleaseCadenceSet = "release.cadence-set";
    public const string ReleaseOverdue = "release.overdue";
    public const string TicketCreated = "ticket.created";
    public const string TicketAssigned = "ticket.assigned";
    public const string TicketAnswered = "ticket.answered";
    public const string TicketClosed = "ticket.closed";
    public const string TicketOverdue = "ticket.overdue";
    public const string TicketContactRead = "ticket.contact-read";
    public const string AnswerSaved = "answer.saved";
    public const string AnswerDeleted = "answer.deleted";
    // Delivery of alerts (预警信息发布): alert-level events; each message's own states live on its delivery row.
    public const string DeliveryFanOutStarted = "delivery.fanout-started";
    public const string DeliveryFanOutCompleted = "delivery.fanout-completed";
    public const string DeliveryEscalated = "delivery.escalated";
    public const string DeliveryTaskTaken = "delivery.task-taken";
    public const string DeliveryTaskConfirmed = "delivery.task-confirmed";
    public const string DeliveryTaskAddressRead = "delivery.task-address-read";
    public const string DeliveryReceiptsRecorded = "delivery.receipts-recorded";
    public const string DeliveryBatchSent = "delivery.batch-sent";

    // Sunshine ledger (阳光台账, issue 8): a batch of entries integrated and its checkpoint signed (size, root).
    public const string LedgerCheckpoint = "ledger.checkpoint";

    // Sunshine ledger sources (issue 8): the journal names pseudonyms, never donors' or payees' names.
    public const string LedgerDonationRecorded = "ledger.donation-recorded";
    public const string LedgerDonorRead = "ledger.donor-read";
    public const string LedgerCompensationRecorded = "ledger.compensation-recorded";
}
