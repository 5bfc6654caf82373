using CrisisOps.Data;
using CrisisOps.Domain;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Resources;
using CrisisOps.Server.Features.Regions;
using CrisisOps.Server.Platform;
using CrisisOps.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Resources;

public sealed record WarehouseRequest(string? Code, string? Name, string? RegionCode, double? Latitude, double? Longitude, string? Operator);

public sealed record WarehouseDto(Guid Id, string Code, string Name, string RegionCode, double? Latitude, double? Longitude, string? Operator,
    DateTimeOffset CreatedAt);

public sealed record WarehouseList(IReadOnlyList<WarehouseDto> Items);

public sealed record LotDto(DateOnly? Expires, decimal Quantity, bool Expired, bool ExpiringSoon);

public sealed record BalanceDto(string ItemCode, string NameZh, string NameEn, string UnitZh, string UnitEn, decimal OnHand, decimal Reserved,
    decimal Available, IReadOnlyList<LotDto> Lots);

public sealed record WarehouseStock(WarehouseDto Warehouse, IReadOnlyList<BalanceDto> Items);

public sealed record ReceiveRequest(string? Warehouse, string? Item, decimal? Quantity, DateOnly? Expires, string? Source, string? ReferenceType,
    string? ReferenceId);

public sealed record IssueRequest(string? Warehouse, string? Item, decimal? Quantity, string? ReferenceType, string? ReferenceId);

public sealed record TransferRequest(string? From, string? To, string? Item, decimal? Quantity, string? ReferenceType, string? ReferenceId);

public sealed record ReservationRequest(string? Warehouse, string? Item, decimal? Quantity, string? ReferenceType, string? ReferenceId);

public sealed record ReservationIssueRequest(decimal? Quantity);

public sealed record MovementDto(long Sequence, MovementKind Kind, string Warehouse, string ItemCode, decimal Quantity, DateOnly? LotExpires,
    string? CounterpartWarehouse, string? ReferenceType, string? ReferenceId, string? Source, string Actor, DateTimeOffset Time, string RegionCode);

public sealed record MovementList(IReadOnlyList<MovementDto> Items, long? Next);

public sealed record ReservationDto(Guid Id, string Warehouse, string ItemCode, decimal Quantity, decimal Remaining, ReservationStatus Status,
    string? ReferenceType, string? ReferenceId, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? ClosedAt);

public sealed record ReservationList(IReadOnlyList<ReservationDto> Items);

public sealed record StockChangeDto(IReadOnlyList<MovementDto> Movements, ReservationDto? Reservation);

public sealed record ExpiringLotDto(string Warehouse, string RegionCode, string ItemCode, DateOnly Expires, decimal Quantity, int DaysLeft);

public sealed record ExpiringList(int Days, IReadOnlyList<ExpiringLotDto> Items);

public sealed record AvailableDto(string Warehouse, string WarehouseName, string RegionCode, double? Latitude, double? Longitude, decimal Available);

public sealed record AvailableList(string ItemCode, IReadOnlyList<AvailableDto> Items);

/// <summary>
/// Warehouses and their stock: receive, issue (FEFO), transfer, reserve, release, issue against a
/// reservation. Moving stock needs <see cref="Permission.MoveStock"/> at the warehouse's region (both
/// regions for a transfer); every move is a line in the append-only ledger and a journal entry.
/// </summary>
public static class StockEndpoints
{
    /// <summary>Lots expiring within this many days are highlighted in warehouse views.</summary>
    public const int SoonDays = 30;

