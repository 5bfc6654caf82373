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
        var perStatement = Math.Max(1, 30_000 / columns.Count);
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

    /// <summary>A LIKE pattern for paths starting with <paramref name="prefix"/> (escape character <c>\</c>).</summary>
    public static string StartsWith(string prefix) =>
        prefix.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
}
