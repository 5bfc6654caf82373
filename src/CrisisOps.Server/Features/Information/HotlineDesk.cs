using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Deadlines;
using CrisisOps.Domain.Information;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Regions;
using CrisisOps.Server.Features.Deadlines;
using CrisisOps.Server.Features.Regions;
using CrisisOps.Server.Platform;
using CrisisOps.Server.Platform.Auth;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Information;

/// <summary>A ticket as taken: from an operator's call or the public form.</summary>
public sealed record NewTicket(TicketSource Source, string? CallerName, string? CallerPhone, string? Topic, string? Urgency, string? RegionCode,
    double? Latitude, double? Longitude, string? Text);

/// <summary>
/// The 24-hour hotline (24小时热线): tickets taken, assigned, answered (free text or from the answer base) and closed,
/// each with its service-level deadline (<see cref="DeadlineKind.HotlineTicket"/>), met by the answer. Each call saves.
/// </summary>
public sealed class HotlineDesk(InformationCatalog catalog, InformationSettings settings, RegionDirectory directory, TimeProvider clock)
{
    /// <summary>
    /// Takes a ticket. An operator's ticket must lie in their jurisdiction; a web ticket is anonymous (whoever sent it
    /// gets the number back and nothing else).
    /// </summary>
    /// <exception cref="ProblemException">400 validation-failed; 422 unknown-region / outside-all-regions; 403 outside the operator's jurisdiction.</exception>
    public async Task<HotlineTicket> TakeAsync(CrisisOpsDbContext db, NewTicket input, CallerAccess? operatorAccess, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(input);
        var errors = new FieldErrors();
        errors.Check(catalog.IsTopic(input.Topic), "topic", "One of: " + string.Join(", ", catalog.Topics.Select(t => t.Code)) + ".");
        var urgency = TicketUrgency.Normal;
        errors.Check(input.Urgency is null || ApiWords.TryParse(input.Urgency, out urgency), "urgency", "normal or urgent.");
        errors.Check(!string.IsNullOrWhiteSpace(input.Text) && input.Text.Length <= TicketQuestion.MaxTextLength, "text",
            $"Required, at most {TicketQuestion.MaxTextLength} characters.");
        errors.Check(input.CallerName is null || input.CallerName.Length <= TicketCaller.MaxNameLength, "callerName",
            $"At most {TicketCaller.MaxNameLength} characters.");
        errors.Check(input.CallerPhone is null || (input.CallerPhone.Length <= TicketCaller.MaxPhoneLength
            && input.CallerPhone.All(c => char.IsAsciiDigit(c) || c is '+' or '-' or ' ' or '(' or ')')), "callerPhone",
            "Digits, spaces and + - ( ), at most 32 characters.");
        var hasPoint = input.Latitude is not null || input.Longitude is not null;
        errors.Check(!hasPoint || input.Latitude is >= -90 and <= 90 && input.Longitude is >= -180 and <= 180, "location",
            "Latitude −90…90 and longitude −180…180, both.");
        errors.Check(input.RegionCode is not null || hasPoint, "regionCode", "Give a region code or a point.");
        errors.ThrowIfAny();

        var snapshot = await directory.GetAsync(ct);
        GeoPoint? point = hasPoint ? new GeoPoint(input.Latitude!.Value, input.Longitude!.Value) : null;
        var region = point is { } p
            ? snapshot.Locate(p) ?? throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "outside-all-regions", "No region there",
                "The location lies outside every region with a boundary.")
            : snapshot.Find(input.RegionCode) ?? throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "unknown-region", "Unknown region",
                $"There is no region '{input.RegionCode}'.");
        if (operatorAccess is not null && !operatorAccess.Can(Permission.HandleHotline, region.Path))
        {
            throw ProblemException.Forbidden($"Your roles do not allow 'HandleHotline' in region '{region.Code}'.");
        }

        var now = clock.GetUtcNow();
        var actor = operatorAccess?.Name ?? "web";
        var number = string.Create(CultureInfo.InvariantCulture, $"H-{now:yyyyMMdd}-{RandomNumberGenerator.GetInt32(0, 1_000_000):D6}");
        var ticket = new HotlineTicket(Guid.CreateVersion7(now), number, input.Source, new TicketCaller(input.CallerName, input.CallerPhone),
            new TicketQuestion(input.Topic!, urgency, input.Text!), region.Code, region.Path, point, now, actor);
        db.HotlineTickets.Add(ticket);

        // The journal keeps what was asked about and where, never who called or their number.
        db.Append(new JournalRecord(now, actor, JournalTypes.TicketCreated, region.Code, region.Path, null,
            new { ticketId = ticket.Id, ticket.Number, source = ticket.Source, ticket.Topic, urgency = ticket.Urgency }, false));
        var deadline = Deadline.Start(Guid.CreateVersion7(now), DeadlinePolicies.HotlineTicket(settings.AnswerWithin(urgency)),
            new DeadlineSubject("hotline-ticket", ticket.Id, null, false), region.Path, now);
        db.Deadlines.Add(deadline);
        db.Append(new JournalRecord(now, "system", JournalTypes.DeadlineCreated, region.Code, region.Path, null,
            new { deadlineId = deadline.Id, kind = deadline.Kind, deadline.DueAt, owner = deadline.OwnerRole.Name(), region = region.Code, ticketId = ticket.Id },
            false));
        await db.SaveChangesAsync(ct);
        return ticket;
    }

    /// <exception cref="ProblemException">403, 404, 422 unknown-user.</exception>
    public async Task<HotlineTicket> AssignAsync(CrisisOpsDbContext db, CallerAccessor caller, Guid id, string? to, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(caller);
        var (ticket, access) = await LoadAsync(db, caller, id, ct);
        var assignee = string.IsNullOrWhiteSpace(to) ? access.Name : to.Trim();
        if (!string.Equals(assignee, access.Name, StringComparison.Ordinal) && !await db.Users.AnyAsync(u => u.UserName == assignee, ct))
        {
            throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "unknown-user", "Unknown user", $"There is no user '{assignee}'.");
        }

        ticket.Assign(assignee);
        var now = clock.GetUtcNow();
        db.Append(new JournalRecord(now, access.Name, JournalTypes.TicketAssigned, ticket.RegionCode, ticket.RegionPath, null,
            new { ticketId = ticket.Id, ticket.Number, to = assignee }, false));
        await db.SaveChangesAsync(ct);
        return ticket;
    }

    /// <summary>Answers with free text or an entry of the answer base (whose text is used when none is given); meets the SLA.</summary>
    /// <exception cref="ProblemException">400, 403, 404, 422 unknown-answer.</exception>
    public async Task<HotlineTicket> AnswerAsync(CrisisOpsDbContext db, CallerAccessor caller, Guid id, string? text, Guid? answerId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(caller);
        var (ticket, access) = await LoadAsync(db, caller, id, ct);
        if (answerId is { } aid)
        {
            var entry = await db.HotlineAnswers.AsNoTracking().SingleOrDefaultAsync(a => a.Id == aid, ct);
            if (entry is null || !RegionPath.Covers(entry.RegionPath, ticket.RegionPath))
            {
                throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "unknown-answer", "Unknown answer",
                    $"There is no answer '{aid}' for region '{ticket.RegionCode}'.");
            }

            text = string.IsNullOrWhiteSpace(text) ? entry.Text : text;
        }

        if (string.IsNullOrWhiteSpace(text) || text.Length > TicketQuestion.MaxTextLength)
        {
            new FieldErrors().Add("text", $"Required (or an answerId), at most {TicketQuestion.MaxTextLength} characters.").ThrowIfAny();
        }

        var now = clock.GetUtcNow();
        ticket.AnswerWith(text!, answerId, access.Name, now);
        db.Append(new JournalRecord(now, access.Name, JournalTypes.TicketAnswered, ticket.RegionCode, ticket.RegionPath, null,
            new { ticketId = ticket.Id, ticket.Number, answerId, length = ticket.Answer!.Length }, false));
        var sla = await db.Deadlines.SingleOrDefaultAsync(d => d.SubjectType == "hotline-ticket" && d.SubjectId == ticket.Id
            && d.Status == DeadlineStatus.Open, ct);
        if (sla is not null)
        {
            sla.Meet(now);
            db.Append(new JournalRecord(now, access.Name, JournalTypes.DeadlineMet, sla.OriginRegionCode, sla.OriginRegionPath, null,
                new { deadlineId = sla.Id, kind = sla.Kind, timeTakenSeconds = (long)sla.TimeTaken!.Value.TotalSeconds, late = sla.WasMetLate, ticketId = ticket.Id },
                false));
        }

        await db.SaveChangesAsync(ct);
        return ticket;
    }

    /// <summary>Closes a ticket; an unanswered one needs a reason (hang-up, duplicate) and its SLA falls away.</summary>
    /// <exception cref="ProblemException">400, 403, 404.</exception>
    public async Task<HotlineTicket> CloseAsync(CrisisOpsDbContext db, CallerAccessor caller, Guid id, string? reason, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(caller);
        var (ticket, access) = await LoadAsync(db, caller, id, ct);
        if (ticket.IsOpen && (string.IsNullOrWhiteSpace(reason) || reason.Length > 500))
        {
            new FieldErrors().Add("reason", "An unanswered ticket is closed with a reason (at most 500 characters).").ThrowIfAny();
        }

        var now = clock.GetUtcNow();
        ticket.Close(access.Name, now);
        db.Append(new JournalRecord(now, access.Name, JournalTypes.TicketClosed, ticket.RegionCode, ticket.RegionPath, null,
            new { ticketId = ticket.Id, ticket.Number, reason }, false));
        var sla = await db.Deadlines.SingleOrDefaultAsync(d => d.SubjectType == "hotline-ticket" && d.SubjectId == ticket.Id
            && d.Status == DeadlineStatus.Open, ct);
        if (sla is not null)
        {
            sla.Cancel(now);
            db.Append(new JournalRecord(now, access.Name, JournalTypes.DeadlineCancelled, sla.OriginRegionCode, sla.OriginRegionPath, null,
                new { deadlineId = sla.Id, kind = sla.Kind, reason = "ticket closed" }, false));
        }

        await db.SaveChangesAsync(ct);
        return ticket;
    }

    private static async Task<(HotlineTicket, CallerAccess)> LoadAsync(CrisisOpsDbContext db, CallerAccessor caller, Guid id, CancellationToken ct)
    {
        var ticket = await db.HotlineTickets.SingleOrDefaultAsync(t => t.Id == id, ct) ?? throw ProblemException.NotFound($"Ticket '{id}'");
        return (ticket, await caller.RequireAsync(Permission.HandleHotline, ticket.RegionPath, ct));
    }
}

