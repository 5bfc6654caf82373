namespace CrisisOps.Domain.Resources;

/// <summary>The kinds of stock movement; each is one row in the append-only <c>stock_movements</c> ledger.</summary>
public enum MovementKind
{
    /// <summary>Goods came in (purchase, donation, agreement delivery).</summary>
    Receive = 1,

    /// <summary>Goods went out, not against a reservation.</summary>
    Issue = 2,

    /// <summary>The sending side of a transfer.</summary>
    TransferOut = 3,

    /// <summary>The receiving side of a transfer.</summary>
    TransferIn = 4,

    /// <summary>Goods set aside for a purpose; on hand does not change.</summary>
    Reserve = 5,

    /// <summary>A reservation's remainder given back.</summary>
    Release = 6,

    /// <summary>Goods went out against a reservation.</summary>
    IssueReserved = 7,
}

/// <summary>One expiry date's worth of an item in a warehouse (a lot); null expiry for goods that keep.</summary>
public sealed class StockLot
{
    private StockLot() { }

    internal StockLot(Guid id, Guid balanceId, DateOnly? expires)
    {
        Id = id;
        BalanceId = balanceId;
        Expires = expires;
    }

    public Guid Id { get; private set; }

    public Guid BalanceId { get; private set; }

    /// <summary>Last day the goods may be used; the lot is expired from the next day on.</summary>
    public DateOnly? Expires { get; private set; }

    public decimal Quantity { get; internal set; }

    public bool IsExpiredOn(DateOnly today) => Expires is { } last && last < today;
}

/// <summary>What an issue took from one lot (FEFO may take from several).</summary>
public sealed record LotTaken(DateOnly? Expires, decimal Quantity);

/// <summary>
/// The stock of one item in one warehouse: its lots and how much of it is reserved. Every change
/// goes through this aggregate and bumps <see cref="Version"/>, the concurrency token, so two
/// requests that read the same balance cannot both spend it: the second save fails and retries on
/// fresh numbers. The rules: nothing goes negative, expired lots are never issued, and unreserved
/// issues never eat into what is reserved.
/// </summary>
public sealed class StockBalance
{
    private readonly List<StockLot> _lots = [];

    private StockBalance() { }

