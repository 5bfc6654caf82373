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
    double? WorkLatitude, double? WorkLongitude, string? Mobile, string? Landline, string? Email, string? PushToken, string Language, int Needs)
{
    /// <summary>The special needs are stored as their flags' number, so the database can test single needs.</summary>
    public SpecialNeeds SpecialNeeds => (SpecialNeeds)Needs;

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

/// <summary>A group of residents the channel rules treat alike, and how many there are of them in a batch.</summary>
public sealed record ProfileRow(string RegionCode, string RegionPath, int Needs, string Language, int M, int L, int E, int P, long Count);

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

        int read;
        int targeted;
        Guid? last;
        if (job.Polygons.Count == 0)
        {
            // A region-only area is exactly a prefix filter on the residents table: routed inside the database.
            (read, targeted, last) = await ExpandInDatabaseAsync(db, job, current, languages, now, ct);
        }
        else
        {
            (read, targeted, last) = await ExpandInMemoryAsync(db, job, current, languages, now, ct);
        }

        var done = read < settings.ExpandBatch;
        job.Advance(last, targeted, done, now);
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

        return Math.Max(read, 1);
    }

    /// <summary>One batch read into memory and routed here: areas with polygons, whose exact test is geometry.</summary>
    private async Task<(int Read, int Targeted, Guid? Last)> ExpandInMemoryAsync(CrisisOpsDbContext db, FanOutJob job, ChannelRules current,
        List<string> languages, DateTimeOffset now, CancellationToken ct)
    {
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

        return (rows.Count, targeted, rows.Count > 0 ? rows[^1].Id : null);
    }

    /// <summary>
    /// One batch routed inside the database, for areas that are region subtrees: the rules are evaluated once per
    /// distinct profile (needs, language, which contact points exist), not once per person, and the deliveries and
    /// recipients are written by <c>INSERT … SELECT</c> from <c>residents</c> joined to that small routing table.
    /// Nothing about a person passes through this process. The batch is the next <see cref="DeliverySettings.ExpandBatch"/>
    /// residents by id after the job's cursor, so a crash resumes after the last committed batch and the unique
    /// index with <c>ON CONFLICT DO NOTHING</c> keeps a repeated batch from adding anything.
    /// </summary>
    private async Task<(int Read, int Targeted, Guid? Last)> ExpandInDatabaseAsync(CrisisOpsDbContext db, FanOutJob job, ChannelRules current,
        List<string> languages, DateTimeOffset now, CancellationToken ct)
    {
        if (job.RegionPaths.Count == 0)
        {
            return (0, 0, null);
        }

        var sqlite = db.Database.IsSqlite();
        var values = new List<object>();
        var area = new StringBuilder("(");
        foreach (var path in job.RegionPaths)
        {
            var p = values.Count;
            values.Add(DeliverySql.StartsWith(path));
            area.Append(area.Length == 1 ? "" : " OR ").Append(CultureInfo.InvariantCulture,
                $"r.\"HomeRegionPath\" LIKE {{{p}}} ESCAPE '\\' OR r.\"WorkRegionPath\" LIKE {{{p}}} ESCAPE '\\'");
        }

        area.Append(')');
        if (job.Cursor is { } after)
        {
            area.Append(CultureInfo.InvariantCulture, $" AND r.\"Id\" > {{{values.Count}}}");
            values.Add(DeliverySql.Id(db, after));
        }

        // The batch's last id: the ExpandBatch-th resident after the cursor; none means the rest fits in this batch.
        var batch = settings.ExpandBatch;
        var lastIds = await db.Database.SqlQueryRaw<Guid>(FormattableString.Invariant(
            $"SELECT r.\"Id\" AS \"Value\" FROM residents r WHERE {area} ORDER BY r.\"Id\" LIMIT 1 OFFSET {batch - 1}"), [.. values]).ToListAsync(ct);
        Guid? last = lastIds.Count > 0 ? lastIds[0] : null;
        if (last is { } upTo)
        {
            area.Append(CultureInfo.InvariantCulture, $" AND r.\"Id\" <= {{{values.Count}}}");
            values.Add(DeliverySql.Id(db, upTo));
        }

        var profiles = await db.Database.SqlQueryRaw<ProfileRow>(FormattableString.Invariant($"""
            SELECT r."HomeRegionCode" AS "RegionCode", r."HomeRegionPath" AS "RegionPath", r."Needs", r."Language",
                   CASE WHEN r."Mobile" IS NULL THEN 0 ELSE 1 END AS "M", CASE WHEN r."Landline" IS NULL THEN 0 ELSE 1 END AS "L",
                   CASE WHEN r."Email" IS NULL THEN 0 ELSE 1 END AS "E", CASE WHEN r."PushToken" IS NULL THEN 0 ELSE 1 END AS "P",
                   COUNT(*) AS "Count"
            FROM residents r WHERE {area}
            GROUP BY r."HomeRegionCode", r."HomeRegionPath", r."Needs", r."Language",
                     CASE WHEN r."Mobile" IS NULL THEN 0 ELSE 1 END, CASE WHEN r."Landline" IS NULL THEN 0 ELSE 1 END,
                     CASE WHEN r."Email" IS NULL THEN 0 ELSE 1 END, CASE WHEN r."PushToken" IS NULL THEN 0 ELSE 1 END
            """), [.. values]).ToListAsync(ct);
        var read = (int)profiles.Sum(p => p.Count);
        if (read == 0)
        {
            return (0, 0, null);
        }

        // The rules, once per distinct profile; strings go in as parameters (each distinct one once).
        var strings = new Dictionary<string, int>(StringComparer.Ordinal);
        string Param(string value)
        {
            if (!strings.TryGetValue(value, out var index))
            {
                index = values.Count;
                values.Add(value);
                strings[value] = index;
            }

            return "{" + index.ToString(CultureInfo.InvariantCulture) + "}";
        }

        var routes = new List<string>();
        var rungs = new List<string>();
        var areaRows = new List<object?[]>();
        var areaTargets = new HashSet<(DeliveryChannel, string)>();
        var seen = new HashSet<(int, string, int, int, int, int)>();
        foreach (var profile in profiles)
        {
            var choice = current.Choose((SpecialNeeds)profile.Needs, new Reachability(profile.M == 1, profile.L == 1, profile.E == 1, profile.P == 1));
            foreach (var channel in choice.Area)
            {
                if (areaTargets.Add((channel, profile.RegionCode)))
                {
                    areaRows.Add(Row(db, job, channel, null, profile.RegionCode, profile.RegionPath, profile.RegionCode, languages.FirstOrDefault() ?? "zh-CN", 0, now));
                }
            }

            if (!seen.Add((profile.Needs, profile.Language, profile.M, profile.L, profile.E, profile.P)))
            {
                continue;
            }

            var key = FormattableString.Invariant($"{profile.Needs}, {Param(profile.Language)}, {profile.M}, {profile.L}, {profile.E}, {profile.P}");
            rungs.Add(FormattableString.Invariant($"({key}, {choice.Rung})"));
            var language = Param(current.LanguageFor(profile.Language, languages));
            foreach (var channel in choice.Personal)
            {
                var status = (channel.IsTask() ? DeliveryStatus.Open : DeliveryStatus.Queued).ToString();
                routes.Add(FormattableString.Invariant($"({key}, '{channel}', {language}, '{status}')"));
            }
        }

        var alert = Param(sqlite ? (string)DeliverySql.Id(db, job.AlertId) : job.AlertId.ToString("D"));
        var time = "{" + values.Count.ToString(CultureInfo.InvariantCulture) + "}";
        values.Add(DeliverySql.Time(db, now));
        var exercise = "{" + values.Count.ToString(CultureInfo.InvariantCulture) + "}";
        values.Add(job.IsExercise);
        var alertValue = sqlite ? alert : alert + "::uuid";
        var targetKey = sqlite ? "lower(replace(r.\"Id\", '-', ''))" : "replace(r.\"Id\"::text, '-', '')";
        const string Match = """
            r."Needs" = t."Needs" AND r."Language" = t."Language" AND (CASE WHEN r."Mobile" IS NULL THEN 0 ELSE 1 END) = t."M"
              AND (CASE WHEN r."Landline" IS NULL THEN 0 ELSE 1 END) = t."L" AND (CASE WHEN r."Email" IS NULL THEN 0 ELSE 1 END) = t."E"
              AND (CASE WHEN r."PushToken" IS NULL THEN 0 ELSE 1 END) = t."P"
            """;
        if (routes.Count > 0)
        {
            await db.Database.ExecuteSqlRawAsync(FormattableString.Invariant($"""
                WITH t("Needs", "Language", "M", "L", "E", "P", "Channel", "OutLanguage", "Status") AS (VALUES {string.Join(", ", routes)})
                INSERT INTO deliveries ({string.Join(", ", DeliveryColumns.Select(c => "\"" + c + "\""))})
                SELECT {alertValue}, t."Channel", {targetKey}, r."Id", r."HomeRegionCode", r."HomeRegionPath",
                       CASE t."Channel" WHEN 'Sms' THEN r."Mobile" WHEN 'VoiceCall' THEN COALESCE(r."Mobile", r."Landline")
                           WHEN 'Email' THEN r."Email" WHEN 'AppPush' THEN r."PushToken" ELSE NULL END,
                       t."OutLanguage", 0, {exercise}, t."Status", 0, {time}, {time}
                FROM residents r JOIN t ON {Match}
                WHERE {area}
                ON CONFLICT DO NOTHING
                """), values, ct);
        }

        await DeliverySql.InsertIgnoringDuplicatesAsync(db, "deliveries", DeliveryColumns, areaRows, ct);
        await db.Database.ExecuteSqlRawAsync(FormattableString.Invariant($"""
            WITH t("Needs", "Language", "M", "L", "E", "P", "Rung") AS (VALUES {string.Join(", ", rungs)})
            INSERT INTO alert_recipients ("AlertId", "ResidentId", "RegionCode", "RegionPath", "Rung")
            SELECT {alertValue}, r."Id", r."HomeRegionCode", r."HomeRegionPath", t."Rung"
            FROM residents r JOIN t ON {Match}
            WHERE {area}
            ON CONFLICT DO NOTHING
            """), values, ct);

        // Region-only: the filter is the area test, so every resident read is targeted. Without a last id the
        // batch was the rest of the area: the job is done and its cursor no longer matters.
        return (read, read, last);
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
                   "Mobile", "Landline", "Email", "PushToken", "Language", "Needs"
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
