using CrisisOps.Data;
using CrisisOps.Domain;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Resources;
using CrisisOps.Server.Platform;
using CrisisOps.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Dispatch;

public sealed record VehicleDto(Guid Id, string Code, string Name, string Warehouse, string RegionCode, decimal CapacityKg, decimal CapacityM3,
    double SpeedFactor, string ShiftStart, string ShiftEnd, VehicleStatus Status);

public sealed record VehicleList(IReadOnlyList<VehicleDto> Items);

/// <param name="ShiftStart">HH:mm UTC; default 00:00 (with ShiftEnd 00:00 meaning round the clock is not allowed: give 00:00–23:59).</param>
public sealed record VehicleRequest(string? Code, string? Name, string? Warehouse, decimal? CapacityKg, decimal? CapacityM3, double? SpeedFactor,
    string? ShiftStart, string? ShiftEnd, VehicleStatus? Status);

/// <summary>
/// Delivery vehicles (配送车辆) of the pool: listed with ReadResources over their warehouse's region, added and changed
/// with ManageResources there.
/// </summary>
public static class VehicleEndpoints
{
    public static IEndpointRouteBuilder MapVehicleEndpoints(this IEndpointRouteBuilder app)
    {
        var vehicles = app.MapGroup("/api/v1/vehicles").WithTags("Dispatch");
        vehicles.MapGet("", ListAsync).RequirePermission(Permission.ReadResources);
        vehicles.MapGet("/{code}", GetAsync).RequirePermission(Permission.ReadResources);
        vehicles.MapPost("", CreateAsync).RequirePermission(Permission.ManageResources).Idempotent();
        vehicles.MapPut("/{code}", UpdateAsync).RequirePermission(Permission.ManageResources);
        return app;
    }

