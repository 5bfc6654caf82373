using CrisisOps.Data;
using CrisisOps.Domain.Ledger;
using CrisisOps.Domain.Resources;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Ledger.Sources;

/// <summary>
/// Where an accepted entry stands: <c>pending</c> (in the queue, not yet in the tree) or <c>included</c> at leaf
/// <see cref="Index"/>, first covered by the signed checkpoint of size <see cref="CheckpointSize"/> made at
/// <see cref="CheckpointTime"/> (the smallest checkpoint larger than the index).
/// </summary>
public sealed record LedgerStatusDto(string State, long EntryId, long? Index, long? CheckpointSize, DateTimeOffset? CheckpointTime)
{
    public const string Pending = "pending";
    public const string Included = "included";

    public bool IsIncluded => State == Included;
}

/// <summary>A public search: any of need number, warehouse code, party (pseudonym or organisation), item code, kind.</summary>
public sealed record LedgerQuery(string? Need, string? Warehouse, string? Party, string? Item, string? Kind, int Limit = LedgerQuery.DefaultLimit,
    long? Before = null)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;
}

/// <summary>One entry found: the search columns, the canonical body as hashed, and its inclusion status.</summary>
public sealed record LedgerSearchItem(long EntryId, string Kind, int SchemaVersion, DateTimeOffset Time, string Region, string? Need, string? Warehouse,
    string? Party, string? Item, string Body, string LeafHash, DateTimeOffset AcceptedAt, LedgerStatusDto Status);

/// <summary>Newest first; <see cref="Next"/> is the <c>before</c> cursor of the next page, null at the end.</summary>
public sealed record LedgerSearchResult(IReadOnlyList<LedgerSearchItem> Items, long? Next);

/// <summary>The latest signed checkpoint, as the public page shows it.</summary>
public sealed record LatestCheckpoint(long Size, string RootHash, DateTimeOffset Time);

/// <summary>
/// Reads the public record for the search endpoint and the public page: the search columns of
/// <c>ledger_entries</c>, each entry's leaf (if integrated) and the checkpoint that first covers it.
/// </summary>
public static class LedgerSearch
{
    /// <remarks>
    /// A need, party or warehouse goes through the integrator's search postings (<see cref="LedgerSearchPosting"/>) for the
    /// integrated part of the log, and through a scan of the pending tail (entries after the last leaf: at most one
    /// integration interval's worth) for the rest, so an entry is found from the moment it is accepted. Other searches
    /// (item, kind, or none) read the entries newest first.
    /// </remarks>
    public static async Task<LedgerSearchResult> FindAsync(CrisisOpsDbContext db, LedgerQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(query);
        var wanted = query.Limit + 1;
        List<LedgerEntry> page;
        if (PostingKey(query) is { } key)
        {
            var lastIntegrated = await db.LedgerLeaves.AsNoTracking().MaxAsync(l => (long?)l.EntryId, ct) ?? 0;
            page = await Filtered(db.LedgerEntries.AsNoTracking().Where(e => e.Id > lastIntegrated), query)
                .OrderByDescending(e => e.Id).Take(wanted).ToListAsync(ct);
            if (page.Count < wanted)
            {
                var before = query.Before ?? long.MaxValue;
                var posted = from p in db.LedgerSearch.AsNoTracking()
                             where p.Key == key && p.EntryId <= lastIntegrated && p.EntryId < before
                             join e in db.LedgerEntries.AsNoTracking() on p.EntryId equals e.Id
                             orderby p.EntryId descending
                             select e;
                page.AddRange(await Filtered(posted, query with { Before = null }).Take(wanted - page.Count).ToListAsync(ct));
            }
        }
        else
        {
            page = await Filtered(db.LedgerEntries.AsNoTracking(), query).OrderByDescending(e => e.Id).Take(wanted).ToListAsync(ct);
        }

        var shown = page.Take(query.Limit).ToList();
        var statuses = await StatusesAsync(db, [.. shown.Select(e => e.Id)], ct);
        return new LedgerSearchResult(
            [.. shown.Select(e => new LedgerSearchItem(e.Id, e.Kind, e.SchemaVersion, e.Time, e.RegionCode, e.NeedNumber, e.WarehouseCode, e.Party,
                e.ItemCode, e.Body, Convert.ToBase64String(e.LeafHash), e.AcceptedAt, statuses[e.Id]))],
            page.Count > query.Limit ? shown[^1].Id : null);
    }

    /// <summary>The posting to search by: the most selective key the query has (a need, then a party, then a warehouse).</summary>
    private static string? PostingKey(LedgerQuery query) =>
        query.Need is { } need ? LedgerSearchPosting.KeyOf(LedgerSearchPosting.Need, need)
        : query.Party is { } party ? LedgerSearchPosting.KeyOf(LedgerSearchPosting.Party, party)
        : query.Warehouse is { } warehouse ? LedgerSearchPosting.KeyOf(LedgerSearchPosting.Warehouse, warehouse)
        : null;

