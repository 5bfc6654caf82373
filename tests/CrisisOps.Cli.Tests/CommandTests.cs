using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace CrisisOps.Cli.Tests;

/// <summary>Commands against a fake server: what they send, what they print, how they exit.</summary>
public sealed class CommandTests : IDisposable
{
    private const string Server = "http://ops.test";
    private readonly CliHarness cli = new();

    public CommandTests()
    {
        cli.Variables["CRISISOPS_URL"] = Server;
        cli.Variables["CRISISOPS_TOKEN"] = "env-token";
    }

    public void Dispose() => cli.Dispose();

    [Fact]
    public async Task RegionsLocate_WhenCultureUsesDecimalComma_SendsInvariantCoordinates()
    {
        var server = new FakeServer(_ => FakeServer.Json(HttpStatusCode.OK, """
            {"code":"110105","level":"district","nameZh":"朝阳区","nameEn":"Chaoyang","chain":[
              {"code":"110000","level":"province","nameZh":"北京市","nameEn":"Beijing"},
              {"code":"110105","level":"district","nameZh":"朝阳区","nameEn":"Chaoyang"}]}
            """));
        using var _ = new CultureScope("de-DE");

        var result = await cli.RunAsync(server, "regions", "locate", "39.9219", "-116.4435");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal("/api/v1/regions/locate?lat=39.9219&lon=-116.4435", Assert.Single(server.Requests).PathAndQuery);
        Assert.Contains("北京市 › 朝阳区", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RegionsLocate_WhenOutsideAllRegions_PrintsProblemAndReturnsServerError()
    {
        var server = new FakeServer(_ => FakeServer.Problem(
            HttpStatusCode.NotFound, """{"title":"No region contains this point.","status":404,"detail":"0, 0 is outside all regions."}"""));

        var result = await cli.RunAsync(server, "regions", "locate", "0", "0");

        Assert.Equal(ExitCodes.ServerError, result.ExitCode);
        Assert.Contains("error 404: No region contains this point.", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("0, 0 is outside all regions.", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public async Task AnyCommand_WhenJsonAndServerReturnsProblem_WritesTheProblemDocumentToStderr()
    {
        const string problem = """{"title":"Forbidden","status":403}""";
        var server = new FakeServer(_ => FakeServer.Problem(HttpStatusCode.Forbidden, problem));

        var result = await cli.RunAsync(server, "regions", "list", "--json");

        Assert.Equal(ExitCodes.ServerError, result.ExitCode);
        Assert.Equal(problem, result.Stderr.Trim());
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public async Task AnyCommand_WhenConnectionIsRefused_ReturnsUnreachableWithClearMessage()
    {
        var server = new FakeServer(_ => throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (ops.test:80)"));

        var result = await cli.RunAsync(server, "deadlines", "list");

        Assert.Equal(ExitCodes.Unreachable, result.ExitCode);
        Assert.Contains("cannot reach server at http://ops.test", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Connection refused", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnyCommand_WhenServerReturnsUnreadableJson_ReturnsServerErrorWithoutStackTrace()
    {
        var server = new FakeServer(_ => FakeServer.Json(HttpStatusCode.OK, "<html>proxy login</html>"));

        var result = await cli.RunAsync(server, "regions", "list");

        Assert.Equal(ExitCodes.ServerError, result.ExitCode);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnyCommand_WhenUnauthorized_HintsAtLogin()
    {
        var server = new FakeServer(_ => FakeServer.Problem(HttpStatusCode.Unauthorized, """{"title":"Unauthorized","status":401}"""));

        var result = await cli.RunAsync(server, "incident", "list");

        Assert.Equal(ExitCodes.ServerError, result.ExitCode);
        Assert.Contains("crisisops login", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RegionsList_WhenJson_PrintsTheServerDocumentUnchanged()
    {
        const string body = """{"items":[{"code":"110000","parentCode":null,"level":"province","nameZh":"北京市","nameEn":"Beijing","population":21893095,"attributes":[],"hasBoundary":true,"isDemo":false}]}""";
        var server = new FakeServer(_ => FakeServer.Json(HttpStatusCode.OK, body));

        var result = await cli.RunAsync(server, "regions", "list", "--parent", "100000", "--level", "province", "--json");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal(body + Environment.NewLine, result.Stdout);
        var request = Assert.Single(server.Requests);
        Assert.Equal("/api/v1/regions?parent=100000&level=province", request.PathAndQuery);
        Assert.Equal("Bearer env-token", request.Header("Authorization"));
    }

    [Fact]
    public async Task RegionsList_WhenRegionIsDemo_MarksIt()
    {
        var server = new FakeServer(_ => FakeServer.Json(HttpStatusCode.OK, """
            {"items":[{"code":"D1","level":"city","nameZh":"演示市","nameEn":"Demo City","population":1200,"hasBoundary":false,"isDemo":true}]}
            """));

        var result = await cli.RunAsync(server, "regions", "list");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Contains("DEMO 演示市 Demo City", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("1,200", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RegionsImport_WhenDryRun_PostsGeoJsonAndPrintsCountsAndWarnings()
    {
        var file = Path.Combine(cli.HomeDirectory, "regions.geojson");
        await File.WriteAllTextAsync(file, """{"type":"FeatureCollection","features":[]}""", TestContext.Current.CancellationToken);
        var server = new FakeServer(_ => FakeServer.Json(HttpStatusCode.OK, """
            {"regions":34,"sites":120,"dryRun":true,"warnings":[{"index":5,"code":"110105","message":"Population missing."}]}
            """));

        var result = await cli.RunAsync(server, "regions", "import", file, "--dry-run");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        var request = Assert.Single(server.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("/api/v1/regions/import?dryRun=true", request.PathAndQuery);
        Assert.Equal("application/geo+json", request.ContentType);
        Assert.Equal("""{"type":"FeatureCollection","features":[]}""", request.Body);
        Assert.Contains("34 regions and 120 sites would be imported", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Population missing.", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RegionsImport_WhenServerRejectsFeatures_PrintsFeatureTableAndReturnsServerError()
    {
        var file = Path.Combine(cli.HomeDirectory, "bad.geojson");
        await File.WriteAllTextAsync(file, "{}", TestContext.Current.CancellationToken);
        var server = new FakeServer(_ => FakeServer.Problem((HttpStatusCode)422, """
            {"title":"Invalid GeoJSON","status":422,"features":[{"index":2,"code":"X9","errors":["Ring is not closed."]}]}
            """));

        var result = await cli.RunAsync(server, "regions", "import", file);

        Assert.Equal(ExitCodes.ServerError, result.ExitCode);
        Assert.Equal("/api/v1/regions/import?dryRun=false", Assert.Single(server.Requests).PathAndQuery);
        Assert.Contains(result.Stderr.Split('\n'), line =>
            line.Contains('2', StringComparison.Ordinal) && line.Contains("X9", StringComparison.Ordinal)
            && line.Contains("Ring is not closed.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task IncidentReport_WhenNoKeyIsGiven_SendsBodyAndGeneratedIdempotencyKey()
    {
        var server = new FakeServer(_ => FakeServer.Json(HttpStatusCode.Created, IncidentJson(isExercise: false)));

        var result = await cli.RunAsync(
            server,
            "incident", "report", "--title", "Flooded underpass", "--type", "flood", "--category", "Natural-Disaster",
            "--severity", "iii", "--lat", "39.9", "--lon", "116.4", "--event", "E-7");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        var request = Assert.Single(server.Requests);
        Assert.Equal("/api/v1/incidents", request.PathAndQuery);
        Assert.True(Guid.TryParse(request.Header("Idempotency-Key"), out _));
        using var body = JsonDocument.Parse(request.Body);
        var root = body.RootElement;
        Assert.Equal("Flooded underpass", root.GetProperty("title").GetString());
        Assert.Equal("natural-disaster", root.GetProperty("category").GetString());
        Assert.Equal("III", root.GetProperty("severity").GetString());
        Assert.Equal(39.9, root.GetProperty("location").GetProperty("lat").GetDouble());
        Assert.Equal(116.4, root.GetProperty("location").GetProperty("lon").GetDouble());
        Assert.Equal("E-7", root.GetProperty("eventId").GetString());
        Assert.False(root.TryGetProperty("regionCode", out _));
        Assert.Contains("Reported incident 2025-0042", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RiskOverride_WhenTierAndReasonGiven_SendsThemAndPrintsTheTierInForce()
    {
        var server = new FakeServer(_ => FakeServer.Json(HttpStatusCode.OK, """
            {"regionCode":"KRE-01","hazard":"flood","tier":"warning","modelTier":"attention",
             "override":{"tier":"warning","reason":"Levee seeping","by":"cmd.krems","at":"2026-07-12T08:00:00Z"},
             "confirmedBy":null,"confirmedAt":null}
            """));

        var result = await cli.RunAsync(server, "risk", "override", "KRE-01", "flood", "--tier", "Warning", "--reason", "Levee seeping");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        var request = Assert.Single(server.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("/api/v1/risk/KRE-01/flood/override", request.PathAndQuery);
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal("warning", body.RootElement.GetProperty("tier").GetString());
        Assert.Equal("Levee seeping", body.RootElement.GetProperty("reason").GetString());
        Assert.Contains("KRE-01 flood: tier warning (model: attention)", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Overridden by cmd.krems: Levee seeping", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RiskEscalate_WithoutReason_IsAUsageErrorAndSendsNothing()
    {
        var server = new FakeServer(_ => FakeServer.Json(HttpStatusCode.OK, "{}"));

        var result = await cli.RunAsync(server, "risk", "escalate", "KRE-01", "flood", "--tier", "emergency");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task IncidentReport_WhenKeyIsGiven_SendsItUnchanged()
    {
        var server = new FakeServer(_ => FakeServer.Json(HttpStatusCode.OK, IncidentJson(isExercise: true)));

        var result = await cli.RunAsync(
            server,
            "incident", "report", "--title", "T", "--type", "fire", "--category", "accident", "--severity", "I",
            "--region", "110105", "--idempotency-key", "retry-1");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal("retry-1", Assert.Single(server.Requests).Header("Idempotency-Key"));
        Assert.Contains("already reported", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("EXERCISE", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IncidentReport_WhenServerIsUnreachable_PrintsKeyToRetryWith()
    {
        var server = new FakeServer(_ => throw new HttpRequestException("Connection reset"));

        var result = await cli.RunAsync(
            server,
            "incident", "report", "--title", "T", "--type", "fire", "--category", "accident", "--severity", "I", "--idempotency-key", "k-42");

        Assert.Equal(ExitCodes.Unreachable, result.ExitCode);
        Assert.Contains("--idempotency-key k-42", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IncidentShow_PrintsIncidentReportsAndDeadlinesRelativeToServerDate()
    {
        var serverNow = new DateTimeOffset(2025, 7, 1, 8, 0, 0, TimeSpan.Zero);
        var server = new FakeServer(_ =>
        {
            var response = FakeServer.Json(HttpStatusCode.OK, $$"""
                {"incident":{{IncidentJson(isExercise: false)}},
                 "reports":[{"id":1,"kind":"initial","text":"Water 40 cm deep.","filedAt":"2025-07-01T07:30:00Z","filedBy":"alice"}],
                 "deadlines":[{"id":9,"kind":"follow-up","subjectType":"incident","subjectId":42,"incidentId":42,"regionCode":"110105",
                   "ownerRole":"duty-officer","dueAt":"2025-07-01T08:42:00Z","status":"open","escalationLevel":0,"isOverdue":false,
                   "createdAt":"2025-07-01T07:30:00Z","completedAt":null}]}
                """);
            response.Headers.Date = serverNow;
            return response;
        });

        var result = await cli.RunAsync(server, "incident", "show", "42");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal("/api/v1/incidents/42", Assert.Single(server.Requests).PathAndQuery);
        Assert.Contains("Flooded underpass", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Water 40 cm deep.", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("in 42 min", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeadlinesList_WhenAll_AsksForAllAndShowsOverdueFromServerClock()
    {
        var server = new FakeServer(_ =>
        {
            var response = FakeServer.Json(HttpStatusCode.OK, """
                {"items":[{"id":"d1","kind":"initial","subjectType":"incident","subjectId":"7","incidentId":"7","regionCode":"110105",
                  "ownerRole":"duty-officer","dueAt":"2025-07-01T06:55:00Z","status":"open","escalationLevel":1,"isOverdue":true,
                  "createdAt":"2025-07-01T06:00:00Z","completedAt":null}]}
                """);
            response.Headers.Date = new DateTimeOffset(2025, 7, 1, 8, 0, 0, TimeSpan.Zero);
            return response;
        });

        var result = await cli.RunAsync(server, "deadlines", "list", "--region", "110105", "--incident", "7", "--all");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal("/api/v1/deadlines?region=110105&incidentId=7&status=all", Assert.Single(server.Requests).PathAndQuery);
        Assert.Contains("overdue 1 h 05 min", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IncidentList_PassesFiltersAndPrintsPageSummary()
    {
        var server = new FakeServer(_ => FakeServer.Json(
            HttpStatusCode.OK, $$"""{"items":[{{IncidentJson(isExercise: false)}}],"page":2,"pageSize":1,"total":5}"""));

        var result = await cli.RunAsync(server, "incident", "list", "--region", "110105", "--status", "Responding", "--page", "2");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal("/api/v1/incidents?region=110105&status=responding&page=2", Assert.Single(server.Requests).PathAndQuery);
        Assert.Contains("1 of 5 incident(s), page 2", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JournalTail_WhenFollowingAndStreamDrops_ReconnectsWithLastEventIdAndPrintsJsonLines()
    {
        using var stop = new CancellationTokenSource();
        var server = new FakeServer(request =>
        {
            switch (request.Header("Last-Event-ID"))
            {
                case "5":
                    return EventStream("retry: 10\n: keepalive\nid: 6\nevent: incident.reported\ndata: {\"id\":6,\ndata: \"type\":\"incident.reported\"}\n\nid: 7\n\n");
                case "7":
                    return EventStream("id: 8\nevent: deadline.overdue\ndata: {\"id\":8,\"type\":\"deadline.overdue\",\"payload\":{\"note\":\"逾期\"}}\n\n");
                default:
                    stop.Cancel();
                    return EventStream("");
            }
        });

        var result = await cli.RunAsync(server, stop.Token, "journal", "tail", "--follow", "--last-event-id", "5", "--json");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal(["5", "7", "8"], server.Requests.Select(r => r.Header("Last-Event-ID")));
        Assert.All(server.Requests, r => Assert.Equal("/api/v1/feed", r.PathAndQuery));
        Assert.Equal("text/event-stream", server.Requests[0].Header("Accept"));
        var lines = result.Stdout.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal(6, JsonDocument.Parse(lines[0]).RootElement.GetProperty("id").GetInt32());
        Assert.Equal("""{"id":8,"type":"deadline.overdue","payload":{"note":"逾期"}}""", lines[1]);
        Assert.Contains("reconnecting", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JournalTail_WhenFollowingAndFirstConnectionFails_ReturnsUnreachable()
    {
        var server = new FakeServer(_ => throw new HttpRequestException("Connection refused"));

        var result = await cli.RunAsync(server, "journal", "tail", "--follow");

        Assert.Equal(ExitCodes.Unreachable, result.ExitCode);
    }

    [Fact]
    public async Task JournalTail_WhenFollowingWithTypeFilter_SkipsOtherEvents()
    {
        using var stop = new CancellationTokenSource();
        var calls = 0;
        var server = new FakeServer(_ =>
        {
            if (Interlocked.Increment(ref calls) > 1)
            {
                stop.Cancel();
                return EventStream("");
            }

            return EventStream("retry: 1\nid: 1\ndata: {\"id\":1,\"type\":\"a\"}\n\nid: 2\ndata: {\"id\":2,\"type\":\"b\"}\n\n");
        });

        var result = await cli.RunAsync(server, stop.Token, "journal", "tail", "-f", "--type", "b", "--json");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal("/api/v1/feed?type=b", server.Requests[0].PathAndQuery);
        Assert.Equal("""{"id":2,"type":"b"}""", result.Stdout.Trim());
    }

    private static HttpResponseMessage EventStream(string text) =>
        new(HttpStatusCode.OK) { Content = new StringContent(text, Encoding.UTF8, "text/event-stream") };

    private static string IncidentJson(bool isExercise) => $$"""
        {"id":42,"number":"2025-0042","title":"Flooded underpass","description":"Cars stuck.","category":"natural-disaster","type":"flood",
         "severity":"III","status":"reported","regionCode":"110105","regionNameZh":"朝阳区","regionNameEn":"Chaoyang",
         "location":{"lat":39.9,"lon":116.4},"eventId":null,"isExercise":{{(isExercise ? "true" : "false")}},"source":"cli",
         "reportedAt":"2025-07-01T07:30:00Z","reportedBy":"alice","flags":["needs-verification"]}
        """;
}
