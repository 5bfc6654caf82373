using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Regions;
using CrisisOps.Server.Features.Regions;
using CrisisOps.Server.Platform;
using CrisisOps.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Access;

public sealed record OrganisationDto(Guid Id, string Code, string Name, OrganisationKind Kind, string RegionCode, string? Contact, DateTimeOffset CreatedAt);

public sealed record OrganisationList(IReadOnlyList<OrganisationDto> Items);

public sealed record OrganisationRequest(string? Code, string? Name, string? Kind, string? RegionCode, string? Contact);

/// <summary>One line of the roles list (角色清单): a kind of organisation and what its members may do.</summary>
public sealed record OrganisationRoleDto(OrganisationKind Kind, IReadOnlyList<Permission> Permissions);

public sealed record OrganisationRoleList(IReadOnlyList<OrganisationRoleDto> Items);

/// <summary>
/// Partner organisations (enterprises, NGOs, public groups), registered by staff who hold
/// <see cref="Permission.ManageOrganisations"/> over the organisation's region, and the roles list
/// that says what each kind may do. Members are users granted <c>partner-member</c> naming the code.
/// </summary>
public static class OrganisationEndpoints
{
    public static IEndpointRouteBuilder MapOrganisationEndpoints(this IEndpointRouteBuilder app)
    {
        var organisations = app.MapGroup("/api/v1/organisations").WithTags("Organisations");
        organisations.MapGet("", ListAsync).RequireAuthorization(PermissionPolicies.SignedIn);
        organisations.MapGet("/roles", RolesList).RequireAuthorization(PermissionPolicies.SignedIn);
        organisations.MapPost("", CreateAsync).RequirePermission(Permission.ManageOrganisations).Idempotent();
        return app;
    }

    /// <summary>Staff see the organisations of their regions; a partner member sees their own.</summary>
    private static async Task<Ok<OrganisationList>> ListAsync(CrisisOpsDbContext db, CallerAccessor caller, CancellationToken ct)
    {
        var access = await caller.GetAsync(ct);
        var scopes = access.ScopesFor(Permission.ReadRegions);
        var own = access.Organisations;
        var all = await db.Organisations.AsNoTracking().OrderBy(o => o.Code).ToListAsync(ct);
        var visible = all.Where(o => own.Contains(o.Code)
            || (access.Grants.Any(g => g.Role != Role.PartnerMember) && scopes.Any(s => RegionPath.Covers(s, o.RegionPath))));
        return TypedResults.Ok(new OrganisationList([.. visible.Select(ToDto)]));
    }

    private static Ok<OrganisationRoleList> RolesList() =>
        TypedResults.Ok(new OrganisationRoleList([.. OrganisationRoles.List().Select(r => new OrganisationRoleDto(r.Kind, r.Permissions))]));

    private static async Task<Created<OrganisationDto>> CreateAsync(OrganisationRequest body, CrisisOpsDbContext db, CallerAccessor caller,
        RegionDirectory directory, TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Check(Organisation.IsValidCode(body.Code), "code", "2–64 characters: lower-case letters, digits and '-', e.g. kangjian-pharmacy.");
        errors.Check(!string.IsNullOrWhiteSpace(body.Name) && body.Name.Length <= Organisation.MaxNameLength, "name",
            $"Required, at most {Organisation.MaxNameLength} characters.");
        errors.Check(OrganisationRoles.TryParse(body.Kind, out var kind), "kind", "One of enterprise, ngo, public.");
        errors.Check(!string.IsNullOrWhiteSpace(body.RegionCode), "regionCode", "Required: the region where the organisation works.");
        errors.Check((body.Contact?.Length ?? 0) <= 200, "contact", "At most 200 characters.");
        errors.ThrowIfAny();

        var region = await directory.NamedAsync(body.RegionCode, ct);
        var access = await caller.RequireAsync(Permission.ManageOrganisations, region.Path, ct);
        if (await db.Organisations.AnyAsync(o => o.Code == body.Code, ct))
        {
            throw new ProblemException(StatusCodes.Status409Conflict, "duplicate-organisation", "The code is taken",
                $"An organisation with the code '{body.Code}' exists.");
        }

        var now = clock.GetUtcNow();
        var organisation = new Organisation(Guid.CreateVersion7(now), body.Code!, body.Name!, kind, region.Code, region.Path, body.Contact, now,
            access.Name);
        db.Organisations.Add(organisation);
        db.Append(new JournalRecord(now, access.Name, JournalTypes.OrganisationRegistered, region.Code, region.Path, null,
            new { organisation.Code, organisation.Name, kind = kind.Name() }));
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/organisations/{organisation.Code}", ToDto(organisation));
    }

    private static OrganisationDto ToDto(Organisation o) => new(o.Id, o.Code, o.Name, o.Kind, o.RegionCode, o.Contact, o.CreatedAt);
}