    public static IEndpointRouteBuilder MapStockEndpoints(this IEndpointRouteBuilder app)
    {
        var warehouses = app.MapGroup("/api/v1/warehouses").WithTags("Resources");
        warehouses.MapGet("", ListWarehousesAsync).RequirePermission(Permission.ReadResources);
        warehouses.MapPost("", CreateWarehouseAsync).RequirePermission(Permission.ManageResources).Idempotent();
        warehouses.MapGet("/{code}/stock", WarehouseStockAsync).RequirePermission(Permission.ReadResources);

        var stock = app.MapGroup("/api/v1/stock").WithTags("Resources");
        stock.MapPost("/receive", ReceiveAsync).RequirePermission(Permission.MoveStock).Idempotent();
        stock.MapPost("/issue", IssueAsync).RequirePermission(Permission.MoveStock).Idempotent();
        stock.MapPost("/transfer", TransferAsync).RequirePermission(Permission.MoveStock).Idempotent();
        stock.MapGet("/movements", MovementsAsync).RequirePermission(Permission.ReadResources);
        stock.MapGet("/expiring", ExpiringAsync).RequirePermission(Permission.ReadResources);
        stock.MapGet("/available", AvailableAsync).RequirePermission(Permission.ReadResources);
        stock.MapPost("/reservations", ReserveAsync).RequirePermission(Permission.MoveStock).Idempotent();
        stock.MapGet("/reservations", ReservationsAsync).RequirePermission(Permission.ReadResources);
        stock.MapPost("/reservations/{id:guid}/release", ReleaseAsync).RequirePermission(Permission.MoveStock).Idempotent();
        stock.MapPost("/reservations/{id:guid}/issue", IssueReservedAsync).RequirePermission(Permission.MoveStock).Idempotent();
        return app;
    }

    private static async Task<Ok<WarehouseList>> ListWarehousesAsync(CrisisOpsDbContext db, CallerAccessor caller, CancellationToken ct)
    {
        var access = await caller.GetAsync(ct);
        var list = await db.Warehouses.AsNoTracking().WhereUnder(w => w.RegionPath, access.ScopesFor(Permission.ReadResources))
            .OrderBy(w => w.Code).ToListAsync(ct);
        return TypedResults.Ok(new WarehouseList([.. list.Select(ToDto)]));
    }

    private static async Task<Created<WarehouseDto>> CreateWarehouseAsync(WarehouseRequest body, CrisisOpsDbContext db, CallerAccessor caller,
        RegionDirectory directory, TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Check(Item.IsValidCode(body.Code), "code", "Kebab-case, 2–64 characters, e.g. north-depot.");
        errors.Check(!string.IsNullOrWhiteSpace(body.Name) && body.Name.Length <= 200, "name", "Required, at most 200 characters.");
        errors.Check((body.Operator?.Length ?? 0) <= 200, "operator", "At most 200 characters.");
        errors.ThrowIfAny();
        var (region, placement) = await Placements.ResolveAsync(directory, body.RegionCode, body.Latitude, body.Longitude, ct);
        var access = await caller.RequireAsync(Permission.ManageResources, region.Path, ct);
        if (await db.Warehouses.AnyAsync(w => w.Code == body.Code, ct))
        {
            throw new ProblemException(StatusCodes.Status409Conflict, "duplicate-warehouse", "The code is taken", $"A warehouse '{body.Code}' exists.");
        }

        var now = clock.GetUtcNow();
        var warehouse = new Warehouse(Guid.CreateVersion7(now), body.Code!, body.Name!, placement, body.Operator, now, access.Name);
        db.Warehouses.Add(warehouse);
        db.Append(new JournalRecord(now, access.Name, JournalTypes.WarehouseRegistered, region.Code, region.Path, null, ToDto(warehouse)));
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/warehouses/{warehouse.Code}", ToDto(warehouse));
    }

