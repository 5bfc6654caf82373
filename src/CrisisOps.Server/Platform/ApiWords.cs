using System.Text.Json;

namespace CrisisOps.Server.Platform;

/// <summary>
/// Reads enum words in query strings exactly as the JSON bodies write them (<c>responding</c>,
/// <c>duty-officer</c>, severity <c>IV</c>), so a filter accepts what a response shows.
/// </summary>
public static class ApiWords
{
    private static readonly JsonSerializerOptions Options = Create();

    public static bool TryParse<T>(string? word, out T value) where T : struct, Enum
    {
        value = default;
        if (string.IsNullOrEmpty(word) || word.Length > 64 || word.Contains('"', StringComparison.Ordinal) || word.Contains('\\', StringComparison.Ordinal))
        {
            return false;
        }

        try
        {
            value = JsonSerializer.Deserialize<T>("\"" + word + "\"", Options);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The words a field accepts, for error messages.</summary>
    public static string List<T>() where T : struct, Enum =>
        string.Join(", ", Enum.GetValues<T>().Select(v => JsonSerializer.Serialize(v, Options).Trim('"')));

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ServerSetup.ConfigureJson(options);
        return options;
    }
}