/// <summary>A ticket not answered within its service level is flagged (the deadline itself climbs the region tree).</summary>
public sealed class HotlineTicketMissed : IDeadlineMissHandler
{
    public DeadlineKind Kind => DeadlineKind.HotlineTicket;

    public async Task OnMissedAsync(CrisisOpsDbContext db, Deadline deadline, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(deadline);
        if (await db.HotlineTickets.SingleOrDefaultAsync(t => t.Id == deadline.SubjectId, ct) is not { IsOpen: true } ticket)
        {
            return;
        }

        ticket.FlagOverdue();
        db.Append(new JournalRecord(now, "system", JournalTypes.TicketOverdue, ticket.RegionCode, ticket.RegionPath, null,
            new { ticketId = ticket.Id, ticket.Number, deadlineId = deadline.Id, deadline.DueAt, escalatedTo = deadline.EscalationChain.FirstOrDefault() },
            false));
    }
}

/// <summary>
/// How many tickets one address may send through the public form in an hour, counted on the injected clock so tests
/// can drive it. In memory per replica: a flood is stopped where it lands; the limit is a brake, not an audit.
/// </summary>
public sealed class WebTicketLimiter(InformationSettings settings, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _sent = new(StringComparer.Ordinal);

    /// <summary>Counts one ticket from <paramref name="address"/>; false when it is over the limit (nothing counted).</summary>
    public bool TryTake(string address)
    {
        var now = clock.GetUtcNow();
        var queue = _sent.GetOrAdd(address, _ => new Queue<DateTimeOffset>());
        lock (queue)
        {
            while (queue.Count > 0 && queue.Peek() <= now - TimeSpan.FromHours(1))
            {
                queue.Dequeue();
            }

            if (queue.Count >= settings.WebTicketsPerHour)
            {
                return false;
            }

            queue.Enqueue(now);
            return true;
        }
    }
}
