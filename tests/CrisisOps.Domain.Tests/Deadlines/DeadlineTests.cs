using CrisisOps.Domain.Access;
using CrisisOps.Domain.Deadlines;

namespace CrisisOps.Domain.Tests.Deadlines;

public sealed class DeadlineTests
{
    private static readonly DateTimeOffset Now = new(2026, 7, 12, 8, 0, 0, TimeSpan.Zero);

    private static Deadline FirstReport(string path = "/P/C/D/T/X/") => Deadline.Start(Guid.NewGuid(), DeadlinePolicies.FirstReport,
        new DeadlineSubject("incident", Guid.NewGuid(), Guid.NewGuid(), false), path, Now);

    [Fact]
    public void Start_WhenFirstReport_IsDueInOneHourOwnedByDutyOfficersWithAncestorsToEscalateTo()
    {
        var deadline = FirstReport();

        Assert.Equal(Now.AddHours(1), deadline.DueAt);
        Assert.Equal(Role.DutyOfficer, deadline.OwnerRole);
        Assert.Equal("X", deadline.RegionCode);
        Assert.Equal(["/P/C/D/T/", "/P/C/D/", "/P/C/", "/P/"], deadline.EscalationChain);
        Assert.False(deadline.IsOverdue(Now.AddMinutes(60)));
        Assert.True(deadline.IsOverdue(Now.AddMinutes(60).AddTicks(1)));
    }

    [Fact]
    public void Fire_WhenNotYetDue_Throws()
    {
        Assert.Equal("deadline-not-due", Assert.Throws<DomainException>(() => FirstReport().Fire(Now.AddMinutes(59))).Code);
    }

    [Fact]
    public void Fire_WhenDue_RecordsMissAndEscalatesOneLevelPerInterval()
    {
        var deadline = FirstReport("/P/C/X/");
        var firstCheck = Now.AddHours(1);

        var first = deadline.Fire(firstCheck);
        Assert.True(first.FirstMiss);
        Assert.Equal(("X", "C"), (first.EscalatedFrom, first.EscalatedTo));
        Assert.Equal(firstCheck, deadline.MissedAt);
        Assert.Equal(firstCheck.AddHours(1), deadline.NextCheckAt);

        var second = deadline.Fire(firstCheck.AddHours(1));
        Assert.False(second.FirstMiss);
        Assert.Equal(("C", "P"), (second.EscalatedFrom, second.EscalatedTo));
        Assert.Equal("/P/", deadline.RegionPath);

        var exhausted = deadline.Fire(firstCheck.AddHours(2));
        Assert.Null(exhausted.EscalatedTo);
        Assert.Null(deadline.NextCheckAt);
        Assert.Equal(2, deadline.EscalationLevel);
        Assert.Equal(DeadlineStatus.Open, deadline.Status);
    }

    [Fact]
    public void Meet_WhenOnTime_RecordsTimeTaken()
    {
        var deadline = FirstReport();
        deadline.Meet(Now.AddMinutes(42));
        Assert.Equal(DeadlineStatus.Met, deadline.Status);
        Assert.Equal(TimeSpan.FromMinutes(42), deadline.TimeTaken);
        Assert.False(deadline.WasMetLate);
        Assert.Null(deadline.NextCheckAt);
    }

    [Fact]
    public void Meet_WhenAfterEscalation_IsLate()
    {
        var deadline = FirstReport();
        deadline.Fire(Now.AddHours(1));
        deadline.Meet(Now.AddMinutes(70));
        Assert.True(deadline.WasMetLate);
        Assert.Equal("T", deadline.RegionCode);
    }

    [Fact]
    public void MeetOrCancel_WhenAlreadyClosed_Throws()
    {
        var deadline = FirstReport();
        deadline.Cancel(Now);
        Assert.Equal("deadline-closed", Assert.Throws<DomainException>(() => deadline.Meet(Now)).Code);
        Assert.Equal("deadline-closed", Assert.Throws<DomainException>(() => deadline.Cancel(Now)).Code);
    }

    [Fact]
    public void Changes_WhenMade_BumpTheConcurrencyToken()
    {
        var deadline = FirstReport();
        var before = deadline.Version;
        deadline.Fire(Now.AddHours(1));
        Assert.Equal(before + 1, deadline.Version);
        deadline.Meet(Now.AddHours(2));
        Assert.Equal(before + 2, deadline.Version);
    }
}
