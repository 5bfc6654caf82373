using System.Text;
using CrisisOps.Data;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Alerts.Delivery;

/// <summary>
/// The few raw statements delivery needs on both databases (bulk insert that skips duplicates, claiming
/// with a lease), and the parameter forms each database stores: SQLite keeps times as ISO text and ids as
/// upper-case text, PostgreSQL as timestamptz and uuid.
/// </summary>
internal static class DeliverySql
{
    public static object Time(CrisisOpsDbContext db, DateTimeOffset value) =>
        db.Database.IsSqlite() ? CrisisOpsDbContext.SqliteTime(value) : value.ToUniversalTime();

    public static object Id(CrisisOpsDbContext db, Guid value) =>
        db.Database.IsSqlite() ? value.ToString("D").ToUpperInvariant() : value;

    public static object? Id(CrisisOpsDbContext db, Guid? value) => value is { } v ? Id(db, v) : null;

    /// <summary>Inserts rows, skipping any that would break a unique key (a rerun after a crash). Returns rows inserted.</summary>
    public static async Task<int> InsertIgnoringDuplicatesAsync(CrisisOpsDbContext db, string table, IReadOnlyList<string> columns,
        IReadOnlyList<object?[]> rows, CancellationToken ct)
    {
        var inserted = 0;
        // SQLite looks a named parameter up by a linear scan, so binding n parameters costs n²: a 30,000-parameter
        // statement took seconds. A few hundred per statement (many small statements in one transaction) is fastest there.
        var perStatement = Math.Max(1, (db.Database.IsSqlite() ? 900 : 30_000) / columns.Count);
        for (var start = 0; start < rows.Count; start += perStatement)
        {
            var chunk = rows.Skip(start).Take(perStatement).ToList();
            var sql = new StringBuilder();
            sql.Append("INSERT INTO ").Append(table).Append(" (").Append(string.Join(", ", columns.Select(c => "\"" + c + "\""))).Append(") VALUES ");
            var values = new List<object>(chunk.Count * columns.Count);
            for (var r = 0; r < chunk.Count; r++)
            {
                sql.Append(r == 0 ? "(" : ", (");
                for (var c = 0; c < columns.Count; c++)
                {
                    sql.Append(c == 0 ? "" : ", ");
                    if (chunk[r][c] is { } value)
                    {
                        sql.Append('{').Append(values.Count).Append('}');
                        values.Add(value);
                    }
                    else
                    {
                        sql.Append("NULL");
                    }
                }

                sql.Append(')');
            }

            sql.Append(" ON CONFLICT DO NOTHING");
            inserted += await db.Database.ExecuteSqlRawAsync(sql.ToString(), values, ct);
        }

        return inserted;
    }

    /// <summary>
    /// One set-based state change of many deliveries: <c>UPDATE deliveries SET … WHERE "Id" IN (…) AND "Status" IN (…)
    /// [AND "ClaimToken" = …] RETURNING "Id"</c>, with one column that may differ per row (a CASE on the id). Returns the
    /// ids it changed, so only rows still in the expected state (not answered meanwhile by a receipt or another
    /// sender) go on to coverage and escalation. Values are already in the database's form (<see cref="Time"/>, <see cref="Id"/>).
    /// </summary>
    public static async Task<List<long>> UpdateAsync(CrisisOpsDbContext db, IReadOnlyList<long> ids, IReadOnlyList<(string Column, object? Value)> set,
        IReadOnlyCollection<string> fromStatuses, Guid? claimToken, (string Column, IReadOnlyList<string?> Values)? perRow, CancellationToken ct)
    {
        var changed = new List<long>(ids.Count);
        var chunk = db.Database.IsSqlite() ? 300 : 1000; // see InsertIgnoringDuplicatesAsync: parameters cost n² on SQLite
        for (var start = 0; start < ids.Count; start += chunk)
        {
            var count = Math.Min(chunk, ids.Count - start);
            var values = new List<object>();
            string P(object? value)
            {
                if (value is null)
                {
                    return "NULL";
                }

                values.Add(value);
                return "{" + (values.Count - 1).ToString(System.Globalization.CultureInfo.InvariantCulture) + "}";
            }

            var sql = new StringBuilder("UPDATE deliveries SET ");
            sql.AppendJoin(", ", set.Select(s => "\"" + s.Column + "\" = " + P(s.Value)));
            if (perRow is { } row)
            {
                sql.Append(", \"").Append(row.Column).Append("\" = CASE \"Id\"");
                for (var i = start; i < start + count; i++)
                {
                    sql.Append(" WHEN ").Append(P(ids[i])).Append(" THEN ").Append(P(row.Values[i]));
                }

                sql.Append(" END");
            }

            sql.Append(" WHERE \"Id\" IN (").AppendJoin(", ", Enumerable.Range(start, count).Select(i => P(ids[i]))).Append(')');
            sql.Append(" AND \"Status\" IN (").AppendJoin(", ", fromStatuses.Select(P)).Append(')');
            if (claimToken is { } token)
            {
                sql.Append(" AND \"ClaimToken\" = ").Append(P(Id(db, token)));
            }

            sql.Append(" RETURNING \"Id\" AS \"Value\"");
            changed.AddRange(await db.Database.SqlQueryRaw<long>(sql.ToString(), [.. values]).ToListAsync(ct));
        }

        return changed;
    }

    /// <summary>A LIKE pattern for paths starting with <paramref name="prefix"/> (escape character <c>\</c>).</summary>
    public static string StartsWith(string prefix) =>
        prefix.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
}
