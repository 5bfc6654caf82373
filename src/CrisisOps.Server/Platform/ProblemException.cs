namespace CrisisOps.Server.Platform;

/// <summary>
/// An answer the API gives as RFC 9457 problem details. Thrown from endpoints (and turned into
/// a response by <see cref="ProblemExceptionHandler"/>) so every error has the same shape.
/// </summary>
public sealed class ProblemException : Exception
{
    public ProblemException(int status, string type, string title, string? detail = null,
        IDictionary<string, string[]>? errors = null, IDictionary<string, object?>? extensions = null)
        : base(detail ?? title)
    {
        Status = status;
        Type = type;
        Title = title;
        Detail = detail;
        Errors = errors;
        Extensions = extensions;
    }

    public ProblemException() : this(500, "internal-error", "Internal error") { }

    public ProblemException(string message) : this(500, "internal-error", "Internal error", message) { }

    public ProblemException(string message, Exception innerException) : base(message, innerException)
    {
        Status = 500;
        Type = "internal-error";
        Title = "Internal error";
    }

    public int Status { get; }

    /// <summary>Stable slug; the response's <c>type</c> is <see cref="ProblemTypes.Uri"/> of it.</summary>
    public string Type { get; }

    public string Title { get; }

    public string? Detail { get; }

    public IDictionary<string, string[]>? Errors { get; }

    public IDictionary<string, object?>? Extensions { get; }

    public static ProblemException Validation(IDictionary<string, string[]> errors) =>
        new(StatusCodes.Status400BadRequest, "validation-failed", "The request has invalid fields.",
            "See 'errors' for what each field needs.", errors);

    public static ProblemException NotFound(string what) =>
        new(StatusCodes.Status404NotFound, "not-found", "Not found", $"{what} does not exist.");

    public static ProblemException Forbidden(string detail) =>
        new(StatusCodes.Status403Forbidden, "outside-jurisdiction", "Outside your jurisdiction", detail);
}

/// <summary>Problem type URIs. The slugs are stable and listed in docs/problems.md.</summary>
public static class ProblemTypes
{
    public const string Prefix = "urn:crisisops:problem:";

    public static string Uri(string slug) => Prefix + slug;
}

/// <summary>Collects per-field errors, then throws one validation problem with all of them.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public FieldErrors Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
        return this;
    }

    public bool Check(bool condition, string field, string message)
    {
        if (!condition)
        {
            Add(field, message);
        }

        return condition;
    }

    public bool Any => _errors.Count > 0;

    /// <exception cref="ProblemException">400 validation-failed when any error was added.</exception>
    public void ThrowIfAny()
    {
        if (Any)
        {
            throw ProblemException.Validation(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
        }
    }
}
