using System.Text.Json;
using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Alerts.Delivery;
using CrisisOps.Domain.Journal;
using CrisisOps.Server.Features.Alerts.Delivery.Gateways;
using CrisisOps.Server.Platform;
using CrisisOps.Server.Platform.Auth;
using Microsoft.EntityFrameworkCore;
using DeliveryRow = CrisisOps.Domain.Alerts.Delivery.Delivery;

namespace CrisisOps.Server.Features.Alerts.Delivery;

/// <summary>A delivery without personal data: no address, no name.</summary>
public sealed record DeliveryDto(long Id, Guid? ResidentId, DeliveryChannel Channel, string RegionCode, string Language, DeliveryStatus Status,
    int Attempts, int Round, string? Gateway, string? LastError, DateTimeOffset CreatedAt, DateTimeOffset? SentAt, DateTimeOffset? DeliveredAt,
    DateTimeOffset? FailedAt);

public sealed record DeliveryList(IReadOnlyList<ChannelCount> Counts, IReadOnlyList<DeliveryDto> Items);

/// <summary>A door-to-door or sign-language task; <see cref="Name"/> and <see cref="Address"/> only for the person who took it.</summary>
public sealed record DeliveryTaskDto(long Id, Guid AlertId, DeliveryChannel Channel, string RegionCode, DeliveryStatus Status, string? TakenBy,
    VisitOutcome? Outcome, string Language, DateTimeOffset CreatedAt, string? Name = null, string? Address = null);

public sealed record ConfirmTask(VisitOutcome? Outcome);

public sealed record ReceiptError(int Index, string Problem);

public sealed record ReceiptAnswer(int Recorded, int Ignored, IReadOnlyList<ReceiptError> Errors);

/// <summary>Deliveries, coverage and tasks of alerts, and the receipts gateways post back.</summary>
public static class DeliveryEndpoints
{
    public const int MaxReceiptBody = 1_000_000;

    public static IEndpointRouteBuilder MapDeliveryEndpoints(this IEndpointRouteBuilder app)
    {
        var alerts = app.MapGroup("/api/v1/alerts/{alertId:guid}").WithTags("Delivery");
        alerts.MapGet("/deliveries", ListAsync).RequirePermission(Permission.ReadAlerts);
        alerts.MapGet("/coverage", CoverageAsync).RequirePermission(Permission.ReadAlerts);
        var tasks = app.MapGroup("/api/v1/delivery-tasks").WithTags("Delivery");
        tasks.MapGet("", TasksAsync).RequirePermission(Permission.ConfirmDeliveryTasks);
        tasks.MapGet("/{id:long}", TaskAsync).RequirePermission(Permission.ConfirmDeliveryTasks);
        tasks.MapPost("/{id:long}/take", TakeAsync).RequirePermission(Permission.ConfirmDeliveryTasks);
        tasks.MapPost("/{id:long}/confirm", ConfirmAsync).RequirePermission(Permission.ConfirmDeliveryTasks);

        // Gateways are not users: their receipts carry an HMAC of the body with the gateway's shared secret.
        app.MapPost("/api/v1/gateways/{name}/receipts", ReceiptsAsync).AllowAnonymous().WithTags("Delivery");
        return app;
    }

    internal static async Task<FanOutJob> VisibleJobAsync(CrisisOpsDbContext db, CallerAccessor caller, Guid alertId, CancellationToken ct)
    {
        var job = await db.FanOutJobs.AsNoTracking().SingleOrDefaultAsync(j => j.AlertId == alertId, ct)
            ?? throw ProblemException.NotFound("Delivery of this alert");
        var access = await caller.GetAsync(ct);
        if (job.RegionPaths.Count == 0 ? !access.Can(Permission.ReadAlerts, Domain.Regions.RegionPath.Separator)
            : !job.RegionPaths.All(p => access.Can(Permission.ReadAlerts, p)))
        {
            throw ProblemException.Forbidden("The alert's area lies outside your jurisdiction.");
        }

        return job;
    }

