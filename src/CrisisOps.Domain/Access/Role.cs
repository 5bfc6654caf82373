namespace CrisisOps.Domain.Access;

/// <summary>What a person does in CrisisOps. A role is always held at a region and covers its subtree.</summary>
public enum Role
{
    Admin = 1,
    Commander = 2,
    DutyOfficer = 3,
    Analyst = 4,
    DepartmentLiaison = 5,
    TeamLeader = 6,
    CommunityOfficer = 7,
    PartnerMember = 8,
    Reviewer = 9,

    /// <summary>物资保障: keeps warehouses, stock, teams and equipment records, and the agreements with suppliers.</summary>
    LogisticsOfficer = 10,

    /// <summary>信息发布: writes public releases and alerts, keeps the hotline's answer base.</summary>
    InformationOfficer = 11,

    /// <summary>24小时热线: takes calls and web questions as tickets and answers them.</summary>
    HotlineOperator = 12,
}

/// <summary>Things a role may do. The API's policies and every region check ask for one of these.</summary>
public enum Permission
{
    ManageUsers = 1,
    ImportRegions,
    ReadRegions,
    ManageEvents,
    ReportIncident,
    ReadIncidents,
    ChangeIncidentStatus,
    FileIncidentReport,
    ReadDeadlines,
    ReadJournal,
    ManageStations,
    IngestReadings,

    /// <summary>Edit response plans (预案). Plans apply everywhere, so it counts only when held over the whole tree.</summary>
    ManagePlans,

    /// <summary>Confirm, override or escalate the warning tier of a region.</summary>
    DecideTier,

    /// <summary>Mark a plan step done; the step's owner role at its region (or above) is checked on top.</summary>
    CompletePlanSteps,

    /// <summary>Store official CAP warnings (upload); held at a region covering at least one region the alert covers.</summary>
    ImportWarnings,

    /// <summary>Import government records (relief requests, petitions, hazard findings), checked per record's region.</summary>
    ImportRecords,

    /// <summary>Post opinion counts (posts per region and keyword), checked per item's region.</summary>
    IngestOpinion,

    /// <summary>Register partner organisations (enterprises, NGOs, public groups) in a region.</summary>
    ManageOrganisations,

    /// <summary>Form a headquarters (指挥部) for an incident and change its members and units.</summary>
    FormHeadquarters,

    /// <summary>Give orders (指令) from a headquarters to its units and front-line nodes.</summary>
    IssueOrders,

    /// <summary>See headquarters, units and the order board of incidents in the region.</summary>
    ReadOrders,

    /// <summary>Acknowledge, work on, report on and finish orders — only those to units the caller acts for.</summary>
    ActOnOrders,

    /// <summary>See warehouses, stock, teams, experts and equipment.</summary>
    ReadResources,

    /// <summary>Keep the resource pool: warehouses, the item catalogue, teams, experts, equipment.</summary>
    ManageResources,

    /// <summary>Receive, issue, transfer and reserve stock in a warehouse of the region.</summary>
    MoveStock,

    /// <summary>Record and change partner agreements (应急协作协议).</summary>
    ManageAgreements,

    /// <summary>Activate an agreement for an incident: an order to the partner.</summary>
    ActivateAgreements,

    /// <summary>Read people's contact details (experts' telephones); every read is journaled.</summary>
    ReadContacts,

    /// <summary>See the needs board of the region.</summary>
    ReadNeeds,

    /// <summary>Publish a need on the board (HQ staff, community officers) and cancel it.</summary>
    PublishNeeds,

    /// <summary>Claim open needs and mark claims delivered, for the caller's organisation.</summary>
    ClaimNeeds,

    /// <summary>Confirm the quantity received against a delivered claim.</summary>
    ConfirmReceipts,

    /// <summary>Ask for proposals that match a need to the pool and agreements, and accept one.</summary>
    MatchNeeds,

    /// <summary>See citizen profiles (公民应急数字画像) of residents living or working in the region; every read is journaled.</summary>
    ReadProfiles,

    /// <summary>Import, correct and remove citizen profiles of the region (the community's register).</summary>
    ManageProfiles,

    /// <summary>Export the region's profiles in bulk, with a stated reason that is journaled.</summary>
    ExportProfiles,

