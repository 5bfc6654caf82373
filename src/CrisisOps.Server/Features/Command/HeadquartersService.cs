using CrisisOps.Data;
using CrisisOps.Domain;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Command;
using CrisisOps.Domain.Deadlines;
using CrisisOps.Domain.Incidents;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Regions;
using CrisisOps.Server.Features.Regions;
using CrisisOps.Server.Platform;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Command;

/// <summary>A member department and the person it sends.</summary>
public sealed record MemberDepartment(string Department, string? Person);

/// <summary>What forming a headquarters takes: a template, a commander, perhaps a deputy and named members.</summary>
public sealed record HeadquartersFormation(string Template, string Commander, string? Deputy, IReadOnlyList<MemberDepartment> Members);

/// <summary>A unit as a commander adds it.</summary>
public sealed record NewUnit(string Name, UnitKind Kind, string? Department, string? RegionCode, string? SiteCode, string? Organisation,
    IReadOnlyList<string> Members);

/// <summary>
/// Forms headquarters and changes their units. Forming is one action: the headquarters, a team for each
/// member department (its named person plus the department's liaisons over the incident's region), the
/// formation duty met, all journaled in one save.
/// </summary>
/// <remarks>Methods take the caller's access rather than a request, so console pages call them as the API does.</remarks>
public sealed class HeadquartersService(CrisisOpsDbContext db, HqTemplateCatalog catalog, OrderDesk desk, RegionDirectory directory,
    TimeProvider clock, CrisisOpsMetrics metrics)
{
    /// <exception cref="ProblemException">404; 403; 422 unknown-template, template-not-for-incident, unknown-user; 409 headquarters-exists, incident-closed.</exception>
    public async Task<(Headquarters Hq, List<CommandUnit> Units)> FormAsync(CallerAccess access, Guid incidentId, HeadquartersFormation formation,
        CancellationToken ct)
    {
        var incident = await db.Incidents.AsNoTracking().SingleOrDefaultAsync(i => i.Id == incidentId, ct)
            ?? throw ProblemException.NotFound($"Incident '{incidentId}'");
        Require(access, incident.RegionPath, incident.RegionCode);
        var template = catalog.Find(formation.Template)
            ?? throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "unknown-template", "Unknown template",
                $"There is no headquarters template '{formation.Template}'. Known: {string.Join(", ", catalog.Templates.Select(t => t.Code))}.");
        if (!template.AppliesTo(incident.Type) && incident.Type != IncidentType.Other)
        {
            throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "template-not-for-incident", "Template for other incidents",
                $"Template '{template.Code}' is for {string.Join(", ", template.IncidentTypes)}, not {incident.Type}.");
        }

        if (incident.Status == IncidentStatus.Closed)
        {
            throw DomainException.Conflict("incident-closed", "A closed incident gets no headquarters.");
        }

        if (await db.Headquarters.AnyAsync(h => h.IncidentId == incidentId, ct))
        {
            throw new ProblemException(StatusCodes.Status409Conflict, "headquarters-exists", "Already formed",
                "This incident has its headquarters; change its units instead.");
        }

        var people = new[] { formation.Commander, formation.Deputy }.Concat(formation.Members.Select(m => m.Person)).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        await RequireUsersAsync(people, ct);

        var now = clock.GetUtcNow();
        var hq = new Headquarters(Guid.CreateVersion7(now), incident.Id, template, formation.Commander, formation.Deputy, incident.RegionCode,
            incident.RegionPath, incident.IsExercise, now, access.Name);
        db.Headquarters.Add(hq);

        // The liaisons of each department who cover the incident's region act for its team from the start.
        var liaisons = (await (from g in db.RoleGrants.AsNoTracking()
                               join u in db.Users.AsNoTracking() on g.UserId equals u.Id
                               where g.Role == Role.DepartmentLiaison && g.Department != null && !u.IsDisabled
                               select new { g.Department, g.RegionPath, u.UserName }).ToListAsync(ct))
            .Where(l => RegionPath.Covers(l.RegionPath, incident.RegionPath)).ToList();

        var departments = template.Departments.Concat(formation.Members.Select(m => m.Department)).Distinct(StringComparer.Ordinal);
        var units = new List<CommandUnit>();
        foreach (var code in departments)
        {
            var department = Departments.Find(code)!;
            var unit = new CommandUnit(Guid.CreateVersion7(now), hq.Id, incident.Id, department.NameZh, UnitKind.DepartmentTeam, code, null, null, null,
                now, access.Name);
            foreach (var person in formation.Members.Where(m => m.Department == code).Select(m => m.Person).OfType<string>()
                .Concat(liaisons.Where(l => l.Department == code).Select(l => l.UserName)))
            {
                unit.AddMember(person, now, access.Name);
            }

            db.CommandUnits.Add(unit);
            units.Add(unit);
        }

        db.Append(new JournalRecord(now, access.Name, JournalTypes.HeadquartersFormed, incident.RegionCode, incident.RegionPath, incident.Id,
            new { headquartersId = hq.Id, template = template.Code, hq.Commander, hq.Deputy, units = units.Count },
            incident.IsExercise));
        foreach (var unit in units)
        {
            db.Append(OrderDesk.UnitCreated(hq, unit, now, access.Name));
        }

        var duty = await db.Deadlines.SingleOrDefaultAsync(d => d.IncidentId == incident.Id && d.Kind == DeadlineKind.HeadquartersFormation
            && d.Status == DeadlineStatus.Open, ct);
        if (duty is not null)
        {
            duty.Meet(now);
            db.Append(new JournalRecord(now, access.Name, JournalTypes.DeadlineMet, duty.OriginRegionCode, duty.OriginRegionPath, incident.Id,
                new { deadlineId = duty.Id, kind = duty.Kind, timeTakenSeconds = (long)duty.TimeTaken!.Value.TotalSeconds, late = duty.WasMetLate,
                    escalationLevel = duty.EscalationLevel },
                incident.IsExercise));
            metrics.DeadlineMet(duty);
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Two commanders formed it at once; the unique index kept one.
            if (await HasHeadquartersAsync(incident.Id))
            {
                throw new ProblemException(StatusCodes.Status409Conflict, "headquarters-exists", "Already formed",
                    "This incident's headquarters was formed a moment ago by someone else.");
            }

            throw;
        }

        return (hq, units);
    }

    /// <exception cref="ProblemException">404; 403; 422 unknown-user, unknown-organisation, unknown-region, unknown-site, place-outside-incident.</exception>
    /// <exception cref="DomainException">invalid-unit.</exception>
    public async Task<CommandUnit> AddUnitAsync(CallerAccess access, Guid headquartersId, NewUnit request, CancellationToken ct)
    {
        var hq = await LoadAsync(headquartersId, ct);
        Require(access, hq.RegionPath, hq.RegionCode);
        await RequireUsersAsync(request.Members, ct);
        var now = clock.GetUtcNow();
        CommandUnit unit;
        if (request.Kind == UnitKind.Partner)
        {
            var org = await db.Organisations.AsNoTracking().SingleOrDefaultAsync(o => o.Code == request.Organisation, ct)
                ?? throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "unknown-organisation", "Unknown organisation",
                    $"There is no organisation '{request.Organisation}'.");
            unit = await desk.PartnerUnitAsync(db, hq, org, now, access.Name, ct);
            if (db.Entry(unit).State != EntityState.Added)
            {
                throw new ProblemException(StatusCodes.Status409Conflict, "unit-exists", "Already a unit",
                    $"Organisation '{org.Code}' already has its unit in this headquarters.");
            }
        }
        else
        {
            if (request.RegionCode is not null || request.SiteCode is not null)
            {
                await CheckPlaceAsync(hq, request.RegionCode, request.SiteCode, ct);
            }

            unit = new CommandUnit(Guid.CreateVersion7(now), hq.Id, hq.IncidentId, request.Name, request.Kind, request.Department, request.RegionCode,
                request.SiteCode, null, now, access.Name);
            db.CommandUnits.Add(unit);
        }

        foreach (var member in request.Members)
        {
            unit.AddMember(member, now, access.Name);
        }

        if (unit.Kind != UnitKind.Partner)
        {
            db.Append(OrderDesk.UnitCreated(hq, unit, now, access.Name));
        }
        else if (request.Members.Count > 0)
        {
            db.Append(new JournalRecord(now, access.Name, JournalTypes.UnitMemberAdded, hq.RegionCode, hq.RegionPath, hq.IncidentId,
                new { unitId = unit.Id, members = request.Members }, hq.IsExercise));
        }

        await db.SaveChangesAsync(ct);
        return unit;
    }

    /// <exception cref="ProblemException">404; 403; 422 unknown-user.</exception>
    public async Task<CommandUnit> AddMemberAsync(CallerAccess access, Guid headquartersId, Guid unitId, string userName, CancellationToken ct)
    {
        var (hq, unit) = await LoadUnitAsync(access, headquartersId, unitId, ct);
        await RequireUsersAsync([userName], ct);
        var now = clock.GetUtcNow();
        if (unit.AddMember(userName, now, access.Name))
        {
            db.Append(new JournalRecord(now, access.Name, JournalTypes.UnitMemberAdded, hq.RegionCode, hq.RegionPath, hq.IncidentId,
                new { unitId = unit.Id, unit = unit.Name, member = userName }, hq.IsExercise));
            await db.SaveChangesAsync(ct);
        }

        return unit;
    }

    /// <exception cref="ProblemException">404; 403.</exception>
    /// <exception cref="DomainException">not-a-member (409).</exception>
    public async Task<CommandUnit> RemoveMemberAsync(CallerAccess access, Guid headquartersId, Guid unitId, string userName, CancellationToken ct)
    {
        var (hq, unit) = await LoadUnitAsync(access, headquartersId, unitId, ct);
        var now = clock.GetUtcNow();
        unit.RemoveMember(userName);
        db.Append(new JournalRecord(now, access.Name, JournalTypes.UnitMemberRemoved, hq.RegionCode, hq.RegionPath, hq.IncidentId,
            new { unitId = unit.Id, unit = unit.Name, member = userName }, hq.IsExercise));
        await db.SaveChangesAsync(ct);
        return unit;
    }

    /// <exception cref="ProblemException">403 outside-jurisdiction.</exception>
    private static void Require(CallerAccess access, string regionPath, string regionCode)
    {
        if (!access.Can(Permission.FormHeadquarters, regionPath))
        {
            throw ProblemException.Forbidden($"Your roles do not allow '{Permission.FormHeadquarters}' in region '{regionCode}'.");
        }
    }

    private async Task<(Headquarters, CommandUnit)> LoadUnitAsync(CallerAccess access, Guid headquartersId, Guid unitId, CancellationToken ct)
    {
        var hq = await LoadAsync(headquartersId, ct);
        Require(access, hq.RegionPath, hq.RegionCode);
        var unit = await db.CommandUnits.Include(u => u.Members).SingleOrDefaultAsync(u => u.Id == unitId && u.HeadquartersId == hq.Id, ct)
            ?? throw ProblemException.NotFound($"Unit '{unitId}' of this headquarters");
        return (hq, unit);
    }

    private async Task<Headquarters> LoadAsync(Guid id, CancellationToken ct) =>
        await db.Headquarters.SingleOrDefaultAsync(h => h.Id == id, ct) ?? throw ProblemException.NotFound($"Headquarters '{id}'");

    private async Task<bool> HasHeadquartersAsync(Guid incidentId)
    {
        db.ChangeTracker.Clear();
        return await db.Headquarters.AnyAsync(h => h.IncidentId == incidentId);
    }

    private async Task RequireUsersAsync(IReadOnlyCollection<string> names, CancellationToken ct)
    {
        if (names.Count == 0)
        {
            return;
        }

        var known = await db.Users.AsNoTracking().Where(u => names.Contains(u.UserName) && !u.IsDisabled).Select(u => u.UserName).ToListAsync(ct);
        var missing = names.Except(known, StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "unknown-user", "Unknown user",
                $"No active user named {string.Join(", ", missing.Select(m => $"'{m}'"))}.");
        }
    }

    private async Task CheckPlaceAsync(Headquarters hq, string? regionCode, string? siteCode, CancellationToken ct)
    {
        if (regionCode is not null)
        {
            var region = (await directory.GetAsync(ct)).Find(regionCode)
                ?? throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "unknown-region", "Unknown region", $"There is no region '{regionCode}'.");
            if (!RegionPath.Covers(hq.RegionPath, region.Path))
            {
                throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "place-outside-incident", "Place elsewhere",
                    $"Region '{regionCode}' lies outside the incident's region '{hq.RegionCode}'.");
            }
        }

        if (siteCode is not null)
        {
            var site = await db.Sites.AsNoTracking().SingleOrDefaultAsync(s => s.Code == siteCode, ct)
                ?? throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "unknown-site", "Unknown site", $"There is no site '{siteCode}'.");
            if (!RegionPath.Covers(hq.RegionPath, site.RegionPath))
            {
                throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "place-outside-incident", "Place elsewhere",
                    $"Site '{siteCode}' lies outside the incident's region '{hq.RegionCode}'.");
            }
        }
    }
}
