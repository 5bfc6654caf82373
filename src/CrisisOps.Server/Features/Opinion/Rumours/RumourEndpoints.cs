using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Server.Features.Information;
using CrisisOps.Server.Platform;
using CrisisOps.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Features.Opinion.Rumours;

public static class RumourEndpoints
{
    public static IEndpointRouteBuilder MapRumourEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/opinion/posts/{id:long}/rumour", async (long id, RumourRequest body, RumourDesk desk, CancellationToken ct) =>
                TypedResults.Created($"/api/v1/opinion/rumours", await desk.MarkAsync(id, body, ct)))
            .WithTags("Opinion").RequirePermission(Permission.AnswerOpinion).WithMetadata(new BodySizeLimit(16 * 1024));
        app.MapGet("/api/v1/opinion/rumours", async (int? limit, RumourDesk desk, CancellationToken ct) =>
                TypedResults.Ok(new ItemList<RumourDto>(await desk.ListAsync(Limit(limit), ct))))
            .WithTags("Opinion").RequirePermission(Permission.ReadOpinion);
        app.MapGet("/api/v1/public/clarifications", PublicAsync).WithTags("Public").AllowAnonymous().RequireRateLimiting(RateLimits.PublicRead);
        return app;
    }

    private static async Task<Ok<ItemList<ClarificationDto>>> PublicAsync(string? release, int? limit, IDbContextFactory<CrisisOpsDbContext> factory,
        HttpContext http, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        http.Response.Headers.CacheControl = "public, max-age=60";
        return TypedResults.Ok(new ItemList<ClarificationDto>(await RumourDesk.PublicAsync(db, release, Limit(limit), ct)));
    }

    private static int Limit(int? limit) => limit switch
    {
        null => 100,
        < 1 or > 500 => throw ProblemException.Validation(new Dictionary<string, string[]> { ["limit"] = ["limit lies between 1 and 500."] }),
        { } n => n,
    };
}