    private static async Task<Ok<WarehouseStock>> WarehouseStockAsync(string code, CrisisOpsDbContext db, CallerAccessor caller, TimeProvider clock,
        CancellationToken ct)
    {
        var warehouse = await WarehouseAsync(db, code, ct) ?? throw ProblemException.NotFound($"Warehouse '{code}'");
        await caller.RequireAsync(Permission.ReadResources, warehouse.RegionPath, ct);
        var today = StockKeeper.Today(clock.GetUtcNow());
        var balances = await db.StockBalances.AsNoTracking().Include(b => b.Lots).Where(b => b.WarehouseId == warehouse.Id).ToListAsync(ct);
        var codes = balances.Select(b => b.ItemCode).ToList();
        var items = await db.Items.AsNoTracking().Where(i => codes.Contains(i.Code)).ToDictionaryAsync(i => i.Code, ct);
        return TypedResults.Ok(new WarehouseStock(ToDto(warehouse), [.. balances.OrderBy(b => b.ItemCode, StringComparer.Ordinal).Select(b =>
        {
            var item = items[b.ItemCode];
            return new BalanceDto(b.ItemCode, item.NameZh, item.NameEn, item.UnitZh, item.UnitEn, b.OnHand, b.Reserved, b.Available(today),
                [.. b.Lots.Where(l => l.Quantity > 0).OrderBy(l => l.Expires is null).ThenBy(l => l.Expires).Select(l => new LotDto(l.Expires, l.Quantity,
                    l.IsExpiredOn(today), !l.IsExpiredOn(today) && l.Expires is { } e && e.DayNumber - today.DayNumber <= SoonDays))]);
        })]));
    }

    private static async Task<Created<StockChangeDto>> ReceiveAsync(ReceiveRequest body, CrisisOpsDbContext db, CallerAccessor caller,
        StockKeeper keeper, TimeProvider clock, CancellationToken ct)
    {
        var errors = Required(body.Warehouse, body.Item, body.Quantity, body.ReferenceType, body.ReferenceId);
        errors.Check((body.Source?.Length ?? 0) <= 200, "source", "At most 200 characters.");
        errors.ThrowIfAny();
        var warehouse = await BodyWarehouseAsync(db, body.Warehouse!, ct);
        var access = await caller.RequireAsync(Permission.MoveStock, warehouse.RegionPath, ct);
        var now = clock.GetUtcNow();
        var source = string.IsNullOrWhiteSpace(body.Source) ? null : body.Source.Trim();
        var change = await keeper.RunAsync(d => keeper.ReceiveAsync(d, warehouse.Id, body.Item!, body.Quantity!.Value, body.Expires,
            Reference(body.ReferenceType, body.ReferenceId), source, access.Name, now, ct), ct);
        return TypedResults.Created($"/api/v1/warehouses/{warehouse.Code}/stock", ToDto(change));
    }

    private static async Task<Created<StockChangeDto>> IssueAsync(IssueRequest body, CrisisOpsDbContext db, CallerAccessor caller,
        StockKeeper keeper, TimeProvider clock, CancellationToken ct)
    {
        Required(body.Warehouse, body.Item, body.Quantity, body.ReferenceType, body.ReferenceId).ThrowIfAny();
        var warehouse = await BodyWarehouseAsync(db, body.Warehouse!, ct);
        var access = await caller.RequireAsync(Permission.MoveStock, warehouse.RegionPath, ct);
        var now = clock.GetUtcNow();
        var change = await keeper.RunAsync(d => keeper.IssueAsync(d, warehouse.Id, body.Item!, body.Quantity!.Value,
            Reference(body.ReferenceType, body.ReferenceId), access.Name, now, ct), ct);
        return TypedResults.Created($"/api/v1/warehouses/{warehouse.Code}/stock", ToDto(change));
    }

