using System.Globalization;
using CrisisOps.Domain.Access;
using CrisisOps.Domain.Opinion;
using CrisisOps.Server.Platform;
using CrisisOps.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CrisisOps.Server.Features.Opinion.Posts;

/// <summary>One post as the API takes it (docs/opinion.md, "Ingest").</summary>
public sealed record PostDto(string? Source, string? SourceId, string? Kind, string? Author, DateTimeOffset? Time, string? Text,
    string? Language, double? Latitude, double? Longitude, string? Region);

public sealed record PostBatchRequest(List<PostDto?>? Posts);

/// <summary>What the webhook did with its one post.</summary>
public sealed record WebhookResult(string Status);

/// <summary>Posts in: a JSON batch for monitoring tools and importers, and a webhook for platforms that push one post at a time.</summary>
public static class PostEndpoints
{
    public const int MaxBatch = 5_000;

    public static IEndpointRouteBuilder MapPostEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/opinion/posts", PostBatchAsync).WithTags("Opinion").RequirePermission(Permission.IngestOpinion)
            .WithMetadata(new BodySizeLimit(16L * 1024 * 1024));
        app.MapPost("/api/v1/opinion/webhook/{source}", WebhookAsync).WithTags("Opinion").RequirePermission(Permission.IngestOpinion)
            .WithMetadata(new BodySizeLimit(64L * 1024));
        return app;
    }

    private static async Task<Ok<PostIngestResult>> PostBatchAsync(PostBatchRequest body, PostIngest ingest, CallerAccessor caller,
        CancellationToken ct)
    {
        if (body.Posts is null)
        {
            throw new ProblemException(StatusCodes.Status400BadRequest, "malformed-request", "No posts",
                "Send {\"posts\": [{\"source\", \"sourceId\", \"time\", \"text\", …}, …]}.");
        }

        if (body.Posts.Count > MaxBatch)
        {
            throw new ProblemException(StatusCodes.Status413PayloadTooLarge, "batch-too-large", "Batch too large",
                string.Create(CultureInfo.InvariantCulture, $"At most {MaxBatch:N0} posts per batch; split it."));
        }

        return TypedResults.Ok(await ingest.IngestAsync([.. body.Posts.Select(Incoming)], await caller.GetAsync(ct), ct));
    }

    /// <summary>
    /// One post pushed by a platform; the route names the source. 202 when stored or already held; a post that fails a
    /// rule is a 422 naming the rule (its code in <c>code</c>), so the platform can log it — it is not retried into success.
    /// </summary>
    private static async Task<Accepted<WebhookResult>> WebhookAsync(string source, PostDto? body, PostIngest ingest, CallerAccessor caller,
        CancellationToken ct)
    {
        if (body is null)
        {
            throw new ProblemException(StatusCodes.Status400BadRequest, "malformed-request", "No post",
                "Send one post: {\"sourceId\", \"time\", \"text\", …}.");
        }

        if (body.Source is { } named && !string.Equals(named.Trim(), source, StringComparison.Ordinal))
        {
            throw new ProblemException(StatusCodes.Status400BadRequest, "post-source", "Two sources",
                $"The route names source '{source}' and the post '{named}'.");
        }

        var result = await ingest.IngestAsync([Incoming(body with { Source = source })], await caller.GetAsync(ct), ct);
        if (result.Errors is [var error])
        {
            throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "post-refused", "Post refused", error.Message,
                extensions: new Dictionary<string, object?> { ["code"] = error.Code });
        }

        return TypedResults.Accepted((string?)null, new WebhookResult(result.Stored == 1 ? "stored" : "already-held"));
    }

    private static IncomingPost? Incoming(PostDto? p) => p is null
        ? null
        : new IncomingPost(p.Source, p.SourceId, p.Kind, p.Author, p.Time, p.Text, p.Language, p.Latitude, p.Longitude, p.Region);
}
