using CrisisOps.Domain.Regions;

namespace CrisisOps.Domain.Access;

/// <summary>
/// A grant as authorisation needs it. A partner member's grant names their organisation and its kind,
/// which narrows what the role allows (<see cref="OrganisationRoles"/>).
/// </summary>
public sealed record Grant(Role Role, string RegionCode, string RegionPath, string? Department, string? Organisation = null,
    OrganisationKind? OrganisationKind = null)
{
    /// <summary>Whether this grant gives <paramref name="permission"/> (anywhere in its subtree).</summary>
    public bool Allows(Permission permission) =>
        Role.Grants(permission) && (Role != Role.PartnerMember || OrganisationKind is { } kind && kind.Allows(permission));
}

/// <summary>
/// What one caller may do where: the single place that decides "role at region, covering its
/// subtree". API policies, queries and (later) console pages all ask this.
/// </summary>
public sealed class CallerAccess
{
    public static CallerAccess Anonymous { get; } = new(null, "anonymous", []);

    public CallerAccess(Guid? userId, string name, IReadOnlyList<Grant> grants)
    {
        UserId = userId;
        Name = name;
        Grants = grants;
    }

    public Guid? UserId { get; }

    public string Name { get; }

    public IReadOnlyList<Grant> Grants { get; }

    public bool IsAuthenticated => UserId is not null;

    /// <summary>True when some role of the caller grants <paramref name="permission"/> somewhere.</summary>
    public bool HasAnywhere(Permission permission) => Grants.Any(g => g.Allows(permission));

    /// <summary>True when a role held at the region or one of its ancestors grants <paramref name="permission"/>.</summary>
    public bool Can(Permission permission, string? regionPath) =>
        Grants.Any(g => g.Allows(permission) && RegionPath.Covers(g.RegionPath, regionPath));

    /// <summary>The organisations the caller is a member of (partner member grants), by code.</summary>
    public IReadOnlyList<string> Organisations => [.. Grants.Select(g => g.Organisation).OfType<string>().Distinct(StringComparer.Ordinal)];

    /// <summary>Departments the caller acts for (department liaison grants).</summary>
    public IReadOnlyList<string> Departments => [.. Grants.Select(g => g.Department).OfType<string>().Distinct(StringComparer.Ordinal)];

    /// <summary>Paths of the subtrees where <paramref name="permission"/> holds, without nested duplicates.</summary>
    public IReadOnlyList<string> ScopesFor(Permission permission)
    {
        var paths = Grants.Where(g => g.Allows(permission)).Select(g => g.RegionPath)
            .Distinct(StringComparer.Ordinal).OrderBy(p => p.Length).ToList();
        var result = new List<string>();
        foreach (var path in paths)
        {
            if (!result.Any(r => RegionPath.Covers(r, path)))
            {
                result.Add(path);
            }
        }

        return result;
    }
}
