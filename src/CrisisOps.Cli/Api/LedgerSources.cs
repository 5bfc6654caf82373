using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CrisisOps.Domain.Ledger.Audit;
using Microsoft.Data.Sqlite;

namespace CrisisOps.Cli.Api;

/// <summary>The public ledger API of a running server (docs/ledger.md), anonymous: nobody needs an account to audit us.</summary>
internal sealed class HttpLedgerSource(ApiClient client) : ILedgerSource
{
    public const string Root = "api/v1/public/ledger/";

    /// <summary>The verifier key the server publishes (trusted only on first use).</summary>
    public async Task<string> KeyAsync(CancellationToken cancellationToken) =>
        (await client.GetAsync(Root + "key", null, cancellationToken)).Body.Trim();

    public async Task<string> LatestCheckpointAsync(CancellationToken cancellationToken) =>
        (await client.GetAsync(Root + "checkpoint", null, cancellationToken)).Body;

    public async Task<IReadOnlyList<AuditCheckpoint>> CheckpointsAsync(long fromSize, int limit, CancellationToken cancellationToken) =>
        [.. (await CheckpointItemsAsync(fromSize, limit, cancellationToken)).Select(LedgerJson.Checkpoint)];

    /// <summary>The checkpoint items as the server sent them (for an export).</summary>
    public async Task<List<JsonElement>> CheckpointItemsAsync(long fromSize, int limit, CancellationToken cancellationToken)
    {
        var page = await client.GetAsync(Root + "checkpoints", new QueryParameters
        {
            { "from", Text(fromSize) },
            { "limit", Text(limit) },
        }, cancellationToken);
        return [.. LedgerJson.Items(page.Body)];
    }

    public async Task<IReadOnlyList<AuditEntry>> EntriesAsync(long start, int limit, CancellationToken cancellationToken) =>
        [.. (await EntryItemsAsync(start, limit, cancellationToken)).Select(LedgerJson.Entry)];

    /// <summary>
    /// The entry items with indexes in [start, start + limit), as sent. The server may answer with fewer items than asked
    /// (its own page size) or skip an index it does not have, so this asks again after the last index received.
    /// </summary>
    public async Task<List<JsonElement>> EntryItemsAsync(long start, int limit, CancellationToken cancellationToken)
    {
        var end = start + limit;
        var items = new List<JsonElement>();
        var next = start;
        while (next < end)
        {
            var page = await client.GetAsync(Root + "entries", new QueryParameters
            {
                { "start", Text(next) },
                { "limit", Text(end - next) },
            }, cancellationToken);
            var received = LedgerJson.Items(page.Body).ToList();
            var inRange = received.Where(e => LedgerJson.Index(e) >= next && LedgerJson.Index(e) < end).ToList();
            if (inRange.Count == 0)
            {
                break;
            }

            items.AddRange(inRange);
            next = LedgerJson.Index(inRange[^1]) + 1;
        }

        return items;
    }

