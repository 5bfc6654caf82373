using System.Text.Json;
using CrisisOps.Server.Platform;

namespace CrisisOps.Server.Components.Shared;

/// <summary>Enum values as the API writes them (<c>waterlogging</c>, <c>duty-officer</c>), for display and links.</summary>
public static class Words
{
    private static readonly JsonSerializerOptions Options = Create();

    public static string Of<T>(T value) where T : struct, Enum => JsonSerializer.Serialize(value, Options).Trim('"');

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions();
        ServerSetup.ConfigureJson(options);
        return options;
    }
}