    public StockBalance(Guid id, Warehouse warehouse, Item item)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        ArgumentNullException.ThrowIfNull(item);
        Id = id;
        WarehouseId = warehouse.Id;
        ItemCode = item.Code;
        RegionPath = warehouse.RegionPath;
    }

    public Guid Id { get; private set; }

    public Guid WarehouseId { get; private set; }

    public string ItemCode { get; private set; } = "";

    /// <summary>The warehouse's region path, so stock queries filter by jurisdiction without a join.</summary>
    public string RegionPath { get; private set; } = "";

    /// <summary>Sum of all lots, expired ones included (they wait for disposal).</summary>
    public decimal OnHand { get; private set; }

    /// <summary>Set aside by active reservations; unreserved issues cannot touch it.</summary>
    public decimal Reserved { get; private set; }

    /// <summary>Concurrency token: increases with every change.</summary>
    public int Version { get; private set; }

    public IReadOnlyList<StockLot> Lots => _lots;

    /// <summary>Quantity in lots that have not expired on <paramref name="today"/>.</summary>
    public decimal Usable(DateOnly today) => _lots.Where(l => !l.IsExpiredOn(today)).Sum(l => l.Quantity);

    /// <summary>What may still be issued or reserved: usable minus reserved, never below zero.</summary>
    public decimal Available(DateOnly today) => Math.Max(0, Usable(today) - Reserved);

    /// <summary>Adds goods to the lot of their expiry date.</summary>
    /// <exception cref="DomainException">invalid-quantity; expired-on-receipt when the expiry date has passed.</exception>
    public StockLot Receive(decimal quantity, bool discrete, DateOnly? expires, DateOnly today)
    {
        Quantity.Check(quantity, discrete, "quantity received");
        if (expires is { } last && last < today)
        {
            throw new DomainException("expired-on-receipt", $"Goods that expired on {last:yyyy-MM-dd} cannot be received into stock.");
        }

        var lot = _lots.FirstOrDefault(l => l.Expires == expires);
        if (lot is null)
        {
            lot = new StockLot(Guid.CreateVersion7(), Id, expires);
            _lots.Add(lot);
        }

        lot.Quantity += quantity;
        OnHand += quantity;
        Version++;
        return lot;
    }

    /// <summary>Takes goods out, earliest expiry first (FEFO), never from expired lots nor from what is reserved.</summary>
    /// <exception cref="DomainException">invalid-quantity; insufficient-stock (409) when not enough is available.</exception>
    public IReadOnlyList<LotTaken> Issue(decimal quantity, bool discrete, DateOnly today)
    {
        Quantity.Check(quantity, discrete, "quantity issued");
        var available = Available(today);
        if (quantity > available)
        {
            throw DomainException.Conflict("insufficient-stock",
                $"Only {available} of {ItemCode} can be issued here ({Reserved} reserved, expired lots excluded); {quantity} asked.");
        }

        return Take(quantity, today);
    }

    /// <summary>Sets goods aside; on hand stays, available drops.</summary>
    /// <exception cref="DomainException">invalid-quantity; insufficient-stock (409).</exception>
    public void Reserve(decimal quantity, bool discrete, DateOnly today)
    {
        Quantity.Check(quantity, discrete, "quantity reserved");
        var available = Available(today);
        if (quantity > available)
        {
            throw DomainException.Conflict("insufficient-stock",
                $"Only {available} of {ItemCode} can be reserved here; {quantity} asked.");
        }

        Reserved += quantity;
        Version++;
    }

    /// <summary>Gives reserved goods back to what is available.</summary>
    internal void Release(decimal quantity)
    {
        Reserved = Math.Max(0, Reserved - quantity);
        Version++;
    }

    /// <summary>Takes reserved goods out, FEFO from unexpired lots.</summary>
    /// <exception cref="DomainException">insufficient-stock (409) when the unexpired lots hold less (lots expired meanwhile).</exception>
    internal IReadOnlyList<LotTaken> IssueReserved(decimal quantity, DateOnly today)
    {
        var usable = Usable(today);
        if (quantity > usable)
        {
            throw DomainException.Conflict("insufficient-stock",
                $"The reservation asks {quantity} of {ItemCode} but only {usable} is unexpired here.");
        }

        Reserved = Math.Max(0, Reserved - quantity);
        return Take(quantity, today);
    }

    private List<LotTaken> Take(decimal quantity, DateOnly today)
    {
        var taken = new List<LotTaken>();
        var left = quantity;
        foreach (var lot in _lots.Where(l => l.Quantity > 0 && !l.IsExpiredOn(today))
                     .OrderBy(l => l.Expires is null).ThenBy(l => l.Expires))
        {
            var take = Math.Min(left, lot.Quantity);
            lot.Quantity -= take;
            taken.Add(new LotTaken(lot.Expires, take));
            left -= take;
            if (left == 0)
            {
                break;
            }
        }

        OnHand -= quantity;
        Version++;
        return taken;
    }
}

/// <summary>The state of a reservation.</summary>
public enum ReservationStatus
{
    Active = 1,

    /// <summary>All of it was issued.</summary>
    Fulfilled = 2,

    /// <summary>Its remainder was given back.</summary>
    Released = 3,
}

/// <summary>What a movement or reservation is for, e.g. <c>("need-proposal", id)</c> or <c>("order", id)</c>.</summary>
public sealed record StockReference(string Type, string Id)
{
    /// <summary>Why the reference is not acceptable, or null when it is (both parts or neither).</summary>
    public static string? Problem(string? type, string? id) =>
        (type, id) switch
        {
            (null, null) => null,
            ({ } t, { } i) when Item.IsValidCode(t) && i.Length is >= 1 and <= 100 => null,
            _ => "A reference is a kebab-case type (e.g. need-proposal) and an id of 1–100 characters, both or neither.",
        };
}

/// <summary>Goods set aside in one warehouse for a purpose; issued against or released, never over-drawn.</summary>
public sealed class Reservation
{
    private Reservation() { }

    internal Reservation(Guid id, StockBalance balance, string warehouseCode, decimal quantity, StockReference? reference, string regionCode,
        DateTimeOffset now, string actor)
    {
        Id = id;
        BalanceId = balance.Id;
        WarehouseId = balance.WarehouseId;
        WarehouseCode = warehouseCode;
        ItemCode = balance.ItemCode;
        Quantity = quantity;
        Remaining = quantity;
        Status = ReservationStatus.Active;
        ReferenceType = reference?.Type;
        ReferenceId = reference?.Id;
        RegionCode = regionCode;
        RegionPath = balance.RegionPath;
        CreatedAt = now;
        CreatedBy = actor;
    }

    public Guid Id { get; private set; }

    public Guid BalanceId { get; private set; }

    public Guid WarehouseId { get; private set; }

    public string WarehouseCode { get; private set; } = "";

    public string ItemCode { get; private set; } = "";

    /// <summary>As reserved.</summary>
    public decimal Quantity { get; private set; }

    /// <summary>Not yet issued nor released.</summary>
    public decimal Remaining { get; private set; }