    public async Task<byte[]?> TileAsync(int level, long index, CancellationToken cancellationToken)
    {
        try
        {
            return await client.GetBytesAsync(string.Create(CultureInfo.InvariantCulture, $"{Root}tiles/{level}/{index}"), null, cancellationToken);
        }
        catch (ApiProblem problem) when (problem.Status == 404)
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<byte[]>?> ConsistencyProofAsync(long fromSize, long toSize, CancellationToken cancellationToken)
    {
        var proof = await client.GetAsync(Root + "proof/consistency", new QueryParameters
        {
            { "from", Text(fromSize) },
            { "to", Text(toSize) },
        }, cancellationToken);
        return LedgerJson.Hashes(JsonDocument.Parse(proof.Body).RootElement.GetProperty("hashes"));
    }

    /// <summary>One entry by leaf index, as sent; null beyond the tree.</summary>
    public async Task<JsonElement?> EntryItemAsync(long index, CancellationToken cancellationToken)
    {
        try
        {
            return JsonDocument.Parse((await client.GetAsync(Root + "entries/" + Text(index), null, cancellationToken)).Body).RootElement.Clone();
        }
        catch (ApiProblem problem) when (problem.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Where an accepted entry stands: <c>{"entryId","status","index"?,"checkpointSize"?}</c>.</summary>
    public async Task<JsonElement> QueueAsync(string entryId, CancellationToken cancellationToken) =>
        JsonDocument.Parse((await client.GetAsync(Root + "queue/" + Uri.EscapeDataString(entryId), null, cancellationToken)).Body).RootElement.Clone();

    /// <summary>The inclusion proof of a leaf (by index or by leaf hash) in the tree of <paramref name="size"/>.</summary>
    public async Task<JsonElement> InclusionProofAsync(long? index, string? leafHash, long size, CancellationToken cancellationToken) =>
        JsonDocument.Parse((await client.GetAsync(Root + "proof/inclusion", new QueryParameters
        {
            { "index", index is { } i ? Text(i) : null },
            { "hash", leafHash },
            { "size", Text(size) },
        }, cancellationToken)).Body).RootElement.Clone();

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// A ledger exported with <c>crisisops ledger export</c>: <c>key.txt</c>, <c>checkpoint.txt</c>, <c>checkpoints.jsonl</c>,
/// <c>entries.jsonl</c> (one API item per line, by leaf index) and <c>tiles/&lt;level&gt;/&lt;index&gt;</c>. Entries are
/// streamed: the auditor asks for them in ascending pages, so a million entries need not sit in memory as JSON.
/// </summary>
internal sealed class ExportLedgerSource : ILedgerSource, IDisposable
{
    public const string KeyFile = "key.txt";
    public const string CheckpointFile = "checkpoint.txt";
    public const string CheckpointsFile = "checkpoints.jsonl";
    public const string EntriesFile = "entries.jsonl";
    public const string TilesDirectory = "tiles";

    private readonly string directory;
    private StreamReader? entries;
    private AuditEntry? pending;
    private long position = -1;

    public ExportLedgerSource(string directory)
    {
        this.directory = directory;
        foreach (var file in new[] { CheckpointFile, CheckpointsFile, EntriesFile })
        {
            if (!File.Exists(Path.Combine(directory, file)))
            {
                throw new CliUsageException(Localized.Format(Strings.Ledger_NotAnExport, directory, file));
            }
        }
    }

    public static string TilePath(string directory, int level, long index) =>
        Path.Combine(directory, TilesDirectory, level.ToString(CultureInfo.InvariantCulture), index.ToString(CultureInfo.InvariantCulture));

    public string? Key => File.Exists(Path.Combine(directory, KeyFile)) ? File.ReadAllText(Path.Combine(directory, KeyFile)).Trim() : null;

    public Task<string> LatestCheckpointAsync(CancellationToken cancellationToken) =>
        File.ReadAllTextAsync(Path.Combine(directory, CheckpointFile), cancellationToken);

    public async Task<IReadOnlyList<AuditCheckpoint>> CheckpointsAsync(long fromSize, int limit, CancellationToken cancellationToken)
    {
        var items = new List<AuditCheckpoint>();
        foreach (var line in await File.ReadAllLinesAsync(Path.Combine(directory, CheckpointsFile), cancellationToken))
        {
            if (line.Length > 0 && Parse(line, CheckpointsFile, LedgerJson.Checkpoint) is { } checkpoint && checkpoint.Size >= fromSize)
            {
                items.Add(checkpoint);
            }
        }

        return [.. items.OrderBy(c => c.Size).Take(limit)];
    }

    public async Task<IReadOnlyList<AuditEntry>> EntriesAsync(long start, int limit, CancellationToken cancellationToken)
    {
        if (entries is null || start <= position)
        {
            entries?.Dispose();
            entries = File.OpenText(Path.Combine(directory, EntriesFile));
            pending = null;
        }

        position = start;
        var end = start + limit;
        var page = new List<AuditEntry>();
        while (true)
        {
            var entry = pending;
            pending = null;
            if (entry is null)
            {
                var line = await entries.ReadLineAsync(cancellationToken);
                if (line is null)
                {
                    return page;
                }

                if (line.Length == 0)
                {
                    continue;
                }

                entry = Parse(line, EntriesFile, LedgerJson.Entry);
            }

            if (entry.Index >= end)
            {
                pending = entry;
                return page;
            }

            if (entry.Index >= start)
            {
                page.Add(entry);
            }
        }
    }

    public async Task<byte[]?> TileAsync(int level, long index, CancellationToken cancellationToken)
    {
        var path = TilePath(directory, level, index);
        return File.Exists(path) ? await File.ReadAllBytesAsync(path, cancellationToken) : null;
    }

    public Task<IReadOnlyList<byte[]>?> ConsistencyProofAsync(long fromSize, long toSize, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<byte[]>?>(null);

    public void Dispose() => entries?.Dispose();

    private static T Parse<T>(string line, string file, Func<JsonElement, T> read)
    {
        try
        {
            using var json = JsonDocument.Parse(line);
            return read(json.RootElement);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new CliUsageException(Localized.Format(Strings.Ledger_ExportLineUnreadable, file, e.Message));
        }
    }
}

/// <summary>
/// A copy of a server's SQLite database, read directly with SQL — not through the server's code, so that an audit of
/// the file trusts nothing of ours but the table layout (ledger_entries, ledger_leaves, ledger_tiles, ledger_checkpoints).
/// </summary>
internal sealed class SqliteLedgerSource : ILedgerSource, IDisposable
{
    private readonly SqliteConnection connection;

    public SqliteLedgerSource(string file)
    {
        if (!File.Exists(file))
        {
            throw new CliUsageException(Localized.Format(Strings.FileUnreadable, file, Strings.Ledger_NoSuchFile));
        }

        connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        try
        {
            connection.Open();
            using var check = Command("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('ledger_entries', 'ledger_leaves', 'ledger_tiles', 'ledger_checkpoints')");
            if (Convert.ToInt64(check.ExecuteScalar(), CultureInfo.InvariantCulture) != 4)
            {
                throw new CliUsageException(Localized.Format(Strings.Ledger_NotALedgerDatabase, file));
            }
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw new CliUsageException(Localized.Format(Strings.FileUnreadable, file, e.Message));
        }
    }

    public async Task<string> LatestCheckpointAsync(CancellationToken cancellationToken)
    {
        using var command = Command("SELECT Note FROM ledger_checkpoints ORDER BY Size DESC LIMIT 1");
        return await command.ExecuteScalarAsync(cancellationToken) as string ?? "";
    }

    public async Task<IReadOnlyList<AuditCheckpoint>> CheckpointsAsync(long fromSize, int limit, CancellationToken cancellationToken)
    {
        using var command = Command("SELECT Size, RootHash, Time, Note FROM ledger_checkpoints WHERE Size >= $from ORDER BY Size LIMIT $limit");
        command.Parameters.AddWithValue("$from", fromSize);
        command.Parameters.AddWithValue("$limit", limit);
        var items = new List<AuditCheckpoint>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(new AuditCheckpoint(reader.GetInt64(0), (byte[])reader.GetValue(1), Time(reader.GetString(2)), reader.GetString(3)));
        }

        return items;
    }

    public async Task<IReadOnlyList<AuditEntry>> EntriesAsync(long start, int limit, CancellationToken cancellationToken)
    {
        // A leaf whose entry row is gone comes back with a null body: the auditor names the entry that is missing.
        using var command = Command("""
            SELECT l."Index", l.EntryId, e.Body, e.LeafHash, e.Kind, e.SchemaVersion
            FROM ledger_leaves l LEFT JOIN ledger_entries e ON e.Id = l.EntryId
            WHERE l."Index" >= $start AND l."Index" < $end ORDER BY l."Index"
            """);
        command.Parameters.AddWithValue("$start", start);
        command.Parameters.AddWithValue("$end", start + limit);
        var items = new List<AuditEntry>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var present = !reader.IsDBNull(2);
            items.Add(new AuditEntry(reader.GetInt64(0), reader.GetInt64(1), present ? reader.GetString(2) : null,
                present ? (byte[])reader.GetValue(3) : null, present ? reader.GetString(4) : null, present ? reader.GetInt32(5) : null));
        }

        return items;
    }

    public async Task<byte[]?> TileAsync(int level, long index, CancellationToken cancellationToken)
    {
        using var command = Command("SELECT Hashes FROM ledger_tiles WHERE Level = $level AND \"Index\" = $index");
        command.Parameters.AddWithValue("$level", level);
        command.Parameters.AddWithValue("$index", index);
        return await command.ExecuteScalarAsync(cancellationToken) as byte[];
    }

    public Task<IReadOnlyList<byte[]>?> ConsistencyProofAsync(long fromSize, long toSize, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<byte[]>?>(null);

    public void Dispose() => connection.Dispose();

    private SqliteCommand Command(string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    private static DateTimeOffset Time(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}

/// <summary>Reading the public ledger API's items (the same JSON in an export's lines).</summary>
internal static class LedgerJson
{
    public static IEnumerable<JsonElement> Items(string body)
    {
        using var document = JsonDocument.Parse(body);
        return [.. document.RootElement.GetProperty("items").EnumerateArray().Select(e => e.Clone())];
    }

    public static long Index(JsonElement item) => item.GetProperty("index").GetInt64();

    public static AuditCheckpoint Checkpoint(JsonElement item) => new(
        item.GetProperty("size").GetInt64(),
        Convert.FromBase64String(item.GetProperty("rootHash").GetString()!),
        item.GetProperty("time").GetDateTimeOffset(),
        item.GetProperty("note").GetString()!);

    public static AuditEntry Entry(JsonElement item) => new(
        Index(item),
        item.TryGetProperty("entryId", out var id) && id.ValueKind == JsonValueKind.Number ? id.GetInt64() : null,
        item.TryGetProperty("body", out var body) && body.ValueKind == JsonValueKind.String ? body.GetString() : null,
        item.TryGetProperty("leafHash", out var hash) && hash.ValueKind == JsonValueKind.String ? Convert.FromBase64String(hash.GetString()!) : null,
        item.TryGetProperty("kind", out var kind) && kind.ValueKind == JsonValueKind.String ? kind.GetString() : null,
        item.TryGetProperty("schemaVersion", out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null);

    public static List<byte[]> Hashes(JsonElement array) => [.. array.EnumerateArray().Select(h => Convert.FromBase64String(h.GetString()!))];

    /// <summary>An item as one line of an export file.</summary>
    public static string Line(JsonElement item) => JsonNode.Parse(item.GetRawText())!.ToJsonString();
}
