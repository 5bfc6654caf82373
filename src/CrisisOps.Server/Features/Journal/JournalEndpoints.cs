using System.Globalization;
using System.Text;
using System.Text.Json;
using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Journal;
using CrisisOps.Server.Features.Regions;
using CrisisOps.Server.Platform;
using CrisisOps.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CrisisOps.Server.Features.Journal;

public sealed record JournalEntryDto(long Id, DateTimeOffset Time, string Actor, string? RegionCode, Guid? IncidentId,
    string Type, JsonElement Payload, bool IsExercise);

public sealed record JournalPage(IReadOnlyList<JournalEntryDto> Items, long? Next);

/// <summary>Filters shared by the journal query and the live feed.</summary>
public sealed record JournalFilter(Guid? IncidentId, string? RegionPath, string? Type, DateTimeOffset? From, DateTimeOffset? To);

public static class JournalEndpoints
{
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public static IEndpointRouteBuilder MapJournalEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/journal", QueryAsync).WithTags("Journal").RequirePermission(Permission.ReadJournal);
        app.MapGet("/api/v1/feed", FeedAsync).WithTags("Journal").RequirePermission(Permission.ReadJournal)
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream");
        return app;
    }

    /// <summary>
    /// Entries in journal order. With <c>after</c>: the next page after that id. Without: the latest
    /// <c>limit</c> entries (a tail). <c>next</c> is the id to pass as <c>after</c> for more.
    /// </summary>
    private static async Task<Ok<JournalPage>> QueryAsync(Guid? incidentId, string? region, string? type, DateTimeOffset? from,
        DateTimeOffset? to, long? after, int? limit, CrisisOpsDbContext db, CallerAccessor caller, RegionDirectory directory,
        CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Check(limit is null or (>= 1 and <= 1000), "limit", "From 1 to 1000.");
        errors.Check(after is null or >= 0, "after", "A journal id, 0 or more.");
        errors.Check(type is null || type.Length <= 64, "type", "At most 64 characters.");
        errors.Check(from is null || to is null || from <= to, "from", "Must not be after 'to'.");
        errors.ThrowIfAny();

        var filter = await FilterAsync(incidentId, region, type, from, to, caller, directory, ct);
        var query = await VisibleAsync(db, caller, filter, ct);
        var take = limit ?? 100;
        List<JournalEntry> items;
        if (after is { } position)
        {
            items = await query.Where(j => j.Id > position).OrderBy(j => j.Id).Take(take).ToListAsync(ct);
        }
        else
        {
            items = await query.OrderByDescending(j => j.Id).Take(take).ToListAsync(ct);
            items.Reverse();
        }

        return TypedResults.Ok(new JournalPage([.. items.Select(ToDto)], items.Count > 0 ? items[^1].Id : after));
    }

    /// <summary>
    /// Server-Sent Events from the journal, filtered by the caller's rights. Resumes after the
    /// <c>Last-Event-ID</c> header (or <c>lastEventId</c> query); without one, starts at new entries.
    /// </summary>
    private static async Task FeedAsync(HttpContext http, Guid? incidentId, string? region, string? type, long? lastEventId,
        IDbContextFactory<CrisisOpsDbContext> factory, CallerAccessor caller, RegionDirectory directory, JournalNotifier notifier,
        TimeProvider clock, IOptions<JsonOptions> json)
    {
        var ct = http.RequestAborted;
        var filter = await FilterAsync(incidentId, region, type, null, null, caller, directory, ct);
        long position;
        if (long.TryParse(http.Request.Headers["Last-Event-ID"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var header))
        {
            position = header;
        }
        else if (lastEventId is { } fromQuery)
        {
            position = fromQuery;
        }
        else
        {
            await using var db = await factory.CreateDbContextAsync(ct);
            position = await db.Journal.MaxAsync(j => (long?)j.Id, ct) ?? 0;
        }

        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        var options = json.Value.SerializerOptions;

        using var wake = new SemaphoreSlim(0);
        using var subscription = notifier.Subscribe(() =>
        {
            if (wake.CurrentCount == 0)
            {
                wake.Release();
            }
        });

        Task? pending = null;
        await http.Response.WriteAsync("retry: 3000\n\n", ct);
        await http.Response.Body.FlushAsync(ct);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                // Rights are read again on every round: a revoked role or token ends the stream.
                if (!(await caller.RefreshAsync(ct)).HasAnywhere(Permission.ReadJournal))
                {
                    await http.Response.WriteAsync("event: access-revoked\ndata: {}\n\n", ct);
                    return;
                }

                List<JournalEntry> batch;
                await using (var db = await factory.CreateDbContextAsync(ct))
                {
                    var query = await VisibleAsync(db, caller, filter, ct);
                    batch = await query.Where(j => j.Id > position).OrderBy(j => j.Id).Take(200).ToListAsync(ct);
                }

                foreach (var entry in batch)
                {
                    var data = JsonSerializer.Serialize(ToDto(entry), options);
                    await http.Response.WriteAsync(
                        string.Create(CultureInfo.InvariantCulture, $"id: {entry.Id}\nevent: {entry.Type}\ndata: {data}\n\n"), ct);
                    position = entry.Id;
                }

                if (batch.Count == 200)
                {
                    continue;
                }

                await http.Response.Body.FlushAsync(ct);

                // Woken by a save in this replica; the timeout picks up other replicas' entries and sends a keep-alive.
                pending ??= wake.WaitAsync(ct);
                using var delayCancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
                var delay = Task.Delay(KeepAlive, clock, delayCancel.Token);
                if (await Task.WhenAny(pending, delay) == pending)
                {
                    pending = null;
                    await delayCancel.CancelAsync();
                }
                else
                {
                    await http.Response.WriteAsync(": keepalive\n\n", ct);
                    await http.Response.Body.FlushAsync(ct);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away.
        }
    }

    private static async Task<JournalFilter> FilterAsync(Guid? incidentId, string? region, string? type, DateTimeOffset? from,
        DateTimeOffset? to, CallerAccessor caller, RegionDirectory directory, CancellationToken ct)
    {
        string? path = null;
        if (region is not null)
        {
            path = (await directory.ScopeAsync(region, Permission.ReadJournal, caller, ct)).Path;
        }

        return new JournalFilter(incidentId, path, type, from?.ToUniversalTime(), to?.ToUniversalTime());
    }

    private static async Task<IQueryable<JournalEntry>> VisibleAsync(CrisisOpsDbContext db, CallerAccessor caller, JournalFilter filter,
        CancellationToken ct)
    {
        var access = await caller.GetAsync(ct);
        var query = db.Journal.AsNoTracking().WhereUnder(j => j.RegionPath, access.ScopesFor(Permission.ReadJournal));
        if (filter.IncidentId is { } incident)
        {
            query = query.Where(j => j.IncidentId == incident);
        }

        if (filter.RegionPath is { } path)
        {
            query = query.Where(j => j.RegionPath != null && j.RegionPath.StartsWith(path));
        }

        if (filter.Type is { } type)
        {
            // "deadline." matches the whole family, "deadline.missed" one kind.
            query = type.EndsWith('.') ? query.Where(j => j.Type.StartsWith(type)) : query.Where(j => j.Type == type);
        }

        if (filter.From is { } from)
        {
            query = query.Where(j => j.Time >= from);
        }

        if (filter.To is { } to)
        {
            query = query.Where(j => j.Time <= to);
        }

        return query;
    }

    private static JournalEntryDto ToDto(JournalEntry j)
    {
        using var payload = JsonDocument.Parse(j.Payload);
        return new JournalEntryDto(j.Id, j.Time, j.Actor, j.RegionCode, j.IncidentId, j.Type, payload.RootElement.Clone(), j.IsExercise);
    }

}
