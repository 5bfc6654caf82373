using System.Data.Common;
using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Warning;
using CrisisOps.Server.Platform;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using SQLitePCL;

namespace CrisisOps.Server.Features.Warning;

public sealed record IngestResult(int Received, int Stored, int Duplicates, int Rejected, IReadOnlyList<ReadingRejection> Errors);

/// <summary>
/// Stores a batch of readings: checks each (see <see cref="ReadingRules"/>), writes the good ones
/// while skipping readings already stored (same station and reading id, so a retry is harmless),
/// journals per region what arrived at each station and marks the stations' regions for risk assessment
/// (<see cref="RiskQueue"/>), all in one transaction. The assessment runs after the commit in the
/// background worker's next round, which the answer waits for unless <c>Risk:IngestWaitsForAssessment</c>
/// is off (docs/adr/0003-risk-assessment-queue.md).
/// </summary>
public sealed class ReadingIngest(IDbContextFactory<CrisisOpsDbContext> factory, SqliteWriteGate gate, RiskQueue queue, TimeProvider clock)
{
    public async Task<IngestResult> IngestAsync(IReadOnlyList<IncomingReading> items, CallerAccess access, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(access);
        var now = clock.GetUtcNow();
        await using var db = await factory.CreateDbContextAsync(ct);
        var codes = items.Select(i => i.Station).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var known = await db.Stations.AsNoTracking().Where(s => codes.Contains(s.Code)).ToListAsync(ct);

        // A station outside the caller's jurisdictions is, to this caller, unknown.
        var stations = known.Where(s => access.Can(Permission.IngestReadings, s.RegionPath))
            .ToDictionary(s => s.Code, StringComparer.Ordinal);
        var check = ReadingRules.Check(items, stations, now);

        var stored = new List<Reading>();
        if (check.Accepted.Count > 0)
        {
            var strategy = db.Database.CreateExecutionStrategy();
            await strategy.ExecuteAsync(async () =>
            {
                stored.Clear();
                using var writer = await gate.EnterAsync(priority: false, ct);
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                var connection = db.Database.GetDbConnection();
                stored.AddRange(db.Database.IsSqlite()
                    ? await ReadingInserts.SqliteAsync(connection, transaction.GetDbTransaction(), check.Accepted, ct)
                    : await ReadingInserts.PostgresAsync(connection, transaction.GetDbTransaction(), check.Accepted, ct));
                if (stored.Count > 0)
                {
                    // The journal-order lock (PostgreSQL) only now, after the readings: concurrent batches insert their
                    // readings side by side and queue only for the short tail below. Nothing locked so far can be
                    // wanted by the lock's holder, which from here on touches only risk_queue rows and new journal rows.
                    await PostgresJournalOrder.TakeAsync(db, ct);
                    await RiskQueue.MarkAsync(db, stored.Select(r => stations[r.StationCode].RegionCode), now, ct);
                    Journal(db, stored, stations, access, now);
                    await db.SaveChangesAsync(ct);
                }

                await transaction.CommitAsync(ct);
            });

            if (stored.Count > 0)
            {
                await queue.WaitForAssessmentAsync(ct);
            }
        }

        var duplicates = check.Accepted.Count - stored.Count;
        return new IngestResult(items.Count, stored.Count, duplicates, check.Rejected.Count, check.Rejected);
    }

    /// <summary>
    /// One entry per region per batch, filed under that region (so whoever sees the region's journal sees it),
    /// saying for each of its stations how many readings arrived, from when to when, and the latest value.
    /// One entry per station would say the same at several times the cost (bench/README.md).
    /// </summary>
    internal static void Journal(CrisisOpsDbContext db, List<Reading> stored, Dictionary<string, Station> stations, CallerAccess access,
        DateTimeOffset now)
    {
        foreach (var region in stored.GroupBy(r => stations[r.StationCode].RegionCode, StringComparer.Ordinal))
        {
            var perStation = region.GroupBy(r => r.StationCode, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(group =>
                {
                    var station = stations[group.Key];
                    var latest = group.MaxBy(r => r.Time)!;
                    return new { station = station.Code, count = group.Count(), from = group.Min(r => r.Time), to = latest.Time, latest = latest.Value, unit = station.Unit };
                })
                .ToList();
            var first = stations[region.First().StationCode];
            db.Append(new JournalRecord(now, access.Name, JournalTypes.ReadingsIngested, first.RegionCode, first.RegionPath, null,
                new { count = region.Count(), stations = perStation }));
        }
    }
}

/// <summary>
/// The INSERT that stores readings and tells which were new, one per database, each the fastest of
/// those measured (bench/README.md, "Where a batch's time goes") with the same meaning: a reading
/// whose (station, reading id) is already stored is skipped, and only the stored ones are returned.
/// </summary>
internal static class ReadingInserts
{
    private const string Columns = """("StationCode", "ReadingId", "Time", "Value", "ReceivedAt")""";
    private const string OnConflict = """ON CONFLICT ("StationCode", "ReadingId") DO NOTHING""";

