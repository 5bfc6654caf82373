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
        var partner = Caller(new Grant(Role.PartnerMember, "A", "/P/A/", null));
        Assert.True(partner.Can(Permission.ReportIncident, "/P/A/X/"));
        Assert.False(partner.Can(Permission.ReadJournal, "/P/A/X/"));
        Assert.False(CallerAccess.Anonymous.HasAnywhere(Permission.ReadRegions));
    }

    [Fact]
    public void ScopesFor_WhenGrantsNest_KeepsOnlyTheWidest()
    {
        var caller = Caller(
            new Grant(Role.Analyst, "A", "/P/A/", null),
            new Grant(Role.DutyOfficer, "X", "/P/A/T/X/", null),
            new Grant(Role.DutyOfficer, "B", "/P/B/", null),
            new Grant(Role.PartnerMember, "C", "/P/C/", null));

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
