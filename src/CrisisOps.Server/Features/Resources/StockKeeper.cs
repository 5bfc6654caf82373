using CrisisOps.Data;
using CrisisOps.Domain;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Regions;
using CrisisOps.Domain.Resources;
using CrisisOps.Server.Features.Ledger.Sources;
using CrisisOps.Server.Platform;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Resources;

/// <summary>What one warehouse can give of an item now: on hand in unexpired lots minus what is reserved.</summary>
public sealed record AvailableStock(Guid WarehouseId, string WarehouseCode, string WarehouseName, string RegionCode, string RegionPath,
    GeoPoint? Location, string ItemCode, decimal Available);

/// <summary>The result of a stock change: the ledger lines it wrote (with sequence numbers after the save).</summary>
public sealed record StockChange(IReadOnlyList<StockMovement> Movements, Reservation? Reservation = null);

/// <summary>
/// Moves stock. Every method works in the caller's <see cref="CrisisOpsDbContext"/> and does not save,
/// so a caller can combine a reservation with orders in one transaction; what it adds is the balance
/// change, the ledger lines and the journal entry. Balances carry a concurrency token: when two
/// writers read the same numbers, the second save fails with <see cref="DbUpdateConcurrencyException"/>
/// and the whole unit of work must run again on fresh numbers — <see cref="RunAsync{T}"/> does that.
/// </summary>
public sealed class StockKeeper(UnitOfWork unitOfWork, IDbContextFactory<CrisisOpsDbContext> factory)
{
    /// <summary>
    /// Runs <paramref name="work"/> and saves; when a concurrent writer changed the same balance (or created it
    /// first), runs it again from the start in a new context (see <see cref="UnitOfWork"/>).
    /// </summary>
    public Task<T> RunAsync<T>(Func<CrisisOpsDbContext, Task<T>> work, CancellationToken ct) => unitOfWork.RunAsync(work, ct);

    /// <exception cref="DomainException">invalid-quantity, expired-on-receipt.</exception>
    public async Task<StockChange> ReceiveAsync(CrisisOpsDbContext db, Guid warehouseId, string itemCode, decimal quantity, DateOnly? expires,
        StockReference? reference, string? source, string actor, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var (warehouse, item) = await LoadAsync(db, warehouseId, itemCode, ct);
        var balance = await BalanceAsync(db, warehouse, item, create: true, ct);
        balance!.Receive(quantity, item.Discrete, expires, Today(now));
        var movement = new StockMovement(MovementKind.Receive, warehouse, item.Code, quantity, expires, null, reference, source, actor, now);
        db.StockMovements.Add(movement);
        db.Append(new JournalRecord(now, actor, JournalTypes.StockReceived, warehouse.RegionCode, warehouse.RegionPath, null,
            new { warehouse = warehouse.Code, item = item.Code, quantity, expires, source, reference }));
        await SourceEntries.StockReceivedAsync(db, warehouse, item, quantity, expires, reference, now, ct);
        return new StockChange([movement]);
    }

    /// <summary>Issues FEFO from unexpired, unreserved stock; one ledger line per lot taken.</summary>
    /// <exception cref="DomainException">invalid-quantity; insufficient-stock (409).</exception>
    public async Task<StockChange> IssueAsync(CrisisOpsDbContext db, Guid warehouseId, string itemCode, decimal quantity, StockReference? reference,
        string actor, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var (warehouse, item) = await LoadAsync(db, warehouseId, itemCode, ct);
        var balance = await RequireBalanceAsync(db, warehouse, item, ct);
        var taken = balance.Issue(quantity, item.Discrete, Today(now));
        var movements = taken.Select(t => new StockMovement(MovementKind.Issue, warehouse, item.Code, t.Quantity, t.Expires, null, reference, null,
            actor, now)).ToList();
        db.StockMovements.AddRange(movements);
        db.Append(new JournalRecord(now, actor, JournalTypes.StockIssued, warehouse.RegionCode, warehouse.RegionPath, null,
            new { warehouse = warehouse.Code, item = item.Code, quantity, lots = taken, reference }));
        await SourceEntries.StockIssuedAsync(db, warehouse, item, quantity, reference, now, ct);
        return new StockChange(movements);
    }

