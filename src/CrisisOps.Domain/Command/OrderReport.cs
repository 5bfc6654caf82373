using System.Security.Cryptography;

namespace CrisisOps.Domain.Command;

/// <summary>A progress report on an order: text, figures (name → number) and up to five photos.</summary>
public sealed class OrderReport
{
    public const int MaxTextLength = 4000;
    public const int MaxFigures = 20;
    public const int MaxPhotos = 5;

    private OrderReport() { }

    /// <exception cref="DomainException">invalid-report for empty text with nothing else, too many figures or photos.</exception>
    public OrderReport(Guid id, Guid orderId, string? text, IReadOnlyDictionary<string, decimal> figures, DateTimeOffset now, string reportedBy)
    {
        ArgumentNullException.ThrowIfNull(figures);
        if (text is { Length: > MaxTextLength })
        {
            throw new DomainException("invalid-report", $"A report's text is at most {MaxTextLength} characters.");
        }

        if (figures.Count > MaxFigures || figures.Keys.Any(k => string.IsNullOrWhiteSpace(k) || k.Length > 50))
        {
            throw new DomainException("invalid-report", $"At most {MaxFigures} figures, each named in 1–50 characters.");
        }

        Id = id;
        OrderId = orderId;
        Text = string.IsNullOrWhiteSpace(text) ? null : text.Trim();
        FiguresJson = System.Text.Json.JsonSerializer.Serialize(figures.OrderBy(f => f.Key, StringComparer.Ordinal)
            .ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal));
        ReportedAt = now;
        ReportedBy = reportedBy;
    }

    public Guid Id { get; private set; }

    public Guid OrderId { get; private set; }

    public string? Text { get; private set; }

    /// <summary>The figures as a JSON object (name → number), stored as written.</summary>
    public string FiguresJson { get; private set; } = "{}";

    public IReadOnlyDictionary<string, decimal> Figures =>
        System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, decimal>>(FiguresJson) ?? [];

    public DateTimeOffset ReportedAt { get; private set; }

    public string ReportedBy { get; private set; } = "";

    public List<OrderPhoto> Photos { get; private set; } = [];

    /// <exception cref="DomainException">invalid-report past <see cref="MaxPhotos"/>.</exception>
    public OrderPhoto AddPhoto(Guid id, PhotoFormat format, byte[] bytes)
    {
        if (Photos.Count >= MaxPhotos)
        {
            throw new DomainException("invalid-report", $"At most {MaxPhotos} photos per report.");
        }

        var photo = new OrderPhoto(id, Id, format, bytes);
        Photos.Add(photo);
        return photo;
    }
}

/// <summary>A photo attached to a report, kept in the database with its digest.</summary>
public sealed class OrderPhoto
{
    private OrderPhoto() { }

    internal OrderPhoto(Guid id, Guid reportId, PhotoFormat format, byte[] bytes)
    {
        Id = id;
        ReportId = reportId;
        ContentType = format.ContentType;
        Size = bytes.Length;
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        Bytes = bytes;
    }

    public Guid Id { get; private set; }

    public Guid ReportId { get; private set; }

    public string ContentType { get; private set; } = "";

    public long Size { get; private set; }

    /// <summary>Lower-case hex SHA-256 of the bytes: who took what is provable later.</summary>
    public string Sha256 { get; private set; } = "";

    public byte[] Bytes { get; private set; } = [];
}

/// <summary>The picture formats a report accepts, recognised by their first bytes, not by what the sender claims.</summary>
public sealed record PhotoFormat(string Name, string ContentType)
{
    public const long MaxBytes = 5 * 1024 * 1024;

    public static PhotoFormat Jpeg { get; } = new("jpeg", "image/jpeg");

    public static PhotoFormat Png { get; } = new("png", "image/png");

    public static PhotoFormat WebP { get; } = new("webp", "image/webp");

    /// <summary>The format the bytes are in, or null when they are none of JPEG, PNG, WebP.</summary>
    public static PhotoFormat? Detect(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF)
        {
            return Jpeg;
        }

        if (head.Length >= 8 && head[..8].SequenceEqual((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return Png;
        }

        if (head.Length >= 12 && head[..4].SequenceEqual("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8))
        {
            return WebP;
        }

        return null;
    }

    /// <summary>Whether a declared content type is one we take at all (checked before the bytes).</summary>
    public static bool IsAcceptedContentType(string? contentType) =>
        contentType is "image/jpeg" or "image/png" or "image/webp";
}
