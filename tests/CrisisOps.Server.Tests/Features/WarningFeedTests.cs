using System.Collections.Concurrent;
using System.Net;
using System.Text;
using CrisisOps.Domain.Tests.Warning;
using CrisisOps.Server.Features.Warning;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CrisisOps.Server.Tests.Features;

/// <summary>
/// A real HTTP server on 127.0.0.1 (Kestrel, port chosen by the system) that serves an Atom feed
/// with an ETag, and CAP documents — the files of ../shared/data/cap and documents set by the test.
/// It counts the requests per path and can be told to fail.
/// </summary>
internal sealed class LoopbackFeedServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackFeedServer(WebApplication app, Uri root)
    {
        _app = app;
        Root = root;
    }

    public Uri Root { get; }

    public string Feed { get; set; } = "";

    public string ETag { get; set; } = "\"1\"";

    /// <summary>When set, every request answers this status.</summary>
    public int? FailWith { get; set; }

    public ConcurrentDictionary<string, string> Documents { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, int> Hits { get; } = new(StringComparer.Ordinal);

    public int NotModified { get; private set; }

    public Uri Url(string path) => new(Root, path);

    public static async Task<LoopbackFeedServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        LoopbackFeedServer? server = null;
        app.Run(async context =>
        {
            var path = context.Request.Path.Value ?? "/";
            server!.Hits.AddOrUpdate(path, 1, (_, n) => n + 1);
            if (server.FailWith is { } status)
            {
                context.Response.StatusCode = status;
                return;
            }

            if (path == "/feed.xml")
            {
                if (context.Request.Headers.IfNoneMatch == server.ETag)
                {
                    server.NotModified++;
                    context.Response.StatusCode = StatusCodes.Status304NotModified;
                    return;
                }

                context.Response.Headers.ETag = server.ETag;
                context.Response.ContentType = "application/atom+xml";
                await context.Response.WriteAsync(server.Feed, context.RequestAborted);
                return;
            }

            byte[]? body = server.Documents.TryGetValue(path, out var text) ? Encoding.UTF8.GetBytes(text)
                : path.StartsWith("/corpus/", StringComparison.Ordinal) ? CapCorpus.Bytes(path["/corpus/".Length..])
                : null;
            if (body is null)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            context.Response.ContentType = "application/cap+xml";
            await context.Response.Body.WriteAsync(body, context.RequestAborted);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server = new LoopbackFeedServer(app, new Uri(address.TrimEnd('/') + "/"));
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>The feed poller against a real loopback server, driven one poll at a time.</summary>
public abstract class WarningFeedTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : CrisisOpsApp
{
    private WarningFeedPoller Poller => app.Services.GetRequiredService<WarningFeedPoller>();

    private static string Atom(params string[] entries) => $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <feed xmlns="http://www.w3.org/2005/Atom">
          <id>urn:test:feed</id><title>Warnings</title><updated>2026-07-12T08:00:00Z</updated>
          {string.Concat(entries)}
        </feed>
        """;

    private static string LinkEntry(string id, string href) =>
        $"""<entry><id>{id}</id><updated>2026-07-12T08:00:00Z</updated><title>{id}</title><link rel="alternate" type="application/cap+xml" href="{href}"/></entry>""";

    private static string EmbeddedEntry(string id, string cap) =>
        $"""<entry><id>{id}</id><updated>2026-07-12T08:00:00Z</updated><title>{id}</title><content type="application/cap+xml">{cap[cap.IndexOf("<alert", StringComparison.Ordinal)..]}</content></entry>""";

    [Fact]
    public async Task Poll_WhenAtomFeedLinksAndEmbedsAlerts_StoresEachOnceAndTakesA304AsNothingNew()
    {
        _ = CapCorpus.Manifest; // skips (or fails under CI) when the shared data is missing
        var world = await app.WorldAsync();
        await using var server = await LoopbackFeedServer.StartAsync();
        var now = app.Clock.GetUtcNow();
        var red = world.Prefix + "-FEED-RED";
        server.Documents["/cap/yellow.xml"] = RiskSources.Cap(world.Prefix + "-FEED-YELLOW", now, [world.CommunityB2], "Moderate");
        server.Feed = Atom(
            EmbeddedEntry("urn:e:1", RiskSources.Cap(red, now, [world.CommunityA1])),
            LinkEntry("urn:e:2", "cap/yellow.xml"),
            LinkEntry("urn:e:3", "corpus/alerts/invalid/google-xxe-attack.xml"));
        var feed = new WarningFeedOptions { Url = server.Url("feed.xml").ToString() };

        var first = await Poller.PollAsync(feed, CancellationToken.None);
        var second = await Poller.PollAsync(feed, CancellationToken.None);

        Assert.Null(first.Error);
        Assert.Equal((3, 2, 1), (first.Entries, first.Stored, first.Rejected));
        Assert.True(second.NotModified);
        Assert.Equal(1, server.NotModified);
        Assert.Equal(1, server.Hits["/cap/yellow.xml"]);

        var officer = await app.UserAsync(("duty-officer", world.City));
        var stored = (await officer.GetJsonAsync($"/api/v1/official-warnings?region={world.City}")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, stored.Count);
        Assert.All(stored, w => Assert.Equal(feed.Url, w.GetProperty("source").GetString()));
        Assert.Equal("emergency", await officer.TierAsync(world.CommunityA1, "waterlogging"));
        Assert.Equal("attention", await officer.TierAsync(world.CommunityB2, "waterlogging"));
        var admin = await app.AdminAsync();
        var rejections = (await admin.JournalAsync("warning-feed.entry-rejected"))
            .Where(e => e.GetProperty("payload").GetProperty("feed").GetString() == feed.Url).ToList();
        Assert.Equal("unsafe", Assert.Single(rejections).GetProperty("payload").GetProperty("kind").GetString());

        // The feed changes: one more entry. Only it is fetched and stored; the rejected one is not journaled again.
        server.Documents["/cap/orange.xml"] = RiskSources.Cap(world.Prefix + "-FEED-ORANGE", now, [world.CommunityA2], "Severe");
        server.Feed = server.Feed.Replace("</feed>", LinkEntry("urn:e:4", "cap/orange.xml") + "</feed>", StringComparison.Ordinal);
        server.ETag = "\"2\"";
        var third = await Poller.PollAsync(feed, CancellationToken.None);

        Assert.Equal((4, 1, 0), (third.Entries, third.Stored, third.Rejected));
        Assert.Equal(1, server.Hits["/cap/yellow.xml"]);
        Assert.Equal("warning", await officer.TierAsync(world.CommunityA2, "waterlogging"));
        Assert.Single(await admin.JournalAsync("warning-feed.entry-rejected"), e => e.GetProperty("payload").GetProperty("feed").GetString() == feed.Url);
    }

    [Fact]
    public async Task Poll_WhenFeedFailsThenRecovers_JournalsTheOutageOnce()
    {
        var world = await app.WorldAsync();
        await using var server = await LoopbackFeedServer.StartAsync();
        server.Documents["/alert.xml"] = RiskSources.Cap(world.Prefix + "-SINGLE", app.Clock.GetUtcNow(), [world.CommunityB1], "Severe");
        var feed = new WarningFeedOptions { Url = server.Url("alert.xml").ToString() };
        server.FailWith = StatusCodes.Status503ServiceUnavailable;

        var failed = await Poller.PollAsync(feed, CancellationToken.None);
        await Poller.PollAsync(feed, CancellationToken.None);
        server.FailWith = null;
        var recovered = await Poller.PollAsync(feed, CancellationToken.None);
        var again = await Poller.PollAsync(feed, CancellationToken.None);

        Assert.Contains("503", failed.Error, StringComparison.Ordinal);
        Assert.Null(recovered.Error);
        Assert.Equal(1, recovered.Stored);
        Assert.Equal((0, 1), (again.Stored, again.Duplicates)); // a single document has no ETag here: read again, known again
        var admin = await app.AdminAsync();
        bool Mine(System.Text.Json.JsonElement e) => e.GetProperty("payload").GetProperty("feed").GetString() == feed.Url;
        Assert.Single(await admin.JournalAsync("warning-feed.failed"), Mine);
        var back = Assert.Single(await admin.JournalAsync("warning-feed.recovered"), Mine);
        Assert.Equal(2, back.GetProperty("payload").GetProperty("failedPolls").GetInt32());
        Assert.Equal("warning", await (await app.UserAsync(("analyst", world.City))).TierAsync(world.CommunityB1, "waterlogging"));
    }

    [Fact]
    public async Task Poll_WhenNothingListens_ReportsTheErrorAndNeverThrows()
    {
        await using var server = await LoopbackFeedServer.StartAsync();
        var url = server.Url("feed.xml").ToString();
        await server.DisposeAsync();

        var result = await Poller.PollAsync(new WarningFeedOptions { Url = url }, CancellationToken.None);
        var notHttp = await Poller.PollAsync(new WarningFeedOptions { Url = "file:///etc/passwd" }, CancellationToken.None);

        Assert.NotNull(result.Error);
        Assert.Contains("not an absolute http(s) URL", notHttp.Error, StringComparison.Ordinal);
    }
}

public sealed class WarningFeedTestsOnSqlite(SqliteApp app) : WarningFeedTests<SqliteApp>(app);

public sealed class WarningFeedTestsOnPostgres(PostgresApp app) : WarningFeedTests<PostgresApp>(app);
