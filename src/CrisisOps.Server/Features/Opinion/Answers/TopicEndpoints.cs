using CrisisOps.Data;
using CrisisOps.Domain.Access;
using CrisisOps.Server.Platform;
using CrisisOps.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CrisisOps.Server.Features.Opinion.Answers;

/// <summary>Hot topics (热点诉求) and the answer loop: list, one topic with its chart and responses, and linking a response.</summary>
public static class TopicEndpoints
{
    public static IEndpointRouteBuilder MapTopicEndpoints(this IEndpointRouteBuilder app)
    {
        var topics = app.MapGroup("/api/v1/opinion/topics").WithTags("Opinion");
        topics.MapGet("", ListAsync).RequirePermission(Permission.ReadOpinion);
        topics.MapGet("/{id:guid}", async (Guid id, CrisisOpsDbContext db, CallerAccessor caller, TimeProvider clock, CancellationToken ct) =>
            TypedResults.Ok(await TopicQueries.DetailAsync(db, caller, id, withAuthors: true, clock.GetUtcNow(), ct)))
            .RequirePermission(Permission.ReadOpinion);
        topics.MapPost("/{id:guid}/responses", AnswerAsync).RequirePermission(Permission.AnswerOpinion).Idempotent();
        return app;
    }

    private static async Task<Ok<TopicList>> ListAsync(string? status, int? limit, CrisisOpsDbContext db, CallerAccessor caller, TimeProvider clock,
        CancellationToken ct)
    {
        var filter = TopicQueries.ParseFilter(status, limit, out var take);
        var access = await caller.GetAsync(ct);
        return TypedResults.Ok(new TopicList(await TopicQueries.ListAsync(db, access, filter, take, clock.GetUtcNow(), ct)));
    }

    private static async Task<Created<TopicResponseDto>> AnswerAsync(Guid id, AnswerTopicRequest body, TopicAnswers answers, CrisisOpsDbContext db,
        CallerAccessor caller, TimeProvider clock, CancellationToken ct)
    {
        var response = await answers.AnswerAsync(db, caller, id, body, ct);
        return TypedResults.Created($"/api/v1/opinion/topics/{id}", await TopicQueries.ResponseAsync(db, response, clock.GetUtcNow(), ct));
    }
}
