using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Resources;
using CrisisOps.Server.Features.Regions;
using CrisisOps.Server.Platform;
using CrisisOps.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Resources;

public sealed record TeamRequest(string? Name, string? Kind, IReadOnlyList<string>? Skills, int? Size, string? RegionCode, double? Latitude,
    double? Longitude);

public sealed record TeamDto(Guid Id, string Name, string Kind, IReadOnlyList<string> Skills, int Size, ReadinessStatus Status, string RegionCode,
    double? Latitude, double? Longitude);

public sealed record TeamList(IReadOnlyList<TeamDto> Items);

public sealed record StatusRequest(string? Status, string? Reason);

public sealed record ExpertRequest(string? Name, IReadOnlyList<string>? Specialties, string? Organisation, string? Telephone, string? RegionCode,
    double? Latitude, double? Longitude);

/// <summary>An expert as lists show them: no telephone (personal data; see the contact endpoint).</summary>
public sealed record ExpertDto(Guid Id, string Name, IReadOnlyList<string> Specialties, string? Organisation, bool Available, string RegionCode,
    double? Latitude, double? Longitude, bool HasTelephone);

public sealed record ExpertList(IReadOnlyList<ExpertDto> Items);

public sealed record AvailabilityRequest(bool? Available, string? Reason);

public sealed record ExpertContact(Guid Id, string Name, string? Telephone);

public sealed record EquipmentRequest(string? Code, string? Kind, string? Name, string? Capacity, string? HomeWarehouse, string? Owner,
    string? RegionCode, double? Latitude, double? Longitude);

public sealed record EquipmentDto(Guid Id, string Code, string Kind, string Name, string? Capacity, ReadinessStatus Status, string? HomeWarehouse,
    string? Owner, string RegionCode, double? Latitude, double? Longitude);

public sealed record EquipmentList(IReadOnlyList<EquipmentDto> Items);

/// <summary>
/// People and equipment of the resource pool: teams (队伍), the expert pool (专家库) and equipment.
/// Kept by <see cref="Permission.ManageResources"/> at their region, read with <see cref="Permission.ReadResources"/>.
/// Status changes are journaled with who and why; an expert's telephone is read one at a time with
/// <see cref="Permission.ReadContacts"/>, and every read is journaled.
/// </summary>
public static class PoolEndpoints
{
    public static IEndpointRouteBuilder MapPoolEndpoints(this IEndpointRouteBuilder app)
    {
        var teams = app.MapGroup("/api/v1/teams").WithTags("Resources");
        teams.MapGet("", TeamsAsync).RequirePermission(Permission.ReadResources);
        teams.MapPost("", CreateTeamAsync).RequirePermission(Permission.ManageResources).Idempotent();
        teams.MapPost("/{id:guid}/status", TeamStatusAsync).RequirePermission(Permission.ManageResources);

        var experts = app.MapGroup("/api/v1/experts").WithTags("Resources");
        experts.MapGet("", ExpertsAsync).RequirePermission(Permission.ReadResources);
        experts.MapPost("", CreateExpertAsync).RequirePermission(Permission.ManageResources).Idempotent();
        experts.MapPost("/{id:guid}/availability", ExpertAvailabilityAsync).RequirePermission(Permission.ManageResources);
        experts.MapGet("/{id:guid}/contact", ContactAsync).RequirePermission(Permission.ReadContacts);

        var equipment = app.MapGroup("/api/v1/equipment").WithTags("Resources");
        equipment.MapGet("", EquipmentAsync).RequirePermission(Permission.ReadResources);
        equipment.MapPost("", CreateEquipmentAsync).RequirePermission(Permission.ManageResources).Idempotent();
        equipment.MapPost("/{code}/status", EquipmentStatusAsync).RequirePermission(Permission.ManageResources);
        return app;
    }

