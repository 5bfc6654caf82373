using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Web;
using CrisisOps.Domain.Ledger;

namespace CrisisOps.Cli.Tests;

/// <summary>
/// The public ledger API as docs/ledger.md and the contract define it, served from a log held in memory and
/// built by the reference definitions (<see cref="MerkleTree"/>, <see cref="SignedCheckpoint"/>). Tests tamper with
/// <see cref="Bodies"/>, <see cref="Tiles"/> and <see cref="Notes"/> directly.
/// </summary>
internal sealed class LedgerFakeServer : IDisposable
{
    public const string Origin = "crisisops.test/ledger";
    private static readonly DateTimeOffset Start = new(2026, 7, 12, 8, 0, 0, TimeSpan.Zero);

    public LedgerFakeServer() => Handler = new FakeServer(Respond);

    public FakeServer Handler { get; }

    public LedgerSigningKey Key { get; } = LedgerSigningKey.Generate(Origin);

    public List<string> Bodies { get; } = [];

    /// <summary>The leaf hash each entry got at acceptance (the server keeps it beside the body).</summary>
    public List<byte[]> Recorded { get; } = [];

    /// <summary>Signed checkpoints by size: (size, note).</summary>
    public SortedDictionary<long, string> Notes { get; } = [];

    public Dictionary<(int Level, long Index), byte[]> Tiles { get; } = [];

    /// <summary>Entries accepted but not integrated yet: entry id → nothing (served as pending by /queue).</summary>
    public HashSet<long> Pending { get; } = [];

    /// <summary>When set, inclusion proofs carry this hash first instead of the real one.</summary>
    public byte[]? ForgedProofHash { get; set; }

    public int Size => Bodies.Count;

    public static string Body(int n) => LedgerEntry.Accept($"cli-test:{n}", new JsonObject
    {
        ["v"] = 1,
        ["kind"] = LedgerEntryKinds.DeliveryConfirmed,
        ["time"] = LedgerEntry.FormatTime(Start.AddSeconds(n)),
        ["region"] = "KRE",
        ["need"] = $"N-{n:0000}",
        ["item"] = "drinking-water",
        ["quantity"] = LedgerEntry.FormatDecimal(n + 0.5m),
        ["unit"] = "litres",
    }, Start).Body;

    public static long EntryId(long index) => 100 + index;

    public static byte[] Leaf(string body) => MerkleHash.Leaf(Encoding.UTF8.GetBytes(body));

    /// <summary>Appends entries, rebuilds the tiles and signs a checkpoint, as the integrator does per batch.</summary>
    public LedgerFakeServer Append(int count)
    {
        for (var k = 0; k < count; k++)
        {
            Bodies.Add(Body(Bodies.Count));
            Recorded.Add(Leaf(Bodies[^1]));
        }

        RebuildTiles();
        var checkpoint = new SignedCheckpoint(Origin, Size, MerkleTree.Root(Leaves()), Start.AddMinutes(Notes.Count));
        Notes[Size] = checkpoint.Sign(Key);
        return this;
    }

    public List<byte[]> Leaves() => [.. Bodies.Select(Leaf)];

    public void RebuildTiles()
    {
        Tiles.Clear();
        var level = Leaves();
        for (var tileLevel = 0; level.Count > 0; tileLevel++)
        {
            for (var t = 0; t * 256 < level.Count; t++)
            {
                Tiles[(tileLevel, t)] = [.. level.Skip(t * 256).Take(256).SelectMany(h => h)];
            }

            var next = new List<byte[]>();
            for (var s = 0; (s + 1) * 256 <= level.Count; s++)
            {
                next.Add(MerkleTree.Root(level.GetRange(s * 256, 256)));
            }

            level = next;
        }
    }

    public void Dispose()
    {
        Key.Dispose();
        Handler.Dispose();
    }

    private long LatestSize => Notes.Keys.Max();

    /// <summary>The tree hashes as stored: the level-0 tile hashes (which tests may have altered), for proofs.</summary>
    private List<byte[]> StoredLeaves() =>
        [.. Enumerable.Range(0, Size).Select(i => Tiles[(0, i / 256)][((i % 256) * 32)..((i % 256) * 32 + 32)])];

