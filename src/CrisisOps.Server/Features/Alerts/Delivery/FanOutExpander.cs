using System.Globalization;
using System.Text;
using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Alerts.Delivery;
using CrisisOps.Domain.Deadlines;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.People;
using CrisisOps.Server.Platform;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Alerts.Delivery;

/// <summary>The columns of a resident fan-out reads: contact points and what the rules look at, never the name.</summary>
public sealed record ResidentRow(Guid Id, string HomeRegionCode, string HomeRegionPath, string? WorkRegionPath, double? HomeLatitude, double? HomeLongitude,
    double? WorkLatitude, double? WorkLongitude, string? Mobile, string? Landline, string? Email, string? PushToken, string Language, string Needs)
{
    /// <summary>Read as text, so either storage of the flags (their names, or their number) parses.</summary>
    public SpecialNeeds SpecialNeeds => Enum.Parse<SpecialNeeds>(Needs);

    public Reachability Reach => new(Mobile is not null, Landline is not null, Email is not null, PushToken is not null);

    public string? AddressFor(DeliveryChannel channel) => channel switch
    {
        DeliveryChannel.Sms => Mobile,
        DeliveryChannel.VoiceCall => Mobile ?? Landline,
        DeliveryChannel.Email => Email,
        DeliveryChannel.AppPush => PushToken,
        _ => null,
    };
}

