using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using CrisisOps.Data;
using CrisisOps.Domain.Ledger;
using CrisisOps.Server.Platform;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Ledger;

public sealed record LedgerCheckpointItem(long Size, string RootHash, DateTimeOffset Time, string Note);

public sealed record LedgerCheckpointList(IReadOnlyList<LedgerCheckpointItem> Items);

/// <summary>An integrated entry; <see cref="Body"/> is the canonical JSON text exactly as hashed.</summary>
public sealed record LedgerEntryItem(long Index, long EntryId, string Kind, int SchemaVersion, string Body, string LeafHash,
    DateTimeOffset AcceptedAt, DateTimeOffset IntegratedAt);

public sealed record LedgerEntryList(long TreeSize, IReadOnlyList<LedgerEntryItem> Items);

public sealed record LedgerQueueStatus(
    long EntryId,
    string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Index,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? CheckpointSize);

public sealed record InclusionProofResponse(long Index, long TreeSize, string LeafHash, IReadOnlyList<string> Hashes, string RootHash);

public sealed record ConsistencyProofResponse(long From, long To, IReadOnlyList<string> Hashes, string ToRoot);

/// <summary>
/// The public log API of the sunshine ledger (docs/ledger.md): anonymous, read-only, cacheable. Everything a
/// verifier needs — the key, signed checkpoints, entries by leaf index, tiles, inclusion and consistency proofs — and
/// the queue status of an accepted entry. Proofs and entries for a size up to the latest checkpoint never change, so
/// they are served as immutable.
/// </summary>
public static class LedgerEndpoints
{
    public const string Prefix = "/api/v1/public/ledger";
    public const int MaxLimit = 1000;
    private const int DefaultLimit = 100;
    private const string Immutable = "public, max-age=31536000, immutable";
    private const string NoCache = "no-cache";
    private const string TextPlain = "text/plain; charset=utf-8";

