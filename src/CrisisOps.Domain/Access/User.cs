namespace CrisisOps.Domain.Access;

/// <summary>A person who signs in. Credentials are hashed elsewhere; the domain never sees a password.</summary>
public sealed class User
{
    private User() { }

    public User(Guid id, string userName, string displayName, string passwordHash, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(userName) || userName.Length > 64)
        {
            throw new DomainException("invalid-user-name", "A user name has 1–64 characters.");
        }

        Id = id;
        UserName = userName;
        DisplayName = string.IsNullOrWhiteSpace(displayName) ? userName : displayName;
        PasswordHash = passwordHash;
        CreatedAt = now;
    }

    public Guid Id { get; private set; }

    public string UserName { get; private set; } = "";

    public string DisplayName { get; private set; } = "";

    public string PasswordHash { get; private set; } = "";

    public DateTimeOffset CreatedAt { get; private set; }

    public bool IsDisabled { get; private set; }

    public List<RoleGrant> Grants { get; private set; } = [];

    public void ChangePasswordHash(string hash) => PasswordHash = hash;

    public void Disable() => IsDisabled = true;
}

/// <summary>
/// A role held at a region (and so over its subtree). A liaison names their department; a partner
/// member names their organisation (by code).
/// </summary>
public sealed class RoleGrant
{
    private RoleGrant() { }

    public RoleGrant(Guid id, Guid userId, Role role, string regionCode, string regionPath, string? department, DateTimeOffset now,
        string? organisation = null)
    {
        if (role == Role.DepartmentLiaison && string.IsNullOrWhiteSpace(department))
        {
            throw new DomainException("department-required", "A department liaison names their department.");
        }

        if (role == Role.PartnerMember && string.IsNullOrWhiteSpace(organisation))
        {
            throw new DomainException("organisation-required", "A partner member names their organisation.");
        }

        if (role != Role.PartnerMember && !string.IsNullOrWhiteSpace(organisation))
        {
            throw new DomainException("organisation-not-allowed", "Only a partner member belongs to an organisation.");
        }

        Id = id;
        UserId = userId;
        Role = role;
        RegionCode = regionCode;
        RegionPath = regionPath;
        Department = string.IsNullOrWhiteSpace(department) ? null : department;
        Organisation = string.IsNullOrWhiteSpace(organisation) ? null : organisation;
        GrantedAt = now;
    }

    public Guid Id { get; private set; }

    public Guid UserId { get; private set; }

    public Role Role { get; private set; }

    public string RegionCode { get; private set; } = "";

    public string RegionPath { get; private set; } = "";

    public string? Department { get; private set; }

    /// <summary>Code of the partner member's <see cref="Access.Organisation"/>.</summary>
    public string? Organisation { get; private set; }

    public DateTimeOffset GrantedAt { get; private set; }
}

/// <summary>
/// A personal access token for the CLI and machines. Only a SHA-256 hash of the secret is kept;
/// the secret is shown once, at creation.
/// </summary>
public sealed class AccessToken
{
    private AccessToken() { }

    public AccessToken(Guid id, Guid userId, string name, string secretHash, DateTimeOffset now, DateTimeOffset expiresAt)
    {
        if (expiresAt <= now)
        {
            throw new DomainException("invalid-expiry", "A token must expire in the future.");
        }

        Id = id;
        UserId = userId;
        Name = string.IsNullOrWhiteSpace(name) ? "token" : name;
        SecretHash = secretHash;
        CreatedAt = now;
        ExpiresAt = expiresAt;
    }

    public Guid Id { get; private set; }

    public Guid UserId { get; private set; }

    public string Name { get; private set; } = "";

    public string SecretHash { get; private set; } = "";

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset ExpiresAt { get; private set; }

    public DateTimeOffset? RevokedAt { get; private set; }

    public bool IsUsableAt(DateTimeOffset now) => RevokedAt is null && now < ExpiresAt;

    public void Revoke(DateTimeOffset now) => RevokedAt ??= now;
}