/// <summary>
/// Turns fan-out jobs into deliveries, a batch of residents at a time. Each batch (its deliveries, its
/// recipients and the job's cursor) commits in one transaction guarded by the job's concurrency token, so
/// two replicas never both commit a batch and a crash resumes after the last committed one.
/// </summary>
public sealed partial class FanOutExpander(IDbContextFactory<CrisisOpsDbContext> factory, ChannelRulesProvider rules, DeliverySettings settings,
    SqliteWriteGate gate, TimeProvider clock, ILogger<FanOutExpander> logger)
{
    internal static readonly string[] DeliveryColumns =
        ["AlertId", "Channel", "TargetKey", "ResidentId", "RegionCode", "RegionPath", "Address", "Language", "Round", "IsExercise", "Status",
            "Attempts", "NextAttemptAt", "CreatedAt"];

    private static readonly string[] RecipientColumns = ["AlertId", "ResidentId", "RegionCode", "RegionPath", "Rung"];

    /// <summary>Expands one batch of the oldest unfinished job; returns the residents read (0 when there is nothing to do).</summary>
    public async Task<int> ExpandOnceAsync(CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var job = await db.FanOutJobs.Where(j => j.ExpandedAt == null).OrderBy(j => j.CreatedAt).FirstOrDefaultAsync(ct);
        if (job is null)
        {
            return 0;
        }

        using var pass = await gate.EnterAsync(priority: false, ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await PostgresJournalOrder.TakeAsync(db, ct);
        var now = clock.GetUtcNow();
        var current = rules.Current;
        var messages = DeliveryFanOut.Messages(job);
        var languages = messages.Select(m => m.Language).ToList();
        if (job.StartedAt is null)
        {
            await StartAsync(db, job, current, now, ct);
        }

        var rows = await ReadBatchAsync(db, job, ct);
        var area = AlertArea.Of(job.Polygons);
        var deliveries = new List<object?[]>();
        var recipients = new List<object?[]>();
        var areaTargets = new HashSet<(DeliveryChannel, string)>();
        var targeted = 0;
        foreach (var r in rows)
        {
            if (!InArea(job, area, r))
            {
                continue;
            }

            targeted++;
            var choice = current.Choose(r.SpecialNeeds, r.Reach);
            var language = current.LanguageFor(r.Language, languages);
            foreach (var channel in choice.Personal)
            {
                deliveries.Add(Row(db, job, channel, r.Id, r.HomeRegionCode, r.HomeRegionPath, r.AddressFor(channel), language, 0, now));
            }

            foreach (var channel in choice.Area)
            {
                if (areaTargets.Add((channel, r.HomeRegionCode)))
                {
                    deliveries.Add(Row(db, job, channel, null, r.HomeRegionCode, r.HomeRegionPath, r.HomeRegionCode, languages.FirstOrDefault() ?? "zh-CN", 0, now));
                }
            }

            recipients.Add([DeliverySql.Id(db, job.AlertId), DeliverySql.Id(db, r.Id), r.HomeRegionCode, r.HomeRegionPath, choice.Rung]);
        }

        await DeliverySql.InsertIgnoringDuplicatesAsync(db, "deliveries", DeliveryColumns, deliveries, ct);
        await DeliverySql.InsertIgnoringDuplicatesAsync(db, "alert_recipients", RecipientColumns, recipients, ct);
        var done = rows.Count < settings.ExpandBatch;
        job.Advance(rows.Count > 0 ? rows[^1].Id : null, targeted, done, now);
        if (done)
        {
            db.Append(new JournalRecord(now, "system", JournalTypes.DeliveryFanOutCompleted, job.RegionCodes.FirstOrDefault(),
                job.RegionPaths.FirstOrDefault(), null, new { alertId = job.AlertId, targeted = job.Targeted }, job.IsExercise));
        }

        try
        {
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another replica committed this batch first: ours rolls back whole.
            LogLostBatch(logger, job.AlertId);
            return 0;
        }

        return Math.Max(rows.Count, 1);
    }

    private async Task StartAsync(CrisisOpsDbContext db, FanOutJob job, ChannelRules current, DateTimeOffset now, CancellationToken ct)
    {
        var regions = await db.Regions.AsNoTracking().Where(r => job.RegionCodes.Contains(r.Code)).Select(r => new { r.Code, r.Path }).ToListAsync(ct);
        job.Start([.. regions.Select(r => r.Path)], now);

        // Area channels of every alert: one delivery per region, not per person.
        var language = DeliveryFanOut.Messages(job).FirstOrDefault()?.Language ?? "zh-CN";
        var rows = regions.SelectMany(r => current.Area.Select(c => Row(db, job, c, null, r.Code, r.Path, r.Code, language, 0, now))).ToList();
        await DeliverySql.InsertIgnoringDuplicatesAsync(db, "deliveries", DeliveryColumns, rows, ct);

        // One deadline per alert, not per person: when it passes, everyone not yet reached gets the next channel.
        var owner = regions.Select(r => r.Path).OrderBy(p => p.Length).FirstOrDefault();
        if (owner is not null)
        {
            db.Deadlines.Add(Deadline.Start(Guid.CreateVersion7(now), DeadlinePolicies.DeliveryEscalation(settings.EscalateAfter),
                new DeadlineSubject("alert", job.AlertId, null, job.IsExercise), owner, now));
        }

        db.Append(new JournalRecord(now, "system", JournalTypes.DeliveryFanOutStarted, job.RegionCodes.FirstOrDefault(), owner, null,
            new { alertId = job.AlertId, identifier = job.Identifier, regions = job.RegionCodes, polygons = job.Polygons.Count }, job.IsExercise));
    }

    private static bool InArea(FanOutJob job, AlertArea area, ResidentRow r) =>
        job.RegionPaths.Any(p => r.HomeRegionPath.StartsWith(p, StringComparison.Ordinal) || (r.WorkRegionPath?.StartsWith(p, StringComparison.Ordinal) ?? false))
        || area.Contains(r.HomeLatitude, r.HomeLongitude) || area.Contains(r.WorkLatitude, r.WorkLongitude);

    private async Task<List<ResidentRow>> ReadBatchAsync(CrisisOpsDbContext db, FanOutJob job, CancellationToken ct)
    {
        var where = new StringBuilder();
        var values = new List<object>();
        foreach (var path in job.RegionPaths)
        {
            var p = values.Count;
            values.Add(DeliverySql.StartsWith(path));
            where.Append(where.Length == 0 ? "" : " OR ").Append(CultureInfo.InvariantCulture,
                $"\"HomeRegionPath\" LIKE {{{p}}} ESCAPE '\\' OR \"WorkRegionPath\" LIKE {{{p}}} ESCAPE '\\'");
        }

        if (job.Polygons.Count > 0)
        {
            var (south, west, north, east) = AlertArea.Of(job.Polygons).Bounds;
            var b = values.Count;
            values.AddRange([south, north, west, east]);
            where.Append(where.Length == 0 ? "" : " OR ").Append(CultureInfo.InvariantCulture,
                $"(\"HomeLatitude\" BETWEEN {{{b}}} AND {{{b + 1}}} AND \"HomeLongitude\" BETWEEN {{{b + 2}}} AND {{{b + 3}}})"
                + $" OR (\"WorkLatitude\" BETWEEN {{{b}}} AND {{{b + 1}}} AND \"WorkLongitude\" BETWEEN {{{b + 2}}} AND {{{b + 3}}})");
        }

        if (where.Length == 0)
        {
            return [];
        }

        var cursor = "";
        if (job.Cursor is { } after)
        {
            cursor = FormattableString.Invariant($" AND \"Id\" > {{{values.Count}}}");
            values.Add(DeliverySql.Id(db, after));
        }

        var sql = FormattableString.Invariant($"""
            SELECT "Id", "HomeRegionCode", "HomeRegionPath", "WorkRegionPath", "HomeLatitude", "HomeLongitude", "WorkLatitude", "WorkLongitude",
                   "Mobile", "Landline", "Email", "PushToken", "Language", CAST("Needs" AS TEXT) AS "Needs"
            FROM residents WHERE ({where}){cursor} ORDER BY "Id" LIMIT {settings.ExpandBatch}
            """);
        return await db.Database.SqlQueryRaw<ResidentRow>(sql, [.. values]).ToListAsync(ct);
    }

    internal static object?[] Row(CrisisOpsDbContext db, FanOutJob job, DeliveryChannel channel, Guid? residentId, string regionCode, string regionPath,
        string? address, string language, int round, DateTimeOffset now) =>
    [
        DeliverySql.Id(db, job.AlertId), channel.ToString(), Domain.Alerts.Delivery.Delivery.TargetOf(residentId, regionCode), DeliverySql.Id(db, residentId),
        regionCode, regionPath, address, language, round, job.IsExercise,
        (channel.IsTask() ? DeliveryStatus.Open : DeliveryStatus.Queued).ToString(), 0, DeliverySql.Time(db, now), DeliverySql.Time(db, now),
    ];

    [LoggerMessage(Level = LogLevel.Debug, Message = "A fan-out batch of alert {AlertId} was committed by another replica")]
    private static partial void LogLostBatch(ILogger logger, Guid alertId);
}