    /// <summary>Every condition of the query on the entries' own columns (the posting, where used, has already chosen the key).</summary>
    private static IQueryable<LedgerEntry> Filtered(IQueryable<LedgerEntry> entries, LedgerQuery query)
    {
        if (query.Need is { } need)
        {
            entries = entries.Where(e => e.NeedNumber == need);
        }

        if (query.Warehouse is { } warehouse)
        {
            // A transfer is filed under its sending warehouse; the receiving one is found in the body. Warehouse codes are
            // kebab-case, so the canonical text "to":"code" cannot occur by accident elsewhere in a transfer's body.
            var to = $"\"to\":\"{warehouse}\"";
            entries = Item.IsValidCode(warehouse)
                ? entries.Where(e => e.WarehouseCode == warehouse || (e.Kind == LedgerEntryKinds.Transfer && e.Body.Contains(to)))
                : entries.Where(e => e.WarehouseCode == warehouse);
        }

        if (query.Party is { } party)
        {
            entries = entries.Where(e => e.Party == party);
        }

        if (query.Item is { } item)
        {
            entries = entries.Where(e => e.ItemCode == item);
        }

        if (query.Kind is { } kind)
        {
            entries = entries.Where(e => e.Kind == kind);
        }

        if (query.Before is { } before)
        {
            entries = entries.Where(e => e.Id < before);
        }

        return entries;
    }

    /// <summary>One entry by id, with its status; null when there is none.</summary>
    public static async Task<LedgerSearchItem?> EntryAsync(CrisisOpsDbContext db, long entryId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var e = await db.LedgerEntries.AsNoTracking().SingleOrDefaultAsync(x => x.Id == entryId, ct);
        if (e is null)
        {
            return null;
        }

        var status = (await StatusesAsync(db, [e.Id], ct))[e.Id];
        return new LedgerSearchItem(e.Id, e.Kind, e.SchemaVersion, e.Time, e.RegionCode, e.NeedNumber, e.WarehouseCode, e.Party, e.ItemCode, e.Body,
            Convert.ToBase64String(e.LeafHash), e.AcceptedAt, status);
    }

    public static async Task<LatestCheckpoint?> LatestCheckpointAsync(CrisisOpsDbContext db, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var c = await db.LedgerCheckpoints.AsNoTracking().OrderByDescending(c => c.Size)
            .Select(c => new { c.Size, c.RootHash, c.Time }).FirstOrDefaultAsync(ct);
        return c is null ? null : new LatestCheckpoint(c.Size, Convert.ToBase64String(c.RootHash), c.Time);
    }

    /// <summary>
    /// The status of each entry: its leaf, and the smallest checkpoint larger than the leaf's index. Two queries for the
    /// checkpoints whatever the number of entries: the first covering the largest index bounds the range to read.
    /// </summary>
    public static async Task<IReadOnlyDictionary<long, LedgerStatusDto>> StatusesAsync(CrisisOpsDbContext db, IReadOnlyCollection<long> entryIds,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(entryIds);
        var result = entryIds.Distinct().ToDictionary(id => id, id => new LedgerStatusDto(LedgerStatusDto.Pending, id, null, null, null));
        if (result.Count == 0)
        {
            return result;
        }

        var ids = result.Keys.ToList();
        var leaves = await db.LedgerLeaves.AsNoTracking().Where(l => ids.Contains(l.EntryId)).Select(l => new { l.EntryId, l.Index }).ToListAsync(ct);
        if (leaves.Count == 0)
        {
            return result;
        }

        var low = leaves.Min(l => l.Index);
        var high = leaves.Max(l => l.Index);
        var last = await db.LedgerCheckpoints.AsNoTracking().Where(c => c.Size > high).OrderBy(c => c.Size).Select(c => (long?)c.Size)
            .FirstOrDefaultAsync(ct);
        var checkpoints = await db.LedgerCheckpoints.AsNoTracking()
            .Where(c => c.Size > low && (last == null || c.Size <= last))
            .OrderBy(c => c.Size).Select(c => new { c.Size, c.Time }).ToListAsync(ct);
        foreach (var leaf in leaves)
        {
            // The integrator writes a leaf and its checkpoint in one transaction, so a leaf without one is only seen mid-way
            // by a reader on another replica's snapshot: still pending to the reader.
            var covering = checkpoints.FirstOrDefault(c => c.Size > leaf.Index);
            result[leaf.EntryId] = covering is null
                ? new LedgerStatusDto(LedgerStatusDto.Pending, leaf.EntryId, null, null, null)
                : new LedgerStatusDto(LedgerStatusDto.Included, leaf.EntryId, leaf.Index, covering.Size, covering.Time);
        }

        return result;
    }
}
