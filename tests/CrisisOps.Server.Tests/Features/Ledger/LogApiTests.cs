using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using CrisisOps.Data;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Ledger;
using CrisisOps.Server.Features.Ledger;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static CrisisOps.Server.Tests.Features.Ledger.LogTestKit;

namespace CrisisOps.Server.Tests.Features.Ledger;

/// <summary>
/// The public log API and the integrator behind it, on one server. The ledger is global, so each test reads the
/// sizes it starts from instead of assuming an empty log.
/// </summary>
public abstract class LogApiTests<TApp>(TApp app) : IClassFixture<TApp> where TApp : CrisisOpsApp
{
    [Fact]
    public async Task Integrate_WhenEntriesAccepted_SignsACheckpointThatVerifiesAndProvesEachEntry()
    {
        var client = app.Anonymous();
        var key = await KeyAsync(client);
        var before = await CheckpointAsync(client, key);
        var entries = await AppendAsync(app, 5);
        Assert.Equal("pending", (await QueueAsync(client, entries[0].Id)).GetProperty("status").GetString());
        Assert.Equal(before.Size, (await CheckpointAsync(client, key)).Size);

        var result = await IntegrateAsync(app);
        Assert.Equal(5, result.Integrated);
        var after = await CheckpointAsync(client, key);
        Assert.Equal(before.Size + 5, after.Size);
        Assert.Equal(LedgerSettings.DefaultOrigin, after.Origin);
        Assert.Equal(app.Clock.GetUtcNow(), after.Time);

        for (var i = 0; i < entries.Count; i++)
        {
            var index = before.Size + i;
            var queued = await QueueAsync(client, entries[i].Id);
            Assert.Equal("integrated", queued.GetProperty("status").GetString());
            Assert.Equal(index, queued.GetProperty("index").GetInt64());
            Assert.Equal(after.Size, queued.GetProperty("checkpointSize").GetInt64());

            var entry = await client.GetJsonAsync($"{Api}/entries/{index}");
            Assert.Equal(entries[i].Id, entry.GetProperty("entryId").GetInt64());
            Assert.Equal(entries[i].Body, entry.GetProperty("body").GetString());
            Assert.Equal("stock-receipt", entry.GetProperty("kind").GetString());
            Assert.Equal(1, entry.GetProperty("schemaVersion").GetInt32());

            var proof = await client.GetJsonAsync(string.Create(CultureInfo.InvariantCulture, $"{Api}/proof/inclusion?index={index}&size={after.Size}"));
            Assert.Equal(Convert.ToBase64String(after.RootHash), proof.GetProperty("rootHash").GetString());
            Assert.True(MerkleProofs.VerifyInclusion(index, after.Size, entries[i].LeafHash, Hashes(proof), after.RootHash).IsValid);

            // The same proof found by the leaf's hash (base64 in the query, escaped as URLs need).
            var byHash = await client.GetJsonAsync($"{Api}/proof/inclusion?hash={Uri.EscapeDataString(Convert.ToBase64String(entries[i].LeafHash))}&size={after.Size}");
            Assert.Equal(index, byHash.GetProperty("index").GetInt64());
        }

        var consistency = await client.GetJsonAsync($"{Api}/proof/consistency?from={before.Size}&to={after.Size}");
        Assert.True(MerkleProofs.VerifyConsistency(before.Size, after.Size, Hashes(consistency), before.RootHash, after.RootHash).IsValid);

        // The checkpoint is journaled with the batch, in the same transaction.
        await using var db = app.Services.GetRequiredService<IDbContextFactory<CrisisOpsDbContext>>().CreateDbContext();
        var journaled = await db.Journal.AsNoTracking().Where(j => j.Type == JournalTypes.LedgerCheckpoint).OrderByDescending(j => j.Id).FirstAsync();
        Assert.Contains($"\"size\":{after.Size}", journaled.Payload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProofsAndTiles_WhenBatchesCrossTileBoundaries_EqualTheReferenceAtEveryCheckpoint()
    {
        var client = app.Anonymous();
        var key = await KeyAsync(client);
        foreach (var count in new[] { 7, 300, 1, 13 })
        {
            await AppendAsync(app, count);
            await IntegrateAsync(app);
        }

        var latest = await CheckpointAsync(client, key);
        var leaves = await LeafHashesAsync(client, latest.Size);
        Assert.Equal(MerkleTree.Root(leaves), latest.RootHash);

        // Every checkpoint signs the root of its prefix, and each is consistent with the next.
        var checkpoints = (await client.GetJsonAsync($"{Api}/checkpoints?from=0&limit=1000")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(latest.Size, checkpoints[^1].GetProperty("size").GetInt64());
        for (var i = 0; i < checkpoints.Count; i++)
        {
            var size = checkpoints[i].GetProperty("size").GetInt64();
            var (signed, problem) = SignedCheckpoint.Open(checkpoints[i].GetProperty("note").GetString()!, key);
            Assert.True(signed is not null, problem);
            Assert.Equal(MerkleTree.Root(leaves.Take((int)size).ToList()), signed.RootHash);
            if (i > 0)
            {
                var from = checkpoints[i - 1].GetProperty("size").GetInt64();
                var proof = await client.GetJsonAsync($"{Api}/proof/consistency?from={from}&to={size}");
                Assert.Equal(MerkleTree.ConsistencyProof(leaves, from, size), Hashes(proof));
                Assert.Equal(Convert.ToBase64String(signed.RootHash), proof.GetProperty("toRoot").GetString());
            }
        }

        var random = new Random(6962);
        for (var i = 0; i < 40; i++)
        {
            var size = random.Next(1, (int)latest.Size + 1);
            var index = random.Next(size);
            var proof = await client.GetJsonAsync($"{Api}/proof/inclusion?index={index}&size={size}");
            Assert.Equal(MerkleTree.InclusionProof(leaves, index, size), Hashes(proof));
            Assert.Equal(Convert.ToBase64String(leaves[index]), proof.GetProperty("leafHash").GetString());
        }

        // Tiles hold the leaf hashes (level 0) and the roots of complete 256-leaf subtrees (level 1).
        for (var t = 0; t * 256 < latest.Size; t++)
        {
            var response = await client.GetAsync($"{Api}/tiles/0/{t}");
            var bytes = await response.Content.ReadAsByteArrayAsync();
            var expected = leaves.Skip(t * 256).Take(256).SelectMany(h => h).ToArray();
            Assert.Equal(expected, bytes);
            Assert.Equal((expected.Length / 32).ToString(CultureInfo.InvariantCulture), response.Headers.GetValues("X-Tile-Width").Single());
            Assert.Equal(expected.Length == 256 * 32 ? "public, max-age=31536000, immutable" : "no-cache", response.Headers.CacheControl?.ToString());
        }

        var level1 = await (await client.GetAsync($"{Api}/tiles/1/0")).Content.ReadAsByteArrayAsync();
        Assert.Equal(Enumerable.Range(0, (int)(latest.Size / 256)).SelectMany(i => MerkleTree.Root(leaves.Skip(i * 256).Take(256).ToList())).ToArray(), level1);
    }

    [Fact]
    public async Task Proofs_WhenOutOfRangeOrGarbage_AreProblemDetails()
    {
        var client = app.Anonymous();
        await AppendAsync(app, 3);
        await IntegrateAsync(app);
        var size = (await CheckpointAsync(client, await KeyAsync(client))).Size;
        var beyond = size + 1;

        await (await client.GetAsync($"{Api}/proof/inclusion?index={size}&size={size}")).ProblemAsync(HttpStatusCode.BadRequest, "ledger-proof-out-of-range");
        await (await client.GetAsync($"{Api}/proof/inclusion?index=0&size={beyond}")).ProblemAsync(HttpStatusCode.BadRequest, "ledger-proof-out-of-range");
        await (await client.GetAsync($"{Api}/proof/inclusion?index=0&size=0")).ProblemAsync(HttpStatusCode.BadRequest, "ledger-proof-out-of-range");
        await (await client.GetAsync($"{Api}/proof/consistency?from=2&to=1")).ProblemAsync(HttpStatusCode.BadRequest, "ledger-proof-out-of-range");
        await (await client.GetAsync($"{Api}/proof/consistency?from=0&to={beyond}")).ProblemAsync(HttpStatusCode.BadRequest, "ledger-proof-out-of-range");

        var garbage = await (await client.GetAsync($"{Api}/proof/inclusion?index=-1&size=abc")).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.True(garbage.GetProperty("errors").TryGetProperty("size", out _));
        Assert.True(garbage.GetProperty("errors").TryGetProperty("index", out _));
        await (await client.GetAsync($"{Api}/proof/inclusion?index=0")).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await (await client.GetAsync($"{Api}/proof/inclusion?size={size}")).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await (await client.GetAsync($"{Api}/proof/inclusion?index=0&hash=AAAA&size={size}")).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await (await client.GetAsync($"{Api}/proof/inclusion?hash=not-base64!&size={size}")).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await (await client.GetAsync($"{Api}/proof/inclusion?hash={Uri.EscapeDataString(Convert.ToBase64String(new byte[32]))}&size={size}"))
            .ProblemAsync(HttpStatusCode.NotFound, "ledger-entry-not-found");
        await (await client.GetAsync($"{Api}/proof/consistency?from=1.5&to=2")).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await (await client.GetAsync($"{Api}/proof/consistency?to=2")).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await (await client.GetAsync($"{Api}/proof/consistency?from=-1&to=2")).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await (await client.GetAsync($"{Api}/proof/consistency?from=99999999999999999999&to=2")).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");

        await (await client.GetAsync($"{Api}/entries?limit=0")).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await (await client.GetAsync($"{Api}/entries?limit=1001")).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await (await client.GetAsync($"{Api}/entries?start=x")).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await (await client.GetAsync($"{Api}/checkpoints?from=-3")).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await (await client.GetAsync($"{Api}/entries/{size}")).ProblemAsync(HttpStatusCode.NotFound, "ledger-entry-not-found");
        await (await client.GetAsync($"{Api}/entries/nine")).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await (await client.GetAsync($"{Api}/queue/999999999")).ProblemAsync(HttpStatusCode.NotFound, "ledger-entry-not-found");
        await (await client.GetAsync($"{Api}/queue/0")).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await (await client.GetAsync($"{Api}/tiles/0/999999")).ProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await client.GetAsync($"{Api}/tiles/9/0")).ProblemAsync(HttpStatusCode.BadRequest, "validation-failed");

        // Read-only: nothing but GET answers.
        Assert.False((await client.PostAsync($"{Api}/entries", new StringContent("{}"))).IsSuccessStatusCode);

        // Empty proofs at the edges.
        Assert.Empty(Hashes(await client.GetJsonAsync($"{Api}/proof/consistency?from=0&to={size}")));
        Assert.Empty(Hashes(await client.GetJsonAsync($"{Api}/proof/consistency?from={size}&to={size}")));
    }

    [Fact]
    public async Task Responses_WhenFetched_CarryTheCachingTheContractStates()
    {
        var client = app.Anonymous();
        await AppendAsync(app, 2);
        await IntegrateAsync(app);
        var response = await client.GetAsync($"{Api}/checkpoint");
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
        var etag = response.Headers.ETag ?? throw new InvalidOperationException("no ETag on /checkpoint");
        var size = (await CheckpointAsync(client, await KeyAsync(client))).Size;

        using (var again = new HttpRequestMessage(HttpMethod.Get, $"{Api}/checkpoint"))
        {
            again.Headers.IfNoneMatch.Add(etag);
            Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(again)).StatusCode);
        }

        await AppendAsync(app, 1);
        await IntegrateAsync(app);
        using (var later = new HttpRequestMessage(HttpMethod.Get, $"{Api}/checkpoint"))
        {
            later.Headers.IfNoneMatch.Add(etag);
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(later)).StatusCode);
        }

        const string immutable = "public, max-age=31536000, immutable";
        Assert.Equal(immutable, (await client.GetAsync($"{Api}/proof/inclusion?index=0&size={size}")).Headers.CacheControl?.ToString());
        Assert.Equal(immutable, (await client.GetAsync($"{Api}/proof/consistency?from=1&to={size}")).Headers.CacheControl?.ToString());
        Assert.Equal(immutable, (await client.GetAsync($"{Api}/entries/0")).Headers.CacheControl?.ToString());
        Assert.Equal(immutable, (await client.GetAsync($"{Api}/entries?start=0&limit=1")).Headers.CacheControl?.ToString());
        Assert.Equal("no-cache", (await client.GetAsync($"{Api}/entries?start={size}&limit=1000")).Headers.CacheControl?.ToString());
        var key = await client.GetAsync($"{Api}/key");
        Assert.Equal("text/plain", key.Content.Headers.ContentType?.MediaType);
        Assert.Equal(app.Services.GetRequiredService<LedgerSettings>().VerifierKey.ToString(), (await key.Content.ReadAsStringAsync()).Trim());
    }

    [Fact]
    public async Task Worker_WhenTheIntervalPasses_IntegratesWithoutBeingAsked()
    {
        var client = app.Anonymous();
        var entries = await AppendAsync(app, 4);

        // Nothing waits long enough yet (the worker aims at half the 1 s interval less a poll period): the entries stay queued.
        app.Clock.Advance(TimeSpan.FromMilliseconds(300));
        await Task.Delay(300);
        Assert.Equal("pending", (await QueueAsync(client, entries[^1].Id)).GetProperty("status").GetString());

        var status = "pending";
        for (var attempt = 0; attempt < 100 && status == "pending"; attempt++)
        {
            app.Clock.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(50);
            status = (await QueueAsync(client, entries[^1].Id)).GetProperty("status").GetString();
        }

        Assert.Equal("integrated", status);
    }

    [Fact]
    public async Task Integrate_WhenCalledConcurrentlyWhileEntriesArrive_PutsEachEntryInTheTreeOnce()
    {
        var client = app.Anonymous();
        var start = (await CheckpointAsync(client, await KeyAsync(client))).Size;
        var appended = new List<LedgerEntry>();
        var integrations = new List<Task>();
        for (var round = 0; round < 6; round++)
        {
            appended.AddRange(await AppendAsync(app, 20));
            integrations.Add(IntegrateAsync(app));
            integrations.Add(IntegrateAsync(app));
        }

        await Task.WhenAll(integrations);
        await IntegrateAsync(app);
        var latest = await CheckpointAsync(client, await KeyAsync(client));
        Assert.Equal(start + appended.Count, latest.Size);
        var ids = (await client.GetJsonAsync($"{Api}/entries?start={start}&limit=1000")).GetProperty("items").EnumerateArray()
            .Select(i => i.GetProperty("entryId").GetInt64()).ToList();
        Assert.Equal(appended.Select(e => e.Id), ids);
    }

    [Fact]
    public async Task AppendMany_WhenABatchIsReplayed_AppendsNothingTwiceAndMatchesTheSingleEntryPath()
    {
        var factory = app.Services.GetRequiredService<IDbContextFactory<CrisisOpsDbContext>>();
        var now = app.Clock.GetUtcNow();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var items = Enumerable.Range(0, 50).Select(n => new LedgerAppend($"bulk:{tag}:{n}", Body(now, tag, n))).ToList();
        LedgerAppendResult first;
        await using (var db = await factory.CreateDbContextAsync())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            first = await db.AppendManyAsync([.. items, items[3]], now, CancellationToken.None);
            await transaction.CommitAsync();
        }

        Assert.Equal(50, first.Appended);
        Assert.Equal([items[3].IdempotencyKey], first.Duplicates);
        await using (var db = await factory.CreateDbContextAsync())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            var replay = await db.AppendManyAsync(items, now, CancellationToken.None);
            await transaction.CommitAsync();
            Assert.Equal(0, replay.Appended);
            Assert.Equal(50, replay.Duplicates.Count);
        }

        await using (var db = await factory.CreateDbContextAsync())
        {
            // Outside a transaction the bulk path refuses: it must commit with the change it records.
            await Assert.ThrowsAsync<InvalidOperationException>(() => db.AppendManyAsync(items, now, CancellationToken.None));
            var stored = await db.LedgerEntries.AsNoTracking().Where(e => e.IdempotencyKey.StartsWith("bulk:" + tag)).OrderBy(e => e.Id).ToListAsync();
            Assert.Equal(50, stored.Count);
            var reference = LedgerEntry.Accept(items[7].IdempotencyKey, items[7].Body, now);
            var seventh = stored.Single(e => e.IdempotencyKey == items[7].IdempotencyKey);
            Assert.Equal(reference.Body, seventh.Body);
            Assert.Equal(reference.LeafHash, seventh.LeafHash);
            Assert.Equal(now, seventh.AcceptedAt);
            Assert.Equal("W-" + tag, seventh.WarehouseCode);
        }

        var result = await IntegrateAsync(app);
        Assert.True(result.Integrated >= 50);
    }
}

public sealed class LogApiTestsOnSqlite(SqliteApp app) : LogApiTests<SqliteApp>(app);

public sealed class LogApiTestsOnPostgres(PostgresApp app) : LogApiTests<PostgresApp>(app);
