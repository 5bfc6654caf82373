using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using CrisisOps.Domain.Alerts.Delivery;
using CrisisOps.Server.Features.Alerts.Delivery.Gateways;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CrisisOps.Server.Tests.Features;

/// <summary>
/// The webhook adapter against an operator that misbehaves, served by a small Kestrel on 127.0.0.1: garbage,
/// a 5xx, a 4xx, a timeout and a batch answered message by message. Each answer is classified right, a refused
/// batch is not retried, and a retry carries only the messages still open, with the same idempotency keys.
/// </summary>
public sealed class WebhookGatewayTests : IAsyncLifetime
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _seen = new(StringComparer.Ordinal);
    private WebApplication? _operator;
    private Uri? _base;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapPost("/{behaviour}", async (string behaviour, HttpRequest request) =>
        {
            var batch = await JsonSerializer.DeserializeAsync<WebhookBatch>(request.Body, Json);
            var keys = batch!.Messages!.Select(m => m.IdempotencyKey!).ToList();
            _seen.GetOrAdd(behaviour, _ => new()).Enqueue(string.Join(",", keys));
            switch (behaviour)
            {
                case "garbage":
                    return Results.Text("<html>proxy error</html>", "application/json");
                case "unavailable":
                    return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
                case "refused":
                    return Results.BadRequest();
                case "slow":
                    await Task.Delay(TimeSpan.FromSeconds(5), request.HttpContext.RequestAborted);
                    return Results.Ok();
                default:
                    var first = _seen[behaviour].Count == 1;
                    return Results.Ok(new WebhookAnswer([.. keys.Select(k => k switch
                    {
                        "1" => new WebhookResult(k, "accepted", "op-1"),
                        "2" => first ? new WebhookResult(k, "retry", Error: "busy") : new WebhookResult(k, "accepted", "op-2"),
                        "3" => new WebhookResult(k, "rejected", Error: "not a mobile number"),
                        "5" => new WebhookResult(k, "accepted", ""),
                        _ => null!, // 4: no answer at all
                    }).Where(r => r is not null)]));
            }
        });
        await app.StartAsync();
        _operator = app;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _base = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/");
    }

    public async ValueTask DisposeAsync()
    {
        if (_operator is not null)
        {
            await _operator.StopAsync();
            await _operator.DisposeAsync();
        }
    }

    private WebhookGateway Gateway(string behaviour, out HttpClient http)
    {
        http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        return new WebhookGateway(http, new WebhookSettings("operator", new Uri(_base!, behaviour), "token", "secret",
            // Only the slow operator meets a short timeout: on a loaded machine a first request can take a while.
            behaviour == "slow" ? TimeSpan.FromMilliseconds(500) : TimeSpan.FromSeconds(10), Retries: 1, TimeSpan.FromMilliseconds(10), RatePerSecond: 1000, MaxBatch: 10));
    }

    private static GatewayMessage Message(long key) =>
        new(key, DeliveryChannel.Sms, "+8613800000000", "zh-CN", "暴雨红色预警", "urn:oid:test", false);

    private static readonly GatewayMessage[] Batch = [Message(1), Message(2), Message(3)];

    [Theory]
    [InlineData("garbage", "garbage")]
    [InlineData("unavailable", "503")]
    [InlineData("slow", "timed out")]
    public async Task UnreadableOrFailingOperator_LeavesTheBatchTransient_AndRetriesItWithTheSameKeys(string behaviour, string error)
    {
        using var gateway = Gateway(behaviour, out var http);
        using var _ = http;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var results = await gateway.SendBatchAsync(Batch, CancellationToken.None);

        Assert.All(results, r => Assert.Equal(SendOutcome.Transient, r.Outcome));
        Assert.All(results, r => Assert.Contains(error, r.Error, StringComparison.Ordinal));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4.5), "a slow operator is cut off at the timeout (5 s answer, 2 × 0.5 s tried)");

        // Tried twice (one quick retry), each time the same keys: a deduping operator hands each on once at most.
        Assert.Equal(["1,2,3", "1,2,3"], _seen[behaviour].ToArray());
    }

    [Fact]
    public async Task RefusedBatch_IsPermanent_AndNotRetried()
    {
        using var gateway = Gateway("refused", out var http);
        using var _ = http;
        var results = await gateway.SendBatchAsync(Batch, CancellationToken.None);

        Assert.All(results, r => Assert.Equal(SendOutcome.Permanent, r.Outcome));
        Assert.All(results, r => Assert.Equal("gateway refused with 400", r.Error));
        Assert.Single(_seen["refused"]);
    }

    [Fact]
    public async Task BatchAnsweredPerMessage_ClassifiesEach_AndResendsOnlyTheOpenOnes()
    {
        using var gateway = Gateway("mixed", out var http);
        using var _ = http;
        var results = await gateway.SendBatchAsync([Message(1), Message(2), Message(3), Message(4), Message(5)], CancellationToken.None);

        Assert.Equal((SendOutcome.Accepted, "op-1"), (results[0].Outcome, results[0].MessageId));
        Assert.Equal((SendOutcome.Accepted, "op-2"), (results[1].Outcome, results[1].MessageId)); // accepted on the quick retry
        Assert.Equal(SendOutcome.Permanent, results[2].Outcome);
        Assert.Contains("not a mobile number", results[2].Error, StringComparison.Ordinal);
        Assert.Equal(SendOutcome.Transient, results[3].Outcome); // no answer for it: the delivery's schedule tries again
        Assert.Equal(SendOutcome.Transient, results[4].Outcome); // accepted without a messageId is not accepted

        // The accepted and the rejected are never sent again; the retry carries only the open ones.
        Assert.Equal(["1,2,3,4,5", "2,4,5"], _seen["mixed"].ToArray());
    }

    [Fact]
    public async Task LargeBatch_IsSplitIntoTheOperatorsMaximum()
    {
        using var gateway = Gateway("split", out var http);
        using var _ = http;
        var results = await gateway.SendBatchAsync([.. Enumerable.Range(1, 1).Select(i => Message(1)), .. Enumerable.Range(100, 24).Select(i => Message(i))],
            CancellationToken.None);

        Assert.Equal(25, results.Count);
        Assert.Equal(SendOutcome.Accepted, results[0].Outcome);
        Assert.All(_seen["split"].Take(3), keys => Assert.True(keys.Split(',').Length <= 10));
    }
}
