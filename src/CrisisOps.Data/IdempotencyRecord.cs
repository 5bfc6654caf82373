namespace CrisisOps.Data;

/// <summary>
/// The first response to a creating POST that carried an <c>Idempotency-Key</c>: a retry with the
/// same key gets this response back and creates nothing new.
/// </summary>
public sealed class IdempotencyRecord
{
    public required string Key { get; init; }

    /// <summary>Keys are per caller: two users may pick the same key.</summary>
    public required string Caller { get; init; }

    public required string Endpoint { get; init; }

    /// <summary>SHA-256 of the request body: the same key with a different body is refused.</summary>
    public required string RequestHash { get; init; }

    public int StatusCode { get; set; }

    public string? ContentType { get; set; }

    public string? Location { get; set; }

    public byte[]? Body { get; set; }

    public bool Completed { get; set; }

    public DateTimeOffset CreatedAt { get; init; }
}
