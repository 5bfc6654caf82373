using System.Text.Json;
using CrisisOps.Data;
using CrisisOps.Domain;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Command;
using CrisisOps.Domain.Deadlines;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Regions;
using CrisisOps.Server.Features.Regions;
using CrisisOps.Server.Platform;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Command;

/// <summary>A step a unit takes on its order.</summary>
public enum OrderStep
{
    Acknowledge = 1,
    Start,
    Done,
    CannotDo,
}

/// <summary>
/// Where orders are given and carried out. Issuing adds to the caller's unit of work without saving, so
/// agreement activation and accepted proposals issue their orders inside their own transactions.
/// </summary>
public sealed class OrderDesk(CommandSettings settings, RegionDirectory directory, TimeProvider clock, CrisisOpsMetrics metrics)
{
    /// <summary>
    /// Validates an order and adds it, its acknowledgement and completion deadlines and its journal entry to
    /// <paramref name="db"/>, WITHOUT saving.
    /// </summary>
    /// <exception cref="ProblemException">404 unknown headquarters or unit; 403 without IssueOrders at the incident's region;
    /// 422 unit-not-in-headquarters, unknown-region, unknown-site, place-outside-incident.</exception>
    /// <exception cref="DomainException">invalid-order.</exception>
    public async Task<Order> IssueAsync(CrisisOpsDbContext db, CallerAccess issuer, Guid headquartersId, Guid unitId, NewOrder order,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentNullException.ThrowIfNull(order);
        var hq = await db.Headquarters.SingleOrDefaultAsync(h => h.Id == headquartersId, ct)
            ?? throw ProblemException.NotFound($"Headquarters '{headquartersId}'");
        if (!issuer.Can(Permission.IssueOrders, hq.RegionPath))
        {
            throw ProblemException.Forbidden($"Your roles do not allow issuing orders in region '{hq.RegionCode}'.");
        }

        var unit = db.CommandUnits.Local.SingleOrDefault(u => u.Id == unitId)
            ?? await db.CommandUnits.SingleOrDefaultAsync(u => u.Id == unitId, ct)
            ?? throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "unknown-unit", "Unknown unit", $"There is no unit '{unitId}'.");
        if (unit.HeadquartersId != hq.Id)
        {
            throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "unit-not-in-headquarters", "Unit of another headquarters",
                $"Unit '{unit.Name}' belongs to the headquarters of another incident; orders go to this headquarters' own units.");
        }

        await CheckPlaceAsync(db, hq, order.Where, ct);

        var now = clock.GetUtcNow();
        var ackWithin = order.AcknowledgeWithin ?? settings.AcknowledgeWithin(order.Priority);
        var issued = new Order(Guid.CreateVersion7(now), hq, unit, order, ackWithin, now, issuer.Name);
        db.Orders.Add(issued);
        db.Append(new JournalRecord(now, issuer.Name, JournalTypes.OrderIssued, hq.RegionCode, hq.RegionPath, hq.IncidentId,
            new
            {
                orderId = issued.Id,
                headquartersId = hq.Id,
                unitId = unit.Id,
                unit = unit.Name,
                issued.What,
                issued.Priority,
                issued.DueBy,
                issued.AcknowledgeBy,
                source = order.Source is { } s ? new { s.Type, s.Id } : null,
            },
            hq.IsExercise));

        var owner = OwnerRole(unit.Kind);
        var subject = new DeadlineSubject("order", issued.Id, hq.IncidentId, hq.IsExercise);
        var ack = Deadline.Start(Guid.CreateVersion7(now), DeadlinePolicies.OrderAcknowledgement(ackWithin, owner), subject, hq.RegionPath, now);
        var done = Deadline.Start(Guid.CreateVersion7(now), DeadlinePolicies.OrderCompletion(issued.DueBy - now, owner), subject, hq.RegionPath, now);
        foreach (var deadline in new[] { ack, done })
        {
            db.Deadlines.Add(deadline);
            db.Append(new JournalRecord(now, "system", JournalTypes.DeadlineCreated, hq.RegionCode, hq.RegionPath, hq.IncidentId,
                new { deadlineId = deadline.Id, kind = deadline.Kind, deadline.DueAt, owner = owner.Name(), region = hq.RegionCode, orderId = issued.Id },
                hq.IsExercise));
        }

        return issued;
    }

    /// <summary>Finds, or adds unsaved, the unit of <paramref name="hq"/> that stands for a partner organisation.</summary>
    public async Task<CommandUnit> PartnerUnitAsync(CrisisOpsDbContext db, Headquarters hq, Organisation org, DateTimeOffset now, string actor,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(hq);
        ArgumentNullException.ThrowIfNull(org);
        var existing = db.CommandUnits.Local.FirstOrDefault(u => u.HeadquartersId == hq.Id && u.Kind == UnitKind.Partner && u.Organisation == org.Code)
            ?? await db.CommandUnits.FirstOrDefaultAsync(u => u.HeadquartersId == hq.Id && u.Kind == UnitKind.Partner && u.Organisation == org.Code, ct);
        if (existing is not null)
        {
            return existing;
        }

        var name = org.Name.Length > CommandUnit.MaxNameLength ? org.Name[..CommandUnit.MaxNameLength] : org.Name;
        var unit = new CommandUnit(Guid.CreateVersion7(now), hq.Id, hq.IncidentId, name, UnitKind.Partner, null, org.RegionCode, null, org.Code,
            now, actor);
        db.CommandUnits.Add(unit);
        db.Append(UnitCreated(hq, unit, now, actor));
        return unit;
    }

    /// <summary>
    /// Whether the caller acts for the unit: they hold <see cref="Permission.ActOnOrders"/> and are named in it, or
    /// are a liaison of its department over the incident's region, or a member of its partner organisation.
    /// </summary>
    public static bool ActsFor(CallerAccess access, CommandUnit unit, string incidentRegionPath)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(unit);
        return access.Grants.Any(g => g.Allows(Permission.ActOnOrders) && (
            unit.IsNamedMember(access.Name)
            || (unit.Kind == UnitKind.DepartmentTeam && g.Role == Role.DepartmentLiaison && g.Department == unit.Department
                && RegionPath.Covers(g.RegionPath, incidentRegionPath))
            || (unit.Kind == UnitKind.Partner && g.Role == Role.PartnerMember && g.Organisation == unit.Organisation)));
    }

    /// <summary>Whether the caller may read the order: ReadOrders over its region, or acting for its unit.</summary>
    public static bool MayRead(CallerAccess access, Order order, CommandUnit unit)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(order);
        return access.Can(Permission.ReadOrders, order.RegionPath) || ActsFor(access, unit, order.RegionPath);
    }

    /// <summary>Loads the order and its unit, and refuses anyone who does not act for the unit.</summary>
    /// <exception cref="ProblemException">404; 403 not-your-order.</exception>
    public static async Task<(Order Order, CommandUnit Unit)> LoadForActorAsync(CrisisOpsDbContext db, CallerAccess access, Guid orderId,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var order = await db.Orders.SingleOrDefaultAsync(o => o.Id == orderId, ct) ?? throw ProblemException.NotFound($"Order '{orderId}'");
        var unit = await db.CommandUnits.Include(u => u.Members).SingleAsync(u => u.Id == order.UnitId, ct);
        if (!ActsFor(access, unit, order.RegionPath))
        {
            // Someone who may read it learns that it is not theirs; anyone else learns nothing more.
            throw new ProblemException(StatusCodes.Status403Forbidden, "not-your-order", "Not your order",
                $"Only people acting for unit '{unit.Name}' may act on this order.");
        }

        return (order, unit);
    }

    /// <summary>Takes one step on an order for its unit, meeting or cancelling its deadlines, and saves.</summary>
    /// <exception cref="ProblemException">404; 403 not-your-order.</exception>
    /// <exception cref="DomainException">order-wrong-step (409), reason-required (422).</exception>
    public async Task<Order> StepAsync(CrisisOpsDbContext db, CallerAccess access, Guid orderId, OrderStep step, string? reason, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(access);
        var (order, unit) = await LoadForActorAsync(db, access, orderId, ct);
        var now = clock.GetUtcNow();
        string type;
        switch (step)
        {
            case OrderStep.Acknowledge:
                order.Acknowledge(now, access.Name);
                type = JournalTypes.OrderAcknowledged;
                await MeetAsync(db, order, DeadlineKind.OrderAcknowledgement, now, access.Name, ct);
                break;
            case OrderStep.Start:
                order.Start(now, access.Name);
                type = JournalTypes.OrderStarted;
                break;
            case OrderStep.Done:
                order.Finish(now, access.Name);
                type = JournalTypes.OrderDone;
                await MeetAsync(db, order, DeadlineKind.OrderCompletion, now, access.Name, ct);
                break;
            case OrderStep.CannotDo:
                order.CannotDo(reason, now, access.Name);
                type = JournalTypes.OrderCannotDo;
                await CancelOpenAsync(db, order, now, access.Name, ct);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(step));
        }

        db.Append(new JournalRecord(now, access.Name, type, order.RegionCode, order.RegionPath, order.IncidentId,
            new { orderId = order.Id, unitId = unit.Id, unit = unit.Name, status = order.Status, reason = order.CannotDoReason },
            order.IsExercise));
        await db.SaveChangesAsync(ct);
        return order;
    }

    /// <summary>
    /// A progress report by someone acting for the order's unit: text, figures (a JSON object name → number) and up to five
    /// photos (JPEG, PNG or WebP by their bytes, 5 MB each). It starts an acknowledged order. Saves.
    /// </summary>
    /// <exception cref="ProblemException">400 validation-failed; 413 photo-too-large; 415 unsupported-photo-type.</exception>
    /// <exception cref="DomainException">order-wrong-step (409) on an order not yet acknowledged or closed.</exception>
    public async Task<OrderReport> ReportAsync(CrisisOpsDbContext db, CallerAccess access, Order order, CommandUnit unit, string? text,
        string? figuresJson, IReadOnlyList<IncomingPhoto> files, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(unit);
        ArgumentNullException.ThrowIfNull(files);
        var errors = new FieldErrors();
        text ??= "";
        errors.Check(text.Length <= OrderReport.MaxTextLength, "text", $"At most {OrderReport.MaxTextLength} characters.");
        var figures = ReadFigures(figuresJson, errors);
        errors.Check(files.Count <= OrderReport.MaxPhotos, "photos", $"At most {OrderReport.MaxPhotos} photos.");
        errors.Check(!string.IsNullOrWhiteSpace(text) || figures.Count > 0 || files.Count > 0, "text", "A report says something: text, figures or photos.");
        errors.ThrowIfAny();

        var photos = await PhotoUpload.ReadAllAsync(files, ct);

        var now = clock.GetUtcNow();
        var started = order.Report(now, access.Name);
        var report = new OrderReport(Guid.CreateVersion7(now), order.Id, text, figures, now, access.Name);
        foreach (var (format, bytes) in photos)
        {
            report.AddPhoto(Guid.CreateVersion7(now), format, bytes);
        }

        db.OrderReports.Add(report);
        if (started)
        {
            db.Append(new JournalRecord(now, access.Name, JournalTypes.OrderStarted, order.RegionCode, order.RegionPath, order.IncidentId,
                new { orderId = order.Id, unitId = unit.Id, unit = unit.Name, status = order.Status, by = "report" }, order.IsExercise));
        }

        db.Append(new JournalRecord(now, access.Name, JournalTypes.OrderReported, order.RegionCode, order.RegionPath, order.IncidentId,
            new
            {
                orderId = order.Id,
                reportId = report.Id,
                unitId = unit.Id,
                figures,
                photos = report.Photos.Select(p => new { p.Id, p.ContentType, p.Size, p.Sha256 }).ToArray(),
            },
            order.IsExercise));
        await db.SaveChangesAsync(ct);
        return report;
    }

    private static Dictionary<string, decimal> ReadFigures(string? json, FieldErrors errors)
    {
        var figures = new Dictionary<string, decimal>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(json))
        {
            return figures;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                errors.Add("figures", "A JSON object of name → number, e.g. {\"evacuated\": 120}.");
                return figures;
            }

            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetDecimal(out var value)
                    || string.IsNullOrWhiteSpace(property.Name) || property.Name.Length > 50)
                {
                    errors.Add($"figures.{property.Name}", "A number, named in 1–50 characters.");
                    continue;
                }

                if (!figures.TryAdd(property.Name, value))
                {
                    errors.Add($"figures.{property.Name}", "Named twice.");
                }
            }

            errors.Check(figures.Count <= OrderReport.MaxFigures, "figures", $"At most {OrderReport.MaxFigures} figures.");
        }
        catch (JsonException)
        {
            errors.Add("figures", "Not JSON: send an object of name → number, e.g. {\"evacuated\": 120}.");
        }

        return figures;
    }

    /// <summary>Meets the order's open deadline of this kind (acknowledged → the acknowledgement duty is done).</summary>
    public async Task MeetAsync(CrisisOpsDbContext db, Order order, DeadlineKind kind, DateTimeOffset now, string actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(order);
        var duty = await db.Deadlines.SingleOrDefaultAsync(d => d.SubjectType == "order" && d.SubjectId == order.Id && d.Kind == kind
            && d.Status == DeadlineStatus.Open, ct);
        if (duty is null)
        {
            return;
        }

        duty.Meet(now);
        db.Append(new JournalRecord(now, actor, JournalTypes.DeadlineMet, duty.OriginRegionCode, duty.OriginRegionPath, order.IncidentId,
            new { deadlineId = duty.Id, kind = duty.Kind, timeTakenSeconds = (long)duty.TimeTaken!.Value.TotalSeconds, late = duty.WasMetLate, orderId = order.Id },
            order.IsExercise));
        metrics.DeadlineMet(duty);
    }

    private static async Task CancelOpenAsync(CrisisOpsDbContext db, Order order, DateTimeOffset now, string actor, CancellationToken ct)
    {
        var open = await db.Deadlines.Where(d => d.SubjectType == "order" && d.SubjectId == order.Id && d.Status == DeadlineStatus.Open).ToListAsync(ct);
        foreach (var duty in open)
        {
            duty.Cancel(now);
            db.Append(new JournalRecord(now, actor, JournalTypes.DeadlineCancelled, duty.OriginRegionCode, duty.OriginRegionPath, order.IncidentId,
                new { deadlineId = duty.Id, kind = duty.Kind, reason = "order cannot be done", orderId = order.Id }, order.IsExercise));
        }
    }

    /// <summary>The journal entry of a new unit.</summary>
    public static JournalRecord UnitCreated(Headquarters hq, CommandUnit unit, DateTimeOffset now, string actor)
    {
        ArgumentNullException.ThrowIfNull(hq);
        ArgumentNullException.ThrowIfNull(unit);
        return new JournalRecord(now, actor, JournalTypes.UnitCreated, hq.RegionCode, hq.RegionPath, hq.IncidentId,
            new
            {
                headquartersId = hq.Id,
                unitId = unit.Id,
                unit.Name,
                kind = unit.Kind,
                unit.Department,
                unit.Organisation,
                unit.RegionCode,
                unit.SiteCode,
                members = unit.Members.Select(m => m.UserName).ToArray(),
            },
            hq.IsExercise);
    }

    /// <summary>Who owes the acknowledgement, as the deadline board shows it.</summary>
    private static Role OwnerRole(UnitKind kind) => kind switch
    {
        UnitKind.DepartmentTeam => Role.DepartmentLiaison,
        UnitKind.CommunityOfficer => Role.CommunityOfficer,
        UnitKind.Partner => Role.PartnerMember,
        _ => Role.TeamLeader,
    };

    private async Task CheckPlaceAsync(CrisisOpsDbContext db, Headquarters hq, OrderPlace where, CancellationToken ct)
    {
        if (where.RegionCode is not null)
        {
            var region = (await directory.GetAsync(ct)).Find(where.RegionCode)
                ?? throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "unknown-region", "Unknown region",
                    $"There is no region '{where.RegionCode}'.");
            if (!RegionPath.Covers(hq.RegionPath, region.Path))
            {
                throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "place-outside-incident", "Place elsewhere",
                    $"Region '{region.Code}' lies outside the incident's region '{hq.RegionCode}'.");
            }
        }

        if (where.SiteCode is not null)
        {
            var site = await db.Sites.AsNoTracking().SingleOrDefaultAsync(s => s.Code == where.SiteCode, ct)
                ?? throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "unknown-site", "Unknown site",
                    $"There is no site '{where.SiteCode}'.");
            if (!RegionPath.Covers(hq.RegionPath, site.RegionPath))
            {
                throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "place-outside-incident", "Place elsewhere",
                    $"Site '{site.Code}' lies outside the incident's region '{hq.RegionCode}'.");
            }
        }
    }
}