    public static VehicleDto ToDto(Vehicle v) => new(v.Id, v.Code, v.Name, v.WarehouseCode, v.RegionCode, v.CapacityKg, v.CapacityM3, v.SpeedFactor,
        v.ShiftStart.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture),
        v.ShiftEnd.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture), v.Status);

    private static async Task<Ok<VehicleList>> ListAsync(string? warehouse, CrisisOpsDbContext db, CallerAccessor caller, CancellationToken ct)
    {
        var access = await caller.GetAsync(ct);
        var query = db.Vehicles.AsNoTracking().WhereUnder(v => v.RegionPath, access.ScopesFor(Permission.ReadResources));
        if (!string.IsNullOrEmpty(warehouse))
        {
            query = query.Where(v => v.WarehouseCode == warehouse);
        }

        return TypedResults.Ok(new VehicleList([.. (await query.OrderBy(v => v.Code).ToListAsync(ct)).Select(ToDto)]));
    }

    private static async Task<Ok<VehicleDto>> GetAsync(string code, CrisisOpsDbContext db, CallerAccessor caller, CancellationToken ct)
    {
        var vehicle = await db.Vehicles.AsNoTracking().SingleOrDefaultAsync(v => v.Code == code, ct) ?? throw ProblemException.NotFound($"Vehicle '{code}'");
        if (!(await caller.GetAsync(ct)).Can(Permission.ReadResources, vehicle.RegionPath))
        {
            throw ProblemException.NotFound($"Vehicle '{code}'");
        }

        return TypedResults.Ok(ToDto(vehicle));
    }

    private static async Task<Created<VehicleDto>> CreateAsync(VehicleRequest body, CrisisOpsDbContext db, CallerAccessor caller, TimeProvider clock,
        CancellationToken ct)
    {
        var definition = Definition(body, body.Code);
        var warehouse = await db.Warehouses.SingleOrDefaultAsync(w => w.Code == body.Warehouse, ct)
            ?? throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "unknown-warehouse", "Unknown warehouse",
                $"There is no warehouse '{body.Warehouse}'; a vehicle is based at one.");
        var access = await caller.RequireAsync(Permission.ManageResources, warehouse.RegionPath, ct);
        if (await db.Vehicles.AnyAsync(v => v.Code == definition.Code, ct))
        {
            throw new ProblemException(StatusCodes.Status409Conflict, "duplicate-vehicle", "The code is taken", $"There is a vehicle '{definition.Code}'.");
        }

        var now = clock.GetUtcNow();
        var vehicle = new Vehicle(Guid.CreateVersion7(now), definition, warehouse, now, access.Name);
        if (body.Status is { } status)
        {
            vehicle.SetStatus(status);
        }

        db.Vehicles.Add(vehicle);
        db.Append(new JournalRecord(now, access.Name, JournalTypes.VehicleAdded, vehicle.RegionCode, vehicle.RegionPath, null, ToDto(vehicle)));
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/vehicles/{vehicle.Code}", ToDto(vehicle));
    }

    private static async Task<Ok<VehicleDto>> UpdateAsync(string code, VehicleRequest body, CrisisOpsDbContext db, CallerAccessor caller,
        TimeProvider clock, CancellationToken ct)
    {
        var vehicle = await db.Vehicles.SingleOrDefaultAsync(v => v.Code == code, ct) ?? throw ProblemException.NotFound($"Vehicle '{code}'");
        var access = await caller.RequireAsync(Permission.ManageResources, vehicle.RegionPath, ct);
        var definition = Definition(body with
        {
            Name = body.Name ?? vehicle.Name,
            CapacityKg = body.CapacityKg ?? vehicle.CapacityKg,
            CapacityM3 = body.CapacityM3 ?? vehicle.CapacityM3,
            SpeedFactor = body.SpeedFactor ?? vehicle.SpeedFactor,
            ShiftStart = body.ShiftStart ?? vehicle.ShiftStart.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture),
            ShiftEnd = body.ShiftEnd ?? vehicle.ShiftEnd.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture),
        }, code);
        var warehouse = await db.Warehouses.SingleOrDefaultAsync(w => w.Code == (body.Warehouse ?? vehicle.WarehouseCode), ct)
            ?? throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "unknown-warehouse", "Unknown warehouse",
                $"There is no warehouse '{body.Warehouse}'.");
        await caller.RequireAsync(Permission.ManageResources, warehouse.RegionPath, ct);
        vehicle.Apply(definition, warehouse);
        if (body.Status is { } status)
        {
            vehicle.SetStatus(status);
        }

        var now = clock.GetUtcNow();
        db.Append(new JournalRecord(now, access.Name, JournalTypes.VehicleUpdated, vehicle.RegionCode, vehicle.RegionPath, null, ToDto(vehicle)));
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(ToDto(vehicle));
    }

    private static VehicleDefinition Definition(VehicleRequest body, string? code)
    {
        var errors = new FieldErrors();
        var start = TimeOnly.MinValue;
        var end = new TimeOnly(23, 59);
        errors.Check(body.ShiftStart is null || TimeOnly.TryParseExact(body.ShiftStart, "HH:mm", System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.None, out start), "shiftStart", "HH:mm (UTC).");
        errors.Check(body.ShiftEnd is null || TimeOnly.TryParseExact(body.ShiftEnd, "HH:mm", System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.None, out end), "shiftEnd", "HH:mm (UTC).");
        errors.Check(body.CapacityKg is not null, "capacityKg", "Required: what it carries in kg.");
        errors.Check(body.CapacityM3 is not null, "capacityM3", "Required: what it holds in m³.");
        errors.Check(body.Status is null || Enum.IsDefined(body.Status.Value), "status", "available or out-of-service.");
        errors.ThrowIfAny();
        var definition = new VehicleDefinition(code ?? "", body.Name ?? "", body.CapacityKg!.Value, body.CapacityM3!.Value, body.SpeedFactor ?? 1, start, end);
        if (Vehicle.Problem(definition) is { } problem)
        {
            throw ProblemException.Validation(new Dictionary<string, string[]> { ["vehicle"] = [problem] });
        }

        return definition;
    }
}
