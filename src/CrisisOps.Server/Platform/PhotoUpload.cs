using CrisisOps.Domain.Command;

namespace CrisisOps.Server.Platform;

/// <summary>A photo as it arrives, from a form field or a console upload: its bytes are read only after the size and declared type pass.</summary>
public sealed record IncomingPhoto(string FileName, string? ContentType, long Length, Func<Stream> Open)
{
    /// <summary>The files of a multipart form, as photos to check.</summary>
    public static List<IncomingPhoto> From(IFormFileCollection files) =>
        [.. files.Select(f => new IncomingPhoto(f.FileName, f.ContentType, f.Length, f.OpenReadStream))];
}

/// <summary>
/// The one check for uploaded pictures (order reports, public releases): a photo is taken only when its declared
/// type is an image we accept AND its first bytes say the same, and it is no larger than <see cref="PhotoFormat.MaxBytes"/>.
/// </summary>
public static class PhotoUpload
{
    /// <exception cref="ProblemException">413 photo-too-large; 415 unsupported-photo-type.</exception>
    public static async Task<(PhotoFormat Format, byte[] Bytes)> ReadAsync(IncomingPhoto file, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (file.Length > PhotoFormat.MaxBytes)
        {
            throw TooLarge(file);
        }

        if (!PhotoFormat.IsAcceptedContentType(file.ContentType))
        {
            throw new ProblemException(StatusCodes.Status415UnsupportedMediaType, "unsupported-photo-type", "Not a photo we take",
                $"'{file.FileName}' is {file.ContentType}; send JPEG, PNG or WebP.");
        }

        using var buffer = new MemoryStream();
        await using (var stream = file.Open())
        {
            await stream.CopyToAsync(buffer, ct);
        }

        // The declared length may lie; the bytes read may not.
        if (buffer.Length > PhotoFormat.MaxBytes)
        {
            throw TooLarge(file);
        }

        var bytes = buffer.ToArray();
        var format = PhotoFormat.Detect(bytes);
        if (format is null || format.ContentType != file.ContentType)
        {
            throw new ProblemException(StatusCodes.Status415UnsupportedMediaType, "unsupported-photo-type", "Not the picture it claims to be",
                $"'{file.FileName}' says {file.ContentType} but its bytes are {(format is null ? "no JPEG, PNG or WebP" : format.Name)}.");
        }

        return (format, bytes);
    }

    /// <summary>Reads every photo, in order; the first bad one refuses them all.</summary>
    /// <exception cref="ProblemException">413 photo-too-large; 415 unsupported-photo-type.</exception>
    public static async Task<List<(PhotoFormat Format, byte[] Bytes)>> ReadAllAsync(IReadOnlyList<IncomingPhoto> files, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(files);
        var photos = new List<(PhotoFormat, byte[])>();
        foreach (var file in files)
        {
            photos.Add(await ReadAsync(file, ct));
        }

        return photos;
    }

    private static ProblemException TooLarge(IncomingPhoto file) =>
        new(StatusCodes.Status413PayloadTooLarge, "photo-too-large", "Photo too large",
            $"'{file.FileName}' is larger than {PhotoFormat.MaxBytes:N0} bytes, the most a photo may have.");
}
