using System.Net;
using System.Text;
using CrisisOps.Server.Platform;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CrisisOps.Server.Tests.Features;

public abstract class RequestHandlingTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : CrisisOpsApp
{
    [Fact]
    public async Task Post_WhenBodyOverLimit_Returns413AndStoresNothing()
    {
        var world = await app.WorldAsync();
        var officer = await app.UserAsync(("duty-officer", world.CountyA));
        var (lat, lon) = world.PointIn(world.CommunityA1);
        var huge = new string('x', (int)RequestBodyLimitMiddleware.DefaultLimit + 10);

        await (await officer.PostJsonAsync("/api/v1/incidents", new
        {
            title = "Big", description = huge, category = "accident", type = "fire", severity = "IV", location = new { lat, lon },
        })).ProblemAsync(HttpStatusCode.RequestEntityTooLarge, "body-too-large");

        Assert.Equal(0, (await officer.GetJsonAsync($"/api/v1/incidents?region={world.CountyA}")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Post_WhenChunkedBodyOverLimit_Returns413()
    {
        var officer = await app.AdminAsync();
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("{\"title\":\"" + new string('y', 2 * 1024 * 1024) + "\"}")));
        content.Headers.ContentType = new("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/public/incident-reports") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        await (await officer.SendAsync(request)).ProblemAsync(HttpStatusCode.RequestEntityTooLarge, "body-too-large");
    }

    [Fact]
    public async Task Request_WhenMethodOrRouteUnknown_AnswersProblems()
    {
        var admin = await app.AdminAsync();
        await (await admin.DeleteAsync("/api/v1/incidents")).ProblemAsync(HttpStatusCode.MethodNotAllowed, "method-not-allowed");
        await (await admin.GetAsync("/api/v1/no-such-thing")).ProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Health_WhenDatabaseUp_IsLiveAndReady()
    {
        var anonymous = app.Anonymous();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/readyz")).StatusCode);
        var openApi = await anonymous.GetStringAsync("/openapi/v1.json");
        Assert.Contains("/api/v1/incidents", openApi, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Journal_WhenRowUpdatedOrDeletedDirectly_DatabaseRefuses()
    {
        await app.WorldAsync();
        await using var db = app.Database.NewContext();

        await Assert.ThrowsAnyAsync<Exception>(() => db.Database.ExecuteSqlRawAsync("UPDATE journal SET \"Actor\" = 'mallory'"));
        await Assert.ThrowsAnyAsync<Exception>(() => db.Database.ExecuteSqlRawAsync("DELETE FROM journal"));
        Assert.DoesNotContain(await db.Journal.Select(j => j.Actor).ToListAsync(), a => a == "mallory");
    }

    [Fact]
    public async Task Journal_WhenManyWritersAppendConcurrently_ReaderFollowingPositionMissesNothing()
    {
        await app.WorldAsync();
        long start;
        await using (var db = app.Database.NewContext())
        {
            start = await db.Journal.MaxAsync(j => (long?)j.Id) ?? 0;
        }

        var writing = true;
        var seen = new List<long>();
        var reader = Task.Run(async () =>
        {
            var position = start;
            while (true)
            {
                var done = !Volatile.Read(ref writing);
                await using var db = app.Database.NewContext();
                var batch = await db.Journal.Where(j => j.Id > position).OrderBy(j => j.Id).Select(j => j.Id).ToListAsync();
                seen.AddRange(batch);
                position = batch.Count > 0 ? batch[^1] : position;
                if (done && batch.Count == 0)
                {
                    return;
                }
            }
        });

        var writers = Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
        {
            for (var n = 0; n < 20; n++)
            {
                await using var db = app.Database.NewContext();
                db.Append(new Domain.Journal.JournalRecord(app.Clock.GetUtcNow(), $"writer{w}", "test.append", null, null, null, new { n }));
                if (n % 2 == 0)
                {
                    db.Append(new Domain.Journal.JournalRecord(app.Clock.GetUtcNow(), $"writer{w}", "test.append", null, null, null, new { n, second = true }));
                }

                await db.SaveChangesAsync();
            }
        })).ToList();
        await Task.WhenAll(writers);
        Volatile.Write(ref writing, false);
        await reader;

        await using var check = app.Database.NewContext();
        var all = await check.Journal.Where(j => j.Id > start).OrderBy(j => j.Id).Select(j => j.Id).ToListAsync();
        Assert.True(all.Count >= 6 * 30);
        Assert.Equal(all, seen);
    }

    [Fact]
    public async Task Journal_WhenQueryInvalid_Returns400()
    {
        var admin = await app.AdminAsync();
        await (await admin.GetAsync("/api/v1/journal?limit=0")).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await (await admin.GetAsync("/api/v1/journal?from=2026-07-12T10:00:00Z&to=2026-07-12T09:00:00Z"))
            .ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await (await admin.GetAsync("/api/v1/journal?region=NOWHERE")).ProblemAsync(HttpStatusCode.NotFound, "not-found");
    }
}

public sealed class RequestHandlingTestsOnSqlite(SqliteApp app) : RequestHandlingTests<SqliteApp>(app);

public sealed class RequestHandlingTestsOnPostgres(PostgresApp app) : RequestHandlingTests<PostgresApp>(app);

/// <summary>Every endpoint states who may call it: a policy, or an explicit anonymous allowance.</summary>
public sealed class EndpointAuthorizationTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    [Fact]
    public void Endpoints_WhenEnumerated_EachHasExplicitAuthorization()
    {
        app.Anonymous();
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();

        // The static-file fallback of the framework serves files under wwwroot only (no data, no state).
        var missing = endpoints
            .Where(e => e.RoutePattern.RawText != "{**path:file}")
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null
                && !e.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy is not null || a.Roles is not null))
            .Select(e => e.RoutePattern.RawText + " [" + e.DisplayName + "]")
            .ToList();

        Assert.True(endpoints.Count > 20, $"only {endpoints.Count} endpoints found");
        Assert.True(missing.Count == 0, "no explicit authorization: " + string.Join(", ", missing));
    }

    [Fact]
    public void AnonymousEndpoints_WhenEnumerated_AreOnlyTheIntendedOnes()
    {
        app.Anonymous();
        var anonymous = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is not null)
            .Select(e => e.RoutePattern.RawText!)
            .Where(p => p.StartsWith("/api", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();

        // The sunshine ledger's public API is anonymous by design (docs/ledger.md) and read-only: GET only.
        var ledger = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith("/api/v1/public/ledger/", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(ledger);
        Assert.All(ledger, e => Assert.Equal(["GET"], e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IHttpMethodMetadata>()!.HttpMethods));
        anonymous.RemoveAll(p => p.StartsWith("/api/v1/public/ledger/", StringComparison.Ordinal));

        // Gateways sign their receipts with a shared secret (HMAC) instead of signing in. Clarifications (辟谣) are public by design.
        Assert.Equal(["/api/v1/auth/login", "/api/v1/auth/tokens", "/api/v1/gateways/{name}/receipts", "/api/v1/public/clarifications",
            "/api/v1/public/hotline-tickets", "/api/v1/public/hotline-topics", "/api/v1/public/incident-reports"], anonymous);
    }
}