    public ReservationStatus Status { get; private set; }

    public string? ReferenceType { get; private set; }

    public string? ReferenceId { get; private set; }

    public string RegionCode { get; private set; } = "";

    public string RegionPath { get; private set; } = "";

    public DateTimeOffset CreatedAt { get; private set; }

    public string CreatedBy { get; private set; } = "";

    public DateTimeOffset? ClosedAt { get; private set; }

    /// <summary>Reserves on the balance and returns the reservation.</summary>
    /// <exception cref="DomainException">invalid-quantity; insufficient-stock (409).</exception>
    public static Reservation Place(StockBalance balance, string warehouseCode, decimal quantity, bool discrete, StockReference? reference,
        string regionCode, DateTimeOffset now, string actor)
    {
        ArgumentNullException.ThrowIfNull(balance);
        balance.Reserve(quantity, discrete, DateOnly.FromDateTime(now.UtcDateTime));
        return new Reservation(Guid.CreateVersion7(now), balance, warehouseCode, quantity, reference, regionCode, now, actor);
    }

    /// <summary>Issues part or all of what remains, FEFO.</summary>
    /// <exception cref="DomainException">invalid-quantity; reservation-closed (409); over-reservation (409); insufficient-stock (409).</exception>
    public IReadOnlyList<LotTaken> Issue(StockBalance balance, decimal quantity, bool discrete, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(balance);
        Quantity_Check(quantity, discrete);
        EnsureActive();
        if (quantity > Remaining)
        {
            throw DomainException.Conflict("over-reservation", $"Only {Remaining} remains on this reservation; {quantity} asked.");
        }

        var taken = balance.IssueReserved(quantity, DateOnly.FromDateTime(now.UtcDateTime));
        Remaining -= quantity;
        if (Remaining == 0)
        {
            Status = ReservationStatus.Fulfilled;
            ClosedAt = now;
        }

        return taken;
    }

    /// <summary>Gives back what remains; returns that quantity.</summary>
    /// <exception cref="DomainException">reservation-closed (409).</exception>
    public decimal Release(StockBalance balance, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(balance);
        EnsureActive();
        var released = Remaining;
        balance.Release(released);
        Remaining = 0;
        Status = ReservationStatus.Released;
        ClosedAt = now;
        return released;
    }

    private static void Quantity_Check(decimal quantity, bool discrete) => Resources.Quantity.Check(quantity, discrete, "quantity issued");

    private void EnsureActive()
    {
        if (Status != ReservationStatus.Active)
        {
            throw DomainException.Conflict("reservation-closed", $"The reservation is {Status.ToString().ToLowerInvariant()}.");
        }
    }
}

/// <summary>
/// One line of the stock ledger. Appended with the change it records and never updated or deleted;
/// <see cref="Sequence"/> increases with every append, so a reader (the ledger publisher) can follow
/// it by "everything after N".
/// </summary>
public sealed class StockMovement
{
    private StockMovement() { }

    public StockMovement(MovementKind kind, Warehouse warehouse, string itemCode, decimal quantity, DateOnly? lotExpires,
        string? counterpartWarehouseCode, StockReference? reference, string? source, string actor, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        Kind = kind;
        WarehouseId = warehouse.Id;
        WarehouseCode = warehouse.Code;
        ItemCode = itemCode;
        Quantity = quantity;
        LotExpires = lotExpires;
        CounterpartWarehouseCode = counterpartWarehouseCode;
        ReferenceType = reference?.Type;
        ReferenceId = reference?.Id;
        Source = source;
        Actor = actor;
        Time = time;
        RegionCode = warehouse.RegionCode;
        RegionPath = warehouse.RegionPath;
    }

    public long Sequence { get; private set; }

    public MovementKind Kind { get; private set; }

    public Guid WarehouseId { get; private set; }

    public string WarehouseCode { get; private set; } = "";

    public string ItemCode { get; private set; } = "";

    /// <summary>Always positive; the kind says the direction.</summary>
    public decimal Quantity { get; private set; }

    public DateOnly? LotExpires { get; private set; }

    /// <summary>For transfers, the warehouse at the other end.</summary>
    public string? CounterpartWarehouseCode { get; private set; }

    public string? ReferenceType { get; private set; }

    public string? ReferenceId { get; private set; }

    /// <summary>Where received goods came from: a donor, a supplier's delivery note.</summary>
    public string? Source { get; private set; }

    public string Actor { get; private set; } = "";

    public DateTimeOffset Time { get; private set; }

    public string RegionCode { get; private set; } = "";

    public string RegionPath { get; private set; } = "";
}