    private static async Task<Ok<TeamList>> TeamsAsync(string? status, string? kind, CrisisOpsDbContext db, CallerAccessor caller, CancellationToken ct)
    {
        var access = await caller.GetAsync(ct);
        var query = db.Teams.AsNoTracking().WhereUnder(t => t.RegionPath, access.ScopesFor(Permission.ReadResources));
        if (!string.IsNullOrEmpty(kind))
        {
            query = query.Where(t => t.Kind == kind);
        }

        if (!string.IsNullOrEmpty(status))
        {
            var s = ParseStatus(status);
            query = query.Where(t => t.Status == s);
        }

        var list = await query.OrderBy(t => t.Name).Take(1000).ToListAsync(ct);
        return TypedResults.Ok(new TeamList([.. list.Select(ToDto)]));
    }

    private static async Task<Created<TeamDto>> CreateTeamAsync(TeamRequest body, CrisisOpsDbContext db, CallerAccessor caller,
        RegionDirectory directory, TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Check(!string.IsNullOrWhiteSpace(body.Name), "name", "Required.");
        errors.Check(Item.IsValidCode(body.Kind), "kind", "Kebab-case: rescue, medical, volunteer, engineering, …");
        errors.Check(body.Size is not null, "size", "Required: the number of members.");
        errors.ThrowIfAny();
        var (region, placement) = await Placements.ResolveAsync(directory, body.RegionCode, body.Latitude, body.Longitude, ct);
        var access = await caller.RequireAsync(Permission.ManageResources, region.Path, ct);
        var now = clock.GetUtcNow();
        var team = new Team(Guid.CreateVersion7(now), body.Name!, body.Kind!, body.Skills, body.Size!.Value, placement, now, access.Name);
        db.Teams.Add(team);
        db.Append(new JournalRecord(now, access.Name, JournalTypes.TeamRegistered, region.Code, region.Path, null, ToDto(team)));
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/teams/{team.Id}", ToDto(team));
    }

    private static async Task<Ok<TeamDto>> TeamStatusAsync(Guid id, StatusRequest body, CrisisOpsDbContext db, CallerAccessor caller,
        TimeProvider clock, CancellationToken ct)
    {
        var status = StatusBody(body);
        var team = await db.Teams.SingleOrDefaultAsync(t => t.Id == id, ct) ?? throw ProblemException.NotFound($"Team {id}");
        var access = await caller.RequireAsync(Permission.ManageResources, team.RegionPath, ct);
        var from = team.ChangeStatus(status);
        var now = clock.GetUtcNow();
        db.Append(new JournalRecord(now, access.Name, JournalTypes.TeamStatusChanged, team.RegionCode, team.RegionPath, null,
            new { teamId = team.Id, team.Name, from, to = status, reason = body.Reason?.Trim() }));
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(ToDto(team));
    }

    private static async Task<Ok<ExpertList>> ExpertsAsync(string? specialty, bool? available, CrisisOpsDbContext db, CallerAccessor caller,
        CancellationToken ct)
    {
        var access = await caller.GetAsync(ct);
        var query = db.Experts.AsNoTracking().WhereUnder(e => e.RegionPath, access.ScopesFor(Permission.ReadResources));
        if (available is { } a)
        {
            query = query.Where(e => e.Available == a);
        }

        var list = await query.OrderBy(e => e.Name).Take(1000).ToListAsync(ct);
        return TypedResults.Ok(new ExpertList([.. list.Where(e => string.IsNullOrEmpty(specialty) || e.Specialties.Contains(specialty)).Select(ToDto)]));
    }