    private static async Task<IResult> ListAsync(Guid alertId, string? status, string? channel, int? limit, CrisisOpsDbContext db, CallerAccessor caller,
        CoverageQuery coverage, CancellationToken ct)
    {
        await VisibleJobAsync(db, caller, alertId, ct);
        var query = db.Deliveries.AsNoTracking().Where(d => d.AlertId == alertId);
        if (status is not null)
        {
            if (!Enum.TryParse<DeliveryStatus>(status, ignoreCase: true, out var s) || int.TryParse(status, out _))
            {
                throw ProblemException.Validation(new Dictionary<string, string[]> { ["status"] = ["Unknown status."] });
            }

            query = query.Where(d => d.Status == s);
        }

        if (channel is not null)
        {
            if (!DeliveryChannels.TryParse(channel, out var c))
            {
                throw ProblemException.Validation(new Dictionary<string, string[]> { ["channel"] = ["Unknown channel."] });
            }

            query = query.Where(d => d.Channel == c);
        }

        if (limit is < 1 or > 1000)
        {
            throw ProblemException.Validation(new Dictionary<string, string[]> { ["limit"] = ["Between 1 and 1000."] });
        }

        var items = await query.OrderBy(d => d.Id).Take(limit ?? 100).Select(d => new DeliveryDto(d.Id, d.ResidentId, d.Channel, d.RegionCode, d.Language,
            d.Status, d.Attempts, d.Round, d.Gateway, d.LastError, d.CreatedAt, d.SentAt, d.DeliveredAt, d.FailedAt)).ToListAsync(ct);
        var report = await coverage.ComputeAsync(db, alertId, ct);
        return TypedResults.Ok(new DeliveryList(report!.Channels, items));
    }

    internal static async Task<CoverageReport> CoverageAsync(Guid alertId, CrisisOpsDbContext db, CallerAccessor caller, CoverageQuery coverage, CancellationToken ct)
    {
        await VisibleJobAsync(db, caller, alertId, ct);
        return (await coverage.ComputeAsync(db, alertId, ct))!;
    }

    internal static async Task<List<DeliveryTaskDto>> TasksAsync(bool? mine, Guid? alertId, string? region, CrisisOpsDbContext db, CallerAccessor caller,
        Regions.RegionDirectory directory, CancellationToken ct)
    {
        var access = await caller.GetAsync(ct);
        var query = db.Deliveries.AsNoTracking().Where(d => d.Channel == DeliveryChannel.DoorToDoor || d.Channel == DeliveryChannel.SignLanguage)
            .WhereUnder(d => d.RegionPath, access.ScopesFor(Permission.ConfirmDeliveryTasks));
        if (region is not null)
        {
            var r = await directory.ScopeAsync(region, Permission.ConfirmDeliveryTasks, caller, ct);
            query = query.Where(d => d.RegionPath.StartsWith(r.Path));
        }

        if (alertId is { } a)
        {
            query = query.Where(d => d.AlertId == a);
        }

        query = mine == true
            ? query.Where(d => d.TakenBy == access.Name)
            : query.Where(d => d.Status == DeliveryStatus.Open || (d.Status == DeliveryStatus.Taken && d.TakenBy == access.Name));
        var items = await query.OrderBy(d => d.Id).Take(500).ToListAsync(ct);
        return [.. items.Select(d => ToTask(d))];
    }

    private static async Task<DeliveryRow> TaskInScopeAsync(CrisisOpsDbContext db, CallerAccessor caller, long id, CancellationToken ct)
    {
        var task = await db.Deliveries.SingleOrDefaultAsync(d => d.Id == id, ct);
        if (task is null || !task.Channel.IsTask())
        {
            throw ProblemException.NotFound("The task");
        }

        var access = await caller.GetAsync(ct);
        if (!access.Can(Permission.ConfirmDeliveryTasks, task.RegionPath))
        {
            throw ProblemException.Forbidden("The task's community lies outside your jurisdiction.");
        }

        return task;
    }

    internal static async Task<DeliveryTaskDto> TaskAsync(long id, CrisisOpsDbContext db, CallerAccessor caller, TimeProvider clock, CancellationToken ct)
    {
        var task = await TaskInScopeAsync(db, caller, id, ct);
        var access = await caller.GetAsync(ct);
        if (task.Status != DeliveryStatus.Taken || !string.Equals(task.TakenBy, access.Name, StringComparison.Ordinal) || task.ResidentId is null)
        {
            return ToTask(task);
        }

        // Only the person on the way sees whom to visit, and the read is journaled (who, which task; never the address itself).
        var resident = await db.Residents.AsNoTracking().Where(r => r.Id == task.ResidentId).Select(r => new { r.Name, r.HomeAddress }).SingleOrDefaultAsync(ct);
        db.Append(new JournalRecord(clock.GetUtcNow(), access.Name, JournalTypes.DeliveryTaskAddressRead, task.RegionCode, task.RegionPath, null,
            new { taskId = task.Id, alertId = task.AlertId, residentId = task.ResidentId }, task.IsExercise));
        await db.SaveChangesAsync(ct);
        return ToTask(task) with { Name = resident?.Name, Address = resident?.HomeAddress };
    }

