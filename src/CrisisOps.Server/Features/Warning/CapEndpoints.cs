using CrisisOps.Domain.Access;
using CrisisOps.Domain.Warning;
using CrisisOps.Server.Platform;
using CrisisOps.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CrisisOps.Server.Features.Warning;

public sealed record CapAreaVerdict(string AreaDesc, int Polygons, int Circles, int Geocodes, IReadOnlyList<string> Regions);

public sealed record CapInfoVerdict(string Language, string Event, CapUrgency Urgency, CapSeverity Severity, CapCertainty Certainty,
    string? Headline, DateTimeOffset? Expires, IReadOnlyList<CapAreaVerdict> Areas);

public sealed record CapVerdictResponse(bool Accepted, CapVerdictKind Kind, IReadOnlyList<string> Reasons, IReadOnlyList<string> Warnings,
    string? Identifier, string? Sender, DateTimeOffset? Sent, CapStatus? Status, CapMessageType? MsgType, IReadOnlyList<CapInfoVerdict> Infos);

/// <summary>
/// Official warnings in CAP 1.2 (气象/地质预警): what CrisisOps makes of a document — accepted or
/// rejected and why, and which of the caller's regions each area covers.
/// </summary>
public static class CapEndpoints
{
    public static IEndpointRouteBuilder MapCapEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/warnings/cap/verdict", VerdictAsync).WithTags("Warning")
            .RequirePermission(Permission.ReadRegions)
            .WithMetadata(new BodySizeLimit(CapReader.MaxDocumentBytes + 1))
            .Accepts<string>("application/cap+xml", "application/xml", "text/xml");
        return app;
    }

    private static async Task<Ok<CapVerdictResponse>> VerdictAsync(HttpRequest request, CapAreaMapper mapper, CallerAccessor caller, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        var verdict = CapReader.Read(buffer.ToArray());
        if (!verdict.Accepted)
        {
            return TypedResults.Ok(new CapVerdictResponse(false, verdict.Kind, verdict.Reasons, verdict.Warnings, null, null, null, null, null, []));
        }

        var alert = verdict.Alert;
        var access = await caller.GetAsync(ct);
        var map = await mapper.GetAsync(ct);
        var infos = alert.Infos.Select(info => new CapInfoVerdict(info.Language, info.Event, info.Urgency, info.Severity, info.Certainty,
            info.Headline, info.Expires,
            [.. info.Areas.Select(area => new CapAreaVerdict(area.AreaDesc, area.Polygons.Count, area.Circles.Count, area.Geocodes.Count,
                [.. map.Cover(area).Where(r => access.Can(Permission.ReadRegions, r.Path)).Select(r => r.Code)]))])).ToList();
        return TypedResults.Ok(new CapVerdictResponse(true, verdict.Kind, [], verdict.Warnings, alert.Identifier, alert.Sender, alert.Sent,
            alert.Status, alert.MsgType, infos));
    }
}
