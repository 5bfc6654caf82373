using System.Text.Json;

namespace CrisisOps.Cli.Api;

/// <summary>
/// A non-success response from the server, read from its RFC 9457 problem details when it sent
/// them, otherwise from the status line and the start of the body.
/// </summary>
public sealed class ApiProblem : Exception
{
    private const int MaxPlainDetailLength = 500;

    public ApiProblem(int status, string title)
        : base(title)
    {
        Status = status;
        Title = title;
    }

    public int Status { get; }

    public string Title { get; }

    public string? Type { get; init; }

    public string? Detail { get; init; }

    public string? Instance { get; init; }

    /// <summary>Validation messages by field, from the <c>errors</c> extension.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Errors { get; init; } =
        new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);

    /// <summary>Per-feature errors of a GeoJSON import, from the <c>features</c> extension.</summary>
    public IReadOnlyList<FeatureProblem> Features { get; init; } = [];

    /// <summary>The body exactly as the server sent it, for <c>--json</c>.</summary>
    public string RawBody { get; init; } = "";

    /// <summary>Whether <see cref="RawBody"/> is a JSON document that can be passed on as is.</summary>
    public bool IsJson { get; init; }

    /// <summary>
    /// Reads a problem from a response body. Never throws: a body that is not problem details
    /// becomes a problem titled with the reason phrase.
    /// </summary>
    public static ApiProblem Parse(int status, string? reasonPhrase, string body)
    {
        var fallbackTitle = string.IsNullOrWhiteSpace(reasonPhrase) ? $"HTTP {status}" : reasonPhrase;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return new ApiProblem(status, fallbackTitle)
            {
                Detail = PlainDetail(body),
                RawBody = body,
            };
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new ApiProblem(status, fallbackTitle) { Detail = PlainDetail(body), RawBody = body, IsJson = true };
            }

            return new ApiProblem(ReadInt(root, "status") ?? status, ReadString(root, "title") ?? fallbackTitle)
            {
                Type = ReadString(root, "type"),
                Detail = ReadString(root, "detail"),
                Instance = ReadString(root, "instance"),
                Errors = ReadErrors(root),
                Features = ReadFeatures(root),
                RawBody = body,
                IsJson = true,
            };
        }
    }

    private static string? PlainDetail(string body)
    {
        var text = body.Trim();
        if (text.Length == 0)
        {
            return null;
        }

        return text.Length <= MaxPlainDetailLength ? text : string.Concat(text.AsSpan(0, MaxPlainDetailLength), "…");
    }

    private static string? ReadString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? AsText(value) : null;

    private static int? ReadInt(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
            ? number
            : null;

    private static string? AsText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => value.GetRawText(),
    };

    private static List<string> ReadMessages(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Array => [.. value.EnumerateArray().Select(AsText).OfType<string>()],
        JsonValueKind.Null => [],
        _ => AsText(value) is { } single ? [single] : [],
    };

    private static Dictionary<string, IReadOnlyList<string>> ReadErrors(JsonElement root)
    {
        var errors = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (root.TryGetProperty("errors", out var value) && value.ValueKind == JsonValueKind.Object)
        {
            foreach (var field in value.EnumerateObject())
            {
                errors[field.Name] = ReadMessages(field.Value);
            }
        }

        return errors;
    }

    private static List<FeatureProblem> ReadFeatures(JsonElement root)
    {
        var features = new List<FeatureProblem>();
        if (root.TryGetProperty("features", out var value) && value.ValueKind == JsonValueKind.Array)
        {
            foreach (var feature in value.EnumerateArray().Where(f => f.ValueKind == JsonValueKind.Object))
            {
                features.Add(new FeatureProblem(
                    ReadInt(feature, "index"),
                    ReadString(feature, "code"),
                    feature.TryGetProperty("errors", out var messages) ? ReadMessages(messages) : []));
            }
        }

        return features;
    }
}

/// <summary>Why one feature of an imported GeoJSON file was rejected.</summary>
public sealed record FeatureProblem(int? Index, string? Code, IReadOnlyList<string> Errors);
