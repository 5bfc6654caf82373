using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using CrisisOps.Data;
using CrisisOps.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CrisisOps.Server.Tests.Features.Ledger;

/// <summary>What the ledger-source tests share: warehouses in a fresh world, the public search, the stored entries.</summary>
internal static class SourcesTestKit
{
    private static int _next;

    public static string Code(string stem) => $"{stem}-{Interlocked.Increment(ref _next)}-{Guid.NewGuid().ToString("N")[..6]}";

    public static async Task<string> WarehouseAsync(HttpClient client, RegionWorld world, string community)
    {
        var code = Code("depot");
        var (lat, lon) = world.PointIn(community);
        await (await client.PostJsonAsync("/api/v1/warehouses", new { code, name = "储备库 " + code, latitude = lat, longitude = lon }))
            .OkJsonAsync(HttpStatusCode.Created);
        return code;
    }

    /// <summary>The public search, anonymous, as a list of items.</summary>
    public static async Task<List<JsonElement>> SearchAsync(CrisisOpsApp app, string query)
    {
        using var anonymous = app.Anonymous();
        return [.. (await anonymous.GetJsonAsync("/api/v1/public/ledger/search?" + query)).GetProperty("items").EnumerateArray()];
    }

    /// <summary>An item's canonical body, parsed.</summary>
    public static JsonObject Body(JsonElement item) => JsonNode.Parse(item.GetProperty("body").GetString()!)!.AsObject();

    public static string? MemberText(JsonObject body, string name) => body[name]?.GetValue<string>();

    /// <summary>How many ledger entries the database holds (to show that a refused request appended nothing).</summary>
    public static async Task<int> EntryCountAsync(CrisisOpsApp app)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<CrisisOpsDbContext>>().CreateDbContextAsync();
        return await db.LedgerEntries.CountAsync();
    }

    public static async Task<T> ReadAsync<T>(CrisisOpsApp app, Func<CrisisOpsDbContext, Task<T>> read)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<CrisisOpsDbContext>>().CreateDbContextAsync();
        return await read(db);
    }
}
