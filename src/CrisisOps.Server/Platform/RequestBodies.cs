using System.Text.Json;

namespace CrisisOps.Server.Platform;

/// <summary>
/// Reading request bodies the endpoints take by hand (JSON or CSV, files in a form), with the same
/// problem details everywhere when a body cannot be read.
/// </summary>
public static class RequestBodies
{
    /// <summary>The media type of the request without parameters, e.g. <c>text/csv</c>.</summary>
    public static string MediaType(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.ContentType?.Split(';')[0].Trim() ?? "";
    }

    public static bool Is(HttpRequest request, string mediaType) => string.Equals(MediaType(request), mediaType, StringComparison.OrdinalIgnoreCase);

    /// <summary>The body as JSON; <paramref name="what"/> names it in the error ("a reading batch").</summary>
    /// <exception cref="ProblemException">400 malformed-json, naming where the body went wrong.</exception>
    public static async Task<T?> ReadJsonAsync<T>(HttpRequest request, string what, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(request.Body, JsonSerializerOptions.Web, ct);
        }
        catch (JsonException ex)
        {
            throw new ProblemException(StatusCodes.Status400BadRequest, "malformed-json", $"The body is not {what}.",
                ex.Path is null ? ex.Message : $"At {ex.Path}: the value is missing or of the wrong type.");
        }
    }

    /// <summary>The first file of a multipart form, with the form for its other fields; <paramref name="hint"/> says what to send.</summary>
    /// <exception cref="ProblemException">400 malformed-request when the form cannot be read or holds no file.</exception>
    public static async Task<(IFormFile File, IFormCollection Form)> ReadFormFileAsync(HttpRequest request, string hint, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var form = await ReadFormAsync(request, ct);
        var file = form.Files.FirstOrDefault() ?? throw new ProblemException(StatusCodes.Status400BadRequest, "malformed-request", "No file", hint);
        return (file, form);
    }

    /// <summary>A multipart form (fields and files); <paramref name="hint"/> says what it should hold.</summary>
    /// <exception cref="ProblemException">415 unsupported-media-type when it is not multipart/form-data; 400 malformed-request when unreadable.</exception>
    public static async Task<IFormCollection> ReadMultipartAsync(HttpRequest request, string hint, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.HasFormContentType || !Is(request, "multipart/form-data"))
        {
            throw new ProblemException(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "Send multipart/form-data", hint);
        }

        return await ReadFormAsync(request, ct);
    }

    private static async Task<IFormCollection> ReadFormAsync(HttpRequest request, CancellationToken ct)
    {
        try
        {
            return await request.ReadFormAsync(ct);
        }
        catch (InvalidDataException ex)
        {
            throw new ProblemException(StatusCodes.Status400BadRequest, "malformed-request", "Unreadable form", ex.Message);
        }
    }
}