    private HttpResponseMessage Respond(RecordedRequest request)
    {
        var path = request.Uri.AbsolutePath;
        const string root = "/api/v1/public/ledger/";
        if (request.Header("Authorization") is not null)
        {
            throw new InvalidOperationException("The public ledger is read anonymously: no token may be sent.");
        }

        if (!path.StartsWith(root, StringComparison.Ordinal))
        {
            return Problem(HttpStatusCode.NotFound, "not-found");
        }

        var query = HttpUtility.ParseQueryString(request.Uri.Query);
        long Q(string name) => long.Parse(query[name]!, CultureInfo.InvariantCulture);
        var rest = path[root.Length..];
        switch (rest)
        {
            case "key":
                return Text(Key.VerifierKey.ToString());
            case "checkpoint":
                return Text(Notes[LatestSize]);
            case "checkpoints":
                return Json(new JsonObject
                {
                    ["items"] = new JsonArray([.. Notes.Where(n => n.Key >= Q("from")).Take((int)Q("limit")).Select(n => (JsonNode)CheckpointItem(n.Value))]),
                });
            case "entries":
                var start = Q("start");
                var limit = Math.Min(Q("limit"), 300); // a smaller page than asked, as a server may answer
                return Json(new JsonObject
                {
                    ["treeSize"] = LatestSize,
                    ["items"] = new JsonArray([.. Enumerable.Range(0, Size).Where(i => i >= start && i < Math.Min(start + limit, LatestSize))
                        .Select(i => (JsonNode)EntryItem(i))]),
                });
            case "proof/inclusion":
                return InclusionProof(query);
            case "proof/consistency":
                var from = Q("from");
                var to = Q("to");
                return Json(new JsonObject
                {
                    ["from"] = from,
                    ["to"] = to,
                    ["hashes"] = Hashes(MerkleTree.ConsistencyProof(StoredLeaves(), from, to)),
                    ["toRoot"] = Convert.ToBase64String(MerkleTree.Root([.. StoredLeaves().Take((int)to)])),
                });
        }

        if (rest.StartsWith("entries/", StringComparison.Ordinal))
        {
            var index = long.Parse(rest["entries/".Length..], CultureInfo.InvariantCulture);
            return index < LatestSize ? Json(EntryItem((int)index)) : Problem(HttpStatusCode.NotFound, "ledger-entry-not-found");
        }

        if (rest.StartsWith("queue/", StringComparison.Ordinal))
        {
            var id = long.Parse(rest["queue/".Length..], CultureInfo.InvariantCulture);
            if (Pending.Contains(id))
            {
                return Json(new JsonObject { ["entryId"] = id, ["status"] = "pending" });
            }

            var index = id - 100;
            return index >= 0 && index < LatestSize
                ? Json(new JsonObject { ["entryId"] = id, ["status"] = "integrated", ["index"] = index, ["checkpointSize"] = Notes.Keys.First(s => s > index) })
                : Problem(HttpStatusCode.NotFound, "ledger-entry-not-found");
        }

        if (rest.StartsWith("tiles/", StringComparison.Ordinal))
        {
            var parts = rest.Split('/');
            var key = (int.Parse(parts[1], CultureInfo.InvariantCulture), long.Parse(parts[2], CultureInfo.InvariantCulture));
            return Tiles.TryGetValue(key, out var hashes)
                ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(hashes) }
                : Problem(HttpStatusCode.NotFound, "ledger-tile-not-found");
        }

        return Problem(HttpStatusCode.NotFound, "not-found");
    }

    private HttpResponseMessage InclusionProof(System.Collections.Specialized.NameValueCollection query)
    {
        var size = long.Parse(query["size"]!, CultureInfo.InvariantCulture);
        var leaves = StoredLeaves();
        long index;
        if (query["hash"] is { } hash)
        {
            index = leaves.FindIndex(l => Convert.ToBase64String(l) == hash);
            if (index < 0)
            {
                return Problem(HttpStatusCode.NotFound, "ledger-entry-not-found");
            }
        }
        else
        {
            index = long.Parse(query["index"]!, CultureInfo.InvariantCulture);
        }

        if (index >= size || size > LatestSize)
        {
            return Problem(HttpStatusCode.BadRequest, "ledger-proof-out-of-range");
        }

        var proof = MerkleTree.InclusionProof(leaves, index, size).ToList();
        if (ForgedProofHash is not null && proof.Count > 0)
        {
            proof[0] = ForgedProofHash;
        }

        return Json(new JsonObject
        {
            ["index"] = index,
            ["treeSize"] = size,
            ["leafHash"] = Convert.ToBase64String(leaves[(int)index]),
            ["hashes"] = Hashes(proof),
            ["rootHash"] = Convert.ToBase64String(MerkleTree.Root([.. leaves.Take((int)size)])),
        });
    }

    private JsonObject EntryItem(int index) => new()
    {
        ["index"] = index,
        ["entryId"] = EntryId(index),
        ["kind"] = LedgerEntryKinds.DeliveryConfirmed,
        ["schemaVersion"] = 1,
        ["body"] = Bodies[index],
        ["leafHash"] = Convert.ToBase64String(Recorded[index]),
        ["acceptedAt"] = "2026-07-12T08:00:00Z",
        ["integratedAt"] = "2026-07-12T08:00:01Z",
    };

    private JsonObject CheckpointItem(string note)
    {
        var (checkpoint, _) = SignedCheckpoint.Open(note, Key.VerifierKey);
        var lines = note.Split('\n');
        return new JsonObject
        {
            ["size"] = long.Parse(lines[1], CultureInfo.InvariantCulture),
            ["rootHash"] = lines[2],
            ["time"] = checkpoint is null ? "2026-07-12T08:00:00Z" : LedgerEntry.FormatTime(checkpoint.Time),
            ["note"] = note,
        };
    }

    private static JsonArray Hashes(IEnumerable<byte[]> hashes) => new([.. hashes.Select(h => (JsonNode)Convert.ToBase64String(h))]);

    private static HttpResponseMessage Text(string text) => new(HttpStatusCode.OK) { Content = new StringContent(text, Encoding.UTF8, "text/plain") };

    private static HttpResponseMessage Json(JsonObject json) => FakeServer.Json(HttpStatusCode.OK, json.ToJsonString());

    private static HttpResponseMessage Problem(HttpStatusCode status, string slug) =>
        FakeServer.Problem(status, $$"""{"type":"urn:crisisops:problem:{{slug}}","title":"{{slug}}","status":{{(int)status}}}""");
}
