using System.Text.Json.Nodes;
using CrisisOps.Data;
using CrisisOps.Domain.Ledger;
using CrisisOps.Domain.Needs;
using CrisisOps.Domain.Resources;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Ledger.Sources;

/// <summary>
/// The ledger entries of goods that move (docs/ledger-entries.md): called by <c>StockKeeper</c> and <c>NeedBoard</c>
/// where they make the change, in the same unit of work, so a movement and its public record commit together.
/// Reservations and releases move nothing and are not recorded. What is published is what the entry schema names:
/// codes, quantities, units, need and donation numbers — never the free-text source of a receipt, a staff member's
/// name or a free-form reference (any of which may name a person).
/// </summary>
public static class SourceEntries
{
    /// <summary>Goods came into a warehouse; a donation's goods carry its number and donor.</summary>
    public static async Task StockReceivedAsync(CrisisOpsDbContext db, Warehouse warehouse, Item item, decimal quantity, DateOnly? expires,
        StockReference? reference, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(warehouse);
        ArgumentNullException.ThrowIfNull(item);
        var body = Envelope(LedgerEntryKinds.StockReceipt, now, warehouse.RegionCode);
        Goods(body, warehouse.Code, item, quantity);
        if (expires is { } date)
        {
            body["expires"] = date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        }

        var key = "stock-receipt:" + Guid.CreateVersion7(now).ToString("N");
        if (reference is { Type: DonationReference } && Guid.TryParse(reference.Id, out var donationId)
            && (db.Donations.Local.FirstOrDefault(d => d.Id == donationId)
                ?? await db.Donations.AsNoTracking().SingleOrDefaultAsync(d => d.Id == donationId, ct)) is { } donation)
        {
            body["donation"] = donation.Number;
            body["party"] = donation.Party;

            // One donation, one receipt: derived from the donation, so no path can append its receipt twice.
            key = "stock-receipt:" + donation.LedgerKey;
        }
        else if (await NeedNumberAsync(db, reference, ct) is { } need)
        {
            body["need"] = need;
        }

        Append(db, key, body, now);
    }

    /// <summary>Goods left a warehouse (with or without a reservation); one entry for the whole quantity, whatever the lots.</summary>
    public static async Task StockIssuedAsync(CrisisOpsDbContext db, Warehouse warehouse, Item item, decimal quantity, StockReference? reference,
        DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(warehouse);
        ArgumentNullException.ThrowIfNull(item);
        var body = Envelope(LedgerEntryKinds.StockIssue, now, warehouse.RegionCode);
        Goods(body, warehouse.Code, item, quantity);
        if (await NeedNumberAsync(db, reference, ct) is { } need)
        {
            body["need"] = need;
        }

        Append(db, "stock-issue:" + Guid.CreateVersion7(now).ToString("N"), body, now);
    }

    /// <summary>Goods moved between two warehouses: one entry, in the sending warehouse's region, naming both.</summary>
    public static async Task StockTransferredAsync(CrisisOpsDbContext db, Warehouse from, Warehouse to, Item item, decimal quantity,
        StockReference? reference, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(item);
        var body = Envelope(LedgerEntryKinds.Transfer, now, from.RegionCode);
        Goods(body, from.Code, item, quantity);
        body["to"] = to.Code;
        body["toRegion"] = to.RegionCode;
        if (await NeedNumberAsync(db, reference, ct) is { } need)
        {
            body["need"] = need;
        }

        Append(db, "transfer:" + Guid.CreateVersion7(now).ToString("N"), body, now);
    }

    /// <summary>
    /// The receiver confirmed what arrived against a claim (zero is a true answer and is recorded too). The claiming
    /// organisation appears by its code; an allocation from our stock by its warehouse.
    /// </summary>
    public static void DeliveryConfirmed(CrisisOpsDbContext db, Need need, NeedClaim claim, decimal received, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(need);
        ArgumentNullException.ThrowIfNull(claim);
        var body = Envelope(LedgerEntryKinds.DeliveryConfirmed, now, need.RegionCode);
        body["need"] = need.Number;
        body["claim"] = claim.Id.ToString();
        body["quantity"] = LedgerEntry.FormatDecimal(received);
        body["claimed"] = LedgerEntry.FormatDecimal(claim.Quantity);
        body["unit"] = need.Unit;
        if (need.ItemCode is { } item)
        {
            body["item"] = item;
        }

        if (claim.Organisation is { Length: > 0 } organisation)
        {
            body["party"] = organisation;
        }

        if (claim.Warehouse is { } warehouse)
        {
            body["warehouse"] = warehouse;
        }

        if (need.IsExercise)
        {
            body["exercise"] = "true";
        }

        // A claim's receipt is confirmed once (receipt-already-confirmed), so the claim names the event.
        Append(db, "delivery-confirmed:" + claim.Id.ToString("N"), body, now);
    }

    /// <summary>The reference type a donation's stock receipt carries (its id: the donation's).</summary>
    public const string DonationReference = "donation";

    /// <summary>
    /// The need a movement serves, when its reference leads to one: a need (id or number), a claim, a matching proposal,
    /// or a reservation made for one of these. Anything else is not published.
    /// </summary>
    public static async Task<string?> NeedNumberAsync(CrisisOpsDbContext db, StockReference? reference, CancellationToken ct, int depth = 0)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (reference is null)
        {
            return null;
        }

        var id = Guid.TryParse(reference.Id, out var guid) ? guid : (Guid?)null;
        switch (reference.Type)
        {
            case "need":
                return id is { } needId
                    ? await db.Needs.Where(n => n.Id == needId).Select(n => n.Number).SingleOrDefaultAsync(ct)
                    : await db.Needs.Where(n => n.Number == reference.Id).Select(n => n.Number).SingleOrDefaultAsync(ct);
            case "need-claim" when id is { } claimId:
                return await (from c in db.NeedClaims where c.Id == claimId join n in db.Needs on c.NeedId equals n.Id select n.Number)
                    .SingleOrDefaultAsync(ct);
            case "need-proposal" when id is { } proposalId:
                return db.MatchProposals.Local.FirstOrDefault(p => p.Id == proposalId)?.NeedNumber
                    ?? await db.MatchProposals.Where(p => p.Id == proposalId).Select(p => p.NeedNumber).SingleOrDefaultAsync(ct);
            case "reservation" when id is { } reservationId && depth == 0:
                var reservation = db.Reservations.Local.FirstOrDefault(r => r.Id == reservationId)
                    ?? await db.Reservations.AsNoTracking().SingleOrDefaultAsync(r => r.Id == reservationId, ct);
                return reservation is { ReferenceType: { } type, ReferenceId: { } rid }
                    ? await NeedNumberAsync(db, new StockReference(type, rid), ct, depth + 1)
                    : null;
            default:
                return null;
        }
    }

    private static JsonObject Envelope(string kind, DateTimeOffset now, string region) => new()
    {
        ["v"] = LedgerEntryKinds.SchemaVersion(kind),
        ["kind"] = kind,
        ["time"] = LedgerEntry.FormatTime(now),
        ["region"] = region,
    };

    private static void Goods(JsonObject body, string warehouse, Item item, decimal quantity)
    {
        body["warehouse"] = warehouse;
        body["item"] = item.Code;
        body["quantity"] = LedgerEntry.FormatDecimal(quantity);

        // The unit travels with the entry: a catalogue edit later must not change what a published quantity means.
        body["unit"] = item.UnitEn;
    }

    private static void Append(CrisisOpsDbContext db, string key, JsonObject body, DateTimeOffset now) =>
        db.AppendToLedger(key, LedgerEntrySchema.Check(body), now);
}