    private static async Task<Created<StockChangeDto>> TransferAsync(TransferRequest body, CrisisOpsDbContext db, CallerAccessor caller,
        StockKeeper keeper, TimeProvider clock, CancellationToken ct)
    {
        var errors = Required(body.From, body.Item, body.Quantity, body.ReferenceType, body.ReferenceId);
        errors.Check(!string.IsNullOrWhiteSpace(body.To), "to", "Required: the receiving warehouse's code.");
        errors.ThrowIfAny();
        var from = await BodyWarehouseAsync(db, body.From!, ct);
        var to = await BodyWarehouseAsync(db, body.To!, ct);

        // Goods leave one jurisdiction and enter another: the caller must move stock in both.
        var access = await caller.RequireAsync(Permission.MoveStock, from.RegionPath, ct);
        await caller.RequireAsync(Permission.MoveStock, to.RegionPath, ct);
        var now = clock.GetUtcNow();
        var change = await keeper.RunAsync(d => keeper.TransferAsync(d, from.Id, to.Id, body.Item!, body.Quantity!.Value,
            Reference(body.ReferenceType, body.ReferenceId), access.Name, now, ct), ct);
        return TypedResults.Created($"/api/v1/warehouses/{to.Code}/stock", ToDto(change));
    }

    private static async Task<Created<ReservationDto>> ReserveAsync(ReservationRequest body, CrisisOpsDbContext db, CallerAccessor caller,
        StockKeeper keeper, TimeProvider clock, CancellationToken ct)
    {
        Required(body.Warehouse, body.Item, body.Quantity, body.ReferenceType, body.ReferenceId).ThrowIfAny();
        var warehouse = await BodyWarehouseAsync(db, body.Warehouse!, ct);
        var access = await caller.RequireAsync(Permission.MoveStock, warehouse.RegionPath, ct);
        var now = clock.GetUtcNow();
        var reservation = await keeper.RunAsync(d => keeper.ReserveAsync(d, warehouse.Id, body.Item!, body.Quantity!.Value,
            Reference(body.ReferenceType, body.ReferenceId), access.Name, now, ct), ct);
        return TypedResults.Created($"/api/v1/stock/reservations?id={reservation.Id}", ToDto(reservation));
    }

    private static async Task<Ok<StockChangeDto>> ReleaseAsync(Guid id, CrisisOpsDbContext db, CallerAccessor caller, StockKeeper keeper,
        TimeProvider clock, CancellationToken ct)
    {
        var access = await ReservationAccessAsync(db, caller, id, ct);
        var now = clock.GetUtcNow();
        var change = await keeper.RunAsync(async d =>
            await keeper.ReleaseAsync(d, await d.Reservations.SingleAsync(r => r.Id == id, ct), access.Name, now, ct), ct);
        return TypedResults.Ok(ToDto(change));
    }

    private static async Task<Ok<StockChangeDto>> IssueReservedAsync(Guid id, ReservationIssueRequest body, CrisisOpsDbContext db,
        CallerAccessor caller, StockKeeper keeper, TimeProvider clock, CancellationToken ct)
    {
        new FieldErrors().Also(e => e.Check(body.Quantity is not null, "quantity", "Required, in the item's unit.")).ThrowIfAny();
        var access = await ReservationAccessAsync(db, caller, id, ct);
        var now = clock.GetUtcNow();
        var change = await keeper.RunAsync(async d =>
            await keeper.IssueReservedAsync(d, await d.Reservations.SingleAsync(r => r.Id == id, ct), body.Quantity!.Value, access.Name, now, ct), ct);
        return TypedResults.Ok(ToDto(change));
    }

    private static async Task<Ok<ReservationList>> ReservationsAsync(string? warehouse, string? status, string? referenceType, string? referenceId,
        CrisisOpsDbContext db, CallerAccessor caller, CancellationToken ct)
    {
        var access = await caller.GetAsync(ct);
        var query = db.Reservations.AsNoTracking().WhereUnder(r => r.RegionPath, access.ScopesFor(Permission.ReadResources));
        if (!string.IsNullOrEmpty(warehouse))
        {
            query = query.Where(r => r.WarehouseCode == warehouse);
        }

        if (!string.IsNullOrEmpty(status))
        {
            if (!Enum.TryParse<ReservationStatus>(status, ignoreCase: true, out var s) || !Enum.IsDefined(s))
            {
                throw ProblemException.Validation(new Dictionary<string, string[]>(StringComparer.Ordinal)
                    { ["status"] = ["One of active, fulfilled, released."] });
            }

            query = query.Where(r => r.Status == s);
        }

        if (!string.IsNullOrEmpty(referenceType))
        {
            query = query.Where(r => r.ReferenceType == referenceType && (referenceId == null || r.ReferenceId == referenceId));
        }

        var list = await query.OrderByDescending(r => r.CreatedAt).Take(500).ToListAsync(ct);
        return TypedResults.Ok(new ReservationList([.. list.Select(ToDto)]));
    }