    internal static async Task<DeliveryTaskDto> TakeAsync(long id, CrisisOpsDbContext db, CallerAccessor caller, TimeProvider clock, CancellationToken ct)
    {
        var task = await TaskInScopeAsync(db, caller, id, ct);
        var access = await caller.GetAsync(ct);
        task.Take(access.Name);
        var taken = await db.Deliveries.Where(d => d.Id == id && d.Status == DeliveryStatus.Open)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, DeliveryStatus.Taken).SetProperty(d => d.TakenBy, access.Name), ct);
        if (taken == 0)
        {
            throw new Domain.DomainException("task-not-open", "Someone else took this task a moment ago.");
        }

        db.Entry(task).State = EntityState.Unchanged;
        db.Append(new JournalRecord(clock.GetUtcNow(), access.Name, JournalTypes.DeliveryTaskTaken, task.RegionCode, task.RegionPath, null,
            new { taskId = task.Id, alertId = task.AlertId, channel = task.Channel.Name() }, task.IsExercise));
        await db.SaveChangesAsync(ct);
        return ToTask(task);
    }

    internal static async Task<DeliveryTaskDto> ConfirmAsync(long id, ConfirmTask body, CrisisOpsDbContext db, CallerAccessor caller, TimeProvider clock,
        CancellationToken ct)
    {
        if (body?.Outcome is not { } outcome || !Enum.IsDefined(outcome))
        {
            throw ProblemException.Validation(new Dictionary<string, string[]> { ["outcome"] = ["One of reached, not-at-home, refused."] });
        }

        var task = await TaskInScopeAsync(db, caller, id, ct);
        var access = await caller.GetAsync(ct);
        var now = clock.GetUtcNow();
        task.Confirm(access.Name, outcome, now);
        if (outcome == VisitOutcome.Reached)
        {
            await Escalator.MarkReachedAsync(db, [task], now, ct);
        }

        db.Append(new JournalRecord(now, access.Name, JournalTypes.DeliveryTaskConfirmed, task.RegionCode, task.RegionPath, null,
            new { taskId = task.Id, alertId = task.AlertId, channel = task.Channel.Name(), outcome }, task.IsExercise));
        await db.SaveChangesAsync(ct);
        return ToTask(task);
    }

    private static DeliveryTaskDto ToTask(DeliveryRow d) =>
        new(d.Id, d.AlertId, d.Channel, d.RegionCode, d.Status, d.TakenBy, d.Outcome, d.Language, d.CreatedAt);

    private static async Task<IResult> ReceiptsAsync(string name, HttpRequest request, CrisisOpsDbContext db, GatewayRegistry gateways,
        DeliverySettings settings, Escalator escalator, SqliteWriteGate gate, DeliverySignal signal, TimeProvider clock, CancellationToken ct)
    {
        var gateway = gateways.Named(name);
        if (gateway?.ReceiptSecret is not { Length: > 0 } secret)
        {
            throw ProblemException.NotFound("A gateway with receipts named '" + name + "'");
        }

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        if (buffer.Length > MaxReceiptBody)
        {
            throw new ProblemException(StatusCodes.Status413PayloadTooLarge, "body-too-large", "The request body is too large.");
        }

        var body = buffer.ToArray();
        if (!ReceiptSignature.Verify(secret, body, request.Headers[ReceiptSignature.Header].ToString()))
        {
            throw new ProblemException(StatusCodes.Status401Unauthorized, "bad-receipt-signature", "The receipt's signature does not match.",
                $"Sign the raw body with HMAC-SHA256 and the gateway's secret in {ReceiptSignature.Header}: sha256=<hex>.");
        }

        ReceiptBatch? batch;
        try
        {
            batch = JsonSerializer.Deserialize<ReceiptBatch>(body, new JsonSerializerOptions(JsonSerializerDefaults.Web));
        }
        catch (JsonException ex)
        {
            throw new ProblemException(StatusCodes.Status400BadRequest, "malformed-request", "The receipts are not valid JSON.", ex.Message);
        }

        if (batch?.Receipts is not { } receipts || receipts.Count is 0 or > 5000)
        {
            throw ProblemException.Validation(new Dictionary<string, string[]> { ["receipts"] = ["A list of 1–5000 receipts."] });
        }

        var channels = settings.Routes.Where(r => string.Equals(r.Value, name, StringComparison.Ordinal)).Select(r => r.Key).ToList();
        var errors = new List<ReceiptError>();
        var wanted = new List<(long Key, Receipt Receipt)>();
        for (var i = 0; i < receipts.Count; i++)
        {
            var r = receipts[i];
            if (r is null || !long.TryParse(r.IdempotencyKey, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var key))
            {
                errors.Add(new ReceiptError(i, "idempotencyKey is not one of our delivery ids."));
            }
            else if (r.Status is not ("delivered" or "failed"))
            {
                errors.Add(new ReceiptError(i, "status must be 'delivered' or 'failed'."));
            }
            else
            {
                wanted.Add((key, r));
            }
        }

        var known = new Dictionary<long, DeliveryRow>();
        foreach (var chunk in wanted.Select(w => w.Key).Distinct().Chunk(1000))
        {
            foreach (var d in await db.Deliveries.AsNoTracking().Where(d => chunk.Contains(d.Id) && channels.Contains(d.Channel)).ToListAsync(ct))
            {
                known[d.Id] = d;
            }
        }

        for (var i = 0; i < receipts.Count; i++)
        {
            if (receipts[i] is { } r && long.TryParse(r.IdempotencyKey, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture,
                out var key) && r.Status is "delivered" or "failed" && !known.ContainsKey(key))
            {
                errors.Add(new ReceiptError(i, "no delivery of this gateway has this key."));
            }
        }

        // The first receipt for a key counts; a final state is never overwritten (a receipt may overtake the sender's own record).
        var firsts = wanted.Where(w => known.ContainsKey(w.Key)).GroupBy(w => w.Key).Select(g => g.First()).ToList();
        string[] open = [nameof(DeliveryStatus.Sending), nameof(DeliveryStatus.Sent)];
        var now = clock.GetUtcNow();
        var delivered = new List<DeliveryRow>();
        var failed = new List<DeliveryRow>();
        using var pass = await gate.EnterAsync(priority: false, ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await PostgresJournalOrder.TakeAsync(db, ct);
        var arrived = firsts.Where(w => w.Receipt.Status == "delivered").ToList();
        if (arrived.Count > 0)
        {
            var changed = await DeliverySql.UpdateAsync(db, [.. arrived.Select(w => w.Key)],
            [
                ("Status", nameof(DeliveryStatus.Delivered)), ("DeliveredAt", DeliverySql.Time(db, now)), ("Gateway", name), ("LeaseUntil", null),
            ], open, null, ("GatewayMessageId", [.. arrived.Select(w => w.Receipt.MessageId is { Length: <= 128 } m ? m : null)]), ct);
            delivered.AddRange(changed.Select(id => known[id]));
        }

        foreach (var group in firsts.Where(w => w.Receipt.Status == "failed").GroupBy(w => "receipt: " + Truncate(w.Receipt.Reason ?? "failed")))
        {
            var changed = await DeliverySql.UpdateAsync(db, [.. group.Select(w => w.Key)],
            [
                ("Status", nameof(DeliveryStatus.Failed)), ("FailedAt", DeliverySql.Time(db, now)), ("Gateway", name), ("LastError", group.Key),
                ("LeaseUntil", null),
            ], open, null, null, ct);
            failed.AddRange(changed.Select(id => known[id]));
        }

        await Escalator.MarkReachedAsync(db, delivered, now, ct);
        await escalator.AfterFailuresAsync(db, failed, now, ct);
        await DeliveryJournal.AppendAsync(db, JournalTypes.DeliveryReceiptsRecorded, now, "gateway:" + name,
            delivered.Concat(failed).Select(d => d.AlertId).Distinct().Select(alertId => (alertId, (object)new
            {
                gateway = name,
                delivered = delivered.Count(d => d.AlertId == alertId),
                failed = failed.Count(d => d.AlertId == alertId),
            })), ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        if (failed.Count > 0)
        {
            signal.Wake();
        }

        return TypedResults.Ok(new ReceiptAnswer(delivered.Count + failed.Count, receipts.Count - delivered.Count - failed.Count - errors.Count, errors));
    }

    private static string Truncate(string reason) => reason.Length > 200 ? reason[..200] : reason;
}
