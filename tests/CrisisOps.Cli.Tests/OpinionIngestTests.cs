using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CrisisOps.Cli.Tests;

/// <summary>
/// <c>opinion ingest</c> against a stand-in that keeps the server's contract (<see cref="PostsServer"/>): file reading
/// (JSON array, JSON Lines), batching by count and by body size, <c>--source</c>, the mapping of the server's batch
/// indexes back to lines and array indexes, and the exit codes. The end-to-end tests against the real server live with
/// the server's tests.
/// </summary>
public sealed class OpinionIngestTests : IDisposable
{
    private const string Url = "http://ops.test";
    private readonly CliHarness cli = new();
    private readonly TempDirectory files = new();

    public OpinionIngestTests()
    {
        cli.Variables[CliContext.UrlVariable] = Url;
        cli.Variables[CliContext.TokenVariable] = "analyst-token";
    }

    public void Dispose()
    {
        cli.Dispose();
        files.Dispose();
    }

    private string Write(string name, string content) => Write(name, new UTF8Encoding(false).GetBytes(content));

    private string Write(string name, byte[] content)
    {
        var path = Path.Combine(files.Path, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    private static string Post(string sourceId, string text = "地铁5号线被困，求助", string? source = "weibo") =>
        new JsonObject
        {
            ["source"] = source,
            ["sourceId"] = sourceId,
            ["kind"] = "social",
            ["time"] = "2026-07-20T08:00:00+08:00",
            ["text"] = text,
        }.ToJsonString();

    [Fact]
    public async Task Ingest_WhenJsonLinesWithBadLines_SendsTheRestReportsEachLineAndExitsRejected()
    {
        var lines = new MemoryStream();
        void Line(string text) => lines.Write(Encoding.UTF8.GetBytes(text + "\n"));
        Line(Post("a1"));                               // 1
        Line("{\"source\": \"weibo\", \"sourceId\": ");    // 2: breaks off
        Line(Post("a3"));                               // 3
        Line("[1, 2]");                                 // 4: not an object
        Line("   ");                                    // 5: blank, skipped
        lines.Write([.. "{\"source\":\"weibo\",\"sourceId\":\"a6\",\"text\":\""u8, 0xFF, 0xFE, .. "\"}\n"u8]); // 6: not UTF-8
        Line(Post("a7", text: ""));                     // 7: the server refuses it (text-empty)
        Line(Post("a8") + "\r");                        // 8: CRLF
        var path = Write("posts.jsonl", lines.ToArray());
        var server = new PostsServer();

        var result = await cli.RunAsync(server.Handler, "opinion", "ingest", path);

        Assert.True(result.ExitCode == ExitCodes.Rejected, result.Stderr);
        Assert.Contains("posts.jsonl: 7 posts, 3 stored, 0 already held, 4 rejected.", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(["a1", "a3", "a7", "a8"], server.Received.Select(p => p["sourceId"]!.GetValue<string>()));
        var errors = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("line 2: json-malformed — not valid JSON at column", errors[0], StringComparison.Ordinal);
        Assert.StartsWith("line 4: post-not-object", errors[1], StringComparison.Ordinal);
        Assert.StartsWith("line 6: json-not-utf8", errors[2], StringComparison.Ordinal);
        Assert.Equal("line 7 (a7): text-empty — Text is empty.", errors[3]);
        Assert.Equal(4, errors.Length);
    }

    [Fact]
    public async Task Ingest_WhenAJsonArrayIsNotUtf8_ExitsUsageSayingWhereAndSendsNothing()
    {
        var path = Write("posts.json", [.. Encoding.UTF8.GetBytes($"[{Post("u0")},\n  "), .. "{\"source\":\"weibo\",\"sourceId\":\"u1\",\"text\":\"a"u8,
            0xC3, 0x28, .. Encoding.UTF8.GetBytes($"\"}}, {Post("u2")}]")]);
        var server = new PostsServer();

        var result = await cli.RunAsync(server.Handler, "opinion", "ingest", path);

        Assert.True(result.ExitCode == ExitCodes.Usage, result.Stderr);
        Assert.Matches(@"is\s+not\s+valid\s+UTF-8\s+at\s+line\s+2,\s+column\s+46\s+\(bytes\)", result.Stderr);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Ingest_WhenAFieldHasTheWrongType_RefusesThatPostAloneAndSendsNumericSourceIdsAsText()
    {
        // On the server a field that does not bind makes the whole request malformed JSON: each such post is refused here.
        string[] posts =
        [
            "{\"source\":\"weibo\",\"sourceId\":4471920123456789012,\"time\":\"2026-07-20T08:00:00+08:00\",\"text\":\"雨\"}",
            "{\"source\":\"weibo\",\"sourceId\":\"t1\",\"time\":\"yesterday\",\"text\":\"雨\"}",
            "{\"source\":\"weibo\",\"sourceId\":\"t2\",\"time\":\"2026-07-20T08:00:00+08:00\",\"text\":42}",
            "{\"source\":\"weibo\",\"sourceId\":\"t3\",\"time\":\"2026-07-20T08:00:00+08:00\",\"text\":\"雨\",\"Latitude\":\"31.2\"}",
            "{\"source\":\"weibo\",\"sourceId\":1.5,\"time\":\"2026-07-20T08:00:00+08:00\",\"text\":\"雨\"}",
            "{\"source\":\"weibo\",\"sourceId\":\"t5\",\"time\":null,\"text\":\"雨\",\"latitude\":31.2,\"longitude\":121.4,\"extra\":{\"a\":[1]}}",
        ];
        var path = Write("posts.json", "[" + string.Join(",\n", posts) + "]");
        var server = new PostsServer();

        var result = await cli.RunAsync(server.Handler, "--json", "opinion", "ingest", path);

        Assert.Equal(ExitCodes.Rejected, result.ExitCode);
        Assert.Equal(["4471920123456789012", "t5"], server.Received.Select(p => p["sourceId"]!.GetValue<string>()));
        Assert.Equal(JsonValueKind.Object, server.Received[1]["extra"]!.GetValueKind());
        var errors = JsonDocument.Parse(result.Stdout).RootElement.GetProperty("errors").EnumerateArray()
            .Select(e => (e.GetProperty("index").GetInt32(), e.GetProperty("code").GetString(), e.GetProperty("message").GetString())).ToList();
        Assert.Equal([1, 2, 3, 4], errors.Select(e => e.Item1));
        Assert.All(errors, e => Assert.Equal("post-field-type", e.Item2));
        Assert.StartsWith("'time' must be an ISO 8601 time", errors[0].Item3, StringComparison.Ordinal);
        Assert.Equal("'text' must be text (in quotes) or null", errors[1].Item3);
        Assert.Equal("'Latitude' must be a number or null", errors[2].Item3);
        Assert.Equal("'sourceId' must be text (in quotes) or null", errors[3].Item3);
    }

    [Fact]
    public async Task Ingest_WhenBatchOfThree_SendsBatchesInFileOrderAndFillsSourceOnlyWhereMissing()
    {
        var posts = Enumerable.Range(0, 7).Select(i => i switch
        {
            0 => Post("b0", source: "news-desk"),
            1 => Post("b1", source: null),
            2 => Post("b2", source: "  "),
            _ => JsonNode.Parse(Post($"b{i}"))!.AsObject().Also(o => o.Remove("source")).ToJsonString(),
        });
        var path = Write("posts.json", "[\n" + string.Join(",\n", posts) + "\n]");
        var server = new PostsServer();

        var result = await cli.RunAsync(server.Handler, "opinion", "ingest", path, "--source", "hotline", "--batch", "3");

        Assert.True(result.ExitCode == ExitCodes.Success, result.Stderr);
        Assert.Equal([3, 3, 1], server.BatchSizes);
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"b{i}"), server.Received.Select(p => p["sourceId"]!.GetValue<string>()));
        Assert.Equal(["news-desk", "hotline", "hotline", "hotline", "hotline", "hotline", "hotline"],
            server.Received.Select(p => p["source"]!.GetValue<string>()));
        Assert.All(server.Requests, r => Assert.Equal("/api/v1/opinion/posts", r.PathAndQuery));
        Assert.All(server.Requests, r => Assert.Equal("Bearer analyst-token", r.Header("Authorization")));
        Assert.Contains("posts.json: 7 posts, 7 stored, 0 already held, 0 rejected.", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_WhenSentTwice_CountsThePostsAlreadyHeldAndExitsZero()
    {
        var path = Write("posts.json", $"[{Post("c1")}, {Post("c2")}]");
        var server = new PostsServer();

        var first = await cli.RunAsync(server.Handler, "opinion", "ingest", path);
        var second = await cli.RunAsync(server.Handler, "opinion", "ingest", path);

        Assert.Equal(ExitCodes.Success, first.ExitCode);
        Assert.True(second.ExitCode == ExitCodes.Success, second.Stderr);
        Assert.Contains("2 posts, 0 stored, 2 already held, 0 rejected.", second.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_WhenChineseText_SendsItAsUtf8NotAsEscapes()
    {
        var path = Write("posts.json", $"[{Post("d1", text: "暴雨内涝，物资发放不公")}]");
        var server = new PostsServer();

        await cli.RunAsync(server.Handler, "opinion", "ingest", path);

        Assert.Contains("暴雨内涝，物资发放不公", server.Requests.Single().Body, StringComparison.Ordinal);
        Assert.Equal("application/json; charset=utf-8", server.Requests.Single().ContentType);
    }

    [Fact]
    public async Task Ingest_WhenArrayBreaksOff_ExitsUsageSayingWhereAndSendsNothing()
    {
        var path = Write("posts.json", $"[\n{Post("e1")},\n{Post("e2")},\n{{\"source\": \"weibo\" \"sourceId\": \"e3\"}}\n]");
        var server = new PostsServer();

        var result = await cli.RunAsync(server.Handler, "opinion", "ingest", path);

        Assert.True(result.ExitCode == ExitCodes.Usage, result.Stderr);
        // Spectre wraps the message at 200 columns, and the temporary folder's name is long.
        Assert.Matches(@"posts\.json\s+is\s+not\s+valid\s+JSON\s+at\s+line\s+4,\s+column\s+20\s+\(bytes\):\s+'""'\s+is\s+invalid\s+after\s+a\s+value\.(.|\s)+Nothing\s+was\s+sent\.",
            result.Stderr);
        Assert.Empty(server.Requests);
    }

    [Theory]
    [InlineData("posts.json", "")]
    [InlineData("posts.json", "  \n ")]
    [InlineData("posts.json", "[]")]
    [InlineData("posts.jsonl", "\n  \n")]
    [InlineData("posts.ndjson", "")]
    public async Task Ingest_WhenNoPosts_ExitsUsage(string name, string content)
    {
        var path = Write(name, content);
        var server = new PostsServer();

        var result = await cli.RunAsync(server.Handler, "opinion", "ingest", path);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("holds no posts", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Ingest_WhenObjectInsteadOfArray_ExitsUsageNamingJsonLines()
    {
        var path = Write("posts.json", $"{{\"posts\": [{Post("f1")}]}}");

        var result = await cli.RunAsync(new PostsServer().Handler, "opinion", "ingest", path);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("is not a JSON array of posts", result.Stderr, StringComparison.Ordinal);
        Assert.Contains(".jsonl", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_WhenFileMissing_ExitsUsage()
    {
        var result = await cli.RunAsync(new PostsServer().Handler, "opinion", "ingest", Path.Combine(files.Path, "nope.jsonl"));

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("Cannot read", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("5001")]
    public async Task Ingest_WhenBatchOutOfRange_ExitsUsage(string batch)
    {
        var path = Write("posts.json", $"[{Post("g1")}]");
        var server = new PostsServer();

        var result = await cli.RunAsync(server.Handler, "opinion", "ingest", path, "--batch", batch);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--batch must lie between 1 and 5,000", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Ingest_WhenManyRejected_ListsTwentyOnStderrAndAllWithIndexesInJson()
    {
        // 30 posts; every third has no text: the server refuses 10, at array indexes 2, 5, … 29 — across three batches.
        var posts = Enumerable.Range(0, 30).Select(i => Post($"h{i}", text: i % 3 == 2 ? "" : "积水没过膝盖"));
        var path = Write("posts.json", "[" + string.Join(",", posts) + ", 7]");
        var server = new PostsServer();

        var human = await cli.RunAsync(server.Handler, "opinion", "ingest", path, "--batch", "12");
        var json = await cli.RunAsync(new PostsServer().Handler, "--json", "opinion", "ingest", path, "--batch", "12");

        Assert.Equal(ExitCodes.Rejected, human.ExitCode);
        Assert.Contains("31 posts, 20 stored, 0 already held, 11 rejected.", human.Stdout, StringComparison.Ordinal);
        Assert.Contains("index 29 (h29): text-empty", human.Stderr, StringComparison.Ordinal);
        Assert.Contains("index 30: post-not-object", human.Stderr, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Rejected, json.ExitCode);
        var answer = JsonDocument.Parse(json.Stdout).RootElement;
        Assert.Equal(31, answer.GetProperty("received").GetInt32());
        Assert.Equal(3, answer.GetProperty("batches").GetInt32());
        var errors = answer.GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal([2, 5, 8, 11, 14, 17, 20, 23, 26, 29, 30], errors.Select(e => e.GetProperty("index").GetInt32()));
        Assert.Equal("server", errors[0].GetProperty("from").GetString());
        Assert.Equal("h2", errors[0].GetProperty("sourceId").GetString());
        Assert.Equal("cli", errors[^1].GetProperty("from").GetString());
        Assert.Equal("", json.Stderr);

        // More than 20: the rest is counted, and --json named.
        var many = Write("many.jsonl", string.Join("\n", Enumerable.Range(0, 25).Select(i => $"not json {i}")));
        var listed = await cli.RunAsync(new PostsServer().Handler, "opinion", "ingest", many);
        Assert.Equal(ExitCodes.Rejected, listed.ExitCode);
        Assert.Equal(21, listed.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("… and 5 more rejected; --json lists them all.", listed.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_WhenPostsAreLarge_KeepsEveryRequestUnderTheBodyLimitAndRefusesAPostLargerThanIt()
    {
        var megabyte = new string('雨', 350_000); // 1,050,000 bytes of UTF-8
        var lines = Enumerable.Range(0, 20).Select(i => Post($"k{i}", text: megabyte)).ToList();
        lines.Insert(5, Post("huge", text: new string('x', 17 * 1024 * 1024)));
        var path = Write("big.jsonl", string.Join("\n", lines));
        var server = new PostsServer();

        var result = await cli.RunAsync(server.Handler, "opinion", "ingest", path);

        Assert.Equal(ExitCodes.Rejected, result.ExitCode);
        Assert.True(server.Requests.Count >= 2);
        Assert.All(server.Requests, r => Assert.True(Encoding.UTF8.GetByteCount(r.Body) <= 16 * 1024 * 1024));
        Assert.Equal(20, server.Received.Count);
        Assert.Contains("line 6: post-too-large", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("21 posts, 20 stored, 0 already held, 1 rejected.", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_WhenForbidden_PrintsTheProblemAndExitsServerError()
    {
        var path = Write("posts.json", $"[{Post("m1")}]");
        var server = new FakeServer(_ => FakeServer.Problem(HttpStatusCode.Forbidden, """
            {"type":"urn:crisisops:problem:forbidden","title":"Not allowed","status":403,"detail":"IngestOpinion is needed."}
            """));

        var result = await cli.RunAsync(server, "opinion", "ingest", path);

        Assert.Equal(ExitCodes.ServerError, result.ExitCode);
        Assert.Contains("Not allowed", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("IngestOpinion is needed.", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Stopped after", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_WhenTheServerFailsMidway_SaysHowFarTheFileGotAndExitsServerError()
    {
        var path = Write("posts.json", "[" + string.Join(",", Enumerable.Range(0, 7).Select(i => Post($"n{i}"))) + "]");
        var posts = new PostsServer();
        var calls = 0;
        var server = new FakeServer(request => ++calls == 1
            ? posts.Answer(request)
            : FakeServer.Problem(HttpStatusCode.ServiceUnavailable, """{"title":"Database unavailable","status":503}"""));

        var result = await cli.RunAsync(server, "opinion", "ingest", path, "--batch", "3");

        Assert.Equal(ExitCodes.ServerError, result.ExitCode);
        Assert.Contains("Stopped after 3 of 7 posts (3 stored, 0 already held, 0 rejected).", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Database unavailable", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_WhenTheAnswerDoesNotAddUp_ExitsServerError()
    {
        var path = Write("posts.json", $"[{Post("p1")}, {Post("p2")}]");
        var server = new FakeServer(_ => FakeServer.Json(HttpStatusCode.OK,
            """{"received":2,"stored":1,"alreadyHeld":0,"rejected":0,"errors":[]}"""));

        var result = await cli.RunAsync(server, "opinion", "ingest", path);

        Assert.Equal(ExitCodes.ServerError, result.ExitCode);
        Assert.Contains("does not add up", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_InChinese_SpeaksChinese()
    {
        var path = Write("posts.jsonl", Post("q1") + "\n{oops\n");
        var server = new PostsServer();
        var before = CultureInfo.CurrentUICulture;

        // The harness sets English for each run; this test runs the CLI directly with Chinese.
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("zh-Hans");
        try
        {
            var stdout = new StringWriter(CultureInfo.InvariantCulture);
            var stderr = new StringWriter(CultureInfo.InvariantCulture);
            var environment = new CliEnvironment
            {
                Handler = server.Handler, Stdout = stdout, Stderr = stderr, IsRealConsole = false, HomeDirectory = files.Path,
                GetVariable = name => cli.Variables.TryGetValue(name, out var value) ? value : null,
            };
            var exit = await CliApp.RunAsync(["opinion", "ingest", path], environment, CancellationToken.None);

            Assert.Equal(ExitCodes.Rejected, exit);
            Assert.Contains("posts.jsonl：2 条帖子，已存储 1 条，已有 0 条，拒收 1 条。", stdout.ToString(), StringComparison.Ordinal);
            Assert.Contains("第 2 行: json-malformed", stderr.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            CultureInfo.CurrentUICulture = before;
        }
    }

    /// <summary>
    /// The server's side of <c>POST /api/v1/opinion/posts</c> as its contract states it: posts idempotent by source and
    /// source id, empty text refused per item with its index in the batch, more than 5,000 posts refused whole (413).
    /// </summary>
    private sealed class PostsServer
    {
        private readonly HashSet<(string?, string?)> held = [];

        public PostsServer() => Handler = new FakeServer(Answer);

        public FakeServer Handler { get; }

        public IReadOnlyList<RecordedRequest> Requests => Handler.Requests;

        public List<JsonObject> Received { get; } = [];

        public List<int> BatchSizes { get; } = [];

        public HttpResponseMessage Answer(RecordedRequest request)
        {
            var posts = JsonNode.Parse(request.Body)!["posts"]!.AsArray();
            if (posts.Count > 5_000)
            {
                return FakeServer.Problem(HttpStatusCode.RequestEntityTooLarge, """{"title":"Batch too large","status":413}""");
            }

            BatchSizes.Add(posts.Count);
            var (stored, alreadyHeld) = (0, 0);
            var errors = new JsonArray();
            for (var i = 0; i < posts.Count; i++)
            {
                var post = posts[i]!.AsObject();
                Received.Add(post);
                var sourceId = post["sourceId"]?.GetValue<string>();
                if (string.IsNullOrEmpty(post["text"]?.GetValue<string>()))
                {
                    errors.Add(new JsonObject { ["index"] = i, ["sourceId"] = sourceId, ["code"] = "text-empty", ["message"] = "Text is empty." });
                }
                else if (held.Add((post["source"]?.GetValue<string>(), sourceId)))
                {
                    stored++;
                }
                else
                {
                    alreadyHeld++;
                }
            }

            return FakeServer.Json(HttpStatusCode.OK, new JsonObject
            {
                ["received"] = posts.Count, ["stored"] = stored, ["alreadyHeld"] = alreadyHeld, ["rejected"] = errors.Count, ["errors"] = errors,
            }.ToJsonString());
        }
    }
}

internal static class JsonObjectExtensions
{
    /// <summary>Runs <paramref name="change"/> on the object and hands it back, for building test posts inline.</summary>
    public static JsonObject Also(this JsonObject value, Action<JsonObject> change)
    {
        change(value);
        return value;
    }
}