    public static IEndpointRouteBuilder MapLedgerEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Prefix).AllowAnonymous().RequireRateLimiting(RateLimits.PublicRead).WithTags("Public");
        group.MapGet("/key", Key);
        group.MapGet("/checkpoint", CheckpointAsync);
        group.MapGet("/checkpoints", CheckpointsAsync);
        group.MapGet("/entries", EntriesAsync);
        group.MapGet("/entries/{index}", EntryAsync);
        group.MapGet("/queue/{entryId}", QueueAsync);
        group.MapGet("/proof/inclusion", InclusionAsync);
        group.MapGet("/proof/consistency", ConsistencyAsync);
        group.MapGet("/tiles/{level}/{index}", TileAsync);
        return app;
    }

    private static IResult Key(LedgerSettings settings, HttpContext http)
    {
        http.Response.Headers.CacheControl = "public, max-age=3600";
        return Results.Text(settings.VerifierKey + "\n", TextPlain, Encoding.UTF8);
    }

    private static async Task<IResult> CheckpointAsync(CrisisOpsDbContext db, HttpContext http, CancellationToken ct)
    {
        var latest = await LatestAsync(db, ct);
        var etag = $"\"{latest.Size.ToString(CultureInfo.InvariantCulture)}-{Convert.ToHexStringLower(latest.RootHash.AsSpan(0, 8))}\"";
        http.Response.Headers.CacheControl = NoCache;
        http.Response.Headers.ETag = etag;
        if (http.Request.Headers.IfNoneMatch.Any(v => v is not null && v.Split(',').Any(t => string.Equals(t.Trim(), etag, StringComparison.Ordinal))))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Text(latest.Note, TextPlain, Encoding.UTF8);
    }

    private static async Task<LedgerCheckpointList> CheckpointsAsync(string? from, string? limit, CrisisOpsDbContext db, HttpContext http,
        CancellationToken ct)
    {
        var errors = new FieldErrors();
        var start = Number(errors, "from", from, 0, 0, long.MaxValue);
        var take = (int)Number(errors, "limit", limit, DefaultLimit, 1, MaxLimit);
        errors.ThrowIfAny();
        var rows = await db.LedgerCheckpoints.AsNoTracking().Where(c => c.Size >= start).OrderBy(c => c.Size).Take(take).ToListAsync(ct);

        // Checkpoints are appended and never change: a full page is final, a short one grows.
        http.Response.Headers.CacheControl = rows.Count == take ? Immutable : NoCache;
        return new LedgerCheckpointList([.. rows.Select(c => new LedgerCheckpointItem(c.Size, Convert.ToBase64String(c.RootHash), c.Time, c.Note))]);
    }

    private static async Task<LedgerEntryList> EntriesAsync(string? start, string? limit, CrisisOpsDbContext db, HttpContext http, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var first = Number(errors, "start", start, 0, 0, long.MaxValue);
        var take = (int)Number(errors, "limit", limit, DefaultLimit, 1, MaxLimit);
        errors.ThrowIfAny();
        var size = (await LatestAsync(db, ct)).Size;
        var items = first >= size ? [] : await ItemsAsync(db, first, Math.Min(first + take, size), ct);

        // A full page of integrated entries never changes (treeSize then says only that the tree had reached it).
        http.Response.Headers.CacheControl = items.Count == take ? Immutable : NoCache;
        return new LedgerEntryList(size, items);
    }

    private static async Task<LedgerEntryItem> EntryAsync(string index, CrisisOpsDbContext db, HttpContext http, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var at = Number(errors, "index", index, null, 0, long.MaxValue);
        errors.ThrowIfAny();
        var size = (await LatestAsync(db, ct)).Size;
        var item = at < size ? (await ItemsAsync(db, at, at + 1, ct)).SingleOrDefault() : null;
        if (item is null)
        {
            throw EntryNotFound(at < size
                ? $"The tree has no entry at index {at}: its leaf is missing from the store."
                : $"Index {at} lies beyond the tree of {size} entries.");
        }

        http.Response.Headers.CacheControl = Immutable;
        return item;
    }

    private static async Task<LedgerQueueStatus> QueueAsync(string entryId, CrisisOpsDbContext db, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var id = Number(errors, "entryId", entryId, null, 1, long.MaxValue);
        errors.ThrowIfAny();
        if (!await db.LedgerEntries.AnyAsync(e => e.Id == id, ct))
        {
            throw EntryNotFound($"No entry {id} was accepted.");
        }

        var leaf = await db.LedgerLeaves.AsNoTracking().Where(l => l.EntryId == id).Select(l => (long?)l.Index).SingleOrDefaultAsync(ct);
        if (leaf is not { } index)
        {
            return new LedgerQueueStatus(id, "pending", null, null);
        }

        // The checkpoint that first covered the leaf: the one signed with its batch.
        var checkpoint = await db.LedgerCheckpoints.AsNoTracking().Where(c => c.Size > index).MinAsync(c => (long?)c.Size, ct);
        return new LedgerQueueStatus(id, "integrated", index, checkpoint);
    }

    private static async Task<InclusionProofResponse> InclusionAsync(string? index, string? hash, string? size, CrisisOpsDbContext db,
        LedgerTree tree, HttpContext http, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var treeSize = Number(errors, "size", size, null, 0, long.MaxValue);
        long at = 0;
        byte[]? leafHash = null;
        if (index is null == hash is null)
        {
            errors.Add(index is null ? "index" : "hash", "Give the leaf's index or its hash (base64), one of the two.");
        }
        else if (index is not null)
        {
            at = Number(errors, "index", index, null, 0, long.MaxValue);
        }
        else if (!TryBase64(hash!.Replace(' ', '+'), out leafHash) || leafHash.Length != MerkleHash.Size)
        {
            errors.Add("hash", "A leaf hash is 32 bytes in standard base64.");
        }

        errors.ThrowIfAny();
        await EnsureCheckpointedAsync(db, tree, treeSize, "The size", ct);
        if (leafHash is not null)
        {
            at = tree.Levels.IndexOf(leafHash, treeSize);
            if (at < 0)
            {
                throw EntryNotFound($"No leaf in the tree of {treeSize} entries has the hash {hash}.");
            }
        }
        else if (at >= treeSize)
        {
            throw OutOfRange($"The index {at} does not lie inside a tree of {treeSize} entries.");
        }

        var proof = tree.Levels.InclusionProof(at, treeSize);
        http.Response.Headers.CacheControl = Immutable;
        return new InclusionProofResponse(at, treeSize, Convert.ToBase64String(tree.Levels.LeafHash(at)), [.. proof.Select(Convert.ToBase64String)],
            Convert.ToBase64String(tree.Levels.Root(treeSize)));
    }

    private static async Task<ConsistencyProofResponse> ConsistencyAsync(string? from, string? to, CrisisOpsDbContext db, LedgerTree tree,
        HttpContext http, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var m = Number(errors, "from", from, null, 0, long.MaxValue);
        var n = Number(errors, "to", to, null, 0, long.MaxValue);
        errors.ThrowIfAny();
        if (m > n)
        {
            throw OutOfRange($"from ({m}) is larger than to ({n}); a tree is consistent only with the trees it grew from.");
        }

        await EnsureCheckpointedAsync(db, tree, n, "to", ct);
        var proof = tree.Levels.ConsistencyProof(m, n);
        http.Response.Headers.CacheControl = Immutable;
        return new ConsistencyProofResponse(m, n, [.. proof.Select(Convert.ToBase64String)], Convert.ToBase64String(tree.Levels.Root(n)));
    }

    private static async Task<IResult> TileAsync(string level, string index, CrisisOpsDbContext db, HttpContext http, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var tileLevel = (int)Number(errors, "level", level, null, 0, 7);
        var tileIndex = Number(errors, "index", index, null, 0, long.MaxValue);
        errors.ThrowIfAny();
        var tile = await db.LedgerTiles.AsNoTracking().SingleOrDefaultAsync(t => t.Level == tileLevel && t.Index == tileIndex, ct)
            ?? throw ProblemException.NotFound($"Tile {tileLevel}/{tileIndex}");
        http.Response.Headers.CacheControl = tile.IsFull ? Immutable : NoCache;
        http.Response.Headers["X-Tile-Width"] = tile.Width.ToString(CultureInfo.InvariantCulture);
        return Results.Bytes(tile.Hashes, "application/octet-stream");
    }

    private static async Task<LedgerCheckpoint> LatestAsync(CrisisOpsDbContext db, CancellationToken ct) =>
        await db.LedgerCheckpoints.AsNoTracking().OrderByDescending(c => c.Size).FirstOrDefaultAsync(ct)
        ?? throw new ProblemException(StatusCodes.Status503ServiceUnavailable, "ledger-unavailable", "The ledger has not started yet.",
            "No checkpoint is signed yet; try again in a moment.");

    /// <summary>Entries at leaf indexes [from, to), in index order.</summary>
    private static async Task<List<LedgerEntryItem>> ItemsAsync(CrisisOpsDbContext db, long first, long end, CancellationToken ct)
    {
        var rows = await (from l in db.LedgerLeaves.AsNoTracking()
                          where l.Index >= first && l.Index < end
                          join e in db.LedgerEntries.AsNoTracking() on l.EntryId equals e.Id
                          orderby l.Index
                          select new { l.Index, l.EntryId, e.Kind, e.SchemaVersion, e.Body, e.LeafHash, e.AcceptedAt, l.IntegratedAt })
            .ToListAsync(ct);
        return rows.ConvertAll(r => new LedgerEntryItem(r.Index, r.EntryId, r.Kind, r.SchemaVersion, r.Body, Convert.ToBase64String(r.LeafHash),
            r.AcceptedAt, r.IntegratedAt));
    }

    /// <summary>
    /// Refuses a size beyond the latest checkpoint and makes sure the tree holds it. The tree publishes only checkpointed
    /// sizes, so a size it already holds needs no database round trip — the hot path of proofs at the latest checkpoint.
    /// </summary>
    private static async Task EnsureCheckpointedAsync(CrisisOpsDbContext db, LedgerTree tree, long size, string what, CancellationToken ct)
    {
        if (size <= tree.Size)
        {
            return;
        }

        var latest = (await LatestAsync(db, ct)).Size;
        if (size > latest)
        {
            throw OutOfRange($"{what} ({size}) lies beyond the latest checkpoint ({latest}).");
        }

        if (!await tree.EnsureSizeAsync(size, ct))
        {
            throw new ProblemException(StatusCodes.Status503ServiceUnavailable, "ledger-unavailable", "The stored tree does not reach this size.",
                $"The stored tiles end before {size} entries ({tree.Problem}); the operators are told.");
        }
    }

    /// <summary>A query or route number: absent → the default (or an error when required), otherwise an integer in [min, max].</summary>
    private static long Number(FieldErrors errors, string field, string? text, long? fallback, long min, long max)
    {
        if (string.IsNullOrEmpty(text))
        {
            if (fallback is { } value)
            {
                return value;
            }

            errors.Add(field, $"{field} is required.");
            return min;
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < min || number > max)
        {
            errors.Add(field, max == long.MaxValue
                ? $"{field} must be a whole number of at least {min}."
                : $"{field} must be a whole number from {min} to {max}.");
            return min;
        }

        return number;
    }

    private static bool TryBase64(string text, out byte[] bytes)
    {
        bytes = new byte[(text.Length * 3 / 4) + 3];
        if (Convert.TryFromBase64String(text, bytes, out var written))
        {
            bytes = bytes[..written];
            return true;
        }

        bytes = [];
        return false;
    }

    private static ProblemException OutOfRange(string detail) =>
        new(StatusCodes.Status400BadRequest, "ledger-proof-out-of-range", "The proof asks about a tree that does not exist.", detail);

    private static ProblemException EntryNotFound(string detail) =>
        new(StatusCodes.Status404NotFound, "ledger-entry-not-found", "No such ledger entry.", detail);
}
