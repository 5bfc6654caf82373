using CrisisOps.Domain.Incidents;
using CrisisOps.Domain.Regions;

namespace CrisisOps.Domain.Tests.Incidents;

public sealed class IncidentTests
{
    private static readonly DateTimeOffset Now = new(2026, 7, 12, 8, 0, 0, TimeSpan.Zero);

    private static Incident New(IncidentSource source = IncidentSource.Staff) => new(Guid.CreateVersion7(Now),
        new NewIncident("Flooded underpass", null, IncidentCategory.NaturalDisaster, IncidentType.Waterlogging,
            IncidentSeverity.IV, new GeoPoint(48.4, 15.6), null, false, source), "C1", "/P/C1/", Now, "duty");

    public static TheoryData<IncidentStatus, IncidentStatus> Legal => new()
    {
        { IncidentStatus.Reported, IncidentStatus.Verified },
        { IncidentStatus.Reported, IncidentStatus.Closed },
        { IncidentStatus.Verified, IncidentStatus.Responding },
        { IncidentStatus.Verified, IncidentStatus.Closed },
        { IncidentStatus.Responding, IncidentStatus.Recovering },
        { IncidentStatus.Recovering, IncidentStatus.Closed },
    };

    private static readonly IncidentStatus[][] PathTo =
    [
        [],
        [IncidentStatus.Verified],
        [IncidentStatus.Verified, IncidentStatus.Responding],
        [IncidentStatus.Verified, IncidentStatus.Responding, IncidentStatus.Recovering],
        [IncidentStatus.Closed],
    ];

    private static Incident At(IncidentStatus status)
    {
        var incident = New();
        foreach (var step in PathTo[(int)status - 1])
        {
            incident.ChangeStatus(step, Now);
        }

        return incident;
    }

    [Theory]
    [MemberData(nameof(Legal))]
    public void ChangeStatus_WhenLifecycleAllows_Moves(IncidentStatus from, IncidentStatus to)
    {
        var incident = At(from);
        incident.ChangeStatus(to, Now.AddMinutes(5));
        Assert.Equal(to, incident.Status);
        Assert.Equal(Now.AddMinutes(5), incident.UpdatedAt);
    }

    [Fact]
    public void ChangeStatus_WhenLifecycleForbids_ThrowsAndKeepsStatus()
    {
        var legal = Legal.Select(row => row.Data).ToHashSet();
        foreach (var from in Enum.GetValues<IncidentStatus>())
        {
            foreach (var to in Enum.GetValues<IncidentStatus>().Where(to => !legal.Contains((from, to))))
            {
                var incident = At(from);
                var ex = Assert.Throws<DomainException>(() => incident.ChangeStatus(to, Now));
                Assert.Equal("illegal-status-change", ex.Code);
                Assert.Equal(from, incident.Status);
            }
        }
    }

    [Fact]
    public void Verify_WhenPublicReport_ClearsUnverifiedFlag()
    {
        var incident = New(IncidentSource.Public);
        Assert.Contains("unverified", incident.Flags());
        incident.ChangeStatus(IncidentStatus.Verified, Now);
        Assert.DoesNotContain("unverified", incident.Flags());
    }

    [Fact]
    public void FileReport_WhenInOrder_AcceptsInitialFollowUpsAndFinal()
    {
        var incident = New();
        incident.FileReport(Guid.NewGuid(), ReportKind.Initial, "初报", Now, "duty");
        incident.FileReport(Guid.NewGuid(), ReportKind.FollowUp, "续报 1", Now, "duty");
        incident.FileReport(Guid.NewGuid(), ReportKind.FollowUp, "续报 2", Now, "duty");
        incident.FileReport(Guid.NewGuid(), ReportKind.Final, "终报", Now, "duty");
        Assert.Equal(4, incident.Reports.Count);
    }

    [Theory]
    [InlineData(ReportKind.FollowUp, "initial-report-missing")]
    [InlineData(ReportKind.Final, "initial-report-missing")]
    public void FileReport_WhenBeforeInitial_Throws(ReportKind kind, string code)
    {
        Assert.Equal(code, Assert.Throws<DomainException>(() => New().FileReport(Guid.NewGuid(), kind, "x", Now, "d")).Code);
    }

    [Fact]
    public void FileReport_WhenSecondInitialOrAfterFinal_Throws()
    {
        var incident = New();
        incident.FileReport(Guid.NewGuid(), ReportKind.Initial, "初报", Now, "duty");
        Assert.Equal("initial-report-exists",
            Assert.Throws<DomainException>(() => incident.FileReport(Guid.NewGuid(), ReportKind.Initial, "again", Now, "d")).Code);
        incident.FileReport(Guid.NewGuid(), ReportKind.Final, "终报", Now, "duty");
        Assert.Equal("final-report-filed",
            Assert.Throws<DomainException>(() => incident.FileReport(Guid.NewGuid(), ReportKind.FollowUp, "late", Now, "d")).Code);
        Assert.Equal(2, incident.Reports.Count);
    }

    [Fact]
    public void New_WhenTypeOfOtherCategory_Throws()
    {
        var ex = Assert.Throws<DomainException>(() => new Incident(Guid.NewGuid(),
            new NewIncident("x", null, IncidentCategory.PublicHealth, IncidentType.Fire, IncidentSeverity.I, null, null, false, IncidentSource.Staff),
            "C", "/C/", Now, "d"));
        Assert.Equal("type-category-mismatch", ex.Code);
    }

    [Fact]
    public void New_WhenCreated_HasReadableNumber()
    {
        Assert.Matches("^INC-20260712-080000-[0-9A-F]{8}$", New().Number);
    }
}
