using CrisisOps.Domain.Command;
using CrisisOps.Domain.Incidents;

namespace CrisisOps.Domain.Tests.Command;

public sealed class OrderTests
{
    private static readonly DateTimeOffset Now = new(2026, 7, 12, 8, 0, 0, TimeSpan.Zero);

    private static readonly HqTemplate Template = new("rainstorm", "暴雨指挥部", "Rainstorm HQ", [IncidentType.Flood],
        new HqPositions("总指挥", "Commander", "副总指挥", "Deputy"), ["water"]);

    private static (Headquarters Hq, CommandUnit Unit) Hq()
    {
        var hq = new Headquarters(Guid.NewGuid(), Guid.NewGuid(), Template, "chief", null, "C", "/P/C/", false, Now, "chief");
        var unit = new CommandUnit(Guid.NewGuid(), hq.Id, hq.IncidentId, "水务局", UnitKind.DepartmentTeam, "water", null, null, null, Now, "chief");
        return (hq, unit);
    }

    private static Order NewOrder(DateTimeOffset? due = null)
    {
        var (hq, unit) = Hq();
        return new Order(Guid.NewGuid(), hq, unit, new NewOrder("Pump", null, new OrderPlace(null, null, null), due ?? Now.AddHours(2), OrderPriority.High),
            TimeSpan.FromMinutes(15), Now, "chief");
    }

    [Fact]
    public void Steps_WhenInTurn_MoveIssuedToDoneWithTimes()
    {
        var order = NewOrder();
        order.Acknowledge(Now.AddMinutes(5), "liaison");
        Assert.True(order.Report(Now.AddMinutes(6), "liaison"));
        Assert.Equal(OrderStatus.InProgress, order.Status);
        order.Finish(Now.AddMinutes(30), "liaison");
        Assert.Equal(OrderStatus.Done, order.Status);
        Assert.Equal(Now.AddMinutes(5), order.AcknowledgedAt);
        Assert.Equal(Now.AddMinutes(6), order.StartedAt);
        Assert.Equal(Now.AddMinutes(30), order.DoneAt);
    }

    [Fact]
    public void Steps_WhenOutOfTurn_ThrowWrongStepAsConflict()
    {
        var order = NewOrder();
        Assert.True(Assert.Throws<DomainException>(() => order.Start(Now, "x")).IsConflict);
        Assert.Equal("order-wrong-step", Assert.Throws<DomainException>(() => order.Report(Now, "x")).Code);
        order.Acknowledge(Now, "x");
        Assert.Equal("order-wrong-step", Assert.Throws<DomainException>(() => order.Acknowledge(Now, "x")).Code);
        Assert.Equal("order-wrong-step", Assert.Throws<DomainException>(() => order.Finish(Now, "x")).Code);
        Assert.Equal("reason-required", Assert.Throws<DomainException>(() => order.CannotDo("  ", Now, "x")).Code);
        order.CannotDo("No pumps left", Now, "x");
        Assert.Equal("order-wrong-step", Assert.Throws<DomainException>(() => order.CannotDo("again", Now, "x")).Code);
    }

    [Fact]
    public void Late_WhenPastAcknowledgementOrDue_SaysWhich()
    {
        var order = NewOrder(Now.AddHours(1));
        Assert.False(order.IsLate(Now.AddMinutes(15)));
        Assert.True(order.IsUnacknowledgedLate(Now.AddMinutes(16)));
        order.Acknowledge(Now.AddMinutes(20), "x");
        Assert.False(order.IsLate(Now.AddMinutes(59)));
        Assert.True(order.IsOverdue(Now.AddMinutes(61)));
        Assert.False(order.IsUnacknowledgedLate(Now.AddMinutes(61)));
    }

    [Fact]
    public void New_WhenDueNotAfterNowOrUnitOfAnotherHq_Refuses()
    {
        Assert.Equal("invalid-order", Assert.Throws<DomainException>(() => NewOrder(Now)).Code);
        var (hq, _) = Hq();
        var (_, foreign) = Hq();
        Assert.Equal("unit-not-in-headquarters", Assert.Throws<DomainException>(() => new Order(Guid.NewGuid(), hq, foreign,
            new NewOrder("Pump", null, new OrderPlace(null, null, null), Now.AddHours(1), OrderPriority.Low), TimeSpan.FromMinutes(5), Now, "c")).Code);
    }
}
