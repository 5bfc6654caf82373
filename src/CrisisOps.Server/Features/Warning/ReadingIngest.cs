using System.Data.Common;
using System.Globalization;
using System.Text;
using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Warning;
using CrisisOps.Server.Features.Journal;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace CrisisOps.Server.Features.Warning;

public sealed record IngestResult(int Received, int Stored, int Duplicates, int Rejected, IReadOnlyList<ReadingRejection> Errors);

/// <summary>
/// Stores a batch of readings: checks each (see <see cref="ReadingRules"/>), writes the good ones
/// with one multi-row INSERT that skips readings already stored (same station and reading id, so a
/// retry is harmless), and journals per station what arrived, all in one transaction.
/// </summary>
public sealed partial class ReadingIngest(IDbContextFactory<CrisisOpsDbContext> factory, RiskEvaluator risk,
    TimeProvider clock, ILogger<ReadingIngest> logger)
{
    /// <summary>Rows per INSERT statement: 5 parameters each stays under both databases' parameter limits.</summary>
    private const int RowsPerStatement = 1000;

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
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                await PostgresJournalOrder.TakeAsync(db, ct);
                var connection = db.Database.GetDbConnection();
                foreach (var chunk in check.Accepted.Chunk(RowsPerStatement))
                {
                    stored.AddRange(await InsertAsync(db, connection, transaction.GetDbTransaction(), chunk, ct));
                }

                foreach (var group in stored.GroupBy(r => r.StationCode, StringComparer.Ordinal))
                {
                    var station = stations[group.Key];
                    var latest = group.MaxBy(r => r.Time)!;
                    db.Append(new JournalRecord(now, access.Name, JournalTypes.ReadingsIngested, station.RegionCode, station.RegionPath, null,
                        new
                        {
                            station = station.Code,
                            count = group.Count(),
                            from = group.Min(r => r.Time),
                            to = latest.Time,
                            latest = latest.Value,
                            unit = station.Unit,
                        }));
                }

                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
            });

            // The decision follows the data at once: the regions these readings touch are re-assessed now.
            // The readings are committed whatever happens here; if this fails, the periodic sweep
            // (RiskSweep) assesses them on its next round.
            try
            {
                await risk.EvaluateAsync([.. stored.Select(r => stations[r.StationCode].RegionCode).Distinct(StringComparer.Ordinal)], CancellationToken.None);
            }
            catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or TimeoutException)
            {
                LogAssessmentFailed(logger, ex);
            }
        }

        var duplicates = check.Accepted.Count - stored.Count;
        return new IngestResult(items.Count, stored.Count, duplicates, check.Rejected.Count, check.Rejected);
    }

    /// <summary>Inserts a chunk and returns the readings actually stored (not the duplicates).</summary>
    private static async Task<List<Reading>> InsertAsync(CrisisOpsDbContext db, DbConnection connection, DbTransaction transaction,
        Reading[] chunk, CancellationToken ct)
    {
        var sqlite = db.Database.IsSqlite();
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        var sql = new StringBuilder("""INSERT INTO readings ("StationCode", "ReadingId", "Time", "Value", "ReceivedAt") VALUES """);
        for (var i = 0; i < chunk.Length; i++)
        {
            var r = chunk[i];
            sql.Append(i == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture, $"(@s{i}, @r{i}, @t{i}, @v{i}, @a{i})");
            Add(command, $"@s{i}", r.StationCode);
            Add(command, $"@r{i}", r.ReadingId);
            Add(command, $"@t{i}", sqlite ? CrisisOpsDbContext.SqliteTime(r.Time) : r.Time.ToUniversalTime());
            Add(command, $"@v{i}", r.Value);
            Add(command, $"@a{i}", sqlite ? CrisisOpsDbContext.SqliteTime(r.ReceivedAt) : r.ReceivedAt.ToUniversalTime());
        }

        sql.Append(""" ON CONFLICT ("StationCode", "ReadingId") DO NOTHING RETURNING "StationCode", "ReadingId" """);
        command.CommandText = sql.ToString();

        var inserted = new HashSet<(string, string)>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                inserted.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        return [.. chunk.Where(r => inserted.Contains((r.StationCode, r.ReadingId)))];
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Risk assessment after ingest failed; the sweep will redo it")]
    private static partial void LogAssessmentFailed(ILogger logger, Exception ex);
}
