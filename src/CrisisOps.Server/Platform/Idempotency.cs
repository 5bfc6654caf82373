using System.Security.Claims;
using System.Security.Cryptography;
using CrisisOps.Data;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Platform;

/// <summary>Endpoint metadata: this creating POST honours the <c>Idempotency-Key</c> header.</summary>
public sealed record IdempotentEndpoint;

public static class IdempotencyExtensions
{
    /// <summary>Marks a creating POST as honouring <c>Idempotency-Key</c>.</summary>
    public static TBuilder Idempotent<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new IdempotentEndpoint());
}

/// <summary>
/// A retry of a creating POST with the same <c>Idempotency-Key</c> gets the first response back
/// and creates nothing new. The key is reserved in the database before the endpoint runs, so two
/// replicas racing on one key cannot both create; a failed attempt releases it for a retry.
/// </summary>
internal sealed class IdempotencyMiddleware(RequestDelegate next)
{
    public const string Header = "Idempotency-Key";
    private const int MaxKeyLength = 200;
    private static readonly TimeSpan Retention = TimeSpan.FromDays(7);

    public async Task InvokeAsync(HttpContext context, IDbContextFactory<CrisisOpsDbContext> factory, TimeProvider clock)
    {
        var endpoint = context.GetEndpoint();
        if (!HttpMethods.IsPost(context.Request.Method)
            || endpoint?.Metadata.GetMetadata<IdempotentEndpoint>() is null
            || !context.Request.Headers.TryGetValue(Header, out var values))
        {
            await next(context);
            return;
        }

        var key = values.ToString();
        if (key.Length is 0 or > MaxKeyLength)
        {
            throw new ProblemException(StatusCodes.Status400BadRequest, "invalid-idempotency-key",
                "Invalid Idempotency-Key", $"The key must have 1–{MaxKeyLength} characters.");
        }

        context.Request.EnableBuffering();
        var hash = Convert.ToHexString(await SHA256.HashDataAsync(context.Request.Body, context.RequestAborted));
        context.Request.Body.Position = 0;

        // Keys are per caller; anonymous callers are told apart by address so one cannot replay another's answer.
        var caller = context.User.FindFirstValue(ClaimTypes.Name)
            ?? "anonymous@" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
        // The actual path, not the route template: the same key on /incidents/A/reports and /incidents/B/reports are two requests.
        var route = context.Request.Path.Value ?? "";
        if (route.Length > 300)
        {
            throw new ProblemException(StatusCodes.Status400BadRequest, "invalid-idempotency-key", "Path too long", "The path is too long for an idempotent request.");
        }
        await using (var db = await factory.CreateDbContextAsync(context.RequestAborted))
        {
            // Keys are kept for a week: long enough for any retry, short enough that the table stays small.
            var cutoff = clock.GetUtcNow() - Retention;
            await db.IdempotencyRecords.Where(r => r.Caller == caller && r.CreatedAt < cutoff).ExecuteDeleteAsync(context.RequestAborted);
            var existing = await db.IdempotencyRecords.AsNoTracking()
                .SingleOrDefaultAsync(r => r.Caller == caller && r.Key == key, context.RequestAborted);
            if (existing is not null)
            {
                await ReplayAsync(context, existing, hash, route);
                return;
            }

            db.IdempotencyRecords.Add(new IdempotencyRecord
            {
                Key = key,
                Caller = caller,
                Endpoint = route,
                RequestHash = hash,
                CreatedAt = clock.GetUtcNow(),
            });
            try
            {
                await db.SaveChangesAsync(context.RequestAborted);
            }
            catch (DbUpdateException)
            {
                throw InProgress();
            }
        }

        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        var succeeded = false;
        try
        {
            await next(context);
            succeeded = context.Response.StatusCode is >= 200 and < 300;
        }
        finally
        {
            context.Response.Body = original;
            await using var db = await factory.CreateDbContextAsync(CancellationToken.None);
            var record = await db.IdempotencyRecords.SingleAsync(r => r.Caller == caller && r.Key == key, CancellationToken.None);
            if (succeeded)
            {
                record.StatusCode = context.Response.StatusCode;
                record.ContentType = context.Response.ContentType;
                record.Location = context.Response.Headers.Location.ToString() is { Length: > 0 } location ? location : null;
                record.Body = buffer.ToArray();
                record.Completed = true;
            }
            else
            {
                db.IdempotencyRecords.Remove(record);
            }

            await db.SaveChangesAsync(CancellationToken.None);
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(original, context.RequestAborted);
    }

    private static async Task ReplayAsync(HttpContext context, IdempotencyRecord record, string hash, string route)
    {
        if (!record.Completed)
        {
            throw InProgress();
        }

        if (record.RequestHash != hash || record.Endpoint != route)
        {
            throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "idempotency-key-reused",
                "Idempotency-Key reused", "This key was used for a different request; use a new key for a new request.");
        }

        context.Response.StatusCode = record.StatusCode;
        context.Response.ContentType = record.ContentType;
        if (record.Location is not null)
        {
            context.Response.Headers.Location = record.Location;
        }

        context.Response.Headers["Idempotent-Replayed"] = "true";
        await context.Response.Body.WriteAsync(record.Body ?? [], context.RequestAborted);
    }

    private static ProblemException InProgress() =>
        new(StatusCodes.Status409Conflict, "request-in-progress", "Request in progress",
            "A request with this Idempotency-Key is still running; retry in a moment.");
}
