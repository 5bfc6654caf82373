using System.Net;
using System.Text.Json;

namespace CrisisOps.Server.Tests.Features;

public abstract class FeedTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : CrisisOpsApp
{
    private sealed record SseEvent(long Id, string Type, JsonElement Data);

    /// <summary>Reads Server-Sent Events until <paramref name="until"/> holds or the time runs out.</summary>
    private static async Task<List<SseEvent>> ReadAsync(HttpClient client, string url, long? lastEventId, Func<List<SseEvent>, bool> until,
        Func<Task>? afterConnect = null)
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel.Token));
        if (afterConnect is not null)
        {
            await reader.ReadLineAsync(cancel.Token); // "retry: …": the server has subscribed
            await afterConnect();
        }

        var events = new List<SseEvent>();
        long id = 0;
        string? type = null;
        string? data = null;
        while (!until(events))
        {
            var line = await reader.ReadLineAsync(cancel.Token) ?? throw new InvalidOperationException("stream ended");
            if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = long.Parse(line[4..], System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = line[6..];
            }
            else if (line.Length == 0 && type == "access-revoked")
            {
                events.Add(new SseEvent(id, type, default));
                type = null;
                data = null;
            }
            else if (line.Length == 0 && data is not null)
            {
                events.Add(new SseEvent(id, type!, JsonDocument.Parse(data).RootElement.Clone()));
                data = null;
            }
        }

        return events;
    }

    [Fact]
    public async Task Feed_WhenIncidentReported_DeliversItLiveOnlyToThoseWhoMaySeeIt()
    {
        var world = await app.WorldAsync();
        var userA = await app.UserAsync(("duty-officer", world.CountyA));
        var officerB = await app.UserAsync(("duty-officer", world.CountyB));

        async Task Report(HttpClient client, string community, string title)
        {
            var (lat, lon) = world.PointIn(community);
            (await client.PostJsonAsync("/api/v1/incidents", new
            {
                title, category = "accident", type = "fire", severity = "IV", location = new { lat, lon },
            })).EnsureSuccessStatusCode();
        }

        var events = await ReadAsync(userA, "/api/v1/feed", null,
            e => e.Count(x => x.Type == "incident.reported") >= 2,
            async () =>
            {
                await Report(userA, world.CommunityA1, "first in A");
                await Report(officerB, world.CommunityB1, "secret in B");
                await Report(userA, world.CommunityA2, "second in A");
            });

        var reported = events.Where(e => e.Type == "incident.reported").ToList();
        Assert.Equal(["first in A", "second in A"], reported.Select(e => e.Data.GetProperty("payload").GetProperty("title").GetString()).ToArray());
        Assert.DoesNotContain(events, e => e.Data.GetProperty("regionCode").GetString()!.StartsWith(world.CountyB, StringComparison.Ordinal));
        Assert.True(events.Select(e => e.Id).SequenceEqual(events.Select(e => e.Id).Order()));
    }

    [Fact]
    public async Task Feed_WhenFirstReportDeadlineMissed_StreamsMissAndEscalation()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("duty-officer", world.CountyA));
        var (lat, lon) = world.PointIn(world.CommunityA1);

        var events = await ReadAsync(officer, "/api/v1/feed?type=deadline.", null,
            e => e.Any(x => x.Type == "deadline.escalated"),
            async () =>
            {
                (await officer.PostJsonAsync("/api/v1/incidents", new
                {
                    title = "Escalate me", category = "accident", type = "fire", severity = "IV", location = new { lat, lon },
                })).EnsureSuccessStatusCode();
                app.Clock.Advance(TimeSpan.FromMinutes(61));
                await Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
                    .GetRequiredService<CrisisOps.Server.Features.Deadlines.DeadlineRunner>(app.Services).FireDueAsync(CancellationToken.None);
            });

        Assert.Equal(["deadline.created", "deadline.missed", "deadline.escalated"], events.Select(e => e.Type).ToArray());
        Assert.Equal(world.TownshipA, events[^1].Data.GetProperty("payload").GetProperty("to").GetString());
    }

    [Fact]
    public async Task Feed_WhenTokenRevokedWhileOpen_EndsTheStream()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("duty-officer", world.CountyA));
        var tokens = await officer.GetJsonAsync("/api/v1/auth/tokens");
        var tokenId = Assert.Single(tokens.EnumerateArray()).GetProperty("id").GetString();
        var (lat, lon) = world.PointIn(world.CommunityA1);

        var events = await ReadAsync(officer, "/api/v1/feed", null,
            e => e.Any(x => x.Type == "access-revoked"),
            async () =>
            {
                (await app.Anonymous().SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/auth/tokens/{tokenId}")
                {
                    Headers = { Authorization = officer.DefaultRequestHeaders.Authorization },
                })).EnsureSuccessStatusCode();
                (await (await app.AdminAsync()).PostJsonAsync("/api/v1/incidents", new
                {
                    title = "After revocation", category = "accident", type = "fire", severity = "IV", location = new { lat, lon },
                })).EnsureSuccessStatusCode();
            });

        Assert.DoesNotContain(events, e => e.Type == "incident.reported");
    }

    [Fact]
    public async Task Feed_WhenResumedWithLastEventId_ContinuesAfterIt()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("duty-officer", world.CountyA));
        var (lat, lon) = world.PointIn(world.CommunityA1);
        var id = (await (await officer.PostJsonAsync("/api/v1/incidents", new
        {
            title = "Resume me", category = "accident", type = "fire", severity = "IV", location = new { lat, lon },
        })).OkJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetString();
        var journal = (await officer.GetJsonAsync($"/api/v1/journal?incidentId={id}")).GetProperty("items").EnumerateArray().ToList();
        var reportedId = journal.Single(e => e.GetProperty("type").GetString() == "incident.reported").GetProperty("id").GetInt64();

        var events = await ReadAsync(officer, $"/api/v1/feed?incidentId={id}", reportedId, e => e.Count >= 1);

        Assert.Equal("deadline.created", events[0].Type);
        Assert.True(events[0].Id > reportedId);
    }
}

public sealed class FeedTestsOnSqlite(SqliteApp app) : FeedTests<SqliteApp>(app);

public sealed class FeedTestsOnPostgres(PostgresApp app) : FeedTests<PostgresApp>(app);
