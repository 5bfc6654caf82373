using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using CrisisOps.Data;
using CrisisOps.Domain.Ledger;
using CrisisOps.Server.Features.Ledger;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CrisisOps.Server.Tests.Features.Ledger;

/// <summary>Appending entries the way capabilities do, integrating, and reading the public log API back.</summary>
internal static class LogTestKit
{
    public const string Api = "/api/v1/public/ledger";

    public static JsonObject Body(DateTimeOffset time, string tag, int n) => new()
    {
        ["v"] = 1,
        ["kind"] = LedgerEntryKinds.StockReceipt,
        ["time"] = LedgerEntry.FormatTime(time),
        ["region"] = "LOG-" + tag,
        ["warehouse"] = "W-" + tag,
        ["item"] = "drinking-water",
        ["quantity"] = LedgerEntry.FormatDecimal(12.5m + n),
        ["unit"] = "bottle",
        ["n"] = n,
    };

    /// <summary>Queues <paramref name="count"/> entries in one save through <see cref="LedgerWriter.AppendToLedger"/>; returns them.</summary>
    public static async Task<List<LedgerEntry>> AppendAsync(CrisisOpsApp app, int count, string? tag = null)
    {
        tag ??= Guid.NewGuid().ToString("N")[..8];
        var factory = app.Services.GetRequiredService<IDbContextFactory<CrisisOpsDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        var now = app.Clock.GetUtcNow();
        var entries = Enumerable.Range(0, count).Select(n => db.AppendToLedger($"log-test:{tag}:{n}", Body(now, tag, n), now)).ToList();
        await db.SaveChangesAsync();
        return entries;
    }

    public static Task<IntegrationResult> IntegrateAsync(CrisisOpsApp app) =>
        app.Services.GetRequiredService<LedgerIntegrator>().IntegrateNowAsync(CancellationToken.None);

    public static async Task<LedgerVerifierKey> KeyAsync(HttpClient client) =>
        LedgerVerifierKey.Parse(await client.GetStringAsync($"{Api}/key"));

    public static async Task<SignedCheckpoint> CheckpointAsync(HttpClient client, LedgerVerifierKey key)
    {
        var (checkpoint, problem) = SignedCheckpoint.Open(await client.GetStringAsync($"{Api}/checkpoint"), key);
        Assert.True(checkpoint is not null, problem);
        return checkpoint;
    }

    /// <summary>Every integrated entry's leaf hash, recomputed from its canonical body and checked against the stored one.</summary>
    public static async Task<List<byte[]>> LeafHashesAsync(HttpClient client, long size)
    {
        var hashes = new List<byte[]>();
        while (hashes.Count < size)
        {
            var page = await client.GetJsonAsync(string.Create(CultureInfo.InvariantCulture, $"{Api}/entries?start={hashes.Count}&limit=1000"));
            foreach (var item in page.GetProperty("items").EnumerateArray())
            {
                Assert.Equal(hashes.Count, item.GetProperty("index").GetInt64());
                var body = item.GetProperty("body").GetString()!;
                Assert.True(CanonicalJson.IsCanonical(body));
                var hash = MerkleHash.Leaf(System.Text.Encoding.UTF8.GetBytes(body));
                Assert.Equal(Convert.ToBase64String(hash), item.GetProperty("leafHash").GetString());
                hashes.Add(hash);
            }
        }

        return hashes;
    }

    public static List<byte[]> Hashes(JsonElement response, string member = "hashes") =>
        [.. response.GetProperty(member).EnumerateArray().Select(h => Convert.FromBase64String(h.GetString()!))];

    public static async Task<JsonElement> QueueAsync(HttpClient client, long entryId) =>
        await client.GetFromJsonAsync<JsonElement>(string.Create(CultureInfo.InvariantCulture, $"{Api}/queue/{entryId}"));
}
