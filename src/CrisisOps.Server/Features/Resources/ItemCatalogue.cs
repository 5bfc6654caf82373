using System.Text.Json;
using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Journal;
using CrisisOps.Domain.Regions;
using CrisisOps.Domain.Resources;
using CrisisOps.Server.Platform;
using CrisisOps.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Resources;

public sealed record ItemDto(string Code, string NameZh, string NameEn, string UnitZh, string UnitEn, bool Discrete, string Category,
    int? ShelfLifeDays, decimal? UnitWeightKg = null, decimal? UnitVolumeM3 = null);

public sealed record ItemList(IReadOnlyList<ItemDto> Items);

public sealed record ItemRequest(string? Code, string? NameZh, string? NameEn, string? UnitZh, string? UnitEn, bool? Discrete, string? Category,
    int? ShelfLifeDays, decimal? UnitWeightKg = null, decimal? UnitVolumeM3 = null);

/// <summary>
/// The item catalogue: read by everyone signed in (needs, claims and agreements name its codes), kept by
/// whoever holds <see cref="Permission.ManageResources"/> over the whole tree, since one catalogue serves
/// every region.
/// </summary>
public static partial class ItemCatalogue
{
    public static IEndpointRouteBuilder MapItemEndpoints(this IEndpointRouteBuilder app)
    {
        var items = app.MapGroup("/api/v1/items").WithTags("Resources");
        items.MapGet("", ListAsync).RequireAuthorization(PermissionPolicies.SignedIn);
        items.MapPost("", CreateAsync).RequirePermission(Permission.ManageResources).Idempotent();
        return app;
    }

    private static async Task<Ok<ItemList>> ListAsync(string? category, CrisisOpsDbContext db, CancellationToken ct)
    {
        var query = db.Items.AsNoTracking();
        if (!string.IsNullOrEmpty(category))
        {
            query = query.Where(i => i.Category == category);
        }

        var items = await query.OrderBy(i => i.Category).ThenBy(i => i.Code).ToListAsync(ct);
        return TypedResults.Ok(new ItemList([.. items.Select(ToDto)]));
    }

    private static async Task<Created<ItemDto>> CreateAsync(ItemRequest body, CrisisOpsDbContext db, CallerAccessor caller, TimeProvider clock,
        CancellationToken ct)
    {
        var definition = new ItemDefinition(body.Code ?? "", body.NameZh ?? "", body.NameEn ?? "", body.UnitZh ?? "", body.UnitEn ?? "",
            body.Discrete ?? false, body.Category ?? "", body.ShelfLifeDays, body.UnitWeightKg, body.UnitVolumeM3);
        var errors = new FieldErrors();
        errors.Check(body.Discrete is not null, "discrete", "Required: true for goods counted in whole units (tents), false for measured goods (litres).");
        if (Item.Problem(definition) is { } problem)
        {
            errors.Add("item", problem);
        }

        errors.ThrowIfAny();

        var access = await caller.RequireAsync(Permission.ManageResources, RegionPath.Separator, ct);
        if (await db.Items.AnyAsync(i => i.Code == definition.Code, ct))
        {
            throw new ProblemException(StatusCodes.Status409Conflict, "duplicate-item", "The code is taken", $"The catalogue has '{definition.Code}'.");
        }

        var now = clock.GetUtcNow();
        var item = new Item(definition, now, access.Name);
        db.Items.Add(item);
        db.Append(new JournalRecord(now, access.Name, JournalTypes.ItemCreated, null, null, null, ToDto(item)));
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/items/{item.Code}", ToDto(item));
    }

    public static ItemDto ToDto(Item i) => new(i.Code, i.NameZh, i.NameEn, i.UnitZh, i.UnitEn, i.Discrete, i.Category, i.ShelfLifeDays, i.UnitWeightKg, i.UnitVolumeM3);

    /// <summary>
    /// Adds the default items (default-items.json) that the catalogue lacks, journaled as the system. Items
    /// someone added or that exist already are left as they are, so every start may run it.
    /// </summary>
    public static async Task EnsureDefaultItemsAsync(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrisisOpsDbContext>();
        var clock = scope.ServiceProvider.GetRequiredService<TimeProvider>();
        var logger = scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("CrisisOps.Resources");
        var existing = await db.Items.Select(i => i.Code).ToListAsync();
        var now = clock.GetUtcNow();
        var added = DefaultItems().Where(d => !existing.Contains(d.Code)).Select(d => new Item(d, now, "system")).ToList();
        if (added.Count == 0)
        {
            return;
        }

        db.Items.AddRange(added);
        db.Append(new JournalRecord(now, "system", JournalTypes.ItemCreated, null, null, null,
            new { seeded = true, items = added.Select(i => i.Code) }));
        try
        {
            await db.SaveChangesAsync();
            LogSeeded(logger, added.Count);
        }
        catch (DbUpdateException)
        {
            // Another replica starting at the same moment seeded them first; the key kept one copy.
        }
    }

    /// <summary>The catalogue every installation starts with, as data in default-items.json.</summary>
    public static IReadOnlyList<ItemDefinition> DefaultItems()
    {
        using var stream = typeof(ItemCatalogue).Assembly.GetManifestResourceStream("CrisisOps.Resources.default-items.json")
            ?? throw new InvalidOperationException("default-items.json is not embedded.");
        return JsonSerializer.Deserialize<List<ItemDefinition>>(stream, JsonSerializerOptions.Web) ?? [];
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeded {Count} default catalogue items")]
    private static partial void LogSeeded(ILogger logger, int count);
}