    /// <summary>The ledger, oldest first, after <paramref name="after"/> (a sequence number) — how the ledger publisher follows it.</summary>
    private static async Task<Ok<MovementList>> MovementsAsync(string? warehouse, string? item, string? kind, long? after, int? limit,
        CrisisOpsDbContext db, CallerAccessor caller, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Check(limit is null or (>= 1 and <= 1000), "limit", "From 1 to 1000.");
        MovementKind? parsedKind = null;
        if (!string.IsNullOrEmpty(kind))
        {
            errors.Check(TryKind(kind, out var k), "kind", "One of receive, issue, transfer-out, transfer-in, reserve, release, issue-reserved.");
            parsedKind = k;
        }

        errors.ThrowIfAny();
        var access = await caller.GetAsync(ct);
        var query = db.StockMovements.AsNoTracking().WhereUnder(m => m.RegionPath, access.ScopesFor(Permission.ReadResources));
        if (!string.IsNullOrEmpty(warehouse))
        {
            query = query.Where(m => m.WarehouseCode == warehouse);
        }

        if (!string.IsNullOrEmpty(item))
        {
            query = query.Where(m => m.ItemCode == item);
        }

        if (parsedKind is { } pk)
        {
            query = query.Where(m => m.Kind == pk);
        }

        if (after is { } a)
        {
            query = query.Where(m => m.Sequence > a);
        }

        var take = limit ?? 100;
        var list = await query.OrderBy(m => m.Sequence).Take(take).ToListAsync(ct);
        return TypedResults.Ok(new MovementList([.. list.Select(ToDto)], list.Count == take ? list[^1].Sequence : null));
    }

    private static async Task<Ok<ExpiringList>> ExpiringAsync(int? days, CrisisOpsDbContext db, CallerAccessor caller, TimeProvider clock,
        CancellationToken ct)
    {
        new FieldErrors().Also(e => e.Check(days is null or (>= 0 and <= 3650), "days", "From 0 to 3650.")).ThrowIfAny();
        var window = days ?? SoonDays;
        var access = await caller.GetAsync(ct);
        var today = StockKeeper.Today(clock.GetUtcNow());
        var last = today.AddDays(window);
        var rows = await (from l in db.StockLots.AsNoTracking()
                          join b in db.StockBalances.AsNoTracking().WhereUnder(b => b.RegionPath, access.ScopesFor(Permission.ReadResources))
                              on l.BalanceId equals b.Id
                          join w in db.Warehouses.AsNoTracking() on b.WarehouseId equals w.Id
                          where l.Quantity > 0 && l.Expires != null && l.Expires >= today && l.Expires <= last
                          select new { w.Code, w.RegionCode, b.ItemCode, l.Expires, l.Quantity }).ToListAsync(ct);
        return TypedResults.Ok(new ExpiringList(window, [.. rows
            .OrderBy(r => r.Expires).ThenBy(r => r.Code, StringComparer.Ordinal)
            .Select(r => new ExpiringLotDto(r.Code, r.RegionCode, r.ItemCode, r.Expires!.Value, r.Quantity, r.Expires.Value.DayNumber - today.DayNumber))]));
    }

