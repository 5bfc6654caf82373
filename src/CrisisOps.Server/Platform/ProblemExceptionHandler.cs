using System.Text.Json;
using CrisisOps.Domain;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace CrisisOps.Server.Platform;

/// <summary>Turns every exception that reaches the top into problem details with a stable type.</summary>
internal sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    // Domain rules that describe a conflict with the current state rather than bad input.
    private static readonly HashSet<string> Conflicts = new(StringComparer.Ordinal)
    {
        "illegal-status-change", "initial-report-exists", "initial-report-missing", "final-report-filed",
        "deadline-closed", "event-closed", "incident-closed",
    };

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            ProblemException p => p,
            DomainException d => new ProblemException(
                d.IsConflict || Conflicts.Contains(d.Code) ? StatusCodes.Status409Conflict : StatusCodes.Status422UnprocessableEntity,
                d.Code, "The request breaks a rule.", d.Message),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => new ProblemException(
                StatusCodes.Status413PayloadTooLarge, "body-too-large", "The request body is too large.", exception.Message),
            BadHttpRequestException b when b.InnerException is JsonException json => Malformed(json),
            BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType } b => new ProblemException(
                b.StatusCode, "unsupported-media-type", "Send the body as application/json.", b.Message),
            BadHttpRequestException b => new ProblemException(b.StatusCode, "malformed-request", "The request is malformed.", b.Message),
            JsonException json => Malformed(json),
            DbUpdateConcurrencyException => new ProblemException(StatusCodes.Status409Conflict, "concurrent-change",
                "Someone changed this at the same time.", "Reload and try again."),

            // A unique key taken by a concurrent request (two imports of one new region, say): nothing was saved.
            DbUpdateException => new ProblemException(StatusCodes.Status409Conflict, "concurrent-change",
                "A concurrent change conflicted with this one.", "Nothing was saved; retry the request."),
            OperationCanceledException when httpContext.RequestAborted.IsCancellationRequested => null,
            _ => null,
        };

        if (problem is null)
        {
            if (httpContext.RequestAborted.IsCancellationRequested)
            {
                return true;
            }

            LogUnhandled(logger, exception);
            problem = new ProblemException(StatusCodes.Status500InternalServerError, "internal-error",
                "Something went wrong on our side.", "The error is logged; the request changed nothing.");
        }

        httpContext.Response.StatusCode = problem.Status;
        var details = new ProblemDetails
        {
            Status = problem.Status,
            Type = ProblemTypes.Uri(problem.Type),
            Title = problem.Title,
            Detail = problem.Detail,
        };
        if (problem.Errors is not null)
        {
            details.Extensions["errors"] = problem.Errors;
        }

        foreach (var (key, value) in problem.Extensions ?? new Dictionary<string, object?>())
        {
            details.Extensions[key] = value;
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = details,
            Exception = exception,
        });
    }

    private static ProblemException Malformed(JsonException json) =>
        new(StatusCodes.Status400BadRequest, "malformed-json", "The body is not valid JSON for this request.",
            json.Path is null ? json.Message : $"At {json.Path}: the value is missing, of the wrong type or not allowed.",
            json.Path is null ? null : new Dictionary<string, string[]> { [json.Path] = ["invalid value"] });

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception")]
    private static partial void LogUnhandled(ILogger logger, Exception exception);
}