    /// <summary>Draft public alerts (CAP) for the region, from a tier change or by hand, and submit them for approval.</summary>
    ComposeAlerts,

    /// <summary>Approve the release of an alert for the region (two different people for the Emergency tier).</summary>
    ApproveAlerts,

    /// <summary>See alerts, their deliveries and coverage by segment and channel (counts, no personal data).</summary>
    ReadAlerts,

    /// <summary>Take and confirm door-to-door and sign-language volunteer tasks of a delivery.</summary>
    ConfirmDeliveryTasks,

    /// <summary>Draft public releases (official statements) of an incident.</summary>
    DraftReleases,

    /// <summary>Approve and publish releases, and set an incident's update cadence.</summary>
    ApproveReleases,

    /// <summary>Take, assign, answer and close hotline tickets; read callers' contacts (journaled).</summary>
    HandleHotline,

    /// <summary>Keep the hotline's reusable answer base.</summary>
    ManageAnswers,

    /// <summary>Plan delivery routes (调度方案) for an incident, re-plan them, and issue them as orders.</summary>
    PlanDispatch,

    /// <summary>Close roads and areas to traffic (a flooded underpass, a landslide) and reopen them.</summary>
    CloseRoads,

    /// <summary>Record donations received (goods or money) for the public ledger; the donor appears there only as a pseudonym or organisation.</summary>
    RecordDonations,

    /// <summary>See who a donor pseudonym stands for (name and contact as given); every read is journaled.</summary>
    ReadDonors,

    /// <summary>Record compensation and support payments to people and businesses hurt by a measure (payees pseudonymised in public).</summary>
    RecordCompensation,

    /// <summary>See posts, hot topics (热点诉求), their answers and rumour marks of the region; a post's author pseudonym included.</summary>
    ReadOpinion,

    /// <summary>Link a topic to its public answer (a release or a hotline answer) and mark posts as rumours with their clarification.</summary>
    AnswerOpinion,
}

/// <summary>
/// The one table that says which role may do what. Region scope is applied on top: a permission
/// held at a region applies to that region and everything below it.
/// </summary>
public static class RolePermissions
{
    private static readonly Permission[] Reading =
        [Permission.ReadRegions, Permission.ReadIncidents, Permission.ReadDeadlines, Permission.ReadJournal, Permission.ReadOrders,
            Permission.ReadResources, Permission.ReadNeeds, Permission.ReadAlerts];