    /// <summary>Moves goods between warehouses, lot by lot (FEFO), keeping their expiry dates.</summary>
    /// <exception cref="DomainException">invalid-quantity; same-warehouse; insufficient-stock (409).</exception>
    public async Task<StockChange> TransferAsync(CrisisOpsDbContext db, Guid fromId, Guid toId, string itemCode, decimal quantity,
        StockReference? reference, string actor, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (fromId == toId)
        {
            throw new DomainException("same-warehouse", "A transfer goes between two different warehouses.");
        }

        var (from, item) = await LoadAsync(db, fromId, itemCode, ct);
        var (to, _) = await LoadAsync(db, toId, itemCode, ct);
        var source = await RequireBalanceAsync(db, from, item, ct);
        var target = await BalanceAsync(db, to, item, create: true, ct);
        var today = Today(now);
        var taken = source.Issue(quantity, item.Discrete, today);
        var movements = new List<StockMovement>();
        foreach (var lot in taken)
        {
            target!.Receive(lot.Quantity, discrete: false, lot.Expires, today);
            movements.Add(new StockMovement(MovementKind.TransferOut, from, item.Code, lot.Quantity, lot.Expires, to.Code, reference, null, actor, now));
            movements.Add(new StockMovement(MovementKind.TransferIn, to, item.Code, lot.Quantity, lot.Expires, from.Code, reference, null, actor, now));
        }

        db.StockMovements.AddRange(movements);

        // One entry on each side, so both regions' journals show the goods leaving and arriving.
        db.Append(new JournalRecord(now, actor, JournalTypes.StockTransferred, from.RegionCode, from.RegionPath, null,
            new { direction = "out", from = from.Code, to = to.Code, item = item.Code, quantity, lots = taken, reference }));
        db.Append(new JournalRecord(now, actor, JournalTypes.StockTransferred, to.RegionCode, to.RegionPath, null,
            new { direction = "in", from = from.Code, to = to.Code, item = item.Code, quantity, lots = taken, reference }));
        await SourceEntries.StockTransferredAsync(db, from, to, item, quantity, reference, now, ct);
        return new StockChange(movements);
    }

    /// <summary>Sets goods aside for a purpose (a proposal, an order); available drops, on hand stays.</summary>
    /// <exception cref="DomainException">invalid-quantity; insufficient-stock (409).</exception>
    public async Task<Reservation> ReserveAsync(CrisisOpsDbContext db, Guid warehouseId, string itemCode, decimal quantity, StockReference? reference,
        string actor, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var (warehouse, item) = await LoadAsync(db, warehouseId, itemCode, ct);
        var balance = await RequireBalanceAsync(db, warehouse, item, ct);
        var reservation = Reservation.Place(balance, warehouse.Code, quantity, item.Discrete, reference, warehouse.RegionCode, now, actor);
        db.Reservations.Add(reservation);
        db.StockMovements.Add(new StockMovement(MovementKind.Reserve, warehouse, item.Code, quantity, null, null,
            new StockReference("reservation", reservation.Id.ToString()), null, actor, now));
        db.Append(new JournalRecord(now, actor, JournalTypes.StockReserved, warehouse.RegionCode, warehouse.RegionPath, null,
            new { reservationId = reservation.Id, warehouse = warehouse.Code, item = item.Code, quantity, reference }));
        return reservation;
    }

    /// <summary>Gives a reservation's remainder back.</summary>
    /// <exception cref="DomainException">reservation-closed (409).</exception>
    public async Task<StockChange> ReleaseAsync(CrisisOpsDbContext db, Reservation reservation, string actor, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(reservation);
        var warehouse = await db.Warehouses.SingleAsync(w => w.Id == reservation.WarehouseId, ct);
        var balance = await db.StockBalances.Include(b => b.Lots).SingleAsync(b => b.Id == reservation.BalanceId, ct);
        var released = reservation.Release(balance, now);
        var movement = new StockMovement(MovementKind.Release, warehouse, reservation.ItemCode, released, null, null,
            new StockReference("reservation", reservation.Id.ToString()), null, actor, now);
        db.StockMovements.Add(movement);
        db.Append(new JournalRecord(now, actor, JournalTypes.StockReleased, warehouse.RegionCode, warehouse.RegionPath, null,
            new { reservationId = reservation.Id, warehouse = warehouse.Code, item = reservation.ItemCode, quantity = released }));
        return new StockChange([movement], reservation);
    }