    private static async Task<Created<ExpertDto>> CreateExpertAsync(ExpertRequest body, CrisisOpsDbContext db, CallerAccessor caller,
        RegionDirectory directory, TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Check(!string.IsNullOrWhiteSpace(body.Name), "name", "Required.");
        errors.Check(body.Specialties is { Count: > 0 }, "specialties", "At least one kebab-case specialty, e.g. epidemiology.");
        errors.ThrowIfAny();
        var (region, placement) = await Placements.ResolveAsync(directory, body.RegionCode, body.Latitude, body.Longitude, ct);
        var access = await caller.RequireAsync(Permission.ManageResources, region.Path, ct);
        var now = clock.GetUtcNow();
        var expert = new Expert(Guid.CreateVersion7(now), body.Name!, body.Specialties, body.Organisation, body.Telephone, placement, now, access.Name);
        db.Experts.Add(expert);

        // The journal is read widely: it records that a telephone is on file, never the number.
        db.Append(new JournalRecord(now, access.Name, JournalTypes.ExpertRegistered, region.Code, region.Path, null, ToDto(expert)));
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/experts/{expert.Id}", ToDto(expert));
    }

    private static async Task<Ok<ExpertDto>> ExpertAvailabilityAsync(Guid id, AvailabilityRequest body, CrisisOpsDbContext db,
        CallerAccessor caller, TimeProvider clock, CancellationToken ct)
    {
        new FieldErrors().Also(e => e.Check(body.Available is not null, "available", "Required: true or false.")).ThrowIfAny();
        var expert = await db.Experts.SingleOrDefaultAsync(e => e.Id == id, ct) ?? throw ProblemException.NotFound($"Expert {id}");
        var access = await caller.RequireAsync(Permission.ManageResources, expert.RegionPath, ct);
        expert.SetAvailable(body.Available!.Value);
        var now = clock.GetUtcNow();
        db.Append(new JournalRecord(now, access.Name, JournalTypes.ExpertAvailabilityChanged, expert.RegionCode, expert.RegionPath, null,
            new { expertId = expert.Id, expert.Name, available = expert.Available, reason = body.Reason?.Trim() }));
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(ToDto(expert));
    }

