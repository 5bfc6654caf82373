using CrisisOps.Domain.Access;

namespace CrisisOps.Domain.Tests.Access;

public sealed class CallerAccessTests
{
    private static CallerAccess Caller(params Grant[] grants) => new(Guid.NewGuid(), "u", grants);

    [Fact]
    public void Can_WhenRoleHeldAtAncestor_CoversSubtreeOnly()
    {
        var caller = Caller(new Grant(Role.DutyOfficer, "A", "/P/A/", null));

        Assert.True(caller.Can(Permission.ReadIncidents, "/P/A/"));
        Assert.True(caller.Can(Permission.ReadIncidents, "/P/A/T/X/"));
        Assert.False(caller.Can(Permission.ReadIncidents, "/P/B/"));
        Assert.False(caller.Can(Permission.ReadIncidents, "/P/"));
        Assert.False(caller.Can(Permission.ManageUsers, "/P/A/"));
    }

    [Fact]
    public void Can_WhenRoleLacksPermission_RefusesEvenInsideJurisdiction()
    {
        var partner = Caller(new Grant(Role.PartnerMember, "A", "/P/A/", null, "red-cross", OrganisationKind.Ngo));
        Assert.True(partner.Can(Permission.ReportIncident, "/P/A/X/"));
        Assert.False(partner.Can(Permission.ReadJournal, "/P/A/X/"));
        Assert.False(CallerAccess.Anonymous.HasAnywhere(Permission.ReadRegions));
    }

    [Fact]
    public void Can_WhenPartnerMember_AllowsWhatTheOrganisationKindAllows()
    {
        var ngo = Caller(new Grant(Role.PartnerMember, "A", "/P/A/", null, "red-cross", OrganisationKind.Ngo));
        var resident = Caller(new Grant(Role.PartnerMember, "A", "/P/A/", null, "block-7", OrganisationKind.Public));
        var unknown = Caller(new Grant(Role.PartnerMember, "A", "/P/A/", null));

        Assert.True(ngo.Can(Permission.ClaimNeeds, "/P/A/X/"));
        Assert.True(resident.Can(Permission.ReadNeeds, "/P/A/X/"));
        Assert.False(resident.Can(Permission.ClaimNeeds, "/P/A/X/"));
        Assert.False(unknown.Can(Permission.ReadNeeds, "/P/A/X/"));
        Assert.Equal(["red-cross"], ngo.Organisations);
    }

    [Fact]
    public void OrganisationRoles_NeverGrantMoreThanThePartnerRole()
    {
        foreach (var (kind, permissions) in OrganisationRoles.List())
        {
            Assert.All(permissions, p => Assert.True(Role.PartnerMember.Grants(p), $"{kind} lists {p}, which partner members never hold"));
        }
    }

    [Fact]
    public void ScopesFor_WhenGrantsNest_KeepsOnlyTheWidest()
    {
        var caller = Caller(
            new Grant(Role.Analyst, "A", "/P/A/", null),
            new Grant(Role.DutyOfficer, "X", "/P/A/T/X/", null),
            new Grant(Role.DutyOfficer, "B", "/P/B/", null),
            new Grant(Role.PartnerMember, "C", "/P/C/", null, "red-cross", OrganisationKind.Ngo));

        Assert.Equal(["/P/A/", "/P/B/"], caller.ScopesFor(Permission.ReadIncidents));
        Assert.Equal(["/P/A/T/X/", "/P/B/"], caller.ScopesFor(Permission.ChangeIncidentStatus).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Roles_WhenNamed_RoundTrip()
    {
        foreach (var role in Enum.GetValues<Role>())
        {
            Assert.True(Roles.TryParse(role.Name(), out var parsed));
            Assert.Equal(role, parsed);
        }

        Assert.False(Roles.TryParse("DutyOfficer", out _));
    }
}
