namespace CrisisOps.Server.Tests.Features;

/// <summary>With <c>--demo</c> the hotline desk has staff, an answer base and questions waiting, and nothing leaks a contact.</summary>
public sealed class InformationDemoTests(DemoApp app) : IClassFixture<DemoApp>
{
    [Fact]
    public async Task Demo_WhenStarted_HotlineHasAnswersAndOpenQuestions()
    {
        var operatorClient = await app.SignInAsync("hotline.krems", DemoCityTests.DemoPassword);
        var tickets = (await operatorClient.GetJsonAsync("/api/v1/hotline/tickets?open=true")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(3, tickets.Count);
        Assert.All(tickets, t => Assert.Equal("web", t.GetProperty("source").GetString()));
        Assert.All(tickets, t => Assert.StartsWith("KRE-02", t.GetProperty("regionCode").GetString(), StringComparison.Ordinal));
        var answers = (await operatorClient.GetJsonAsync("/api/v1/hotline/answers?q=shelter")).GetProperty("items").EnumerateArray().ToList();
        Assert.Single(answers);

        // The information officer drafts but does not approve; the hotline operator reads incidents but drafts nothing.
        var officer = await app.SignInAsync("info.krems", DemoCityTests.DemoPassword);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await officer.GetAsync("/api/v1/hotline/topics")).StatusCode);
        var journal = (await officer.GetJsonAsync("/api/v1/journal?type=ticket.created")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(3, journal.Count);
        Assert.All(journal, e => Assert.DoesNotContain("callerPhone", e.GetProperty("payload").GetRawText(), StringComparison.Ordinal));
    }
}