    /// <summary>Issues against a reservation, FEFO.</summary>
    /// <exception cref="DomainException">invalid-quantity; reservation-closed, over-reservation, insufficient-stock (409).</exception>
    public async Task<StockChange> IssueReservedAsync(CrisisOpsDbContext db, Reservation reservation, decimal quantity, string actor,
        DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(reservation);
        var warehouse = await db.Warehouses.SingleAsync(w => w.Id == reservation.WarehouseId, ct);
        var item = await db.Items.SingleAsync(i => i.Code == reservation.ItemCode, ct);
        var balance = await db.StockBalances.Include(b => b.Lots).SingleAsync(b => b.Id == reservation.BalanceId, ct);
        var taken = reservation.Issue(balance, quantity, item.Discrete, now);
        var reference = new StockReference("reservation", reservation.Id.ToString());
        var movements = taken.Select(t => new StockMovement(MovementKind.IssueReserved, warehouse, item.Code, t.Quantity, t.Expires, null,
            reference, null, actor, now)).ToList();
        db.StockMovements.AddRange(movements);
        db.Append(new JournalRecord(now, actor, JournalTypes.StockReservationIssued, warehouse.RegionCode, warehouse.RegionPath, null,
            new { reservationId = reservation.Id, warehouse = warehouse.Code, item = item.Code, quantity, lots = taken,
                remaining = reservation.Remaining }));
        await SourceEntries.StockIssuedAsync(db, warehouse, item, quantity, reference, now, ct);
        return new StockChange(movements, reservation);
    }

    /// <summary>Per warehouse holding any, what can be given of <paramref name="itemCode"/> now (for matching and the pool view).</summary>
    public async Task<IReadOnlyList<AvailableStock>> AvailableAsync(string itemCode, DateTimeOffset now, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var today = Today(now);
        var balances = await db.StockBalances.AsNoTracking().Include(b => b.Lots).Where(b => b.ItemCode == itemCode).ToListAsync(ct);
        var ids = balances.Select(b => b.WarehouseId).ToList();
        var warehouses = await db.Warehouses.AsNoTracking().Where(w => ids.Contains(w.Id)).ToDictionaryAsync(w => w.Id, ct);
        return [.. balances
            .Select(b => (Balance: b, Warehouse: warehouses[b.WarehouseId], Available: b.Available(today)))
            .Where(x => x.Available > 0)
            .OrderByDescending(x => x.Available).ThenBy(x => x.Warehouse.Code, StringComparer.Ordinal)
            .Select(x => new AvailableStock(x.Warehouse.Id, x.Warehouse.Code, x.Warehouse.Name, x.Warehouse.RegionCode, x.Warehouse.RegionPath,
                x.Warehouse.Location, itemCode, x.Available))];
    }

    /// <summary>Expiry dates are calendar days in UTC (a lot with expiry D may be issued through D).</summary>
    public static DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(now.UtcDateTime);

    private static async Task<(Warehouse, Item)> LoadAsync(CrisisOpsDbContext db, Guid warehouseId, string itemCode, CancellationToken ct)
    {
        var warehouse = await db.Warehouses.SingleOrDefaultAsync(w => w.Id == warehouseId, ct)
            ?? throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "unknown-warehouse", "Unknown warehouse",
                $"There is no warehouse with id {warehouseId}.");
        var item = await db.Items.SingleOrDefaultAsync(i => i.Code == itemCode, ct) ?? throw UnknownItem(itemCode);
        return (warehouse, item);
    }

    public static ProblemException UnknownItem(string? code) =>
        new(StatusCodes.Status422UnprocessableEntity, "unknown-item", "Unknown item", $"The catalogue has no item '{code}'.");

    private static async Task<StockBalance?> BalanceAsync(CrisisOpsDbContext db, Warehouse warehouse, Item item, bool create, CancellationToken ct)
    {
        var balance = await db.StockBalances.Include(b => b.Lots)
            .SingleOrDefaultAsync(b => b.WarehouseId == warehouse.Id && b.ItemCode == item.Code, ct);
        if (balance is null && create)
        {
            balance = new StockBalance(Guid.CreateVersion7(), warehouse, item);
            db.StockBalances.Add(balance);
        }

        return balance;
    }

    private static async Task<StockBalance> RequireBalanceAsync(CrisisOpsDbContext db, Warehouse warehouse, Item item, CancellationToken ct) =>
        await BalanceAsync(db, warehouse, item, create: false, ct)
        ?? throw DomainException.Conflict("insufficient-stock", $"Warehouse '{warehouse.Code}' holds no {item.Code}.");
}