    /// <summary>The one way to an expert's telephone: needs ReadContacts at the expert's region and leaves a <c>contact.read</c> entry.</summary>
    private static async Task<Ok<ExpertContact>> ContactAsync(Guid id, CrisisOpsDbContext db, CallerAccessor caller, TimeProvider clock,
        CancellationToken ct)
    {
        var expert = await db.Experts.AsNoTracking().SingleOrDefaultAsync(e => e.Id == id, ct) ?? throw ProblemException.NotFound($"Expert {id}");
        var access = await caller.RequireAsync(Permission.ReadContacts, expert.RegionPath, ct);
        db.Append(new JournalRecord(clock.GetUtcNow(), access.Name, JournalTypes.ContactRead, expert.RegionCode, expert.RegionPath, null,
            new { subject = "expert", expertId = expert.Id, expert.Name }));
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new ExpertContact(expert.Id, expert.Name, expert.Telephone));
    }

    private static async Task<Ok<EquipmentList>> EquipmentAsync(string? status, string? kind, CrisisOpsDbContext db, CallerAccessor caller,
        CancellationToken ct)
    {
        var access = await caller.GetAsync(ct);
        var query = db.Equipment.AsNoTracking().WhereUnder(e => e.RegionPath, access.ScopesFor(Permission.ReadResources));
        if (!string.IsNullOrEmpty(kind))
        {
            query = query.Where(e => e.Kind == kind);
        }

        if (!string.IsNullOrEmpty(status))
        {
            var s = ParseStatus(status);
            query = query.Where(e => e.Status == s);
        }

        var list = await query.OrderBy(e => e.Code).Take(1000).ToListAsync(ct);
        return TypedResults.Ok(new EquipmentList([.. list.Select(ToDto)]));
    }

    private static async Task<Created<EquipmentDto>> CreateEquipmentAsync(EquipmentRequest body, CrisisOpsDbContext db, CallerAccessor caller,
        RegionDirectory directory, TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Check(Item.IsValidCode(body.Code), "code", "Kebab-case, e.g. pump-truck-07.");
        errors.Check(Item.IsValidCode(body.Kind), "kind", "Kebab-case: pump, pump-truck, boat, drone, generator, …");
        errors.Check(!string.IsNullOrWhiteSpace(body.Name), "name", "Required.");
        errors.ThrowIfAny();

        // Kept at a warehouse: it stands where the warehouse stands unless a point or region is given.
        Warehouse? home = null;
        if (!string.IsNullOrEmpty(body.HomeWarehouse))
        {
            home = await StockEndpoints.WarehouseAsync(db, body.HomeWarehouse, ct)
                ?? throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "unknown-warehouse", "Unknown warehouse",
                    $"There is no warehouse '{body.HomeWarehouse}'.");
        }

        var (region, placement) = await Placements.ResolveAsync(directory, body.RegionCode ?? home?.RegionCode,
            body.Latitude ?? home?.Latitude, body.Longitude ?? home?.Longitude, ct);
        var access = await caller.RequireAsync(Permission.ManageResources, region.Path, ct);
        if (await db.Equipment.AnyAsync(e => e.Code == body.Code, ct))
        {
            throw new ProblemException(StatusCodes.Status409Conflict, "duplicate-equipment", "The code is taken", $"Equipment '{body.Code}' exists.");
        }

        var now = clock.GetUtcNow();
        var equipment = new Equipment(Guid.CreateVersion7(now), body.Code!, body.Kind!, body.Name!, body.Capacity, home?.Code, body.Owner, placement,
            now, access.Name);
        db.Equipment.Add(equipment);
        db.Append(new JournalRecord(now, access.Name, JournalTypes.EquipmentRegistered, region.Code, region.Path, null, ToDto(equipment)));
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/equipment/{equipment.Code}", ToDto(equipment));
    }

    private static async Task<Ok<EquipmentDto>> EquipmentStatusAsync(string code, StatusRequest body, CrisisOpsDbContext db, CallerAccessor caller,
        TimeProvider clock, CancellationToken ct)
    {
        var status = StatusBody(body);
        var equipment = await db.Equipment.SingleOrDefaultAsync(e => e.Code == code, ct) ?? throw ProblemException.NotFound($"Equipment '{code}'");
        var access = await caller.RequireAsync(Permission.ManageResources, equipment.RegionPath, ct);
        var from = equipment.ChangeStatus(status);
        var now = clock.GetUtcNow();
        db.Append(new JournalRecord(now, access.Name, JournalTypes.EquipmentStatusChanged, equipment.RegionCode, equipment.RegionPath, null,
            new { equipment.Code, equipment.Kind, from, to = status, reason = body.Reason?.Trim() }));
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(ToDto(equipment));
    }

    private static ReadinessStatus StatusBody(StatusRequest body)
    {
        var errors = new FieldErrors();
        errors.Check(ReadinessStatuses.TryParse(body.Status, out var status), "status", "One of available, deployed, off-duty (teams), maintenance (equipment).");
        errors.Check((body.Reason?.Length ?? 0) <= 500, "reason", "At most 500 characters.");
        errors.ThrowIfAny();
        return status;
    }

    private static ReadinessStatus ParseStatus(string status) =>
        ReadinessStatuses.TryParse(status, out var s)
            ? s
            : throw ProblemException.Validation(new Dictionary<string, string[]>(StringComparer.Ordinal)
                { ["status"] = ["One of available, deployed, off-duty, maintenance."] });

    private static FieldErrors Also(this FieldErrors errors, Action<FieldErrors> check)
    {
        check(errors);
        return errors;
    }

    public static TeamDto ToDto(Team t) => new(t.Id, t.Name, t.Kind, t.Skills, t.Size, t.Status, t.RegionCode, t.Latitude, t.Longitude);

    public static ExpertDto ToDto(Expert e) => new(e.Id, e.Name, e.Specialties, e.Organisation, e.Available, e.RegionCode, e.Latitude, e.Longitude,
        e.Telephone is not null);

    public static EquipmentDto ToDto(Equipment e) => new(e.Id, e.Code, e.Kind, e.Name, e.Capacity, e.Status, e.HomeWarehouseCode,
        e.OwnerOrganisation, e.RegionCode, e.Latitude, e.Longitude);
}