    private static async Task<Ok<AvailableList>> AvailableAsync(string? item, CrisisOpsDbContext db, CallerAccessor caller, StockKeeper keeper,
        TimeProvider clock, CancellationToken ct)
    {
        new FieldErrors().Also(e => e.Check(Item.IsValidCode(item), "item", "Required: an item code from the catalogue.")).ThrowIfAny();
        if (!await db.Items.AnyAsync(i => i.Code == item, ct))
        {
            throw StockKeeper.UnknownItem(item);
        }

        var access = await caller.GetAsync(ct);
        var available = await keeper.AvailableAsync(item!, clock.GetUtcNow(), ct);
        return TypedResults.Ok(new AvailableList(item!, [.. available.Where(a => access.Can(Permission.ReadResources, a.RegionPath))
            .Select(a => new AvailableDto(a.WarehouseCode, a.WarehouseName, a.RegionCode, a.Location?.Latitude, a.Location?.Longitude, a.Available))]));
    }

    private static FieldErrors Required(string? warehouse, string? item, decimal? quantity, string? referenceType, string? referenceId)
    {
        var errors = new FieldErrors();
        errors.Check(!string.IsNullOrWhiteSpace(warehouse), "warehouse", "Required: the warehouse's code.");
        errors.Check(Item.IsValidCode(item), "item", "Required: an item code from the catalogue, e.g. food-parcel.");
        errors.Check(quantity is not null, "quantity", "Required, in the item's unit.");
        if (StockReference.Problem(referenceType, referenceId) is { } problem)
        {
            errors.Add("referenceType", problem);
        }

        return errors;
    }

    private static StockReference? Reference(string? type, string? id) => type is null || id is null ? null : new StockReference(type, id);

    private static FieldErrors Also(this FieldErrors errors, Action<FieldErrors> check)
    {
        check(errors);
        return errors;
    }

    private static async Task<CallerAccess> ReservationAccessAsync(CrisisOpsDbContext db, CallerAccessor caller, Guid id, CancellationToken ct)
    {
        var reservation = await db.Reservations.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, ct)
            ?? throw ProblemException.NotFound($"Reservation {id}");
        return await caller.RequireAsync(Permission.MoveStock, reservation.RegionPath, ct);
    }

    internal static Task<Warehouse?> WarehouseAsync(CrisisOpsDbContext db, string code, CancellationToken ct) =>
        db.Warehouses.AsNoTracking().SingleOrDefaultAsync(w => w.Code == code, ct);

    private static async Task<Warehouse> BodyWarehouseAsync(CrisisOpsDbContext db, string code, CancellationToken ct) =>
        await WarehouseAsync(db, code, ct)
        ?? throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "unknown-warehouse", "Unknown warehouse", $"There is no warehouse '{code}'.");

    private static bool TryKind(string name, out MovementKind kind)
    {
        foreach (var candidate in Enum.GetValues<MovementKind>())
        {
            if (string.Equals(System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(candidate.ToString()), name, StringComparison.Ordinal))
            {
                kind = candidate;
                return true;
            }
        }

        kind = default;
        return false;
    }

    public static WarehouseDto ToDto(Warehouse w) => new(w.Id, w.Code, w.Name, w.RegionCode, w.Latitude, w.Longitude, w.Operator, w.CreatedAt);

    public static MovementDto ToDto(StockMovement m) => new(m.Sequence, m.Kind, m.WarehouseCode, m.ItemCode, m.Quantity, m.LotExpires,
        m.CounterpartWarehouseCode, m.ReferenceType, m.ReferenceId, m.Source, m.Actor, m.Time, m.RegionCode);

    public static ReservationDto ToDto(Reservation r) => new(r.Id, r.WarehouseCode, r.ItemCode, r.Quantity, r.Remaining, r.Status,
        r.ReferenceType, r.ReferenceId, r.CreatedAt, r.CreatedBy, r.ClosedAt);

    private static StockChangeDto ToDto(StockChange c) =>
        new([.. c.Movements.Select(ToDto)], c.Reservation is null ? null : ToDto(c.Reservation));
}