    private static readonly Dictionary<Role, HashSet<Permission>> Table = new()
    {
        [Role.Admin] = [.. Enum.GetValues<Permission>()],
        [Role.Commander] = [.. Reading, Permission.ManageEvents, Permission.ReportIncident,
            Permission.ChangeIncidentStatus, Permission.FileIncidentReport, Permission.ManagePlans, Permission.DecideTier,
            Permission.CompletePlanSteps, Permission.ManageOrganisations, Permission.FormHeadquarters, Permission.IssueOrders,
            Permission.ActOnOrders, Permission.ActivateAgreements, Permission.ReadContacts, Permission.PublishNeeds,
            Permission.ConfirmReceipts, Permission.MatchNeeds, Permission.ComposeAlerts, Permission.ApproveAlerts,
            Permission.DraftReleases, Permission.ApproveReleases, Permission.PlanDispatch, Permission.CloseRoads, Permission.RecordDonations,
            Permission.RecordCompensation, Permission.ReadOpinion],
        [Role.DutyOfficer] = [.. Reading, Permission.ManageEvents, Permission.ReportIncident,
            Permission.ChangeIncidentStatus, Permission.FileIncidentReport, Permission.IngestReadings, Permission.DecideTier,
            Permission.CompletePlanSteps, Permission.ImportWarnings, Permission.ImportRecords, Permission.IngestOpinion,
            Permission.FormHeadquarters, Permission.IssueOrders, Permission.ActOnOrders, Permission.ReadContacts, Permission.PublishNeeds,
            Permission.ConfirmReceipts, Permission.MatchNeeds, Permission.ComposeAlerts, Permission.ApproveAlerts,
            Permission.DraftReleases, Permission.HandleHotline, Permission.PlanDispatch, Permission.CloseRoads, Permission.ReadOpinion],
        [Role.Analyst] = [.. Reading, Permission.ReportIncident, Permission.FileIncidentReport,
            Permission.ManageStations, Permission.IngestReadings, Permission.ManagePlans, Permission.CompletePlanSteps,
            Permission.ImportWarnings, Permission.ImportRecords, Permission.IngestOpinion, Permission.ReadOpinion, Permission.AnswerOpinion],
        // Liaisons of the transport department and the traffic police close and reopen roads.
        [Role.DepartmentLiaison] = [.. Reading, Permission.ReportIncident, Permission.FileIncidentReport, Permission.CompletePlanSteps,
            Permission.ActOnOrders, Permission.CloseRoads],
        [Role.TeamLeader] = [.. Reading, Permission.ReportIncident, Permission.FileIncidentReport, Permission.CompletePlanSteps,
            Permission.ActOnOrders, Permission.ConfirmReceipts],
        // Community information officers walk the hazard inspections (隐患排查) of their community and record the findings;
        // they publish their community's needs and confirm what arrives.
        // They keep their community's register of residents (公民应急数字画像) and knock on the doors a message cannot reach.
        [Role.CommunityOfficer] = [.. Reading, Permission.ReportIncident, Permission.FileIncidentReport, Permission.CompletePlanSteps,
            Permission.ImportRecords, Permission.ActOnOrders, Permission.PublishNeeds, Permission.ConfirmReceipts,
            Permission.ReadProfiles, Permission.ManageProfiles, Permission.ExportProfiles, Permission.ConfirmDeliveryTasks],
        // What a partner member may do also depends on the kind of organisation they belong to (OrganisationRoles).
        // Volunteers of NGOs take sign-language and door-to-door tasks.
        [Role.PartnerMember] = [Permission.ReadRegions, Permission.ReportIncident, Permission.ReadNeeds, Permission.ClaimNeeds,
            Permission.ActOnOrders, Permission.ConfirmDeliveryTasks],
        [Role.Reviewer] = [.. Reading],
        [Role.LogisticsOfficer] = [.. Reading, Permission.ReportIncident, Permission.ActOnOrders, Permission.ManageOrganisations,
            Permission.ManageResources, Permission.MoveStock, Permission.ManageAgreements, Permission.ReadContacts, Permission.MatchNeeds,
            Permission.PlanDispatch, Permission.RecordDonations, Permission.ReadDonors],
        // Information officers answer public concerns (每一个关切都有回应): they read opinion and link each hot topic to its answer.
        [Role.InformationOfficer] = [.. Reading, Permission.ComposeAlerts, Permission.DraftReleases, Permission.HandleHotline,
            Permission.ManageAnswers, Permission.ReadOpinion, Permission.AnswerOpinion],
        [Role.HotlineOperator] = [Permission.ReadRegions, Permission.ReadIncidents, Permission.ReadAlerts, Permission.HandleHotline],
    };

    public static bool Grants(this Role role, Permission permission) =>
        Table.TryGetValue(role, out var set) && set.Contains(permission);
}

public static class Roles
{
    /// <summary>Kebab-case name used by the API and CLI, e.g. <c>duty-officer</c>.</summary>
    public static string Name(this Role role) => role switch
    {
        Role.Admin => "admin",
        Role.Commander => "commander",
        Role.DutyOfficer => "duty-officer",
        Role.Analyst => "analyst",
        Role.DepartmentLiaison => "department-liaison",
        Role.TeamLeader => "team-leader",
        Role.CommunityOfficer => "community-officer",
        Role.PartnerMember => "partner-member",
        Role.Reviewer => "reviewer",
        Role.LogisticsOfficer => "logistics-officer",
        Role.InformationOfficer => "information-officer",
        Role.HotlineOperator => "hotline-operator",
        _ => throw new ArgumentOutOfRangeException(nameof(role)),
    };

    public static bool TryParse(string? name, out Role role)
    {
        foreach (var candidate in Enum.GetValues<Role>())
        {
            if (string.Equals(candidate.Name(), name, StringComparison.Ordinal))
            {
                role = candidate;
                return true;
            }
        }

        role = default;
        return false;
    }
}