    /// <summary>
    /// SQLite: one single-row statement, compiled once and stepped per reading through SQLite's own
    /// interface, binding by position; a skipped reading changes no row, so the rows changed tell
    /// which readings were stored. Measured against the alternatives (bench/README.md): a 1,000-row
    /// statement costs several times more (SQLite and Microsoft.Data.Sqlite look up each of its 5,000
    /// named parameters in a list, so compiling and binding grow with its square), and the same
    /// single-row statement through <c>SqliteCommand</c> spends a third of its time looking its five
    /// parameters up by name again on every execution.
    /// </summary>
    /// <exception cref="SqliteException">SQLite refused a row; the caller's transaction rolls back.</exception>
    public static Task<List<Reading>> SqliteAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<Reading> readings,
        CancellationToken ct)
    {
        // The statement runs on the connection's open transaction (BEGIN IMMEDIATE holds the write lock, so no busy waits here).
        if (transaction.Connection != connection || ((SqliteConnection)connection).Handle is not { } db)
        {
            throw new InvalidOperationException("The readings insert runs on an open connection inside its transaction.");
        }

        var rc = raw.sqlite3_prepare_v2(db, $"INSERT INTO readings {Columns} VALUES (?1, ?2, ?3, ?4, ?5) {OnConflict}", out var statement);
        Check(rc, raw.SQLITE_OK, db);
        using (statement)
        {
            var stored = new List<Reading>(readings.Count);
            DateTimeOffset? receivedAt = null;
            foreach (var r in readings)
            {
                ct.ThrowIfCancellationRequested();
                if (r.ReceivedAt != receivedAt)
                {
                    // A batch is received at one moment, and bindings stay in place from one step to the next.
                    receivedAt = r.ReceivedAt;
                    Check(raw.sqlite3_bind_text(statement, 5, CrisisOpsDbContext.SqliteTime(r.ReceivedAt)), raw.SQLITE_OK, db);
                }

                Check(raw.sqlite3_bind_text(statement, 1, r.StationCode), raw.SQLITE_OK, db);
                Check(raw.sqlite3_bind_text(statement, 2, r.ReadingId), raw.SQLITE_OK, db);
                Check(raw.sqlite3_bind_text(statement, 3, CrisisOpsDbContext.SqliteTime(r.Time)), raw.SQLITE_OK, db);
                Check(raw.sqlite3_bind_double(statement, 4, r.Value), raw.SQLITE_OK, db);
                Check(raw.sqlite3_step(statement), raw.SQLITE_DONE, db);
                if (raw.sqlite3_changes(db) == 1)
                {
                    stored.Add(r);
                }

                Check(raw.sqlite3_reset(statement), raw.SQLITE_OK, db);
            }

            return Task.FromResult(stored);
        }
    }

    private static void Check(int rc, int expected, sqlite3 db)
    {
        if (rc != expected)
        {
            SqliteException.ThrowExceptionForRC(rc, db);
            throw new InvalidOperationException(FormattableString.Invariant($"SQLite answered {rc} where {expected} was expected."));
        }
    }

    /// <summary>PostgreSQL: one statement over five arrays, one per column, returning the keys it stored.</summary>
    public static async Task<List<Reading>> PostgresAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<Reading> readings,
        CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""
            INSERT INTO readings {Columns}
            SELECT * FROM unnest(@s::text[], @r::text[], @t::timestamptz[], @v::float8[], @a::timestamptz[])
            {OnConflict} RETURNING "StationCode", "ReadingId"
            """;
        Add(command, "@s").Value = readings.Select(r => r.StationCode).ToArray();
        Add(command, "@r").Value = readings.Select(r => r.ReadingId).ToArray();
        Add(command, "@t").Value = readings.Select(r => r.Time.ToUniversalTime()).ToArray();
        Add(command, "@v").Value = readings.Select(r => r.Value).ToArray();
        Add(command, "@a").Value = readings.Select(r => r.ReceivedAt.ToUniversalTime()).ToArray();
        var inserted = new HashSet<(string, string)>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                inserted.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        return [.. readings.Where(r => inserted.Contains((r.StationCode, r.ReadingId)))];
    }

    private static DbParameter Add(DbCommand command, string name)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        command.Parameters.Add(parameter);
        return parameter;
    }
}
